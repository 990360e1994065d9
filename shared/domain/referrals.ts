/**
 * Referrals between partner regulators (docs/referrals.md): what a referral of ours says, what a
 * partner's status update says, and where a referral stands. A referral goes with an overseas
 * host's DELETE_REQUEST order, one per order, to the partner covering the host's country. It
 * carries the URLs, the category, the hashes, the legal basis at home and our reference, and
 * never the reporter, the victim, the summary or the content. Pure.
 */
import { z } from 'zod';
import type { WebhookAttempt } from './webhooks';
import { contentHashSchema } from './hashes';
import { CATEGORIES, type Category, type ContentHash } from './model';
import { multiLineText } from './text';

/**
 * PENDING: not delivered yet (retried); SENT: the partner's endpoint took it (2xx) or SES accepted
 * the e-mail; ACKNOWLEDGED, REMOVED (every URL removed abroad), DECLINED: what the partner said;
 * REVOKED: the partner lifted the order it had issued; FAILED: not delivered for the whole retry
 * window (staff are told).
 */
export const REFERRAL_STATUSES = ['PENDING', 'SENT', 'ACKNOWLEDGED', 'REMOVED', 'DECLINED', 'REVOKED', 'FAILED'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export const REFERRAL_CHANNELS = ['ENDPOINT', 'EMAIL'] as const;
export type ReferralChannel = (typeof REFERRAL_CHANNELS)[number];

/** Attempts kept on a referral: the latest ones say why it fails now. */
export const KEPT_ATTEMPTS = 10;

export interface ReferralUrl {
  url: string;
  /** When the partner reported it removed. */
  removedAt?: string;
}

export interface ReferralRecord {
  referralId: string;
  caseId: string;
  /** The DELETE_REQUEST order whose URLs are referred. */
  orderId: string;
  operatorId: string;
  partnerId: string;
  /** The host's country, which chose the partner. */
  country: string;
  channel: ReferralChannel;
  status: ReferralStatus;
  createdAt: string;
  category: Category;
  urls: ReferralUrl[];
  hashes?: ContentHash[];
  legalBasis: string;
  attempts: WebhookAttempt[];
  nextAttemptAt?: string;
  sentAt?: string;
  acknowledgedAt?: string;
  /** When the partner reported its own order issued for the referred URLs. */
  orderIssuedAt?: string;
  /** When the partner reported its order lifted. */
  revokedAt?: string;
  /** When the last URL was reported removed. */
  removedAt?: string;
  declined?: { reason: string; at: string };
  failedAt?: string;
}

/** The referral of an order (`O<ulid>-<operator>` → `X<ulid>-<operator>`): a retry lands on the same referral. */
export function referralIdOf(orderId: string): string {
  if (!orderId.startsWith('O')) throw new RangeError(`not an order id: ${orderId}`);
  return `X${orderId.slice(1)}`;
}

// ------------------------------------------------------------------------------------ messages

/** What a referral says, signed as a compact JWS (ES256) and POSTed to `{endpoint}/referrals` as `{"jws"}`. */
export const referralMessageSchema = z.strictObject({
  type: z.literal('referral'),
  /** The sender's id of the referral: the partner's status updates name it. */
  referralId: z.string().min(1).max(200),
  /** The sender's case reference. */
  reference: z.string().min(1).max(200),
  category: z.enum(CATEGORIES),
  urls: z.array(z.url().max(2048)).min(1).max(1000),
  hashes: z.array(contentHashSchema).max(100).optional(),
  legalBasis: multiLineText(2000),
  sentAt: z.iso.datetime(),
});
export type ReferralMessage = z.infer<typeof referralMessageSchema>;

export function referralMessage(referral: ReferralRecord, sentAt: string): ReferralMessage {
  return {
    type: 'referral',
    referralId: referral.referralId,
    reference: referral.caseId,
    category: referral.category,
    urls: referral.urls.map((entry) => entry.url),
    ...(referral.hashes === undefined || referral.hashes.length === 0 ? {} : { hashes: referral.hashes }),
    legalBasis: referral.legalBasis,
    sentAt,
  };
}

/** What a partner reports of a referral we sent, signed like the referral itself. */
export const referralStatusMessageSchema = z.discriminatedUnion('status', [
  z.strictObject({ type: z.literal('referral.status'), status: z.literal('ACKNOWLEDGED'), at: z.iso.datetime() }),
  z.strictObject({ type: z.literal('referral.status'), status: z.literal('ORDER_ISSUED'), at: z.iso.datetime() }),
  z.strictObject({
    type: z.literal('referral.status'),
    status: z.literal('REMOVED'),
    /** The URLs removed; absent: every URL of the referral. */
    urls: z.array(z.string().max(2048)).min(1).max(1000).optional(),
    at: z.iso.datetime(),
  }),
  z.strictObject({
    type: z.literal('referral.status'),
    status: z.literal('DECLINED'),
    reason: multiLineText(2000).pipe(z.string().trim().min(1, 'say why: staff read the reason')),
    at: z.iso.datetime(),
  }),
  z.strictObject({ type: z.literal('referral.status'), status: z.literal('REVOKED'), at: z.iso.datetime() }),
]);
export type ReferralStatusMessage = z.infer<typeof referralStatusMessageSchema>;

/** A signed message travels as `{"jws": "<compact JWS>"}`. */
export const signedMessageSchema = z.strictObject({ jws: z.string().min(1).max(400_000) });

/** Whether the referral still waits for its message to be delivered. */
export function awaitsDelivery(referral: Pick<ReferralRecord, 'status'>): boolean {
  return referral.status === 'PENDING';
}

/** A delivery attempt to record: its time and outcome, and when a failed one is tried again (absent: the retry window is over). */
export interface AttemptToRecord {
  readonly attempt: WebhookAttempt;
  readonly delivered: boolean;
  readonly nextAttemptAt?: string;
}

/**
 * What an attempt at a partner message makes of it: SENT, ATTEMPT_FAILED (tried again later) or
 * UNDELIVERABLE (the retry window is over); null when this very attempt is recorded already (a
 * retried act). Referrals and status updates back are delivered alike.
 */
export function attemptOutcome(
  attempts: readonly WebhookAttempt[],
  recorded: AttemptToRecord,
): 'SENT' | 'ATTEMPT_FAILED' | 'UNDELIVERABLE' | null {
  if (attempts.some((attempt) => attempt.at === recorded.attempt.at)) return null;
  if (recorded.delivered) return 'SENT';
  return recorded.nextAttemptAt === undefined ? 'UNDELIVERABLE' : 'ATTEMPT_FAILED';
}

/** The attempts kept after one more: the latest ones say why a delivery fails now. */
export const keptAttempts = (attempts: readonly WebhookAttempt[], attempt: WebhookAttempt): WebhookAttempt[] =>
  [...attempts, attempt].slice(-KEPT_ATTEMPTS);

/**
 * How a message reaches a partner regulator (docs/referrals.md): signed (compact JWS, ES256, with
 * the key that signs the block list) and POSTed to a path under the partner's endpoint, or e-mailed
 * to its contact where it has none, once per message. Referrals and the status updates sent back
 * to a partner that referred a case to us travel alike; a failed attempt is kept on the record
 * and tried again with the webhooks' backoff for their failure window.
 */
import type { Partner } from '../domain/partners';
import type { AttemptToRecord } from '../domain/referrals';
import { nextAttemptAt, type WebhookAttempt } from '../domain/webhooks';
import { deliverOnce } from '../notices/index';
import type { RenderedEmail } from '../notices/templates';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { casePartition } from '../store/keys';
import { getPartner } from '../store/repository';
import { signCompact } from './blocklist';
import { delivered, type WebhookPost } from './webhooks';

/** Where a partner's endpoint takes a message: `{endpoint}/{path}`. */
export function partnerUrl(endpoint: string, path: string): string {
  return new URL(path, endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

export interface PartnerMessage {
  /** The case whose partition claims the e-mail. */
  readonly caseId: string;
  /** Below the partner's endpoint (`referrals`, `referrals/{id}/status`). */
  readonly path: string;
  /** The signed payload, stamped with this attempt's time. */
  readonly payload: (sentAt: string) => unknown;
  /** The e-mail's claim: once per message. */
  readonly emailKey: string;
  readonly email: (partner: Partner) => RenderedEmail;
}

/** One attempt over the partner's channel; what happened, as a webhook attempt is recorded. */
async function deliverToPartner(
  partner: Partner | undefined,
  message: PartnerMessage,
  now: string,
  post: WebhookPost,
): Promise<{ attempt: WebhookAttempt; ok: boolean }> {
  if (partner === undefined) return { attempt: { at: now, error: 'the partner is no longer registered' }, ok: false };
  if (partner.endpoint !== undefined) {
    const jws = await signCompact(JSON.stringify(message.payload(now)));
    const outcome = await post(partnerUrl(partner.endpoint, message.path), {}, JSON.stringify({ jws }));
    return { attempt: { at: now, ...outcome }, ok: delivered(outcome) };
  }
  if (partner.contact === undefined) return { attempt: { at: now, error: 'the partner has neither endpoint nor contact' }, ok: false };
  try {
    await deliverOnce(casePartition(message.caseId), message.emailKey, [partner.contact], () => message.email(partner));
    return { attempt: { at: now }, ok: true };
  } catch (error) {
    return { attempt: { at: now, error: error instanceof Error ? error.name : 'sending failed' }, ok: false };
  }
}

/** When a failed attempt is tried again; undefined when it was delivered or the failure window is over. */
function retryAfter(attempts: readonly WebhookAttempt[], ok: boolean, now: string): string | undefined {
  if (ok) return undefined;
  const firstAttemptAt = attempts[0]?.at ?? now;
  return nextAttemptAt({ firstAttemptAt, failedAttempts: attempts.length + 1, now }, config().webhooks.retry, Math.random());
}

/** A message waiting for delivery: its partner, its attempts so far, and when the next is due. */
export interface PendingMessage {
  readonly id: string;
  readonly partnerId: string;
  readonly attempts: readonly WebhookAttempt[];
  readonly nextAttemptAt?: string;
}

/**
 * Sends the message if its next attempt is due, and has `record` keep the attempt: delivered,
 * failed with its next attempt, or, once the retry window is over, failed for good.
 */
export async function sendWhenDue(
  pending: PendingMessage,
  message: PartnerMessage,
  record: (attempt: AttemptToRecord) => Promise<unknown>,
  now: string,
  post: WebhookPost,
): Promise<void> {
  if (pending.nextAttemptAt !== undefined && pending.nextAttemptAt > now) return;
  const { attempt, ok } = await deliverToPartner(await getPartner(pending.partnerId), message, now, post);
  const next = retryAfter(pending.attempts, ok, now);
  await record({ attempt, delivered: ok, ...(next === undefined ? {} : { nextAttemptAt: next }) });
  if (!ok)
    logger.warn('partner message not delivered', {
      id: pending.id,
      partnerId: pending.partnerId,
      statusCode: attempt.statusCode,
      error: attempt.error,
    });
}

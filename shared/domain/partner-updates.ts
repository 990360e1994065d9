/**
 * Status updates sent back to a partner that referred a case to us (docs/referrals.md, "Inbound:
 * status updates back"): acknowledged when filed, an order issued, the URLs of an order removed,
 * the order revoked, or the report declined by staff. Each is a follow-up of the write that
 * changes the case or the order, stored once under an id fixed by that change, then delivered
 * like a referral (signed, retried with backoff, visible on the case). Pure.
 */
import type { FollowUp } from './decider';
import type { CaseRecord, OrderRecord } from './model';
import { reporterOrderOutcome, type ReporterUrlOutcome } from './reporter';
import type { WebhookAttempt } from './webhooks';

export const PARTNER_UPDATE_STATUSES = ['ACKNOWLEDGED', 'ORDER_ISSUED', 'REMOVED', 'REVOKED', 'DECLINED'] as const;
export type PartnerUpdateStatus = (typeof PARTNER_UPDATE_STATUSES)[number];

/** PENDING: not delivered yet (retried when `nextAttemptAt` comes); DELIVERED; FAILED: not delivered for the whole retry window. */
export const PARTNER_UPDATE_DELIVERIES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type PartnerUpdateDelivery = (typeof PARTNER_UPDATE_DELIVERIES)[number];

/** The partner and its id of the referral that filed the case: where its updates go and what they name. */
export interface PartnerReferralOrigin {
  partnerId: string;
  /** The partner's `referralId`, which the partner's status route names. */
  reference: string;
}

export type TellPartner = Extract<FollowUp, { type: 'TELL_PARTNER' }>;

export interface PartnerUpdateRecord extends PartnerReferralOrigin {
  updateId: string;
  caseId: string;
  status: PartnerUpdateStatus;
  /** The order whose issue, removal or revocation is told. */
  orderId?: string;
  /** REMOVED: the order's URLs. */
  urls?: string[];
  /** DECLINED: why staff declined the report. */
  reason?: string;
  createdAt: string;
  delivery: PartnerUpdateDelivery;
  attempts: WebhookAttempt[];
  nextAttemptAt?: string;
  deliveredAt?: string;
  failedAt?: string;
}

/** The partner that referred the case, or undefined for any other reporter. */
export function partnerOrigin(record: Pick<CaseRecord, 'reporter'>): PartnerReferralOrigin | undefined {
  const { kind, partnerId, reference } = record.reporter;
  return kind === 'PARTNER' && partnerId !== undefined && reference !== undefined ? { partnerId, reference } : undefined;
}

const tell = (
  caseId: string,
  origin: PartnerReferralOrigin,
  status: PartnerUpdateStatus,
  key: string,
  more: { orderId?: string; reason?: string } = {},
): TellPartner => ({ type: 'TELL_PARTNER', caseId, ...origin, status, key, ...more });

/** A partner's referral filed: it is acknowledged. */
export function acknowledgement(record: Pick<CaseRecord, 'caseId' | 'reporter'>): TellPartner[] {
  const origin = partnerOrigin(record);
  return origin === undefined ? [] : [tell(record.caseId, origin, 'ACKNOWLEDGED', 'acknowledged')];
}

/** A partner's referral rejected by staff or by the committee: declined, with the reason staff gave. */
export function declining(record: Pick<CaseRecord, 'caseId' | 'reporter'>, reason: string): TellPartner[] {
  const origin = partnerOrigin(record);
  return origin === undefined ? [] : [tell(record.caseId, origin, 'DECLINED', 'declined', { reason })];
}

const TAKEN_DOWN: ReadonlySet<ReporterUrlOutcome> = new Set(['REMOVED', 'ACCESS_DISABLED', 'NO_LONGER_FOUND']);
const LIFTED: ReadonlySet<ReporterUrlOutcome> = new Set(['ORDER_LIFTED', 'LIFTED_AFTER_REMOVAL']);

/**
 * What an order's event tells the partner that referred its case: the order issued, its URLs
 * taken down, or the order lifted. An ISP's blocking order lists other hosts' URLs and takes none
 * down: it tells nothing. Keyed by the order and its issue, so a retried event tells once and a
 * re-issued order's later change is told again.
 */
export function partnerOrderUpdate(before: OrderRecord | undefined, after: OrderRecord): TellPartner | undefined {
  const origin = after.partnerReferral;
  if (origin === undefined || after.action === 'BLOCK_ACCESS') return undefined;
  const orderId = after.orderId;
  if (before === undefined) return tell(after.caseId, origin, 'ORDER_ISSUED', `issued-${after.operatorId}`, { orderId });
  const previous = reporterOrderOutcome(before);
  const outcome = reporterOrderOutcome(after);
  if (previous === outcome) return undefined;
  const issue = after.resends ?? 0;
  if (TAKEN_DOWN.has(outcome)) return tell(after.caseId, origin, 'REMOVED', `removed-${after.operatorId}-${issue}`, { orderId });
  if (LIFTED.has(outcome)) return tell(after.caseId, origin, 'REVOKED', `revoked-${after.operatorId}-${issue}`, { orderId });
  return undefined;
}

/** Whether the update still waits for its message to be delivered. */
export function updateAwaitsDelivery(update: Pick<PartnerUpdateRecord, 'delivery'>): boolean {
  return update.delivery === 'PENDING';
}

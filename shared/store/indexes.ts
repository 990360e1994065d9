/**
 * The index attributes of each record kind, derived from its state whenever an event is projected,
 * so that a listing can never disagree with the record it lists (docs/architecture.md, "Table").
 */
import type { RecordKind } from '../domain/decider';
import type { Partner } from '../domain/partners';
import type { PartnerUpdateRecord } from '../domain/partner-updates';
import type { ReferralRecord } from '../domain/referrals';
import type { CaseRecord, Operator, OrderRecord, ReviewRecord } from '../domain/model';
import { assertNever } from '../domain/model';
import {
  awaitsFineDecisionReminder,
  awaitsReinstatementReminder,
  complianceOpen,
  deadlinePaused,
  inGracePeriod,
  isNonCompliant,
  isUndelivered,
  monitoringDue,
} from '../domain/orders';
import type { IndexField } from './keys';

/** GSI3 partition of events whose projection or follow-ups may be undone. */
export const UNSETTLED = 'UNSETTLED';
/** GSI3 partition of cases still going on, by the time of their last event. */
export const ACTIVE_CASES = 'ACTIVE_CASES';
export const OPEN_ORDERS = 'OPEN_ORDERS';
/** Orders whose notice did not reach the operator, waiting for staff to resend. */
export const UNDELIVERED_ORDERS = 'UNDELIVERED_ORDERS';
export const OPEN_REVIEWS = 'OPEN_REVIEWS';
/** Overdue orders whose grace period runs, by its end: the sweeper records non-compliance once it passed. */
export const OVERDUE_ORDERS = 'OVERDUE_ORDERS';
/** Orders whose grace period ended without compliance, waiting for staff to act, the longest waiting first. */
export const NON_COMPLIANT_ORDERS = 'NON_COMPLIANT_ORDERS';

/**
 * Lifted orders whose reinstatement instruction the operator has not answered and was not yet
 * reminded of, by when it was instructed: the sweeper's reminders. A lifted order is in no other GSI2 list.
 */
export const REINSTATEMENTS_PENDING = 'REINSTATEMENTS_PENDING';
/**
 * Orders whose fine is PROPOSED and whose staff were not yet reminded to decide it, by the end of
 * the opinion period. An order that is also NON_COMPLIANT stays in that list (the board's), so the
 * sweeper reads both.
 */
export const FINES_PROPOSED = 'FINES_PROPOSED';
/** Complied DELETE orders whose next post-monitoring round is due, by its time: the checker's work list. */
export const MONITORING_DUE = 'MONITORING_DUE';

/** Referrals whose message waits for its next attempt, by its time: the referral sender's work list. */
export const REFERRALS_DUE = 'REFERRALS_DUE';
/** Status updates back to partners whose message waits for its next attempt, by its time: the same sender's other work list. */
export const PARTNER_UPDATES_DUE = 'PARTNER_UPDATES_DUE';

/** GSI3 partition of every order, newest issued first: the deadline board's search when nothing narrows it. */
export const ALL_ORDERS = 'ORDERS';

type IndexKeys = Partial<Record<IndexField, string>>;

export function caseIsActive(record: Pick<CaseRecord, 'status' | 'closedAt'>): boolean {
  return record.closedAt === undefined && record.status !== 'FAILED';
}

export function indexKeysOf(kind: RecordKind, state: unknown, lastEventAt: string): IndexKeys {
  switch (kind) {
    case 'case': {
      const record = state as CaseRecord;
      return {
        gsi1pk: 'CASES',
        gsi1sk: `${record.createdAt}#${record.caseId}`,
        gsi2pk: `REPORTER#${record.createdBy}`,
        gsi2sk: record.createdAt,
        ...(caseIsActive(record) ? { gsi3pk: ACTIVE_CASES, gsi3sk: `${lastEventAt}#${record.caseId}` } : {}),
      };
    }
    case 'order': {
      const order = state as OrderRecord;
      return {
        gsi1pk: `OPERATOR#${order.operatorId}`,
        gsi1sk: `${order.issuedAt}#${order.orderId}`,
        gsi3pk: ALL_ORDERS,
        gsi3sk: `${order.issuedAt}#${order.orderId}`,
        // First, so that any list below takes precedence (an order has one GSI2 entry).
        ...(awaitsFineDecisionReminder(order) ? { gsi2pk: FINES_PROPOSED, gsi2sk: `${order.fine?.opinionDueAt}#${order.orderId}` } : {}),
        ...(complianceOpen(order) ? { gsi2pk: OPEN_ORDERS, gsi2sk: `${order.deadlineAt}#${order.orderId}` } : {}),
        // Listed after every deadline ('~' sorts after digits): on the board, never among deadlines due.
        ...(deadlinePaused(order) ? { gsi2pk: OPEN_ORDERS, gsi2sk: `~PAUSED#${order.deadlinePausedAt}#${order.orderId}` } : {}),
        ...(isUndelivered(order) ? { gsi2pk: UNDELIVERED_ORDERS, gsi2sk: `${order.undeliveredAt ?? lastEventAt}#${order.orderId}` } : {}),
        ...(inGracePeriod(order) ? { gsi2pk: OVERDUE_ORDERS, gsi2sk: `${order.graceEndsAt}#${order.orderId}` } : {}),
        ...(monitoringDue(order) ? { gsi2pk: MONITORING_DUE, gsi2sk: `${order.monitoring?.nextCheckAt}#${order.orderId}` } : {}),
        ...(isNonCompliant(order)
          ? { gsi2pk: NON_COMPLIANT_ORDERS, gsi2sk: `${order.nonComplianceRecordedAt ?? lastEventAt}#${order.orderId}` }
          : {}),
        ...(awaitsReinstatementReminder(order)
          ? { gsi2pk: REINSTATEMENTS_PENDING, gsi2sk: `${order.reinstatement?.instructedAt}#${order.orderId}` }
          : {}),
      };
    }
    case 'review': {
      const review = state as ReviewRecord;
      return {
        gsi1pk: 'REVIEWS',
        gsi1sk: `${review.openedAt}#${review.reviewId}`,
        ...(review.status === 'OPEN' ? { gsi2pk: OPEN_REVIEWS, gsi2sk: `${review.closesAt}#${review.reviewId}` } : {}),
      };
    }
    case 'operator':
      return { gsi1pk: 'OPERATORS', gsi1sk: (state as Operator).operatorId };
    case 'partner':
      return { gsi1pk: 'PARTNERS', gsi1sk: (state as Partner).partnerId };
    case 'referral': {
      const referral = state as ReferralRecord;
      return {
        gsi1pk: 'REFERRALS',
        gsi1sk: `${referral.createdAt}#${referral.referralId}`,
        ...(referral.nextAttemptAt === undefined
          ? {}
          : { gsi2pk: REFERRALS_DUE, gsi2sk: `${referral.nextAttemptAt}#${referral.referralId}` }),
      };
    }
    case 'partnerUpdate': {
      const update = state as PartnerUpdateRecord;
      return update.nextAttemptAt === undefined
        ? {}
        : { gsi2pk: PARTNER_UPDATES_DUE, gsi2sk: `${update.nextAttemptAt}#${update.updateId}` };
    }
    case 'appeal':
    case 'fineLedger':
      return {};
    default:
      return assertNever(kind, 'record kind');
  }
}

/**
 * The order's decider: what the operator does (acknowledge, comply, appeal), what the regulator
 * decides (confirm, revoke, uphold, overturn, fine), the delivery of its notice (accepted, bounced,
 * undelivered, resent), and the clock (overdue, end of grace). The clock starts when the ORDER
 * notice is accepted for delivery and does not run while the order is UNDELIVERED. The order's
 * single status is derived from its two tracks by one rule (`orderStatus`) in `evolve`, so no
 * write can leave them disagreeing.
 */
import type { Decider, Decision, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { addDuration, hasEnded, orderDeadlines } from '../deadlines';
import { ConflictError, WindowClosedError } from '../errors';
import { objectionOpenUntil } from '../objections';
import type {
  AppealObjection,
  AppealRecord,
  ComplianceStatus,
  DecisionStatus,
  Fine,
  NonComplianceAction,
  NoticeRecord,
  NoticeStatus,
  OrderRecord,
  ReviewOutcome,
} from '../model';
import { assertNever, type COMPLIANCE_ACTIONS } from '../model';
import {
  APPEALED_STATUSES,
  canAcceptCompliance,
  clockNoticeKey,
  complianceOpen,
  isFinable,
  isLifted,
  isNonCompliant,
  isUndelivered,
  orderNoticeKey,
  orderStatus,
} from '../orders';
import type { Policy } from '../policy';
import { tokenPurpose } from '../waits';
import { SYSTEM_ACTOR } from './case';

type ComplianceAction = (typeof COMPLIANCE_ACTIONS)[number];

export type OrderCommand =
  | { readonly type: 'ISSUE'; readonly order: OrderRecord }
  /** `deadlines`: for an ORDER notice, the deadline it states (fixed when it was written). */
  | { readonly type: 'RECORD_NOTICE'; readonly notice: NoticeRecord; readonly deadlines?: Deadlines }
  /** The ORDER notice cannot reach the operator (refused for good, or not accepted for the whole retry window). */
  | { readonly type: 'MARK_UNDELIVERED'; readonly reason: string }
  /** What SES's events say became of a sent notice. */
  | {
      readonly type: 'RECORD_DELIVERY';
      readonly eventKey: string;
      readonly status: NoticeStatus;
      readonly permanent: boolean;
      readonly reason?: string;
      readonly at: string;
      /** With a permanent bounce of some recipients only: their places in the notice's `to`. */
      readonly lostRecipients?: readonly number[];
    }
  | { readonly type: 'RESEND'; readonly by: string }
  | { readonly type: 'ACKNOWLEDGE'; readonly by: string }
  | { readonly type: 'COMPLY'; readonly by: string; readonly action: ComplianceAction; readonly note?: string }
  | { readonly type: 'ENFORCE_DEADLINE' }
  | { readonly type: 'RECORD_NON_COMPLIANCE' }
  | { readonly type: 'RESOLVE_NON_COMPLIANCE'; readonly by: string; readonly action: NonComplianceAction; readonly reason: string }
  | { readonly type: 'DECIDE'; readonly reviewId: string; readonly outcome: ReviewOutcome }
  | { readonly type: 'OPEN_APPEAL_WINDOW'; readonly appealDeadline: string; readonly notify: boolean }
  | { readonly type: 'APPEAL'; readonly by: string; readonly appealId: string; readonly grounds: string }
  /** A poster's objection through the public page; `appealId`: the order's appeal, should this objection open it. */
  | {
      readonly type: 'OBJECT_AS_POSTER';
      readonly objectionId: string;
      readonly appealId: string;
      readonly grounds: string;
      readonly contact?: string;
    }
  | { readonly type: 'DECIDE_APPEAL'; readonly reviewId: string; readonly appealId: string; readonly outcome: ReviewOutcome }
  | { readonly type: 'ASSESS_FINE'; readonly fine: Fine }
  | { readonly type: 'REMIND'; readonly reminderAt: string; readonly due: readonly string[] };

type Ids = { orderId: string; operatorId: string };
type Deadlines = { readonly deadlineAt: string; readonly graceEndsAt: string };

export type OrderEvent =
  | WithData<RecordEvent<'ORDER_ISSUED', Ids & { urlCount: number; action: string }>, OrderRecord>
  /** With `deadlineAt`: the ORDER notice was accepted for delivery, and the clock starts. */
  | WithData<
      RecordEvent<'NOTICE_SENT', { orderId: string; kind: string; messageId: string; deadlineAt?: string; graceEndsAt?: string }>,
      NoticeRecord
    >
  | RecordEvent<
      'NOTICE_STATUS_RECORDED',
      { orderId: string; eventKey: string; status: NoticeStatus; reason?: string; lostRecipients?: number[] }
    >
  /** `eventKey`: the ORDER notice that did not arrive; `status`: what SES said of it, when it said anything. */
  | RecordEvent<'ORDER_UNDELIVERED', { orderId: string; reason: string; eventKey: string; status?: NoticeStatus }>
  | RecordEvent<'ORDER_NOTICE_RESENT', { orderId: string; resends: number }>
  | RecordEvent<'ORDER_ACKNOWLEDGED', Ids>
  | WithData<
      RecordEvent<'ORDER_COMPLIED' | 'ORDER_COMPLIED_LATE', Ids & { action: ComplianceAction; complianceStatus: ComplianceStatus }>,
      { note?: string }
    >
  | RecordEvent<'ORDER_OVERDUE', { orderId: string; deadlineAt: string; graceEndsAt: string }>
  | RecordEvent<'NON_COMPLIANCE_RECORDED', { orderId: string; deadlineAt: string; graceEndsAt: string }>
  /** Staff's reason is on the case's record (staff and auditors read it), never in the operator's view. */
  | RecordEvent<'NON_COMPLIANCE_ESCALATED' | 'REMOVAL_VERIFIED', { orderId: string; reason: string }>
  /** A new ORDER notice is on its way; its acceptance starts the new clock. */
  | RecordEvent<'ORDER_REISSUED', { orderId: string; reason: string; resends: number; missedDeadlineAt: string }>
  | RecordEvent<'ORDER_CONFIRMED' | 'ORDER_REVOKED', { orderId: string; reviewId: string; decisionStatus: DecisionStatus }>
  | RecordEvent<'APPEAL_WINDOW_OPENED', { orderId: string; appealDeadline: string }>
  | RecordEvent<'ORDER_APPEALED', Ids & { appealId: string }>
  /** Neither the poster's words nor contact: they stay on the appeal record, out of the chain. */
  | RecordEvent<'ORDER_OBJECTED_BY_POSTER', { orderId: string; appealId: string; objectionId: string }>
  | RecordEvent<
      'APPEAL_REJECTED_ORDER_UPHELD' | 'APPEAL_GRANTED_ORDER_OVERTURNED',
      { orderId: string; appealId: string; reviewId: string; decisionStatus: DecisionStatus }
    >
  | WithData<RecordEvent<'FINE_ASSESSED', { orderId: string; amount: number; currency: string; policyId: string }>, Fine>
  | RecordEvent<'REMINDER_DUE', { orderId: string; reminderAt: string; due: string[] }>;

type OrderDecider = Decider<OrderRecord, OrderCommand, OrderEvent>;

const notify = (order: OrderRecord, notice: Extract<FollowUp, { type: 'NOTIFY_OPERATOR' }>['notice'], eventKey: string): FollowUp => ({
  type: 'NOTIFY_OPERATOR',
  orderId: order.orderId,
  notice,
  eventKey,
});

const revokedWait = (order: OrderRecord): FollowUp => ({
  type: 'COMPLETE_WAIT',
  caseId: order.caseId,
  purpose: tokenPurpose.compliance(order.orderId),
  output: { outcome: 'REVOKED' },
});

function system<E extends OrderEvent>(at: string, event: Omit<E, 'at' | 'actor'>, followUps: FollowUp[] = []): Decision<OrderEvent> {
  return { event: { ...event, at, actor: SYSTEM_ACTOR } as OrderEvent, followUps };
}

/** The order's wait for a resend ends: it can be delivered (or no longer needs to be). */
const deliverableWait = (order: OrderRecord): FollowUp => ({
  type: 'COMPLETE_WAIT',
  caseId: order.caseId,
  purpose: tokenPurpose.delivery(order.orderId),
  output: { deliverable: true },
});

/**
 * The clock of an ORDER notice accepted at `acceptedAt`: what the notice stated, unless SES took so
 * long that acceptance plus the compliance deadline is later (the later one, in the operator's favour).
 */
function clockFrom(policy: Policy, acceptedAt: string, stated: Deadlines | undefined): Deadlines {
  const fromAcceptance = orderDeadlines(policy, acceptedAt);
  if (stated === undefined || Date.parse(stated.deadlineAt) < Date.parse(fromAcceptance.deadlineAt)) {
    return { deadlineAt: fromAcceptance.deadlineAt, graceEndsAt: fromAcceptance.graceEndsAt };
  }
  return stated;
}

/** When staff may no longer resend an UNDELIVERED order: its compliance track has ended unfined. */
export function resendClosesAt(policy: Policy, order: Pick<OrderRecord, 'undeliveredAt'>): string | undefined {
  return order.undeliveredAt === undefined ? undefined : addDuration(order.undeliveredAt, policy.resendWindow);
}

/** Whether a delivery status replaces the one recorded: a notice's fate only moves forward. */
function supersedes(next: NoticeStatus, current: NoticeStatus): boolean {
  const rank: Record<NoticeStatus, number> = { SENT: 0, DELIVERED: 1, COMPLAINED: 2, BOUNCED: 3, REJECTED: 3, FAILED: 3 };
  return rank[next] > rank[current];
}

export const orderDecider: OrderDecider = {
  kind: 'order',

  decide(command, order, { now, policy }) {
    if (command.type === 'ISSUE') {
      if (order !== undefined) return null;
      const issued = command.order;
      return system(issued.issuedAt, {
        action: 'ORDER_ISSUED',
        details: { orderId: issued.orderId, operatorId: issued.operatorId, urlCount: issued.urlCount, action: issued.action },
        data: issued,
      });
    }
    if (order === undefined) throw missing('order');
    const { orderId, operatorId } = order;
    switch (command.type) {
      case 'RECORD_NOTICE': {
        const { notice } = command;
        if (order.notices.some((sent) => sent.eventKey === notice.eventKey)) return null;
        // The current ORDER notice, accepted for an order whose clock does not run yet: it starts now
        // (recorded even for an order complied with meanwhile: the deadline the notice stated is a fact).
        const startsClock =
          notice.kind === 'ORDER' && notice.eventKey === orderNoticeKey(order) && order.deadlineAt === undefined && !isLifted(order);
        const clock = startsClock ? clockFrom(policy, notice.sentAt, command.deadlines) : undefined;
        const reachedAtLast = startsClock && order.complianceStatus === 'UNDELIVERED';
        return system(
          notice.sentAt,
          { action: 'NOTICE_SENT', details: { orderId, kind: notice.kind, messageId: notice.messageId, ...clock }, data: notice },
          reachedAtLast ? [deliverableWait(order), ...confirmationMissed(order)] : [],
        );
      }
      case 'RECORD_DELIVERY': {
        const notice = order.notices.find((sent) => sent.eventKey === command.eventKey);
        if (notice === undefined)
          throw new Error(`Order ${orderId} has no notice ${command.eventKey} yet; its delivery is recorded once it is.`);
        // Recipients bouncing for good at different times: the notice is lost once every one has.
        const lostBefore = notice.lostRecipients ?? [];
        const lostRecipients = [...new Set([...lostBefore, ...(command.lostRecipients ?? [])])].sort((a, b) => a - b);
        const everyRecipientLost = command.permanent || (lostRecipients.length > 0 && lostRecipients.length >= notice.to.length);
        const reason = command.reason === undefined ? {} : { reason: command.reason };
        if (!everyRecipientLost && command.lostRecipients !== undefined) {
          if (lostRecipients.length === lostBefore.length) return null;
          return system(command.at, {
            action: 'NOTICE_STATUS_RECORDED',
            details: { orderId, eventKey: command.eventKey, status: notice.status, lostRecipients },
          });
        }
        if (!supersedes(command.status, notice.status)) return null;
        const lost = everyRecipientLost && notice.kind === 'ORDER' && notice.eventKey === orderNoticeKey(order);
        if (lost && undeliverable(order)) {
          return undelivered(order, command.at, command.reason ?? `the order notice was ${command.status.toLowerCase()}`, command.status);
        }
        return system(command.at, {
          action: 'NOTICE_STATUS_RECORDED',
          details: { orderId, eventKey: command.eventKey, status: command.status, ...reason },
        });
      }
      case 'MARK_UNDELIVERED':
        // An ORDER notice SES accepted is not undelivered until SES's own events say so.
        if (order.notices.some((sent) => sent.eventKey === orderNoticeKey(order)) || !undeliverable(order)) return null;
        return undelivered(order, now, command.reason);
      case 'RESEND': {
        // The same resend again (its answer was lost): its notice is still on its way.
        if (resendOnItsWay(order)) return null;
        if (!isUndelivered(order)) {
          throw new ConflictError(`Order ${orderId} is ${order.status}: only an UNDELIVERED order's notice is sent again.`);
        }
        const closesAt = resendClosesAt(policy, order);
        if (closesAt !== undefined && Date.parse(now) >= Date.parse(closesAt)) {
          throw new WindowClosedError(
            `Order ${orderId} could be sent again until ${closesAt}; its compliance track has ended without a fine.`,
          );
        }
        const resent = { ...order, resends: (order.resends ?? 0) + 1 };
        return {
          event: { action: 'ORDER_NOTICE_RESENT', at: now, actor: command.by, details: { orderId, resends: resent.resends } },
          followUps: [notify(resent, { kind: 'ORDER' }, orderNoticeKey(resent))],
        };
      }
      case 'ACKNOWLEDGE':
        if (order.acknowledgedAt !== undefined) return null;
        return { event: { action: 'ORDER_ACKNOWLEDGED', at: now, actor: command.by, details: { orderId, operatorId } } };
      case 'COMPLY': {
        const complianceStatus = canAcceptCompliance(order, now);
        // An operator that complies with an order whose notice never reached it ends its wait too.
        const deliveryWait = isUndelivered(order) ? [deliverableWait(order)] : [];
        return {
          event: {
            action: complianceStatus === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE',
            at: now,
            actor: command.by,
            details: { orderId, operatorId, action: command.action, complianceStatus },
            data: command.note === undefined ? {} : { note: command.note },
          },
          followUps: [
            {
              type: 'COMPLETE_WAIT',
              caseId: order.caseId,
              purpose: tokenPurpose.compliance(orderId),
              output: { outcome: complianceStatus },
            },
            ...deliveryWait,
          ],
        };
      }
      case 'ENFORCE_DEADLINE': {
        const clock = clockOf(order);
        if (!complianceOpen(order) || clock === undefined || !hasEnded(clock.deadlineAt, now)) return null;
        return system(now, { action: 'ORDER_OVERDUE', details: { orderId, ...clock } }, [
          notify(order, { kind: 'OVERDUE' }, clockNoticeKey(order, 'overdue')),
          {
            type: 'NOTIFY_STAFF',
            caseId: order.caseId,
            eventKey: clockNoticeKey(order, 'overdue-staff'),
            alert: {
              subject: `Order ${orderId} is overdue`,
              lines: [
                `Operator ${operatorId} did not report compliance by ${clock.deadlineAt}.`,
                `Late compliance is accepted until ${clock.graceEndsAt}; the delay will count towards a fine.`,
              ],
            },
          },
        ]);
      }
      case 'RECORD_NON_COMPLIANCE': {
        const clock = clockOf(order);
        if (
          order.complianceStatus !== 'OVERDUE' ||
          order.nonComplianceRecordedAt !== undefined ||
          isLifted(order) ||
          clock === undefined ||
          !hasEnded(clock.graceEndsAt, now)
        ) {
          return null;
        }
        return system(now, { action: 'NON_COMPLIANCE_RECORDED', details: { orderId, ...clock } });
      }
      case 'RESOLVE_NON_COMPLIANCE':
        return resolveNonCompliance(order, command, now);
      case 'DECIDE': {
        if (order.decisionStatus !== 'PENDING') return null;
        const revoked = command.outcome === 'REVOKED';
        return system(
          now,
          {
            action: revoked ? 'ORDER_REVOKED' : 'ORDER_CONFIRMED',
            details: { orderId, reviewId: command.reviewId, decisionStatus: revoked ? 'REVOKED' : 'CONFIRMED' },
          },
          revoked
            ? [
                notify(order, { kind: 'REVOKED' }, `revoked:${orderId}`),
                revokedWait(order),
                deliverableWait(order),
                ...heldAppealGranted(order),
              ]
            : [],
        );
      }
      case 'OPEN_APPEAL_WINDOW':
        // An order objected to before its confirmation is APPEALED from it, and is told of the confirmation too.
        if ((order.decisionStatus !== 'CONFIRMED' && order.decisionStatus !== 'APPEALED') || order.appealWindowOpenedAt !== undefined) {
          return null;
        }
        return system(
          now,
          // An order confirmed before issuance (vote-first) keeps the deadline its notice already gave.
          { action: 'APPEAL_WINDOW_OPENED', details: { orderId, appealDeadline: order.appealDeadline ?? command.appealDeadline } },
          // An order whose notice did not arrive is not told either: its contact is known not to work.
          command.notify && !isUndelivered(order) ? [notify(order, { kind: 'CONFIRMED' }, `confirmed:${orderId}`)] : [],
        );
      case 'APPEAL': {
        if (operatorHasAppealed(order)) {
          throw new ConflictError(`Order ${orderId} was already appealed; one appeal per order.`);
        }
        assertObjectionOpen(order, policy, now);
        const appealId = order.appealId ?? command.appealId;
        return {
          event: { action: 'ORDER_APPEALED', at: now, actor: command.by, details: { orderId, operatorId, appealId } },
          followUps: [fileOrJoin(order, appealId, { objectionId: appealId, party: 'OPERATOR', grounds: command.grounds, filedAt: now })],
        };
      }
      case 'OBJECT_AS_POSTER': {
        if (order.posterObjectionIds?.includes(command.objectionId)) return null;
        assertObjectionOpen(order, policy, now);
        const appealId = order.appealId ?? command.appealId;
        const { objectionId } = command;
        const objection: AppealObjection = {
          objectionId,
          party: 'POSTER',
          grounds: command.grounds,
          filedAt: now,
          ...(command.contact === undefined ? {} : { contact: command.contact }),
        };
        return {
          event: { action: 'ORDER_OBJECTED_BY_POSTER', at: now, actor: POSTER_ACTOR, details: { orderId, appealId, objectionId } },
          followUps: [fileOrJoin(order, appealId, objection)],
        };
      }
      case 'DECIDE_APPEAL': {
        // Only the appeal this order recorded: an order never appealed has nothing to settle.
        if (order.decisionStatus !== 'APPEALED' || order.appealId !== command.appealId) return null;
        const overturned = command.outcome === 'REVOKED';
        const result = overturned ? 'OVERTURNED' : 'UPHELD';
        return system(
          now,
          {
            action: overturned ? 'APPEAL_GRANTED_ORDER_OVERTURNED' : 'APPEAL_REJECTED_ORDER_UPHELD',
            details: { orderId, appealId: command.appealId, reviewId: command.reviewId, decisionStatus: result },
          },
          [
            notify(order, { kind: 'APPEAL_OUTCOME', outcome: result }, `appeal-outcome:${command.appealId}`),
            { type: 'RUN', command: { kind: 'appeal', appealId: command.appealId, command: { type: 'SETTLE', result } } },
            ...(overturned ? [revokedWait(order), deliverableWait(order)] : []),
          ],
        );
      }
      case 'ASSESS_FINE':
        // A fine only for an order that missed its deadline and still stands, and only once.
        if (order.fine !== undefined || !isFinable(order)) return null;
        return system(
          now,
          {
            action: 'FINE_ASSESSED',
            details: { orderId, amount: command.fine.amount, currency: command.fine.currency, policyId: command.fine.policyId },
            data: command.fine,
          },
          [notify(order, { kind: 'FINE' }, `fine:${orderId}`)],
        );
      case 'REMIND':
        if (order.remindersSent.includes(command.reminderAt) || !complianceOpen(order)) return null;
        return system(now, { action: 'REMINDER_DUE', details: { orderId, reminderAt: command.reminderAt, due: [...command.due] } }, [
          notify(order, { kind: 'REMINDER', reminderAt: command.reminderAt }, `reminder:${orderId}:${command.reminderAt}`),
        ]);
      default:
        return assertNever(command, 'order command');
    }
  },

  evolve(order, event) {
    if (event.action === 'ORDER_ISSUED') return event.data;
    if (order === undefined) throw missing('order');
    const next = applyOrderEvent(order, event);
    return { ...next, status: orderStatus(next.complianceStatus, next.decisionStatus) };
  },
};

const NON_COMPLIANCE_EVENTS = {
  ESCALATE: 'NON_COMPLIANCE_ESCALATED',
  VERIFIED_REMOVAL: 'REMOVAL_VERIFIED',
} as const;

/**
 * Staff act on an order whose grace period ended without compliance. The same act again (its answer
 * was lost) does nothing; any other act on an order that is not waiting for staff is refused.
 */
function resolveNonCompliance(
  order: OrderRecord,
  command: Extract<OrderCommand, { type: 'RESOLVE_NON_COMPLIANCE' }>,
  now: string,
): Decision<OrderEvent> | null {
  const { orderId, operatorId } = order;
  const resolution = order.nonComplianceResolution;
  if (resolution?.action === command.action) return null;
  if (command.action === 'REISSUE' && order.reissuedAt !== undefined && order.nonComplianceRecordedAt === undefined && !isLifted(order)) {
    return null;
  }
  const clock = clockOf(order);
  if (!isNonCompliant(order) || clock === undefined) {
    const why =
      resolution === undefined
        ? `it is ${order.status}, and only an order whose grace period ended without compliance is`
        : `staff already chose ${resolution.action} for it at ${resolution.at}`;
    throw new ConflictError(`Order ${orderId} is not waiting for a non-compliance decision: ${why}.`);
  }
  const by = command.by;
  if (command.action !== 'REISSUE') {
    const action = NON_COMPLIANCE_EVENTS[command.action];
    const followUps: FollowUp[] =
      command.action === 'ESCALATE'
        ? [
            {
              type: 'NOTIFY_STAFF',
              caseId: order.caseId,
              eventKey: `escalated:${orderId}:${order.resends ?? 0}`,
              alert: {
                subject: `Order ${orderId} is referred for a formal order or penalty procedure`,
                lines: [
                  `Operator ${operatorId} did not comply by ${clock.deadlineAt} nor within the grace period that ended at ${clock.graceEndsAt}.`,
                  `Staff member ${by} referred it; the reason is on the case's audit record.`,
                ],
              },
            },
          ]
        : [];
    return { event: { action, at: now, actor: by, details: { orderId, reason: command.reason } }, followUps };
  }
  const resends = (order.resends ?? 0) + 1;
  return {
    event: {
      action: 'ORDER_REISSUED',
      at: now,
      actor: by,
      details: { orderId, reason: command.reason, resends, missedDeadlineAt: clock.deadlineAt },
    },
    followUps: [notify({ ...order, resends }, { kind: 'ORDER' }, orderNoticeKey({ orderId, resends }))],
  };
}

/** The actor of a poster's objection: the poster has no account, and the chain names no person. */
export const POSTER_ACTOR = 'poster';

/** Whether the operator itself appealed (an appeal a poster opened does not count). */
function operatorHasAppealed(order: OrderRecord): boolean {
  if (order.operatorAppealedAt !== undefined) return true;
  const appealed = order.appealId !== undefined || APPEALED_STATUSES.has(order.decisionStatus);
  return appealed && (order.posterObjectionIds ?? []).length === 0;
}

/** Refuses an objection outside its window (shared/domain/objections.ts says when it is open). */
function assertObjectionOpen(order: OrderRecord, policy: Policy, now: string): void {
  const until = objectionOpenUntil(order, policy);
  if (until === undefined) {
    const why =
      order.decisionStatus === 'PENDING'
        ? 'its notice has not reached the operator yet'
        : `it is ${order.status}; an order the committee confirmed can be appealed once its appeal window opens`;
    throw new WindowClosedError(`Order ${order.orderId} cannot be objected to now: ${why}.`);
  }
  if (Date.parse(now) >= Date.parse(until)) {
    const window = order.decisionStatus === 'PENDING' ? 'objection window' : 'appeal window';
    throw new WindowClosedError(`The ${window} of order ${order.orderId} closed at ${until}.`);
  }
}

/**
 * The objection opens the order's appeal, or joins the one already open: one appeal per order,
 * decided by one review with every objection's grounds before the members.
 */
function fileOrJoin(order: OrderRecord, appealId: string, objection: AppealObjection): FollowUp {
  if (order.appealId !== undefined) {
    return { type: 'RUN', command: { kind: 'appeal', appealId, command: { type: 'JOIN', objection } } };
  }
  const byPoster = objection.party === 'POSTER';
  const appeal: AppealRecord = {
    appealId,
    caseId: order.caseId,
    orderId: order.orderId,
    operatorId: order.operatorId,
    grounds: byPoster ? '' : objection.grounds,
    filedAt: objection.filedAt,
    status: 'FILED',
    ...(byPoster ? { filedBy: 'POSTER', objections: [objection] } : {}),
  };
  return { type: 'RUN', command: { kind: 'appeal', appealId, command: { type: 'FILE', appeal } } };
}

/**
 * An objection filed before the post-review decided waits for it (docs/objections.md): a revoked
 * order grants what it asked, so its appeal is settled as overturned and its posters are told.
 */
function heldAppealGranted(order: OrderRecord): FollowUp[] {
  return order.appealId === undefined
    ? []
    : [{ type: 'RUN', command: { kind: 'appeal', appealId: order.appealId, command: { type: 'SETTLE', result: 'OVERTURNED' } } }];
}

/** A confirmed order goes under appeal at once; a pending one keeps waiting for its post-review. */
function underAppeal(order: OrderRecord, appealId: string): OrderRecord {
  return { ...order, appealId, ...(order.decisionStatus === 'CONFIRMED' ? { decisionStatus: 'APPEALED' } : {}) };
}

/** The running clock: both ends are set together, when the ORDER notice is accepted. */
function clockOf(order: OrderRecord): Deadlines | undefined {
  return order.deadlineAt === undefined || order.graceEndsAt === undefined
    ? undefined
    : { deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt };
}

/**
 * Whether the current ORDER notice can be found undelivered: the order stands, the operator has not
 * complied, its non-compliance is not on record (nor fined), and this notice is not already known
 * undelivered (a resend still on its way can be).
 */
function undeliverable(order: OrderRecord): boolean {
  const open = order.complianceStatus === 'ISSUED' || order.complianceStatus === 'ACKNOWLEDGED' || order.complianceStatus === 'OVERDUE';
  return !isLifted(order) && order.nonComplianceRecordedAt === undefined && order.fine === undefined && (open || resendOnItsWay(order));
}

/** Staff resent an UNDELIVERED order's notice, and SES has neither accepted nor refused it yet. */
function resendOnItsWay(order: OrderRecord): boolean {
  return isUndelivered(order) && (order.resends ?? 0) > 0 && order.undeliveredNoticeKey !== orderNoticeKey(order);
}

/**
 * An order confirmed while its notice did not arrive was not told (OPEN_APPEAL_WINDOW skips it):
 * once a notice reaches the operator, so does the confirmation with its appeal rights.
 */
function confirmationMissed(order: OrderRecord): FollowUp[] {
  return order.decisionStatus === 'CONFIRMED' && order.appealWindowOpenedAt !== undefined
    ? [notify(order, { kind: 'CONFIRMED' }, `confirmed:${order.orderId}`)]
    : [];
}

/**
 * The ORDER notice did not reach the operator: no clock runs (a missed deadline is void), staff
 * are told how to fix it, and the workflow's wait on compliance ends so that it can wait for a resend.
 */
function undelivered(order: OrderRecord, at: string, reason: string, status?: NoticeStatus): Decision<OrderEvent> {
  const { orderId } = order;
  const details = { orderId, reason, eventKey: orderNoticeKey(order), ...(status === undefined ? {} : { status }) };
  return system(at, { action: 'ORDER_UNDELIVERED', details }, [
    {
      type: 'NOTIFY_STAFF',
      caseId: order.caseId,
      eventKey: `undelivered:${orderId}:${order.resends ?? 0}`,
      alert: {
        subject: `Order ${orderId} could not be delivered`,
        lines: [
          `The order notice to operator ${order.operatorId} did not arrive: ${reason}.`,
          `Its deadline does not run. Correct the operator's contact (PATCH /operators/${order.operatorId}),`,
          `then send the notice again (POST /orders/${orderId}/resend); the deadline runs from the new notice.`,
        ],
      },
    },
    { type: 'COMPLETE_WAIT', caseId: order.caseId, purpose: tokenPurpose.compliance(orderId), output: { outcome: 'UNDELIVERED' } },
  ]);
}

function withNoticeStatus(
  notices: readonly NoticeRecord[],
  eventKey: string,
  status: NoticeStatus,
  reason: string | undefined,
  at: string,
): NoticeRecord[] {
  return notices.map((notice) =>
    notice.eventKey === eventKey ? { ...notice, status, statusAt: at, ...(reason === undefined ? {} : { reason }) } : notice,
  );
}

function applyOrderEvent(order: OrderRecord, event: Exclude<OrderEvent, { action: 'ORDER_ISSUED' }>): OrderRecord {
  switch (event.action) {
    case 'NOTICE_SENT': {
      const { deadlineAt, graceEndsAt } = event.details;
      const sent = { ...order, notices: [...order.notices, event.data] };
      if (deadlineAt === undefined || graceEndsAt === undefined) return sent;
      const { undeliveredAt: _at, undeliveredReason: _reason, undeliveredNoticeKey: _key, ...delivered } = sent;
      return {
        ...delivered,
        deadlineAt,
        graceEndsAt,
        noticeAcceptedAt: event.at,
        ...(order.complianceStatus === 'UNDELIVERED'
          ? { complianceStatus: order.acknowledgedAt === undefined ? 'ISSUED' : 'ACKNOWLEDGED' }
          : {}),
      };
    }
    case 'NOTICE_STATUS_RECORDED': {
      const { eventKey, status, reason, lostRecipients } = event.details;
      // Some recipients lost: the notice's fate (the others') stays as it was.
      return {
        ...order,
        notices:
          lostRecipients === undefined
            ? withNoticeStatus(order.notices, eventKey, status, reason, event.at)
            : order.notices.map((notice) => (notice.eventKey === eventKey ? { ...notice, lostRecipients } : notice)),
      };
    }
    case 'ORDER_UNDELIVERED': {
      const { deadlineAt: _deadline, graceEndsAt: _grace, overdueAt: _overdue, ...stopped } = order;
      const { eventKey, status } = event.details;
      return {
        ...stopped,
        complianceStatus: 'UNDELIVERED',
        // A refused resend does not restart the resend window: it counts from the first undelivery.
        undeliveredAt: order.complianceStatus === 'UNDELIVERED' ? (order.undeliveredAt ?? event.at) : event.at,
        undeliveredReason: event.details.reason,
        undeliveredNoticeKey: eventKey,
        notices: status === undefined ? order.notices : withNoticeStatus(order.notices, eventKey, status, event.details.reason, event.at),
      };
    }
    case 'ORDER_NOTICE_RESENT':
      return { ...order, resends: event.details.resends, resentAt: event.at };
    case 'ORDER_ACKNOWLEDGED':
      // Acknowledging moves only an untouched order that stands; one overdue or lifted keeps its status.
      return {
        ...order,
        acknowledgedAt: event.at,
        ...(order.complianceStatus === 'ISSUED' && !isLifted(order) ? { complianceStatus: 'ACKNOWLEDGED' } : {}),
      };
    case 'ORDER_COMPLIED':
    case 'ORDER_COMPLIED_LATE':
      return {
        ...order,
        complianceStatus: event.details.complianceStatus,
        compliedAt: event.at,
        complianceAction: event.details.action,
        ...(event.data.note === undefined ? {} : { complianceNote: event.data.note }),
      };
    case 'ORDER_OVERDUE':
      return { ...order, complianceStatus: 'OVERDUE', overdueAt: event.at };
    case 'NON_COMPLIANCE_RECORDED':
      return { ...order, nonComplianceRecordedAt: event.at };
    case 'NON_COMPLIANCE_ESCALATED':
    case 'REMOVAL_VERIFIED':
      return {
        ...order,
        nonComplianceResolution: {
          action: event.action === 'NON_COMPLIANCE_ESCALATED' ? 'ESCALATE' : 'VERIFIED_REMOVAL',
          at: event.at,
          by: event.actor,
          reason: event.details.reason,
        },
      };
    case 'ORDER_REISSUED': {
      // The new clock starts when SES accepts the new notice; until then the order has none.
      const {
        deadlineAt,
        graceEndsAt,
        overdueAt: _overdue,
        acknowledgedAt: _acknowledged,
        nonComplianceRecordedAt: _recorded,
        nonComplianceResolution: _resolution,
        ...rest
      } = order;
      const missed = deadlineAt !== undefined && graceEndsAt !== undefined ? { deadlineAt, graceEndsAt } : undefined;
      return {
        ...rest,
        complianceStatus: 'ISSUED',
        resends: event.details.resends,
        reissuedAt: event.at,
        ...(order.missedClock !== undefined ? { missedClock: order.missedClock } : missed === undefined ? {} : { missedClock: missed }),
      };
    }
    case 'ORDER_CONFIRMED':
      // An objection held until the post-review decided: the confirmed order is now under appeal.
      return { ...order, decisionStatus: order.appealId === undefined ? 'CONFIRMED' : 'APPEALED' };
    case 'ORDER_REVOKED':
    case 'APPEAL_REJECTED_ORDER_UPHELD':
    case 'APPEAL_GRANTED_ORDER_OVERTURNED':
      return { ...order, decisionStatus: event.details.decisionStatus };
    case 'APPEAL_WINDOW_OPENED':
      return { ...order, appealDeadline: event.details.appealDeadline, appealWindowOpenedAt: event.at };
    case 'ORDER_APPEALED':
      return { ...underAppeal(order, event.details.appealId), operatorAppealedAt: event.at };
    case 'ORDER_OBJECTED_BY_POSTER':
      return {
        ...underAppeal(order, event.details.appealId),
        posterObjectionIds: [...(order.posterObjectionIds ?? []), event.details.objectionId],
      };
    case 'FINE_ASSESSED':
      return { ...order, fine: event.data };
    case 'REMINDER_DUE': {
      const sent = new Set([...order.remindersSent, ...event.details.due, event.details.reminderAt]);
      return { ...order, remindersSent: [...sent].sort() };
    }
    default:
      return assertNever(event, 'order event');
  }
}

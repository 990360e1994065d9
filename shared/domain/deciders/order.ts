/**
 * The order's decider: what the operator does (acknowledge, comply, appeal), what the regulator
 * decides (confirm, revoke, uphold, overturn, fine), and the clock (overdue, end of grace). The
 * order's single status is derived from its two tracks by one rule (`orderStatus`) in `evolve`,
 * so no write can leave them disagreeing.
 */
import type { Decider, Decision, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { hasEnded } from '../deadlines';
import { ConflictError, WindowClosedError } from '../errors';
import type { ComplianceStatus, DecisionStatus, Fine, NoticeRecord, OrderRecord, ReviewOutcome } from '../model';
import { assertNever, type COMPLIANCE_ACTIONS } from '../model';
import { APPEALED_STATUSES, canAcceptCompliance, complianceOpen, isFinable, isLifted, orderStatus } from '../orders';
import { tokenPurpose } from '../waits';
import { SYSTEM_ACTOR } from './case';

type ComplianceAction = (typeof COMPLIANCE_ACTIONS)[number];

export type OrderCommand =
  | { readonly type: 'ISSUE'; readonly order: OrderRecord }
  | { readonly type: 'RECORD_NOTICE'; readonly notice: NoticeRecord }
  | { readonly type: 'ACKNOWLEDGE'; readonly by: string }
  | { readonly type: 'COMPLY'; readonly by: string; readonly action: ComplianceAction; readonly note?: string }
  | { readonly type: 'ENFORCE_DEADLINE' }
  | { readonly type: 'RECORD_NON_COMPLIANCE' }
  | { readonly type: 'DECIDE'; readonly reviewId: string; readonly outcome: ReviewOutcome }
  | { readonly type: 'OPEN_APPEAL_WINDOW'; readonly appealDeadline: string; readonly notify: boolean }
  | { readonly type: 'APPEAL'; readonly by: string; readonly appealId: string; readonly grounds: string }
  | { readonly type: 'DECIDE_APPEAL'; readonly reviewId: string; readonly appealId: string; readonly outcome: ReviewOutcome }
  | { readonly type: 'ASSESS_FINE'; readonly fine: Fine }
  | { readonly type: 'REMIND'; readonly reminderAt: string; readonly due: readonly string[] };

type Ids = { orderId: string; operatorId: string };

export type OrderEvent =
  | WithData<RecordEvent<'ORDER_ISSUED', Ids & { urlCount: number; deadlineAt: string; action: string }>, OrderRecord>
  | WithData<RecordEvent<'NOTICE_SENT', { orderId: string; kind: string; messageId: string }>, NoticeRecord>
  | RecordEvent<'ORDER_ACKNOWLEDGED', Ids>
  | WithData<
      RecordEvent<'ORDER_COMPLIED' | 'ORDER_COMPLIED_LATE', Ids & { action: ComplianceAction; complianceStatus: ComplianceStatus }>,
      { note?: string }
    >
  | RecordEvent<'ORDER_OVERDUE', { orderId: string; deadlineAt: string; graceEndsAt: string }>
  | RecordEvent<'NON_COMPLIANCE_RECORDED', { orderId: string; deadlineAt: string; graceEndsAt: string }>
  | RecordEvent<'ORDER_CONFIRMED' | 'ORDER_REVOKED', { orderId: string; reviewId: string; decisionStatus: DecisionStatus }>
  | RecordEvent<'APPEAL_WINDOW_OPENED', { orderId: string; appealDeadline: string }>
  | RecordEvent<'ORDER_APPEALED', Ids & { appealId: string }>
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

export const orderDecider: OrderDecider = {
  kind: 'order',

  decide(command, order, { now }) {
    if (command.type === 'ISSUE') {
      if (order !== undefined) return null;
      const issued = command.order;
      return system(issued.issuedAt, {
        action: 'ORDER_ISSUED',
        details: {
          orderId: issued.orderId,
          operatorId: issued.operatorId,
          urlCount: issued.urlCount,
          deadlineAt: issued.deadlineAt,
          action: issued.action,
        },
        data: issued,
      });
    }
    if (order === undefined) throw missing('order');
    const { orderId, operatorId } = order;
    switch (command.type) {
      case 'RECORD_NOTICE': {
        const { notice } = command;
        if (order.notices.some((sent) => sent.eventKey === notice.eventKey)) return null;
        return system(notice.sentAt, {
          action: 'NOTICE_SENT',
          details: { orderId, kind: notice.kind, messageId: notice.messageId },
          data: notice,
        });
      }
      case 'ACKNOWLEDGE':
        if (order.acknowledgedAt !== undefined) return null;
        return { event: { action: 'ORDER_ACKNOWLEDGED', at: now, actor: command.by, details: { orderId, operatorId } } };
      case 'COMPLY': {
        const complianceStatus = canAcceptCompliance(order, now);
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
          ],
        };
      }
      case 'ENFORCE_DEADLINE':
        if (!complianceOpen(order) || !hasEnded(order.deadlineAt, now)) return null;
        return system(
          now,
          { action: 'ORDER_OVERDUE', details: { orderId, deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt } },
          [
            notify(order, { kind: 'OVERDUE' }, `overdue:${orderId}`),
            {
              type: 'NOTIFY_STAFF',
              caseId: order.caseId,
              eventKey: `overdue-staff:${orderId}`,
              alert: {
                subject: `Order ${orderId} is overdue`,
                lines: [
                  `Operator ${operatorId} did not report compliance by ${order.deadlineAt}.`,
                  `Late compliance is accepted until ${order.graceEndsAt}; the delay will count towards a fine.`,
                ],
              },
            },
          ],
        );
      case 'RECORD_NON_COMPLIANCE':
        if (
          order.complianceStatus !== 'OVERDUE' ||
          order.nonComplianceRecordedAt !== undefined ||
          isLifted(order) ||
          !hasEnded(order.graceEndsAt, now)
        ) {
          return null;
        }
        return system(now, {
          action: 'NON_COMPLIANCE_RECORDED',
          details: { orderId, deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt },
        });
      case 'DECIDE': {
        if (order.decisionStatus !== 'PENDING') return null;
        const revoked = command.outcome === 'REVOKED';
        return system(
          now,
          {
            action: revoked ? 'ORDER_REVOKED' : 'ORDER_CONFIRMED',
            details: { orderId, reviewId: command.reviewId, decisionStatus: revoked ? 'REVOKED' : 'CONFIRMED' },
          },
          revoked ? [notify(order, { kind: 'REVOKED' }, `revoked:${orderId}`), revokedWait(order)] : [],
        );
      }
      case 'OPEN_APPEAL_WINDOW':
        if (order.decisionStatus !== 'CONFIRMED' || order.appealWindowOpenedAt !== undefined) return null;
        return system(
          now,
          // An order confirmed before issuance (vote-first) keeps the deadline its notice already gave.
          { action: 'APPEAL_WINDOW_OPENED', details: { orderId, appealDeadline: order.appealDeadline ?? command.appealDeadline } },
          command.notify ? [notify(order, { kind: 'CONFIRMED' }, `confirmed:${orderId}`)] : [],
        );
      case 'APPEAL': {
        if (APPEALED_STATUSES.has(order.decisionStatus)) {
          throw new ConflictError(`Order ${orderId} was already appealed; one appeal per order.`);
        }
        const deadline = order.appealDeadline;
        if (order.decisionStatus !== 'CONFIRMED' || deadline === undefined) {
          throw new WindowClosedError(`Order ${orderId} cannot be appealed now: an appeal opens once the committee confirms the order.`);
        }
        if (Date.parse(now) >= Date.parse(deadline)) {
          throw new WindowClosedError(`The appeal window of order ${orderId} closed at ${deadline}.`);
        }
        return {
          event: { action: 'ORDER_APPEALED', at: now, actor: command.by, details: { orderId, operatorId, appealId: command.appealId } },
          followUps: [
            {
              type: 'RUN',
              command: {
                kind: 'appeal',
                appealId: command.appealId,
                command: {
                  type: 'FILE',
                  appeal: {
                    appealId: command.appealId,
                    caseId: order.caseId,
                    orderId,
                    operatorId,
                    grounds: command.grounds,
                    filedAt: now,
                    status: 'FILED',
                  },
                },
              },
            },
          ],
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
            ...(overturned ? [revokedWait(order)] : []),
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

function applyOrderEvent(order: OrderRecord, event: Exclude<OrderEvent, { action: 'ORDER_ISSUED' }>): OrderRecord {
  switch (event.action) {
    case 'NOTICE_SENT':
      return { ...order, notices: [...order.notices, event.data] };
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
    case 'ORDER_CONFIRMED':
    case 'ORDER_REVOKED':
    case 'APPEAL_REJECTED_ORDER_UPHELD':
    case 'APPEAL_GRANTED_ORDER_OVERTURNED':
      return { ...order, decisionStatus: event.details.decisionStatus };
    case 'APPEAL_WINDOW_OPENED':
      return { ...order, appealDeadline: event.details.appealDeadline, appealWindowOpenedAt: event.at };
    case 'ORDER_APPEALED':
      return { ...order, decisionStatus: 'APPEALED', appealId: event.details.appealId };
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

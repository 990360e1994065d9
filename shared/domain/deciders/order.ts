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
import { addDuration, elapsedMs, hasEnded, movedClock, orderDeadlines } from '../deadlines';
import type { DeadlineMove } from '../deadline-changes';
import { ConflictError, ValidationError, WindowClosedError } from '../errors';
import { type FineInputs, recomputeFine } from '../fines';
import { objectionOpenUntil } from '../objections';
import type {
  AppealObjection,
  AppealRecord,
  ComplianceStatus,
  DeadlineChange,
  DecisionStatus,
  Fine,
  FineDecision,
  FineStatus,
  NonComplianceAction,
  NoticeRecord,
  NoticeStatus,
  OrderRecord,
  Reinstatement,
  ReinstatementAction,
  ReviewOutcome,
} from '../model';
import { assertNever, type COMPLIANCE_ACTIONS } from '../model';
import {
  APPEALED_STATUSES,
  awaitsFineDecisionReminder,
  awaitsReinstatementReminder,
  canAcceptCompliance,
  clockNoticeKey,
  complianceOpen,
  deadlinePaused,
  isFinable,
  isComplied,
  isLifted,
  isNonCompliant,
  isUndelivered,
  orderNoticeKey,
  orderStatus,
} from '../orders';
import { firstCheckAt, nextCheckAfter, roundCounts, type UrlProbe, withRound } from '../monitoring';
import { durationToMs, type Policy } from '../policy';
import { partnerOrderUpdate } from '../partner-updates';
import { reporterOrderUpdate } from '../reporter';
import { hashListingFollowUp } from '../hashes';
import { tokenPurpose } from '../waits';
import {
  everyUrlRemoved,
  newUrlReports,
  outcomeCounts,
  type UrlCompliance,
  type UrlReport,
  wholeOrderAction,
  withUrlReports,
} from '../url-compliance';
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
  /** Outcomes of some of the order's URLs (shared/domain/url-compliance.ts); the last URL accounted for complies with it. */
  | { readonly type: 'REPORT_URLS'; readonly by: string; readonly reports: readonly UrlReport[] }
  | { readonly type: 'ENFORCE_DEADLINE' }
  | { readonly type: 'RECORD_NON_COMPLIANCE' }
  /** A round of post-monitoring at `checkedAt` found a URL still up: the complied order is reopened. */
  | { readonly type: 'RECORD_NON_COMPLIANCE'; readonly cause: 'POST_MONITORING'; readonly checkedAt: string }
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
  /** Proposes the fine the inputs give (`recomputeFine`), with its opinion period. */
  | { readonly type: 'ASSESS_FINE'; readonly inputs: FineInputs }
  | { readonly type: 'SUBMIT_FINE_OPINION'; readonly by: string; readonly opinion: string }
  | {
      readonly type: 'DECIDE_FINE';
      readonly by: string;
      readonly decision: FineDecision;
      readonly amount?: number;
      readonly reason: string;
    }
  | { readonly type: 'REMIND'; readonly reminderAt: string; readonly due: readonly string[] }
  | { readonly type: 'CHANGE_DEADLINE'; readonly by: string; readonly move: DeadlineMove; readonly reason: string }
  /** The operator answers a lifted order's instruction to restore the content or lift the block. */
  | { readonly type: 'REPORT_REINSTATEMENT'; readonly by: string; readonly action: ReinstatementAction; readonly note?: string }
  /** The sweeper: an instruction left unanswered for the policy's `reinstatementReminder`. */
  | { readonly type: 'REMIND_REINSTATEMENT' }
  /** The sweeper: a proposed fine whose opinion period ended and that staff have not decided. */
  | { readonly type: 'REMIND_FINE_DECISION' }
  /** The checker's answers for the round due at `dueAt` (post-monitoring of a complied DELETE order). */
  | { readonly type: 'RECORD_URL_CHECKS'; readonly dueAt: string; readonly probes: readonly UrlProbe[] };

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
      RecordEvent<
        'ORDER_COMPLIED' | 'ORDER_COMPLIED_LATE',
        /** `firstCheckAt`: a DELETE order's first post-monitoring round. */
        Ids & { action: ComplianceAction; complianceStatus: ComplianceStatus; firstCheckAt?: string }
      >,
      /** `reports`: the per-URL report that accounted for the last URLs (the URLs' places, not the URLs). */
      { note?: string; reports?: UrlReport[] }
    >
  /** Some URLs accounted for, the order not yet complied with; counts on the chain, the reports (reasons) in `data`. */
  | WithData<
      RecordEvent<'URLS_ACCOUNTED', Ids & { reported: number; accounted: number; cannotComply: number; urlCount: number }>,
      { reports: UrlReport[] }
    >
  | RecordEvent<'ORDER_OVERDUE', { orderId: string; deadlineAt: string; graceEndsAt: string }>
  /** `cause` POST_MONITORING: a complied order reopened because `stillUp` of its URLs were found still up. */
  | RecordEvent<
      'NON_COMPLIANCE_RECORDED',
      { orderId: string; deadlineAt: string; graceEndsAt: string; cause?: 'POST_MONITORING'; stillUp?: number }
    >
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
  /** The fine is computed and PROPOSED: the operator is told and may state its opinion until `opinionDueAt`. */
  | WithData<
      RecordEvent<
        'FINE_ASSESSED',
        {
          orderId: string;
          amount: number;
          currency: string;
          policyId: string;
          policyVersion: string;
          status: 'PROPOSED';
          opinionDueAt: string;
        }
      >,
      Fine
    >
  /** The opinion's text stays outside the chain: an operator may quote what it was ordered to remove. */
  | WithData<RecordEvent<'FINE_OPINION_SUBMITTED', Ids & { characters: number }>, { opinion: string }>
  | RecordEvent<
      'FINE_DECIDED',
      {
        orderId: string;
        decision: FineDecision;
        status: FineStatus;
        amount: number;
        proposedAmount: number;
        currency: string;
        reason: string;
      }
    >
  | RecordEvent<'REMINDER_DUE', { orderId: string; reminderAt: string; due: string[] }>
  /** Staff's reason is in the details: the operator is told it too. `deadlineAt`, `graceEndsAt`: the clock after the change (none while paused). */
  | RecordEvent<
      'DEADLINE_EXTENDED' | 'DEADLINE_PAUSED' | 'DEADLINE_RESUMED',
      { orderId: string; reason: string; previousDeadlineAt: string; extendBy?: string; deadlineAt?: string; graceEndsAt?: string }
    >
  /** The operator's note stays off the chain (it may describe the content), like a compliance note. */
  | WithData<RecordEvent<'REINSTATEMENT_REPORTED', Ids & { action: ReinstatementAction }>, { note?: string }>
  | RecordEvent<'REINSTATEMENT_REMINDED', { orderId: string; instructedAt: string }>
  /** Staff are told, once, that a proposed fine's opinion period ended without their decision. */
  | RecordEvent<'FINE_DECISION_DUE', { orderId: string; opinionDueAt: string; opinionStated: boolean }>
  /** A post-monitoring round: counts on the chain; the URLs, victim data, only in `data`. */
  | WithData<
      RecordEvent<'URLS_CHECKED', { orderId: string; dueAt: string; gone: number; stillUp: number; errors: number; nextCheckAt?: string }>,
      { probes: UrlProbe[] }
    >;

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

/** A lifted order tells its operator to restore what it removed or lift its block, once. */
const reinstateInstruction = (order: OrderRecord): FollowUp => notify(order, { kind: 'REINSTATE' }, `reinstate:${order.orderId}`);

function system<E extends OrderEvent>(at: string, event: Omit<E, 'at' | 'actor'>, followUps: FollowUp[] = []): Decision<OrderEvent> {
  return { event: { ...event, at, actor: SYSTEM_ACTOR } as OrderEvent, followUps };
}

/**
 * Staff hear of URLs an operator reports it cannot comply with: the order stays open and its
 * deadline runs, so staff read the reasons on the case while there is time to act. A URL reaches
 * CANNOT_COMPLY once at most (only a removal may replace it), so the first of the report's URLs
 * keys the alert for good. The reasons stay on the case: they are the operator's words.
 */
function cannotComplyAlert(order: OrderRecord, reports: readonly UrlReport[]): FollowUp {
  const first = Math.min(...reports.map((report) => report.place));
  return {
    type: 'NOTIFY_STAFF',
    caseId: order.caseId,
    eventKey: `cannot-comply:${order.orderId}:${first}`,
    alert: {
      subject: `Order ${order.orderId}: the operator cannot comply for ${reports.length} URL(s)`,
      lines: [
        `Operator ${order.operatorId} reported ${reports.length} URL(s) of order ${order.orderId} it cannot comply with, each with a reason.`,
        'The order stays open and its deadline runs: read the reasons next to the URLs on the case page.',
      ],
    },
  };
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

/**
 * The order complied with: as a whole (`COMPLY`), or by the per-URL report that accounted for its
 * last URL (`byUrl`: the outcomes after it). A DELETE order's post-monitoring starts when a URL was
 * deleted: per URL, only deleted URLs are checked (shared/domain/url-compliance.ts `monitoredPlaces`).
 */
function compliance(
  order: OrderRecord,
  by: string,
  action: ComplianceAction,
  now: string,
  policy: Policy,
  data: { note?: string; reports?: UrlReport[] },
  byUrl?: UrlCompliance,
): Decision<OrderEvent> {
  const complianceStatus = canAcceptCompliance(order, now);
  // An operator that complies with an order whose notice never reached it ends its wait too.
  const deliveryWait = isUndelivered(order) ? [deliverableWait(order)] : [];
  // Only a deletion can be seen from here: an ISP's block leaves the site up for everyone else.
  const deletedAny = byUrl === undefined || outcomeCounts(byUrl).deleted > 0;
  const firstCheck = order.action === 'DELETE' && deletedAny ? firstCheckAt(policy, now) : undefined;
  const { orderId, operatorId } = order;
  return {
    event: {
      action: complianceStatus === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE',
      at: now,
      actor: by,
      details: { orderId, operatorId, action, complianceStatus, ...(firstCheck === undefined ? {} : { firstCheckAt: firstCheck }) },
      data,
    },
    followUps: [
      { type: 'COMPLETE_WAIT', caseId: order.caseId, purpose: tokenPurpose.compliance(orderId), output: { outcome: complianceStatus } },
      ...deliveryWait,
    ],
  };
}

/** The order's own rules; `orderDecider` adds what the reporter is told. */
const orderRules: OrderDecider = {
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
      case 'COMPLY':
        return compliance(order, command.by, command.action, now, policy, command.note === undefined ? {} : { note: command.note });
      case 'REPORT_URLS': {
        const reports = newUrlReports(order, command.reports);
        if (reports.length === 0) return null;
        // Checked only for a report that changes something: a repeat stays harmless once the order is closed.
        canAcceptCompliance(order, now);
        const after = withUrlReports(order.urlCompliance, reports);
        if (everyUrlRemoved(after, order.urlCount)) {
          return compliance(order, command.by, wholeOrderAction(after), now, policy, { reports }, after);
        }
        const counts = outcomeCounts(after);
        const cannotComply = reports.filter((report) => report.outcome === 'CANNOT_COMPLY');
        return {
          ...(cannotComply.length === 0 ? {} : { followUps: [cannotComplyAlert(order, cannotComply)] }),
          event: {
            action: 'URLS_ACCOUNTED',
            at: now,
            actor: command.by,
            details: {
              orderId,
              operatorId,
              reported: reports.length,
              accounted: Object.keys(after.outcomes).length,
              cannotComply: counts.cannotComply,
              urlCount: order.urlCount,
            },
            data: { reports },
          },
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
        if ('cause' in command) return reopenAfterMonitoring(order, command.checkedAt);
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
                reinstateInstruction(order),
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
            ...(overturned ? [reinstateInstruction(order), revokedWait(order), deliverableWait(order)] : []),
          ],
        );
      }
      case 'ASSESS_FINE':
        // A fine only for a binding order that missed its deadline and still stands, and only once.
        if (order.fine !== undefined || !isFinable(order)) return null;
        return proposeFine(order, command.inputs, now);
      case 'SUBMIT_FINE_OPINION':
        return submitFineOpinion(order, command, now);
      case 'DECIDE_FINE':
        return decideFine(order, command, now);
      case 'REMIND':
        if (order.remindersSent.includes(command.reminderAt) || !complianceOpen(order)) return null;
        return system(now, { action: 'REMINDER_DUE', details: { orderId, reminderAt: command.reminderAt, due: [...command.due] } }, [
          notify(order, { kind: 'REMINDER', reminderAt: command.reminderAt }, `reminder:${orderId}:${command.reminderAt}`),
        ]);
      case 'CHANGE_DEADLINE':
        return changeDeadline(order, command, now, policy);
      case 'REPORT_REINSTATEMENT':
        return reportReinstatement(order, command, now);
      case 'REMIND_REINSTATEMENT': {
        const reinstatement = order.reinstatement;
        if (reinstatement === undefined || !awaitsReinstatementReminder(order)) return null;
        if (!hasEnded(addDuration(reinstatement.instructedAt, policy.reinstatementReminder), now)) return null;
        return system(now, { action: 'REINSTATEMENT_REMINDED', details: { orderId, instructedAt: reinstatement.instructedAt } }, [
          notify(order, { kind: 'REINSTATE', reminder: true }, `reinstate-reminder:${orderId}`),
        ]);
      }
      case 'REMIND_FINE_DECISION':
        return remindFineDecision(order, now);
      case 'RECORD_URL_CHECKS':
        return recordUrlChecks(order, command, policy, now);
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

const FINE_STATUS_OF: Record<FineDecision, FineStatus> = { IMPOSE: 'IMPOSED', REDUCE: 'REDUCED', WAIVE: 'WAIVED' };

/** The fine the inputs give, PROPOSED: the operator is told and may state its opinion; staff are told a decision will be due. */
function proposeFine(order: OrderRecord, inputs: FineInputs, now: string): Decision<OrderEvent> {
  const { orderId } = order;
  const computed = recomputeFine(inputs);
  const opinionDueAt = addDuration(now, inputs.schedule.opinionPeriod);
  const fine: Fine = {
    ...computed,
    status: 'PROPOSED',
    policyVersion: inputs.policyVersion,
    proposedAmount: computed.amount,
    inputs,
    proposedAt: now,
    opinionDueAt,
  };
  const { amount, currency, policyId } = computed;
  return system(
    now,
    {
      action: 'FINE_ASSESSED',
      details: { orderId, amount, currency, policyId, policyVersion: inputs.policyVersion, status: 'PROPOSED', opinionDueAt },
      data: fine,
    },
    [
      notify(order, { kind: 'FINE' }, `fine:${orderId}`),
      {
        type: 'NOTIFY_STAFF',
        caseId: order.caseId,
        eventKey: `fine-proposed:${orderId}`,
        alert: {
          subject: `A fine is proposed for order ${orderId}`,
          lines: [
            `Operator ${order.operatorId} was sent a proposed fine of ${amount} ${currency} and may state its opinion until ${opinionDueAt}.`,
            `Decide once the opinion is in or that time has passed: POST /orders/${orderId}/fine/decision (IMPOSE, REDUCE or WAIVE, with a reason).`,
          ],
        },
      },
    ],
  );
}

/** A fine still PROPOSED after its opinion period: staff are alerted once that the decision is theirs to make. */
function remindFineDecision(order: OrderRecord, now: string): Decision<OrderEvent> | null {
  const { orderId, fine } = order;
  if (fine?.opinionDueAt === undefined || !awaitsFineDecisionReminder(order) || !hasEnded(fine.opinionDueAt, now)) return null;
  const opinionStated = fine.opinion !== undefined;
  return system(now, { action: 'FINE_DECISION_DUE', details: { orderId, opinionDueAt: fine.opinionDueAt, opinionStated } }, [
    {
      type: 'NOTIFY_STAFF',
      caseId: order.caseId,
      eventKey: `fine-decision-due:${orderId}`,
      alert: {
        subject: `The fine proposed for order ${orderId} awaits your decision`,
        lines: [
          `Operator ${order.operatorId}'s opinion period ended at ${fine.opinionDueAt}; ${opinionStated ? 'its opinion is on the order' : 'it stated no opinion'}.`,
          `Decide now: POST /orders/${orderId}/fine/decision (IMPOSE, REDUCE or WAIVE, with a reason). Until then the fine stays PROPOSED.`,
        ],
      },
    },
  ]);
}

function proposedFineOf(order: OrderRecord): Fine & { opinionDueAt: string; proposedAmount: number } {
  const fine = order.fine;
  if (fine?.status === undefined || fine.opinionDueAt === undefined || fine.proposedAmount === undefined) {
    throw new ConflictError(`Order ${order.orderId} has no proposed fine: a fine is proposed when its case closes.`);
  }
  return { ...fine, opinionDueAt: fine.opinionDueAt, proposedAmount: fine.proposedAmount };
}

function submitFineOpinion(
  order: OrderRecord,
  command: Extract<OrderCommand, { type: 'SUBMIT_FINE_OPINION' }>,
  now: string,
): Decision<OrderEvent> | null {
  const { orderId, operatorId } = order;
  const fine = proposedFineOf(order);
  if (fine.opinion !== undefined) {
    if (fine.opinion.text === command.opinion) return null;
    throw new ConflictError(`An opinion on the fine of order ${orderId} was already stated at ${fine.opinion.at}; one opinion per fine.`);
  }
  if (fine.status !== 'PROPOSED') throw new WindowClosedError(`The fine of order ${orderId} was already decided (${fine.status}).`);
  if (hasEnded(fine.opinionDueAt, now)) {
    throw new WindowClosedError(`Opinions on the fine of order ${orderId} were accepted until ${fine.opinionDueAt}.`);
  }
  return {
    event: {
      action: 'FINE_OPINION_SUBMITTED',
      at: now,
      actor: command.by,
      details: { orderId, operatorId, characters: command.opinion.length },
      data: { opinion: command.opinion },
    },
    followUps: [
      {
        type: 'NOTIFY_STAFF',
        caseId: order.caseId,
        eventKey: `fine-opinion:${orderId}`,
        alert: {
          subject: `Operator ${operatorId} stated its opinion on the fine for order ${orderId}`,
          lines: [`Read it on the order, then decide: POST /orders/${orderId}/fine/decision (IMPOSE, REDUCE or WAIVE, with a reason).`],
        },
      },
    ],
  };
}

function decideFine(order: OrderRecord, command: Extract<OrderCommand, { type: 'DECIDE_FINE' }>, now: string): Decision<OrderEvent> | null {
  const { orderId } = order;
  const fine = proposedFineOf(order);
  const amount =
    command.decision === 'IMPOSE' ? fine.proposedAmount : command.decision === 'WAIVE' ? 0 : (command.amount ?? fine.proposedAmount);
  if (fine.decision !== undefined) {
    if (fine.decision.decision === command.decision && fine.amount === amount) return null;
    throw new ConflictError(`The fine of order ${orderId} was already decided (${fine.status}) at ${fine.decision.at}.`);
  }
  if (fine.opinion === undefined && !hasEnded(fine.opinionDueAt, now)) {
    throw new ConflictError(
      `The operator may state its opinion on the fine of order ${orderId} until ${fine.opinionDueAt}; decide once it has, or after that time.`,
    );
  }
  if (command.decision === 'REDUCE' && amount >= fine.proposedAmount) {
    throw new ValidationError(`A reduced fine must be lower than the proposed ${fine.proposedAmount} ${fine.currency}.`, [
      { field: 'amount', message: `lower than ${fine.proposedAmount}` },
    ]);
  }
  const status = FINE_STATUS_OF[command.decision];
  const period = fine.inputs?.period.id;
  const release: FollowUp[] =
    amount < fine.proposedAmount && period !== undefined
      ? [
          {
            type: 'RUN',
            command: { kind: 'fineLedger', operatorId: order.operatorId, period, command: { type: 'RELEASE', orderId, amount } },
          },
        ]
      : [];
  return {
    event: {
      action: 'FINE_DECIDED',
      at: now,
      actor: command.by,
      details: {
        orderId,
        decision: command.decision,
        status,
        amount,
        proposedAmount: fine.proposedAmount,
        currency: fine.currency,
        reason: command.reason,
      },
    },
    followUps: [notify(order, { kind: 'FINE_DECISION' }, `fine-decision:${orderId}`), ...release],
  };
}

/**
 * Every event that changes what the reporter is told about the order's URLs (removed, not removed,
 * lifted, handled again) brings the reporter's e-mail with it, whichever command caused it.
 */
function withReporterUpdate(order: OrderRecord | undefined, decision: Decision<OrderEvent> | null): Decision<OrderEvent> | null {
  if (decision === null || order === undefined) return decision;
  const update = reporterOrderUpdate(order, orderRules.evolve(order, decision.event));
  return update === undefined ? decision : { ...decision, followUps: [...(decision.followUps ?? []), update] };
}

/** Every event that issues the order, takes its URLs down or lifts it tells the partner that referred its case. */
function withPartnerUpdate(order: OrderRecord | undefined, decision: Decision<OrderEvent> | null): Decision<OrderEvent> | null {
  if (decision === null) return decision;
  const update = partnerOrderUpdate(order, orderRules.evolve(order, decision.event));
  return update === undefined ? decision : { ...decision, followUps: [...(decision.followUps ?? []), update] };
}

/** An event that confirms the order or lifts a confirmed one brings the case's hash listing in line (docs/hashes.md). */
function withHashListing(order: OrderRecord | undefined, decision: Decision<OrderEvent> | null): Decision<OrderEvent> | null {
  if (decision === null || order === undefined) return decision;
  const listing = hashListingFollowUp(order, orderRules.evolve(order, decision.event));
  return listing.length === 0 ? decision : { ...decision, followUps: [...(decision.followUps ?? []), ...listing] };
}

export const orderDecider: OrderDecider = {
  kind: 'order',
  decide: (command, order, context) =>
    withPartnerUpdate(order, withHashListing(order, withReporterUpdate(order, orderRules.decide(command, order, context)))),
  evolve: (order, event) => orderRules.evolve(order, event),
};

/** What answers each instruction, beside NOT_APPLICABLE (nothing was removed or blocked). */
const ANSWERS: Record<Reinstatement['instruction'], ReinstatementAction> = { REINSTATE: 'RESTORED', UNBLOCK: 'UNBLOCKED' };

/**
 * The operator answers a reinstatement instruction. The same answer again (a retry, a double click)
 * does nothing; another answer after the first, or an answer to an order that gave no instruction, is refused.
 */
function reportReinstatement(
  order: OrderRecord,
  command: Extract<OrderCommand, { type: 'REPORT_REINSTATEMENT' }>,
  now: string,
): Decision<OrderEvent> | null {
  const { orderId, operatorId, reinstatement } = order;
  if (reinstatement === undefined) {
    throw new ConflictError(
      `Order ${orderId} is ${order.status}: only an order the committee revoked or overturned asks for the content to be restored or unblocked.`,
    );
  }
  const answer = ANSWERS[reinstatement.instruction];
  if (command.action !== answer && command.action !== 'NOT_APPLICABLE') {
    throw new ValidationError(
      `Order ${orderId} asks for ${reinstatement.instruction}: answer ${answer}, or NOT_APPLICABLE if nothing was removed or blocked.`,
      [{ field: 'action', message: `must be ${answer} or NOT_APPLICABLE for this order` }],
    );
  }
  if (reinstatement.status === 'DONE') {
    if (reinstatement.action === command.action) return null;
    throw new ConflictError(`Order ${orderId}'s reinstatement was already reported as ${reinstatement.action} at ${reinstatement.doneAt}.`);
  }
  return {
    event: {
      action: 'REINSTATEMENT_REPORTED',
      at: now,
      actor: command.by,
      details: { orderId, operatorId, action: command.action },
      data: command.note === undefined ? {} : { note: command.note },
    },
  };
}

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
      // A pause ends with the clock it paused: the next accepted notice starts a new one.
      const {
        deadlineAt: _deadline,
        graceEndsAt: _grace,
        overdueAt: _overdue,
        deadlinePausedAt: _paused,
        pausedClock: _pausedClock,
        ...stopped
      } = order;
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
    case 'ORDER_COMPLIED_LATE': {
      const { firstCheckAt: nextCheckAt } = event.details;
      // Earlier rounds' results stay (a re-issued order complied again); the schedule starts over.
      const monitoring =
        nextCheckAt === undefined ? {} : { monitoring: { since: event.at, nextCheckAt, rounds: 0, urls: order.monitoring?.urls ?? [] } };
      return {
        ...order,
        complianceStatus: event.details.complianceStatus,
        compliedAt: event.at,
        complianceAction: event.details.action,
        ...(event.data.note === undefined ? {} : { complianceNote: event.data.note }),
        ...(event.data.reports === undefined ? {} : { urlCompliance: withUrlReports(order.urlCompliance, event.data.reports) }),
        ...monitoring,
      };
    }
    case 'URLS_ACCOUNTED':
      return { ...order, urlCompliance: withUrlReports(order.urlCompliance, event.data.reports) };
    case 'ORDER_OVERDUE':
      return { ...order, complianceStatus: 'OVERDUE', overdueAt: event.at };
    case 'NON_COMPLIANCE_RECORDED': {
      const { cause } = event.details;
      if (cause === undefined) return { ...order, nonComplianceRecordedAt: event.at };
      // A reopening after an earlier one staff resolved waits for a decision of its own.
      const { nonComplianceResolution: _resolved, ...rest } = order;
      return { ...rest, nonComplianceRecordedAt: event.at, nonComplianceCause: cause };
    }
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
        nonComplianceCause: _cause,
        ...rest
      } = order;
      // An order complied with in time and reopened by post-monitoring missed no clock: nothing to fine.
      const missed =
        deadlineAt !== undefined && graceEndsAt !== undefined && order.complianceStatus === 'OVERDUE'
          ? { deadlineAt, graceEndsAt }
          : undefined;
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
    case 'APPEAL_REJECTED_ORDER_UPHELD':
      return { ...order, decisionStatus: event.details.decisionStatus };
    case 'ORDER_REVOKED':
    case 'APPEAL_GRANTED_ORDER_OVERTURNED':
      return {
        ...order,
        decisionStatus: event.details.decisionStatus,
        reinstatement: {
          instruction: order.action === 'BLOCK_ACCESS' ? 'UNBLOCK' : 'REINSTATE',
          status: 'PENDING',
          instructedAt: event.at,
        },
      };
    case 'REINSTATEMENT_REPORTED': {
      const reinstatement = order.reinstatement;
      if (reinstatement === undefined) return order;
      const note = event.data.note === undefined ? {} : { note: event.data.note };
      return { ...order, reinstatement: { ...reinstatement, status: 'DONE', doneAt: event.at, action: event.details.action, ...note } };
    }
    case 'REINSTATEMENT_REMINDED':
      return order.reinstatement === undefined ? order : { ...order, reinstatement: { ...order.reinstatement, remindedAt: event.at } };
    case 'URLS_CHECKED':
      return {
        ...order,
        monitoring: withRound(
          order.monitoring ?? { since: order.compliedAt ?? event.at, rounds: 0, urls: [] },
          event.at,
          event.data.probes,
          event.details.nextCheckAt,
        ),
      };
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
    case 'FINE_OPINION_SUBMITTED':
      return order.fine === undefined
        ? order
        : { ...order, fine: { ...order.fine, opinion: { at: event.at, by: event.actor, text: event.data.opinion } } };
    case 'FINE_DECIDED': {
      if (order.fine === undefined) return order;
      const { decision, status, amount, proposedAmount, reason } = event.details;
      const lowered =
        amount < proposedAmount
          ? [
              {
                item: `${status === 'WAIVED' ? 'Waived' : 'Reduced'} by staff decision`,
                amount: amount - proposedAmount,
                code: 'DECISION' as const,
              },
            ]
          : [];
      return {
        ...order,
        fine: {
          ...order.fine,
          amount,
          status,
          breakdown: [...order.fine.breakdown, ...lowered],
          decision: { decision, at: event.at, by: event.actor, reason },
        },
      };
    }
    case 'FINE_DECISION_DUE':
      return order.fine === undefined ? order : { ...order, fine: { ...order.fine, decisionReminderAt: event.at } };
    case 'REMINDER_DUE': {
      const sent = new Set([...order.remindersSent, ...event.details.due, event.details.reminderAt]);
      return { ...order, remindersSent: [...sent].sort() };
    }
    case 'DEADLINE_EXTENDED':
    case 'DEADLINE_PAUSED':
    case 'DEADLINE_RESUMED':
      return withDeadlineChange(order, event);
    default:
      return assertNever(event, 'order event');
  }
}

const DEADLINE_EVENTS = { EXTEND: 'DEADLINE_EXTENDED', PAUSE: 'DEADLINE_PAUSED', RESUME: 'DEADLINE_RESUMED' } as const;
const DEADLINE_CHANGE_OF = { DEADLINE_EXTENDED: 'EXTENDED', DEADLINE_PAUSED: 'PAUSED', DEADLINE_RESUMED: 'RESUMED' } as const;

/** How long the same change by the same person with the same reason counts as a retry whose answer was lost. */
const DEADLINE_RETRY_MS = 15 * 60_000;

/**
 * Whether the command repeats the last change (same person, change, extension and reason, within
 * DEADLINE_RETRY_MS): a client retrying after a lost answer must not extend a deadline twice.
 */
function isRetryOf(last: DeadlineChange | undefined, command: Extract<OrderCommand, { type: 'CHANGE_DEADLINE' }>, now: string): boolean {
  if (last === undefined) return false;
  const { move } = command;
  return (
    last.change === DEADLINE_CHANGE_OF[DEADLINE_EVENTS[move.kind]] &&
    last.by === command.by &&
    last.reason === command.reason &&
    last.extendBy === (move.kind === 'EXTEND' ? move.extendBy : undefined) &&
    elapsedMs(last.at, now) <= DEADLINE_RETRY_MS
  );
}

/** Why the order's deadline cannot be moved now, or null when it can. */
function deadlineFixed(order: OrderRecord, move: DeadlineMove, now: string): string | null {
  const { orderId } = order;
  if (isLifted(order)) return `Order ${orderId} was lifted (${order.decisionStatus}); it has no deadline left to change.`;
  if (isComplied(order)) {
    return `Order ${orderId} was complied with at ${order.compliedAt ?? 'an earlier time'}; its deadline no longer runs.`;
  }
  if (order.complianceStatus === 'OVERDUE') {
    return `Order ${orderId} is overdue since its deadline ${order.deadlineAt ?? ''} passed; decide on it after its grace period (POST /orders/${orderId}/non-compliance) instead.`;
  }
  if (deadlinePaused(order)) {
    return move.kind === 'RESUME'
      ? null
      : `The deadline of order ${orderId} is paused since ${order.deadlinePausedAt}; resume it first ({"resume":true,"reason":...}).`;
  }
  if (move.kind === 'RESUME') return `The deadline of order ${orderId} is not paused; there is nothing to resume.`;
  if (order.deadlineAt === undefined) {
    return `Order ${orderId} has no running deadline yet (${order.complianceStatus}): its clock starts when its order notice is accepted for delivery.`;
  }
  if (hasEnded(order.deadlineAt, now)) {
    return `The deadline of order ${orderId} passed at ${order.deadlineAt}; a deadline can be extended or paused only before it passes.`;
  }
  return null;
}

/**
 * Staff extend, pause or resume the deadline, with a reason: the operator is told the new deadline,
 * and the workflow's compliance wait ends so that it waits again for the stored one. Resuming moves
 * the paused clock later by the time it was paused.
 */
function changeDeadline(
  order: OrderRecord,
  command: Extract<OrderCommand, { type: 'CHANGE_DEADLINE' }>,
  now: string,
  policy: Policy,
): Decision<OrderEvent> | null {
  const { orderId } = order;
  if (isRetryOf(order.deadlineChanges?.at(-1), command, now)) return null;
  const refusal = deadlineFixed(order, command.move, now);
  if (refusal !== null) throw new ConflictError(refusal);
  const previous = order.pausedClock ?? clockOf(order);
  if (previous === undefined) throw new Error(`Order ${orderId} has neither a running nor a paused clock.`);
  const { move } = command;
  const next =
    move.kind === 'EXTEND'
      ? movedClock(policy, previous.deadlineAt, durationToMs(move.extendBy))
      : move.kind === 'RESUME'
        ? movedClock(policy, previous.deadlineAt, elapsedMs(order.deadlinePausedAt ?? now, now))
        : undefined;
  const details = {
    orderId,
    reason: command.reason,
    previousDeadlineAt: previous.deadlineAt,
    ...(move.kind === 'EXTEND' ? { extendBy: move.extendBy } : {}),
    ...next,
  };
  const action = DEADLINE_EVENTS[move.kind];
  const change = changeOf(action, now, command.by, details);
  const count = (order.deadlineChanges?.length ?? 0) + 1;
  return {
    event: { action, at: now, actor: command.by, details },
    followUps: [
      notify(order, { kind: 'DEADLINE_CHANGED', change }, `deadline:${orderId}:${count}`),
      { type: 'COMPLETE_WAIT', caseId: order.caseId, purpose: tokenPurpose.compliance(orderId), output: { outcome: 'DEADLINE_CHANGED' } },
    ],
  };
}

type DeadlineEvent = Extract<OrderEvent, { action: 'DEADLINE_EXTENDED' | 'DEADLINE_PAUSED' | 'DEADLINE_RESUMED' }>;

/** The order's record of a change: what the operator is told, and what its history keeps. */
function changeOf(action: DeadlineEvent['action'], at: string, by: string, details: DeadlineEvent['details']): DeadlineChange {
  const { reason, previousDeadlineAt, extendBy, deadlineAt } = details;
  return {
    change: DEADLINE_CHANGE_OF[action],
    at,
    by,
    reason,
    previousDeadlineAt,
    ...(extendBy === undefined ? {} : { extendBy }),
    ...(deadlineAt === undefined ? {} : { deadlineAt }),
  };
}

function withDeadlineChange(order: OrderRecord, event: DeadlineEvent): OrderRecord {
  const { deadlineAt, graceEndsAt } = event.details;
  const change = changeOf(event.action, event.at, event.actor, event.details);
  const { deadlineAt: _deadline, graceEndsAt: _grace, deadlinePausedAt: _paused, pausedClock: _clock, ...rest } = order;
  const history = { deadlineChanges: [...(order.deadlineChanges ?? []), change] };
  if (event.action === 'DEADLINE_PAUSED') {
    const running = clockOf(order);
    return { ...rest, ...history, deadlinePausedAt: event.at, ...(running === undefined ? {} : { pausedClock: running }) };
  }
  return deadlineAt === undefined || graceEndsAt === undefined ? { ...rest, ...history } : { ...rest, ...history, deadlineAt, graceEndsAt };
}

/**
 * A post-monitoring round's answers, once per round (`dueAt` is the round the checker found due;
 * a retry finds it done). A URL still up reopens the order, as its own act that follows.
 */
function recordUrlChecks(
  order: OrderRecord,
  command: Extract<OrderCommand, { type: 'RECORD_URL_CHECKS' }>,
  policy: Policy,
  now: string,
): Decision<OrderEvent> | null {
  const monitoring = order.monitoring;
  if (monitoring?.nextCheckAt !== command.dueAt || isLifted(order)) return null;
  const { orderId } = order;
  const counts = roundCounts(command.probes);
  const nextCheckAt = nextCheckAfter(policy, monitoring.since, now);
  return system(
    now,
    {
      action: 'URLS_CHECKED',
      details: { orderId, dueAt: command.dueAt, ...counts, ...(nextCheckAt === undefined ? {} : { nextCheckAt }) },
      data: { probes: [...command.probes] },
    },
    counts.stillUp > 0
      ? [
          {
            type: 'RUN',
            command: { kind: 'order', orderId, command: { type: 'RECORD_NON_COMPLIANCE', cause: 'POST_MONITORING', checkedAt: now } },
          },
        ]
      : [],
  );
}

/**
 * The round at `checkedAt` found URLs of a complied order still up: non-compliance is recorded
 * again (the board's NON_COMPLIANT section), staff are alerted and the operator is told. An order
 * already waiting for staff, or lifted, stays as it is.
 */
function reopenAfterMonitoring(order: OrderRecord, checkedAt: string): Decision<OrderEvent> | null {
  const { orderId, operatorId } = order;
  const clock = clockOf(order);
  const round = order.monitoring?.urls.flatMap((url) => url.checks.filter((check) => check.at === checkedAt)) ?? [];
  const stillUp = round.filter((check) => check.result === 'STILL_UP').length;
  if (!isComplied(order) || isLifted(order) || isNonCompliant(order) || clock === undefined || stillUp === 0) return null;
  if (order.nonComplianceRecordedAt !== undefined && !hasEnded(order.nonComplianceRecordedAt, checkedAt)) return null;
  return system(checkedAt, { action: 'NON_COMPLIANCE_RECORDED', details: { orderId, ...clock, cause: 'POST_MONITORING', stillUp } }, [
    notify(order, { kind: 'STILL_ONLINE', stillUp }, `still-online:${orderId}:${checkedAt}`),
    {
      type: 'NOTIFY_STAFF',
      caseId: order.caseId,
      eventKey: `still-online-staff:${orderId}:${checkedAt}`,
      alert: {
        subject: `Order ${orderId}: content reported removed is online again`,
        lines: [
          `Post-monitoring at ${checkedAt} found ${stillUp} URL(s) of order ${orderId} still up, though operator ${operatorId} reported compliance.`,
          `The order is back in the board's non-compliance section; decide with POST /orders/${orderId}/non-compliance (ESCALATE, VERIFIED_REMOVAL or REISSUE).`,
        ],
      },
    },
  ]);
}

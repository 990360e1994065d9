/**
 * The case's decider: filing, the staff's urgent approval, the case's moves through post-review,
 * the appeal window and closing, and the workflow's own milestones. Each command happens once:
 * asked again, it answers `null` (nothing to do) or a refusal that says why.
 */
import { approvalsComplete, assertCanApprove, type Identity } from '../authz';
import type { Decider, Decision, EventFor, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { ConflictError } from '../errors';
import type { Approval, CaseRecord, CaseStatus, ReviewOutcome } from '../model';
import { assertNever } from '../model';
import { acknowledgement, declining } from '../partner-updates';
import { reporterRejectionUpdate } from '../reporter';
import { tokenPurpose } from '../waits';

export const SYSTEM_ACTOR = 'system';

export type CaseCommand =
  | { readonly type: 'FILE'; readonly record: CaseRecord }
  | { readonly type: 'DECIDE_APPROVAL'; readonly identity: Identity; readonly decision: Approval['decision']; readonly reason?: string }
  | { readonly type: 'START_WORKFLOW' }
  | { readonly type: 'MISS_APPROVAL_SLA' }
  | { readonly type: 'START_POST_REVIEW'; readonly reviewId: string }
  | { readonly type: 'APPLY_PRIOR_REVIEW'; readonly reviewId: string; readonly outcome: ReviewOutcome; readonly decidedAt: string }
  | { readonly type: 'APPLY_POST_REVIEW'; readonly reviewId: string; readonly outcome: ReviewOutcome }
  | {
      readonly type: 'RECORD_URL_MATCH';
      readonly matched: number;
      readonly unassigned: number;
      /** Issuance made BLOCK_ACCESS orders: their URLs join the block list, once for all of them. */
      readonly blockingOrdersIssued: boolean;
    }
  | { readonly type: 'OPEN_APPEAL_WINDOW'; readonly closesAt: string }
  | { readonly type: 'START_APPEAL_REVIEWS'; readonly appealIds: readonly string[] }
  | { readonly type: 'RECORD_STAFF_ALERT'; readonly eventKey: string; readonly messageId: string; readonly sentAt: string }
  | { readonly type: 'CLOSE' }
  | { readonly type: 'FAIL'; readonly error: string; readonly cause: string }
  | {
      readonly type: 'FILE_FOLLOW_UP';
      readonly identity: Identity;
      /** A fresh case id, used only if the follow-up is filed now. */
      readonly followUpCaseId: string;
      /** The case's unassigned URLs that no follow-up took over yet, each with the operator its host matches now. */
      readonly unassigned: readonly { readonly host: string; readonly operatorId: string | null }[];
    }
  | { readonly type: 'RECORD_REPORTER_UPDATE'; readonly eventKey: string; readonly messageId: string; readonly sentAt: string };

type Moved = { readonly status: CaseStatus };

export type CaseEvent =
  | WithData<RecordEvent<'REPORT_FILED', { urlCount: number; category: string; procedure: string }>, CaseRecord>
  | WithData<
      RecordEvent<
        'APPROVAL_GIVEN' | 'APPROVAL_REFUSED',
        { decision: Approval['decision']; approvalsSoFar: number; status: CaseStatus; ordersIssuedAt?: string }
      >,
      Approval
    >
  | RecordEvent<'WORKFLOW_STARTED', { procedure: string; approvalDeadlineAt?: string }>
  | RecordEvent<'APPROVAL_SLA_MISSED', { approvalDeadlineAt?: string; approvals: number; needed: number }>
  | RecordEvent<'POST_REVIEW_STARTED', Moved & { reviewId: string }>
  | RecordEvent<'ORDERS_APPROVED_BY_COMMITTEE', Moved & { reviewId: string; ordersIssuedAt: string }>
  | RecordEvent<'REJECTED_BY_COMMITTEE' | 'CASE_CONFIRMED' | 'CASE_REVOKED', Moved & { reviewId: string }>
  | RecordEvent<'URLS_MATCHED', { matched: number; unassigned: number }>
  | RecordEvent<'APPEAL_WINDOW_OPENED', Moved & { closesAt: string }>
  | RecordEvent<'APPEALS_UNDER_REVIEW', Moved & { appealIds: string[] }>
  | RecordEvent<'STAFF_ALERTED', { eventKey: string; messageId: string }>
  | RecordEvent<'CASE_CLOSED', Moved & { closedAt: string }>
  | RecordEvent<'WORKFLOW_FAILED', Moved & { error: string; cause: string; failedFrom: CaseStatus }>
  | RecordEvent<'FOLLOW_UP_FILED', { followUpCaseId: string; urlCount: number; operatorCount: number }>
  /** The reporter was e-mailed that an outcome changed (the address stays off the chain). */
  | RecordEvent<'REPORTER_NOTIFIED', { eventKey: string; messageId: string }>;

/** A case in one of these is decided for good: a later failure of its workflow does not undo that. */
const FINAL: ReadonlySet<CaseStatus> = new Set(['CLOSED', 'FAILED', 'REJECTED', 'REVOKED']);
/** A case still awaiting a decision cannot be closed: the workflow closes it after its tracks end. */
const UNDECIDED: ReadonlySet<CaseStatus> = new Set(['PENDING_APPROVAL', 'UNDER_PRIOR_REVIEW', 'UNDER_POST_REVIEW']);

function approvalDecision(
  command: Extract<CaseCommand, { type: 'DECIDE_APPROVAL' }>,
  record: CaseRecord,
  context: Parameters<CaseDecider['decide']>[2],
): Decision<CaseEvent> {
  const { identity, decision } = command;
  assertCanApprove(record, identity, context.policy);
  const approval: Approval = {
    by: identity.userId,
    at: context.now,
    decision,
    ...(command.reason === undefined ? {} : { reason: command.reason }),
  };
  const approvals = [...record.approvals, approval];
  const complete = decision === 'APPROVE' && approvalsComplete({ ...record, approvals }, context.policy);
  const status: CaseStatus = decision === 'REJECT' ? 'REJECTED' : complete ? 'ORDERS_ISSUED' : 'PENDING_APPROVAL';
  const followUps: FollowUp[] =
    status === 'PENDING_APPROVAL'
      ? []
      : [
          {
            type: 'COMPLETE_WAIT',
            caseId: record.caseId,
            purpose: tokenPurpose.approval(),
            output: { decision: status === 'REJECTED' ? 'REJECTED' : 'APPROVED' },
          },
          ...(status === 'REJECTED'
            ? [...reporterRejectionUpdate(record), ...declining(record, command.reason ?? 'Staff declined to order removal.')]
            : []),
        ];
  return {
    event: {
      action: decision === 'APPROVE' ? 'APPROVAL_GIVEN' : 'APPROVAL_REFUSED',
      at: context.now,
      actor: identity.userId,
      details: { decision, approvalsSoFar: approvals.length, status, ...(complete ? { ordersIssuedAt: context.now } : {}) },
      // The reason stays out of the chain: it may describe the content.
      data: approval,
    },
    followUps,
  };
}

type EventOf<A extends CaseEvent['action']> = EventFor<CaseEvent, A>;

/** A move of the case's status, once: a case already there answers null; one elsewhere is refused. */
function move<A extends CaseEvent['action']>(
  record: CaseRecord,
  from: readonly CaseStatus[],
  to: CaseStatus,
  action: A,
  at: string,
  details: Omit<EventOf<A>['details'], 'status'>,
): Decision<CaseEvent> | null {
  if (record.status === to) return null;
  if (!from.includes(record.status)) {
    throw new ConflictError(`Case ${record.caseId} is ${record.status}; it moves to ${to} only from ${from.join(' or ')}.`);
  }
  const event = { action, at, actor: SYSTEM_ACTOR, details: { ...details, status: to } };
  return { event: event as unknown as EventOf<A> };
}

function withFollowUps(decision: Decision<CaseEvent> | null, followUps: readonly FollowUp[]): Decision<CaseEvent> | null {
  return decision === null || followUps.length === 0 ? decision : { ...decision, followUps: [...(decision.followUps ?? []), ...followUps] };
}

/** Staff are told that some of the case's URLs match no registered operator, so no order covers them. */
function unassignedUrlsAlert(caseId: string, unassigned: number): FollowUp {
  return {
    type: 'NOTIFY_STAFF',
    caseId,
    eventKey: 'unassigned-urls',
    alert: {
      subject: `${unassigned} URL(s) of case ${caseId} match no registered operator`,
      lines: [
        'No order could be issued for them. Register the operator that hosts them (POST /operators);',
        'until then they stay UNASSIGNED on the case.',
      ],
    },
  };
}

/** An e-mail SES accepted, recorded on the case once per event key (a repeated record does nothing). */
function mailRecorded(
  recorded: readonly { eventKey: string }[] | undefined,
  action: 'STAFF_ALERTED' | 'REPORTER_NOTIFIED',
  mail: { readonly eventKey: string; readonly messageId: string; readonly sentAt: string },
): Decision<CaseEvent> | null {
  if (recorded?.some((sent) => sent.eventKey === mail.eventKey)) return null;
  return {
    event: { action, at: mail.sentAt, actor: SYSTEM_ACTOR, details: { eventKey: mail.eventKey, messageId: mail.messageId } },
  };
}

type CaseDecider = Decider<CaseRecord, CaseCommand, CaseEvent>;

/**
 * Unassigned URLs of a case whose orders were issued get no order from it (they are matched only at
 * issuance): a follow-up case takes them all over and runs its own approval. The set of unassigned
 * URLs never grows after issuance, so a case has at most one follow-up, and asking again is a no-op.
 */
function followUpDecision(
  command: Extract<CaseCommand, { type: 'FILE_FOLLOW_UP' }>,
  record: CaseRecord,
  now: string,
): Decision<CaseEvent> | null {
  if ((record.followUps ?? []).length > 0) return null;
  if (record.ordersIssuedAt === undefined) {
    throw new ConflictError(
      `Case ${record.caseId} is ${record.status}: its orders are not issued yet, and its unassigned URLs are matched again when it is approved. Assign their hosts to operators, then approve it.`,
    );
  }
  if (record.status === 'REVOKED')
    throw new ConflictError(`Case ${record.caseId} was revoked by the committee; file a new report instead.`);
  if (command.unassigned.length === 0) throw new ConflictError(`Case ${record.caseId} has no unassigned URLs to file as a follow-up.`);
  const unmatched = [...new Set(command.unassigned.filter((url) => url.operatorId === null).map((url) => url.host))];
  if (unmatched.length > 0) {
    throw new ConflictError(
      `No registered operator claims ${unmatched.join(', ')}; add the host to an operator's domains (or register one), then file the follow-up.`,
    );
  }
  return {
    event: {
      action: 'FOLLOW_UP_FILED',
      at: now,
      actor: command.identity.userId,
      details: {
        followUpCaseId: command.followUpCaseId,
        urlCount: command.unassigned.length,
        operatorCount: new Set(command.unassigned.map((url) => url.operatorId)).size,
      },
    },
    followUps: [
      { type: 'FILE_FOLLOW_UP', caseId: record.caseId, followUpCaseId: command.followUpCaseId, filedBy: command.identity.userId },
    ],
  };
}

export const caseDecider: CaseDecider = {
  kind: 'case',

  decide(command, record, context) {
    const { now, policy } = context;
    if (command.type === 'FILE') {
      if (record !== undefined) return null;
      const filed = command.record;
      return {
        event: {
          action: 'REPORT_FILED',
          at: filed.createdAt,
          actor: filed.createdBy,
          // Counts and the category only: the summary and the reporter's reference stay out of the chain.
          details: { urlCount: filed.urlCount, category: filed.category, procedure: filed.procedure },
          data: filed,
        },
        followUps: [{ type: 'START_WORKFLOW', caseId: filed.caseId }, ...acknowledgement(filed)],
      };
    }
    if (record === undefined) throw missing('case');
    switch (command.type) {
      case 'DECIDE_APPROVAL':
        return approvalDecision(command, record, context);
      case 'START_WORKFLOW':
        if (record.workflowStartedAt !== undefined) return null;
        return {
          event: {
            action: 'WORKFLOW_STARTED',
            at: now,
            actor: SYSTEM_ACTOR,
            details: {
              procedure: record.procedure,
              ...(record.approvalDeadlineAt === undefined ? {} : { approvalDeadlineAt: record.approvalDeadlineAt }),
            },
          },
        };
      case 'MISS_APPROVAL_SLA': {
        if (record.status !== 'PENDING_APPROVAL' || record.approvalSlaMissedAt !== undefined) return null;
        const approvals = record.approvals.filter((approval) => approval.decision === 'APPROVE').length;
        return {
          event: {
            action: 'APPROVAL_SLA_MISSED',
            at: now,
            actor: SYSTEM_ACTOR,
            details: {
              ...(record.approvalDeadlineAt === undefined ? {} : { approvalDeadlineAt: record.approvalDeadlineAt }),
              approvals,
              needed: policy.urgentApprovals,
            },
          },
          followUps: [
            {
              type: 'NOTIFY_STAFF',
              caseId: record.caseId,
              eventKey: 'approval-sla',
              alert: {
                subject: `Urgent case ${record.caseId} is still waiting for approval`,
                lines: [
                  `It should have been decided by ${record.approvalDeadlineAt ?? 'its approval deadline'}.`,
                  `Approvals so far: ${approvals} of ${policy.urgentApprovals}.`,
                  'Approve or reject it now: every hour online spreads the content further.',
                ],
              },
            },
          ],
        };
      }
      case 'START_POST_REVIEW':
        return move(record, ['ORDERS_ISSUED'], 'UNDER_POST_REVIEW', 'POST_REVIEW_STARTED', now, { reviewId: command.reviewId });
      case 'APPLY_PRIOR_REVIEW':
        return command.outcome === 'CONFIRMED'
          ? move(record, ['UNDER_PRIOR_REVIEW'], 'ORDERS_ISSUED', 'ORDERS_APPROVED_BY_COMMITTEE', now, {
              reviewId: command.reviewId,
              ordersIssuedAt: command.decidedAt,
            })
          : withFollowUps(move(record, ['UNDER_PRIOR_REVIEW'], 'REJECTED', 'REJECTED_BY_COMMITTEE', now, { reviewId: command.reviewId }), [
              ...reporterRejectionUpdate(record),
              ...declining(record, 'The review committee decided not to order removal.'),
            ]);
      case 'APPLY_POST_REVIEW': {
        const confirmed = command.outcome === 'CONFIRMED';
        return move(
          record,
          ['UNDER_POST_REVIEW'],
          confirmed ? 'CONFIRMED' : 'REVOKED',
          confirmed ? 'CASE_CONFIRMED' : 'CASE_REVOKED',
          now,
          { reviewId: command.reviewId },
        );
      }
      case 'RECORD_URL_MATCH':
        if (record.urlsMatchedAt !== undefined) return null;
        return {
          event: {
            action: 'URLS_MATCHED',
            at: now,
            actor: SYSTEM_ACTOR,
            details: { matched: command.matched, unassigned: command.unassigned },
          },
          followUps: [
            ...(command.blockingOrdersIssued ? [{ type: 'SYNC_BLOCKLIST' as const, caseId: record.caseId }] : []),
            ...(command.unassigned === 0 ? [] : [unassignedUrlsAlert(record.caseId, command.unassigned)]),
          ],
        };
      case 'OPEN_APPEAL_WINDOW':
        return move(record, ['CONFIRMED', 'ORDERS_ISSUED'], 'APPEAL_WINDOW', 'APPEAL_WINDOW_OPENED', now, { closesAt: command.closesAt });
      case 'START_APPEAL_REVIEWS':
        return move(record, ['APPEAL_WINDOW'], 'UNDER_APPEAL', 'APPEALS_UNDER_REVIEW', now, { appealIds: [...command.appealIds] });
      case 'RECORD_STAFF_ALERT':
        return mailRecorded(record.staffAlerts, 'STAFF_ALERTED', command);
      case 'RECORD_REPORTER_UPDATE':
        return mailRecorded(record.reporterUpdates, 'REPORTER_NOTIFIED', command);
      case 'CLOSE': {
        if (record.closedAt !== undefined || record.status === 'FAILED') return null;
        if (UNDECIDED.has(record.status)) {
          throw new ConflictError(`Case ${record.caseId} is ${record.status}; it closes only once it is decided.`);
        }
        // REVOKED and REJECTED are final statuses of their own; the case only gets its closing time.
        const status = record.status === 'REVOKED' || record.status === 'REJECTED' ? record.status : 'CLOSED';
        return { event: { action: 'CASE_CLOSED', at: now, actor: SYSTEM_ACTOR, details: { status, closedAt: now } } };
      }
      case 'FAIL':
        if (FINAL.has(record.status)) return null;
        return {
          event: {
            action: 'WORKFLOW_FAILED',
            at: now,
            actor: SYSTEM_ACTOR,
            details: { status: 'FAILED', error: command.error, cause: command.cause, failedFrom: record.status },
          },
          followUps: [
            {
              type: 'NOTIFY_STAFF',
              caseId: record.caseId,
              eventKey: 'workflow-failed',
              alert: {
                subject: `The workflow of case ${record.caseId} stopped on an error`,
                lines: [
                  `Error: ${command.error}`,
                  `Cause: ${command.cause}`,
                  'The case is FAILED; check it and act on its orders by hand.',
                ],
              },
            },
          ],
        };
      case 'FILE_FOLLOW_UP':
        return followUpDecision(command, record, now);
      default:
        return assertNever(command, 'case command');
    }
  },

  evolve(record, event) {
    if (event.action === 'REPORT_FILED') return event.data;
    if (record === undefined) throw missing('case');
    switch (event.action) {
      case 'APPROVAL_GIVEN':
      case 'APPROVAL_REFUSED': {
        const { status, ordersIssuedAt } = event.details;
        return {
          ...record,
          approvals: [...record.approvals, event.data],
          status,
          ...(ordersIssuedAt === undefined ? {} : { ordersIssuedAt }),
        };
      }
      case 'WORKFLOW_STARTED':
        return { ...record, workflowStartedAt: event.at };
      case 'APPROVAL_SLA_MISSED':
        return { ...record, approvalSlaMissedAt: event.at };
      case 'URLS_MATCHED':
        return { ...record, urlsMatchedAt: event.at, unassignedUrls: event.details.unassigned };
      case 'ORDERS_APPROVED_BY_COMMITTEE':
        return { ...record, status: event.details.status, ordersIssuedAt: event.details.ordersIssuedAt };
      case 'STAFF_ALERTED': {
        const alert = { eventKey: event.details.eventKey, messageId: event.details.messageId, sentAt: event.at };
        return { ...record, staffAlerts: [...(record.staffAlerts ?? []), alert] };
      }
      case 'REPORTER_NOTIFIED': {
        const update = { eventKey: event.details.eventKey, messageId: event.details.messageId, sentAt: event.at };
        return { ...record, reporterUpdates: [...(record.reporterUpdates ?? []), update] };
      }
      case 'CASE_CLOSED':
        return { ...record, status: event.details.status, closedAt: event.details.closedAt };
      case 'WORKFLOW_FAILED':
        return {
          ...record,
          status: event.details.status,
          failure: { at: event.at, error: event.details.error, cause: event.details.cause },
        };
      case 'FOLLOW_UP_FILED':
        return { ...record, followUps: [...(record.followUps ?? []), event.details.followUpCaseId], unassignedUrls: 0 };
      case 'POST_REVIEW_STARTED':
      case 'REJECTED_BY_COMMITTEE':
      case 'CASE_CONFIRMED':
      case 'CASE_REVOKED':
      case 'APPEAL_WINDOW_OPENED':
      case 'APPEALS_UNDER_REVIEW':
        return { ...record, status: event.details.status };
      default:
        return assertNever(event, 'case event');
    }
  },
};

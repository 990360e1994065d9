/**
 * The review's decider (CONTRACT.md section 6): ballots, recusals, closing early when no remaining
 * vote can change the outcome, the deadline's rule (outcome, one extension, then escalation or
 * lifting by policy), and a staff decision on an escalated review. The closing event carries the
 * outcome it stored, so the audit says what was decided, not what was asked.
 */
import type { Identity } from '../authz';
import type { Decider, Decision, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { ConflictError, ForbiddenError } from '../errors';
import type { ReviewOutcome, ReviewRecord, VoteDecision, VoteRecord } from '../model';
import { assertNever } from '../model';
import type { Policy } from '../policy';
import { assertCanRecuse, assertCanVote, decideAtDeadline, type EscalationCause } from '../votes';
import { decidedEarly, tally, tooFewEligible, type Tally } from '../vote-count';
import { reviewWaitOutput, tokenPurpose } from '../waits';
import { SYSTEM_ACTOR } from './case';

/** Who took part in the urgent decision: they may not also decide its escalated review. */
export interface CaseParticipants {
  readonly filedBy: string;
  readonly approvedBy: readonly string[];
}

export type ReviewCommand =
  | { readonly type: 'OPEN'; readonly review: ReviewRecord }
  | { readonly type: 'VOTE'; readonly memberId: string; readonly decision: VoteDecision; readonly reason?: string }
  | { readonly type: 'RECUSE'; readonly memberId: string; readonly reason: string }
  | { readonly type: 'CLOSE_IF_DECIDED' }
  | { readonly type: 'DEADLINE_PASSED' }
  | {
      readonly type: 'STAFF_DECIDE';
      readonly identity: Identity;
      readonly decision: 'CONFIRM' | 'REVOKE';
      readonly reason: string;
      readonly participants: CaseParticipants;
    };

type OutcomeReason = NonNullable<ReviewRecord['outcomeReason']>;
type Closed = { reviewId: string; outcome: ReviewOutcome; outcomeReason: OutcomeReason; tally: Tally; reason?: string };

export type ReviewEvent =
  | WithData<RecordEvent<'REVIEW_OPENED', { reviewId: string; kind: string; orderIds: string[]; closesAt: string }>, ReviewRecord>
  | WithData<RecordEvent<'VOTE_CAST', { reviewId: string; decision: VoteDecision }>, VoteRecord>
  | WithData<RecordEvent<'MEMBER_RECUSED', { reviewId: string }>, { reason: string }>
  | RecordEvent<'REVIEW_CLOSED', Closed>
  | RecordEvent<'REVIEW_EXTENDED', { reviewId: string; closesAt: string; turnout: Turnout }>
  | RecordEvent<'REVIEW_ESCALATED', { reviewId: string; turnout: Turnout; cause?: EscalationCause }>;

/** How many took part, without how they voted: what may be known of a review not yet closed. */
type Turnout = Pick<Tally, 'eligible' | 'votesCast' | 'quorumNeeded'>;

function turnoutOf(review: ReviewRecord, policy: Policy): Turnout {
  const { eligible, votesCast, quorumNeeded } = tally(review, policy.votes);
  return { eligible, votesCast, quorumNeeded };
}

/** Actions whose details say how a member voted: secret until the review has closed (other events of an open review carry only its turnout). */
export const BALLOT_ACTIONS: ReadonlySet<string> = new Set(['VOTE_CAST']);

type ReviewDecider = Decider<ReviewRecord, ReviewCommand, ReviewEvent>;

const closeIfDecided = (review: ReviewRecord): FollowUp => ({
  type: 'RUN',
  command: { kind: 'review', reviewId: review.reviewId, command: { type: 'CLOSE_IF_DECIDED' } },
});

function close(
  review: ReviewRecord,
  closed: Omit<Closed, 'reviewId' | 'tally'>,
  policy: Policy,
  at: string,
  actor: string,
): Decision<ReviewEvent> {
  const after = { ...review, status: 'CLOSED' as const, outcome: closed.outcome };
  const output = reviewWaitOutput(after);
  return {
    event: { action: 'REVIEW_CLOSED', at, actor, details: { reviewId: review.reviewId, tally: tally(review, policy.votes), ...closed } },
    followUps:
      output === null ? [] : [{ type: 'COMPLETE_WAIT', caseId: review.caseId, purpose: tokenPurpose.review(review.reviewId), output }],
  };
}

const ESCALATION_WHY: Record<EscalationCause, (t: Turnout) => string> = {
  NO_QUORUM: (t) => `The committee did not reach a quorum (${t.votesCast} of ${t.eligible} voted, ${t.quorumNeeded} needed).`,
  TOO_FEW_ELIGIBLE: (t) =>
    `Recusals left ${t.eligible} eligible members, fewer than the ${t.quorumNeeded} the quorum needs: the committee cannot decide it.`,
};

function escalate(review: ReviewRecord, cause: EscalationCause, policy: Policy, now: string): Decision<ReviewEvent> {
  const turnout = turnoutOf(review, policy);
  const { reviewId } = review;
  return {
    event: { action: 'REVIEW_ESCALATED', at: now, actor: SYSTEM_ACTOR, details: { reviewId, turnout, cause } },
    followUps: [
      {
        type: 'NOTIFY_STAFF',
        caseId: review.caseId,
        eventKey: `review-escalated:${reviewId}`,
        alert: {
          subject: `Review ${reviewId} needs a staff decision`,
          lines: [
            ESCALATION_WHY[cause](turnout),
            `Decide it: POST /committee/reviews/${reviewId}/decision with CONFIRM or REVOKE and the reason.`,
            'Staff who filed or approved the case cannot decide it.',
          ],
        },
      },
    ],
  };
}

export const reviewDecider: ReviewDecider = {
  kind: 'review',

  decide(command, review, { now, policy }) {
    if (command.type === 'OPEN') {
      if (review !== undefined) return null;
      const opened = command.review;
      return {
        event: {
          action: 'REVIEW_OPENED',
          at: opened.openedAt,
          actor: SYSTEM_ACTOR,
          details: { reviewId: opened.reviewId, kind: opened.kind, orderIds: opened.orderIds, closesAt: opened.closesAt },
          data: opened,
        },
      };
    }
    if (review === undefined) throw missing('review');
    const { reviewId } = review;
    switch (command.type) {
      case 'VOTE': {
        assertCanVote(review, command.memberId, now);
        const vote: VoteRecord = {
          decision: command.decision,
          at: now,
          ...(command.reason === undefined ? {} : { reason: command.reason }),
        };
        return {
          event: { action: 'VOTE_CAST', at: now, actor: command.memberId, details: { reviewId, decision: command.decision }, data: vote },
          followUps: [closeIfDecided(review)],
        };
      }
      case 'RECUSE':
        assertCanRecuse(review, command.memberId, now);
        return {
          event: { action: 'MEMBER_RECUSED', at: now, actor: command.memberId, details: { reviewId }, data: { reason: command.reason } },
          // A recusal leaves fewer members to vote, which can make the outcome certain or the quorum unreachable.
          followUps: [closeIfDecided(review)],
        };
      case 'CLOSE_IF_DECIDED': {
        if (review.status !== 'OPEN') return null;
        const verdict = decidedEarly(review, policy.votes);
        if (verdict !== null) return close(review, { outcome: verdict.outcome, outcomeReason: verdict.reason }, policy, now, SYSTEM_ACTOR);
        // A recusal that leaves the committee unable to reach its quorum: staff decide now, not after the wait.
        return tooFewEligible(review, policy.votes) ? escalate(review, 'TOO_FEW_ELIGIBLE', policy, now) : null;
      }
      case 'DEADLINE_PASSED': {
        if (review.status !== 'OPEN' || Date.parse(now) < Date.parse(review.closesAt)) return null;
        const decision = decideAtDeadline(review, policy, now);
        switch (decision.kind) {
          case 'DECIDED':
          case 'LIFTED':
            return close(review, { outcome: decision.outcome, outcomeReason: decision.reason }, policy, now, SYSTEM_ACTOR);
          case 'EXTENDED':
            return {
              event: {
                action: 'REVIEW_EXTENDED',
                at: now,
                actor: SYSTEM_ACTOR,
                details: { reviewId, closesAt: decision.closesAt, turnout: turnoutOf(review, policy) },
              },
            };
          case 'ESCALATED':
            return escalate(review, decision.cause, policy, now);
          default:
            return assertNever(decision, 'deadline decision');
        }
      }
      case 'STAFF_DECIDE': {
        const { identity, participants } = command;
        if (!identity.roles.includes('staff')) throw new ForbiddenError('Only staff decide an escalated review.');
        if (review.status === 'OPEN') {
          throw new ConflictError(`Review ${reviewId} is still open for the committee; staff decide only after it is escalated.`);
        }
        if (review.status === 'CLOSED') throw new ConflictError(`Review ${reviewId} was already decided (${review.outcome ?? 'closed'}).`);
        if (participants.filedBy === identity.userId || participants.approvedBy.includes(identity.userId)) {
          throw new ForbiddenError(`You filed or approved case ${review.caseId}; another staff member must decide its escalated review.`);
        }
        const outcome: ReviewOutcome = command.decision === 'CONFIRM' ? 'CONFIRMED' : 'REVOKED';
        return close(review, { outcome, outcomeReason: 'STAFF_DECISION', reason: command.reason }, policy, now, identity.userId);
      }
      default:
        return assertNever(command, 'review command');
    }
  },

  evolve(review, event) {
    if (event.action === 'REVIEW_OPENED') return event.data;
    if (review === undefined) throw missing('review');
    switch (event.action) {
      case 'VOTE_CAST':
        return { ...review, votes: { ...review.votes, [event.actor]: event.data } };
      case 'MEMBER_RECUSED':
        return { ...review, recusals: { ...review.recusals, [event.actor]: { reason: event.data.reason, at: event.at } } };
      case 'REVIEW_CLOSED':
        return {
          ...review,
          status: 'CLOSED',
          outcome: event.details.outcome,
          outcomeReason: event.details.outcomeReason,
          closedAt: event.at,
        };
      case 'REVIEW_EXTENDED':
        return { ...review, closesAt: event.details.closesAt, extended: true };
      case 'REVIEW_ESCALATED':
        return { ...review, status: 'ESCALATED' };
      default:
        return assertNever(event, 'review event');
    }
  },
};

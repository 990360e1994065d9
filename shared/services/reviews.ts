/**
 * Committee reviews (CONTRACT.md section 6): opening one, votes and recusals, closing it early
 * when its outcome can no longer change, at its deadline (extend once, then escalate or lift by
 * policy), or by a staff decision on an escalated one. The rules are the review's decider; a
 * closing event's follow-up completes the workflow's wait, and the wait checks the review when it
 * starts, so the order of the two never matters.
 */
import type { Identity } from '../domain/authz';
import { caseDecider } from '../domain/deciders/case';
import { appealDecider } from '../domain/deciders/appeal';
import { reviewDecider, type ReviewCommand } from '../domain/deciders/review';
import { reviewClosesAt, secondsUntil } from '../domain/deadlines';
import { NotFoundError } from '../domain/errors';
import { caseIdOf, operatorIdOfAppeal, reviewIdFor } from '../domain/ids';
import type { ReviewKind, ReviewOutcome, ReviewRecord, VoteRequest } from '../domain/model';
import type { VoteRules } from '../domain/policy';
import { ESCALATED_WAIT_SECONDS } from '../domain/waits';
import { config } from '../runtime/config';
import { countMetric } from '../runtime/metrics';
import { refs } from '../store/keys';
import { getCase, getReview, listOrdersOfCase } from '../store/repository';
import { act, actOnRequest } from './acts';
import { policyOfCase } from './policies';
import { requireAppeal, requireCase, requireReview } from './records';

export interface ReviewDecision {
  readonly decided: boolean;
  readonly outcome: ReviewOutcome | null;
  /** Until the workflow should look at the review again (meaningful when not decided). */
  readonly secondsToClose: number;
}

function decisionOf(review: ReviewRecord, now: string): ReviewDecision {
  switch (review.status) {
    case 'CLOSED':
      return { decided: true, outcome: review.outcome ?? null, secondsToClose: 0 };
    case 'ESCALATED':
      return { decided: false, outcome: null, secondsToClose: ESCALATED_WAIT_SECONDS };
    case 'OPEN':
      return { decided: false, outcome: null, secondsToClose: secondsUntil(review.closesAt, now) };
  }
}

export interface OpenReviewInput {
  readonly caseId: string;
  readonly kind: ReviewKind;
  /** Required for an APPEAL review. */
  readonly appealId?: string;
}

/**
 * Opens the review (once: its id is derived from the case, so a retry finds it) with every
 * committee member eligible, and moves the case or the appeal under review.
 */
export async function openReview(input: OpenReviewInput, now: string): Promise<{ review: ReviewRecord; secondsToClose: number }> {
  const { caseId, kind } = input;
  const { committeeMembers } = config();
  const policy = await policyOfCase(caseId);
  if (committeeMembers.length === 0) {
    throw new Error('COMMITTEE_MEMBERS is empty: nobody could vote in the review; set it in the stack or npm start.');
  }
  await requireCase(caseId);
  let orderIds: string[] = [];
  let reviewId: string;
  let appealId: string | undefined;
  switch (kind) {
    case 'POST_REVIEW':
      reviewId = reviewIdFor(caseId, kind);
      orderIds = (await listOrdersOfCase(caseId)).map((order) => order.orderId).sort();
      break;
    case 'PRIOR_REVIEW':
      reviewId = reviewIdFor(caseId, kind);
      break;
    case 'APPEAL': {
      const appeal = await requireAppeal(input.appealId ?? '');
      const operatorId = operatorIdOfAppeal(appeal.appealId);
      if (!operatorId || appeal.caseId !== caseId) throw new Error(`Appeal ${appeal.appealId} does not belong to case ${caseId}.`);
      reviewId = reviewIdFor(caseId, kind, operatorId);
      orderIds = [appeal.orderId];
      appealId = appeal.appealId;
      break;
    }
  }
  const candidate: ReviewRecord = {
    reviewId,
    kind,
    caseId,
    orderIds,
    ...(appealId === undefined ? {} : { appealId }),
    status: 'OPEN',
    openedAt: now,
    closesAt: reviewClosesAt(policy, kind, now),
    extended: false,
    eligibleMembers: [...committeeMembers],
    recusals: {},
    votes: {},
  };
  const { state } = await act(reviewDecider, refs.review(reviewId), { type: 'OPEN', review: candidate }, now);
  const review = state ?? candidate;
  if (kind === 'POST_REVIEW') await act(caseDecider, refs.case(caseId), { type: 'START_POST_REVIEW', reviewId }, now);
  if (appealId !== undefined) await act(appealDecider, refs.appeal(appealId), { type: 'START_REVIEW', reviewId }, now);
  return { review, secondsToClose: decisionOf(review, now).secondsToClose };
}

/** The vote rules of the review's case: the policy version it was filed under. */
export async function voteRulesOf(review: Pick<ReviewRecord, 'caseId'>): Promise<VoteRules> {
  return (await policyOfCase(review.caseId)).votes;
}

/**
 * A person's act on a review they can see; a review that does not exist is 404. A vote sent again
 * after its answer was lost also finishes what the first left undone (actOnRequest).
 */
async function reviewAct(reviewId: string, command: ReviewCommand, now: string): Promise<{ review: ReviewRecord; closed: boolean }> {
  if (caseIdOf(reviewId) === null || !(await getReview(reviewId))) throw new NotFoundError(`Review ${reviewId}`);
  await actOnRequest(reviewDecider, refs.review(reviewId), command, now);
  // Read after the act's follow-ups: a vote that decided the review has closed it by now.
  const review = await requireReview(reviewId);
  return { review, closed: review.status === 'CLOSED' };
}

export function castVote(identity: Identity, reviewId: string, body: VoteRequest, now: string) {
  return reviewAct(
    reviewId,
    { type: 'VOTE', memberId: identity.userId, decision: body.decision, ...(body.reason === undefined ? {} : { reason: body.reason }) },
    now,
  );
}

export function recuse(identity: Identity, reviewId: string, body: { reason: string }, now: string) {
  return reviewAct(reviewId, { type: 'RECUSE', memberId: identity.userId, reason: body.reason }, now);
}

/** Staff decide a review that the committee left undecided (no quorum after the extension). */
export async function decideEscalatedReview(
  identity: Identity,
  reviewId: string,
  body: { decision: 'CONFIRM' | 'REVOKE'; reason: string },
  now: string,
): Promise<{ review: ReviewRecord }> {
  const caseId = caseIdOf(reviewId);
  const record = caseId === null ? undefined : await getCase(caseId);
  if (!record) throw new NotFoundError(`Review ${reviewId}`);
  const participants = {
    filedBy: record.createdBy,
    approvedBy: record.approvals.filter((approval) => approval.decision === 'APPROVE').map((approval) => approval.by),
  };
  const { review } = await reviewAct(
    reviewId,
    { type: 'STAFF_DECIDE', identity, decision: body.decision, reason: body.reason, participants },
    now,
  );
  return { review };
}

/**
 * What happens when a review reaches `closesAt` (the workflow's ReviewDeadlinePassed, and the
 * sweeper as a safety net): an outcome with a quorum; else one extension; else escalation to
 * staff or lifting, by policy. Called early, it changes nothing and says how long to wait.
 */
export async function closeReviewAtDeadline(reviewId: string, now: string): Promise<ReviewDecision> {
  await requireReview(reviewId);
  const { state, committed } = await act(reviewDecider, refs.review(reviewId), { type: 'DEADLINE_PASSED' }, now);
  // Without a quorum the review is extended, escalated or lifted; with one it closes on the votes.
  if (committed && (state?.status !== 'CLOSED' || state.outcomeReason === 'AUTO_LIFTED')) countMetric('ReviewWithoutQuorum');
  return decisionOf(state ?? (await requireReview(reviewId)), now);
}

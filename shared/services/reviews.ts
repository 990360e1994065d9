/**
 * Committee reviews (CONTRACT.md section 6): opening one, votes and recusals, closing it early
 * when its outcome can no longer change, at its deadline (extend once, then escalate or lift by
 * policy), or by a staff decision on an escalated one. Whoever closes a review completes the task
 * that the workflow waits on; the workflow also checks the review when its wait starts, so the
 * order of the two never matters.
 */
import type { Identity } from '../domain/authz';
import { reviewClosesAt, secondsUntil } from '../domain/deadlines';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import { operatorIdOfAppeal, reviewIdFor } from '../domain/ids';
import type { ReviewKind, ReviewOutcome, ReviewRecord, VoteRecord, VoteRequest } from '../domain/model';
import { assertCanRecuse, assertCanVote, decideAtDeadline, decidedEarly, outcomeReasonOf, tally } from '../domain/votes';
import { config } from '../runtime/config';
import { TransientError } from '../runtime/transient';
import { notifyStaff } from '../notices/index';
import { tokenPurpose } from '../store/keys';
import {
  appendAudit,
  ConditionFailedError,
  getAppeal,
  getReview,
  listOrdersOfCase,
  openReviewIndex,
  putReviewIfAbsent,
  updateAppeal,
  updateReview,
} from '../store/repository';
import { completeWaitingTask } from '../workflow/client';
import { changeOrder, moveCase, requireCase, SYSTEM_ACTOR } from './transitions';

/** How long the workflow waits before looking again at a review that staff must decide. */
export const ESCALATED_RECHECK_SECONDS = 24 * 60 * 60;

/** The attributes of the sparse open-reviews index, removed when a review stops being open. */
const OPEN_REVIEW_INDEX = Object.keys(openReviewIndex({ reviewId: '' }, ''));

export type OutcomeReason = NonNullable<ReviewRecord['outcomeReason']>;

export interface ReviewDecision {
  readonly decided: boolean;
  readonly outcome: ReviewOutcome | null;
  /** Until the workflow should look at the review again (meaningful when not decided). */
  readonly secondsToClose: number;
}

async function requireReview(reviewId: string): Promise<ReviewRecord> {
  const review = await getReview(reviewId);
  if (!review) throw new NotFoundError(`Review ${reviewId}`);
  return review;
}

function secondsToLookAgain(review: ReviewRecord, now: string): number {
  switch (review.status) {
    case 'OPEN':
      return secondsUntil(review.closesAt, now);
    case 'ESCALATED':
      return ESCALATED_RECHECK_SECONDS;
    case 'CLOSED':
      return 1;
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
  const { policy, committeeMembers } = config();
  if (committeeMembers.length === 0) {
    throw new Error('COMMITTEE_MEMBERS is empty: nobody could vote in the review; set it in the stack or npm start.');
  }
  await requireCase(caseId);
  let orderIds: string[];
  let reviewId: string;
  let appeal: Awaited<ReturnType<typeof getAppeal>> = undefined;
  switch (kind) {
    case 'POST_REVIEW':
      reviewId = reviewIdFor(caseId, kind);
      orderIds = (await listOrdersOfCase(caseId)).map((order) => order.orderId).sort();
      break;
    case 'PRIOR_REVIEW':
      reviewId = reviewIdFor(caseId, kind);
      orderIds = [];
      break;
    case 'APPEAL': {
      const appealId = input.appealId ?? '';
      appeal = await getAppeal(appealId);
      const operatorId = operatorIdOfAppeal(appealId);
      if (!appeal || !operatorId || appeal.caseId !== caseId) {
        throw new Error(`Appeal ${appealId} does not exist on case ${caseId}; an APPEAL review needs a filed appeal.`);
      }
      reviewId = reviewIdFor(caseId, kind, operatorId);
      orderIds = [appeal.orderId];
      break;
    }
  }
  const candidate: ReviewRecord = {
    reviewId,
    kind,
    caseId,
    orderIds,
    ...(appeal ? { appealId: appeal.appealId } : {}),
    status: 'OPEN',
    openedAt: now,
    closesAt: reviewClosesAt(policy, kind, now),
    extended: false,
    eligibleMembers: [...committeeMembers],
    recusals: {},
    votes: {},
  };
  const review = (await putReviewIfAbsent(candidate)) ? candidate : await requireReview(reviewId);
  await appendAudit(caseId, {
    key: `review-opened:${reviewId}`,
    at: review.openedAt,
    actor: SYSTEM_ACTOR,
    action: 'REVIEW_OPENED',
    details: { reviewId, kind, orderIds: review.orderIds, closesAt: review.closesAt },
  });

  switch (kind) {
    case 'POST_REVIEW':
      await moveCase(caseId, ['ORDERS_ISSUED'], 'UNDER_POST_REVIEW', now, { action: 'POST_REVIEW_STARTED', details: { reviewId } });
      break;
    case 'PRIOR_REVIEW':
      await moveCase(caseId, ['PENDING_APPROVAL', 'UNDER_PRIOR_REVIEW'], 'UNDER_PRIOR_REVIEW', now, {
        action: 'PRIOR_REVIEW_STARTED',
        details: { reviewId },
      });
      break;
    case 'APPEAL':
      if (appeal) await putAppealUnderReview(appeal, reviewId, now);
      break;
  }
  return { review, secondsToClose: secondsToLookAgain(review, now) };
}

async function putAppealUnderReview(
  appeal: NonNullable<Awaited<ReturnType<typeof getAppeal>>>,
  reviewId: string,
  now: string,
): Promise<void> {
  try {
    await updateAppeal(appeal, {
      set: { status: 'UNDER_REVIEW', reviewId },
      condition: '#status = :filed',
      names: { '#status': 'status' },
      values: { ':filed': 'FILED' },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
  await changeOrder(appeal.orderId, (order) => (order.decisionStatus === 'CONFIRMED' ? { decisionStatus: 'APPEALED' } : null));
  await appendAudit(appeal.caseId, {
    key: `appeal-under-review:${appeal.appealId}`,
    at: now,
    actor: SYSTEM_ACTOR,
    action: 'APPEAL_UNDER_REVIEW',
    details: { appealId: appeal.appealId, orderId: appeal.orderId, reviewId },
  });
}

/**
 * Closes an OPEN (or, for staff, ESCALATED) review with its outcome and completes the workflow's
 * wait. A review someone else closed meanwhile is answered as it stands.
 */
async function closeReview(
  review: ReviewRecord,
  outcome: ReviewOutcome,
  reason: OutcomeReason,
  from: 'OPEN' | 'ESCALATED',
  now: string,
  actor: string,
): Promise<ReviewRecord> {
  let closed: ReviewRecord;
  try {
    closed = await updateReview(review.reviewId, {
      set: { status: 'CLOSED', outcome, outcomeReason: reason, closedAt: now },
      remove: OPEN_REVIEW_INDEX,
      condition: '#status = :from',
      names: { '#status': 'status' },
      values: { ':from': from },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const current = await requireReview(review.reviewId);
    if (current.status !== 'CLOSED') throw new ConflictError(`Review ${review.reviewId} is ${current.status}; it cannot be closed from ${from}.`);
    closed = current;
  }
  await appendAudit(closed.caseId, {
    key: `review-closed:${closed.reviewId}`,
    at: closed.closedAt ?? now,
    actor,
    action: 'REVIEW_CLOSED',
    details: { reviewId: closed.reviewId, outcome: closed.outcome, outcomeReason: closed.outcomeReason, tally: tally(closed) },
  });
  await completeReviewWait(closed);
  return closed;
}

/** Completes the workflow's wait on a closed review, if it is waiting; harmless otherwise. */
export async function completeReviewWait(review: ReviewRecord): Promise<boolean> {
  if (review.status !== 'CLOSED' || !review.outcome) return false;
  return completeWaitingTask(review.caseId, tokenPurpose.review(review.reviewId), { decided: true, outcome: review.outcome });
}

const MAX_BALLOT_ATTEMPTS = 5;

/**
 * Adds one entry to the review's `votes` or `recusals` map. The write is conditional on the
 * review being open and on both maps having the sizes this process read (they only grow), so two
 * members acting at once cannot overwrite each other: the loser reads again and retries.
 */
async function addBallot(
  reviewId: string,
  memberId: string,
  now: string,
  check: (review: ReviewRecord) => void,
  entry: { field: 'votes'; value: VoteRecord } | { field: 'recusals'; value: { reason: string; at: string } },
): Promise<ReviewRecord> {
  for (let attempt = 0; attempt < MAX_BALLOT_ATTEMPTS; attempt += 1) {
    const review = await requireReview(reviewId);
    check(review);
    try {
      return await updateReview(reviewId, {
        set: { [entry.field]: { ...review[entry.field], [memberId]: entry.value } },
        condition:
          '#status = :open AND #closesAt = :closesAt AND size(#votes) = :voteCount AND size(#recusals) = :recusalCount',
        names: { '#status': 'status', '#closesAt': 'closesAt', '#votes': 'votes', '#recusals': 'recusals' },
        values: {
          ':open': 'OPEN',
          ':closesAt': review.closesAt,
          ':voteCount': Object.keys(review.votes).length,
          ':recusalCount': Object.keys(review.recusals).length,
        },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new TransientError(`review ${reviewId} kept changing while ${memberId} acted in it; try again`);
}

/** After a vote or a recusal: close the review when no remaining vote can change its outcome. */
async function closeIfDecided(review: ReviewRecord, now: string): Promise<{ review: ReviewRecord; closed: boolean }> {
  const outcome = decidedEarly(review);
  const reason = outcomeReasonOf(tally(review));
  if (outcome === null || reason === null) return { review, closed: false };
  return { review: await closeReview(review, outcome, reason, 'OPEN', now, SYSTEM_ACTOR), closed: true };
}

export async function castVote(
  identity: Identity,
  reviewId: string,
  body: VoteRequest,
  now: string,
): Promise<{ review: ReviewRecord; closed: boolean }> {
  if (!identity.roles.includes('committee')) throw new ForbiddenError('Only committee members vote.');
  const memberId = identity.userId;
  const vote: VoteRecord = { decision: body.decision, at: now, ...(body.reason === undefined ? {} : { reason: body.reason }) };
  const review = await addBallot(reviewId, memberId, now, (current) => assertCanVote(current, memberId, now), {
    field: 'votes',
    value: vote,
  });
  await appendAudit(review.caseId, {
    key: `vote:${reviewId}:${memberId}`,
    at: now,
    actor: memberId,
    action: 'VOTE_CAST',
    details: { reviewId, decision: body.decision },
  });
  return closeIfDecided(review, now);
}

export async function recuse(
  identity: Identity,
  reviewId: string,
  body: { reason: string },
  now: string,
): Promise<{ review: ReviewRecord; closed: boolean }> {
  if (!identity.roles.includes('committee')) throw new ForbiddenError('Only committee members recuse themselves.');
  const memberId = identity.userId;
  const review = await addBallot(reviewId, memberId, now, (current) => assertCanRecuse(current, memberId, now), {
    field: 'recusals',
    value: { reason: body.reason, at: now },
  });
  await appendAudit(review.caseId, {
    key: `recusal:${reviewId}:${memberId}`,
    at: now,
    actor: memberId,
    action: 'MEMBER_RECUSED',
    details: { reviewId },
  });
  // A recusal shrinks the eligible set, which can make the outcome certain.
  return closeIfDecided(review, now);
}

/** Staff decide a review that the committee left undecided (no quorum after the extension). */
export async function decideEscalatedReview(
  identity: Identity,
  reviewId: string,
  body: { decision: 'CONFIRM' | 'REVOKE'; reason: string },
  now: string,
): Promise<{ review: ReviewRecord }> {
  if (!identity.roles.includes('staff')) throw new ForbiddenError('Only staff decide an escalated review.');
  const review = await requireReview(reviewId);
  if (review.status !== 'ESCALATED') {
    throw new ConflictError(
      review.status === 'OPEN'
        ? `Review ${reviewId} is still open for the committee; staff decide only after it is escalated.`
        : `Review ${reviewId} was already decided (${review.outcome ?? 'closed'}).`,
    );
  }
  const outcome: ReviewOutcome = body.decision === 'CONFIRM' ? 'CONFIRMED' : 'REVOKED';
  await appendAudit(review.caseId, {
    key: `staff-decision:${reviewId}`,
    at: now,
    actor: identity.userId,
    action: 'ESCALATED_REVIEW_DECIDED',
    details: { reviewId, decision: body.decision, reason: body.reason },
  });
  return { review: await closeReview(review, outcome, 'STAFF_DECISION', 'ESCALATED', now, identity.userId) };
}

/**
 * What happens when a review reaches `closesAt` (the workflow's ReviewDeadlinePassed, and the
 * sweeper as a safety net): an outcome with a quorum; else one extension; else escalation to
 * staff or lifting, by policy. Called early, it changes nothing and says how long to wait.
 */
export async function closeReviewAtDeadline(reviewId: string, now: string): Promise<ReviewDecision> {
  const review = await requireReview(reviewId);
  if (review.status === 'CLOSED') return { decided: true, outcome: review.outcome ?? null, secondsToClose: 0 };
  if (review.status === 'ESCALATED' || Date.parse(now) < Date.parse(review.closesAt)) {
    return { decided: false, outcome: null, secondsToClose: secondsToLookAgain(review, now) };
  }
  const { policy } = config();
  const decision = decideAtDeadline(review, policy);
  try {
    switch (decision.kind) {
      case 'DECIDED':
      case 'LIFTED': {
        const closed = await closeReview(review, decision.outcome, decision.reason, 'OPEN', now, SYSTEM_ACTOR);
        return { decided: true, outcome: closed.outcome ?? decision.outcome, secondsToClose: 0 };
      }
      case 'EXTENDED': {
        const extended = await updateReview(reviewId, {
          set: { closesAt: decision.closesAt, extended: true, ...openReviewIndex(review, decision.closesAt) },
          condition: '#status = :open AND #extended = :no',
          names: { '#status': 'status', '#extended': 'extended' },
          values: { ':open': 'OPEN', ':no': false },
        });
        await appendAudit(review.caseId, {
          key: `review-extended:${reviewId}`,
          at: now,
          actor: SYSTEM_ACTOR,
          action: 'REVIEW_EXTENDED',
          details: { reviewId, closesAt: extended.closesAt, tally: tally(extended) },
        });
        return { decided: false, outcome: null, secondsToClose: secondsUntil(extended.closesAt, now) };
      }
      case 'ESCALATED': {
        await updateReview(reviewId, {
          set: { status: 'ESCALATED' },
          remove: OPEN_REVIEW_INDEX,
          condition: '#status = :open',
          names: { '#status': 'status' },
          values: { ':open': 'OPEN' },
        });
        await escalated(review, now);
        return { decided: false, outcome: null, secondsToClose: ESCALATED_RECHECK_SECONDS };
      }
    }
  } catch (error) {
    // A vote, another deadline run or the sweeper changed the review first: answer what it is now.
    if (!(error instanceof ConditionFailedError)) throw error;
    const current = await requireReview(reviewId);
    if (current.status === 'ESCALATED') await escalated(current, now);
    return current.status === 'CLOSED'
      ? { decided: true, outcome: current.outcome ?? null, secondsToClose: 0 }
      : { decided: false, outcome: null, secondsToClose: secondsToLookAgain(current, now) };
  }
}

/** Records the escalation and tells staff (both once, however often this runs). */
async function escalated(review: ReviewRecord, now: string): Promise<void> {
  const t = tally(review);
  await appendAudit(review.caseId, {
    key: `review-escalated:${review.reviewId}`,
    at: now,
    actor: SYSTEM_ACTOR,
    action: 'REVIEW_ESCALATED',
    details: { reviewId: review.reviewId, tally: t },
  });
  await notifyStaff(
    review.caseId,
    {
      subject: `Review ${review.reviewId} needs a staff decision`,
      lines: [
        `The committee did not reach a quorum (${t.votesCast} of ${t.eligible} voted, ${t.quorumNeeded} needed), even after the extension.`,
        `Decide it: POST /committee/reviews/${review.reviewId}/decision with CONFIRM or REVOKE and the reason.`,
      ],
    },
    `review-escalated:${review.reviewId}`,
  );
}

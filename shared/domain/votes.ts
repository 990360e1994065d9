/**
 * Committee votes (CONTRACT.md section 6) under the policy's vote rules (docs/policies.md): a
 * quorum is a number of members present, never a share of whoever remains after recusals; the
 * order stands with a majority of the votes cast or of the members present; when neither side
 * has that majority the policy's tie rule for the review's kind decides. A recusal that leaves
 * fewer eligible members than the quorum escalates the review to staff. Without a quorum at the
 * close the review is extended once (or, by policy, a post-review is revoked or escalated at
 * once), then escalated to staff or lifted, by policy. Pure.
 */
import { reviewExtendedClosesAt } from './deadlines';
import { ConflictError, ForbiddenError, WindowClosedError } from './errors';
import type { ReviewRecord } from './model';
import type { Policy } from './policy';
import { tally, tooFewEligible, verdictOf, type ReviewView, type Verdict } from './vote-count';

export type EscalationCause = 'NO_QUORUM' | 'TOO_FEW_ELIGIBLE';

export type DeadlineDecision =
  | ({ kind: 'DECIDED' } & Verdict)
  | { kind: 'EXTENDED'; closesAt: string }
  | { kind: 'ESCALATED'; cause: EscalationCause }
  | { kind: 'LIFTED'; outcome: 'REVOKED'; reason: 'AUTO_LIFTED' };

const LIFTED = { kind: 'LIFTED', outcome: 'REVOKED', reason: 'AUTO_LIFTED' } as const;

/** What happens when a review reaches `closesAt`. */
export function decideAtDeadline(
  review: ReviewView & Pick<ReviewRecord, 'kind' | 'closesAt' | 'extended'>,
  policy: Policy,
  now: string,
): DeadlineDecision {
  const verdict = verdictOf(tally(review, policy.votes), review.kind, policy.votes);
  if (verdict !== null) return { kind: 'DECIDED', ...verdict };
  if (review.kind === 'POST_REVIEW') {
    // India's IT Rules r.9: an interim direction the committee did not approve in time is revoked.
    switch (policy.postReview.withoutDecision) {
      case 'REVOKE':
        return LIFTED;
      case 'ESCALATE':
        return { kind: 'ESCALATED', cause: 'NO_QUORUM' };
      case 'EXTEND_ONCE':
        break;
    }
  }
  // An extension cannot bring back members who recused.
  if (tooFewEligible(review, policy.votes)) return { kind: 'ESCALATED', cause: 'TOO_FEW_ELIGIBLE' };
  if (!review.extended) {
    return { kind: 'EXTENDED', closesAt: reviewExtendedClosesAt(policy, review.kind, review.closesAt, now) };
  }
  return policy.unreviewedOrder === 'lift' ? LIFTED : { kind: 'ESCALATED', cause: 'NO_QUORUM' };
}

type VoteGate = ReviewView & Pick<ReviewRecord, 'reviewId' | 'status' | 'closesAt'>;

function assertOpen(review: VoteGate, now: string): void {
  if (review.status !== 'OPEN' || Date.parse(now) >= Date.parse(review.closesAt)) {
    throw new WindowClosedError(`Review ${review.reviewId} is closed; votes and recusals are no longer accepted.`);
  }
}

export function assertCanVote(review: VoteGate, memberId: string, now: string): void {
  // First: a member whose vote landed (a retry after a lost answer) learns that it counts.
  if (Object.hasOwn(review.votes, memberId)) {
    throw new ConflictError(`You already voted in review ${review.reviewId}; a vote cannot be changed.`);
  }
  assertOpen(review, now);
  if (!review.eligibleMembers.includes(memberId)) {
    throw new ForbiddenError(`You are not a member eligible to vote in review ${review.reviewId}.`);
  }
  if (Object.hasOwn(review.recusals, memberId)) {
    throw new ForbiddenError(`You recused yourself from review ${review.reviewId}; you cannot vote in it.`);
  }
}

export function assertCanRecuse(review: VoteGate, memberId: string, now: string): void {
  if (Object.hasOwn(review.recusals, memberId)) {
    throw new ConflictError(`You already recused yourself from review ${review.reviewId}.`);
  }
  assertOpen(review, now);
  if (!review.eligibleMembers.includes(memberId)) {
    throw new ForbiddenError(`You are not a member eligible to vote in review ${review.reviewId}.`);
  }
  if (Object.hasOwn(review.votes, memberId)) {
    throw new ConflictError(`You already voted in review ${review.reviewId}; recusal is possible only before voting.`);
  }
}

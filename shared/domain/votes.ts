/**
 * Committee votes (CONTRACT.md section 6). With a quorum (a majority of eligible members voted,
 * abstentions included) the order stands when CONFIRM votes outnumber REVOKE votes, otherwise
 * it is lifted. Without a quorum at the close the review is extended once, then escalated to
 * staff or lifted, by policy. Pure.
 */
import { reviewExtendedClosesAt } from './deadlines';
import { ConflictError, ForbiddenError, WindowClosedError } from './errors';
import type { ReviewOutcome, ReviewRecord } from './model';
import type { Policy } from './policy';

type ReviewView = Pick<ReviewRecord, 'eligibleMembers' | 'recusals' | 'votes'>;

export interface Tally {
  eligible: number;
  votesCast: number;
  confirm: number;
  revoke: number;
  abstain: number;
  quorum: boolean;
  quorumNeeded: number;
}

/** Members who may still take part: eligible and not recused. */
export function eligibleVoters(review: Pick<ReviewRecord, 'eligibleMembers' | 'recusals'>): string[] {
  return [...new Set(review.eligibleMembers)].filter((m) => !Object.hasOwn(review.recusals, m));
}

export function tally(review: ReviewView): Tally {
  const voters = eligibleVoters(review);
  const t = { confirm: 0, revoke: 0, abstain: 0 };
  // Only eligible members' votes count: a stray vote in the record cannot sway the outcome.
  for (const member of voters) {
    const vote = Object.hasOwn(review.votes, member) ? review.votes[member] : undefined;
    if (vote?.decision === 'CONFIRM') t.confirm += 1;
    else if (vote?.decision === 'REVOKE') t.revoke += 1;
    else if (vote?.decision === 'ABSTAIN') t.abstain += 1;
  }
  const votesCast = t.confirm + t.revoke + t.abstain;
  const quorumNeeded = Math.floor(voters.length / 2) + 1;
  return { eligible: voters.length, votesCast, ...t, quorum: votesCast >= quorumNeeded, quorumNeeded };
}

export function outcomeOf(t: Tally): ReviewOutcome | null {
  if (!t.quorum) return null;
  return t.confirm > t.revoke ? 'CONFIRMED' : 'REVOKED';
}

/** MAJORITY when one side outnumbers the other; NO_MAJORITY when a tie lifts the order. */
export function outcomeReasonOf(t: Tally): 'MAJORITY' | 'NO_MAJORITY' | null {
  if (!t.quorum) return null;
  return t.confirm === t.revoke ? 'NO_MAJORITY' : 'MAJORITY';
}

/**
 * The outcome when no remaining vote can change it, else `null`. Only with a quorum already met:
 * members who have not voted may stay silent, and a recusal only shrinks the eligible set, which
 * keeps a met quorum met.
 */
export function decidedEarly(review: ReviewView): ReviewOutcome | null {
  const t = tally(review);
  if (!t.quorum) return null;
  const remaining = t.eligible - t.votesCast;
  if (t.confirm > t.revoke + remaining) return 'CONFIRMED';
  if (t.confirm + remaining <= t.revoke) return 'REVOKED';
  return null;
}

export type DeadlineDecision =
  | { kind: 'DECIDED'; outcome: ReviewOutcome; reason: 'MAJORITY' | 'NO_MAJORITY' }
  | { kind: 'EXTENDED'; closesAt: string }
  | { kind: 'ESCALATED' }
  | { kind: 'LIFTED'; outcome: 'REVOKED'; reason: 'AUTO_LIFTED' };

/** What happens when a review reaches `closesAt`. */
export function decideAtDeadline(
  review: ReviewView & Pick<ReviewRecord, 'kind' | 'closesAt' | 'extended'>,
  policy: Policy,
  now: string,
): DeadlineDecision {
  const t = tally(review);
  const outcome = outcomeOf(t);
  const reason = outcomeReasonOf(t);
  if (outcome !== null && reason !== null) return { kind: 'DECIDED', outcome, reason };
  if (!review.extended) {
    return { kind: 'EXTENDED', closesAt: reviewExtendedClosesAt(policy, review.kind, review.closesAt, now) };
  }
  return policy.unreviewedOrder === 'lift' ? { kind: 'LIFTED', outcome: 'REVOKED', reason: 'AUTO_LIFTED' } : { kind: 'ESCALATED' };
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

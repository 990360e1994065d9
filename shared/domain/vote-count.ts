/**
 * Counting a committee's votes under the policy's vote rules (docs/policies.md); what the web UI
 * shows of a review. Apart from votes.ts, whose decision at the close needs the deadline rules
 * and with them the holiday calendar, which the web bundle must not carry. Pure.
 */
import type { ReviewKind, ReviewOutcome, ReviewRecord } from './model';
import type { VoteRules } from './policy';

export type ReviewView = Pick<ReviewRecord, 'eligibleMembers' | 'recusals' | 'votes'>;

export interface Tally {
  eligible: number;
  votesCast: number;
  confirm: number;
  revoke: number;
  abstain: number;
  /** Members counted present: those who voted, less abstainers when abstentions do not count. */
  present: number;
  quorum: boolean;
  quorumNeeded: number;
}

/** Members who may still take part: eligible and not recused. */
export function eligibleVoters(review: Pick<ReviewRecord, 'eligibleMembers' | 'recusals'>): string[] {
  return [...new Set(review.eligibleMembers)].filter((m) => !Object.hasOwn(review.recusals, m));
}

type Ballots = Pick<Tally, 'confirm' | 'revoke' | 'abstain'>;

function counted(eligible: number, ballots: Ballots, rules: VoteRules): Tally {
  const present = ballots.confirm + ballots.revoke + (rules.abstentionsCountAsPresent ? ballots.abstain : 0);
  return {
    eligible,
    votesCast: ballots.confirm + ballots.revoke + ballots.abstain,
    ...ballots,
    present,
    quorum: present >= rules.minimumPresent,
    quorumNeeded: rules.minimumPresent,
  };
}

export function tally(review: ReviewView, rules: VoteRules): Tally {
  const voters = eligibleVoters(review);
  const ballots = { confirm: 0, revoke: 0, abstain: 0 };
  // Only eligible members' votes count: a stray vote in the record cannot sway the outcome.
  for (const member of voters) {
    const vote = Object.hasOwn(review.votes, member) ? review.votes[member] : undefined;
    if (vote?.decision === 'CONFIRM') ballots.confirm += 1;
    else if (vote?.decision === 'REVOKE') ballots.revoke += 1;
    else if (vote?.decision === 'ABSTAIN') ballots.abstain += 1;
  }
  return counted(voters.length, ballots, rules);
}

export interface Verdict {
  outcome: ReviewOutcome;
  /** MAJORITY when one side has the policy's majority; NO_MAJORITY when the tie rule decided. */
  reason: 'MAJORITY' | 'NO_MAJORITY';
}

/** The outcome the votes give with a quorum, else `null`. */
export function verdictOf(t: Tally, kind: ReviewKind, rules: VoteRules): Verdict | null {
  if (!t.quorum) return null;
  const base = rules.majorityOf === 'VOTES_CAST' ? t.confirm + t.revoke : t.present;
  if (2 * t.confirm > base) return { outcome: 'CONFIRMED', reason: 'MAJORITY' };
  if (2 * t.revoke > base) return { outcome: 'REVOKED', reason: 'MAJORITY' };
  return { outcome: rules.onTie[kind] === 'UPHOLD' ? 'CONFIRMED' : 'REVOKED', reason: 'NO_MAJORITY' };
}

/** Whether the quorum can no longer be reached: recusals left fewer eligible members than it needs. */
export function tooFewEligible(review: Pick<ReviewRecord, 'eligibleMembers' | 'recusals'>, rules: VoteRules): boolean {
  return eligibleVoters(review).length < rules.minimumPresent;
}

/**
 * The verdict when no remaining vote can change its outcome, else `null`. Only with a quorum
 * already met: members who have not voted may stay silent, and a recusal changes neither the
 * members present nor the quorum. Every split of the remaining members' ballots is tried:
 * committees are small, and a rule-specific shortcut would be one more thing to get wrong.
 */
export function decidedEarly(review: ReviewView & Pick<ReviewRecord, 'kind'>, rules: VoteRules): Verdict | null {
  const now = tally(review, rules);
  const verdict = verdictOf(now, review.kind, rules);
  if (verdict === null) return null;
  const remaining = now.eligible - now.votesCast;
  for (let confirm = 0; confirm <= remaining; confirm += 1) {
    for (let revoke = 0; confirm + revoke <= remaining; revoke += 1) {
      for (let abstain = 0; confirm + revoke + abstain <= remaining; abstain += 1) {
        const later = counted(
          now.eligible,
          { confirm: now.confirm + confirm, revoke: now.revoke + revoke, abstain: now.abstain + abstain },
          rules,
        );
        if (verdictOf(later, review.kind, rules)?.outcome !== verdict.outcome) return null;
      }
    }
  }
  return verdict;
}

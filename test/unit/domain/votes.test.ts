import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, WindowClosedError } from '../../../shared/domain/errors';
import type { ReviewKind, ReviewRecord, VoteDecision } from '../../../shared/domain/model';
import { policyById, resolvePolicy, type VoteRules } from '../../../shared/domain/policy';
import { assertCanRecuse, assertCanVote, decideAtDeadline } from '../../../shared/domain/votes';
import { decidedEarly, eligibleVoters, tally, tooFewEligible, verdictOf } from '../../../shared/domain/vote-count';

const MEMBERS = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'];
const AT = '2026-11-25T00:00:00.000Z';

function review(votes: Record<string, VoteDecision> = {}, overrides: Partial<ReviewRecord> = {}): ReviewRecord {
  return {
    reviewId: 'R01ARZ3NDEKTSV4RRFFQ69G5FAV-POST',
    kind: 'POST_REVIEW',
    caseId: 'C01ARZ3NDEKTSV4RRFFQ69G5FAV',
    orderIds: [],
    status: 'OPEN',
    openedAt: '2026-11-24T06:00:00.000Z',
    closesAt: '2026-12-01T06:00:00.000Z',
    extended: false,
    eligibleMembers: MEMBERS,
    recusals: {},
    votes: Object.fromEntries(Object.entries(votes).map(([m, decision]) => [m, { decision, at: AT }])),
    ...overrides,
  };
}
const recused = (...members: string[]) => Object.fromEntries(members.map((m) => [m, { reason: 'conflict of interest', at: AT }]));

/** Korea's rules: at least 3 present, a majority of those present, abstentions present, a tie lifts a post-review and upholds on appeal. */
const KR_VOTES = policyById('kr-kcsc').votes;
const outcome = (r: ReviewRecord, rules: VoteRules = KR_VOTES) => verdictOf(tally(r, rules), r.kind, rules);

describe('eligibleVoters and tally', () => {
  it('removes recused members from the eligible set', () => {
    expect(eligibleVoters(review({}, { recusals: recused('member-2') }))).toEqual(['member-1', 'member-3', 'member-4', 'member-5']);
  });

  it.each([
    // votes, recusals, expected tally
    [{}, [], { eligible: 5, votesCast: 0, confirm: 0, revoke: 0, abstain: 0, present: 0, quorum: false, quorumNeeded: 3 }],
    [
      { 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN' },
      [],
      { eligible: 5, votesCast: 2, confirm: 1, revoke: 0, abstain: 1, present: 2, quorum: false, quorumNeeded: 3 },
    ],
    [
      { 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN', 'member-3': 'REVOKE' },
      [],
      { eligible: 5, votesCast: 3, confirm: 1, revoke: 1, abstain: 1, present: 3, quorum: true, quorumNeeded: 3 },
    ],
    // Recusals no longer shrink the quorum: two of three remaining members are not enough.
    [
      { 'member-1': 'CONFIRM', 'member-2': 'REVOKE' },
      ['member-3', 'member-4'],
      { eligible: 3, votesCast: 2, confirm: 1, revoke: 1, abstain: 0, present: 2, quorum: false, quorumNeeded: 3 },
    ],
    [
      { outsider: 'REVOKE', 'member-1': 'CONFIRM' },
      [],
      { eligible: 5, votesCast: 1, confirm: 1, revoke: 0, abstain: 0, present: 1, quorum: false, quorumNeeded: 3 },
    ],
    [{}, MEMBERS, { eligible: 0, votesCast: 0, confirm: 0, revoke: 0, abstain: 0, present: 0, quorum: false, quorumNeeded: 3 }],
  ] as const)('votes %j, recused %j: %j', (votes, recusals, expected) => {
    expect(tally(review(votes, { recusals: recused(...recusals) }), KR_VOTES)).toEqual(expected);
  });

  it('does not count abstainers as present when the rules say so', () => {
    const rules: VoteRules = { ...KR_VOTES, abstentionsCountAsPresent: false };
    const t = tally(review({ 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN', 'member-3': 'ABSTAIN' }), rules);
    expect(t).toMatchObject({ votesCast: 3, present: 1, quorum: false });
  });
});

describe('verdictOf under the Korean rules', () => {
  it.each([
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE' }, 'POST_REVIEW', 'CONFIRMED', 'MAJORITY'],
    [{ 'member-1': 'REVOKE', 'member-2': 'REVOKE', 'member-3': 'CONFIRM' }, 'POST_REVIEW', 'REVOKED', 'MAJORITY'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }, 'POST_REVIEW', 'REVOKED', 'NO_MAJORITY'],
    [{ 'member-1': 'ABSTAIN', 'member-2': 'ABSTAIN', 'member-3': 'ABSTAIN' }, 'POST_REVIEW', 'REVOKED', 'NO_MAJORITY'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'ABSTAIN' }, 'POST_REVIEW', 'CONFIRMED', 'MAJORITY'],
  ] as const)('votes %j in a %s: %s (%s)', (votes, kind, expectedOutcome, reason) => {
    expect(outcome(review(votes, { kind }))).toEqual({ outcome: expectedOutcome, reason });
  });

  it('without a quorum: no verdict', () => {
    expect(outcome(review({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM' }))).toBeNull();
  });
});

// The examples of issue 11 ("None of this is policy"): each was a wrong result under the old rule.
describe('regressions: the old vote rule', () => {
  it('after four recusals one member does not decide alone: the review is escalated instead', () => {
    const r = review({ 'member-5': 'REVOKE' }, { recusals: recused('member-1', 'member-2', 'member-3', 'member-4') });
    expect(outcome(r)).toBeNull();
    expect(decidedEarly(r, KR_VOTES)).toBeNull();
    expect(tooFewEligible(r, KR_VOTES)).toBe(true);
    expect(decideAtDeadline(r, policyById('kr-kcsc'), r.closesAt)).toEqual({ kind: 'ESCALATED', cause: 'TOO_FEW_ELIGIBLE' });
  });

  it('one CONFIRM and two ABSTAIN out of five do not confirm: a majority of those present is needed', () => {
    expect(outcome(review({ 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN', 'member-3': 'ABSTAIN' }))).toEqual({
      outcome: 'REVOKED',
      reason: 'NO_MAJORITY',
    });
  });

  it('a tie on an appeal upholds the order (about child sexual exploitation material or anything else)', () => {
    const tie = review({ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'CONFIRM', 'member-4': 'REVOKE' }, { kind: 'APPEAL' });
    expect(outcome(tie)).toEqual({ outcome: 'CONFIRMED', reason: 'NO_MAJORITY' });
  });

  it('the tie rule is the policy’s, per review kind', () => {
    const lift: VoteRules = { ...KR_VOTES, onTie: { ...KR_VOTES.onTie, APPEAL: 'LIFT' } };
    const tie = review({ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }, { kind: 'APPEAL' });
    expect(outcome(tie, lift)).toEqual({ outcome: 'REVOKED', reason: 'NO_MAJORITY' });
  });

  it('a majority of the votes cast ignores abstentions, when the policy says so', () => {
    const cast: VoteRules = { ...KR_VOTES, majorityOf: 'VOTES_CAST' };
    expect(outcome(review({ 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN', 'member-3': 'ABSTAIN' }), cast)).toEqual({
      outcome: 'CONFIRMED',
      reason: 'MAJORITY',
    });
  });
});

const BALLOT = fc.constantFrom<VoteDecision>('CONFIRM', 'REVOKE', 'ABSTAIN');
const KIND = fc.constantFrom<ReviewKind>('POST_REVIEW', 'PRIOR_REVIEW', 'APPEAL');
const RULES: fc.Arbitrary<VoteRules> = fc.record({
  minimumPresent: fc.integer({ min: 1, max: 7 }),
  abstentionsCountAsPresent: fc.boolean(),
  majorityOf: fc.constantFrom('VOTES_CAST', 'MEMBERS_PRESENT'),
  onTie: fc.record({
    POST_REVIEW: fc.constantFrom('UPHOLD', 'LIFT'),
    PRIOR_REVIEW: fc.constantFrom('UPHOLD', 'LIFT'),
    APPEAL: fc.constantFrom('UPHOLD', 'LIFT'),
  }),
});
const votesOf = (ballots: readonly VoteDecision[]) => Object.fromEntries(ballots.map((v, i) => [`m${i}`, v]));

describe('vote rules: invariants', () => {
  it('one member never decides alone when the minimum is above one, whatever the recusals', () => {
    fc.assert(
      fc.property(RULES, KIND, BALLOT, fc.integer({ min: 1, max: 8 }), (rules, kind, ballot, others) => {
        fc.pre(rules.minimumPresent > 1);
        const members = Array.from({ length: others + 1 }, (_, i) => `m${i}`);
        const r = review({ m0: ballot }, { kind, eligibleMembers: members, recusals: recused(...members.slice(1)) });
        expect(verdictOf(tally(r, rules), kind, rules)).toBeNull();
        expect(decidedEarly(r, rules)).toBeNull();
      }),
    );
  });

  it('adding an abstention never changes the verdict when abstentions do not count', () => {
    fc.assert(
      fc.property(RULES, KIND, fc.array(BALLOT, { minLength: 0, maxLength: 8 }), (anyRules, kind, ballots) => {
        const rules = { ...anyRules, abstentionsCountAsPresent: false };
        const members = Array.from({ length: ballots.length + 1 }, (_, i) => `m${i}`);
        const before = review(votesOf(ballots), { kind, eligibleMembers: members });
        const after = review({ ...votesOf(ballots), [`m${ballots.length}`]: 'ABSTAIN' }, { kind, eligibleMembers: members });
        expect(verdictOf(tally(after, rules), kind, rules)).toEqual(verdictOf(tally(before, rules), kind, rules));
      }),
    );
  });

  it('a majority either way is decided by the votes, never by the tie rule', () => {
    fc.assert(
      fc.property(RULES, KIND, fc.array(BALLOT, { minLength: 1, maxLength: 9 }), (rules, kind, ballots) => {
        const r = review(votesOf(ballots), { kind, eligibleMembers: Object.keys(votesOf(ballots)) });
        const flipped: VoteRules = { ...rules, onTie: { POST_REVIEW: 'UPHOLD', PRIOR_REVIEW: 'UPHOLD', APPEAL: 'UPHOLD' } };
        const lifted: VoteRules = { ...rules, onTie: { POST_REVIEW: 'LIFT', PRIOR_REVIEW: 'LIFT', APPEAL: 'LIFT' } };
        const a = verdictOf(tally(r, flipped), kind, flipped);
        const b = verdictOf(tally(r, lifted), kind, lifted);
        if (a?.reason === 'MAJORITY') expect(b).toEqual(a);
        else expect(a === null || a.outcome !== b?.outcome).toBe(true);
      }),
    );
  });

  it('a CONFIRM never turns a confirmed outcome into a revoked one', () => {
    fc.assert(
      fc.property(RULES, KIND, fc.array(BALLOT, { minLength: 0, maxLength: 8 }), (rules, kind, ballots) => {
        const members = Array.from({ length: ballots.length + 1 }, (_, i) => `m${i}`);
        const before = verdictOf(tally(review(votesOf(ballots), { kind, eligibleMembers: members }), rules), kind, rules);
        fc.pre(before?.outcome === 'CONFIRMED');
        const more = review({ ...votesOf(ballots), [`m${ballots.length}`]: 'CONFIRM' }, { kind, eligibleMembers: members });
        expect(verdictOf(tally(more, rules), kind, rules)?.outcome).toBe('CONFIRMED');
      }),
    );
  });
});

describe('decidedEarly', () => {
  it.each([
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM' }, null],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'CONFIRM' }, 'CONFIRMED'],
    // Two more CONFIRM give 2 of 5 present: no majority, and a tie lifts a post-review anyway.
    [{ 'member-1': 'REVOKE', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }, 'REVOKED'],
    [{ 'member-1': 'REVOKE', 'member-2': 'REVOKE', 'member-3': 'REVOKE' }, 'REVOKED'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE' }, null],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE', 'member-4': 'CONFIRM' }, 'CONFIRMED'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN', 'member-4': 'ABSTAIN' }, 'REVOKED'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'REVOKE', 'member-4': 'ABSTAIN' }, 'REVOKED'],
  ] as const)('votes %j: %s', (votes, expected) => {
    expect(decidedEarly(review(votes), KR_VOTES)?.outcome ?? null).toBe(expected);
  });

  // A remaining member votes one way, recuses, or stays silent.
  const act = fc.constantFrom<VoteDecision | 'RECUSE' | 'SILENT'>('CONFIRM', 'REVOKE', 'ABSTAIN', 'RECUSE', 'SILENT');
  const start = fc.array(fc.option(BALLOT), { minLength: 1, maxLength: 9 });

  it('never contradicts the final outcome, whatever the remaining members do', () => {
    fc.assert(
      fc.property(RULES, KIND, start, fc.array(act, { minLength: 9, maxLength: 9 }), (rules, kind, initial, later) => {
        const members = initial.map((_, i) => `m${i}`);
        const votes: Record<string, VoteDecision> = {};
        initial.forEach((v, i) => {
          if (v !== null) votes[`m${i}`] = v;
        });
        const early = decidedEarly(review(votes, { kind, eligibleMembers: members }), rules);
        fc.pre(early !== null);
        const finalVotes = { ...votes };
        const recusing: string[] = [];
        members.forEach((m, i) => {
          if (m in votes) return;
          const a = later[i] ?? 'SILENT';
          if (a === 'RECUSE') recusing.push(m);
          else if (a !== 'SILENT') finalVotes[m] = a;
        });
        const final = review(finalVotes, { kind, eligibleMembers: members, recusals: recused(...recusing) });
        expect(verdictOf(tally(final, rules), kind, rules)?.outcome).toBe(early?.outcome);
      }),
    );
  });

  it('decides as soon as every eligible member has voted', () => {
    fc.assert(
      fc.property(RULES, KIND, fc.array(BALLOT, { minLength: 1, maxLength: 9 }), (rules, kind, all) => {
        const votes = votesOf(all);
        const r = review(votes, { kind, eligibleMembers: Object.keys(votes) });
        expect(decidedEarly(r, rules)).toEqual(verdictOf(tally(r, rules), kind, rules));
      }),
    );
  });
});

describe('decideAtDeadline', () => {
  const KR = resolvePolicy({ dayCount: 'EXACT' });
  /** The deadline rule applied at the close itself. */
  const CLOSES_AT = review({}).closesAt;
  const LIFT = resolvePolicy({ unreviewedOrder: 'lift' });

  it('decides with a quorum', () => {
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'ABSTAIN' }), KR, CLOSES_AT)).toEqual({
      kind: 'DECIDED',
      outcome: 'CONFIRMED',
      reason: 'MAJORITY',
    });
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }), KR, CLOSES_AT)).toEqual({
      kind: 'DECIDED',
      outcome: 'REVOKED',
      reason: 'NO_MAJORITY',
    });
  });

  it.each([
    ['POST_REVIEW', '2026-12-08T06:00:00.000Z'],
    ['APPEAL', '2026-12-16T06:00:00.000Z'],
  ] as const)('extends a %s without quorum once by the same window (to %s)', (kind, closesAt) => {
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM' }, { kind }), KR, CLOSES_AT)).toEqual({ kind: 'EXTENDED', closesAt });
  });

  it.each([
    ['escalates', KR, { kind: 'ESCALATED', cause: 'NO_QUORUM' }],
    ['lifts', LIFT, { kind: 'LIFTED', outcome: 'REVOKED', reason: 'AUTO_LIFTED' }],
  ] as const)('%s an order left without quorum after the extension, by policy', (_label, policy, expected) => {
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM' }, { extended: true }), policy, CLOSES_AT)).toEqual(expected);
  });

  it.each([
    ['REVOKE', { kind: 'LIFTED', outcome: 'REVOKED', reason: 'AUTO_LIFTED' }],
    ['ESCALATE', { kind: 'ESCALATED', cause: 'NO_QUORUM' }],
  ] as const)('a post-review without a decision under withoutDecision %s: no extension', (withoutDecision, expected) => {
    const policy = resolvePolicy({ postReview: { withoutDecision } });
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM' }), policy, CLOSES_AT)).toEqual(expected);
    // An appeal keeps the extension: the rule is about the interim order's review.
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM' }, { kind: 'APPEAL' }), policy, CLOSES_AT).kind).toBe('EXTENDED');
  });

  it('India’s IT Rules r.9 profile revokes an interim direction the committee did not approve in time', () => {
    const india = policyById('in-it-rules-9');
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM' }), india, CLOSES_AT)).toEqual({
      kind: 'LIFTED',
      outcome: 'REVOKED',
      reason: 'AUTO_LIFTED',
    });
    expect(
      decideAtDeadline(review({ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }), india, CLOSES_AT),
    ).toMatchObject({
      outcome: 'REVOKED',
    });
  });
});

describe('assertCanVote and assertCanRecuse', () => {
  const OPEN_NOW = '2026-11-30T00:00:00.000Z';

  it('lets an eligible member vote and recuse while the review is open', () => {
    expect(() => assertCanVote(review(), 'member-1', OPEN_NOW)).not.toThrow();
    expect(() => assertCanRecuse(review(), 'member-1', OPEN_NOW)).not.toThrow();
  });

  it.each([
    ['the review is closed', review({}, { status: 'CLOSED' }), 'member-1', OPEN_NOW, WindowClosedError, 'WINDOW_CLOSED'],
    ['the review is escalated', review({}, { status: 'ESCALATED' }), 'member-1', OPEN_NOW, WindowClosedError, 'WINDOW_CLOSED'],
    ['closesAt has come', review(), 'member-1', '2026-12-01T06:00:00.000Z', WindowClosedError, 'WINDOW_CLOSED'],
    ['the member is not eligible', review(), 'member-9', OPEN_NOW, ForbiddenError, 'FORBIDDEN'],
    ['the member recused', review({}, { recusals: recused('member-1') }), 'member-1', OPEN_NOW, ForbiddenError, 'FORBIDDEN'],
    ['the member already voted', review({ 'member-1': 'ABSTAIN' }), 'member-1', OPEN_NOW, ConflictError, 'CONFLICT'],
  ] as const)('refuses a vote when %s', (_label, r, member, now, errorClass, code) => {
    const act = () => assertCanVote(r, member, now);
    expect(act).toThrow(errorClass);
    expect(act).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['the review is closed', review({}, { status: 'CLOSED' }), 'member-1', OPEN_NOW, WindowClosedError],
    ['closesAt has passed', review(), 'member-1', '2026-12-02T00:00:00.000Z', WindowClosedError],
    ['the member is not eligible', review(), 'member-9', OPEN_NOW, ForbiddenError],
    ['the member already voted', review({ 'member-1': 'CONFIRM' }), 'member-1', OPEN_NOW, ConflictError],
    ['the member already recused', review({}, { recusals: recused('member-1') }), 'member-1', OPEN_NOW, ConflictError],
  ] as const)('refuses a recusal when %s', (_label, r, member, now, errorClass) => {
    expect(() => assertCanRecuse(r, member, now)).toThrow(errorClass);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, WindowClosedError } from '../../../shared/domain/errors';
import type { ReviewRecord, VoteDecision } from '../../../shared/domain/model';
import { resolvePolicy } from '../../../shared/domain/policy';
import {
  assertCanRecuse,
  assertCanVote,
  decideAtDeadline,
  decidedEarly,
  eligibleVoters,
  outcomeOf,
  outcomeReasonOf,
  tally,
} from '../../../shared/domain/votes';

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

describe('eligibleVoters and tally', () => {
  it('removes recused members from the eligible set', () => {
    expect(eligibleVoters(review({}, { recusals: recused('member-2') }))).toEqual(['member-1', 'member-3', 'member-4', 'member-5']);
  });

  it.each([
    // votes, recusals, expected tally
    [{}, [], { eligible: 5, votesCast: 0, confirm: 0, revoke: 0, abstain: 0, quorum: false, quorumNeeded: 3 }],
    [
      { 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN' },
      [],
      { eligible: 5, votesCast: 2, confirm: 1, revoke: 0, abstain: 1, quorum: false, quorumNeeded: 3 },
    ],
    [
      { 'member-1': 'CONFIRM', 'member-2': 'ABSTAIN', 'member-3': 'REVOKE' },
      [],
      { eligible: 5, votesCast: 3, confirm: 1, revoke: 1, abstain: 1, quorum: true, quorumNeeded: 3 },
    ],
    [
      { 'member-1': 'CONFIRM', 'member-2': 'REVOKE' },
      ['member-3'],
      { eligible: 4, votesCast: 2, confirm: 1, revoke: 1, abstain: 0, quorum: false, quorumNeeded: 3 },
    ],
    [
      { 'member-1': 'CONFIRM', 'member-2': 'REVOKE' },
      ['member-3', 'member-4'],
      { eligible: 3, votesCast: 2, confirm: 1, revoke: 1, abstain: 0, quorum: true, quorumNeeded: 2 },
    ],
    [
      { outsider: 'REVOKE', 'member-1': 'CONFIRM' },
      [],
      { eligible: 5, votesCast: 1, confirm: 1, revoke: 0, abstain: 0, quorum: false, quorumNeeded: 3 },
    ],
    [{}, MEMBERS, { eligible: 0, votesCast: 0, confirm: 0, revoke: 0, abstain: 0, quorum: false, quorumNeeded: 1 }],
  ] as const)('votes %j, recused %j: %j', (votes, recusals, expected) => {
    expect(tally(review(votes, { recusals: recused(...recusals) }))).toEqual(expected);
  });
});

describe('outcomeOf and outcomeReasonOf', () => {
  it.each([
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE' }, 'CONFIRMED', 'MAJORITY'],
    [{ 'member-1': 'REVOKE', 'member-2': 'REVOKE', 'member-3': 'CONFIRM' }, 'REVOKED', 'MAJORITY'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }, 'REVOKED', 'NO_MAJORITY'],
    [{ 'member-1': 'ABSTAIN', 'member-2': 'ABSTAIN', 'member-3': 'ABSTAIN' }, 'REVOKED', 'NO_MAJORITY'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM' }, null, null],
  ] as const)('votes %j: outcome %s (%s)', (votes, outcome, reason) => {
    const t = tally(review(votes));
    expect(outcomeOf(t)).toBe(outcome);
    expect(outcomeReasonOf(t)).toBe(reason);
  });
});

describe('decidedEarly', () => {
  it.each([
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM' }, null],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'CONFIRM' }, 'CONFIRMED'],
    [{ 'member-1': 'REVOKE', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }, 'REVOKED'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE' }, null],
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE', 'member-4': 'CONFIRM' }, 'CONFIRMED'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN', 'member-4': 'ABSTAIN' }, null],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'REVOKE', 'member-4': 'ABSTAIN' }, 'REVOKED'],
  ] as const)('votes %j: %s', (votes, outcome) => {
    expect(decidedEarly(review(votes))).toBe(outcome);
  });

  // A remaining member votes one way, recuses, or stays silent.
  const act = fc.constantFrom<VoteDecision | 'RECUSE' | 'SILENT'>('CONFIRM', 'REVOKE', 'ABSTAIN', 'RECUSE', 'SILENT');
  const start = fc.array(fc.option(fc.constantFrom<VoteDecision>('CONFIRM', 'REVOKE', 'ABSTAIN')), { minLength: 1, maxLength: 9 });

  it('never contradicts the final outcome, whatever the remaining members do', () => {
    fc.assert(
      fc.property(start, fc.array(act, { minLength: 9, maxLength: 9 }), (initial, later) => {
        const members = initial.map((_, i) => `m${i}`);
        const votes: Record<string, VoteDecision> = {};
        initial.forEach((v, i) => {
          if (v !== null) votes[`m${i}`] = v;
        });
        const early = decidedEarly(review(votes, { eligibleMembers: members }));
        fc.pre(early !== null);
        const finalVotes = { ...votes };
        const recusing: string[] = [];
        members.forEach((m, i) => {
          if (m in votes) return;
          const a = later[i] ?? 'SILENT';
          if (a === 'RECUSE') recusing.push(m);
          else if (a !== 'SILENT') finalVotes[m] = a;
        });
        const final = review(finalVotes, { eligibleMembers: members, recusals: recused(...recusing) });
        expect(outcomeOf(tally(final))).toBe(early);
      }),
    );
  });

  it('decides as soon as every eligible member has voted', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<VoteDecision>('CONFIRM', 'REVOKE', 'ABSTAIN'), { minLength: 1, maxLength: 9 }), (all) => {
        const votes = Object.fromEntries(all.map((v, i) => [`m${i}`, v]));
        const r = review(votes, { eligibleMembers: Object.keys(votes) });
        expect(decidedEarly(r)).toBe(outcomeOf(tally(r)));
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
    ['escalates', KR, { kind: 'ESCALATED' }],
    ['lifts', LIFT, { kind: 'LIFTED', outcome: 'REVOKED', reason: 'AUTO_LIFTED' }],
  ] as const)('%s an order left without quorum after the extension, by policy', (_label, policy, expected) => {
    expect(decideAtDeadline(review({ 'member-1': 'CONFIRM' }, { extended: true }), policy, CLOSES_AT)).toEqual(expected);
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../../shared/domain/authz';
import { SYSTEM_ACTOR } from '../../../../shared/domain/deciders/case';
import { reviewDecider, type CaseParticipants, type ReviewCommand } from '../../../../shared/domain/deciders/review';
import { reviewClosesAt, reviewExtendedClosesAt } from '../../../../shared/domain/deadlines';
import { ConflictError, DomainError, ForbiddenError, WindowClosedError } from '../../../../shared/domain/errors';
import type { ReviewKind, ReviewRecord, ReviewStatus, VoteDecision } from '../../../../shared/domain/model';
import { resolvePolicy, type Policy } from '../../../../shared/domain/policy';
import { decidedEarly, eligibleVoters, tally, verdictOf } from '../../../../shared/domain/vote-count';
import { aReview, CASE_ID, POST_REVIEW_ID } from '../../../support/records';
import {
  anyPolicy,
  choiceArb,
  ctx,
  DAY,
  decided,
  HOUR,
  KR,
  plus,
  resolveChoice,
  resolveWhen,
  RUNS,
  step,
  whenArb,
  type Choice,
  type When,
} from './support';

const OPENED = '2026-03-02T01:00:00.000Z';
const CLOSES = '2026-03-09T01:00:00.000Z';
const NOW = '2026-03-03T10:00:00.000Z';
const LIFT = resolvePolicy({ unreviewedOrder: 'lift' });
const PARTICIPANTS: CaseParticipants = { filedBy: 'staff-kim', approvedBy: ['staff-lee', 'staff-choi'] };
const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });
const vote = (memberId: string, decision: VoteDecision, reason?: string): ReviewCommand => ({
  type: 'VOTE',
  memberId,
  decision,
  ...(reason === undefined ? {} : { reason }),
});
const votes = (ballots: Record<string, VoteDecision>) =>
  Object.fromEntries(Object.entries(ballots).map(([member, decision]) => [member, { decision, at: OPENED }]));
const recused = (...members: string[]) => Object.fromEntries(members.map((m) => [m, { reason: 'conflict of interest', at: OPENED }]));
const reviewWait = (outcome: string) => ({
  type: 'COMPLETE_WAIT',
  caseId: CASE_ID,
  purpose: `REVIEW#${POST_REVIEW_ID}`,
  output: { decided: true, outcome },
});
/** What an open review's events may say of it: how many took part, never how they voted. */
const turnout = (review: ReviewRecord, policy: Policy = KR) => {
  const { eligible, votesCast, quorumNeeded } = tally(review, policy.votes);
  return { eligible, votesCast, quorumNeeded };
};
const closeIfDecided = { type: 'RUN', command: { kind: 'review', reviewId: POST_REVIEW_ID, command: { type: 'CLOSE_IF_DECIDED' } } };
const staffDecide = (identity: Identity, decision: 'CONFIRM' | 'REVOKE' = 'CONFIRM'): ReviewCommand => ({
  type: 'STAFF_DECIDE',
  identity,
  decision,
  reason: 'Reviewed the evidence file',
  participants: PARTICIPANTS,
});

describe('reviewDecider: OPEN', () => {
  it('opens the review once, at its opening time, with the record as data', () => {
    const review = aReview();
    const { event, after } = decided(reviewDecider, { type: 'OPEN', review }, undefined, ctx(NOW));
    expect(event).toEqual({
      action: 'REVIEW_OPENED',
      at: OPENED,
      actor: SYSTEM_ACTOR,
      details: { reviewId: POST_REVIEW_ID, kind: 'POST_REVIEW', orderIds: review.orderIds, closesAt: CLOSES },
      data: review,
    });
    expect(after).toEqual(review);
    expect(reviewDecider.decide({ type: 'OPEN', review }, after, ctx(NOW))).toBeNull();
  });

  it('refuses any other command on a review that does not exist, as a defect', () => {
    const act = () => reviewDecider.decide({ type: 'CLOSE_IF_DECIDED' }, undefined, ctx(NOW));
    expect(act).toThrow(/No such review/);
    expect(act).not.toThrow(DomainError);
  });
});

describe('reviewDecider: VOTE and RECUSE', () => {
  it('records a ballot, its reason only in data, and asks to close the review if decided', () => {
    // Given an open review
    const review = aReview();
    // When member-1 votes CONFIRM with a reason
    const { event, followUps, after } = decided(reviewDecider, vote('member-1', 'CONFIRM', 'Clearly illegal filming'), review, ctx(NOW));
    // Then VOTE_CAST by the member, the reason out of the details, and a CLOSE_IF_DECIDED run follows
    expect(event).toEqual({
      action: 'VOTE_CAST',
      at: NOW,
      actor: 'member-1',
      details: { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' },
      data: { decision: 'CONFIRM', at: NOW, reason: 'Clearly illegal filming' },
    });
    expect(followUps).toEqual([closeIfDecided]);
    expect(after.votes).toEqual({ 'member-1': { decision: 'CONFIRM', at: NOW, reason: 'Clearly illegal filming' } });
    expect(after.status).toBe('OPEN');
  });

  it.each<[string, Partial<ReviewRecord>, string, string, new (...args: never[]) => DomainError]>([
    ['a second ballot from the same member', { votes: votes({ 'member-1': 'REVOKE' }) }, 'member-1', NOW, ConflictError],
    [
      'a second ballot after the review closed',
      { status: 'CLOSED', outcome: 'REVOKED', votes: votes({ 'member-1': 'REVOKE' }) },
      'member-1',
      NOW,
      ConflictError,
    ],
    ['a ballot at closesAt', {}, 'member-1', CLOSES, WindowClosedError],
    ['a ballot after closesAt', {}, 'member-1', plus(CLOSES, HOUR), WindowClosedError],
    ['a ballot on a closed review', { status: 'CLOSED', outcome: 'CONFIRMED' }, 'member-2', NOW, WindowClosedError],
    ['a ballot on an escalated review', { status: 'ESCALATED' }, 'member-2', NOW, WindowClosedError],
    ['a ballot from a member who is not eligible', {}, 'member-9', NOW, ForbiddenError],
    ['a ballot from a recused member', { recusals: recused('member-2') }, 'member-2', NOW, ForbiddenError],
  ])('refuses %s', (_label, overrides, member, now, ErrorClass) => {
    expect(() => reviewDecider.decide(vote(member, 'CONFIRM'), aReview(overrides), ctx(now))).toThrow(ErrorClass);
  });

  it('records a recusal once, its reason only in data, and asks to close the review if decided', () => {
    const { event, followUps, after } = decided(
      reviewDecider,
      { type: 'RECUSE', memberId: 'member-3', reason: 'Former employee of the operator' },
      aReview(),
      ctx(NOW),
    );
    expect(event).toEqual({
      action: 'MEMBER_RECUSED',
      at: NOW,
      actor: 'member-3',
      details: { reviewId: POST_REVIEW_ID },
      data: { reason: 'Former employee of the operator' },
    });
    expect(followUps).toEqual([closeIfDecided]);
    expect(after.recusals).toEqual({ 'member-3': { reason: 'Former employee of the operator', at: NOW } });
  });

  it.each<[string, Partial<ReviewRecord>, string, string, new (...args: never[]) => DomainError]>([
    ['recusing twice', { recusals: recused('member-3') }, 'member-3', NOW, ConflictError],
    ['recusing after voting', { votes: votes({ 'member-3': 'ABSTAIN' }) }, 'member-3', NOW, ConflictError],
    ['recusing at closesAt', {}, 'member-3', CLOSES, WindowClosedError],
    ['recusing from a closed review', { status: 'CLOSED', outcome: 'REVOKED' }, 'member-3', NOW, WindowClosedError],
    ['recusing when not eligible', {}, 'outsider', NOW, ForbiddenError],
  ])('refuses %s', (_label, overrides, member, now, ErrorClass) => {
    expect(() => reviewDecider.decide({ type: 'RECUSE', memberId: member, reason: 'x' }, aReview(overrides), ctx(now))).toThrow(ErrorClass);
  });
});

describe('reviewDecider: CLOSE_IF_DECIDED', () => {
  it('closes the review on the deciding vote and completes the review wait', () => {
    // Given two CONFIRM ballots of five
    let review = aReview({ votes: votes({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM' }) });
    // When the third CONFIRM is cast, and its follow-up runs
    review = decided(reviewDecider, vote('member-3', 'CONFIRM'), review, ctx(NOW)).after;
    const { event, followUps, after } = decided(reviewDecider, { type: 'CLOSE_IF_DECIDED' }, review, ctx(NOW));
    // Then REVIEW_CLOSED says CONFIRMED by MAJORITY with the tally, and the wait gets the outcome
    expect(event).toEqual({
      action: 'REVIEW_CLOSED',
      at: NOW,
      actor: SYSTEM_ACTOR,
      details: {
        reviewId: POST_REVIEW_ID,
        outcome: 'CONFIRMED',
        outcomeReason: 'MAJORITY',
        tally: { eligible: 5, votesCast: 3, confirm: 3, revoke: 0, abstain: 0, present: 3, quorum: true, quorumNeeded: 3 },
      },
    });
    expect(followUps).toEqual([reviewWait('CONFIRMED')]);
    expect(after).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', outcomeReason: 'MAJORITY', closedAt: NOW });
    // And asking again answers null
    expect(reviewDecider.decide({ type: 'CLOSE_IF_DECIDED' }, after, ctx(NOW))).toBeNull();
  });

  it('closes the review when recusals make the outcome certain', () => {
    // Given REVOKE, REVOKE, CONFIRM of five (a quorum), and the two others recusing
    let review = aReview({
      votes: votes({ 'member-1': 'REVOKE', 'member-2': 'REVOKE', 'member-3': 'CONFIRM' }),
      recusals: recused('member-4'),
    });
    review = decided(reviewDecider, { type: 'RECUSE', memberId: 'member-5', reason: 'x' }, review, ctx(NOW)).after;
    // When the recusal's follow-up runs / Then the review closes REVOKED
    const { after } = decided(reviewDecider, { type: 'CLOSE_IF_DECIDED' }, review, ctx(NOW));
    expect(after).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'MAJORITY' });
  });

  it('escalates to staff at once when a recusal leaves fewer eligible members than the quorum', () => {
    // Given one REVOKE of five and two members recused (Korea: at least three present)
    let review = aReview({ votes: votes({ 'member-1': 'REVOKE' }), recusals: recused('member-4', 'member-5') });
    // When a third member recuses, and its follow-up runs
    review = decided(reviewDecider, { type: 'RECUSE', memberId: 'member-3', reason: 'x' }, review, ctx(NOW)).after;
    const { event, followUps, after } = decided(reviewDecider, { type: 'CLOSE_IF_DECIDED' }, review, ctx(NOW));
    // Then the review is escalated, saying why, with no ballot in it, and staff are told
    expect(event).toEqual({
      action: 'REVIEW_ESCALATED',
      at: NOW,
      actor: SYSTEM_ACTOR,
      details: { reviewId: POST_REVIEW_ID, turnout: { eligible: 2, votesCast: 1, quorumNeeded: 3 }, cause: 'TOO_FEW_ELIGIBLE' },
    });
    expect(followUps).toEqual([
      expect.objectContaining({
        type: 'NOTIFY_STAFF',
        alert: expect.objectContaining({ lines: expect.arrayContaining([expect.stringContaining('Recusals left 2 eligible members')]) }),
      }),
    ]);
    expect(after.status).toBe('ESCALATED');
    // And the remaining members can no longer vote: staff decide
    expect(() => reviewDecider.decide(vote('member-2', 'CONFIRM'), after, ctx(NOW))).toThrow(WindowClosedError);
    expect(decided(reviewDecider, staffDecide(staff('staff-park')), after, ctx(NOW)).after.outcome).toBe('CONFIRMED');
  });

  it.each<[string, Partial<ReviewRecord>]>([
    ['no quorum yet', { votes: votes({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM' }) }],
    [
      'a quorum whose outcome the remaining votes can still change',
      { votes: votes({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE' }) },
    ],
    [
      'a closed review',
      { status: 'CLOSED', outcome: 'REVOKED', votes: votes({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'CONFIRM' }) },
    ],
    ['an escalated review', { status: 'ESCALATED', votes: votes({ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'CONFIRM' }) }],
  ])('answers null with %s', (_label, overrides) => {
    expect(reviewDecider.decide({ type: 'CLOSE_IF_DECIDED' }, aReview(overrides), ctx(NOW))).toBeNull();
  });
});

describe('reviewDecider: DEADLINE_PASSED', () => {
  it('answers null before closesAt, and for a review no longer open', () => {
    expect(reviewDecider.decide({ type: 'DEADLINE_PASSED' }, aReview(), ctx(plus(CLOSES, -1)))).toBeNull();
    expect(
      reviewDecider.decide({ type: 'DEADLINE_PASSED' }, aReview({ status: 'ESCALATED', extended: true }), ctx(plus(CLOSES, 1))),
    ).toBeNull();
    expect(
      reviewDecider.decide({ type: 'DEADLINE_PASSED' }, aReview({ status: 'CLOSED', outcome: 'REVOKED' }), ctx(plus(CLOSES, 1))),
    ).toBeNull();
  });

  it.each<[Record<string, VoteDecision>, 'CONFIRMED' | 'REVOKED', 'MAJORITY' | 'NO_MAJORITY']>([
    [{ 'member-1': 'CONFIRM', 'member-2': 'CONFIRM', 'member-3': 'REVOKE' }, 'CONFIRMED', 'MAJORITY'],
    [{ 'member-1': 'CONFIRM', 'member-2': 'REVOKE', 'member-3': 'ABSTAIN' }, 'REVOKED', 'NO_MAJORITY'],
  ])('closes a review with a quorum at closesAt: %j gives %s (%s)', (ballots, outcome, outcomeReason) => {
    const { event, followUps, after } = decided(
      reviewDecider,
      { type: 'DEADLINE_PASSED' },
      aReview({ votes: votes(ballots) }),
      ctx(CLOSES),
    );
    expect(event).toMatchObject({ action: 'REVIEW_CLOSED', at: CLOSES, actor: SYSTEM_ACTOR, details: { outcome, outcomeReason } });
    expect(followUps).toEqual([reviewWait(outcome)]);
    expect(after).toMatchObject({ status: 'CLOSED', outcome, outcomeReason, closedAt: CLOSES });
  });

  it.each<[ReviewKind, Policy]>([
    ['POST_REVIEW', KR],
    ['APPEAL', KR],
    ['PRIOR_REVIEW', resolvePolicy({ base: 'demo' })],
  ])('extends a %s review without quorum once, by its window counted from the old close', (kind, policy) => {
    const review = aReview({ kind, votes: votes({ 'member-1': 'CONFIRM' }) });
    const { event, followUps, after } = decided(reviewDecider, { type: 'DEADLINE_PASSED' }, review, ctx(plus(CLOSES, 5), policy));
    const extendedTo = reviewExtendedClosesAt(policy, kind, CLOSES, plus(CLOSES, 5));
    expect(event).toEqual({
      action: 'REVIEW_EXTENDED',
      at: plus(CLOSES, 5),
      actor: SYSTEM_ACTOR,
      details: { reviewId: POST_REVIEW_ID, closesAt: extendedTo, turnout: turnout(review) },
    });
    expect(event.details).toMatchObject({ turnout: { eligible: 5, votesCast: 1, quorumNeeded: 3 } });
    expect(followUps).toBeUndefined();
    expect(after).toMatchObject({ status: 'OPEN', extended: true, closesAt: extendedTo });
    // Votes are accepted again until the new close
    expect(step(reviewDecider, vote('member-2', 'REVOKE'), after, ctx(plus(CLOSES, 10), policy)).kind).toBe('event');
  });

  it('counts an extension decided more than a window late from that moment, so members still get a whole window', () => {
    // Given a review without quorum whose deadline was handled more than a window late
    const late = plus(CLOSES, 8 * DAY);
    const extended = decided(reviewDecider, { type: 'DEADLINE_PASSED' }, aReview(), ctx(late)).after;
    // Then the new close is a whole window after that, and votes are accepted meanwhile
    expect(extended.closesAt).toBe(plus(CLOSES, 15 * DAY));
    expect(step(reviewDecider, vote('member-1', 'CONFIRM'), extended, ctx(plus(late, HOUR))).kind).toBe('event');
    expect(reviewDecider.decide({ type: 'DEADLINE_PASSED' }, extended, ctx(plus(late, HOUR)))).toBeNull();
  });

  it('escalates an extended review still without quorum to staff (policy escalate)', () => {
    const review = aReview({ extended: true, votes: votes({ 'member-1': 'CONFIRM' }) });
    const { event, followUps, after } = decided(reviewDecider, { type: 'DEADLINE_PASSED' }, review, ctx(CLOSES, KR));
    expect(event).toEqual({
      action: 'REVIEW_ESCALATED',
      at: CLOSES,
      actor: SYSTEM_ACTOR,
      details: { reviewId: POST_REVIEW_ID, turnout: turnout(review), cause: 'NO_QUORUM' },
    });
    expect(JSON.stringify(event.details)).not.toMatch(/confirm|revoke|abstain/i);
    expect(followUps).toEqual([
      expect.objectContaining({ type: 'NOTIFY_STAFF', caseId: CASE_ID, eventKey: `review-escalated:${POST_REVIEW_ID}` }),
    ]);
    expect(after.status).toBe('ESCALATED');
    expect(after.outcome).toBeUndefined();
    expect(reviewDecider.decide({ type: 'DEADLINE_PASSED' }, after, ctx(plus(CLOSES, HOUR), KR))).toBeNull();
  });

  it('lifts the order of an extended review still without quorum (policy lift)', () => {
    const review = aReview({ extended: true });
    const { event, followUps, after } = decided(reviewDecider, { type: 'DEADLINE_PASSED' }, review, ctx(CLOSES, LIFT));
    expect(event).toMatchObject({ action: 'REVIEW_CLOSED', details: { outcome: 'REVOKED', outcomeReason: 'AUTO_LIFTED' } });
    expect(followUps).toEqual([reviewWait('REVOKED')]);
    expect(after).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'AUTO_LIFTED' });
  });
});

describe('reviewDecider: STAFF_DECIDE', () => {
  it.each<['CONFIRM' | 'REVOKE', 'CONFIRMED' | 'REVOKED']>([
    ['CONFIRM', 'CONFIRMED'],
    ['REVOKE', 'REVOKED'],
  ])('closes an escalated review with the staff decision %s', (decision, outcome) => {
    // Given an escalated review
    const review = aReview({ status: 'ESCALATED', extended: true });
    // When a staff member who took no part in the case decides
    const { event, followUps, after } = decided(reviewDecider, staffDecide(staff('staff-park'), decision), review, ctx(NOW));
    // Then REVIEW_CLOSED by that staff member, STAFF_DECISION, and the review wait completes
    expect(event).toEqual({
      action: 'REVIEW_CLOSED',
      at: NOW,
      actor: 'staff-park',
      details: {
        reviewId: POST_REVIEW_ID,
        outcome,
        outcomeReason: 'STAFF_DECISION',
        tally: tally(review, KR.votes),
        reason: 'Reviewed the evidence file',
      },
    });
    expect(followUps).toEqual([reviewWait(outcome)]);
    expect(after).toMatchObject({ status: 'CLOSED', outcome, outcomeReason: 'STAFF_DECISION', closedAt: NOW });
    // And deciding again is refused
    expect(() => reviewDecider.decide(staffDecide(staff('staff-park'), decision), after, ctx(NOW))).toThrow(ConflictError);
  });

  it.each<[string, Partial<ReviewRecord>, Identity, new (...args: never[]) => DomainError]>([
    ['a committee member', { status: 'ESCALATED' }, { userId: 'member-1', roles: ['committee'] }, ForbiddenError],
    ['the staff member who filed the case', { status: 'ESCALATED' }, staff('staff-kim'), ForbiddenError],
    ['a staff member who approved the case', { status: 'ESCALATED' }, staff('staff-lee'), ForbiddenError],
    ['another staff member who approved the case', { status: 'ESCALATED' }, staff('staff-choi'), ForbiddenError],
    ['staff while the committee still votes', {}, staff('staff-park'), ConflictError],
    ['staff once the review is closed', { status: 'CLOSED', outcome: 'CONFIRMED' }, staff('staff-park'), ConflictError],
  ])('refuses a decision by %s', (_label, overrides, identity, ErrorClass) => {
    expect(() => reviewDecider.decide(staffDecide(identity), aReview(overrides), ctx(NOW))).toThrow(ErrorClass);
  });
});

// ---------------------------------------------------------------- property

const MEMBERS = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'];
const VOTERS = [...MEMBERS, 'outsider'];
const STAFF_IDS: Identity[] = [staff('staff-kim'), staff('staff-lee'), staff('staff-park'), { userId: 'member-1', roles: ['committee'] }];
const STATUS_MOVES: Record<ReviewStatus, readonly ReviewStatus[]> = { OPEN: ['CLOSED', 'ESCALATED'], ESCALATED: ['CLOSED'], CLOSED: [] };

type Opened = { review: ReviewRecord; policy: Policy };
const openedArb: fc.Arbitrary<Opened> = fc
  .record({
    policy: anyPolicy,
    kind: fc.constantFrom<ReviewKind>('POST_REVIEW', 'PRIOR_REVIEW', 'APPEAL'),
    eligible: fc.subarray(MEMBERS, { minLength: 1 }),
  })
  .map(({ policy, kind, eligible }) => ({
    policy,
    review: aReview({ kind, eligibleMembers: eligible, closesAt: reviewClosesAt(policy, kind, OPENED) }),
  }));

const decisionArb = fc.constantFrom<VoteDecision>('CONFIRM', 'REVOKE', 'ABSTAIN');
const commandArb: fc.Arbitrary<ReviewCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom(...VOTERS), decisionArb).map(([member, decision]) => vote(member, decision, 'my reasons')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...VOTERS).map((memberId): ReviewCommand => ({ type: 'RECUSE', memberId, reason: 'a conflict' })),
  },
  { weight: 1, arbitrary: fc.constant<ReviewCommand>({ type: 'CLOSE_IF_DECIDED' }) },
  { weight: 2, arbitrary: fc.constant<ReviewCommand>({ type: 'DEADLINE_PASSED' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...STAFF_IDS), fc.constantFrom<'CONFIRM' | 'REVOKE'>('CONFIRM', 'REVOKE'))
      .map(([identity, decision]) => staffDecide(identity, decision)),
  },
);
const CANDIDATES: readonly ReviewCommand[] = [
  ...MEMBERS.flatMap((member) => [
    vote(member, 'CONFIRM'),
    vote(member, 'REVOKE'),
    vote(member, 'ABSTAIN'),
    { type: 'RECUSE', memberId: member, reason: 'r' } as const,
  ]),
  { type: 'CLOSE_IF_DECIDED' },
  { type: 'DEADLINE_PASSED' },
  staffDecide(staff('staff-park'), 'CONFIRM'),
  staffDecide(staff('staff-park'), 'REVOKE'),
];
const REFUSED_ON_REPEAT: ReadonlySet<ReviewCommand['type']> = new Set(['VOTE', 'RECUSE', 'STAFF_DECIDE']);

type Script = [When, Choice<ReviewCommand>][];

describe('reviewDecider: property over random command sequences', () => {
  it('keeps ballots, recusals, closing, outcome and extension rules', () => {
    fc.assert(
      fc.property(
        openedArb,
        fc.array(fc.tuple(whenArb(['closesAt'], 2 * DAY), choiceArb(commandArb)), { maxLength: 30, size: 'max' }),
        ({ review: opened, policy }, script: Script) => {
          let now = opened.openedAt;
          let state = decided(reviewDecider, { type: 'OPEN', review: opened }, undefined, ctx(now, policy)).after;
          let extensions = 0;
          for (const [when, choice] of script) {
            now = resolveWhen(when, now, { closesAt: state.closesAt });
            const context = ctx(now, policy);
            const command = resolveChoice(choice, reviewDecider, state, context, () => CANDIDATES);
            if (command === undefined) continue;
            const before = state;
            const result = step(reviewDecider, command, before, context);

            // Nothing is recorded after CLOSED (so its outcome never changes).
            if (before.status === 'CLOSED') expect(result.kind, `${command.type} on a closed review`).not.toBe('event');
            if (result.kind !== 'event') continue;
            const { decision, after } = result;
            const { event } = decision;
            state = after;
            expect(event.at).toBe(now);
            expect(JSON.stringify(event.details)).not.toContain('my reasons');

            // At most one ballot per member, none from a recused or ineligible member; a ballot never changes.
            for (const member of Object.keys(after.votes)) {
              expect(after.eligibleMembers).toContain(member);
              expect(Object.hasOwn(after.recusals, member), `${member} voted and recused`).toBe(false);
            }
            for (const [member, ballot] of Object.entries(before.votes)) expect(after.votes[member]).toEqual(ballot);
            for (const member of Object.keys(after.recusals)) expect(after.eligibleMembers).toContain(member);
            if (event.action === 'VOTE_CAST') expect(Object.hasOwn(before.votes, event.actor)).toBe(false);

            // Status moves forward only; extended at most once (and only while open).
            if (after.status !== before.status) expect(STATUS_MOVES[before.status]).toContain(after.status);
            if (event.action === 'REVIEW_EXTENDED') {
              extensions += 1;
              expect(before.extended).toBe(false);
            }
            expect(extensions).toBeLessThanOrEqual(1);
            expect(after.extended).toBe(extensions === 1);

            // A review not yet closed keeps its ballots secret: extending or escalating it tells only the turnout.
            if (event.action === 'REVIEW_EXTENDED' || event.action === 'REVIEW_ESCALATED') {
              expect(event.details.turnout).toEqual(turnout(before, policy));
              expect(JSON.stringify(event.details), `${event.action} details`).not.toMatch(/confirm|revoke|abstain/i);
            }

            // A ballot or a recusal asks to close the review if decided; what that run does when it is.
            if (event.action === 'VOTE_CAST' || event.action === 'MEMBER_RECUSED') {
              expect(decision.followUps).toEqual([
                { type: 'RUN', command: { kind: 'review', reviewId: opened.reviewId, command: { type: 'CLOSE_IF_DECIDED' } } },
              ]);
              const early = decidedEarly(after, policy.votes);
              const closing = step(reviewDecider, { type: 'CLOSE_IF_DECIDED' }, after, context);
              if (early !== null) expect(closing.kind === 'event' && closing.after.outcome).toBe(early.outcome);
              else if (after.status === 'OPEN' && eligibleVoters(after).length < policy.votes.minimumPresent) {
                expect(closing.kind === 'event' && closing.decision.event.action).toBe('REVIEW_ESCALATED');
              } else expect(closing.kind).toBe('null');
            }

            // A closed review has its outcome, reason and time; the closing event completes the review wait.
            if (event.action === 'REVIEW_CLOSED') {
              expect(after).toMatchObject({
                status: 'CLOSED',
                outcome: event.details.outcome,
                outcomeReason: event.details.outcomeReason,
                closedAt: now,
              });
              expect(event.details.tally).toEqual(tally(before, policy.votes));
              expect(decision.followUps).toEqual([
                {
                  type: 'COMPLETE_WAIT',
                  caseId: opened.caseId,
                  purpose: `REVIEW#${opened.reviewId}`,
                  output: { decided: true, outcome: after.outcome },
                },
              ]);
              switch (event.details.outcomeReason) {
                case 'MAJORITY':
                case 'NO_MAJORITY':
                  expect(after.outcome).toBe(verdictOf(tally(before, policy.votes), before.kind, policy.votes)?.outcome);
                  break;
                case 'AUTO_LIFTED':
                  // Lifted after the extension by policy, or at once: a post-review whose policy revokes without a decision.
                  if (before.kind === 'POST_REVIEW' && policy.postReview.withoutDecision === 'REVOKE')
                    expect(after.outcome).toBe('REVOKED');
                  else expect([policy.unreviewedOrder, before.extended, after.outcome]).toEqual(['lift', true, 'REVOKED']);
                  break;
                case 'STAFF_DECISION':
                  expect(before.status).toBe('ESCALATED');
                  expect(command.type === 'STAFF_DECIDE' && command.identity.roles).toContain('staff');
                  expect([PARTICIPANTS.filedBy, ...PARTICIPANTS.approvedBy]).not.toContain(event.actor);
                  break;
              }
            }
            if (event.action === 'REVIEW_ESCALATED') {
              // Escalated because the quorum became unreachable, or (the extension spent) by policy.
              if (event.details.cause === 'TOO_FEW_ELIGIBLE')
                expect(eligibleVoters(before).length).toBeLessThan(policy.votes.minimumPresent);
              else
                expect([policy.unreviewedOrder, before.extended || policy.postReview.withoutDecision === 'ESCALATE']).toEqual([
                  'escalate',
                  true,
                ]);
            }

            // The same command right away answers null (a ballot, a recusal, a staff decision: refused, it happened).
            // An extension is counted from the old close, so one decided more than a window late is
            // already over: the next DEADLINE_PASSED is then a new deadline, not a repeat (see the report).
            const again = step(reviewDecider, command, after, context);
            if (REFUSED_ON_REPEAT.has(command.type)) expect(again.kind, `${command.type} repeated`).toBe('refused');
            else if (!(event.action === 'REVIEW_EXTENDED' && Date.parse(now) >= Date.parse(after.closesAt)))
              expect(again.kind, `${command.type} repeated`).toBe('null');
          }
        },
      ),
      RUNS,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/committee';
import { reviewIdFor } from '../../../shared/domain/ids';
import type { ReviewRecord, VoteRecord } from '../../../shared/domain/model';
import { tokenPurpose } from '../../../shared/domain/waits';
import { refs } from '../../../shared/store/keys';
import { getReview, storeTaskToken } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { actionsOf, expectConsistentStream, plant, storedEvents } from '../../support/given';
import { aCase, aReview, CASE_ID, OTHER_CASE_ID, POST_REVIEW_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const VOTES = 'POST /committee/reviews/{reviewId}/votes';
const RECUSAL = 'POST /committee/reviews/{reviewId}/recusal';
const DECISION = 'POST /committee/reviews/{reviewId}/decision';
const UNKNOWN_REVIEW = reviewIdFor(OTHER_CASE_ID, 'POST_REVIEW');
const member = (n: number): Caller => ({ userId: `member-${n}`, roles: ['committee'] });
const staffChoi: Caller = { userId: 'staff-choi', roles: ['staff'] };
const ballot = (decision: VoteRecord['decision']): VoteRecord => ({ decision, at: '2026-03-03T00:00:00.000Z' });
/** Actions the planting leaves in the case's chain. */
const PLANTED = ['REPORT_FILED', 'REVIEW_OPENED'];

async function call(
  routeKey: string,
  caller: Caller | null,
  options: { reviewId?: string; body?: unknown; query?: Record<string, string> } = {},
) {
  return answerOf(
    await handler(
      apiEvent(routeKey, {
        caller,
        ...(options.reviewId ? { pathParameters: { reviewId: options.reviewId } } : {}),
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.query ? { query: options.query } : {}),
      }),
    ),
  );
}

const world = useWorld();

/**
 * A case under post-review, filed by staff-kim and approved by staff-lee and staff-park, with its
 * review (closing far from the wall clock unless told, so the handler's own `now` decides nothing).
 */
async function givenReview(overrides: Partial<ReviewRecord> = {}): Promise<void> {
  await plant.case(
    aCase({
      status: 'UNDER_POST_REVIEW',
      ordersIssuedAt: '2026-03-02T01:00:00.000Z',
      approvals: [
        { by: 'staff-lee', at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' },
        { by: 'staff-park', at: '2026-03-02T00:20:00.000Z', decision: 'APPROVE' },
      ],
    }),
  );
  await plant.review(aReview({ closesAt: '2999-01-01T00:00:00.000Z', ...overrides }));
}

/** The workflow waits for the review with a live token. */
async function givenReviewWait(token: string): Promise<void> {
  await storeTaskToken(CASE_ID, tokenPurpose.review(POST_REVIEW_ID), token, '2026-03-02T01:00:00.000Z');
  world.liveToken(token);
}

describe('GET /committee/reviews', () => {
  it('answers 200 with the reviews and the caller’s own vote', async () => {
    // Given member-1 voted in an open review
    await givenReview({ votes: { 'member-1': ballot('CONFIRM') } });

    // When
    const answer = await call('GET /committee/reviews', callers.member1);

    // Then
    expect(answer).toEqual({
      statusCode: 200,
      body: {
        reviews: [
          {
            reviewId: POST_REVIEW_ID,
            kind: 'POST_REVIEW',
            caseId: CASE_ID,
            orderIds: [WEBHARD_ORDER_ID, SOCIAL_ORDER_ID],
            status: 'OPEN',
            openedAt: '2026-03-02T01:00:00.000Z',
            closesAt: '2999-01-01T00:00:00.000Z',
            extended: false,
            eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'],
            votesCast: 1,
            quorumNeeded: 3,
            // votes as policy: one vote of five eligible members does not yet make the quorum of three
            quorumMet: false,
            canVote: false,
            recused: false,
            myVote: 'CONFIRM',
          },
        ],
      },
    });
  });

  it('shows another member the count of votes, not how anyone voted', async () => {
    await givenReview({ votes: { 'member-1': ballot('CONFIRM') } });
    const answer = await call('GET /committee/reviews', callers.member2);
    expect(answer.body.reviews).toEqual([expect.objectContaining({ votesCast: 1, canVote: true })]);
    expect(answer.body.reviews[0]).not.toHaveProperty('myVote');
    expect(JSON.stringify(answer.body)).not.toContain('CONFIRM');
  });

  it.each([
    ['OPEN', POST_REVIEW_ID],
    ['CLOSED', reviewIdFor(OTHER_CASE_ID, 'POST_REVIEW')],
  ])('filters by ?status=%s', async (status, reviewId) => {
    // Given an open review and a closed one of another case
    await givenReview();
    await plant.case(aCase({ caseId: OTHER_CASE_ID, createdAt: '2026-03-01T00:00:00.000Z', status: 'CONFIRMED' }));
    await plant.review(
      aReview({
        reviewId: reviewIdFor(OTHER_CASE_ID, 'POST_REVIEW'),
        caseId: OTHER_CASE_ID,
        orderIds: [],
        status: 'CLOSED',
        outcome: 'CONFIRMED',
      }),
    );

    // When
    const answer = await call('GET /committee/reviews', callers.member1, { query: { status } });

    // Then
    expect(answer.body.reviews.map((review: { reviewId: string }) => review.reviewId)).toEqual([reviewId]);
  });

  it('answers 400 naming the parameter for an unknown ?status=', async () => {
    expect(await call('GET /committee/reviews', callers.member1, { query: { status: 'DONE' } })).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'status' })] } },
    });
  });

  it.each([callers.staffKim, callers.auditor, callers.webhard])('answers 403 to $userId', async (caller) => {
    expect(await call('GET /committee/reviews', caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /committee/reviews', null)).statusCode).toBe(401);
  });
});

describe(VOTES, () => {
  it('answers 201 with the review as the member now sees it, and stores the ballot', async () => {
    // Given
    await givenReview();

    // When
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'REVOKE', reason: 'not illegal' } });

    // Then
    expect(answer).toMatchObject({
      statusCode: 201,
      body: { reviewId: POST_REVIEW_ID, status: 'OPEN', myVote: 'REVOKE', votesCast: 1, canVote: false },
    });
    expect((await getReview(POST_REVIEW_ID))?.votes).toEqual({
      'member-1': { decision: 'REVOKE', reason: 'not illegal', at: expect.stringMatching(/Z$/) },
    });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'VOTE_CAST']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('closes the review and wakes the workflow when the vote makes the outcome certain', async () => {
    // Given two members confirmed, and the workflow waits
    await givenReview({ votes: { 'member-2': ballot('CONFIRM'), 'member-3': ballot('CONFIRM') } });
    await givenReviewWait('token-review');

    // When a third confirms (3 of 5: no remaining vote can change the outcome)
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } });

    // Then
    expect(answer).toMatchObject({ statusCode: 201, body: { status: 'CLOSED', outcome: 'CONFIRMED', myVote: 'CONFIRM' } });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', outcomeReason: 'MAJORITY' });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'VOTE_CAST', 'REVIEW_CLOSED']);
    expect(world.completedWaits).toEqual([{ token: 'token-review', output: { decided: true, outcome: 'CONFIRMED' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('keeps the review open while the outcome can still change', async () => {
    await givenReview({ votes: { 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') } });
    await givenReviewWait('token-review');
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } });
    expect(answer).toMatchObject({ statusCode: 201, body: { status: 'OPEN', votesCast: 3 } });
    expect(answer.body).not.toHaveProperty('outcome');
    expect(world.completedWaits).toEqual([]);
  });

  it.each([
    ['409 CONFLICT to a second vote', { votes: { 'member-1': ballot('CONFIRM') } }, 409, 'CONFLICT'],
    ['409 WINDOW_CLOSED on a closed review', { status: 'CLOSED' as const, outcome: 'REVOKED' as const }, 409, 'WINDOW_CLOSED'],
    ['409 WINDOW_CLOSED on a review past its closing time', { closesAt: '2000-01-01T00:00:00.000Z' }, 409, 'WINDOW_CLOSED'],
    [
      '403 FORBIDDEN to a member who recused',
      { recusals: { 'member-1': { reason: 'conflict', at: '2026-03-03T00:00:00.000Z' } } },
      403,
      'FORBIDDEN',
    ],
    ['403 FORBIDDEN to a member not eligible in the review', { eligibleMembers: ['member-2', 'member-3', 'member-4'] }, 403, 'FORBIDDEN'],
  ])('answers %s, and records nothing', async (_, overrides, statusCode, code) => {
    // Given
    await givenReview(overrides);

    // When
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'REVOKE' } });

    // Then
    expect(answer).toMatchObject({ statusCode, body: { error: { code, message: expect.any(String) } } });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it.each([UNKNOWN_REVIEW, 'R-nothing', CASE_ID])('answers 404 for the review %s', async (reviewId) => {
    await givenReview();
    expect(await call(VOTES, callers.member1, { reviewId, body: { decision: 'CONFIRM' } })).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it.each([
    ['an unknown decision', { decision: 'YES' }, 'decision'],
    ['no decision', {}, 'decision'],
    ['a reason over 2000 characters', { decision: 'CONFIRM', reason: 'r'.repeat(2001) }, 'reason'],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    await givenReview();
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body });
    expect(answer).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field })] } },
    });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: oversizedBody() })).statusCode).toBe(413);
  });

  it('answers 403 to staff and 401 without a token', async () => {
    expect((await call(VOTES, callers.staffKim, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).statusCode).toBe(403);
    expect((await call(VOTES, null, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).statusCode).toBe(401);
  });
});

describe(RECUSAL, () => {
  it('answers 200 and removes the member from the eligible set', async () => {
    // Given
    await givenReview();

    // When
    const answer = await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: { reason: 'I know the operator' } });

    // Then
    expect(answer).toMatchObject({ statusCode: 200, body: { recused: true, canVote: false, quorumNeeded: 3 } });
    expect(answer.body.eligibleMembers).toEqual(['member-1', 'member-3', 'member-4', 'member-5']);
    expect((await getReview(POST_REVIEW_ID))?.recusals).toEqual({
      'member-2': { reason: 'I know the operator', at: expect.stringMatching(/Z$/) },
    });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'MEMBER_RECUSED']);
    // The reason is the member's own words: kept on the review, out of the chain
    const events = await storedEvents(refs.case(CASE_ID).root.pk);
    expect(events.at(-1)).toMatchObject({ action: 'MEMBER_RECUSED', actor: 'member-2' });
    expect(events.at(-1)?.details).toEqual({ reviewId: POST_REVIEW_ID });
  });

  it('closes the review when the recusal makes the outcome certain', async () => {
    // Given 2 confirm and 1 revoke of 4 eligible members (member-4 recused before)
    await givenReview({
      votes: { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') },
      recusals: { 'member-4': { reason: 'conflict', at: '2026-03-03T00:00:00.000Z' } },
    });
    await givenReviewWait('token-review');

    // When the last member who has not voted recuses
    const answer = await call(RECUSAL, member(5), { reviewId: POST_REVIEW_ID, body: { reason: 'conflict' } });

    // Then
    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'CLOSED', outcome: 'CONFIRMED', recused: true } });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'MEMBER_RECUSED', 'REVIEW_CLOSED']);
    expect(world.completedWaits).toEqual([{ token: 'token-review', output: { decided: true, outcome: 'CONFIRMED' } }]);
  });

  it.each([
    ['409 CONFLICT after voting', { votes: { 'member-2': ballot('CONFIRM') } }, 409, 'CONFLICT'],
    [
      '409 CONFLICT to a second recusal',
      { recusals: { 'member-2': { reason: 'conflict', at: '2026-03-03T00:00:00.000Z' } } },
      409,
      'CONFLICT',
    ],
    ['409 WINDOW_CLOSED on a closed review', { status: 'CLOSED' as const, outcome: 'CONFIRMED' as const }, 409, 'WINDOW_CLOSED'],
  ])('answers %s', async (_, overrides, statusCode, code) => {
    await givenReview(overrides);
    const answer = await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: { reason: 'late' } });
    expect(answer).toMatchObject({ statusCode, body: { error: { code } } });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 400 naming the reason when it is missing, 404 for an unknown review, 403 to an auditor, 401 without a token', async () => {
    await givenReview();
    expect(await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: {} })).toMatchObject({
      statusCode: 400,
      body: { error: { details: [expect.objectContaining({ field: 'reason' })] } },
    });
    expect((await call(RECUSAL, callers.member2, { reviewId: UNKNOWN_REVIEW, body: { reason: 'x' } })).statusCode).toBe(404);
    expect((await call(RECUSAL, callers.auditor, { reviewId: POST_REVIEW_ID, body: { reason: 'x' } })).statusCode).toBe(403);
    expect((await call(RECUSAL, null, { reviewId: POST_REVIEW_ID, body: { reason: 'x' } })).statusCode).toBe(401);
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });
});

describe(DECISION, () => {
  it('answers 200 with the closed review when a staff member who took no part decides an escalated one', async () => {
    // Given an escalated review the workflow waits for
    await givenReview({ status: 'ESCALATED', extended: true, votes: { 'member-1': ballot('CONFIRM') } });
    await givenReviewWait('token-review');

    // When
    const answer = await call(DECISION, staffChoi, { reviewId: POST_REVIEW_ID, body: { decision: 'REVOKE', reason: 'no quorum twice' } });

    // Then the review is closed, its ballots shown now that it is closed
    expect(answer).toMatchObject({
      statusCode: 200,
      body: {
        reviewId: POST_REVIEW_ID,
        status: 'CLOSED',
        outcome: 'REVOKED',
        outcomeReason: 'STAFF_DECISION',
        confirm: 1,
        votes: { 'member-1': { decision: 'CONFIRM' } },
      },
    });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION' });
    const events = await storedEvents(refs.case(CASE_ID).root.pk);
    expect(events.at(-1)).toMatchObject({
      action: 'REVIEW_CLOSED',
      actor: 'staff-choi',
      details: { outcome: 'REVOKED', reason: 'no quorum twice' },
    });
    expect(world.completedWaits).toEqual([{ token: 'token-review', output: { decided: true, outcome: 'REVOKED' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each([
    ['filed', callers.staffKim],
    ['approved', callers.staffLee],
    ['approved too', callers.staffPark],
  ])('answers 403 FORBIDDEN to the staff member who %s the case, and decides nothing', async (_, caller) => {
    // Given
    await givenReview({ status: 'ESCALATED', extended: true });

    // When
    const answer = await call(DECISION, caller, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'the order stands' } });

    // Then
    expect(answer).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('another staff member') } },
    });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'ESCALATED' });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it.each([
    ['while the committee may still vote', {}],
    ['once the review was decided', { status: 'CLOSED' as const, outcome: 'CONFIRMED' as const }],
  ])('answers 409 CONFLICT %s', async (_, overrides) => {
    await givenReview(overrides);
    const answer = await call(DECISION, staffChoi, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'x' } });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 400 naming the reason, 404 for an unknown review, 403 to committee, 401 without a token', async () => {
    await givenReview({ status: 'ESCALATED' });
    expect(await call(DECISION, staffChoi, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'reason' })] } },
    });
    expect((await call(DECISION, staffChoi, { reviewId: UNKNOWN_REVIEW, body: { decision: 'CONFIRM', reason: 'x' } })).statusCode).toBe(
      404,
    );
    expect((await call(DECISION, staffChoi, { reviewId: 'R-nothing', body: { decision: 'CONFIRM', reason: 'x' } })).statusCode).toBe(404);
    expect(
      (await call(DECISION, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'x' } })).statusCode,
    ).toBe(403);
    expect((await call(DECISION, null, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'x' } })).statusCode).toBe(401);
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(DECISION, staffChoi, { reviewId: POST_REVIEW_ID, body: oversizedBody() })).statusCode).toBe(413);
  });
});

import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/committee';
import type { ReviewRecord } from '../../../shared/domain/model';
import { reviewItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { givenItems, resetAws, sfnMock, storedItem } from '../../support/fake-table';
import { aReview, CASE_ID, OTHER_CASE_ID, POST_REVIEW_ID } from '../../support/records';

// Far from the wall clock, so the handler's own `now` decides nothing.
const openReview = (overrides: Partial<ReviewRecord> = {}) => reviewItem(aReview({ closesAt: '2999-01-01T00:00:00.000Z', ...overrides }));
const VOTES = 'POST /committee/reviews/{reviewId}/votes';
const RECUSAL = 'POST /committee/reviews/{reviewId}/recusal';
const DECISION = 'POST /committee/reviews/{reviewId}/decision';
const UNKNOWN_REVIEW = `R${OTHER_CASE_ID.slice(1)}-POST`;

async function call(routeKey: string, caller: Caller | null, options: { reviewId?: string; body?: unknown; query?: Record<string, string> } = {}) {
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

beforeEach(() => resetAws());

describe('GET /committee/reviews', () => {
  it('answers 200 with the reviews and the caller’s vote', async () => {
    // Prepare
    givenItems(openReview({ votes: { 'member-1': { decision: 'CONFIRM', at: '2026-03-03T00:00:00.000Z' } } }));

    // Act
    const answer = await call('GET /committee/reviews', callers.member1);

    // Assess
    expect(answer).toEqual({
      statusCode: 200,
      body: {
        reviews: [
          expect.objectContaining({
            reviewId: POST_REVIEW_ID,
            kind: 'POST_REVIEW',
            caseId: CASE_ID,
            orderIds: expect.any(Array),
            status: 'OPEN',
            closesAt: '2999-01-01T00:00:00.000Z',
            eligibleMembers: expect.arrayContaining(['member-1']),
            votesCast: 1,
            myVote: 'CONFIRM',
          }),
        ],
      },
    });
  });

  it('answers 400 for an unknown ?status=', async () => {
    expect((await call('GET /committee/reviews', callers.member1, { query: { status: 'DONE' } })).statusCode).toBe(400);
  });

  it.each([callers.staffKim, callers.auditor, callers.webhard])('answers 403 to $userId', async (caller) => {
    expect((await call('GET /committee/reviews', caller)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /committee/reviews', null)).statusCode).toBe(401);
  });
});

describe('POST /committee/reviews/{reviewId}/votes', () => {
  it('answers 201 with the review as the member now sees it', async () => {
    // Prepare
    givenItems(openReview());

    // Act
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'REVOKE', reason: 'not illegal' } });

    // Assess
    expect(answer).toMatchObject({ statusCode: 201, body: { reviewId: POST_REVIEW_ID, myVote: 'REVOKE', votesCast: 1, canVote: false } });
    expect(storedItem(`CASE#${CASE_ID}`, `REVIEW#${POST_REVIEW_ID}`)).toMatchObject({ votes: { 'member-1': { decision: 'REVOKE' } } });
  });

  it('closes the review and wakes the workflow when the vote makes the outcome certain', async () => {
    // Prepare
    const confirm = { decision: 'CONFIRM' as const, at: '2026-03-03T00:00:00.000Z' };
    givenItems(openReview({ votes: { 'member-2': confirm, 'member-3': confirm } }), {
      pk: `CASE#${CASE_ID}`,
      sk: `TOKEN#REVIEW#${POST_REVIEW_ID}`,
      token: 'token-review',
    });

    // Act
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } });

    // Assess
    expect(answer).toMatchObject({ statusCode: 201, body: { status: 'CLOSED', outcome: 'CONFIRMED' } });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-review' });
  });

  it('answers 409 CONFLICT to a second vote', async () => {
    givenItems(openReview({ votes: { 'member-1': { decision: 'CONFIRM', at: '2026-03-03T00:00:00.000Z' } } }));
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'REVOKE' } });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it.each([
    ['closed', { status: 'CLOSED' as const, outcome: 'REVOKED' as const }],
    ['past its closing time', { closesAt: '2000-01-01T00:00:00.000Z' }],
  ])('answers 409 WINDOW_CLOSED on a review %s', async (_, overrides) => {
    givenItems(openReview(overrides));
    const answer = await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'WINDOW_CLOSED' } } });
  });

  it('answers 403 to a member who recused', async () => {
    givenItems(openReview({ recusals: { 'member-1': { reason: 'conflict', at: '2026-03-03T00:00:00.000Z' } } }));
    expect((await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).statusCode).toBe(403);
  });

  it.each([UNKNOWN_REVIEW, 'R-nothing'])('answers 404 for the review %s', async (reviewId) => {
    expect((await call(VOTES, callers.member1, { reviewId, body: { decision: 'CONFIRM' } })).statusCode).toBe(404);
  });

  it.each([
    ['an unknown decision', { decision: 'YES' }],
    ['a reason over 2000 characters', { decision: 'CONFIRM', reason: 'r'.repeat(2001) }],
  ])('answers 400 for %s', async (_, body) => {
    givenItems(openReview());
    expect((await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body })).statusCode).toBe(400);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(VOTES, callers.member1, { reviewId: POST_REVIEW_ID, body: oversizedBody() })).statusCode).toBe(413);
  });

  it('answers 403 to staff and 401 without a token', async () => {
    expect((await call(VOTES, callers.staffKim, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).statusCode).toBe(403);
    expect((await call(VOTES, null, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).statusCode).toBe(401);
  });
});

describe('POST /committee/reviews/{reviewId}/recusal', () => {
  it('answers 200 and removes the member from the eligible set', async () => {
    givenItems(openReview());
    const answer = await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: { reason: 'I know the operator' } });
    expect(answer).toMatchObject({ statusCode: 200, body: { recused: true, canVote: false } });
    expect(answer.body.eligibleMembers).not.toContain('member-2');
  });

  it('answers 409 CONFLICT after voting', async () => {
    givenItems(openReview({ votes: { 'member-2': { decision: 'CONFIRM', at: '2026-03-03T00:00:00.000Z' } } }));
    expect(await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: { reason: 'late' } })).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'CONFLICT' } },
    });
  });

  it('answers 409 WINDOW_CLOSED on a closed review', async () => {
    givenItems(openReview({ status: 'CLOSED' }));
    const answer = await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: { reason: 'late' } });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'WINDOW_CLOSED' } } });
  });

  it('answers 400 without a reason, 404 for an unknown review, 403 to an auditor, 401 without a token', async () => {
    givenItems(openReview());
    expect((await call(RECUSAL, callers.member2, { reviewId: POST_REVIEW_ID, body: {} })).statusCode).toBe(400);
    expect((await call(RECUSAL, callers.member2, { reviewId: UNKNOWN_REVIEW, body: { reason: 'x' } })).statusCode).toBe(404);
    expect((await call(RECUSAL, callers.auditor, { reviewId: POST_REVIEW_ID, body: { reason: 'x' } })).statusCode).toBe(403);
    expect((await call(RECUSAL, null, { reviewId: POST_REVIEW_ID, body: { reason: 'x' } })).statusCode).toBe(401);
  });
});

describe('POST /committee/reviews/{reviewId}/decision', () => {
  it('answers 200 with the closed review when staff decide an escalated one', async () => {
    givenItems(openReview({ status: 'ESCALATED', extended: true }));
    const answer = await call(DECISION, callers.staffKim, { reviewId: POST_REVIEW_ID, body: { decision: 'REVOKE', reason: 'no quorum twice' } });
    expect(answer).toMatchObject({ statusCode: 200, body: { reviewId: POST_REVIEW_ID, status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION' } });
  });

  it('answers 409 CONFLICT while the committee may still vote', async () => {
    givenItems(openReview());
    const answer = await call(DECISION, callers.staffKim, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'x' } });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('answers 400 without a reason, 404 for an unknown review, 403 to committee, 401 without a token', async () => {
    givenItems(openReview({ status: 'ESCALATED' }));
    expect((await call(DECISION, callers.staffKim, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM' } })).statusCode).toBe(400);
    expect((await call(DECISION, callers.staffKim, { reviewId: UNKNOWN_REVIEW, body: { decision: 'CONFIRM', reason: 'x' } })).statusCode).toBe(404);
    expect((await call(DECISION, callers.member1, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'x' } })).statusCode).toBe(403);
    expect((await call(DECISION, null, { reviewId: POST_REVIEW_ID, body: { decision: 'CONFIRM', reason: 'x' } })).statusCode).toBe(401);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(DECISION, callers.staffKim, { reviewId: POST_REVIEW_ID, body: oversizedBody() })).statusCode).toBe(413);
  });
});

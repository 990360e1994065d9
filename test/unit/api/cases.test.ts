import { beforeEach, describe, expect, it } from 'vitest';
import { handler as committeeHandler } from '../../../functions/api/committee';
import { handler } from '../../../functions/api/cases';
import { GENESIS_HASH, verifyChain } from '../../../shared/domain/audit';
import { reviewDecider } from '../../../shared/domain/deciders/review';
import { act } from '../../../shared/services/acts';
import { closeReviewAtDeadline } from '../../../shared/services/reviews';
import { refs } from '../../../shared/store/keys';
import { getReview, writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOrder, aReview, CASE_ID, CASE_URLS, OTHER_CASE_ID, POST_REVIEW_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const UNKNOWN_CASE = 'C01KJNXGE000W3GE1R70W3GE1ZZ';
/** The fields of an audit event as the contract shows it; anything else is internal. */
const AUDIT_FIELDS = ['action', 'actor', 'at', 'details', 'hash', 'prevHash', 'seq'];

async function call(routeKey: string, caller: Caller | null, options: { caseId?: string; query?: Record<string, string> } = {}) {
  return answerOf(
    await handler(
      apiEvent(routeKey, {
        caller,
        ...(options.caseId ? { pathParameters: { caseId: options.caseId } } : {}),
        ...(options.query ? { query: options.query } : {}),
      }),
    ),
  );
}

async function vote(caller: Caller, decision: 'CONFIRM' | 'REVOKE') {
  const answer = answerOf(
    await committeeHandler(
      apiEvent('POST /committee/reviews/{reviewId}/votes', { caller, pathParameters: { reviewId: POST_REVIEW_ID }, body: { decision } }),
    ),
  );
  expect(answer.statusCode).toBe(201);
}

useWorld();

/** A pending case with its URLs (one unassigned), and an older closed one. */
async function givenCases(): Promise<void> {
  await writeUrls(CASE_ID, CASE_URLS);
  await plant.case(aCase());
  await plant.case(
    aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED', createdAt: '2026-03-01T00:00:00.000Z', closedAt: '2026-03-20T00:00:00.000Z' }),
  );
}

describe('GET /cases', () => {
  describe('with cases filed', () => {
    beforeEach(givenCases);

    it.each([callers.staffKim, callers.member1, callers.auditor])(
      'answers 200 with the cases, newest first, to $userId',
      async (caller) => {
        // When
        const answer = await call('GET /cases', caller);

        // Then
        expect(answer.statusCode).toBe(200);
        expect(answer.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([CASE_ID, OTHER_CASE_ID]);
        expect(answer.body.cases[0]).toEqual({
          caseId: CASE_ID,
          status: 'PENDING_APPROVAL',
          category: 'ILLEGAL_FILMING',
          createdAt: '2026-03-02T00:00:00.000Z',
          procedure: 'interim-then-review',
          urlCount: 3,
          approvalCount: 0,
          approvalDeadlineAt: '2026-03-02T02:00:00.000Z',
        });
      },
    );

    it('filters by ?status=', async () => {
      const answer = await call('GET /cases', callers.staffKim, { query: { status: 'CLOSED' } });
      expect(answer.body.cases).toEqual([
        expect.objectContaining({ caseId: OTHER_CASE_ID, status: 'CLOSED', closedAt: '2026-03-20T00:00:00.000Z' }),
      ]);
    });
  });

  it('answers 400 naming the parameter for an unknown status', async () => {
    const answer = await call('GET /cases', callers.staffKim, { query: { status: 'DONE' } });
    expect(answer).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'status' })] } },
    });
  });

  it.each([callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await call('GET /cases', caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('answers 401 without a token', async () => {
    expect(await call('GET /cases', null)).toMatchObject({ statusCode: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });
});

describe('GET /cases/{caseId}', () => {
  describe('with cases filed', () => {
    beforeEach(givenCases);

    it.each([callers.staffKim, callers.member1, callers.auditor])(
      'answers 200 with the case, its reporter and summary to $userId',
      async (caller) => {
        // When
        const answer = await call('GET /cases/{caseId}', caller, { caseId: CASE_ID });

        // Then
        expect(answer.statusCode).toBe(200);
        expect(answer.body).toMatchObject({
          caseId: CASE_ID,
          status: 'PENDING_APPROVAL',
          createdBy: 'staff-kim',
          summary: 'Victim identified by the support centre',
          reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0042' },
          orders: [],
          reviews: [],
          appeals: [],
          approvals: [],
          timeline: [
            {
              at: '2026-03-02T00:00:00.000Z',
              actor: 'staff-kim',
              action: 'REPORT_FILED',
              details: { urlCount: 3, category: 'ILLEGAL_FILMING', procedure: 'interim-then-review' },
            },
          ],
          earlierDecisions: [],
        });
        expect(answer.body.urls).toEqual(
          expect.arrayContaining([
            { url: 'https://webhard.example/v/123', host: 'webhard.example', operatorId: 'op-webhard', assignment: 'ASSIGNED' },
            { url: 'https://unknown.example/x', host: 'unknown.example', operatorId: null, assignment: 'UNASSIGNED' },
          ]),
        );
        expect(answer.body.urls).toHaveLength(CASE_URLS.length);
      },
    );

    it.each([`O${CASE_ID.slice(1)}-op-webhard`, POST_REVIEW_ID, CASE_ID.toLowerCase()])(
      'answers 404 for %s, another id of the filed case',
      async (caseId) => {
        expect(await call('GET /cases/{caseId}', callers.staffKim, { caseId })).toMatchObject({
          statusCode: 404,
          body: { error: { code: 'NOT_FOUND' } },
        });
      },
    );

    it('shows every operator’s order with its own URLs, and an open review without its ballots', async () => {
      // Given orders to two operators and an open review with one ballot
      await plant.order(anOrder());
      await plant.order(anOrder({ operatorId: 'op-social', urlCount: 1 }));
      await plant.review(aReview({ closesAt: '2999-01-01T00:00:00.000Z' }));
      await vote(callers.member1, 'REVOKE');

      // When
      const answer = await call('GET /cases/{caseId}', callers.staffKim, { caseId: CASE_ID });

      // Then
      expect(answer.body.orders).toHaveLength(2);
      expect(answer.body.orders).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            orderId: WEBHARD_ORDER_ID,
            urls: ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'],
          }),
          expect.objectContaining({ operatorId: 'op-social', urls: ['https://social.example/p/9'] }),
        ]),
      );
      expect(answer.body.reviews).toEqual([expect.objectContaining({ reviewId: POST_REVIEW_ID, status: 'OPEN', votesCast: 1 })]);
      expect(answer.body.reviews[0]).not.toHaveProperty('votes');
      expect(answer.body.reviews[0]).not.toHaveProperty('revoke');
      expect(answer.body.timeline.map((entry: { action: string }) => entry.action)).toEqual([
        'REPORT_FILED',
        'ORDER_ISSUED',
        'ORDER_ISSUED',
        'REVIEW_OPENED',
        'VOTE_CAST',
      ]);
    });
  });

  it.each([UNKNOWN_CASE, 'not-a-case'])('answers 404 for %s', async (caseId) => {
    expect(await call('GET /cases/{caseId}', callers.staffKim, { caseId })).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it.each([callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await call('GET /cases/{caseId}', caller, { caseId: CASE_ID })).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /cases/{caseId}', null, { caseId: CASE_ID })).statusCode).toBe(401);
  });
});

describe('GET /cases/{caseId}/audit', () => {
  describe('with cases filed', () => {
    beforeEach(givenCases);

    it.each([callers.staffKim, callers.auditor])('answers 200 with the events and verified to $userId', async (caller) => {
      // When
      const answer = await call('GET /cases/{caseId}/audit', caller, { caseId: CASE_ID });

      // Then
      expect(answer).toEqual({
        statusCode: 200,
        body: {
          verified: true,
          events: [
            {
              seq: 1,
              at: '2026-03-02T00:00:00.000Z',
              actor: 'staff-kim',
              action: 'REPORT_FILED',
              details: { urlCount: 3, category: 'ILLEGAL_FILMING', procedure: 'interim-then-review' },
              prevHash: GENESIS_HASH,
              hash: expect.stringMatching(/^[0-9a-f]{64}$/),
            },
          ],
        },
      });
      expect(verifyChain(answer.body.events)).toEqual({ verified: true });
    });

    it('seals an open review’s ballots, and shows them once the review has closed', async () => {
      // Given an open review in which member-1 voted
      await plant.review(aReview({ closesAt: '2999-01-01T00:00:00.000Z' }));
      await vote(callers.member1, 'CONFIRM');

      // When the audit is read while the review is open
      const open = await call('GET /cases/{caseId}/audit', callers.auditor, { caseId: CASE_ID });

      // Then the ballot says who voted, not what, and the chain still verifies (on the stored events)
      expect(open.body.verified).toBe(true);
      const sealed = open.body.events.filter((event: { action: string }) => event.action === 'VOTE_CAST');
      expect(sealed).toEqual([expect.objectContaining({ actor: 'member-1', details: { reviewId: POST_REVIEW_ID, sealed: true } })]);
      expect(JSON.stringify(open.body)).not.toContain('CONFIRM');

      // When two more members confirm, which decides and closes the review
      await vote(callers.member2, 'CONFIRM');
      await vote({ userId: 'member-3', roles: ['committee'] }, 'CONFIRM');
      const closed = await call('GET /cases/{caseId}/audit', callers.auditor, { caseId: CASE_ID });

      // Then every ballot shows its decision, unsealed, and the closing is recorded
      expect(closed.body.verified).toBe(true);
      const ballots = closed.body.events.filter((event: { action: string }) => event.action === 'VOTE_CAST');
      expect(ballots.map((event: { actor: string; details: unknown }) => [event.actor, event.details])).toEqual([
        ['member-1', { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' }],
        ['member-2', { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' }],
        ['member-3', { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' }],
      ]);
      expect(closed.body.events.at(-1)).toMatchObject({
        action: 'REVIEW_CLOSED',
        details: { outcome: 'CONFIRMED', outcomeReason: 'MAJORITY' },
      });
      expect(verifyChain(closed.body.events)).toEqual({ verified: true });
    });

    // REVIEW_EXTENDED and REVIEW_ESCALATED record the turnout only, never the counts by decision.
    it('keeps an extended, still-open review’s ballots secret: no count by decision gives them away', async () => {
      // Given member-1 alone voted, and the deadline passed without a quorum, so the review was extended
      await plant.review(aReview({ closesAt: '2026-03-09T01:00:00.000Z' }));
      await act(
        reviewDecider,
        refs.review(POST_REVIEW_ID),
        { type: 'VOTE', memberId: 'member-1', decision: 'CONFIRM' },
        '2026-03-03T00:00:00.000Z',
      );
      expect(await closeReviewAtDeadline(POST_REVIEW_ID, '2026-03-09T01:00:00.000Z')).toMatchObject({ decided: false });
      expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'OPEN', extended: true });

      // When
      const answer = await call('GET /cases/{caseId}/audit', callers.auditor, { caseId: CASE_ID });

      // Then the ballot is sealed, and nothing else says how it went
      expect(answer.body.events.find((event: { action: string }) => event.action === 'VOTE_CAST')).toMatchObject({
        actor: 'member-1',
        details: { reviewId: POST_REVIEW_ID, sealed: true },
      });
      const extended = answer.body.events.find((event: { action: string }) => event.action === 'REVIEW_EXTENDED');
      expect(extended).toBeDefined();
      expect(JSON.stringify(extended.details)).not.toMatch(/"(confirm|revoke|abstain)":/);
    });

    it('shows only the fields of the contract, never the stored state or follow-ups', async () => {
      // Given an order, whose event carries the order's whole state in the table
      await plant.order(anOrder());

      // When
      const answer = await call('GET /cases/{caseId}/audit', callers.staffKim, { caseId: CASE_ID });

      // Then
      expect(answer.body.events).toHaveLength(2);
      for (const event of answer.body.events) expect(Object.keys(event).sort()).toEqual(AUDIT_FIELDS);
    });
  });

  it.each([UNKNOWN_CASE, 'not-a-case'])('answers 404 for the unknown case %s', async (caseId) => {
    expect(await call('GET /cases/{caseId}/audit', callers.auditor, { caseId })).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await call('GET /cases/{caseId}/audit', caller, { caseId: CASE_ID })).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /cases/{caseId}/audit', null, { caseId: CASE_ID })).statusCode).toBe(401);
  });
});

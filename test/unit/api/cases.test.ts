import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/cases';
import { nextAuditEvent } from '../../../shared/domain/audit';
import { keys } from '../../../shared/store/keys';
import { caseItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { givenItems, resetAws } from '../../support/fake-table';
import { aCase, CASE_ID, CASE_URLS, OTHER_CASE_ID, urlChunkItems } from '../../support/records';

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

beforeEach(() => {
  resetAws();
  const event = nextAuditEvent(null, { at: '2026-03-02T00:00:00.000Z', actor: 'staff-kim', action: 'REPORT_FILED', details: {} });
  givenItems(
    caseItem(aCase()),
    caseItem(aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED', createdAt: '2026-03-01T00:00:00.000Z' })),
    ...urlChunkItems(CASE_ID, CASE_URLS),
    { ...keys.audit(CASE_ID, 1), ...event, eventKey: 'REPORT_FILED' },
  );
});

describe('GET /cases', () => {
  it.each([callers.staffKim, callers.member1, callers.auditor])('answers 200 with the cases to $userId', async (caller) => {
    const answer = await call('GET /cases', caller);
    expect(answer.statusCode).toBe(200);
    expect(answer.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([CASE_ID, OTHER_CASE_ID]);
  });

  it('filters by ?status=', async () => {
    const answer = await call('GET /cases', callers.staffKim, { query: { status: 'CLOSED' } });
    expect(answer.body.cases).toEqual([expect.objectContaining({ caseId: OTHER_CASE_ID, status: 'CLOSED' })]);
  });

  it('answers 400 naming the parameter for an unknown status', async () => {
    const answer = await call('GET /cases', callers.staffKim, { query: { status: 'DONE' } });
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'status' })] } } });
  });

  it.each([callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect((await call('GET /cases', caller)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /cases', null)).statusCode).toBe(401);
  });
});

describe('GET /cases/{caseId}', () => {
  it.each([callers.staffKim, callers.member1, callers.auditor])('answers 200 with the case, its reporter and summary to $userId', async (caller) => {
    const answer = await call('GET /cases/{caseId}', caller, { caseId: CASE_ID });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({
      caseId: CASE_ID,
      status: 'PENDING_APPROVAL',
      summary: expect.any(String),
      reporter: { kind: 'SUPPORT_CENTER' },
      urls: expect.arrayContaining([{ url: 'https://unknown.example/x', host: 'unknown.example', operatorId: null, assignment: 'UNASSIGNED' }]),
      orders: [],
      reviews: [],
      appeals: [],
      timeline: [{ at: '2026-03-02T00:00:00.000Z', actor: 'staff-kim', action: 'REPORT_FILED' }],
    });
  });

  it.each(['C01KJNXGE000W3GE1R70W3GE1ZZ', 'not-a-case'])('answers 404 for %s', async (caseId) => {
    expect(await call('GET /cases/{caseId}', callers.staffKim, { caseId })).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it.each([callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect((await call('GET /cases/{caseId}', caller, { caseId: CASE_ID })).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /cases/{caseId}', null, { caseId: CASE_ID })).statusCode).toBe(401);
  });
});

describe('GET /cases/{caseId}/audit', () => {
  it.each([callers.staffKim, callers.auditor])('answers 200 with the events and verified to $userId', async (caller) => {
    const answer = await call('GET /cases/{caseId}/audit', caller, { caseId: CASE_ID });
    expect(answer).toMatchObject({
      statusCode: 200,
      body: { verified: true, events: [{ seq: 1, action: 'REPORT_FILED', prevHash: '0'.repeat(64), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }] },
    });
    expect(answer.body.events[0]).not.toHaveProperty('eventKey');
  });

  it('answers 404 for an unknown case', async () => {
    expect((await call('GET /cases/{caseId}/audit', callers.auditor, { caseId: 'C01KJNXGE000W3GE1R70W3GE1ZZ' })).statusCode).toBe(404);
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect((await call('GET /cases/{caseId}/audit', caller, { caseId: CASE_ID })).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /cases/{caseId}/audit', null, { caseId: CASE_ID })).statusCode).toBe(401);
  });
});

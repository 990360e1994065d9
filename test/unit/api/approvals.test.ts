import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/approvals';
import { caseItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { givenItems, resetAws } from '../../support/fake-table';
import { aCase, CASE_ID, OTHER_CASE_ID } from '../../support/records';

async function approve(caller: Caller | null, body: unknown, caseId = CASE_ID) {
  return answerOf(await handler(apiEvent('POST /cases/{caseId}/approvals', { caller, body, pathParameters: { caseId } })));
}

describe('POST /cases/{caseId}/approvals', () => {
  beforeEach(() => {
    resetAws();
    givenItems(caseItem(aCase({ approvals: [{ by: 'staff-lee', at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' }] })));
  });

  it('answers 200 with the status and the approvals', async () => {
    // Act
    const answer = await approve(callers.staffPark, { decision: 'APPROVE' });

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({
      caseId: CASE_ID,
      status: 'ORDERS_ISSUED',
      approvals: [
        { by: 'staff-lee', at: '2026-03-02T00:10:00.000Z' },
        { by: 'staff-park', at: expect.stringMatching(/Z$/) },
      ],
    });
  });

  it('answers 200 REJECTED for a rejection', async () => {
    const answer = await approve(callers.staffPark, { decision: 'REJECT', reason: 'not within the law' });
    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'REJECTED' } });
  });

  it.each([
    ['an unknown decision', { decision: 'MAYBE' }],
    ['no decision', {}],
    ['a reason over 2000 characters', { decision: 'APPROVE', reason: 'r'.repeat(2001) }],
  ])('answers 400 for %s', async (_, body) => {
    const answer = await approve(callers.staffPark, body);
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('answers 403 FORBIDDEN to the staff member who filed the report', async () => {
    const answer = await approve(callers.staffKim, { decision: 'APPROVE' });
    expect(answer).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('answers 409 CONFLICT to a member approving twice', async () => {
    const answer = await approve(callers.staffLee, { decision: 'APPROVE' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('answers 409 CONFLICT once the case is decided', async () => {
    // Prepare
    await approve(callers.staffPark, { decision: 'REJECT' });

    // Act
    const answer = await approve(callers.staffPark, { decision: 'APPROVE' });

    // Assess
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it.each([OTHER_CASE_ID, 'C123'])('answers 404 for the unknown case %s', async (caseId) => {
    const answer = await approve(callers.staffPark, { decision: 'APPROVE' }, caseId);
    expect(answer).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('answers 413 for an oversized body', async () => {
    expect((await approve(callers.staffPark, oversizedBody())).statusCode).toBe(413);
  });

  it('answers 401 without a token', async () => {
    expect((await approve(null, { decision: 'APPROVE' })).statusCode).toBe(401);
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter, callers.auditor])('answers 403 to $userId', async (caller) => {
    expect((await approve(caller, { decision: 'APPROVE' })).statusCode).toBe(403);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/approvals';
import { tokenPurpose } from '../../../shared/domain/waits';
import { refs } from '../../../shared/store/keys';
import { getCase, storeTaskToken } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { actionsOf, expectConsistentStream, plant, storedEvents } from '../../support/given';
import { aCase, CASE_ID, OTHER_CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const ROUTE = 'POST /cases/{caseId}/approvals';
const LEE_APPROVED = { by: 'staff-lee', at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' as const };

async function approve(caller: Caller | null, body: unknown, caseId = CASE_ID) {
  return answerOf(await handler(apiEvent(ROUTE, { caller, body, pathParameters: { caseId } })));
}

const world = useWorld();

describe(`${ROUTE} on a pending case`, () => {
  beforeEach(async () => {
    // Given a case filed by staff-kim that staff-lee approved already (the policy needs two)
    await plant.case(aCase({ approvals: [LEE_APPROVED] }));
  });

  it('answers 200 ORDERS_ISSUED with the approvals, stores it, and wakes the waiting workflow', async () => {
    // Given the workflow waits for the approval
    await storeTaskToken(CASE_ID, tokenPurpose.approval(), 'token-approval', '2026-03-02T00:00:00.000Z');
    world.liveToken('token-approval');

    // When a second staff member approves
    const answer = await approve(callers.staffPark, { decision: 'APPROVE', reason: 'footage checked' });

    // Then the answer shows the status and both approvals
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({
      caseId: CASE_ID,
      status: 'ORDERS_ISSUED',
      approvals: [{ ...LEE_APPROVED }, { by: 'staff-park', at: expect.stringMatching(/Z$/), decision: 'APPROVE' }],
    });
    // And the table holds it, with the legal clock started and the approval in the chain
    expect(await getCase(CASE_ID)).toMatchObject({ status: 'ORDERS_ISSUED', ordersIssuedAt: answer.body.approvals[1].at });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'APPROVAL_GIVEN']);
    expect(world.completedWaits).toEqual([{ token: 'token-approval', output: { decision: 'APPROVED' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('answers 200 REJECTED for a rejection, keeping the reason out of the chain', async () => {
    // When staff-park rejects
    const answer = await approve(callers.staffPark, { decision: 'REJECT', reason: 'not within the law' });

    // Then the case is rejected, with the reason on the approval only
    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'REJECTED' } });
    expect(await getCase(CASE_ID)).toMatchObject({
      status: 'REJECTED',
      approvals: [LEE_APPROVED, { by: 'staff-park', decision: 'REJECT', reason: 'not within the law' }],
    });
    const refused = (await storedEvents(refs.case(CASE_ID).root.pk)).at(-1);
    expect(refused).toMatchObject({ action: 'APPROVAL_REFUSED', actor: 'staff-park', details: { decision: 'REJECT', status: 'REJECTED' } });
    expect(JSON.stringify(refused?.details)).not.toContain('not within the law');
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each([
    ['an unknown decision', { decision: 'MAYBE' }, 'decision'],
    ['no decision', {}, 'decision'],
    ['a reason over 2000 characters', { decision: 'APPROVE', reason: 'r'.repeat(2001) }, 'reason'],
    ['a rejection without a reason', { decision: 'REJECT' }, 'reason'],
    ['a rejection with a blank reason', { decision: 'REJECT', reason: '  ' }, 'reason'],
    ['an approval without a reason', { decision: 'APPROVE' }, 'reason'],
    ['an approval with a blank reason', { decision: 'APPROVE', reason: ' \n ' }, 'reason'],
    ['an unknown field', { decision: 'APPROVE', reason: 'clear', urgent: true }, '(body)'],
  ])('answers 400 naming the field for %s, and changes nothing', async (_, body, field) => {
    // When
    const answer = await approve(callers.staffPark, body);

    // Then
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', message: expect.any(String) } } });
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED']);
  });

  it.each([
    ['403 FORBIDDEN to the staff member who filed the report', callers.staffKim, 403, 'FORBIDDEN'],
    ['409 CONFLICT to a member approving twice', callers.staffLee, 409, 'CONFLICT'],
  ])('answers %s, and changes nothing', async (_, caller, statusCode, code) => {
    // When
    const answer = await approve(caller, { decision: 'APPROVE', reason: 'footage checked' });

    // Then
    expect(answer).toMatchObject({ statusCode, body: { error: { code, message: expect.any(String) } } });
    expect(await getCase(CASE_ID)).toMatchObject({ status: 'PENDING_APPROVAL', approvals: [LEE_APPROVED] });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED']);
  });

  it('answers 409 CONFLICT once the case is decided', async () => {
    // Given staff-park rejected it
    expect((await approve(callers.staffPark, { decision: 'REJECT', reason: 'not within the law' })).statusCode).toBe(200);

    // When another staff member approves
    const answer = await approve({ userId: 'staff-choi', roles: ['staff'] }, { decision: 'APPROVE', reason: 'footage checked' });

    // Then
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'APPROVAL_REFUSED']);
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter, callers.auditor])(
    'answers 403 to $userId, and changes nothing',
    async (caller) => {
      expect(await approve(caller, { decision: 'APPROVE', reason: 'footage checked' })).toMatchObject({
        statusCode: 403,
        body: { error: { code: 'FORBIDDEN' } },
      });
      expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED']);
    },
  );
});

describe(`${ROUTE} on no case`, () => {
  it.each([OTHER_CASE_ID, 'C123', `O${CASE_ID.slice(1)}-op-webhard`])('answers 404 for the unknown case %s', async (caseId) => {
    const answer = await approve(callers.staffPark, { decision: 'APPROVE', reason: 'footage checked' }, caseId);
    expect(answer).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('answers 413 PAYLOAD_TOO_LARGE for an oversized body', async () => {
    expect(await approve(callers.staffPark, oversizedBody())).toMatchObject({
      statusCode: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
  });

  it('answers 401 UNAUTHENTICATED without a token', async () => {
    expect(await approve(null, { decision: 'APPROVE', reason: 'footage checked' })).toMatchObject({
      statusCode: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
  });
});

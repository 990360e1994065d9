import { beforeEach, describe, expect, it } from 'vitest';
import { handler as cases } from '../../../functions/api/cases';
import { handler } from '../../../functions/api/follow-ups';
import { writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { actionsOf, plant } from '../../support/given';
import { aCase, anOperator, CASE_ID, CASE_URLS, OTHER_CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const ROUTE = 'POST /cases/{caseId}/follow-ups';

async function fileFollowUp(caller: Caller, caseId = CASE_ID, body: unknown = {}) {
  return answerOf(await handler(apiEvent(ROUTE, { caller, pathParameters: { caseId }, body })));
}

async function caseView(caseId: string) {
  return answerOf(await cases(apiEvent('GET /cases/{caseId}', { caller: callers.staffPark, pathParameters: { caseId } })));
}

const world = useWorld();

/** A case under post-review whose unknown.example URL stayed UNASSIGNED when its orders were issued. */
async function givenIssuedCaseWithUnassignedUrl(): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(
    aCase({
      status: 'UNDER_POST_REVIEW',
      ordersIssuedAt: '2026-03-02T01:00:00.000Z',
      summary: 'the victim asked for help',
      reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-77' },
      contentSha256: 'a'.repeat(64),
    }),
  );
  await writeUrls(CASE_ID, CASE_URLS);
}

describe(ROUTE, () => {
  beforeEach(givenIssuedCaseWithUnassignedUrl);

  it('answers 409 naming the host while no operator claims it, and changes nothing', async () => {
    // Given the unassigned host is registered nowhere / When staff file a follow-up
    const answer = await fileFollowUp(callers.staffLee);
    // Then 409 names the host, and the case has no new event
    expect(answer.statusCode).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('unknown.example') });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED']);
  });

  it('files one follow-up linked both ways once the host is assigned; a repeat answers 200 with the same case', async () => {
    // Given staff assigned unknown.example to a new operator
    await plant.operator(anOperator({ operatorId: 'op-unknown', name: 'Unknown Host', domains: ['unknown.example'] }));
    // When staff file the follow-up, twice (a double click)
    const first = await fileFollowUp(callers.staffLee);
    const again = await fileFollowUp(callers.staffLee);
    // Then the first answers 201 with a new case waiting for approval, the second 200 with the same one
    expect(first.statusCode).toBe(201);
    const followUpCaseId = first.body.followUpCaseId as string;
    expect(first.body).toEqual({ created: true, caseId: CASE_ID, followUpCaseId, status: 'PENDING_APPROVAL' });
    expect(again).toMatchObject({ statusCode: 200, body: { created: false, followUpCaseId } });
    // And the follow-up carries the original's category, reporter, consent, summary and hash, and its URL matched
    const followUp = await caseView(followUpCaseId);
    expect(followUp.body).toMatchObject({
      followUpOf: CASE_ID,
      status: 'PENDING_APPROVAL',
      category: 'ILLEGAL_FILMING',
      createdBy: 'staff-lee',
      reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-77' },
      victimConsent: true,
      summary: 'the victim asked for help',
      contentSha256: 'a'.repeat(64),
      urls: [{ url: 'https://unknown.example/x', host: 'unknown.example', operatorId: 'op-unknown', assignment: 'ASSIGNED' }],
    });
    // And the original links to it, its URL no longer counted as unassigned
    const original = await caseView(CASE_ID);
    expect(original.body.followUps).toEqual([followUpCaseId]);
    expect(original.body.urls).toContainEqual({
      url: 'https://unknown.example/x',
      host: 'unknown.example',
      operatorId: null,
      assignment: 'REFERRED_TO_FOLLOW_UP',
      referredTo: followUpCaseId,
    });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'FOLLOW_UP_FILED']);
    expect([...world.executions]).toContain(followUpCaseId);
  });

  it('answers 409 for a case still awaiting approval, 404 for a case that does not exist, 400 for a body with fields', async () => {
    // Given a pending case
    await plant.case(aCase({ caseId: OTHER_CASE_ID }));
    // When staff ask for follow-ups of it, of no case, and with a body
    const pending = await fileFollowUp(callers.staffLee, OTHER_CASE_ID);
    const missing = await fileFollowUp(callers.staffLee, 'C01KJNXGE000W3GE1R70W3GE1ZZ');
    const withFields = await fileFollowUp(callers.staffLee, CASE_ID, { urls: ['https://unknown.example/x'] });
    // Then each is refused with its code
    expect(pending.statusCode).toBe(409);
    expect(pending.body.error.message).toMatch(/matched again when it is approved/);
    expect(missing.statusCode).toBe(404);
    expect(withFields.statusCode).toBe(400);
  });
});

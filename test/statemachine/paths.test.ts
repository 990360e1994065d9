/**
 * Every path of the case workflow, executed from the real ASL with the real task handlers over
 * dynalite; people act through the services of the API. Each test asserts the final statuses and
 * which notices went to whom.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import type { CaseRecord } from '../../shared/domain/model';
import { getCase, getReview, listAudit, listOrdersOfCase } from '../../shared/store/repository';
import { FAST_POLICY, STAFF_EMAILS, startWorkflowHarness, type WorkflowHarness } from './harness';
import { approve, comply, file, reject, vote } from './people';

const WEBHARD = 'notices@webhard.example';
const SOCIAL = 'legal@social.example';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness(FAST_POLICY);
});
afterAll(async () => {
  await h?.close();
});

/** Waits for the execution to end and answers the case as it is then. */
async function finished(caseId: string): Promise<CaseRecord> {
  await h.execution(caseId).result;
  const record = await getCase(caseId);
  if (!record) throw new Error(`case ${caseId} vanished`);
  return record;
}

const STAFF_ALERTS: [RegExp, string][] = [
  [/is overdue/, 'OVERDUE'],
  [/needs a staff decision/, 'ESCALATED'],
  [/still waiting for approval/, 'APPROVAL_SLA'],
  [/stopped on an error/, 'FAILED'],
  [/match no registered operator/, 'UNASSIGNED'],
];

/**
 * Which notices went to whom, sorted: "address: KIND" from the orders' notice records, and
 * "staff: KIND" for alerts. Every e-mail SES received must be one of them.
 */
async function notices(caseId: string): Promise<string[]> {
  const orders = await listOrdersOfCase(caseId);
  const operatorNotices = orders.flatMap((order) => order.notices.map((notice) => `${notice.to.join(',')}: ${notice.kind}`));
  const mails = h.mails(caseId);
  const staffAlerts = mails
    .filter((mail) => mail.to.join(',') === STAFF_EMAILS.join(','))
    .map((mail) => `staff: ${STAFF_ALERTS.find(([pattern]) => pattern.test(mail.subject))?.[1] ?? mail.subject}`);
  expect(mails).toHaveLength(operatorNotices.length + staffAlerts.length);
  return [...operatorNotices, ...staffAlerts].sort();
}

describe('the case workflow, path by path', () => {
  it('rejected: one staff rejection ends the case without orders or notices', async () => {
    // Given a filed report whose workflow waits for approvals
    const caseId = await file(['https://webhard.example/v/1']);
    await h.until({ caseId, state: 'AwaitApprovals' });
    // When staff reject it
    await reject(caseId);
    // Then the case ends REJECTED, closed, with no order and no e-mail
    const record = await finished(caseId);
    expect(record.status).toBe('REJECTED');
    expect(record.closedAt).toBeDefined();
    expect(await listOrdersOfCase(caseId)).toEqual([]);
    expect(h.mails(caseId)).toEqual([]);
    expect(h.events(caseId).map((e) => e.state)).not.toContain('IssueOrders');
  });

  it('complied in time: orders per operator, compliance before the deadline, confirmed, closed without fine', async () => {
    // Given an approved case with URLs of two operators
    const caseId = await file(['https://webhard.example/v/1', 'https://cdn.webhard.example/v/2', 'https://social.example/p/9']);
    await h.until({ caseId, state: 'AwaitApprovals' });
    await approve(caseId);
    const webhardOrder = orderIdFor(caseId, 'op-webhard');
    const socialOrder = orderIdFor(caseId, 'op-social');
    // When both operators comply as soon as their order arrives, and the committee confirms
    await h.until({ caseId, state: 'AwaitCompliance', where: (e) => e.payload.purpose === `COMPLIANCE#${webhardOrder}` });
    expect(await comply('op-webhard', webhardOrder)).toBe('COMPLIED');
    await h.until({ caseId, state: 'AwaitCompliance', where: (e) => e.payload.purpose === `COMPLIANCE#${socialOrder}` });
    expect(await comply('op-social', socialOrder)).toBe('COMPLIED');
    await h.until({ caseId, state: 'AwaitPostReview' });
    expect(await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM'])).toBe(true);
    // Then the case closes with both orders confirmed and complied, and no fine
    const record = await finished(caseId);
    expect(record.status).toBe('CLOSED');
    const orders = await listOrdersOfCase(caseId);
    expect(orders.map((o) => [o.operatorId, o.status, o.complianceStatus, o.decisionStatus, o.urlCount, o.fine])).toEqual([
      ['op-social', 'CONFIRMED', 'COMPLIED', 'CONFIRMED', 1, undefined],
      ['op-webhard', 'CONFIRMED', 'COMPLIED', 'CONFIRMED', 2, undefined],
    ]);
    expect(orders.every((o) => o.appealDeadline !== undefined)).toBe(true);
    expect((await getReview(reviewIdFor(caseId, 'POST_REVIEW')))?.outcome).toBe('CONFIRMED');
    expect(await notices(caseId)).toEqual(
      [`${WEBHARD}: ORDER`, `${SOCIAL}: ORDER`, `${WEBHARD}: CONFIRMED`, `${SOCIAL}: CONFIRMED`].sort(),
    );
    const actions = (await listAudit(caseId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['ORDER_ISSUED', 'ORDER_COMPLIED', 'REVIEW_CLOSED', 'CASE_CLOSED']));
    expect(actions).not.toContain('ORDER_OVERDUE');
  });
});

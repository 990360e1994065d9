/**
 * The workflow under other policies (auto-lift, vote-first, a short approval SLA) and when a task
 * fails for good: the same real ASL, handlers and dynalite as paths.test.ts.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import { config } from '../../shared/runtime/config';
import { documentClient } from '../../shared/store/client';
import { keys, refs } from '../../shared/store/keys';
import { getCase, getOrder, getReview, listOrdersOfCase, listReviewsOfCase } from '../../shared/store/repository';
import { listChain } from '../../shared/store/journal';
import { MAX_EXECUTION_MS } from '../../infra/local/stepfunctions/limits';
import { FAST_POLICY, STAFF_EMAILS, startWorkflowHarness, type WorkflowHarness } from './harness';
import { approve, comply, file, vote } from './people';

const WEBHARD = 'notices@webhard.example';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness(FAST_POLICY);
});
afterAll(async () => {
  await h?.close();
});

async function operatorNotices(caseId: string): Promise<string[]> {
  return (await listOrdersOfCase(caseId)).flatMap((order) => order.notices.map((n) => `${n.to.join(',')}: ${n.kind}`)).sort();
}

const staffSubjects = (caseId: string) =>
  h
    .mails(caseId)
    .filter((mail) => mail.to.join(',') === STAFF_EMAILS.join(','))
    .map((mail) => mail.subject);

describe('the case workflow under other policies', () => {
  it('auto-lift by policy: a review without quorum after its extension lifts the order', async () => {
    // Given a policy that lifts orders the committee leaves undecided, and an approved case
    await h.usePolicy({ ...FAST_POLICY, unreviewedOrder: 'lift' });
    const caseId = await file(['https://webhard.example/v/21']);
    await h.until({ caseId, state: 'AwaitApprovals' });
    await approve(caseId);
    await h.until({ caseId, state: 'AwaitCompliance' });
    await comply('op-webhard', orderIdFor(caseId, 'op-webhard'));
    // When nobody votes through the window and its extension
    await h.until({ caseId, state: 'PostReviewDeadlinePassed', nth: 2 });
    // Then the order is lifted, the case REVOKED, and staff were not asked
    const record = await h.finished(caseId);
    expect(record.status).toBe('REVOKED');
    expect(await getReview(reviewIdFor(caseId, 'POST_REVIEW'))).toMatchObject({
      status: 'CLOSED',
      outcome: 'REVOKED',
      outcomeReason: 'AUTO_LIFTED',
      extended: true,
    });
    expect(await getOrder(orderIdFor(caseId, 'op-webhard'))).toMatchObject({
      status: 'REVOKED',
      complianceStatus: 'COMPLIED',
      decisionStatus: 'REVOKED',
    });
    expect(await operatorNotices(caseId)).toEqual([`${WEBHARD}: ORDER`, `${WEBHARD}: REINSTATE`, `${WEBHARD}: REVOKED`]);
    expect(staffSubjects(caseId)).toEqual([]);
  });

  it('vote-first: the committee decides before any order; orders start confirmed with their appeal window', async () => {
    // Given the vote-first procedure
    await h.usePolicy({ ...FAST_POLICY, procedure: 'vote-first' });
    const caseId = await file(['https://webhard.example/v/22']);
    expect((await getCase(caseId))?.status).toBe('UNDER_PRIOR_REVIEW');
    // When the committee confirms in the prior review and the operator complies
    await h.until({ caseId, state: 'AwaitPriorReview' });
    expect(await getOrder(orderIdFor(caseId, 'op-webhard'))).toBeUndefined();
    expect(await vote(reviewIdFor(caseId, 'PRIOR_REVIEW'), ['CONFIRM', 'CONFIRM', 'ABSTAIN', 'CONFIRM'])).toBe(true);
    await h.until({ caseId, state: 'AwaitCompliance' });
    await comply('op-webhard', orderIdFor(caseId, 'op-webhard'));
    // Then the orders were issued from the committee's decision, without a post-review
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    const review = await getReview(reviewIdFor(caseId, 'PRIOR_REVIEW'));
    expect(record.ordersIssuedAt).toBe(review?.closedAt);
    const order = await getOrder(orderIdFor(caseId, 'op-webhard'));
    expect(order).toMatchObject({ status: 'CONFIRMED', decisionStatus: 'CONFIRMED', complianceStatus: 'COMPLIED' });
    expect(order?.appealDeadline).toBeDefined();
    expect((await listReviewsOfCase(caseId)).map((r) => r.kind)).toEqual(['PRIOR_REVIEW']);
    expect(await operatorNotices(caseId)).toEqual([`${WEBHARD}: ORDER`]);
  });

  it('vote-first rejected: the committee revokes in the prior review; no order is ever issued', async () => {
    await h.usePolicy({ ...FAST_POLICY, procedure: 'vote-first' });
    const caseId = await file(['https://webhard.example/v/23']);
    await h.until({ caseId, state: 'AwaitPriorReview' });
    await vote(reviewIdFor(caseId, 'PRIOR_REVIEW'), ['REVOKE', 'REVOKE', 'REVOKE']);
    const record = await h.finished(caseId);
    expect(record.status).toBe('REJECTED');
    expect(record.closedAt).toBeDefined();
    expect(await listOrdersOfCase(caseId)).toEqual([]);
    expect(h.mails(caseId)).toEqual([]);
  });

  it('approval SLA: staff are alerted when approvals are late, and a later approval still issues the orders', async () => {
    // Given a one-second approval SLA
    await h.usePolicy({ ...FAST_POLICY, approvalSla: 'PT1S' });
    const caseId = await file(['https://webhard.example/v/24']);
    // When the SLA passes before the approvals
    const escalation = await h.until({ caseId, state: 'EscalateApprovalSla' });
    await h.until({ caseId, state: 'AwaitApprovalsAfterEscalation' });
    // The wait after the escalation lasts as long as an execution may run, and only the staff
    // decision ends it: escalated for months, the history holds one escalation, not one per SLA.
    expect((escalation.result as { secondsToWait: number }).secondsToWait * 1000).toBeGreaterThanOrEqual(MAX_EXECUTION_MS);
    await approve(caseId);
    await h.until({ caseId, state: 'AwaitCompliance' });
    await comply('op-webhard', orderIdFor(caseId, 'op-webhard'));
    await h.until({ caseId, state: 'AwaitPostReview' });
    await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM']);
    // Then
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    expect(staffSubjects(caseId)).toEqual([expect.stringContaining('is still waiting for approval')]);
    expect((await listChain(refs.case(caseId).root.pk)).map((e) => e.action)).toContain('APPROVAL_SLA_MISSED');
    expect(h.events(caseId).filter((event) => event.state === 'EscalateApprovalSla' && event.phase === 'start')).toHaveLength(1);
  });

  it('a task that fails for good: the case becomes FAILED without victim data, and staff are told', async () => {
    // Given a case whose operator disappears from the registry before the orders are issued
    await h.usePolicy(FAST_POLICY);
    const caseId = await file(['https://social.example/p/25?victim=jane']);
    await h.until({ caseId, state: 'AwaitApprovals' });
    // Its record item is taken away by hand and put back as it was (a restore): the chain, which
    // registered it, is not the registry's to undo, so no act could register it again.
    const operatorItem = { TableName: config().tableName, Key: keys.operator('op-social'), ConsistentRead: true };
    const { Item: registered } = await documentClient.send(new GetCommand(operatorItem));
    await documentClient.send(new DeleteCommand({ TableName: config().tableName, Key: keys.operator('op-social') }));
    try {
      // When it is approved and IssueOrders cannot find the operator
      await approve(caseId);
      // Then the execution ends in Failed after RecordFailure
      await expect(h.execution(caseId).result).rejects.toThrow(/the case is FAILED/);
    } finally {
      await documentClient.send(new PutCommand({ TableName: config().tableName, Item: registered }));
    }
    const record = await getCase(caseId);
    expect(record?.status).toBe('FAILED');
    expect(record?.failure?.error).toBe('Error');
    expect(record?.failure?.cause).toMatch(/op-social.*not registered/);
    expect(JSON.stringify(record?.failure)).not.toMatch(/jane|social\.example\/p/);
    expect(staffSubjects(caseId)).toEqual([expect.stringContaining('stopped on an error')]);
    expect((await listChain(refs.case(caseId).root.pk)).map((e) => e.action)).toContain('WORKFLOW_FAILED');
  });
});

/**
 * The two policy switches that change a case's path, each on its own stack: `unreviewedOrder:
 * "lift"` (an order the committee never decided is lifted instead of escalated to staff) and
 * `procedure: "vote-first"` (the committee decides before any order goes out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import {
  Api,
  approveCase,
  audit,
  emails,
  eventually,
  fileReport,
  findReview,
  noticeCounts,
  operatorOrder,
  orderIdFor,
  uniqueUrl,
  untilCaseStatus,
  untilNotice,
  vote,
  E2E_DURATIONS,
  LONG,
} from './support';

const FAST = E2E_DURATIONS;

let lift: { stack: LocalStack; api: Api };
let voteFirst: { stack: LocalStack; api: Api };

beforeAll(async () => {
  const [liftStack, voteFirstStack] = await Promise.all([
    startLocalStack({
      policy: { id: 'kr-e2e-lift', ...FAST, approvalSla: 'PT6S', unreviewedOrder: 'lift' },
      env: { SWEEP_INTERVAL_SECONDS: '1' },
    }),
    startLocalStack({ policy: { id: 'kr-e2e-vote-first', ...FAST, procedure: 'vote-first' }, env: { SWEEP_INTERVAL_SECONDS: '1' } }),
  ]);
  lift = { stack: liftStack, api: new Api(liftStack) };
  voteFirst = { stack: voteFirstStack, api: new Api(voteFirstStack) };
});

afterAll(async () => {
  await Promise.all([lift?.stack.stop(), voteFirst?.stack.stop()]);
});

describe.concurrent('policy switches', () => {
  it('unreviewedOrder "lift": a post-review without quorum after its extension lifts the order (REVOKED, AUTO_LIFTED)', async () => {
    const { stack, api } = lift;
    // Given an approved case whose operator complied, and a committee that never votes
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')], 'support-center');
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-webhard');
    await eventually(() => operatorOrder(api, 'op-webhard', orderId), 15_000);
    expect((await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' })).status).toBe(200);
    const opened = await findReview(api, caseId, 'POST_REVIEW');

    // When the window and its one extension pass
    await untilCaseStatus(api, caseId, 'REVOKED', LONG);

    // Then the review closed as lifted without staff, the order is REVOKED and its operator told once
    const closed = await findReview(api, caseId, 'POST_REVIEW');
    expect(closed).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', votesCast: 0 });
    expect(Date.parse(closed.closesAt) - Date.parse(opened.closesAt)).toBe(12_000);
    expect((await operatorOrder(api, 'op-webhard', orderId)).status).toBe('REVOKED');
    await untilNotice(stack, orderId, 'REVOKED');
    expect(await noticeCounts(stack, orderId)).toMatchObject({ ORDER: 1, REVOKED: 1 });
    const chain = await audit(api, caseId);
    expect(chain.verified).toBe(true);
    const closing = chain.events.find((event) => event.action === 'REVIEW_CLOSED');
    expect(closing?.details).toMatchObject({ outcome: 'REVOKED', outcomeReason: 'AUTO_LIFTED' });
    expect(chain.events.map((event) => event.action)).toEqual(expect.arrayContaining(['REVIEW_EXTENDED', 'CASE_REVOKED']));
    expect(chain.events.map((event) => event.action)).not.toContain('REVIEW_ESCALATED');
  });

  it('approval SLA missed: staff are alerted once, and a later approval still issues the orders', async () => {
    const { stack, api } = lift;
    // Given a report nobody approves within the SLA (PT6S on this stack)
    const caseId = await fileReport(api, [uniqueUrl('op-social')], 'support-center');
    const alerts = async () =>
      (await emails(stack)).filter((email) => email.subject.includes(caseId) && email.subject.includes('waiting for approval'));
    await eventually(async () => expect(await alerts()).toHaveLength(1), LONG);
    expect((await api.get('staff-kim', `/cases/${caseId}`)).body.status).toBe('PENDING_APPROVAL');

    // When staff approve after the alert
    await approveCase(api, caseId);

    // Then the order is issued, and the alert went out once
    await eventually(() => operatorOrder(api, 'op-social', orderIdFor(caseId, 'op-social')), 15_000);
    expect(await alerts()).toHaveLength(1);
    expect((await audit(api, caseId)).events.map((event) => event.action)).toContain('APPROVAL_SLA_MISSED');
  });

  it('vote-first: no order before the committee confirms; then orders start confirmed with their appeal deadline', async () => {
    const { stack, api } = voteFirst;
    // Given a report under vote-first
    const filed = await api.post('support-center', '/reports', {
      urls: [uniqueUrl('op-webhard'), uniqueUrl('op-overseas')],
      category: 'SYNTHETIC_SEXUAL_IMAGERY',
      reporter: { kind: 'SUPPORT_CENTER' },
      victimConsent: true,
    });
    expect(filed.status).toBe(201);
    expect(filed.body.status).toBe('UNDER_PRIOR_REVIEW');
    const caseId = filed.body.caseId as string;
    const review = await findReview(api, caseId, 'PRIOR_REVIEW');
    expect((await api.get('staff-kim', `/cases/${caseId}`)).body.orders).toEqual([]);

    // When the committee confirms
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');

    // Then orders go out already CONFIRMED with an appeal deadline, and the case closes after the window
    const orderId = orderIdFor(caseId, 'op-webhard');
    const order = await eventually(() => operatorOrder(api, 'op-webhard', orderId), 15_000);
    expect(order.status).toBe('CONFIRMED');
    expect(Date.parse(order.appealDeadline)).toBeGreaterThan(Date.parse(order.issuedAt));
    expect((await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' })).body.status).toBe('COMPLIED');
    await untilNotice(stack, orderId, 'ORDER');
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    const counts = await noticeCounts(stack, orderId);
    expect(counts).toMatchObject({ ORDER: 1 });
    expect(counts).not.toHaveProperty('CONFIRMED');
    // The overseas host was only asked to delete (a request binds nothing): never fined.
    const overseas = orderIdFor(caseId, 'op-overseas');
    const request = (await api.get('staff-kim', `/cases/${caseId}`)).body.orders.find((o: any) => o.orderId === overseas);
    expect(request).toMatchObject({ action: 'DELETE_REQUEST' });
    expect(request).not.toHaveProperty('fine');
    const chain = await audit(api, caseId);
    expect(chain.verified).toBe(true);
    expect(chain.events.map((event) => event.action)).toEqual(
      expect.arrayContaining(['REVIEW_OPENED', 'REVIEW_CLOSED', 'ORDERS_APPROVED_BY_COMMITTEE', 'ORDER_ISSUED', 'CASE_CLOSED']),
    );
  });

  it('vote-first: a committee that revokes before any order rejects the case, and no operator hears of it', async () => {
    const { stack, api } = voteFirst;
    const caseId = await fileReport(api, [uniqueUrl('op-social')], 'support-center');
    const approval = await api.post('staff-lee', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' });
    expect(approval.status).toBe(409);
    const review = await findReview(api, caseId, 'PRIOR_REVIEW');
    await vote(api, review.reviewId, ['member-2', 'member-3', 'member-4'], 'REVOKE');
    await untilCaseStatus(api, caseId, 'REJECTED', LONG);
    await eventually(async () => {
      expect((await audit(api, caseId)).events.map((event) => event.action)).toContain('CASE_CLOSED');
    }, LONG);
    expect((await api.get('staff-kim', `/cases/${caseId}`)).body.orders).toEqual([]);
    expect(await noticeCounts(stack, orderIdFor(caseId, 'op-social'))).toEqual({});
  });
});

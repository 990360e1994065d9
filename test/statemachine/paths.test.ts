/**
 * Every path of the case workflow, executed from the real ASL with the real task handlers over
 * dynalite; people act through the services of the API. Each test asserts the final statuses and
 * which notices went to whom.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import { nowIso } from '../../shared/runtime/clock';
import { assessFines } from '../../shared/services/order-workflow';
import { getAppeal, getOrder, getReview, listOrdersOfCase } from '../../shared/store/repository';
import { listChain } from '../../shared/store/journal';
import { refs } from '../../shared/store/keys';
import { FAST_POLICY, STAFF_EMAILS, startWorkflowHarness, type WorkflowHarness } from './harness';
import { appeal, approve, comply, file, reject, staffDecide, vote } from './people';

const WEBHARD = 'notices@webhard.example';
const SOCIAL = 'legal@social.example';
const OVERSEAS = 'abuse@overseas.example';
const ISPS = ['isp-kt', 'isp-skb', 'isp-lgu'] as const;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness(FAST_POLICY);
});
afterAll(async () => {
  await h?.close();
});

const STAFF_ALERTS: [RegExp, string][] = [
  [/is overdue/, 'OVERDUE'],
  [/needs a staff decision/, 'ESCALATED'],
  [/still waiting for approval/, 'APPROVAL_SLA'],
  [/stopped on an error/, 'FAILED'],
  [/match no registered operator/, 'UNASSIGNED'],
  [/A fine is proposed/, 'FINE_PROPOSED'],
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
    const record = await h.finished(caseId);
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
    const record = await h.finished(caseId);
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
    const actions = (await listChain(refs.case(caseId).root.pk)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['ORDER_ISSUED', 'ORDER_COMPLIED', 'REVIEW_CLOSED', 'CASE_CLOSED']));
    expect(actions).not.toContain('ORDER_OVERDUE');
  });

  /** Files a report with these URLs, approves it, and answers the case and its orders' ids by operator. */
  async function approvedCase(urls: string[]): Promise<{ caseId: string; orderOf: (operatorId: string) => string }> {
    const caseId = await file(urls);
    await h.until({ caseId, state: 'AwaitApprovals' });
    await approve(caseId);
    return { caseId, orderOf: (operatorId) => orderIdFor(caseId, operatorId) };
  }

  const waitingFor = (purpose: string) => (event: { payload: Record<string, unknown> }) => event.payload.purpose === purpose;

  async function confirmPostReview(caseId: string): Promise<void> {
    await h.until({ caseId, state: 'AwaitPostReview' });
    await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM']);
  }

  it('confirmed with no appeal: the case passes through the appeal window and closes; the ISPs block an overseas URL, its host is only asked', async () => {
    // Given an approved case with one overseas URL
    const { caseId, orderOf } = await approvedCase(['https://overseas.example/x/1']);
    const requestId = orderOf('op-overseas');
    // When every ISP blocks it in time, the host lets the requested date pass, and the committee confirms
    for (const isp of ISPS) await h.until({ caseId, state: 'AwaitCompliance', where: waitingFor(`COMPLIANCE#${orderOf(isp)}`) });
    expect(await Promise.all(ISPS.map((isp) => comply(isp, orderOf(isp))))).toEqual(ISPS.map(() => 'COMPLIED'));
    await confirmPostReview(caseId);
    // Then the case went ORDERS_ISSUED, UNDER_POST_REVIEW, CONFIRMED, APPEAL_WINDOW, CLOSED
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    // (the first approval's event records the case still pending)
    const statuses = (await listChain(refs.case(caseId).root.pk))
      .map((e) => e.details.status)
      .filter((status) => typeof status === 'string' && status !== 'PENDING_APPROVAL');
    expect(statuses).toEqual(['ORDERS_ISSUED', 'UNDER_POST_REVIEW', 'CONFIRMED', 'APPEAL_WINDOW', 'CLOSED']);
    for (const isp of ISPS) {
      expect(await getOrder(orderOf(isp))).toMatchObject({ status: 'CONFIRMED', action: 'BLOCK_ACCESS', complianceStatus: 'COMPLIED' });
    }
    // The request's date passed unanswered, and it is neither overdue nor fined
    const request = await getOrder(requestId);
    expect(request).toMatchObject({ action: 'DELETE_REQUEST', complianceStatus: 'ISSUED', status: 'CONFIRMED' });
    expect(request?.fine).toBeUndefined();
    expect((await listChain(refs.case(caseId).root.pk)).map((e) => e.action)).not.toContain('ORDER_OVERDUE');
    // Its track ended once the host had it: no wait for its date, so nothing to enforce
    const ofRequest = h.events(caseId).filter((e) => e.payload.orderId === requestId);
    expect(ofRequest.find((e) => e.state === 'SendOrderNotice' && e.phase === 'end')?.result).toMatchObject({ state: 'SETTLED' });
    expect(ofRequest.map((e) => e.state)).not.toContain('EnforceDeadline');
    expect(h.events(caseId).some((e) => e.payload.purpose === `COMPLIANCE#${requestId}`)).toBe(false);
    expect(h.events(caseId).find((e) => e.state === 'CollectAppeals' && e.phase === 'end')?.result).toEqual({ appealBatches: [] });
    expect(h.events(caseId).map((e) => e.state)).not.toContain('OpenAppealReview');
    expect(await notices(caseId)).toEqual(
      [OVERSEAS, ...ISPS.map((isp) => `blocking@${isp}.example`)].flatMap((to) => [`${to}: CONFIRMED`, `${to}: ORDER`]).sort(),
    );
  });

  it('overdue then complied late: OVERDUE notice and staff alert, late compliance accepted, then fined', async () => {
    // Given an approved case whose operator lets the deadline pass
    const { caseId, orderOf } = await approvedCase(['https://webhard.example/v/7']);
    const orderId = orderOf('op-webhard');
    await confirmPostReview(caseId);
    await h.until({ caseId, state: 'AwaitLateCompliance' });
    expect((await getOrder(orderId))?.status).toBe('OVERDUE');
    // When it complies during the grace period
    expect(await comply('op-webhard', orderId)).toBe('COMPLIED_LATE');
    // Then the order ends COMPLIED_LATE with a fine, and nothing records non-compliance
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    const order = await getOrder(orderId);
    expect(order).toMatchObject({ status: 'COMPLIED_LATE', complianceStatus: 'COMPLIED_LATE', decisionStatus: 'CONFIRMED' });
    expect(order?.fine?.amount).toBeGreaterThan(0);
    expect(h.events(caseId).map((e) => e.state)).not.toContain('GraceExpired');
    expect(await notices(caseId)).toEqual(
      [
        `${WEBHARD}: ORDER`,
        `${WEBHARD}: OVERDUE`,
        `${WEBHARD}: CONFIRMED`,
        `${WEBHARD}: FINE`,
        'staff: OVERDUE',
        'staff: FINE_PROPOSED',
      ].sort(),
    );
  });

  it('never complied: the grace period ends, non-compliance is recorded, the order stays OVERDUE and is fined', async () => {
    // Given an approved, confirmed case whose operator never acts
    const { caseId, orderOf } = await approvedCase(['https://social.example/p/1']);
    const orderId = orderOf('op-social');
    await confirmPostReview(caseId);
    // When the deadline and then the grace period pass
    await h.until({ caseId, state: 'GraceExpired' });
    // Then
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    const order = await getOrder(orderId);
    expect(order).toMatchObject({ status: 'OVERDUE', complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED' });
    expect(order?.fine?.currency).toBe('KRW');
    expect((await listChain(refs.case(caseId).root.pk)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['ORDER_OVERDUE', 'NON_COMPLIANCE_RECORDED', 'FINE_ASSESSED', 'CASE_CLOSED']),
    );
    expect(await notices(caseId)).toEqual(
      [
        `${SOCIAL}: ORDER`,
        `${SOCIAL}: OVERDUE`,
        `${SOCIAL}: CONFIRMED`,
        `${SOCIAL}: FINE`,
        'staff: OVERDUE',
        'staff: FINE_PROPOSED',
      ].sort(),
    );
  });

  it('revoked: the committee lifts the orders; the compliance waits end at once; REVOKED notices; the case stays REVOKED', async () => {
    // Given an approved case with two operators that have not acted yet
    const { caseId, orderOf } = await approvedCase(['https://webhard.example/v/3', 'https://social.example/p/3']);
    await h.until({ caseId, state: 'AwaitCompliance', where: waitingFor(`COMPLIANCE#${orderOf('op-social')}`) });
    await h.until({ caseId, state: 'AwaitCompliance', where: waitingFor(`COMPLIANCE#${orderOf('op-webhard')}`) });
    // When the committee votes to revoke
    await h.until({ caseId, state: 'AwaitPostReview' });
    expect(await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['REVOKE', 'REVOKE', 'REVOKE'])).toBe(true);
    // Then the orders are lifted before their deadline passes, and the case ends REVOKED
    const record = await h.finished(caseId);
    expect(record.status).toBe('REVOKED');
    expect(record.closedAt).toBeDefined();
    const orders = await listOrdersOfCase(caseId);
    expect(orders.map((o) => [o.status, o.complianceStatus, o.decisionStatus, o.fine])).toEqual([
      ['REVOKED', 'ISSUED', 'REVOKED', undefined],
      ['REVOKED', 'ISSUED', 'REVOKED', undefined],
    ]);
    expect(h.events(caseId).map((e) => e.state)).not.toContain('EnforceDeadline');
    expect(h.events(caseId).map((e) => e.state)).not.toContain('OpenAppealWindow');
    expect(await notices(caseId)).toEqual(
      [
        `${WEBHARD}: ORDER`,
        `${WEBHARD}: REVOKED`,
        `${WEBHARD}: REINSTATE`,
        `${SOCIAL}: ORDER`,
        `${SOCIAL}: REVOKED`,
        `${SOCIAL}: REINSTATE`,
      ].sort(),
    );
  });

  it('appeal upheld: an appeal in the window goes to the committee, which upholds the order', async () => {
    // Given a confirmed case whose operator complied
    const { caseId, orderOf } = await approvedCase(['https://webhard.example/v/8']);
    const orderId = orderOf('op-webhard');
    await h.until({ caseId, state: 'AwaitCompliance' });
    await comply('op-webhard', orderId);
    await confirmPostReview(caseId);
    // When the operator appeals in the window and the committee upholds the order
    await h.until({ caseId, state: 'OpenAppealWindow' });
    const appealId = await appeal('op-webhard', orderId);
    await h.until({ caseId, state: 'AwaitAppealReview' });
    expect(await vote(reviewIdFor(caseId, 'APPEAL', 'op-webhard'), ['CONFIRM', 'CONFIRM', 'REVOKE', 'CONFIRM'])).toBe(true);
    // Then
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    expect(await getOrder(orderId)).toMatchObject({ status: 'UPHELD', decisionStatus: 'UPHELD', complianceStatus: 'COMPLIED' });
    expect(await getAppeal(appealId)).toMatchObject({ status: 'UPHELD', reviewId: reviewIdFor(caseId, 'APPEAL', 'op-webhard') });
    expect((await listChain(refs.case(caseId).root.pk)).map((e) => e.details.status)).toContain('UNDER_APPEAL');
    expect(await notices(caseId)).toEqual([`${WEBHARD}: APPEAL_OUTCOME`, `${WEBHARD}: CONFIRMED`, `${WEBHARD}: ORDER`]);
  });

  it('appeal granted: the order is overturned, its late-compliance wait ends, and no fine follows the missed deadline', async () => {
    // Given a confirmed case whose operator appealed and then let the deadline pass
    const { caseId, orderOf } = await approvedCase(['https://social.example/p/5']);
    const orderId = orderOf('op-social');
    await confirmPostReview(caseId);
    await h.until({ caseId, state: 'OpenAppealWindow' });
    const appealId = await appeal('op-social', orderId);
    await h.until({ caseId, state: 'AwaitLateCompliance' });
    // When the committee grants the appeal
    await h.until({ caseId, state: 'AwaitAppealReview' });
    expect(await vote(reviewIdFor(caseId, 'APPEAL', 'op-social'), ['REVOKE', 'REVOKE', 'REVOKE'])).toBe(true);
    // Then the order is OVERTURNED, the grace period was not waited out, and there is no fine
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    expect(await getOrder(orderId)).toMatchObject({ status: 'OVERTURNED', complianceStatus: 'OVERDUE', decisionStatus: 'OVERTURNED' });
    expect((await getOrder(orderId))?.fine).toBeUndefined();
    expect(await getAppeal(appealId)).toMatchObject({ status: 'OVERTURNED' });
    expect(h.events(caseId).map((e) => e.state)).not.toContain('GraceExpired');
    expect(await notices(caseId)).toEqual(
      [
        `${SOCIAL}: ORDER`,
        `${SOCIAL}: CONFIRMED`,
        `${SOCIAL}: OVERDUE`,
        `${SOCIAL}: APPEAL_OUTCOME`,
        `${SOCIAL}: REINSTATE`,
        'staff: OVERDUE',
      ].sort(),
    );
  });

  it('no quorum then extended: one vote by the close extends the review once, and the votes in the extension decide', async () => {
    // Given an approved case whose operator complied, and a single vote in the review window
    const { caseId, orderOf } = await approvedCase(['https://webhard.example/v/9']);
    await h.until({ caseId, state: 'AwaitCompliance' });
    await comply('op-webhard', orderOf('op-webhard'));
    const reviewId = reviewIdFor(caseId, 'POST_REVIEW');
    await h.until({ caseId, state: 'AwaitPostReview' });
    expect(await vote(reviewId, ['CONFIRM'])).toBe(false);
    const first = await getReview(reviewId);
    // When the window closes without a quorum, and two more members vote in the extension
    const passed = await h.until({ caseId, state: 'PostReviewDeadlinePassed' });
    expect(passed.result).toMatchObject({ decided: false, outcome: null });
    await h.until({ caseId, state: 'AwaitPostReview', nth: 2 });
    expect(await vote(reviewId, ['CONFIRM', 'CONFIRM'], 1)).toBe(true);
    // Then the review was extended by one window and closed confirmed
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    const review = await getReview(reviewId);
    expect(review).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', outcomeReason: 'MAJORITY', extended: true });
    expect(Date.parse(review?.closesAt ?? '') - Date.parse(first?.closesAt ?? '')).toBe(3000);
    expect((await listChain(refs.case(caseId).root.pk)).map((e) => e.action)).toContain('REVIEW_EXTENDED');
    expect(await notices(caseId)).toEqual([`${WEBHARD}: CONFIRMED`, `${WEBHARD}: ORDER`]);
  });

  it('no quorum after the extension: the review is escalated to staff, who decide it', async () => {
    // Given an approved case whose operator complied, and a committee that never votes
    const { caseId, orderOf } = await approvedCase(['https://webhard.example/v/10']);
    await h.until({ caseId, state: 'AwaitCompliance' });
    await comply('op-webhard', orderOf('op-webhard'));
    const reviewId = reviewIdFor(caseId, 'POST_REVIEW');
    // When the window and its extension pass, and staff then revoke the order
    await h.until({ caseId, state: 'AwaitPostReview', nth: 3 });
    expect((await getReview(reviewId))?.status).toBe('ESCALATED');
    await staffDecide(reviewId, 'REVOKE');
    // Then
    const record = await h.finished(caseId);
    expect(record.status).toBe('REVOKED');
    expect(await getReview(reviewId)).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION' });
    expect(await getOrder(orderOf('op-webhard'))).toMatchObject({ status: 'REVOKED', complianceStatus: 'COMPLIED' });
    expect(await notices(caseId)).toEqual([`${WEBHARD}: ORDER`, `${WEBHARD}: REINSTATE`, `${WEBHARD}: REVOKED`, 'staff: ESCALATED']);
  });

  it('fined: only the orders that missed their deadline are fined, each once, with a breakdown that adds up', async () => {
    // Given a case over two operators: one complies in time, one late
    const { caseId, orderOf } = await approvedCase([
      'https://webhard.example/v/11',
      'https://social.example/p/11',
      'https://social.example/p/12',
    ]);
    await h.until({ caseId, state: 'AwaitCompliance', where: waitingFor(`COMPLIANCE#${orderOf('op-webhard')}`) });
    await comply('op-webhard', orderOf('op-webhard'));
    await confirmPostReview(caseId);
    await h.until({ caseId, state: 'AwaitLateCompliance', where: waitingFor(`COMPLIANCE#${orderOf('op-social')}`) });
    await comply('op-social', orderOf('op-social'));
    // When the case reaches AssessFines (and AssessFines runs once more, as a retry would)
    const record = await h.finished(caseId);
    const before = await listOrdersOfCase(caseId);
    await assessFines(caseId, nowIso());
    // Then
    expect(record.status).toBe('CLOSED');
    const orders = await listOrdersOfCase(caseId);
    expect(orders).toEqual(before);
    const byOperator = Object.fromEntries(orders.map((o) => [o.operatorId, o]));
    expect(byOperator['op-webhard']?.fine).toBeUndefined();
    const fine = byOperator['op-social']?.fine;
    expect(fine).toMatchObject({ currency: 'KRW', policyId: FAST_POLICY.id });
    expect(fine?.breakdown.reduce((sum, item) => sum + item.amount, 0)).toBe(fine?.amount);
    expect(await notices(caseId)).toEqual(
      [
        `${WEBHARD}: ORDER`,
        `${WEBHARD}: CONFIRMED`,
        `${SOCIAL}: ORDER`,
        `${SOCIAL}: OVERDUE`,
        `${SOCIAL}: CONFIRMED`,
        `${SOCIAL}: FINE`,
        'staff: FINE_PROPOSED',
        'staff: OVERDUE',
      ].sort(),
    );
  });
});

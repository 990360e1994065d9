/**
 * Every path of a case's life over HTTP, against `npm start`'s stack with seconds for hours and
 * days: statuses through GET /cases/{caseId}, the operators' notices as the SES emulator received
 * them (one per event, Korean for domestic operators and English for overseas ones), fines, and
 * a verified audit chain at the end. The paths run side by side on one stack, each on its own case.
 */
import { describe, expect, it } from 'vitest';
import {
  approveCase,
  audit,
  emails,
  eventually,
  fileReport,
  findReview,
  hasHangul,
  noticeCounts,
  noticesOf,
  operatorOrder,
  orderIdFor,
  uniqueUrl,
  untilAppealable,
  untilCaseStatus,
  untilNotice,
  untilOrderStatus,
  vote,
  E2E_DURATIONS,
  LONG,
  useLocalStack,
} from './support';

const POLICY = { id: 'kr-e2e-lifecycle', ...E2E_DURATIONS };

const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '1' } });

async function readCase(caseId: string): Promise<any> {
  const answer = await api.get('staff-kim', `/cases/${caseId}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

async function orderOnCase(caseId: string, orderId: string): Promise<any> {
  const order = ((await readCase(caseId)).orders as any[]).find((candidate) => candidate.orderId === orderId);
  expect(order, `order ${orderId} on case ${caseId}`).toBeDefined();
  return order;
}

/** Files a report naming `operators` and approves it; answers the case and its order ids by operator. */
async function approvedCase(...operators: ('op-webhard' | 'op-social' | 'op-overseas')[]) {
  const caseId = await fileReport(
    api,
    operators.map((operator) => uniqueUrl(operator)),
    'support-center',
  );
  await approveCase(api, caseId);
  const orders = Object.fromEntries(operators.map((operator) => [operator, orderIdFor(caseId, operator)])) as Record<string, string>;
  for (const [operator, orderId] of Object.entries(orders)) {
    await eventually(() => operatorOrder(api, operator, orderId), 15_000);
  }
  return { caseId, orders };
}

/** An approved case naming an overseas host's URL, and the binding BLOCK_ACCESS order of isp-kt that blocks it. */
async function ispBlockedCase() {
  const { caseId } = await approvedCase('op-overseas');
  const orderId = orderIdFor(caseId, 'isp-kt');
  await eventually(() => operatorOrder(api, 'isp-kt', orderId), 15_000);
  return { caseId, orderId };
}

/** The operator's notices about `orderId` are in its language, at most one per kind, and name the order. */
async function expectNotices(
  orderId: string,
  language: 'ko' | 'en',
  expected: Record<string, number>,
  mayAlsoHave: string[] = ['REMINDER'],
): Promise<void> {
  const notices = await noticesOf(stack, orderId);
  for (const notice of notices) {
    expect(notice.language, notice.email.subject).toBe(language);
    expect(notice.email.subject).toContain(orderId);
    expect(hasHangul(notice.email.subject), notice.email.subject).toBe(language === 'ko');
  }
  const counts = await noticeCounts(stack, orderId);
  for (const count of Object.values(counts)) expect(count, JSON.stringify(counts)).toBe(1);
  expect(counts).toMatchObject(expected);
  for (const kind of Object.keys(counts)) {
    if (!(kind in expected) && !mayAlsoHave.includes(kind)) expect.fail(`unexpected ${kind} notice for ${orderId}`);
  }
}

async function expectVerifiedAudit(caseId: string, actions: string[]): Promise<void> {
  const chain = await audit(api, caseId);
  expect(chain.verified).toBe(true);
  expect(chain.events.map((event) => event.action)).toEqual(expect.arrayContaining(actions));
}

/** A case that ended leaves no order on the staff's board as still awaiting compliance. */
async function expectNoOpenOrders(caseId: string): Promise<void> {
  const board = await api.get('staff-kim', '/orders');
  expect(board.status).toBe(200);
  const mine = (board.body.orders as any[]).filter((order) => order.caseId === caseId);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.filter((order) => order.open).map((order) => order.orderId)).toEqual([]);
}

/** Issue 11's fines: a fine is first PROPOSED, with an opinion period, until staff decide (docs/fines.md). */
function expectFine(fine: any, currency: string): void {
  expect(fine).toMatchObject({
    amount: expect.any(Number),
    currency,
    policyId: POLICY.id,
    status: 'PROPOSED',
    opinionDueAt: expect.any(String),
  });
  expect(fine.proposedAmount).toBe(fine.amount);
  expect(fine.amount).toBeGreaterThan(0);
  expect(fine.breakdown.length).toBeGreaterThan(0);
  const total = (fine.breakdown as { item: string; amount: number }[]).reduce((sum, item) => sum + item.amount, 0);
  expect(total).toBe(fine.amount);
}

/** Beside the operator's FINE notice (the proposal), staff are alerted once that a decision will be due. */
async function expectStaffToldOfProposal(orderId: string): Promise<void> {
  const alerts = await eventually(async () => {
    const found = (await emails(stack)).filter((email) => email.subject.includes(`A fine is proposed for order ${orderId}`));
    expect(found.length).toBeGreaterThan(0);
    return found;
  }, 15_000);
  expect(alerts).toHaveLength(1);
}

async function confirmPostReview(caseId: string): Promise<string> {
  const review = await findReview(api, caseId, 'POST_REVIEW');
  await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');
  return review.reviewId as string;
}

describe.concurrent('a case over its whole life', () => {
  it('rejected by staff: no order, no notice, closed as REJECTED', async () => {
    // Given a report
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')], 'support-center');

    // When a staff member rejects it
    const answer = await api.post('staff-lee', `/cases/${caseId}/approvals`, { decision: 'REJECT', reason: 'lawful content' });
    expect(answer.status).toBe(200);

    // Then the workflow closes it as REJECTED without any order or notice
    await eventually(async () => {
      const chain = await audit(api, caseId);
      expect(chain.events.map((event) => event.action)).toContain('CASE_CLOSED');
    }, LONG);
    const read = await readCase(caseId);
    expect(read.status).toBe('REJECTED');
    expect(read.orders).toEqual([]);
    expect(await noticesOf(stack, orderIdFor(caseId, 'op-webhard'))).toEqual([]);
    await expectVerifiedAudit(caseId, ['REPORT_FILED', 'WORKFLOW_STARTED', 'APPROVAL_REFUSED', 'CASE_CLOSED']);
  });

  it('complied in time by a domestic and an overseas operator, confirmed, no appeal: CLOSED without fine', async () => {
    // Given an approved case naming a domestic and an overseas operator
    const { caseId, orders } = await approvedCase('op-webhard', 'op-overseas');
    const domestic = orders['op-webhard']!;
    const overseas = orders['op-overseas']!;

    // When both comply before the deadline and the committee confirms
    for (const [operator, orderId] of Object.entries(orders)) {
      const complied = await api.post(operator, `/operator/orders/${orderId}/compliance`, {
        action: operator === 'op-overseas' ? 'BLOCKED' : 'DELETED',
      });
      expect(complied.body, JSON.stringify(complied.body)).toMatchObject({ orderId, status: 'COMPLIED' });
    }
    // And each order notice went to the operator's contact with its own URLs only, the deadline in
    // UTC and in the policy's time zone, the legal basis, how to acknowledge and how to appeal
    const urls = (await readCase(caseId)).urls.map((entry: any) => entry.url as string);
    // The overseas host's DELETE_REQUEST binds it to nothing, so it has nothing to appeal
    for (const [orderId, contact, legalBasis, appealable] of [
      [domestic, 'notices@webhard.example', '제44조의7', true],
      [overseas, 'abuse@overseas.example', 'Article 44-7', false],
    ] as const) {
      const notice = await untilNotice(stack, orderId, 'ORDER');
      // SES holds the e-mail a moment before the order records its acceptance (and its deadline).
      const order = await eventually(async () => {
        const read = await orderOnCase(caseId, orderId);
        expect(read.deadlineAt).toBeDefined();
        return read;
      }, LONG);
      const text = notice.email.body.text ?? '';
      expect(notice.email.destination.to).toEqual([contact]);
      expect(order.urls).toHaveLength(1);
      expect(text).toContain(order.urls[0]);
      expect(urls.filter((url: string) => text.includes(url))).toEqual(order.urls);
      // The clock is the deadline the notice stated, or later if SES took longer than the rounding to
      // accept it (acceptance plus the compliance deadline, in the operator's favour): never earlier.
      const stated = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z/.exec(text)?.[0] ?? '';
      expect(Date.parse(order.deadlineAt)).toBeGreaterThanOrEqual(Date.parse(stated));
      expect(Date.parse(order.deadlineAt) - Date.parse(stated)).toBeLessThan(60_000);
      expect(text).toContain('Asia/Seoul');
      expect(text).toContain(legalBasis);
      expect(text).toContain(`/operator/orders/${orderId}/acknowledge`);
      if (appealable) expect(text).toContain(`/operator/orders/${orderId}/appeal`);
      else expect(text).not.toContain(`/operator/orders/${orderId}/appeal`);
    }
    await confirmPostReview(caseId);

    // Then the case goes through the appeal window to CLOSED, the orders stay confirmed, and no fine is set
    await untilCaseStatus(api, caseId, 'APPEAL_WINDOW', LONG);
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    for (const orderId of [domestic, overseas]) {
      const order = await orderOnCase(caseId, orderId);
      expect(order.status).toBe('CONFIRMED');
      expect(order.fine).toBeUndefined();
    }
    // And the reporter sees the case in plain words, without the operators' replies
    const reports = await api.get('support-center', '/reports');
    const report = (reports.body.reports as any[]).find((candidate) => candidate.caseId === caseId);
    expect(report).toBeDefined();
    for (const hidden of ['COMPLIED', 'BLOCKED', 'DELETED', 'op-webhard', 'op-overseas', domestic]) {
      expect(JSON.stringify(report)).not.toContain(hidden);
    }
    await expectNoOpenOrders(caseId);
    await expectNotices(domestic, 'ko', { ORDER: 1, CONFIRMED: 1 });
    await expectNotices(overseas, 'en', { ORDER: 1, CONFIRMED: 1 });
    await expectVerifiedAudit(caseId, ['ORDER_ISSUED', 'ORDER_COMPLIED', 'REVIEW_CLOSED', 'APPEAL_WINDOW_OPENED', 'CASE_CLOSED']);
  });

  it('overdue, then complied late, confirmed: CLOSED with a fine for the delay', async () => {
    // Given an approved case, confirmed by the committee at once, whose operator lets the deadline pass
    const { caseId, orders } = await approvedCase('op-webhard');
    const orderId = orders['op-webhard']!;
    await confirmPostReview(caseId);
    await untilNotice(stack, orderId, 'REMINDER', LONG);
    await untilOrderStatus(api, 'op-webhard', orderId, 'OVERDUE', LONG);
    await untilNotice(stack, orderId, 'OVERDUE', LONG);

    // When it complies within the grace period
    const late = await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
    expect(late.body, JSON.stringify(late.body)).toMatchObject({ orderId, status: 'COMPLIED_LATE' });

    // Then the case closes with a fine on the order, and the operator is told once of each event
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    const order = await orderOnCase(caseId, orderId);
    expect(order.status).toBe('COMPLIED_LATE');
    expectFine(order.fine, 'KRW');
    expect((await operatorOrder(api, 'op-webhard', orderId)).fine).toEqual(order.fine);
    await untilNotice(stack, orderId, 'FINE');
    await expectNotices(orderId, 'ko', { ORDER: 1, REMINDER: 1, OVERDUE: 1, CONFIRMED: 1, FINE: 1 });
    await expectStaffToldOfProposal(orderId);
    await expectVerifiedAudit(caseId, ['ORDER_OVERDUE', 'ORDER_COMPLIED_LATE', 'FINE_ASSESSED', 'CASE_CLOSED']);
  });

  it('never complied, confirmed: OVERDUE to the end of the grace period, CLOSED with a fine', async () => {
    // Given an approved case whose overseas URL an ISP is ordered to block and never does, confirmed by the committee
    const { caseId, orderId } = await ispBlockedCase();
    await confirmPostReview(caseId);

    // When the deadline and then the grace period run out
    await untilOrderStatus(api, 'isp-kt', orderId, 'OVERDUE', LONG);
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);

    // Then the order is fined in the operator's currency, and late compliance is no longer accepted
    const order = await orderOnCase(caseId, orderId);
    expect(order.status).toBe('OVERDUE');
    expectFine(order.fine, 'KRW');
    const tooLate = await api.post('isp-kt', `/operator/orders/${orderId}/compliance`, { action: 'BLOCKED' });
    expect(tooLate.status).toBe(409);
    await untilNotice(stack, orderId, 'FINE');
    await expectNoOpenOrders(caseId);
    await expectNotices(orderId, 'ko', { ORDER: 1, OVERDUE: 1, CONFIRMED: 1, FINE: 1 });
    await expectStaffToldOfProposal(orderId);
    await expectVerifiedAudit(caseId, ['ORDER_OVERDUE', 'NON_COMPLIANCE_RECORDED', 'FINE_ASSESSED', 'CASE_CLOSED']);
  });

  it('revoked by the committee: REVOKED, every operator told, no fine', async () => {
    // Given an approved case; one operator complies, the other does not
    const { caseId, orders } = await approvedCase('op-social', 'op-overseas');
    const complied = await api.post('op-social', `/operator/orders/${orders['op-social']}/compliance`, { action: 'DELETED' });
    expect(complied.status).toBe(200);

    // When the committee revokes the orders
    const review = await findReview(api, caseId, 'POST_REVIEW');
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'REVOKE');

    // Then the case is REVOKED and stays so, both orders are lifted, and nobody is fined
    await untilCaseStatus(api, caseId, 'REVOKED', LONG);
    await eventually(async () => {
      expect((await audit(api, caseId)).events.map((event) => event.action)).toContain('CASE_CLOSED');
    }, LONG);
    expect((await readCase(caseId)).status).toBe('REVOKED');
    for (const orderId of Object.values(orders)) {
      const order = await orderOnCase(caseId, orderId);
      expect(order.status).toBe('REVOKED');
      expect(order.fine).toBeUndefined();
      await untilNotice(stack, orderId, 'REVOKED');
    }
    await expectNoOpenOrders(caseId);
    await expectNotices(orders['op-social']!, 'ko', { ORDER: 1, REVOKED: 1 });
    // Whether the overseas order fell overdue before the votes depends on the machine's speed.
    await expectNotices(orders['op-overseas']!, 'en', { ORDER: 1, REVOKED: 1 }, ['REMINDER', 'OVERDUE']);
    expect(await noticeCounts(stack, orders['op-overseas']!)).not.toHaveProperty('FINE');
    await expectVerifiedAudit(caseId, ['ORDER_REVOKED', 'CASE_REVOKED', 'CASE_CLOSED']);
  });

  it('appeal upheld: UNDER_APPEAL, the committee keeps the order, CLOSED', async () => {
    // Given a confirmed case whose operator complied
    const { caseId, orders } = await approvedCase('op-webhard');
    const orderId = orders['op-webhard']!;
    await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
    await confirmPostReview(caseId);
    await untilAppealable(api, 'op-webhard', orderId);

    // When the operator appeals and the committee rejects the appeal
    const appeal = await api.post('op-webhard', `/operator/orders/${orderId}/appeal`, {
      grounds: 'The uploader had consent from everyone shown.',
    });
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(201);
    expect((await operatorOrder(api, 'op-webhard', orderId)).status).toBe('APPEALED');
    await untilCaseStatus(api, caseId, 'UNDER_APPEAL', LONG);
    const review = await findReview(api, caseId, 'APPEAL', 'member-1', LONG);
    expect(review.orderIds).toEqual([orderId]);
    await vote(api, review.reviewId, ['member-3', 'member-4', 'member-5'], 'CONFIRM');

    // Then the order is UPHELD, the operator is told, and the case closes
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    expect((await orderOnCase(caseId, orderId)).status).toBe('UPHELD');
    const read = await readCase(caseId);
    expect(read.appeals).toEqual([expect.objectContaining({ appealId: appeal.body.appealId, status: 'UPHELD' })]);
    await expectNotices(orderId, 'ko', { ORDER: 1, CONFIRMED: 1, APPEAL_OUTCOME: 1 });
    expect((await untilNotice(stack, orderId, 'APPEAL_OUTCOME')).email.subject).toContain('기각');
    await expectVerifiedAudit(caseId, ['APPEAL_FILED', 'APPEAL_UNDER_REVIEW', 'APPEAL_REJECTED_ORDER_UPHELD', 'CASE_CLOSED']);
  });

  it('appeal granted: the order is OVERTURNED, and its delay is not fined', async () => {
    // Given a confirmed case whose ISP let the deadline pass on its order to block an overseas URL
    const { caseId, orderId } = await ispBlockedCase();
    await confirmPostReview(caseId);
    await untilAppealable(api, 'isp-kt', orderId);

    // When it appeals and the committee grants the appeal
    const appeal = await api.post('isp-kt', `/operator/orders/${orderId}/appeal`, {
      grounds: 'The content is hosted by a third party.',
    });
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(201);
    const review = await findReview(api, caseId, 'APPEAL', 'member-1', LONG);
    // The order fell overdue meanwhile: the granted appeal must also wipe out the fine for that.
    await untilNotice(stack, orderId, 'OVERDUE', LONG);
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-4'], 'REVOKE');

    // Then the order is OVERTURNED, the case closes, and no fine is set
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    const order = await orderOnCase(caseId, orderId);
    expect(order.status).toBe('OVERTURNED');
    expect(order.fine).toBeUndefined();
    const outcome = await untilNotice(stack, orderId, 'APPEAL_OUTCOME');
    expect(outcome.email.subject).toContain('요청 취소(인용)');
    expect(await noticeCounts(stack, orderId)).not.toHaveProperty('FINE');
    await expectNoOpenOrders(caseId);
    await expectNotices(orderId, 'ko', { ORDER: 1, OVERDUE: 1, CONFIRMED: 1, APPEAL_OUTCOME: 1 });
    await expectVerifiedAudit(caseId, ['APPEAL_FILED', 'APPEAL_GRANTED_ORDER_OVERTURNED', 'CASE_CLOSED']);
  });

  it('no quorum at closesAt: the review is extended once by the same window, then decided by the votes that follow', async () => {
    // Given a post-review with one vote only
    const { caseId, orders } = await approvedCase('op-social');
    const orderId = orders['op-social']!;
    await api.post('op-social', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
    const opened = await findReview(api, caseId, 'POST_REVIEW');
    await vote(api, opened.reviewId, ['member-1'], 'CONFIRM');

    // When its closesAt passes
    const extended = await eventually(async () => {
      const current = await findReview(api, caseId, 'POST_REVIEW');
      expect(current.closesAt).not.toBe(opened.closesAt);
      return current;
    }, LONG);

    // Then it stays open for one more window, and the votes cast in it decide it
    expect(extended.status).toBe('OPEN');
    expect(Date.parse(extended.closesAt) - Date.parse(opened.closesAt)).toBe(12_000);
    await vote(api, opened.reviewId, ['member-2', 'member-3'], 'CONFIRM');
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    const closed = await findReview(api, caseId, 'POST_REVIEW');
    expect(closed).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', votesCast: 3 });
    await expectVerifiedAudit(caseId, ['REVIEW_EXTENDED', 'REVIEW_CLOSED', 'CASE_CLOSED']);
  });
});

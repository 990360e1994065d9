/**
 * CONTRACT.md sections 3 to 8 over HTTP against `npm start`'s stack: every route answers with the
 * documented shape, every error code comes out where the contract says, and a failed request
 * changes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  approveCase,
  audit,
  eventually,
  fileReport,
  findReview,
  operatorOrder,
  orderIdFor,
  reportBody,
  uniqueUrl,
  untilAppealable,
  untilNotice,
  untilCaseStatus,
  untilOrderStatus,
  vote,
  useLocalStack,
} from './support';

/** The seeded ISPs (CONTRACT.md section 2). */
const ISPS = ['isp-kt', 'isp-skb', 'isp-lgu'];

/** Short windows where a test waits for one to pass, long ones where an act must land inside. */
const POLICY = {
  id: 'kr-e2e-contract',
  approvalSla: 'PT60S',
  complianceDeadline: 'PT30S',
  reminders: ['PT10S'],
  lateComplianceGrace: 'PT10S',
  postReviewWindow: 'PT8S',
  appealWindow: 'PT8S',
  appealReviewWindow: 'PT10S',
};

const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '1' } });

function expectError(answer: { status: number; body: any }, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toEqual({
    error: expect.objectContaining({ code, message: expect.stringMatching(/\S/) }),
  });
  expect(Object.keys(answer.body.error).every((key) => ['code', 'message', 'details'].includes(key))).toBe(true);
}

async function caseCount(): Promise<number> {
  const answer = await api.get('staff-kim', '/cases');
  expect(answer.status).toBe(200);
  return (answer.body.cases as unknown[]).length;
}

describe('errors (section 3)', () => {
  it.each([
    ['no Authorization header', null],
    ['a token that is not a JWT', 'not-a-jwt'],
    ['a JWT signed by someone else', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdGFmZi1raW0iLCJjb2duaXRvOmdyb3VwcyI6WyJzdGFmZiJdfQ.c2lnbmF0dXJl'],
  ])('answers 401 UNAUTHENTICATED to %s', async (_name, token) => {
    const answer = await api.get(null, '/cases', { token });
    expectError(answer, 401, 'UNAUTHENTICATED');
  });

  it.each([
    ['a body that is not JSON', { rawBody: '{"urls": [' }],
    ['missing fields', { body: { urls: ['https://webhard.example/v/1'] } }],
    ['1001 URLs', { body: reportBody(Array.from({ length: 1001 }, (_, i) => `https://webhard.example/v/${i}`)) }],
    ['an unknown category', { body: reportBody(['https://webhard.example/v/1'], { category: 'SPAM' }) }],
    [
      'a URL over 2048 characters',
      { body: reportBody([`https://webhard.example/${'a'.repeat(2049 - 'https://webhard.example/'.length)}`]) },
    ],
    ['a URL that is not http(s)', { body: reportBody(['ftp://webhard.example/v/1']) }],
    ['no URL at all', { body: reportBody([]) }],
    ['a summary over 2000 characters', { body: reportBody(['https://webhard.example/v/1'], { summary: 'x'.repeat(2001) }) }],
  ])('answers 400 VALIDATION_FAILED to a report with %s, and files nothing', async (_name, request) => {
    // Given the cases as they are
    const before = await caseCount();

    // When a report with a bad body is filed
    const answer = await api.call('staff-kim', 'POST', '/reports', request);

    // Then it is refused, naming what is wrong where a field is at fault, and no case appears
    expectError(answer, 400, 'VALIDATION_FAILED');
    if ('body' in request) {
      expect(answer.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/\S/) })]),
      );
    }
    expect(await caseCount()).toBe(before);
  });

  it('answers 400 VALIDATION_FAILED to an unknown status filter', async () => {
    const answer = await api.get('staff-kim', '/cases?status=SHREDDED');
    expectError(answer, 400, 'VALIDATION_FAILED');
  });

  it('names the bad field in details', async () => {
    const answer = await api.post('staff-kim', '/reports', reportBody(['https://webhard.example/v/1'], { category: 'SPAM' }));
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'category' })]));
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a body over the limit, and files nothing', async () => {
    const before = await caseCount();
    // fetch sends the whole body before it reads the answer: the 413 must still reach it.
    const answer = await api.call('staff-kim', 'POST', '/reports', {
      rawBody: JSON.stringify(reportBody(['https://webhard.example/v/1'], { padding: 'x'.repeat(12 * 1024 * 1024) })),
    });
    expectError(answer, 413, 'PAYLOAD_TOO_LARGE');
    expect(await caseCount()).toBe(before);
  });

  it('accepts the largest valid report: 1000 URLs of 2048 characters', async () => {
    // 1000 × 2048 characters is about 2 MB: the contract allows it, so no limit below it may refuse it.
    const prefix = 'https://webhard.example/big/';
    const urls = Array.from({ length: 1000 }, (_, i) => `${prefix}${String(i).padStart(4, '0')}${'b'.repeat(2048 - prefix.length - 4)}`);
    expect(urls.every((url) => url.length === 2048)).toBe(true);
    const answer = await api.post('staff-kim', '/reports', reportBody(urls));
    expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(201);
    const read = await api.get('staff-lee', `/cases/${answer.body.caseId}`);
    expect(read.status).toBe(200);
    expect(read.body.urls).toHaveLength(1000);
  });

  it.each([
    ['a reporter approving', 'support-center', 'POST', '/cases/CASEID/approvals', { decision: 'APPROVE', reason: 'footage checked' }],
    ['an operator listing cases', 'op-webhard', 'GET', '/cases', undefined],
    ['an operator reading a case', 'op-webhard', 'GET', '/cases/CASEID', undefined],
    ['an operator reading the audit', 'op-webhard', 'GET', '/cases/CASEID/audit', undefined],
    ['an operator filing a report', 'op-webhard', 'POST', '/reports', reportBody(['https://webhard.example/v/1'])],
    ['an operator listing all orders', 'op-webhard', 'GET', '/orders', undefined],
    ['an operator listing operators', 'op-webhard', 'GET', '/operators', undefined],
    ['an operator registering an operator', 'op-webhard', 'POST', '/operators', undefined],
    ['a committee member approving', 'member-1', 'POST', '/cases/CASEID/approvals', { decision: 'APPROVE', reason: 'footage checked' }],
    ['a staff member voting', 'staff-lee', 'POST', '/committee/reviews/RID/votes', { decision: 'CONFIRM' }],
    [
      'a committee member deciding an escalated review',
      'member-1',
      'POST',
      '/committee/reviews/RID/decision',
      { decision: 'CONFIRM', reason: 'x' },
    ],
    ['an auditor approving', 'auditor-1', 'POST', '/cases/CASEID/approvals', { decision: 'APPROVE', reason: 'footage checked' }],
    ['staff reading operator orders', 'staff-kim', 'GET', '/operator/orders', undefined],
    ['an operator listing committee reviews', 'op-overseas', 'GET', '/committee/reviews', undefined],
    ['a reporter reading a case', 'support-center', 'GET', '/cases/CASEID', undefined],
  ])('answers 403 FORBIDDEN to %s', async (_name, user, method, path, body) => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    const answer = await api.call(user, method, path.replace('CASEID', caseId).replace('RID', `R${caseId.slice(1)}-POST`), {
      ...(body === undefined ? {} : { body }),
    });
    expectError(answer, 403, 'FORBIDDEN');
  });

  it('answers 403 to the staff member who filed the report approving it, and records nothing', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')], 'staff-kim');
    const answer = await api.post('staff-kim', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' });
    expectError(answer, 403, 'FORBIDDEN');
    const read = await api.get('staff-lee', `/cases/${caseId}`);
    expect(read.body.status).toBe('PENDING_APPROVAL');
  });

  it.each([
    ['GET', '/cases/C01ARZ3NDEKTSV4RRFFQ69G5FA', 'staff-kim', undefined],
    ['GET', '/cases/not-a-case-id', 'staff-kim', undefined],
    ['GET', '/cases/C01ARZ3NDEKTSV4RRFFQ69G5FA/audit', 'auditor-1', undefined],
    ['POST', '/cases/C01ARZ3NDEKTSV4RRFFQ69G5FA/approvals', 'staff-lee', { decision: 'APPROVE', reason: 'footage checked' }],
    ['POST', '/committee/reviews/R01ARZ3NDEKTSV4RRFFQ69G5FA-POST/votes', 'member-1', { decision: 'CONFIRM' }],
    ['POST', '/operator/orders/O01ARZ3NDEKTSV4RRFFQ69G5FA-op-webhard/acknowledge', 'op-webhard', undefined],
    ['PATCH', '/operators/op-nobody', 'staff-kim', { name: 'Nobody' }],
  ])('answers 404 NOT_FOUND to %s %s', async (method, path, user, body) => {
    const answer = await api.call(user, method, path, body === undefined ? {} : { body });
    expectError(answer, 404, 'NOT_FOUND');
  });

  it('answers 409 CONFLICT to the same approver twice, and counts the approval once', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    const first = await api.post('staff-lee', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' });
    expect(first.status).toBe(200);
    const second = await api.post('staff-lee', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' });
    expectError(second, 409, 'CONFLICT');
    const read = await api.get('staff-kim', `/cases/${caseId}`);
    expect(read.body.status).toBe('PENDING_APPROVAL');
  });

  it('replays an Idempotency-Key with the same body (200, same case) and refuses it with another body (409)', async () => {
    // Given a report filed with a key
    const key = `key-${Date.now()}`;
    const body = reportBody([uniqueUrl('op-webhard')]);
    const first = await api.post('support-center', '/reports', body, { headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);

    // When the same request is sent again, then with another body under the same key
    const again = await api.post('support-center', '/reports', body, { headers: { 'Idempotency-Key': key } });
    const before = await caseCount();
    const other = await api.post('support-center', '/reports', reportBody([uniqueUrl('op-social')]), {
      headers: { 'Idempotency-Key': key },
    });

    // Then the replay lands on the same case, and the other body is refused without a new case
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ caseId: first.body.caseId, status: 'PENDING_APPROVAL' });
    expectError(other, 409, 'CONFLICT');
    expect(await caseCount()).toBe(before);
    const reports = await api.get('support-center', '/reports');
    expect((reports.body.reports as any[]).filter((report) => report.caseId === first.body.caseId)).toHaveLength(1);
  });

  it('answers 409 CONFLICT to a domain that another operator already owns', async () => {
    const created = await api.post('staff-kim', '/operators', {
      operatorId: 'op-dup-check',
      name: 'Duplicate Domain Inc.',
      domains: ['webhard.example'],
      contactEmails: ['abuse@dup.example'],
      jurisdiction: 'DOMESTIC',
      language: 'ko',
      annualRevenue: 1000,
      currency: 'KRW',
    });
    expectError(created, 409, 'CONFLICT');
    const patched = await api.call('staff-kim', 'PATCH', '/operators/op-social', {
      body: { domains: ['social.example', 'webhard.example'] },
    });
    expectError(patched, 409, 'CONFLICT');
    const operators = await api.get('staff-kim', '/operators');
    const social = (operators.body.operators as any[]).find((operator) => operator.operatorId === 'op-social');
    expect(social.domains).toEqual(['social.example']);
    expect((operators.body.operators as any[]).some((operator) => operator.operatorId === 'op-dup-check')).toBe(false);
  });
});

describe('reports and cases (section 4)', () => {
  it('files a report (201), lists it for its reporter without operator replies, and shows the case to staff, committee and auditors', async () => {
    const url = uniqueUrl('op-webhard');
    const filed = await api.post('support-center', '/reports', reportBody([url]));
    expect(filed.status).toBe(201);
    expect(filed.body).toEqual({ caseId: expect.stringMatching(/^C[0-9A-Z]{26}$/), status: 'PENDING_APPROVAL' });
    const caseId = filed.body.caseId as string;

    const reports = await api.get('support-center', '/reports');
    expect(reports.status).toBe(200);
    const mine = (reports.body.reports as any[]).find((report) => report.caseId === caseId);
    expect(mine).toMatchObject({ caseId, createdAt: expect.stringMatching(/Z$/), urls: [url] });
    expect(typeof mine.status).toBe('string');

    for (const reader of ['staff-lee', 'member-1', 'auditor-1']) {
      const listed = await api.get(reader, '/cases?status=PENDING_APPROVAL');
      expect(listed.status, reader).toBe(200);
      const row = (listed.body.cases as any[]).find((candidate) => candidate.caseId === caseId);
      expect(row, reader).toMatchObject({
        caseId,
        status: 'PENDING_APPROVAL',
        category: 'ILLEGAL_FILMING',
        createdAt: expect.stringMatching(/Z$/),
      });
      expect((listed.body.cases as any[]).every((candidate) => candidate.status === 'PENDING_APPROVAL')).toBe(true);

      const read = await api.get(reader, `/cases/${caseId}`);
      expect(read.status, reader).toBe(200);
      expect(read.body).toMatchObject({
        caseId,
        status: 'PENDING_APPROVAL',
        category: 'ILLEGAL_FILMING',
        createdAt: expect.stringMatching(/Z$/),
        orders: [],
        reviews: [],
        appeals: [],
      });
      expect(JSON.stringify(read.body.urls)).toContain(url);
      expect(read.body.timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ at: expect.any(String), actor: expect.any(String), action: expect.any(String) }),
        ]),
      );
    }
    const other = await api.get('staff-kim', '/cases?status=CLOSED');
    expect((other.body.cases as any[]).some((candidate) => candidate.caseId === caseId)).toBe(false);
  });

  it('approves with two distinct staff members, issuing one order per operator', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard'), uniqueUrl('op-overseas')], 'support-center');
    const first = await api.post('staff-lee', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'clear case' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      caseId,
      status: 'PENDING_APPROVAL',
      approvals: [{ by: 'staff-lee', at: expect.stringMatching(/Z$/) }],
    });
    const second = await api.post('staff-kim', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('ORDERS_ISSUED');
    expect(second.body.approvals.map((approval: any) => approval.by)).toEqual(['staff-lee', 'staff-kim']);

    const orders = await eventually(async () => {
      const read = await api.get('staff-kim', `/cases/${caseId}`);
      expect(read.body.orders).toHaveLength(2 + ISPS.length);
      return read.body.orders as any[];
    }, 15_000);
    expect(orders.map((order) => order.orderId).sort()).toEqual(
      ['op-overseas', 'op-webhard', ...ISPS].map((operatorId) => orderIdFor(caseId, operatorId)).sort(),
    );
    const byOperator = Object.fromEntries(orders.map((order) => [order.orderId, order]));
    expect(byOperator[orderIdFor(caseId, 'op-webhard')].action).toBe('DELETE');
    // section 10: the overseas host is asked, and every ISP blocks its URL
    expect(byOperator[orderIdFor(caseId, 'op-overseas')].action).toBe('DELETE_REQUEST');
    for (const isp of ISPS) expect(byOperator[orderIdFor(caseId, isp)].action).toBe('BLOCK_ACCESS');

    const all = await api.get('auditor-1', '/orders');
    expect(all.status).toBe(200);
    expect(JSON.stringify(all.body)).toContain(orderIdFor(caseId, 'op-webhard'));
  });

  it('lets two approvers racing both land: ORDERS_ISSUED with both approvals, and one order', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-social')]);
    const answers = await Promise.all(
      ['staff-lee', 'staff-park'].map((approver) =>
        api.post(approver, `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const read = await eventually(async () => {
      const current = await api.get('staff-kim', `/cases/${caseId}`);
      expect(current.body.orders).toHaveLength(1);
      return current.body;
    }, 15_000);
    expect(['ORDERS_ISSUED', 'UNDER_POST_REVIEW']).toContain(read.status);
    expect(read.orders[0].orderId).toBe(orderIdFor(caseId, 'op-social'));
  });

  it('ends the urgent track with one REJECT', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    const answer = await api.post('staff-lee', `/cases/${caseId}/approvals`, { decision: 'REJECT', reason: 'not illegal' });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('REJECTED');
    const late = await api.post('staff-park', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'footage checked' });
    expect(late.status).toBe(409);
  });

  it('keeps a URL of an unknown host UNASSIGNED, and orders its operator once staff register it before approval', async () => {
    // Given a report naming a host no operator owns
    const host = `files-${Date.now().toString(36)}.example`;
    const url = `https://cdn.${host}/v/1`;
    const caseId = await fileReport(api, [url, uniqueUrl('op-webhard')]);
    const read = await api.get('staff-kim', `/cases/${caseId}`);
    const entry = (read.body.urls as any[]).find((candidate) => JSON.stringify(candidate).includes(url));
    expect(JSON.stringify(entry)).toContain('UNASSIGNED');

    // When staff register the operator (201), edit it (200), and approve the case
    const operatorId = `op-${Date.now().toString(36)}`;
    const created = await api.post('staff-kim', '/operators', {
      operatorId,
      name: 'Files Hosting',
      domains: [host],
      contactEmails: ['abuse@files.example'],
      jurisdiction: 'OVERSEAS',
      language: 'en',
      annualRevenue: 5_000_000,
      currency: 'USD',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ operatorId, domains: [host], jurisdiction: 'OVERSEAS' });
    const patched = await api.call('staff-kim', 'PATCH', `/operators/${operatorId}`, {
      body: { name: 'Files Hosting Ltd', contactEmails: ['takedown@files.example'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      operatorId,
      name: 'Files Hosting Ltd',
      domains: [host],
      contactEmails: ['takedown@files.example'],
    });
    const listed = await api.get('auditor-1', '/operators');
    expect(listed.status).toBe(200);
    expect((listed.body.operators as any[]).map((operator) => operator.operatorId)).toEqual(
      expect.arrayContaining(['op-webhard', 'op-social', 'op-overseas', operatorId]),
    );
    await approveCase(api, caseId);

    // Then the URL is matched again and its operator gets an order with that URL
    const order = await eventually(async () => {
      const current = await api.get('staff-kim', `/cases/${caseId}`);
      const found = (current.body.orders as any[]).find((candidate) => candidate.orderId === orderIdFor(caseId, operatorId));
      if (!found) throw new Error(`no order for ${operatorId} yet`);
      return found;
    }, 15_000);
    expect(order.urls).toEqual([url]);
    expect(order.action).toBe('DELETE_REQUEST');
    const notice = await untilNotice(stack, order.orderId, 'ORDER', 15_000);
    expect(notice.email.destination.to).toEqual(['takedown@files.example']);
    expect(notice.language).toBe('en');
    const matched = await api.get('staff-kim', `/cases/${caseId}`);
    expect(JSON.stringify(matched.body.urls)).not.toContain('"UNASSIGNED"');
  });
});

describe('orders (section 5)', () => {
  it('shows an operator its own orders only, without reporter, summary or other operators’ URLs, and 404s the others', async () => {
    // Given a case naming two operators, approved
    const webhardUrl = uniqueUrl('op-webhard');
    const socialUrl = uniqueUrl('op-social');
    const caseId = await fileReport(api, [webhardUrl, socialUrl], 'support-center');
    await approveCase(api, caseId);
    const mine = orderIdFor(caseId, 'op-webhard');
    const theirs = orderIdFor(caseId, 'op-social');

    // When op-webhard reads its orders, once its notice went out (the deadline runs from then)
    const order = await eventually(async () => {
      const current = await operatorOrder(api, 'op-webhard', mine);
      expect(current.deadlineAt).toBeDefined();
      return current;
    }, 15_000);

    // Then it sees its order with its URL only, and nothing about who reported or why
    expect(order).toMatchObject({
      orderId: mine,
      caseId,
      action: 'DELETE',
      category: 'ILLEGAL_FILMING',
      urls: [webhardUrl],
      issuedAt: expect.stringMatching(/Z$/),
      deadlineAt: expect.stringMatching(/Z$/),
    });
    const listed = await api.get('op-webhard', '/operator/orders');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(theirs);
    expect(text).not.toContain(socialUrl);
    expect(text).not.toContain('ref-secret-123');
    expect(text).not.toContain('A summary only staff');
    expect(text).not.toContain('SUPPORT_CENTER');
    expect(text).not.toContain('support-center');

    // And another operator's order does not exist for it
    for (const action of ['acknowledge', 'compliance', 'appeal']) {
      const body =
        action === 'compliance' ? { action: 'DELETED' } : action === 'appeal' ? { grounds: 'This is not ours to remove.' } : undefined;
      const answer = await api.post('op-webhard', `/operator/orders/${theirs}/${action}`, body);
      expectError(answer, 404, 'NOT_FOUND');
    }
    const untouched = await operatorOrder(api, 'op-social', theirs);
    expect(untouched.acknowledgedAt).toBeUndefined();
    expect(untouched.compliedAt).toBeUndefined();
  });

  it('acknowledges (twice harmlessly), records compliance, holds an appeal filed before the committee confirms, and refuses one on a revoked order', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-social')]);
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-social');
    await eventually(() => operatorOrder(api, 'op-social', orderId), 15_000);

    const ack = await api.post('op-social', `/operator/orders/${orderId}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ orderId, status: 'ACKNOWLEDGED' });
    const again = await api.post('op-social', `/operator/orders/${orderId}/acknowledge`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ orderId, status: 'ACKNOWLEDGED' });

    const bad = await api.post('op-social', `/operator/orders/${orderId}/compliance`, { action: 'BURNED' });
    expectError(bad, 400, 'VALIDATION_FAILED');
    const complied = await api.post('op-social', `/operator/orders/${orderId}/compliance`, { action: 'DELETED', note: 'removed' });
    expect(complied.status).toBe(200);
    expect(complied.body).toMatchObject({ orderId, status: 'COMPLIED' });

    const shortGrounds = await api.post('op-social', `/operator/orders/${orderId}/appeal`, { grounds: 'short' });
    expectError(shortGrounds, 400, 'VALIDATION_FAILED');
    // Issue 11 (docs/objections.md): from the ORDER notice's acceptance the objection window is open
    // before the post-review too; an appeal filed then is accepted and held until the review decides.
    await untilNotice(stack, orderId, 'ORDER');
    const early = await api.post('op-social', `/operator/orders/${orderId}/appeal`, { grounds: 'The content is lawful satire.' });
    expect(early.status, JSON.stringify(early.body)).toBe(201);
    expect(early.body).toEqual({ appealId: `A${caseId.slice(1)}-op-social` });
    // The order still waits for the post-review (PENDING, not yet APPEALED); the appeal is on file, held for it
    expect(await operatorOrder(api, 'op-social', orderId)).toMatchObject({ status: 'COMPLIED', decisionStatus: 'PENDING' });
    const staffView = (await api.get('staff-kim', `/cases/${caseId}`)).body;
    expect(['ORDERS_ISSUED', 'UNDER_POST_REVIEW']).toContain(staffView.status);
    expect(staffView.orders.find((o: any) => o.orderId === orderId)).toMatchObject({
      decisionStatus: 'PENDING',
      appealId: early.body.appealId,
      operatorAppealedAt: expect.any(String),
    });
    expect(staffView.appeals).toEqual([
      expect.objectContaining({ appealId: early.body.appealId, orderId, status: 'FILED', grounds: 'The content is lawful satire.' }),
    ]);
    const second = await api.post('op-social', `/operator/orders/${orderId}/appeal`, { grounds: 'The same objection, once more.' });
    expectError(second, 409, 'CONFLICT');

    // An order the post-review revoked has nothing left to appeal
    const revokedCase = await fileReport(api, [uniqueUrl('op-social')]);
    await approveCase(api, revokedCase);
    const revokedOrder = orderIdFor(revokedCase, 'op-social');
    await eventually(() => operatorOrder(api, 'op-social', revokedOrder), 15_000);
    const review = await findReview(api, revokedCase, 'POST_REVIEW');
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'REVOKE');
    await untilOrderStatus(api, 'op-social', revokedOrder, 'REVOKED', 15_000);
    const tooLate = await api.post('op-social', `/operator/orders/${revokedOrder}/appeal`, { grounds: 'The content is lawful satire.' });
    expectError(tooLate, 409, 'WINDOW_CLOSED');
  });

  it('accepts an appeal inside the window (201) and refuses one after it (409 WINDOW_CLOSED)', async () => {
    // Given a confirmed case with two operators
    const caseId = await fileReport(api, [uniqueUrl('op-webhard'), uniqueUrl('op-social')]);
    await approveCase(api, caseId);
    const review = await findReview(api, caseId, 'POST_REVIEW');
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');
    await untilAppealable(api, 'op-webhard', orderIdFor(caseId, 'op-webhard'), 15_000);

    // When op-webhard appeals at once, and op-social only after the window closed
    const inTime = await api.post('op-webhard', `/operator/orders/${orderIdFor(caseId, 'op-webhard')}/appeal`, {
      grounds: 'The content was already removed by the uploader.',
    });
    await untilCaseStatus(api, caseId, 'UNDER_APPEAL', 30_000);
    const late = await api.post('op-social', `/operator/orders/${orderIdFor(caseId, 'op-social')}/appeal`, {
      grounds: 'We were too late, but here are our grounds.',
    });

    // Then the first is filed, the second refused
    expect(inTime.status, JSON.stringify(inTime.body)).toBe(201);
    expect(inTime.body).toEqual({ appealId: `A${caseId.slice(1)}-op-webhard` });
    expectError(late, 409, 'WINDOW_CLOSED');
    const again = await api.post('op-webhard', `/operator/orders/${orderIdFor(caseId, 'op-webhard')}/appeal`, {
      grounds: 'A second appeal on the same order.',
    });
    expect(again.status).toBe(409);
    const read = await api.get('staff-kim', `/cases/${caseId}`);
    expect(read.body.appeals).toHaveLength(1);
  });
});

describe('committee (section 6)', () => {
  it('lists reviews, takes one vote per member (second: 409 CONFLICT), closes early, then refuses votes (409 WINDOW_CLOSED)', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    await approveCase(api, caseId);
    const review = await findReview(api, caseId, 'POST_REVIEW');
    expect(review).toMatchObject({
      reviewId: `R${caseId.slice(1)}-POST`,
      kind: 'POST_REVIEW',
      caseId,
      orderIds: [orderIdFor(caseId, 'op-webhard')],
      status: 'OPEN',
      closesAt: expect.stringMatching(/Z$/),
      eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'],
      votesCast: 0,
    });

    // A recusal removes the member from the eligible set; a vote after it is refused
    const recused = await api.post('member-5', `/committee/reviews/${review.reviewId}/recusal`, { reason: 'I know the operator.' });
    expect(recused.status).toBeLessThan(300);
    const afterRecusal = await findReview(api, caseId, 'POST_REVIEW', 'member-5');
    expect(afterRecusal.eligibleMembers).not.toContain('member-5');
    expect(
      (await api.post('member-5', `/committee/reviews/${review.reviewId}/votes`, { decision: 'CONFIRM' })).status,
    ).toBeGreaterThanOrEqual(400);

    const first = await api.post('member-1', `/committee/reviews/${review.reviewId}/votes`, { decision: 'CONFIRM', reason: 'clear' });
    expect(first.status).toBe(201);
    const twice = await api.post('member-1', `/committee/reviews/${review.reviewId}/votes`, { decision: 'REVOKE' });
    expectError(twice, 409, 'CONFLICT');
    const recusalAfterVote = await api.post('member-1', `/committee/reviews/${review.reviewId}/recusal`, { reason: 'too late' });
    expectError(recusalAfterVote, 409, 'CONFLICT');
    const seen = await findReview(api, caseId, 'POST_REVIEW');
    expect(seen.votesCast).toBe(1);
    // myVote: the decision, or the vote record holding it
    expect([seen.myVote, seen.myVote?.decision]).toContain('CONFIRM');

    // 3 CONFIRM of 4 eligible: no remaining vote can change the outcome
    await vote(api, review.reviewId, ['member-2', 'member-3'], 'CONFIRM');
    const closed = await eventually(async () => {
      const current = await findReview(api, caseId, 'POST_REVIEW');
      expect(current.status).toBe('CLOSED');
      return current;
    }, 10_000);
    expect(closed.outcome).toBe('CONFIRMED');
    const tooLate = await api.post('member-4', `/committee/reviews/${review.reviewId}/votes`, { decision: 'REVOKE' });
    expectError(tooLate, 409, 'WINDOW_CLOSED');
  });

  it('counts three members voting at the same moment once each, and closes the review once', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    await approveCase(api, caseId);
    const review = await findReview(api, caseId, 'POST_REVIEW');
    const answers = await Promise.all(
      ['member-2', 'member-3', 'member-4'].map((member) =>
        api.post(member, `/committee/reviews/${review.reviewId}/votes`, { decision: 'REVOKE' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    await untilCaseStatus(api, caseId, 'REVOKED', 30_000);
    const closed = await findReview(api, caseId, 'POST_REVIEW');
    expect(closed).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', votesCast: 3 });
    const chain = await audit(api, caseId);
    expect(chain.events.filter((event) => event.action === 'VOTE_CAST')).toHaveLength(3);
    expect(chain.events.filter((event) => event.action === 'REVIEW_CLOSED')).toHaveLength(1);
  });

  it('escalates a review without quorum after its one extension, and a staff member who neither filed nor approved decides it', async () => {
    // Filed by the support centre and approved by staff-lee and staff-park: staff-kim took no part
    const caseId = await fileReport(api, [uniqueUrl('op-overseas')], 'support-center');
    await approveCase(api, caseId);
    const review = await findReview(api, caseId, 'POST_REVIEW');
    const early = await api.post('staff-kim', `/committee/reviews/${review.reviewId}/decision`, {
      decision: 'REVOKE',
      reason: 'no quorum',
    });
    expectError(early, 409, 'CONFLICT');

    // No vote at all: extended once by the window, then escalated
    await eventually(
      async () => {
        const current = await findReview(api, caseId, 'POST_REVIEW');
        expect(current.status).toBe('ESCALATED');
      },
      45_000,
      500,
    );
    const bad = await api.post('staff-kim', `/committee/reviews/${review.reviewId}/decision`, { decision: 'REVOKE' });
    expectError(bad, 400, 'VALIDATION_FAILED');
    // An approver of the urgent order may not also decide its review
    const approver = await api.post('staff-lee', `/committee/reviews/${review.reviewId}/decision`, {
      decision: 'CONFIRM',
      reason: 'I approved it',
    });
    expectError(approver, 403, 'FORBIDDEN');
    const decided = await api.post('staff-kim', `/committee/reviews/${review.reviewId}/decision`, {
      decision: 'REVOKE',
      reason: 'The committee could not meet; the order is lifted.',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await untilCaseStatus(api, caseId, 'REVOKED', 15_000);
    const again = await api.post('staff-kim', `/committee/reviews/${review.reviewId}/decision`, { decision: 'CONFIRM', reason: 'again' });
    expectError(again, 409, 'CONFLICT');
    // The chain records the decision once, with the outcome that was stored
    const closings = (await audit(api, caseId)).events.filter((event) => event.action === 'REVIEW_CLOSED');
    expect(closings).toHaveLength(1);
    expect(closings[0]).toMatchObject({ actor: 'staff-kim', details: { outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION' } });
  });
});

describe('audit (section 8)', () => {
  it('returns a hash-linked, verified chain of every state change to staff and auditors', async () => {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    await approveCase(api, caseId);
    await eventually(() => operatorOrder(api, 'op-webhard', orderIdFor(caseId, 'op-webhard')), 15_000);
    const chain = await audit(api, caseId);
    expect(chain.verified).toBe(true);
    const actions = chain.events.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['REPORT_FILED', 'APPROVAL_GIVEN', 'ORDER_ISSUED']));
    chain.events.forEach((event, index) => {
      expect(event).toMatchObject({
        seq: expect.any(Number),
        at: expect.stringMatching(/Z$/),
        actor: expect.any(String),
        action: expect.any(String),
        details: expect.any(Object),
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      if (index > 0) expect(event.prevHash).toBe(chain.events[index - 1].hash);
    });
    const staffView = await api.get('staff-kim', `/cases/${caseId}/audit`);
    expect(staffView.status).toBe(200);
    expect(JSON.stringify(chain)).not.toContain('ref-secret-123');
  });
});

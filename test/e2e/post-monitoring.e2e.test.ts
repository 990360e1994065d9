/**
 * Issue 12's post-monitoring over HTTP against the local stack: an operator reports a DELETE order
 * complied with; the scheduled checker finds its URL gone at the first round and served again at
 * the second, and the order turns non-compliant (the board's section, cause POST_MONITORING) and
 * the operator is e-mailed. A local HTTP server on 127.0.0.1 stands in for the operator's site: the
 * stack resolves every host to it (POST_MONITORING_RESOLVE_TO), so nothing leaves the machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { Api, approveCase, E2E_DURATIONS, emails, eventually, fileReport, LONG, operatorOrder, orderIdFor } from './support';

const POLICY = {
  id: 'kr-e2e-post-monitoring',
  ...E2E_DURATIONS,
  postMonitoring: { checksAfter: ['PT2S', 'PT6S'], timeout: 'PT2S', maxRedirects: 2, maxBytes: 512, concurrency: 4 },
};

/** The operator's site: each path answers the status set for it (404 until then). */
const served = new Map<string, number>();
const asked: string[] = [];
let site: http.Server;
let stack: LocalStack;
let api: Api;

beforeAll(async () => {
  site = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(served.get(req.url ?? '') ?? 404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  stack = await startLocalStack({ policy: POLICY, env: { POST_MONITORING_RESOLVE_TO: '127.0.0.1' } });
  api = new Api(stack);
});

afterAll(async () => {
  await stack?.stop();
  site?.closeAllConnections();
  await new Promise<void>((resolve) => site?.close(() => resolve()));
});

describe('a complied DELETE order whose content comes back', () => {
  it('is checked after compliance, found up again, reopened as non-compliant, and its operator e-mailed', async () => {
    // Given an approved case whose order notice reached op-webhard
    const path = `/v/${Date.now().toString(36)}`;
    const url = `http://webhard.example:${(site.address() as AddressInfo).port}${path}`;
    const caseId = await fileReport(api, [url], 'support-center');
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-webhard');
    await eventually(async () => {
      if ((await operatorOrder(api, 'op-webhard', orderId)).deadlineAt === undefined) throw new Error('the notice is not accepted yet');
    }, LONG);

    // When the operator reports the content deleted
    const complied = await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
    expect(complied.status, JSON.stringify(complied.body)).toBe(200);

    // Then the first round finds it gone, by HEAD
    const firstRound = await eventually(async () => {
      const order = await operatorOrder(api, 'op-webhard', orderId);
      if (order.monitoring?.rounds !== 1) throw new Error('no round yet');
      return order;
    }, LONG);
    expect(firstRound.monitoring.urls).toEqual([{ url, checks: [expect.objectContaining({ result: 'GONE', httpStatus: 404 })] }]);
    expect(asked).toContain(`HEAD ${path}`);

    // When the site serves it again before the next round
    served.set(path, 200);

    // Then the order is non-compliant again, on the board and for the operator
    const board = await eventually(async () => {
      const answer = await api.get('staff-kim', `/orders?caseId=${caseId}`);
      const entry = answer.body.orders?.find((order: { orderId: string }) => order.orderId === orderId);
      if (entry?.nonCompliant !== true) throw new Error(`not reopened yet: ${JSON.stringify(entry)}`);
      return entry;
    }, LONG);
    expect(board).toMatchObject({ nonComplianceCause: 'POST_MONITORING', complianceStatus: 'COMPLIED' });
    expect(board.monitoring.urls[0].checks.map((check: { result: string }) => check.result)).toEqual(['GONE', 'STILL_UP']);
    const own = await operatorOrder(api, 'op-webhard', orderId);
    expect(own).toMatchObject({ nonComplianceCause: 'POST_MONITORING' });
    // The case page shows it, and its timeline has the round and the reopening
    const casePage = await api.get('staff-kim', `/cases/${caseId}`);
    expect(casePage.body.orders[0].monitoring.rounds).toBe(2);
    expect(casePage.body.timeline.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['URLS_CHECKED', 'NON_COMPLIANCE_RECORDED']),
    );

    // And the operator is e-mailed the URL, in Korean, once
    const notice = await eventually(async () => {
      const found = (await emails(stack)).filter((email) => email.subject.startsWith(`[재게시 확인] ${orderId}`));
      if (found.length === 0) throw new Error('no e-mail yet');
      return found;
    }, LONG);
    expect(notice).toHaveLength(1);
    expect(notice[0]?.body.text).toContain(url);
  }, 120_000);
});

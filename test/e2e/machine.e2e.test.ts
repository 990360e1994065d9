/**
 * CONTRACT.md section 12 over HTTP, one stack: op-webhard's own system signs in with the client
 * credentials grant, registers a webhook and does the operator's job (list with a filter and as
 * CSV, acknowledge in bulk, comply URL by URL, appeal) on its own orders only; a receiver on 127.0.0.1 that fails twice gets the order.issued
 * event on the third attempt under the same webhook-id, verified with the Standard Webhooks
 * reference library.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer } from '../../infra/local/net';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import {
  Api,
  approveCase,
  E2E_DURATIONS,
  eventually,
  fileReport,
  findReview,
  LONG,
  orderIdFor,
  uniqueUrl,
  untilAppealable,
  vote,
} from './support';

const POLICY = { id: 'kr-e2e-machine', ...E2E_DURATIONS, complianceDeadline: 'PT120S', reminders: [] };

interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly answered: number;
}

let stack: LocalStack;
let api: Api;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** The receiver fails the first two deliveries of each webhook-id, then takes it. */
const failuresLeft = new Map<string, number>();

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      const left = failuresLeft.get(id) ?? 2;
      failuresLeft.set(id, left - 1);
      const answered = left > 0 ? 500 : 200;
      received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  stack = await startLocalStack({
    policy: POLICY,
    env: {
      SWEEP_INTERVAL_SECONDS: '1',
      WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
      WEBHOOK_RETRY_FIRST_SECONDS: '1',
      WEBHOOK_RETRY_MAX_SECONDS: '2',
    },
  });
  api = new Api(stack);
});

afterAll(async () => {
  await stack?.stop();
  if (receiver) await closeServer(receiver);
});

async function clientToken(clientId: string, clientSecret: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseUrl}/auth/client-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  return { status: response.status, body: await response.json() };
}

describe("an operator's own system", () => {
  it('signs in with its client credentials, and not with a wrong secret', async () => {
    expect((await clientToken('op-webhard-system', 'op-webhard-system-secret')).status).toBe(200);
    const wrong = await clientToken('op-webhard-system', 'isp-kt-system-secret');
    expect(wrong).toEqual({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'The client id or secret is wrong.' } } });
  });

  it("does the operator's job on its own orders, is refused staff routes and others' orders, and hears of them by webhook", async () => {
    // Given op-webhard's system signed in and registered the receiver
    const { body: signedIn } = await clientToken('op-webhard-system', 'op-webhard-system-secret');
    const machine = { token: signedIn.token as string };
    const registered = await api.call(null, 'PUT', '/operator/webhook', { ...machine, body: { url: receiverUrl } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body.secret).toMatch(/^whsec_/);
    const shown = await api.get(null, '/operator/webhook', machine);
    expect(shown.body).toMatchObject({ url: receiverUrl, status: 'ACTIVE' });
    expect(JSON.stringify(shown.body)).not.toContain('whsec_');

    // When a case naming op-webhard and op-social is approved
    const ownUrls = [uniqueUrl('op-webhard'), uniqueUrl('op-webhard')];
    const caseId = await fileReport(api, [...ownUrls, uniqueUrl('op-social')]);
    await approveCase(api, caseId);
    const ownOrder = orderIdFor(caseId, 'op-webhard');
    const othersOrder = orderIdFor(caseId, 'op-social');

    // Then the system lists and acknowledges its own order
    const listed = await eventually(async () => {
      const answer = await api.get(null, '/operator/orders', machine);
      expect(answer.status).toBe(200);
      const order = (answer.body.orders as any[]).find((candidate) => candidate.orderId === ownOrder);
      expect(order?.deadlineAt).toBeDefined();
      return answer.body.orders as any[];
    }, LONG);
    expect(listed.every((order) => order.orderId.endsWith('-op-webhard'))).toBe(true);
    // Filtered by status and issue date, and as CSV: one row per URL of its own orders
    const issued = listed.find((order) => order.orderId === ownOrder).issuedAt as string;
    const filtered = await api.get(null, `/operator/orders?status=ISSUED&issuedFrom=${encodeURIComponent(issued)}`, machine);
    expect(filtered.body.orders.map((order: any) => order.orderId)).toEqual([ownOrder]);
    const csv = await fetch(`${stack.baseUrl}/operator/orders?issuedFrom=${encodeURIComponent(issued)}`, {
      headers: { authorization: `Bearer ${machine.token}`, accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).trimEnd().split('\r\n');
    expect(rows.slice(1).map((row) => row.split(',')[9])).toEqual(ownUrls);
    // Acknowledged in bulk: its own order, another operator's refused in its result as not found
    const bulk = await api.post(null, '/operator/orders/bulk', { acknowledge: [ownOrder, othersOrder] }, machine);
    expect(bulk.body.results).toEqual([
      { orderId: ownOrder, act: 'ACKNOWLEDGE', status: 'ACKNOWLEDGED' },
      { orderId: othersOrder, act: 'ACKNOWLEDGE', error: { code: 'NOT_FOUND', message: expect.any(String) } },
    ]);
    // And is refused a staff route (403) and another operator's order (404)
    expect((await api.get(null, '/cases', machine)).status).toBe(403);
    expect((await api.post(null, `/operator/orders/${othersOrder}/acknowledge`, undefined, machine)).status).toBe(404);
    const othersUrls = { urls: [{ url: ownUrls[0], outcome: 'DELETED' }] };
    expect((await api.post(null, `/operator/orders/${othersOrder}/compliance/urls`, othersUrls, machine)).status).toBe(404);

    // And the receiver, failing twice, gets order.issued on the third attempt under one webhook-id, signed
    const taken = await eventually(() => {
      const ok = received.find((one) => one.answered === 200 && JSON.parse(one.body).type === 'order.issued');
      expect(ok).toBeDefined();
      return ok as Received;
    }, LONG);
    const id = taken.headers['webhook-id'];
    expect(received.filter((one) => one.headers['webhook-id'] === id).map((one) => one.answered)).toEqual([500, 500, 200]);
    const event = new Webhook(registered.body.secret).verify(taken.body, taken.headers) as any;
    expect(event).toMatchObject({ type: 'order.issued', data: { orderId: ownOrder, caseId, status: expect.any(String) } });
    expect(taken.body).not.toMatch(/webhard\.example|reporter|summary/);
    // The sender records the delivery after the receiver answered: poll until it has
    await eventually(async () => {
      const deliveries = await api.get(null, '/operator/webhook/deliveries', machine);
      expect(deliveries.body.deliveries.find((one: any) => one.webhookId === id)).toMatchObject({
        type: 'order.issued',
        status: 'DELIVERED',
        attempts: [{ statusCode: 500 }, { statusCode: 500 }, { statusCode: 200 }],
      });
    }, LONG);

    // And it reports compliance URL by URL: a URL it cannot comply with keeps the order open, until it is removed
    const perUrl = (urls: object[]) => api.post(null, `/operator/orders/${ownOrder}/compliance/urls`, { urls }, machine);
    const partly = await perUrl([
      { url: ownUrls[0], outcome: 'DELETED' },
      { url: ownUrls[1], outcome: 'CANNOT_COMPLY', reason: 'on a server seized by the police' },
    ]);
    expect(partly.body).toMatchObject({ orderId: ownOrder, status: 'ACKNOWLEDGED', accounted: 2, urlCount: 2 });
    expect((await perUrl([{ url: ownUrls[0], outcome: 'NOT_FOUND' }])).status).toBe(409);
    const complied = await perUrl([{ url: ownUrls[1], outcome: 'NOT_FOUND' }]);
    expect(complied.body).toMatchObject({ orderId: ownOrder, status: 'COMPLIED', accounted: 2 });
    // And appeals once the committee confirmed the order
    const review = await findReview(api, caseId, 'POST_REVIEW');
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');
    await untilAppealable(api, 'op-webhard', ownOrder, LONG);
    const appealed = await api.post(
      null,
      `/operator/orders/${ownOrder}/appeal`,
      { grounds: 'The clip was licensed by everyone in it.' },
      machine,
    );
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(201);
  });
});

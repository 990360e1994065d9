/**
 * Webhooks on the world (shared/services/webhooks.ts): registration and its one-time secret, the
 * events a notice queues (once, whatever the retries), signed attempts retried under one
 * webhook-id, and an endpoint disabled, and its operator e-mailed, after failing for 24 hours.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Identity } from '../../../shared/domain/authz';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import { notifyOperator } from '../../../shared/services/acts';
import {
  attemptWebhookDelivery,
  queueWebhookEvents,
  registerWebhook,
  webhookDeliveries,
  webhookStatus,
  type WebhookPost,
} from '../../../shared/services/webhooks';
import { getOperator } from '../../../shared/store/repository';
import { getWebhookEndpoint } from '../../../shared/store/webhooks';
import { useWorld } from '../../support/world';
import { givenIssuedOrder } from './world-steps';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(5)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const ORDER_KEY = `order:${ORDER_ID}`;
const WEBHARD: Identity = { userId: 'op-webhard-system', roles: ['operator'], operatorId: 'op-webhard', scopes: ['orders.write'] };
const START = Date.parse('2026-11-24T06:00:00.000Z');

const world = useWorld();

interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An endpoint that answers the given statuses in turn (the last one from then on), and keeps what it got. */
function endpointAnswering(...statuses: number[]): { post: WebhookPost; received: Received[] } {
  const received: Received[] = [];
  const post: WebhookPost = async (_url, headers, body) => {
    received.push({ headers, body });
    return { statusCode: statuses[Math.min(received.length - 1, statuses.length - 1)] as number };
  };
  return { post, received };
}

/** The follow-up's webhook step again, for the operator as it now stands (a retried follow-up). */
async function queueAgain(notice: Parameters<typeof queueWebhookEvents>[2], eventKey: string): Promise<void> {
  const operator = await getOperator('op-webhard');
  if (!operator) throw new Error('op-webhard is not planted');
  await queueWebhookEvents(operator, ORDER_ID, notice, eventKey);
}

async function onlyDelivery() {
  const { deliveries } = await webhookDeliveries(WEBHARD);
  expect(deliveries).toHaveLength(1);
  return deliveries[0] as (typeof deliveries)[number];
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
  // Given an issued order of op-webhard, whose system registered an endpoint
  await givenIssuedOrder(CASE_ID);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('registering an endpoint', () => {
  it('shows the whsec_ secret once, rotates it on a second registration, and never shows it again', async () => {
    // When
    const first = await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
    const second = await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
    // Then
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(second.secret).not.toBe(first.secret);
    expect((await getWebhookEndpoint('op-webhard'))?.secret).toBe(second.secret);
    const status = await webhookStatus(WEBHARD);
    expect(status).toEqual({ url: 'https://hooks.webhard.example/ud', status: 'ACTIVE', createdAt: new Date(START).toISOString() });
    expect(JSON.stringify(status)).not.toContain('whsec_');
  });

  it('refuses an endpoint that is not HTTPS', async () => {
    await expect(registerWebhook(WEBHARD, 'http://hooks.webhard.example/ud')).rejects.toThrow(/https/);
    await expect(webhookStatus(WEBHARD)).rejects.toThrow(/not found/);
  });
});

describe('delivering an event', () => {
  it('queues one order.issued for the order notice, however often the follow-up runs', async () => {
    // Given
    await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
    // When the notice's follow-up runs, and runs again
    await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
    await queueAgain({ kind: 'ORDER' }, ORDER_KEY);
    await queueAgain({ kind: 'ORDER' }, ORDER_KEY);
    // Then one delivery is due, with the deadline the e-mail started
    const delivery = await onlyDelivery();
    expect(delivery).toMatchObject({ type: 'order.issued', orderId: ORDER_ID, status: 'PENDING', attempts: [] });
  });

  it('queues nothing for an operator without an endpoint', async () => {
    await queueAgain({ kind: 'ORDER' }, ORDER_KEY);
    expect((await webhookDeliveries(WEBHARD)).deliveries).toEqual([]);
  });

  it('retries a delivery that got no 2xx, under the same webhook-id, each attempt signed for its own time', async () => {
    // Given a queued event and an endpoint that fails twice
    const { secret } = await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
    await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
    await queueAgain({ kind: 'ORDER' }, ORDER_KEY);
    const endpoint = endpointAnswering(500, 503, 200);

    // When the sender attempts it each time it is due (and once too early, which does nothing)
    await attemptWebhookDelivery('op-webhard', (await onlyDelivery()).webhookId, new Date().toISOString(), endpoint.post);
    const afterFirst = await onlyDelivery();
    await attemptWebhookDelivery('op-webhard', afterFirst.webhookId, new Date().toISOString(), endpoint.post);
    for (let attempt = 2; attempt <= 3; attempt += 1) {
      const due = (await onlyDelivery()).nextAttemptAt as string;
      vi.setSystemTime(Date.parse(due));
      await attemptWebhookDelivery('op-webhard', afterFirst.webhookId, due, endpoint.post);
    }

    // Then three posts under one webhook-id, each verifiable with the secret at its own time
    expect(endpoint.received).toHaveLength(3);
    expect(new Set(endpoint.received.map((one) => one.headers['webhook-id']))).toEqual(new Set([afterFirst.webhookId]));
    const last = endpoint.received.at(-1) as Received;
    expect(new Webhook(secret).verify(last.body, last.headers)).toMatchObject({ type: 'order.issued', data: { orderId: ORDER_ID } });
    // And every attempt is listed; the endpoint is healthy again
    const delivery = await onlyDelivery();
    expect(delivery.status).toBe('DELIVERED');
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 503, 200]);
    expect(delivery.nextAttemptAt).toBeUndefined();
    expect(afterFirst.nextAttemptAt).toBeDefined();
    expect((await webhookStatus(WEBHARD)).failingSince).toBeUndefined();
  });

  it('disables an endpoint that failed for 24 hours, e-mails the operator once, and gives its deliveries up', async () => {
    // Given an endpoint that never answers 2xx
    await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
    await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
    await queueAgain({ kind: 'ORDER' }, ORDER_KEY);
    const endpoint = endpointAnswering(500);
    const { webhookId } = await onlyDelivery();

    // When the sender attempts it whenever it is due, until it is given up
    for (let at = new Date().toISOString(); ; ) {
      await attemptWebhookDelivery('op-webhard', webhookId, at, endpoint.post);
      const next = (await onlyDelivery()).nextAttemptAt;
      if (next === undefined) break;
      at = next;
      vi.setSystemTime(Date.parse(at));
    }

    // Then the delivery failed after 24 hours of attempts, and the endpoint is disabled
    const delivery = await onlyDelivery();
    expect(delivery.status).toBe('FAILED');
    const attempts = delivery.attempts.map((attempt) => Date.parse(attempt.at));
    expect((attempts.at(-1) as number) - (attempts[0] as number)).toBe(24 * 3_600_000);
    const status = await webhookStatus(WEBHARD);
    expect(status).toMatchObject({ status: 'DISABLED', failingSince: new Date(START).toISOString() });
    // And its notices no longer read the endpoint
    expect((await getOperator('op-webhard'))?.webhookActive).toBe(false);
    // And the operator is told once, in Korean
    const told = world.mails.filter((mail) => mail.subject.includes('[웹훅 중지]'));
    expect(told).toHaveLength(1);
    expect(told[0]?.to).toEqual(['notices@webhard.example']);
    expect(told[0]?.text).toContain('https://hooks.webhard.example/ud');

    // And a later event is given up without a post
    await queueAgain({ kind: 'OVERDUE' }, `${ORDER_KEY}:overdue`);
    expect((await webhookDeliveries(WEBHARD)).deliveries).toHaveLength(1);
    expect(endpoint.received).toHaveLength(delivery.attempts.length);
  });
});

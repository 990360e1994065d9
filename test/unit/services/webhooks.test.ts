/**
 * Webhooks on the world (shared/services/webhooks.ts): registration and its one-time secret, the
 * events a notice queues (once, whatever the retries), signed attempts retried under one
 * webhook-id, and an endpoint disabled, and its operator e-mailed, after failing for 24 hours.
 * In the cloud (WEBHOOK_QUEUE_URL set; SQS through aws-sdk-client-mock, test/support/world.ts): a
 * notice's follow-up hands each new delivery to the queue, the scheduled sweep hands over what came
 * due or was lost, and the queue's consumer posts what each message names, reporting only the
 * messages it could not handle. And the hot path: a notice of an operator without a webhook reads
 * nothing more.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Identity } from '../../../shared/domain/authz';
import { handler } from '../../../functions/events/webhook-deliveries';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import { WEBHOOK_QUEUE_LEASE_MS, webhookIdOf } from '../../../shared/domain/webhooks';
import { sqsClient } from '../../../shared/queue/webhook-queue';
import { resetConfigForTests } from '../../../shared/runtime/config';
import { notifyOperator } from '../../../shared/services/acts';
import {
  attemptWebhookDelivery,
  queueWebhookEvents,
  registerWebhook,
  removeWebhook,
  sendDueWebhooks,
  sendQueuedWebhooks,
  webhookDeliveries,
  webhookStatus,
  type WebhookPost,
} from '../../../shared/services/webhooks';
import { getOperator } from '../../../shared/store/repository';
import { getWebhookDelivery, getWebhookEndpoint, putWebhookEndpoint } from '../../../shared/store/webhooks';
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

const postedIds = (endpoint: { received: Received[] }): string[] => endpoint.received.map((one) => one.headers['webhook-id'] as string);

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

  it('queues the events of an endpoint registered before the operator record had the webhookActive flag', async () => {
    // Given an endpoint written as a registration did before the flag existed: the operator has no flag
    await putWebhookEndpoint({
      operatorId: 'op-webhard',
      url: 'https://hooks.webhard.example/ud',
      secret: 'whsec_old',
      status: 'ACTIVE',
      createdAt: new Date(START).toISOString(),
    });
    expect((await getOperator('op-webhard'))?.webhookActive).toBeUndefined();
    // When the order's notice goes out
    await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
    // Then its endpoint gets the event
    expect(await onlyDelivery()).toMatchObject({ type: 'order.issued', orderId: ORDER_ID, status: 'PENDING' });
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

describe('in the cloud (WEBHOOK_QUEUE_URL set)', () => {
  const ISSUED_ID = webhookIdOf(ORDER_ID, ORDER_KEY, 'order.issued');
  const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/webhook-deliveries';
  const at = (ms: number): string => new Date(ms).toISOString();
  const bodies = () => world.queued.map((message) => JSON.parse(message.body) as unknown);

  /** The queue's consumer takes every message queued so far, in order. */
  async function consumeQueue(post: WebhookPost, now: string): Promise<string[]> {
    const messages = world.queued.splice(0);
    return (await sendQueuedWebhooks(messages, now, post)).failedMessageIds;
  }

  beforeAll(() => {
    vi.stubEnv('WEBHOOK_QUEUE_URL', QUEUE_URL);
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    resetConfigForTests();
  });

  beforeEach(() => {
    resetConfigForTests();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('the producer (a notice follow-up) in the cloud', () => {
    it('queues one message per new delivery, naming it and nothing else; a retried follow-up queues none', async () => {
      // Given a registered endpoint
      const { secret } = await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
      // When the ORDER notice's follow-up runs, and runs again
      await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      // Then one message, to the configured queue, with the delivery's ids only
      expect(world.queued.map((message) => message.queueUrl)).toEqual([QUEUE_URL]);
      expect(bodies()).toEqual([{ operatorId: 'op-webhard', webhookId: ISSUED_ID }]);
      expect(world.queued[0]?.body).not.toContain(secret);
      expect(world.queued[0]?.body).not.toContain(CASE_ID);
    });

    it('reads nothing for an operator without a webhook, and queues nothing', async () => {
      // Given an operator that never registered one, as the notice read it (registered with the flag lowered)
      const operator = { ...(await getOperator('op-webhard')), webhookActive: false };
      world.faults.reset();
      // When its notice's webhook step runs
      await queueWebhookEvents(operator, ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      // Then no AWS call at all
      expect(world.faults.calls).toBe(0);
      expect(world.queued).toEqual([]);
    });

    it('does not fail the notice when SQS refuses the message: the sweep queues the delivery when its lease ends', async () => {
      // Given a registered endpoint, and SQS refusing the next message
      await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
      vi.spyOn(sqsClient, 'send').mockRejectedValueOnce(new Error('SQS is down'));
      // When the ORDER notice's follow-up runs, it succeeds without a message
      await expect(notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY)).resolves.toMatchObject({ accepted: true });
      expect(world.queued).toEqual([]);
      // Then the sweep queues it once the lease has ended
      expect((await sendDueWebhooks(at(START + WEBHOOK_QUEUE_LEASE_MS))).queued).toBe(1);
      expect(bodies()).toEqual([{ operatorId: 'op-webhard', webhookId: ISSUED_ID }]);
    });

    it('keeps the operator flag in step with the endpoint: raised by a registration, lowered by a removal', async () => {
      await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
      expect((await getOperator('op-webhard'))?.webhookActive).toBe(true);
      await removeWebhook(WEBHARD);
      expect((await getOperator('op-webhard'))?.webhookActive).toBe(false);
      await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      expect(world.queued).toEqual([]);
    });
  });

  describe('the sweep in the cloud', () => {
    it('hands a delivery whose message was lost to the queue once its lease ends, and once only', async () => {
      // Given a delivery leased to the queue whose message never arrived
      await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
      await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      world.queued.length = 0;
      // When the sweep runs during the lease, at its end, and again
      expect(await sendDueWebhooks(at(START + WEBHOOK_QUEUE_LEASE_MS - 1))).toEqual({ attempted: 0, queued: 0 });
      expect(await sendDueWebhooks(at(START + WEBHOOK_QUEUE_LEASE_MS))).toEqual({ attempted: 0, queued: 1 });
      expect(await sendDueWebhooks(at(START + WEBHOOK_QUEUE_LEASE_MS + 60_000))).toEqual({ attempted: 0, queued: 0 });
      // Then one message, and its consumer delivers it
      expect(bodies()).toEqual([{ operatorId: 'op-webhard', webhookId: ISSUED_ID }]);
      const endpoint = endpointAnswering(200);
      expect(await consumeQueue(endpoint.post, at(START + WEBHOOK_QUEUE_LEASE_MS))).toEqual([]);
      expect(postedIds(endpoint)).toEqual([ISSUED_ID]);
      expect((await getWebhookDelivery('op-webhard', ISSUED_ID))?.status).toBe('DELIVERED');
    });

    it('queues a failed delivery again when its retry comes due, under the same webhook-id, until it is delivered', async () => {
      // Given a delivery whose first attempt, from the queue, got a 500
      await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
      await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      const endpoint = endpointAnswering(500, 200);
      expect(await consumeQueue(endpoint.post, at(START))).toEqual([]);
      const retryAt = (await getWebhookDelivery('op-webhard', ISSUED_ID))?.nextAttemptAt as string;
      expect(Date.parse(retryAt)).toBeGreaterThan(START);
      // When the sweep runs before the retry is due, then when it is
      expect((await sendDueWebhooks(at(Date.parse(retryAt) - 1))).queued).toBe(0);
      expect((await sendDueWebhooks(retryAt)).queued).toBe(1);
      expect(await consumeQueue(endpoint.post, retryAt)).toEqual([]);
      // Then two posts under one webhook-id, and nothing left to queue
      expect(postedIds(endpoint)).toEqual([ISSUED_ID, ISSUED_ID]);
      const delivery = await getWebhookDelivery('op-webhard', ISSUED_ID);
      expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
      expect((await sendDueWebhooks(at(Date.parse(retryAt) + WEBHOOK_QUEUE_LEASE_MS))).queued).toBe(0);
    });
  });

  describe('the sender fed by the queue', () => {
    const record = (messageId: string, body: string): SQSEvent['Records'][number] => ({ messageId, body }) as SQSEvent['Records'][number];

    it('reports only the message it could not handle; its neighbours are handled and not reported', async () => {
      // Given a batch: a message that is not the queue's, one naming no delivery (already gone), a due delivery
      await registerWebhook(WEBHARD, 'https://hooks.webhard.example/ud');
      await notifyOperator(ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      const [queued] = world.queued.splice(0);
      const event = {
        Records: [
          record('m-garbled', '{"orderId":'),
          record('m-gone', JSON.stringify({ operatorId: 'op-webhard', webhookId: 'msg_gone' })),
          record('m-issued', queued!.body),
        ],
      } as SQSEvent;
      const endpoint = endpointAnswering(503);
      // When the sender takes the batch
      const { failedMessageIds } = await sendQueuedWebhooks(
        event.Records.map(({ messageId, body }) => ({ messageId, body })),
        at(START),
        endpoint.post,
      );
      // Then the garbled one alone is reported; the 503 is recorded for a retry, not redelivered by SQS
      expect(failedMessageIds).toEqual(['m-garbled']);
      expect(postedIds(endpoint)).toEqual([ISSUED_ID]);
      const delivery = await getWebhookDelivery('op-webhard', ISSUED_ID);
      expect(delivery).toMatchObject({ status: 'PENDING', attempts: [{ statusCode: 503 }] });
    });

    it('answers SQS with the batch item failures (the handler, as Lambda calls it)', async () => {
      const event = {
        Records: [record('m-garbled', 'not json'), record('m-gone', JSON.stringify({ operatorId: 'op-webhard', webhookId: 'msg_gone' }))],
      } as SQSEvent;
      expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-garbled' }] });
    });
  });
});

/**
 * The cloud's webhook pipeline on the world (shared/services/webhooks.ts, docs/webhooks.md): where
 * WEBHOOK_QUEUE_URL is set, a notice's follow-up hands each new delivery to the queue (SQS through
 * aws-sdk-client-mock, test/support/world.ts), the scheduled sweep hands over what came due or was
 * lost, and the queue's consumer posts what each message names, reporting only the messages it
 * could not handle. And the hot path: a notice of an operator without a webhook reads nothing more.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/events/webhook-deliveries';
import type { Identity } from '../../../shared/domain/authz';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import { WEBHOOK_QUEUE_LEASE_MS, webhookIdOf } from '../../../shared/domain/webhooks';
import { resetConfigForTests } from '../../../shared/runtime/config';
import { notifyOperator } from '../../../shared/services/acts';
import {
  queueWebhookEvents,
  registerWebhook,
  removeWebhook,
  sendDueWebhooks,
  sendQueuedWebhooks,
  type WebhookPost,
} from '../../../shared/services/webhooks';
import { getOperator } from '../../../shared/store/repository';
import { getWebhookDelivery } from '../../../shared/store/webhooks';
import { useWorld } from '../../support/world';
import { givenIssuedOrder } from './world-steps';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(6)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const ORDER_KEY = `order:${ORDER_ID}`;
const ISSUED_ID = webhookIdOf(ORDER_ID, ORDER_KEY, 'order.issued');
const WEBHARD: Identity = { userId: 'op-webhard-system', roles: ['operator'], operatorId: 'op-webhard', scopes: ['orders.write'] };
const START = Date.parse('2026-11-24T06:00:00.000Z');
const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/webhook-deliveries';

const world = useWorld();

const at = (ms: number): string => new Date(ms).toISOString();
const bodies = () => world.queued.map((message) => JSON.parse(message.body) as unknown);

/** An endpoint that answers the given statuses in turn (the last one from then on); counts its posts. */
function endpointAnswering(...statuses: number[]): { post: WebhookPost; posted: string[] } {
  const posted: string[] = [];
  const post: WebhookPost = async (_url, headers) => {
    posted.push(headers['webhook-id'] as string);
    return { statusCode: statuses[Math.min(posted.length - 1, statuses.length - 1)] as number };
  };
  return { post, posted };
}

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

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
  resetConfigForTests();
  await givenIssuedOrder(CASE_ID);
});

afterEach(() => {
  vi.useRealTimers();
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
    // Given an operator that never registered one, as the notice read it
    const operator = await getOperator('op-webhard');
    expect(operator?.webhookActive).toBeUndefined();
    world.faults.reset();
    // When its notice's webhook step runs
    await queueWebhookEvents(operator!, ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
    // Then no AWS call at all
    expect(world.faults.calls).toBe(0);
    expect(world.queued).toEqual([]);
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
    expect(endpoint.posted).toEqual([ISSUED_ID]);
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
    expect(endpoint.posted).toEqual([ISSUED_ID, ISSUED_ID]);
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
    expect(endpoint.posted).toEqual([ISSUED_ID]);
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

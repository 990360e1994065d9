/**
 * Webhooks (CONTRACT.md section 12, docs/webhooks.md): an operator registers one endpoint; each
 * notice of its orders queues the matching events (a follow-up of the committed event, beside the
 * e-mail); the sender posts what is due, signed by the Standard Webhooks scheme, and retries what
 * failed with backoff for the failure window under the same `webhook-id`; an endpoint that failed
 * for the whole window is disabled and its operator e-mailed. Where the runtime names a queue (the
 * cloud), due deliveries are handed to it and its consumer posts them; elsewhere the scheduled
 * sender posts them itself. Either way one function attempts a delivery, and the table is the
 * source of truth: the queue only says which delivery is due.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Identity } from '../domain/authz';
import type { OperatorNoticeRequest } from '../domain/decider';
import { operatorDecider } from '../domain/deciders/operator';
import { NotFoundError } from '../domain/errors';
import type { Operator } from '../domain/model';
import {
  assertWebhookUrl,
  endpointExhausted,
  mayHaveActiveWebhook,
  nextAttemptAt,
  webhookEventsOfNotice,
  webhookIdOf,
  webhookPayload,
  WEBHOOK_QUEUE_LEASE_MS,
  webhookQueueMessageSchema,
  type WebhookAttempt,
  type WebhookQueueMessage,
} from '../domain/webhooks';
import { deliverOnce, renderWebhookDisabled } from '../notices/index';
import { nowIso } from '../runtime/clock';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { sendWebhookMessage } from '../queue/webhook-queue';
import { operatorPartition, refs } from '../store/keys';
import { getOperator, getOrder } from '../store/repository';
import {
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  getWebhookDelivery,
  getWebhookEndpoint,
  leaseDueWebhookDelivery,
  listDueWebhookDeliveries,
  listWebhookDeliveries,
  putWebhookEndpoint,
  queueWebhookDelivery,
  recordEndpointHealth,
  recordWebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../store/webhooks';
import { act } from './acts';

/** The operator an identity acts for (authz let only operators with an id through). */
function operatorOf(identity: Identity): string {
  if (identity.operatorId === undefined) throw new NotFoundError('The webhook of this account');
  return identity.operatorId;
}

/** A secret of the specification's shape: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Sets the operator record's `webhookActive` flag, which spares every notice of an operator without
 * an active endpoint the read of its endpoint. The flag may say "active" a moment too long, never
 * too short: it is raised before an endpoint becomes active and lowered after it stops, so a fault
 * between the two writes costs a read, never an event; the act's retry completes both.
 */
async function flagWebhook(operatorId: string, active: boolean, by: string): Promise<void> {
  await act(operatorDecider, refs.operator(operatorId), { type: 'UPDATE', by, patch: { webhookActive: active } });
}

/**
 * `PUT /operator/webhook`: registers the endpoint, or replaces it with a new secret; the secret is
 * answered this once. A repeated PUT (a retry after a lost answer) replaces it again: the secret
 * of the latest answer is the one that signs, and one whose answer was lost signs nothing.
 */
export async function registerWebhook(identity: Identity, rawUrl: string): Promise<{ url: string; secret: string }> {
  const operatorId = operatorOf(identity);
  const url = assertWebhookUrl(rawUrl, { allowLoopbackHttp: config().webhooks.allowLoopbackHttp });
  const secret = newSecret();
  await flagWebhook(operatorId, true, identity.userId);
  await putWebhookEndpoint({ operatorId, url, secret, status: 'ACTIVE', createdAt: nowIso() });
  logger.info('webhook registered', { operatorId });
  return { url, secret };
}

/** `GET /operator/webhook`: where events go and whether they still do; never the secret. */
export async function webhookStatus(identity: Identity) {
  const endpoint = await getWebhookEndpoint(operatorOf(identity));
  if (!endpoint) throw new NotFoundError('A webhook of this operator (register one with PUT /operator/webhook)');
  return {
    url: endpoint.url,
    status: endpoint.status,
    createdAt: endpoint.createdAt,
    ...(endpoint.failingSince === undefined ? {} : { failingSince: endpoint.failingSince }),
    ...(endpoint.disabledAt === undefined ? {} : { disabledAt: endpoint.disabledAt }),
  };
}

/**
 * `DELETE /operator/webhook`: no more events; deliveries still pending fail at their next attempt.
 * A removal whose flag was left raised by a fault is finished by the retry, which then succeeds too.
 */
export async function removeWebhook(identity: Identity): Promise<void> {
  const operatorId = operatorOf(identity);
  if (await getWebhookEndpoint(operatorId)) await deleteWebhookEndpoint(operatorId);
  else if ((await getOperator(operatorId))?.webhookActive !== true) throw new NotFoundError('A webhook of this operator');
  await flagWebhook(operatorId, false, identity.userId);
}

const DELIVERIES_LISTED = 100;

/** `GET /operator/webhook/deliveries`: the latest deliveries with every attempt, newest first. */
export async function webhookDeliveries(identity: Identity) {
  const deliveries = await listWebhookDeliveries(operatorOf(identity), DELIVERIES_LISTED);
  return {
    deliveries: deliveries.map((delivery) => ({
      webhookId: delivery.webhookId,
      type: delivery.type,
      orderId: delivery.orderId,
      status: delivery.status,
      createdAt: delivery.createdAt,
      ...(delivery.nextAttemptAt === undefined ? {} : { nextAttemptAt: delivery.nextAttemptAt }),
      attempts: delivery.attempts,
    })),
  };
}

/**
 * Hands a due delivery to the cloud's queue, once per lease: leased first, so that a sweep does not
 * hand it over again; a send that fails leaves it leased, and the sweep hands it over when the lease
 * ends. Answers whether this call handed it over.
 */
async function enqueueDelivery(queueUrl: string, delivery: WebhookQueueMessage, now: string): Promise<boolean> {
  const leaseUntil = new Date(Date.parse(now) + WEBHOOK_QUEUE_LEASE_MS).toISOString();
  if (!(await leaseDueWebhookDelivery(delivery, now, leaseUntil))) return false;
  await sendWebhookMessage(queueUrl, { operatorId: delivery.operatorId, webhookId: delivery.webhookId });
  return true;
}

/**
 * A follow-up's hand-over to the queue: a failure must not fail the notice's follow-up (a workflow
 * task, whose failure would end in the case's failure path over a channel that is only additional),
 * and it loses nothing: the delivery is in the table, and the sweep queues it once it is due and
 * not leased.
 */
async function enqueueDeliveryOrLeaveItToTheSweep(queueUrl: string, delivery: WebhookQueueMessage, now: string): Promise<void> {
  try {
    await enqueueDelivery(queueUrl, delivery, now);
  } catch (error) {
    logger.warn('webhook delivery left for the sweep to queue', {
      operatorId: delivery.operatorId,
      webhookId: delivery.webhookId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

/**
 * Queues the events a notice of the order gives its operator's endpoint, if it has an active one;
 * `operator` is the record the notice went to, whose flag spares an operator without a webhook any
 * read. The follow-up that sent the notice calls it after, so that an `order.issued` states the
 * deadline the e-mail started; repeated (a retried follow-up), it queues nothing new: the ids are
 * the event's. In the cloud each new delivery is handed to the queue at once.
 */
export async function queueWebhookEvents(
  operator: Pick<Operator, 'webhookActive'>,
  orderId: string,
  notice: OperatorNoticeRequest,
  eventKey: string,
): Promise<void> {
  if (!mayHaveActiveWebhook(operator)) return;
  const order = await getOrder(orderId);
  if (!order) return;
  const endpoint = await getWebhookEndpoint(order.operatorId);
  if (endpoint?.status !== 'ACTIVE') return;
  const createdAt = nowIso();
  const { queueUrl } = config().webhooks;
  for (const type of webhookEventsOfNotice(notice, order)) {
    const delivery = { operatorId: order.operatorId, webhookId: webhookIdOf(orderId, eventKey, type) };
    await queueWebhookDelivery({
      ...delivery,
      type,
      orderId,
      payload: JSON.stringify(webhookPayload(type, createdAt, order, notice)),
      createdAt,
    });
    if (queueUrl !== undefined) await enqueueDeliveryOrLeaveItToTheSweep(queueUrl, delivery, createdAt);
  }
}

/** What posting one delivery got: an HTTP status, or the error that kept it from getting one. */
export type PostOutcome = { readonly statusCode: number } | { readonly error: string };
export type WebhookPost = (url: string, headers: Record<string, string>, body: string) => Promise<PostOutcome>;

/** How long an endpoint may take to answer before the attempt counts as failed. */
const POST_TIMEOUT_MS = 10_000;

export const postOverHttp: WebhookPost = async (url, headers, body) => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { statusCode: response.status };
  } catch (error) {
    // The cause's code (ECONNREFUSED, a TLS failure), not its message: nothing of the request is repeated.
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    return { error: typeof cause === 'string' ? cause : error instanceof Error ? error.name : 'request failed' };
  }
};

export const delivered = (outcome: PostOutcome): boolean =>
  'statusCode' in outcome && outcome.statusCode >= 200 && outcome.statusCode < 300;

/** Tells the operator, once per disabling, that its endpoint is disabled. */
async function tellEndpointDisabled(endpoint: WebhookEndpoint): Promise<void> {
  const operator = await getOperator(endpoint.operatorId);
  if (!operator || operator.contactEmails.length === 0 || endpoint.disabledAt === undefined) return;
  const { policy, apiBaseUrl } = config();
  const failingSince = endpoint.failingSince ?? endpoint.disabledAt;
  const disabledAt = endpoint.disabledAt;
  await deliverOnce(operatorPartition(endpoint.operatorId), `WEBHOOK_DISABLED#${disabledAt}`, operator.contactEmails, () =>
    renderWebhookDisabled({ operator, url: endpoint.url, failingSince, disabledAt, links: { api: apiBaseUrl }, policy }),
  );
}

/** A delivery that cannot be attempted (no endpoint, or a disabled one) fails with why. */
async function failUnattempted(delivery: WebhookDelivery, error: string, now: string): Promise<void> {
  await recordWebhookAttempt(delivery, { at: now, error }, { status: 'FAILED' });
}

/**
 * Attempts one delivery if it is due: signs the body for this attempt's time, posts it, records
 * the attempt and what comes next, and the endpoint's health; disables an endpoint that failed
 * for the whole window. Safe to repeat and to run twice at once: one attempt is recorded per try.
 */
export async function attemptWebhookDelivery(
  operatorId: string,
  webhookId: string,
  now: string,
  post: WebhookPost = postOverHttp,
  random: () => number = () => randomInt(1_000_000) / 1_000_000,
): Promise<void> {
  const delivery = await getWebhookDelivery(operatorId, webhookId);
  if (delivery?.status !== 'PENDING' || (delivery.nextAttemptAt !== undefined && delivery.nextAttemptAt > now)) return;
  const endpoint = await getWebhookEndpoint(operatorId);
  if (!endpoint) return failUnattempted(delivery, 'no webhook registered', now);
  if (endpoint.status === 'DISABLED') {
    // The disabling attempt may have been cut off before it lowered the flag or told the operator.
    await flagWebhook(operatorId, false, 'system');
    await tellEndpointDisabled(endpoint);
    return failUnattempted(delivery, 'webhook disabled', now);
  }

  const sentAt = new Date(now);
  const headers = {
    'webhook-id': delivery.webhookId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(endpoint.secret).sign(delivery.webhookId, sentAt, delivery.payload),
  };
  const outcome = await post(endpoint.url, headers, delivery.payload);
  const ok = delivered(outcome);
  const attempt: WebhookAttempt = { at: now, ...outcome };
  const { retry } = config().webhooks;
  const next = ok
    ? undefined
    : nextAttemptAt({ firstAttemptAt: delivery.firstAttemptAt ?? now, failedAttempts: delivery.attempts.length + 1, now }, retry, random());
  const recorded = await recordWebhookAttempt(
    delivery,
    attempt,
    ok ? { status: 'DELIVERED' } : next === undefined ? { status: 'FAILED' } : { status: 'PENDING', nextAttemptAt: next },
  );
  logger.info('webhook attempt', {
    operatorId,
    webhookId,
    type: delivery.type,
    ...outcome,
    recorded,
    ...(next ? { nextAttemptAt: next } : {}),
  });

  const health = await recordEndpointHealth(endpoint, { delivered: ok, at: now });
  if (!ok && health && endpointExhausted(health.failingSince, now, retry) && (await disableWebhookEndpoint(health, now))) {
    logger.warn('webhook disabled after failing for the whole retry window', { operatorId, failingSince: health.failingSince });
    await flagWebhook(operatorId, false, 'system');
    await tellEndpointDisabled({ ...health, status: 'DISABLED', disabledAt: now });
  }
}

/** How many due deliveries one run attempts; the rest wait for the next run. */
const DELIVERIES_PER_RUN = 50;

/**
 * The scheduled sender. Where the runtime names a queue (the cloud) it is the sweep that hands
 * every delivery due by `now` and not already leased to the queue (its first attempt, a retry
 * come due, one whose message was lost); elsewhere it attempts them itself, one by one.
 */
export async function sendDueWebhooks(now: string, post: WebhookPost = postOverHttp): Promise<{ attempted: number; queued: number }> {
  const due = await listDueWebhookDeliveries(now, DELIVERIES_PER_RUN);
  const { queueUrl } = config().webhooks;
  if (queueUrl !== undefined) {
    let queued = 0;
    for (const delivery of due) if (await enqueueDelivery(queueUrl, delivery, now)) queued += 1;
    return { attempted: 0, queued };
  }
  for (const { operatorId, webhookId } of due) await attemptWebhookDelivery(operatorId, webhookId, now, post);
  return { attempted: due.length, queued: 0 };
}

/** A message of the delivery queue, as its consumer receives it. */
export interface QueuedWebhookMessage {
  readonly messageId: string;
  readonly body: string;
}

/**
 * The queue's consumer (the cloud): attempts the delivery each message names, all at once (each
 * waits on its own endpoint). Answers the messages whose handling failed, for SQS to deliver again
 * (partial batch failure): an attempt that got no 2xx is not one of them, it is recorded and
 * retried on its schedule; a message that cannot be read is, and ends in the dead-letter queue.
 */
export async function sendQueuedWebhooks(
  messages: readonly QueuedWebhookMessage[],
  now: string,
  post: WebhookPost = postOverHttp,
): Promise<{ failedMessageIds: string[] }> {
  const outcomes = await Promise.allSettled(
    messages.map(async (message) => {
      const { operatorId, webhookId } = webhookQueueMessageSchema.parse(JSON.parse(message.body));
      await attemptWebhookDelivery(operatorId, webhookId, now, post);
    }),
  );
  const failedMessageIds = messages.flatMap((message, index) => (outcomes[index]?.status === 'rejected' ? [message.messageId] : []));
  for (const messageId of failedMessageIds) logger.warn('webhook message left for the queue to deliver again', { messageId });
  return { failedMessageIds };
}

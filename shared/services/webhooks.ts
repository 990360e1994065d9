/**
 * Webhooks (CONTRACT.md section 12, docs/webhooks.md): an operator registers one endpoint; each
 * notice of its orders queues the matching events (a follow-up of the committed event, beside the
 * e-mail); a scheduled sender posts what is due, signed by the Standard Webhooks scheme, and
 * retries what failed with backoff for the failure window under the same `webhook-id`; an endpoint
 * that failed for the whole window is disabled and its operator e-mailed.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Identity } from '../domain/authz';
import type { OperatorNoticeRequest } from '../domain/decider';
import { NotFoundError } from '../domain/errors';
import {
  assertWebhookUrl,
  endpointExhausted,
  nextAttemptAt,
  webhookEventsOfNotice,
  webhookIdOf,
  webhookPayload,
  type WebhookAttempt,
} from '../domain/webhooks';
import { deliverOnce, renderWebhookDisabled } from '../notices/index';
import { nowIso } from '../runtime/clock';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { operatorPartition } from '../store/keys';
import { getOperator, getOrder } from '../store/repository';
import {
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  getWebhookDelivery,
  getWebhookEndpoint,
  listDueWebhookDeliveries,
  listWebhookDeliveries,
  putWebhookEndpoint,
  queueWebhookDelivery,
  recordEndpointHealth,
  recordWebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../store/webhooks';

/** The operator an identity acts for (authz let only operators with an id through). */
function operatorOf(identity: Identity): string {
  if (identity.operatorId === undefined) throw new NotFoundError('The webhook of this account');
  return identity.operatorId;
}

/** A secret of the specification's shape: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `PUT /operator/webhook`: registers the endpoint, or replaces it with a new secret; the secret is answered this once. */
export async function registerWebhook(identity: Identity, rawUrl: string): Promise<{ url: string; secret: string }> {
  const url = assertWebhookUrl(rawUrl, { allowLoopbackHttp: config().webhooks.allowLoopbackHttp });
  const secret = newSecret();
  await putWebhookEndpoint({ operatorId: operatorOf(identity), url, secret, status: 'ACTIVE', createdAt: nowIso() });
  logger.info('webhook registered', { operatorId: identity.operatorId });
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

/** `DELETE /operator/webhook`: no more events; deliveries still pending fail at their next attempt. */
export async function removeWebhook(identity: Identity): Promise<void> {
  const operatorId = operatorOf(identity);
  if (!(await getWebhookEndpoint(operatorId))) throw new NotFoundError('A webhook of this operator');
  await deleteWebhookEndpoint(operatorId);
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
 * Queues the events a notice of the order gives its operator's endpoint, if it has an active one.
 * The follow-up that sent the notice calls it after, so that an `order.issued` states the deadline
 * the e-mail started; repeated (a retried follow-up), it queues nothing new: the ids are the event's.
 */
export async function queueWebhookEvents(orderId: string, notice: OperatorNoticeRequest, eventKey: string): Promise<void> {
  const order = await getOrder(orderId);
  if (!order) return;
  const endpoint = await getWebhookEndpoint(order.operatorId);
  if (endpoint?.status !== 'ACTIVE') return;
  const createdAt = nowIso();
  for (const type of webhookEventsOfNotice(notice, order)) {
    await queueWebhookDelivery({
      operatorId: order.operatorId,
      webhookId: webhookIdOf(orderId, eventKey, type),
      type,
      orderId,
      payload: JSON.stringify(webhookPayload(type, createdAt, order, notice)),
      createdAt,
    });
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
    await tellEndpointDisabled({ ...health, status: 'DISABLED', disabledAt: now });
  }
}

/** How many due deliveries one run attempts; the rest wait for the next run. */
const DELIVERIES_PER_RUN = 50;

/** The scheduled sender: attempts every delivery due by `now`, one by one; answers how many it tried. */
export async function sendDueWebhooks(now: string, post: WebhookPost = postOverHttp): Promise<{ attempted: number }> {
  const due = await listDueWebhookDeliveries(now, DELIVERIES_PER_RUN);
  for (const { operatorId, webhookId } of due) await attemptWebhookDelivery(operatorId, webhookId, now, post);
  return { attempted: due.length };
}

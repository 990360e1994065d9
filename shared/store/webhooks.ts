/**
 * Webhook items (docs/webhooks.md): an operator's endpoint (`OPERATOR#{id}` / `WEBHOOK`, with the
 * signing secret, which no answer but the registration's shows), and one delivery per event
 * (`OPERATOR#{id}` / `WEBHOOK_DELIVERY#{webhookId}`) with its attempts. Neither is a record of the
 * legal procedure (the e-mails are): they are written with single-item conditional writes, each
 * safe to repeat. A pending delivery is listed on GSI2 `WEBHOOKS_DUE` by its next attempt; every
 * delivery on GSI1 `WEBHOOK_DELIVERIES#{operatorId}`, newest last. In the cloud a delivery handed to
 * the queue is leased: its place on `WEBHOOKS_DUE` moves to the lease's end, so the sweep lists it
 * again only if no attempt was recorded by then.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookAttempt, WebhookDeliveryStatus, WebhookEventType, WebhookStatus } from '../domain/webhooks';
import { config } from '../runtime/config';
import { documentClient } from './client';
import { operatorPartition, type ItemKey } from './keys';
import { GSI1, GSI2 } from './table';

const tableName = (): string => config().tableName;
const DUE = 'WEBHOOKS_DUE';
const DELIVERY_PREFIX = 'WEBHOOK_DELIVERY#';

export const webhookKeys = {
  endpoint: (operatorId: string): ItemKey => ({ pk: operatorPartition(operatorId), sk: 'WEBHOOK' }),
  delivery: (operatorId: string, webhookId: string): ItemKey => ({
    pk: operatorPartition(operatorId),
    sk: `${DELIVERY_PREFIX}${webhookId}`,
  }),
};

export interface WebhookEndpoint {
  readonly operatorId: string;
  readonly url: string;
  /** `whsec_…`: signs every delivery; shown to the operator once, when registered. */
  readonly secret: string;
  readonly status: WebhookStatus;
  readonly createdAt: string;
  /** Since when every attempt failed (cleared by a success). */
  readonly failingSince?: string;
  readonly disabledAt?: string;
}

export interface WebhookDelivery {
  readonly operatorId: string;
  readonly webhookId: string;
  readonly type: WebhookEventType;
  readonly orderId: string;
  /** The body every attempt sends, fixed when the event was queued. */
  readonly payload: string;
  readonly status: WebhookDeliveryStatus;
  readonly createdAt: string;
  readonly attempts: readonly WebhookAttempt[];
  readonly firstAttemptAt?: string;
  readonly nextAttemptAt?: string;
}

async function read<T>(key: ItemKey): Promise<T | undefined> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return result.Item as T | undefined;
}

function conditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

export const getWebhookEndpoint = (operatorId: string) => read<WebhookEndpoint>(webhookKeys.endpoint(operatorId));

/** Registers (or replaces, with a new secret) the operator's endpoint; it starts healthy. */
export async function putWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
  await documentClient.send(
    new PutCommand({ TableName: tableName(), Item: { ...webhookKeys.endpoint(endpoint.operatorId), ...endpoint } }),
  );
}

export async function deleteWebhookEndpoint(operatorId: string): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: webhookKeys.endpoint(operatorId) }));
}

/**
 * Records on the endpoint how the latest attempt went, if it is still the one that was tried (a
 * registration in between replaced it and starts healthy). Answers the endpoint as it now stands.
 */
export async function recordEndpointHealth(
  endpoint: WebhookEndpoint,
  outcome: { readonly delivered: boolean; readonly at: string },
): Promise<WebhookEndpoint | undefined> {
  try {
    const result = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKeys.endpoint(endpoint.operatorId),
        UpdateExpression: outcome.delivered ? 'REMOVE failingSince' : 'SET failingSince = if_not_exists(failingSince, :at)',
        ConditionExpression: 'secret = :secret',
        ExpressionAttributeValues: { ':secret': endpoint.secret, ...(outcome.delivered ? {} : { ':at': outcome.at }) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as WebhookEndpoint | undefined;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

/** Disables the endpoint; answers whether this call did it (only that caller tells the operator). */
export async function disableWebhookEndpoint(endpoint: WebhookEndpoint, at: string): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKeys.endpoint(endpoint.operatorId),
        UpdateExpression: 'SET #status = :disabled, disabledAt = :at',
        ConditionExpression: 'secret = :secret AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':secret': endpoint.secret, ':disabled': 'DISABLED', ':active': 'ACTIVE', ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

const dueKey = (at: string, operatorId: string, webhookId: string): string => `${at}#${operatorId}#${webhookId}`;
/** Above every due key of `now`, whatever its operator and webhook id. */
const dueBy = (now: string): string => `${now}#\uffff`;

/** Queues a delivery, due at once; a delivery queued before under the same id stays as it is. */
export async function queueWebhookDelivery(
  delivery: Pick<WebhookDelivery, 'operatorId' | 'webhookId' | 'type' | 'orderId' | 'payload' | 'createdAt'>,
): Promise<void> {
  const item = {
    ...webhookKeys.delivery(delivery.operatorId, delivery.webhookId),
    ...delivery,
    status: 'PENDING',
    attempts: [],
    nextAttemptAt: delivery.createdAt,
    [GSI1.partitionKey]: `WEBHOOK_DELIVERIES#${delivery.operatorId}`,
    [GSI1.sortKey]: `${delivery.createdAt}#${delivery.webhookId}`,
    [GSI2.partitionKey]: DUE,
    [GSI2.sortKey]: dueKey(delivery.createdAt, delivery.operatorId, delivery.webhookId),
  };
  try {
    await documentClient.send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
}

export const getWebhookDelivery = (operatorId: string, webhookId: string) =>
  read<WebhookDelivery>(webhookKeys.delivery(operatorId, webhookId));

/** Pending deliveries due by `now`, soonest first. */
export async function listDueWebhookDeliveries(now: string, limit: number): Promise<{ operatorId: string; webhookId: string }[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: GSI2.indexName,
      KeyConditionExpression: '#pk = :due AND #sk <= :now',
      ExpressionAttributeNames: { '#pk': GSI2.partitionKey, '#sk': GSI2.sortKey },
      ExpressionAttributeValues: { ':due': DUE, ':now': dueBy(now) },
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => ({ operatorId: item.operatorId as string, webhookId: item.webhookId as string }));
}

/**
 * Leases a due delivery to the queue until `leaseUntil` (see the header); answers whether this call
 * leased it: false when it is no longer pending, not yet due, or leased already (by a sweep or by
 * the follow-up that queued it), so one due delivery is handed to the queue once per lease.
 */
export async function leaseDueWebhookDelivery(
  delivery: { readonly operatorId: string; readonly webhookId: string },
  now: string,
  leaseUntil: string,
): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKeys.delivery(delivery.operatorId, delivery.webhookId),
        UpdateExpression: 'SET #dueSk = :leased',
        ConditionExpression: '#status = :pending AND #dueSk <= :now',
        ExpressionAttributeNames: { '#status': 'status', '#dueSk': GSI2.sortKey },
        ExpressionAttributeValues: {
          ':pending': 'PENDING',
          ':now': dueBy(now),
          ':leased': dueKey(leaseUntil, delivery.operatorId, delivery.webhookId),
        },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** The operator's latest deliveries, newest first. */
export async function listWebhookDeliveries(operatorId: string, limit: number): Promise<WebhookDelivery[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: GSI1.indexName,
      KeyConditionExpression: '#pk = :list',
      ExpressionAttributeNames: { '#pk': GSI1.partitionKey },
      ExpressionAttributeValues: { ':list': `WEBHOOK_DELIVERIES#${operatorId}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? []) as WebhookDelivery[];
}

/**
 * Records attempt number `attempts.length + 1` and what comes next: delivered, failed for good, or
 * due again at `nextAttemptAt`. Conditioned on the attempts recorded so far, so two senders that
 * tried the same delivery at once record one attempt; answers whether this call recorded it.
 */
export async function recordWebhookAttempt(
  delivery: WebhookDelivery,
  attempt: WebhookAttempt,
  next: { readonly status: WebhookDeliveryStatus; readonly nextAttemptAt?: string },
): Promise<boolean> {
  const pending = next.status === 'PENDING' && next.nextAttemptAt !== undefined;
  const set = [
    '#status = :status',
    'attempts = list_append(attempts, :attempt)',
    'firstAttemptAt = if_not_exists(firstAttemptAt, :at)',
    ...(pending ? ['nextAttemptAt = :next', '#dueSk = :dueSk'] : []),
  ];
  const remove = pending ? [] : ['nextAttemptAt', '#duePk', '#dueSk'];
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKeys.delivery(delivery.operatorId, delivery.webhookId),
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'size(attempts) = :tried AND #status = :pending',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#dueSk': GSI2.sortKey,
          ...(pending ? {} : { '#duePk': GSI2.partitionKey }),
        },
        ExpressionAttributeValues: {
          ':status': next.status,
          ':attempt': [attempt],
          ':at': attempt.at,
          ':tried': delivery.attempts.length,
          ':pending': 'PENDING',
          ...(pending
            ? { ':next': next.nextAttemptAt, ':dueSk': dueKey(next.nextAttemptAt, delivery.operatorId, delivery.webhookId) }
            : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Typed reads and single-item conditional writes on the one table. No transactions (dynalite has
 * none): each state change is one conditional write, and callers make retries harmless by
 * treating "condition failed because it already happened" as success.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { nextAuditEvent } from '../domain/audit';
import type {
  AppealRecord,
  AuditEvent,
  CaseRecord,
  CaseUrl,
  Operator,
  OrderRecord,
  ReviewRecord,
} from '../domain/model';
import { caseIdOf } from '../domain/ids';
import { chunk } from '../domain/orders';
import { config } from '../runtime/config';
import { TransientError } from '../runtime/transient';
import { documentClient } from './client';
import { casePartition, KEY_FIELDS, keys, type ItemKey } from './keys';
import { GSI1, GSI2 } from './table';

/** A conditional write found the item not in the expected state. */
export class ConditionFailedError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`condition failed: ${what}`, options);
    this.name = 'ConditionFailedError';
  }
}

const URLS_PER_CHUNK = 100;
/** Writers racing for the chain's next sequence number retry with jittered, growing pauses. */
const AUDIT_APPEND_ATTEMPTS = 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How far back an audit append looks for its own event when a handler is retried. */
const AUDIT_DEDUPE_WINDOW = 50;

const tableName = (): string => config().tableName;

type Item = Record<string, unknown>;

function withoutKeys<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const field of KEY_FIELDS) delete copy[field];
  return copy as T;
}

export async function getItem<T>(key: ItemKey, consistent = true): Promise<T | undefined> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent }));
  return result.Item ? withoutKeys<T>(result.Item) : undefined;
}

/** Puts an item that must not exist yet; answers false (and writes nothing) when it does. */
export async function putIfAbsent(item: Item & ItemKey): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function putItem(item: Item & ItemKey): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: item }));
}

export interface UpdateSpec {
  /** Top-level attributes to set. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Top-level attributes to remove (e.g. a sparse index key). */
  readonly remove?: readonly string[];
  /** Values to append to list attributes (created when absent). */
  readonly append?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * A condition over the item, with `#name` and `:value` placeholders given in `names`/`values`.
   * `attribute_exists(pk)` is always added, so an update never creates an item.
   */
  readonly condition?: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** Applies an update in one conditional write and answers the item as it is afterwards. */
export async function updateItem<T>(key: ItemKey, spec: UpdateSpec, what = key.sk): Promise<T> {
  const names: Record<string, string> = { ...spec.names };
  const values: Record<string, unknown> = { ...spec.values };
  const setParts: string[] = [];
  let index = 0;
  for (const [field, value] of Object.entries(spec.set ?? {})) {
    names[`#u${index}`] = field;
    values[`:u${index}`] = value;
    setParts.push(`#u${index} = :u${index}`);
    index += 1;
  }
  for (const [field, items] of Object.entries(spec.append ?? {})) {
    names[`#u${index}`] = field;
    values[`:u${index}`] = items;
    values[':emptyList'] = [];
    setParts.push(`#u${index} = list_append(if_not_exists(#u${index}, :emptyList), :u${index})`);
    index += 1;
  }
  const removeParts = (spec.remove ?? []).map((field) => {
    names[`#u${index}`] = field;
    return `#u${index++}`;
  });
  const expression = [
    setParts.length > 0 ? `SET ${setParts.join(', ')}` : '',
    removeParts.length > 0 ? `REMOVE ${removeParts.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const condition = spec.condition ? `attribute_exists(pk) AND (${spec.condition})` : 'attribute_exists(pk)';
  try {
    const result = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return withoutKeys<T>(result.Attributes ?? {});
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError(what, { cause: error });
    throw error;
  }
}

/** Reads every page of a query. */
async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({ TableName: tableName(), ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && (limit === undefined || items.length < limit));
  return limit === undefined ? items : items.slice(0, limit);
}

async function queryCasePartition(caseId: string, skPrefix: string): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': casePartition(caseId), ':prefix': skPrefix },
    ConsistentRead: true,
  });
}

async function queryIndex(
  index: typeof GSI1,
  partition: string,
  options: { before?: string; newestFirst?: boolean; limit?: number } = {},
): Promise<Item[]> {
  return queryAll(
    {
      IndexName: index.indexName,
      KeyConditionExpression: options.before
        ? `${index.partitionKey} = :p AND ${index.sortKey} < :before`
        : `${index.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': partition, ...(options.before ? { ':before': options.before } : {}) },
      ScanIndexForward: !options.newestFirst,
    },
    options.limit,
  );
}

// ------------------------------------------------------------------------------------------ cases

export function caseItem(record: CaseRecord): Item & ItemKey {
  return {
    ...keys.case(record.caseId),
    ...record,
    gsi1pk: 'CASES',
    gsi1sk: `${record.createdAt}#${record.caseId}`,
    gsi2pk: `REPORTER#${record.createdBy}`,
    gsi2sk: record.createdAt,
  };
}

export const getCase = (caseId: string) => getItem<CaseRecord>(keys.case(caseId));

/** Writes the URL chunks first and the case item last, so a case that exists has all its URLs. */
export async function createCase(record: CaseRecord, urls: readonly CaseUrl[]): Promise<boolean> {
  await writeUrls(record.caseId, urls);
  return putIfAbsent(caseItem(record));
}

export async function writeUrls(caseId: string, urls: readonly CaseUrl[]): Promise<void> {
  const byOperator = new Map<string | null, CaseUrl[]>();
  for (const url of urls) byOperator.set(url.operatorId, [...(byOperator.get(url.operatorId) ?? []), url]);
  const writes: Promise<void>[] = [];
  for (const [operatorId, group] of byOperator) {
    chunk(group, URLS_PER_CHUNK).forEach((part, index) => {
      writes.push(putItem({ ...keys.urlChunk(caseId, operatorId, index), urls: part }));
    });
  }
  await Promise.all(writes);
}

/** The case's URLs; with an operator id, only that operator's (`null`: the unassigned ones). */
export async function getCaseUrls(caseId: string, operatorId?: string | null): Promise<CaseUrl[]> {
  const items = await queryCasePartition(caseId, keys.urlChunkPrefix(operatorId));
  return items.flatMap((item) => item.urls as CaseUrl[]);
}

/** Removes the chunks of URLs that were unassigned once they have been matched to operators. */
export async function deleteUnassignedUrlChunks(caseId: string): Promise<void> {
  const items = await queryCasePartition(caseId, keys.urlChunkPrefix(null));
  await Promise.all(
    items.map((item) =>
      documentClient.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET urls = :empty',
          ExpressionAttributeValues: { ':empty': [] },
        }),
      ),
    ),
  );
}

export async function listCases(options: { status?: string; limit?: number } = {}): Promise<CaseRecord[]> {
  const items = await queryIndex(GSI1, 'CASES', { newestFirst: true });
  const cases = items.map((item) => withoutKeys<CaseRecord>(item));
  const filtered = options.status ? cases.filter((record) => record.status === options.status) : cases;
  return options.limit === undefined ? filtered : filtered.slice(0, options.limit);
}

export async function listCasesByReporter(userId: string): Promise<CaseRecord[]> {
  const items = await queryIndex(GSI2, `REPORTER#${userId}`, { newestFirst: true });
  return items.map((item) => withoutKeys<CaseRecord>(item));
}

export const updateCase = (caseId: string, spec: UpdateSpec) =>
  updateItem<CaseRecord>(keys.case(caseId), spec, `case ${caseId}`);

// ----------------------------------------------------------------------------------------- orders

export function orderItem(order: OrderRecord): Item & ItemKey {
  const open = order.complianceStatus === 'ISSUED' || order.complianceStatus === 'ACKNOWLEDGED';
  return {
    ...keys.order(order.caseId, order.orderId),
    ...order,
    gsi1pk: `OPERATOR#${order.operatorId}`,
    gsi1sk: `${order.issuedAt}#${order.orderId}`,
    ...(open ? { gsi2pk: 'OPEN_ORDERS', gsi2sk: `${order.deadlineAt}#${order.orderId}` } : {}),
  };
}

/** Index attributes to remove once an order's compliance is no longer open. */
export const CLOSE_OPEN_ORDER: readonly string[] = ['gsi2pk', 'gsi2sk'];

export async function getOrder(orderId: string): Promise<OrderRecord | undefined> {
  const caseId = caseIdOf(orderId);
  return caseId ? getItem<OrderRecord>(keys.order(caseId, orderId)) : undefined;
}

export const putOrderIfAbsent = (order: OrderRecord) => putIfAbsent(orderItem(order));

export function updateOrder(orderId: string, spec: UpdateSpec): Promise<OrderRecord> {
  const caseId = caseIdOf(orderId);
  if (!caseId) throw new ConditionFailedError(`malformed order id ${orderId}`);
  return updateItem<OrderRecord>(keys.order(caseId, orderId), spec, `order ${orderId}`);
}

export async function listOrdersOfCase(caseId: string): Promise<OrderRecord[]> {
  return (await queryCasePartition(caseId, 'ORDER#')).map((item) => withoutKeys<OrderRecord>(item));
}

export async function listOrdersOfOperator(operatorId: string): Promise<OrderRecord[]> {
  const items = await queryIndex(GSI1, `OPERATOR#${operatorId}`, { newestFirst: true });
  return items.map((item) => withoutKeys<OrderRecord>(item));
}

/** Orders whose compliance is still open, by deadline; `dueBefore` limits to deadlines before it. */
export async function listOpenOrders(dueBefore?: string): Promise<OrderRecord[]> {
  const items = await queryIndex(GSI2, 'OPEN_ORDERS', dueBefore ? { before: dueBefore } : {});
  return items.map((item) => withoutKeys<OrderRecord>(item));
}

// ---------------------------------------------------------------------------------------- reviews

export function reviewItem(review: ReviewRecord): Item & ItemKey {
  return {
    ...keys.review(review.caseId, review.reviewId),
    ...review,
    gsi1pk: 'REVIEWS',
    gsi1sk: `${review.openedAt}#${review.reviewId}`,
    ...(review.status === 'OPEN' ? { gsi2pk: 'OPEN_REVIEWS', gsi2sk: `${review.closesAt}#${review.reviewId}` } : {}),
  };
}

export async function getReview(reviewId: string): Promise<ReviewRecord | undefined> {
  const caseId = caseIdOf(reviewId);
  return caseId ? getItem<ReviewRecord>(keys.review(caseId, reviewId)) : undefined;
}

export const putReviewIfAbsent = (review: ReviewRecord) => putIfAbsent(reviewItem(review));

export function updateReview(reviewId: string, spec: UpdateSpec): Promise<ReviewRecord> {
  const caseId = caseIdOf(reviewId);
  if (!caseId) throw new ConditionFailedError(`malformed review id ${reviewId}`);
  return updateItem<ReviewRecord>(keys.review(caseId, reviewId), spec, `review ${reviewId}`);
}

export async function listReviews(): Promise<ReviewRecord[]> {
  return (await queryIndex(GSI1, 'REVIEWS', { newestFirst: true })).map((item) => withoutKeys<ReviewRecord>(item));
}

export async function listReviewsOfCase(caseId: string): Promise<ReviewRecord[]> {
  return (await queryCasePartition(caseId, 'REVIEW#')).map((item) => withoutKeys<ReviewRecord>(item));
}

export async function listOpenReviews(dueBefore?: string): Promise<ReviewRecord[]> {
  const items = await queryIndex(GSI2, 'OPEN_REVIEWS', dueBefore ? { before: dueBefore } : {});
  return items.map((item) => withoutKeys<ReviewRecord>(item));
}

/** The sort key of the open-reviews index for a new `closesAt` (an extension moves it). */
export const openReviewIndex = (review: Pick<ReviewRecord, 'reviewId'>, closesAt: string) => ({
  gsi2pk: 'OPEN_REVIEWS',
  gsi2sk: `${closesAt}#${review.reviewId}`,
});

// ---------------------------------------------------------------------------------------- appeals

export const putAppealIfAbsent = (appeal: AppealRecord) =>
  putIfAbsent({ ...keys.appeal(appeal.caseId, appeal.appealId), ...appeal });

export async function getAppeal(appealId: string): Promise<AppealRecord | undefined> {
  const caseId = caseIdOf(appealId);
  return caseId ? getItem<AppealRecord>(keys.appeal(caseId, appealId)) : undefined;
}

export function updateAppeal(appeal: Pick<AppealRecord, 'caseId' | 'appealId'>, spec: UpdateSpec) {
  return updateItem<AppealRecord>(keys.appeal(appeal.caseId, appeal.appealId), spec, `appeal ${appeal.appealId}`);
}

export async function listAppealsOfCase(caseId: string): Promise<AppealRecord[]> {
  return (await queryCasePartition(caseId, 'APPEAL#')).map((item) => withoutKeys<AppealRecord>(item));
}

// ------------------------------------------------------------------------------------------ audit

export interface AuditEntry {
  /** Names the state change, so that a retried handler does not record it twice. */
  readonly key: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Appends one event to the case's hash chain. The put is conditional on the sequence number being
 * free, so two writers racing cannot fork the chain: the loser reads the new head and tries again.
 */
export async function appendAudit(caseId: string, entry: AuditEntry): Promise<AuditEvent> {
  for (let attempt = 0; attempt < AUDIT_APPEND_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await sleep(Math.random() * Math.min(1000, 20 * 2 ** attempt));
    const recent = await queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': casePartition(caseId), ':prefix': 'AUDIT#' },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: AUDIT_DEDUPE_WINDOW,
      },
      AUDIT_DEDUPE_WINDOW,
    );
    const already = recent.find((item) => item.eventKey === entry.key);
    if (already) return auditEventOf(already);
    const head = recent[0] ? auditEventOf(recent[0]) : null;
    const event = nextAuditEvent(head, {
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      details: entry.details ?? {},
    });
    if (await putIfAbsent({ ...keys.audit(caseId, event.seq), ...event, eventKey: entry.key })) return event;
  }
  // The workflow retries a TransientError with backoff; the API answers it as 503, try again.
  throw new TransientError(`could not append to the audit chain of ${caseId}: too many writers at once`);
}

function auditEventOf(item: Item): AuditEvent {
  const { seq, at, actor, action, details, prevHash, hash } = item as unknown as AuditEvent;
  return { seq, at, actor, action, details, prevHash, hash };
}

export async function listAudit(caseId: string): Promise<AuditEvent[]> {
  return (await queryCasePartition(caseId, 'AUDIT#')).map(auditEventOf);
}

// ------------------------------------------------------------------------------------ task tokens

/** Task tokens never leave the table except towards Step Functions. */
export async function storeTaskToken(caseId: string, purpose: string, token: string, at: string): Promise<void> {
  await putItem({ ...keys.taskToken(caseId, purpose), token, storedAt: at });
}

export async function getTaskToken(caseId: string, purpose: string): Promise<string | undefined> {
  const item = await getItem<{ token: string }>(keys.taskToken(caseId, purpose));
  return item?.token;
}

// -------------------------------------------------------------------------------------- notices

export type NoticeClaim =
  | { readonly state: 'CLAIMED' }
  | { readonly state: 'SENT'; readonly messageId: string; readonly sentAt: string }
  | { readonly state: 'IN_FLIGHT' };

/**
 * How long a claim without a message id blocks a resend: a crash must not lose a legal notice.
 * Shorter than the workflow's retries last (2+4+8+16+32 s), so a task that died after claiming is
 * sent by its own retry rather than failing the case.
 */
const NOTICE_CLAIM_TTL_MS = 30 * 1000;
/** A claimedAt older than any claim's lifetime: the next claimNotice takes the claim over at once. */
const RELEASED_AT = '1970-01-01T00:00:00.000Z';

/**
 * Claims the right to send the notice for one event. SENT: it went out already. IN_FLIGHT: another
 * sender claimed it moments ago. CLAIMED: send it now, then call `recordNoticeSent`.
 */
export async function claimNotice(caseId: string, eventKey: string, at: string): Promise<NoticeClaim> {
  const key = keys.notice(caseId, eventKey);
  if (await putIfAbsent({ ...key, claimedAt: at })) return { state: 'CLAIMED' };
  const existing = await getItem<{ claimedAt: string; messageId?: string; sentAt?: string }>(key);
  if (existing?.messageId && existing.sentAt) return { state: 'SENT', messageId: existing.messageId, sentAt: existing.sentAt };
  const claimedAt = existing ? Date.parse(existing.claimedAt) : 0;
  if (Date.parse(at) - claimedAt < NOTICE_CLAIM_TTL_MS) return { state: 'IN_FLIGHT' };
  try {
    await updateItem(key, {
      set: { claimedAt: at },
      condition: 'claimedAt = :previous AND attribute_not_exists(messageId)',
      values: { ':previous': existing?.claimedAt },
    });
    return { state: 'CLAIMED' };
  } catch (error) {
    if (error instanceof ConditionFailedError) return { state: 'IN_FLIGHT' };
    throw error;
  }
}

/**
 * Gives a claim back after SES refused the message, so the retry sends it at once instead of
 * waiting out the claim's lifetime. Only our own claim, and only while nothing was recorded sent.
 */
export async function releaseNoticeClaim(caseId: string, eventKey: string, claimedAt: string): Promise<void> {
  try {
    await updateItem(keys.notice(caseId, eventKey), {
      set: { claimedAt: RELEASED_AT },
      condition: 'claimedAt = :mine AND attribute_not_exists(messageId)',
      values: { ':mine': claimedAt },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

export async function recordNoticeSent(caseId: string, eventKey: string, messageId: string, sentAt: string) {
  await updateItem(keys.notice(caseId, eventKey), { set: { messageId, sentAt } });
}

// -------------------------------------------------------------------------------------- operators

export function operatorItem(operator: Operator): Item & ItemKey {
  return { ...keys.operator(operator.operatorId), ...operator, gsi1pk: 'OPERATORS', gsi1sk: operator.operatorId };
}

export const getOperator = (operatorId: string) => getItem<Operator>(keys.operator(operatorId));

export async function listOperators(): Promise<Operator[]> {
  return (await queryIndex(GSI1, 'OPERATORS')).map((item) => withoutKeys<Operator>(item));
}

/** A domain belongs to one operator: the claim item makes that a single conditional put. */
export async function claimDomain(domain: string, operatorId: string): Promise<boolean> {
  if (await putIfAbsent({ ...keys.domain(domain), operatorId })) return true;
  const existing = await getItem<{ operatorId: string }>(keys.domain(domain));
  return existing?.operatorId === operatorId;
}

export async function releaseDomain(domain: string, operatorId: string): Promise<void> {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.domain(domain),
        ConditionExpression: 'operatorId = :operatorId',
        ExpressionAttributeValues: { ':operatorId': operatorId },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

// ---------------------------------------------------------------------------------- idempotency

export interface IdempotencyRecord {
  readonly bodyHash: string;
  readonly caseId: string;
  readonly createdAt: string;
}

export const getIdempotencyRecord = (userId: string, key: string) =>
  getItem<IdempotencyRecord>(keys.idempotency(userId, key));

export const putIdempotencyRecord = (userId: string, key: string, record: IdempotencyRecord) =>
  putIfAbsent({ ...keys.idempotency(userId, key), ...record });

/**
 * The search entries of cases (docs/architecture.md, "Table"): one item per facet of a case in
 * the case's partition, listed in GSI1 under `FIND#{facet}` by `{createdAt}#{caseId}`. Like the URL
 * chunks, they are written before the case's first event (and again when a retry files it), so a
 * case that exists is found under every facet it has. The entries hold no state that changes: a
 * search reads each case it finds from its item, so the status it filters on is the record's.
 * Every read is a Query of one GSI1 partition; nothing here scans the table.
 */
import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { caseIdOf } from '../domain/ids';
import type { CaseRecord, OrderRecord } from '../domain/model';
import {
  decodeOrderCursor,
  encodeOrderCursor,
  matchesOrderPlan,
  type OrderList,
  type OrderSearchPlan,
  orderIdOfPosition,
} from '../domain/order-search';
import { decodeCursor, encodeCursor, matchesPlan, type SearchPlan } from '../domain/search';
import { config } from '../runtime/config';
import { putAll } from './batch-write';
import { documentClient } from './client';
import { ALL_ORDERS, NON_COMPLIANT_ORDERS, OPEN_ORDERS, OVERDUE_ORDERS, UNDELIVERED_ORDERS } from './indexes';
import { type ItemKey, keys, orderSearchEntryKey, searchEntryKey, searchPartition, urlCasesKey } from './keys';
import { GSI1, GSI2, GSI3, type IndexDefinition } from './table';

const ALL_CASES = 'CASES';
/** BatchGetItem's limit. */
const BATCH_GET_LIMIT = 100;
/** Entries written at once: DynamoDB Local and the cloud both take this many puts in flight well. */
const WRITE_CONCURRENCY = 16;

const tableName = (): string => config().tableName;
const sortKeyOf = (record: Pick<CaseRecord, 'createdAt' | 'caseId'>): string => `${record.createdAt}#${record.caseId}`;
const caseIdOfSortKey = (sortKey: string): string => sortKey.slice(sortKey.lastIndexOf('#') + 1);

/** Runs `work` on every item, at most `concurrency` at a time. */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function writeSearchEntries(record: Pick<CaseRecord, 'caseId' | 'createdAt'>, facetList: readonly string[]): Promise<void> {
  await putAll(
    facetList.map((facet) => ({
      ...searchEntryKey(record.caseId, facet),
      gsi1pk: searchPartition(facet),
      gsi1sk: sortKeyOf(record),
      caseId: record.caseId,
    })),
    'search entries',
  );
}

/** The items of the given keys that exist (BatchGetItem, 100 keys a call), by partition key. */
async function getRecordItems(itemKeys: readonly ItemKey[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < itemKeys.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] | undefined = itemKeys.slice(start, start + BATCH_GET_LIMIT).map((key) => ({ ...key }));
    while (pending !== undefined && pending.length > 0) {
      const answer: BatchGetCommandOutput = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[tableName()] ?? []) found.set(`${item.pk as string}|${item.sk as string}`, item);
      pending = answer.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

/** The records of the given items that exist, by `idOf`. */
async function getRecords<T>(itemKeys: readonly ItemKey[], idOf: (record: T) => string): Promise<Map<string, T>> {
  const items = await getRecordItems(itemKeys);
  return new Map([...items.values()].map((item) => [idOf(item.record as T), item.record as T]));
}

/** The cases of the given ids that exist, by id. */
export const getCases = (caseIds: readonly string[]): Promise<Map<string, CaseRecord>> =>
  getRecords<CaseRecord>(
    [...new Set(caseIds)].map((caseId) => keys.case(caseId)),
    (record) => record.caseId,
  );

export interface CasePage {
  readonly cases: CaseRecord[];
  readonly nextCursor?: string;
}

/**
 * One page of the cases a search plan finds, newest first. Reads the plan's GSI1 partition page by
 * page and checks each case against the plan, so a page holds `limit` cases unless none are left.
 */
export async function searchCases(plan: SearchPlan, limit: number, cursor?: string): Promise<CasePage> {
  const partition = plan.facet === null ? ALL_CASES : searchPartition(plan.facet);
  const filtered = plan.status !== undefined || plan.category !== undefined;
  // The cursor's case was answered already: the query goes on after it.
  let startKey: Record<string, unknown> | undefined;
  if (cursor !== undefined) {
    const position = decodeCursor(partition, cursor);
    const caseId = caseIdOfSortKey(position);
    startKey = { ...(plan.facet === null ? keys.case(caseId) : searchEntryKey(caseId, plan.facet)), gsi1pk: partition, gsi1sk: position };
  }
  const cases: CaseRecord[] = [];
  for (;;) {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':p': partition, ':from': plan.from, ':to': plan.to },
        ScanIndexForward: false,
        // One more than asked, to know whether there is more; more still when a filter will drop some.
        Limit: filtered ? Math.min(1000, (limit + 1) * 4) : limit + 1,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = page.Items ?? [];
    const records =
      plan.facet === null
        ? new Map(items.map((item) => [(item.record as CaseRecord).caseId, item.record as CaseRecord]))
        : await getCases(items.map((item) => item.caseId as string));
    for (const item of items) {
      const record = records.get(caseIdOfSortKey(item.gsi1sk as string));
      if (record === undefined || !matchesPlan(plan, record)) continue;
      if (cases.length === limit) return { cases, nextCursor: encodeCursor(partition, sortKeyOf(cases[cases.length - 1] as CaseRecord)) };
      cases.push(record);
    }
    startKey = page.LastEvaluatedKey;
    if (startKey === undefined) return { cases };
  }
}

/**
 * Adds the case to each of its URLs' item (a string set of `{createdAt}#{caseId}`): adding is
 * idempotent, so a retried filing changes nothing, and the duplicate check reads these items by key.
 */
export async function writeUrlCases(record: Pick<CaseRecord, 'caseId' | 'createdAt'>, urlFacets: readonly string[]): Promise<void> {
  await forEachLimited([...new Set(urlFacets)], WRITE_CONCURRENCY, async (facet) => {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: urlCasesKey(facet),
        UpdateExpression: 'ADD #cases :case',
        ExpressionAttributeNames: { '#cases': 'cases' },
        ExpressionAttributeValues: { ':case': new Set([sortKeyOf(record)]) },
      }),
    );
  });
}

/** The ids of the cases holding each URL facet, newest first, at most `limit` a URL: BatchGetItem, 100 URLs a call. */
export async function caseIdsOfUrls(urlFacets: readonly string[], limit: number): Promise<Map<string, string[]>> {
  const distinct = [...new Set(urlFacets)];
  const items = await getRecordItems(distinct.map(urlCasesKey));
  const found = new Map<string, string[]>();
  for (const facet of distinct) {
    const key = urlCasesKey(facet);
    const held = items.get(`${key.pk}|${key.sk}`)?.cases as Set<string> | undefined;
    if (held === undefined) continue;
    found.set(facet, [...held].sort().reverse().slice(0, limit).map(caseIdOfSortKey));
  }
  return found;
}

// ------------------------------------------------------------------------------------- orders

/**
 * An order's entries under its facets (its URLs and their hosts), listed in GSI1 by
 * `{issuedAt}#{orderId}`. Written before the order's first event, and again by a retried issue.
 */
export async function writeOrderSearchEntries(
  order: Pick<OrderRecord, 'orderId' | 'caseId' | 'issuedAt'>,
  facetList: readonly string[],
): Promise<void> {
  await putAll(
    facetList.map((facet) => ({
      ...orderSearchEntryKey(order.caseId, order.orderId, facet),
      gsi1pk: searchPartition(facet),
      gsi1sk: `${order.issuedAt}#${order.orderId}`,
      orderId: order.orderId,
    })),
    'search entries',
  );
}

const LIST_PARTITIONS: Record<OrderList, string> = {
  OPEN: OPEN_ORDERS,
  UNDELIVERED: UNDELIVERED_ORDERS,
  OVERDUE: OVERDUE_ORDERS,
  NON_COMPLIANT: NON_COMPLIANT_ORDERS,
};

/** The Query a plan's source stands for: its index (none: the table), partition, and the key of the item at a position. */
interface OrderQuery {
  readonly index?: IndexDefinition;
  readonly partition: string;
  readonly keyAt: (position: string) => Record<string, unknown>;
}

function orderQueryOf(plan: OrderSearchPlan): OrderQuery {
  const orderKey = (position: string): ItemKey => {
    const orderId = orderIdOfPosition(position);
    return keys.order(caseIdOf(orderId) ?? '', orderId);
  };
  const onIndex = (index: IndexDefinition, partition: string, itemKey: (position: string) => ItemKey): OrderQuery => ({
    index,
    partition,
    keyAt: (position) => ({ ...itemKey(position), [index.partitionKey]: partition, [index.sortKey]: position }),
  });
  const { source } = plan;
  switch (source.kind) {
    case 'case':
      return { partition: keys.case(source.caseId).pk, keyAt: (position) => ({ pk: keys.case(source.caseId).pk, sk: position }) };
    case 'facet':
      return onIndex(GSI1, searchPartition(source.facet), (position) => {
        const orderId = orderIdOfPosition(position);
        return orderSearchEntryKey(caseIdOf(orderId) ?? '', orderId, source.facet);
      });
    case 'operator':
      return onIndex(GSI1, `OPERATOR#${source.operatorId}`, orderKey);
    case 'list':
      return onIndex(GSI2, LIST_PARTITIONS[source.list], orderKey);
    case 'all':
      return onIndex(GSI3, ALL_ORDERS, orderKey);
    default: {
      const unknown: never = source;
      throw new Error(`unknown order source ${JSON.stringify(unknown)}`);
    }
  }
}

export interface OrderPage {
  readonly orders: OrderRecord[];
  readonly nextCursor?: string;
}

/**
 * One page of the orders a plan finds. Reads the plan's one partition page by page (its entries'
 * orders by BatchGetItem) and checks each order against the plan, so a page holds `limit` orders
 * unless none are left; a first page that no filter thins is one Query.
 */
export async function searchOrders(plan: OrderSearchPlan, limit: number, cursor?: string): Promise<OrderPage> {
  const query = orderQueryOf(plan);
  const sortKey = query.index?.sortKey ?? 'sk';
  const keyCondition =
    query.index === undefined
      ? { expression: 'pk = :p AND begins_with(sk, :prefix)', values: { ':prefix': 'ORDER#' } }
      : plan.keyRange === undefined
        ? { expression: `${query.index.partitionKey} = :p`, values: {} }
        : {
            expression: `${query.index.partitionKey} = :p AND ${sortKey} BETWEEN :from AND :to`,
            values: { ':from': plan.keyRange.from, ':to': plan.keyRange.to },
          };
  let startKey = cursor === undefined ? undefined : query.keyAt(decodeOrderCursor(plan.source, cursor));
  const orders: { order: OrderRecord; position: string }[] = [];
  for (;;) {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        ...(query.index === undefined ? {} : { IndexName: query.index.indexName }),
        KeyConditionExpression: keyCondition.expression,
        ExpressionAttributeValues: { ':p': query.partition, ...keyCondition.values },
        ScanIndexForward: !plan.newestFirst,
        // One more than asked, to know whether there is more; more still when a filter will drop some.
        Limit: plan.filtered ? Math.min(1000, (limit + 1) * 4) : limit + 1,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = page.Items ?? [];
    const records =
      plan.source.kind === 'facet'
        ? await getRecords<OrderRecord>(
            items.map((item) => keys.order(caseIdOf(item.orderId as string) ?? '', item.orderId as string)),
            (record) => record.orderId,
          )
        : new Map(items.map((item) => [(item.record as OrderRecord).orderId, item.record as OrderRecord]));
    for (const item of items) {
      const position = item[sortKey] as string;
      const order = records.get(orderIdOfPosition(position));
      if (order === undefined || !matchesOrderPlan(plan, order)) continue;
      if (orders.length === limit) {
        const last = orders[orders.length - 1] as { position: string };
        return { orders: orders.map((found) => found.order), nextCursor: encodeOrderCursor(plan.source, last.position) };
      }
      orders.push({ order, position });
    }
    startKey = page.LastEvaluatedKey;
    if (startKey === undefined) return { orders: orders.map((found) => found.order) };
  }
}

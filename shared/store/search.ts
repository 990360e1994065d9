/**
 * The search entries of cases (docs/architecture.md, "Table"): one item per facet of a case in
 * the case's partition, listed in GSI1 under `FIND#{facet}` by `{createdAt}#{caseId}`. Like the URL
 * chunks, they are written before the case's first event (and again when a retry files it), so a
 * case that exists is found under every facet it has. The entries hold no state that changes: a
 * search reads each case it finds from its item, so the status it filters on is the record's.
 * Every read is a Query of one GSI1 partition; nothing here scans the table.
 */
import { BatchGetCommand, type BatchGetCommandOutput, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../domain/model';
import { decodeCursor, encodeCursor, matchesPlan, type SearchPlan } from '../domain/search';
import { config } from '../runtime/config';
import { documentClient } from './client';
import { keys, searchEntryKey, searchPartition } from './keys';
import { GSI1 } from './table';

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
  await forEachLimited(facetList, WRITE_CONCURRENCY, async (facet) => {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...searchEntryKey(record.caseId, facet), gsi1pk: searchPartition(facet), gsi1sk: sortKeyOf(record), caseId: record.caseId },
      }),
    );
  });
}

/** The cases of the given ids that exist, by id. */
export async function getCases(caseIds: readonly string[]): Promise<Map<string, CaseRecord>> {
  const found = new Map<string, CaseRecord>();
  for (let start = 0; start < caseIds.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] | undefined = [...new Set(caseIds.slice(start, start + BATCH_GET_LIMIT))].map((caseId) => ({
      ...keys.case(caseId),
    }));
    while (pending !== undefined && pending.length > 0) {
      const answer: BatchGetCommandOutput = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[tableName()] ?? []) found.set((item.record as CaseRecord).caseId, item.record as CaseRecord);
      pending = answer.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

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

/** The ids of the cases listed under a facet, newest first, at most `limit`. */
export async function caseIdsUnder(facet: string, limit: number): Promise<string[]> {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': searchPartition(facet) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map((item) => item.caseId as string);
}

/**
 * The hash list's items (docs/hashes.md, "Where the list lives"). One item per listed hash of a
 * case, in a partition of its own, keyed by the case and the hash so that listing it again finds
 * it; its `entryId` is random and set once, so it leads nowhere. Each change takes the next number
 * of the list's change sequence and is kept in GSI2 (`HASH_CHANGES`, by that number: the export's
 * pages, removals included); a listed entry is also in GSI1 (`HASH_LIST`: what the matcher loads).
 * The list's version item counts published changes, which tells a warm matcher to load again.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HashListEntry } from '../domain/hashes';
import type { Category, ContentHash } from '../domain/model';
import { config } from '../runtime/config';
import { documentClient } from './client';
import type { ItemKey } from './keys';
import { GSI1, GSI2 } from './table';

const tableName = (): string => config().tableName;

const VERSION_KEY: ItemKey = { pk: 'HASHLIST', sk: 'VERSION' };
const LISTED = 'HASH_LIST';
const CHANGES = 'HASH_CHANGES';
const entryKey = (caseId: string, hash: ContentHash): ItemKey => ({ pk: `HASHLIST#${caseId}`, sk: `${hash.algorithm}#${hash.value}` });
/** Sort keys that order as numbers do. */
const seqKey = (seq: number): string => String(seq).padStart(15, '0');

const NAMES = { '#status': 'status', '#value': 'value' };

/** Which list the version belongs to (a new table starts a new one) and how many changes were published. */
export interface ListVersion {
  readonly listId: string;
  readonly version: number;
}

export async function readListVersion(): Promise<ListVersion> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: VERSION_KEY, ConsistentRead: true }));
  const item = result.Item;
  return {
    listId: typeof item?.listId === 'string' ? item.listId : '',
    version: typeof item?.listVersion === 'number' ? item.listVersion : 0,
  };
}

/** Tells warm matchers that the list changed: after the entries are written, so a matcher that sees it finds them. */
export async function publishListChange(): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: VERSION_KEY,
      UpdateExpression: 'SET listId = if_not_exists(listId, :listId) ADD listVersion :one',
      ExpressionAttributeValues: { ':listId': randomUUID(), ':one': 1 },
    }),
  );
}

async function nextChangeSeq(): Promise<number> {
  const result = await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: VERSION_KEY,
      UpdateExpression: 'SET listId = if_not_exists(listId, :listId) ADD changeSeq :one',
      ExpressionAttributeValues: { ':listId': randomUUID(), ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return result.Attributes?.changeSeq as number;
}

async function entryStatus(key: ItemKey): Promise<string | undefined> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: key,
      ConsistentRead: true,
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  return result.Item?.status as string | undefined;
}

/** Runs a conditional update; false when its condition found the change made already. */
async function updateUnlessDone(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> {
  try {
    await documentClient.send(new UpdateCommand({ TableName: tableName(), ...input }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Lists the case's hash (again); false when it is listed already. A number taken by a write that then failed is a harmless gap. */
export async function listHash(caseId: string, hash: ContentHash, category: Category, at: string): Promise<boolean> {
  const key = entryKey(caseId, hash);
  if ((await entryStatus(key)) === 'LISTED') return false;
  const seq = await nextChangeSeq();
  return updateUnlessDone({
    Key: key,
    UpdateExpression:
      'SET entryId = if_not_exists(entryId, :entryId), algorithm = :algorithm, #value = :value, category = :category, #status = :listed, ' +
      'listedAt = :at, changeSeq = :seq, gsi1pk = :listedPartition, gsi1sk = :seqKey, gsi2pk = :changes, gsi2sk = :seqKey REMOVE removedAt',
    ConditionExpression: 'attribute_not_exists(pk) OR #status <> :listed',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':entryId': randomUUID(),
      ':algorithm': hash.algorithm,
      ':value': hash.value,
      ':category': category,
      ':listed': 'LISTED',
      ':at': at,
      ':seq': seq,
      ':listedPartition': LISTED,
      ':changes': CHANGES,
      ':seqKey': seqKey(seq),
    },
  });
}

/** Takes the case's hash off the list; false when it is not listed. */
export async function unlistHash(caseId: string, hash: ContentHash, at: string): Promise<boolean> {
  const key = entryKey(caseId, hash);
  if ((await entryStatus(key)) !== 'LISTED') return false;
  const seq = await nextChangeSeq();
  return updateUnlessDone({
    Key: key,
    UpdateExpression: 'SET #status = :removed, removedAt = :at, changeSeq = :seq, gsi2sk = :seqKey REMOVE gsi1pk, gsi1sk',
    ConditionExpression: '#status = :listed',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':removed': 'REMOVED', ':listed': 'LISTED', ':at': at, ':seq': seq, ':seqKey': seqKey(seq) },
  });
}

const entryOf = (item: Record<string, unknown>): HashListEntry => ({
  entryId: item.entryId as string,
  algorithm: item.algorithm as HashListEntry['algorithm'],
  value: item.value as string,
  category: item.category as Category,
  listedAt: item.listedAt as string,
});

/** Every listed hash: a paged query of GSI1's `HASH_LIST` partition (never a scan). */
export async function readListedHashes(): Promise<HashListEntry[]> {
  const entries: HashListEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'gsi1pk = :listed',
        ExpressionAttributeValues: { ':listed': LISTED },
        ProjectionExpression: 'entryId, algorithm, #value, category, listedAt',
        ExpressionAttributeNames: { '#value': 'value' },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) entries.push(entryOf(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return entries;
}

/** A change of the list: the entry as it stands after it (listed, or removed). */
export type HashListChange =
  | { readonly kind: 'LISTED'; readonly seq: number; readonly entry: HashListEntry }
  | { readonly kind: 'REMOVED'; readonly seq: number; readonly entry: HashListEntry; readonly removedAt: string };

/** Up to `limit` changes after change number `since`, oldest first; `more` when others follow. */
export async function readListChanges(since: number, limit: number): Promise<{ changes: HashListChange[]; more: boolean }> {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: GSI2.indexName,
      KeyConditionExpression: 'gsi2pk = :changes AND gsi2sk > :since',
      ExpressionAttributeValues: { ':changes': CHANGES, ':since': seqKey(since) },
      Limit: limit,
    }),
  );
  const changes = (page.Items ?? []).map((item): HashListChange => {
    const seq = item.changeSeq as number;
    return item.status === 'REMOVED'
      ? { kind: 'REMOVED', seq, entry: entryOf(item), removedAt: item.removedAt as string }
      : { kind: 'LISTED', seq, entry: entryOf(item) };
  });
  return { changes, more: page.LastEvaluatedKey !== undefined };
}

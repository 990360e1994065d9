/**
 * The block list in the table (docs/blocklist.md, docs/architecture.md "Table"), with single-item
 * conditional writes only, like the journal:
 *
 * - `CHANGE#{version}`: one version's change. Putting it (absent until then) IS the change: two
 *   writers racing for the same version cannot both land, so versions have no gaps and none is
 *   made twice.
 * - `ENTRY#{sha256(url)}`: the current entries, and `HEAD`: the version they show. Both are derived
 *   from the committed changes, in order (entries first, then the head), each write conditional on
 *   being behind, so whoever finds a change committed and not applied (a writer that crashed)
 *   applies it again, harmlessly: writers before they plan, readers before they read.
 * - `SIGNING_KEY`: the list's ES256 key pair, written once by the first writer.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BlocklistChange, PlannedChange, StoredBlocklistEntry } from '../domain/blocklist';
import { chunk } from '../domain/orders';
import { config, heldForTable } from '../runtime/config';
import { TransientError } from '../runtime/transient';
import { documentClient } from './client';
import type { ItemKey } from './keys';

const tableName = (): string => config().tableName;

const PARTITION = 'BLOCKLIST';
const ENTRY_PREFIX = 'ENTRY#';
const CHANGE_PREFIX = 'CHANGE#';
const VERSION_DIGITS = 12;

export const blocklistKeys = {
  head: (): ItemKey => ({ pk: PARTITION, sk: 'HEAD' }),
  change: (version: number): ItemKey => ({ pk: PARTITION, sk: `${CHANGE_PREFIX}${String(version).padStart(VERSION_DIGITS, '0')}` }),
  /** URLs can outgrow a key (2,048 characters): the entry is found by the URL's hash. */
  entry: (url: string): ItemKey => ({
    pk: PARTITION,
    sk: `${ENTRY_PREFIX}${createHash('sha256').update(url, 'utf8').digest('base64url')}`,
  }),
  signingKey: (): ItemKey => ({ pk: PARTITION, sk: 'SIGNING_KEY' }),
} as const;

/** Readers racing a stream of writers try this often to find the entries at rest under one version. */
const SNAPSHOT_ATTEMPTS = 10;

async function readAppliedVersion(): Promise<number> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: blocklistKeys.head(), ConsistentRead: true }));
  return typeof result.Item?.version === 'number' ? result.Item.version : 0;
}

async function readChange(version: number): Promise<BlocklistChange | undefined> {
  const result = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: blocklistKeys.change(version), ConsistentRead: true }),
  );
  return result.Item ? changeOf(result.Item) : undefined;
}

function changeOf(item: Record<string, unknown>): BlocklistChange {
  return {
    version: item.version as number,
    at: item.at as string,
    caseId: item.caseId as string,
    added: item.added as StoredBlocklistEntry[],
    removed: item.removed as StoredBlocklistEntry[],
  };
}

/** Applies a committed change to the entries, then moves the head to it; each write is a no-op when done. */
async function apply(change: BlocklistChange): Promise<void> {
  const values = { ':version': change.version };
  for (const entry of change.removed) {
    await ignoringDone(
      new DeleteCommand({
        TableName: tableName(),
        Key: blocklistKeys.entry(entry.url),
        ConditionExpression: 'attribute_exists(pk) AND #version < :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: values,
      }),
    );
  }
  for (const entry of change.added) {
    await ignoringDone(
      new PutCommand({
        TableName: tableName(),
        Item: { ...blocklistKeys.entry(entry.url), ...entry, version: change.version },
        ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: values,
      }),
    );
  }
  await ignoringDone(
    new UpdateCommand({
      TableName: tableName(),
      Key: blocklistKeys.head(),
      UpdateExpression: 'SET #version = :version',
      ConditionExpression: 'attribute_not_exists(#version) OR #version < :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * The version this process last applied, or found applied with no change after it, where it is the
 * table's only writer (`npm start`): the next catch-up answers it without reading the head and the
 * change after it. Unknown while one of the process's commits is on its way or after one that
 * failed; a catch-up beside a commit that began or ended is not kept.
 */
interface AppliedVersion {
  version?: number;
  /** Moved when a commit begins and when it ends. */
  changes: number;
  /** Commits on their way. */
  committing: number;
}

const appliedByTable = new Map<string, AppliedVersion>();
const appliedVersion = (): AppliedVersion | undefined =>
  config().singleWriterProcess ? heldForTable(appliedByTable, () => ({ changes: 0, committing: 0 })) : undefined;

/** Forgets the applied version, for a table put back to an earlier state behind the process's back (a test's restore). */
export function forgetAppliedBlocklistVersion(): void {
  appliedByTable.clear();
}

/** Applies every committed change the head is behind; answers the last committed version. */
export async function catchUpBlocklist(): Promise<number> {
  const applied = appliedVersion();
  if (applied?.version !== undefined) return applied.version;
  const changes = applied?.changes;
  let version = await readAppliedVersion();
  for (;;) {
    const next = await readChange(version + 1);
    if (next === undefined) break;
    await apply(next);
    version = next.version;
  }
  if (applied !== undefined && applied.changes === changes && applied.committing === 0) applied.version = version;
  return version;
}

/**
 * Commits `change` as the version after `after` and applies it. Answers false when another writer
 * took that version first: the caller catches up and plans again.
 */
export async function commitChange(after: number, change: PlannedChange): Promise<boolean> {
  const committed: BlocklistChange = { ...change, version: after + 1 };
  const applied = appliedVersion();
  if (applied !== undefined) {
    applied.version = undefined;
    applied.changes += 1;
    applied.committing += 1;
  }
  const changes = applied?.changes;
  let landed = false;
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...blocklistKeys.change(committed.version), ...committed },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await apply(committed);
    landed = true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  } finally {
    if (applied !== undefined) {
      // Applied alone, the head is this change's version; otherwise the next catch-up reads it.
      applied.version = landed && applied.changes === changes ? committed.version : undefined;
      applied.changes += 1;
      applied.committing -= 1;
    }
  }
  return true;
}

/** The current entries of these URLs (those listed), read consistently, 100 keys a call. */
export async function readEntriesOf(urls: readonly string[]): Promise<Map<string, StoredBlocklistEntry>> {
  const found = new Map<string, StoredBlocklistEntry>();
  for (const part of chunk([...new Set(urls)], 100)) {
    let requested: Record<string, unknown>[] = part.map((url) => ({ ...blocklistKeys.entry(url) }));
    while (requested.length > 0) {
      const result = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: requested, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) found.set(item.url as string, entryOf(item));
      requested = (result.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return found;
}

function entryOf(item: Record<string, unknown>): StoredBlocklistEntry {
  return {
    url: item.url as string,
    host: item.host as string,
    orderId: item.orderId as string,
    since: item.since as string,
    caseId: item.caseId as string,
  };
}

async function queryPartition(prefix: string, between?: readonly [string, string]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: between ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: between
          ? { ':pk': PARTITION, ':from': between[0], ':to': between[1] }
          : { ':pk': PARTITION, ':prefix': prefix },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Every entry as of one version. The entries are read after catching up; no change after that
 * version was committed by the end of the read (it would have to be committed before it is
 * applied), so they are exactly that version's. A writer slipping in between makes it read again.
 */
export async function readSnapshot(): Promise<{ version: number; entries: StoredBlocklistEntry[] }> {
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt += 1) {
    const version = await catchUpBlocklist();
    const entries = (await queryPartition(ENTRY_PREFIX)).map(entryOf);
    if ((await readChange(version + 1)) === undefined) return { version, entries };
  }
  throw new TransientError('The block list kept changing while it was read; try again');
}

/** The committed changes after `since` up to `until`, oldest first. */
export async function readChanges(since: number, until: number): Promise<BlocklistChange[]> {
  if (until <= since) return [];
  const items = await queryPartition(CHANGE_PREFIX, [blocklistKeys.change(since + 1).sk, blocklistKeys.change(until).sk]);
  return items.map(changeOf);
}

export interface StoredSigningKey {
  readonly privateJwk: Record<string, unknown>;
  readonly publicJwk: Record<string, unknown>;
}

/** Stores the key pair unless one is stored already, then answers the stored one: the first writer's wins. */
export async function storeSigningKeyOnce(candidate: StoredSigningKey, at: string): Promise<StoredSigningKey> {
  await ignoringDone(
    new PutCommand({
      TableName: tableName(),
      Item: { ...blocklistKeys.signingKey(), ...candidate, createdAt: at },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  const result = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: blocklistKeys.signingKey(), ConsistentRead: true }),
  );
  if (!result.Item) throw new TransientError('The block list signing key was not found after it was stored; try again');
  return { privateJwk: result.Item.privateJwk as Record<string, unknown>, publicJwk: result.Item.publicJwk as Record<string, unknown> };
}

export async function readSigningKey(): Promise<StoredSigningKey | undefined> {
  const result = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: blocklistKeys.signingKey(), ConsistentRead: true }),
  );
  return result.Item
    ? { privateJwk: result.Item.privateJwk as Record<string, unknown>, publicJwk: result.Item.publicJwk as Record<string, unknown> }
    : undefined;
}

/** A conditional write whose condition failing means "done already". */
async function ignoringDone(command: PutCommand | DeleteCommand | UpdateCommand): Promise<void> {
  try {
    await documentClient.send(command as PutCommand);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

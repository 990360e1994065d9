/**
 * The hash list (docs/hashes.md): a case's hashes join it while one of its orders stands
 * confirmed and leave it when none does; operators match their uploads against it and export it.
 */
import { type HashListEntry, type HashMatch, type HashMatchRequest, hashesOfCase, standsConfirmed } from '../domain/hashes';
import { buildPdqIndex, PDQ_WORDS, pdqWords, type PdqIndex } from '../domain/pdq-index';
import { nowMs } from '../runtime/clock';
import { logger } from '../runtime/logger';
import {
  type HashListChange,
  type ListVersion,
  listHash,
  publishListChange,
  readListChanges,
  readListedHashes,
  readListVersion,
  unlistHash,
} from '../store/hash-list';
import { getCase, listOrdersOfCase } from '../store/repository';
import { activePolicy } from './policies';

/**
 * Brings the case's listing in line with its orders as they stand now, so that running it again,
 * late or twice (a retried follow-up, the sweeper) lists each hash once and leaves it right.
 */
export async function syncHashListing(caseId: string, at: string): Promise<void> {
  const record = await getCase(caseId);
  const hashes = record === undefined ? [] : hashesOfCase(record);
  if (record === undefined || hashes.length === 0) return;
  const listed = (await listOrdersOfCase(caseId)).some(standsConfirmed);
  let changed = 0;
  for (const hash of hashes) {
    if (listed ? await listHash(caseId, hash, record.category, at) : await unlistHash(caseId, hash, at)) changed += 1;
  }
  // Published even when this run changed nothing: an earlier run may have written its entries and
  // stopped before publishing them.
  await publishListChange();
  logger.info('hash list synced', { caseId, listed, hashes: hashes.length, changed });
}

// ------------------------------------------------------------------------------------ matching

interface LoadedList {
  readonly version: ListVersion;
  readonly loadedAtMs: number;
  /** SHA256 and MD5 entries by `algorithm:value`. */
  readonly exact: ReadonlyMap<string, readonly HashListEntry[]>;
  readonly pdqIndex: PdqIndex;
  /** The PDQ entries, by the ordinal the index answers. */
  readonly pdqEntries: readonly HashListEntry[];
}

/**
 * Kept across invocations of a warm function. Each call reads the list's version item (one
 * consistent GetItem) and loads the list again when it changed; the age limit also covers an
 * index (GSI) that was still behind the version when the list was loaded.
 */
let loaded: LoadedList | undefined;
const MAX_LIST_AGE_MS = 5 * 60_000;

function buildList(entries: readonly HashListEntry[], version: ListVersion): LoadedList {
  const exact = new Map<string, HashListEntry[]>();
  const pdqEntries = entries.filter((entry) => entry.algorithm === 'PDQ');
  for (const entry of entries) {
    if (entry.algorithm === 'PDQ') continue;
    const key = `${entry.algorithm}:${entry.value}`;
    exact.set(key, [...(exact.get(key) ?? []), entry]);
  }
  const words = new Uint32Array(pdqEntries.length * PDQ_WORDS);
  for (const [ordinal, entry] of pdqEntries.entries()) words.set(pdqWords(entry.value), ordinal * PDQ_WORDS);
  return { version, loadedAtMs: nowMs(), exact, pdqIndex: buildPdqIndex(words), pdqEntries };
}

async function currentList(): Promise<LoadedList> {
  const version = await readListVersion();
  const fresh =
    loaded !== undefined &&
    loaded.version.listId === version.listId &&
    loaded.version.version === version.version &&
    nowMs() - loaded.loadedAtMs < MAX_LIST_AGE_MS;
  if (fresh && loaded) return loaded;
  const started = nowMs();
  loaded = buildList(await readListedHashes(), version);
  logger.info('hash list loaded', {
    version: version.version,
    entries: loaded.pdqEntries.length + loaded.exact.size,
    ms: nowMs() - started,
  });
  return loaded;
}

/** The listed entries each hash matches: exactly for SHA256 and MD5, within the policy's distance for PDQ. */
export async function matchHashes(request: HashMatchRequest): Promise<{ matches: HashMatch[] }> {
  const list = await currentList();
  const radius = activePolicy().policy.hashMatchDistance;
  const matches: HashMatch[] = [];
  for (const { algorithm, value } of request.hashes) {
    if (algorithm === 'PDQ') {
      for (const { ordinal, distance } of list.pdqIndex.search(pdqWords(value), radius)) {
        const { entryId, category } = list.pdqEntries[ordinal]!;
        matches.push({ algorithm, value, entryId, category, distance });
      }
    } else {
      for (const { entryId, category } of list.exact.get(`${algorithm}:${value}`) ?? []) {
        matches.push({ algorithm, value, entryId, category, distance: 0 });
      }
    }
  }
  return { matches };
}

// ------------------------------------------------------------------------------------ export

export const EXPORT_PAGE_SIZE = 1000;

export interface HashExportPage {
  readonly entries: HashListEntry[];
  readonly removed: { entryId: string; algorithm: HashListEntry['algorithm']; value: string; removedAt: string }[];
  /** Give it as `since` for the next page (and, once `more` is false, later, for what changed since). */
  readonly cursor: string;
  readonly more: boolean;
}

/** The list's changes after the cursor, oldest first: entries as listed now, and removals a filter must drop. */
export async function exportHashes(since: string | undefined, pageSize = EXPORT_PAGE_SIZE): Promise<HashExportPage> {
  const after = since === undefined ? 0 : Number(since);
  const { changes, more } = await readListChanges(after, pageSize);
  const last = changes.at(-1)?.seq ?? after;
  const listed = changes.filter((change): change is Extract<HashListChange, { kind: 'LISTED' }> => change.kind === 'LISTED');
  const removed = changes.filter((change): change is Extract<HashListChange, { kind: 'REMOVED' }> => change.kind === 'REMOVED');
  return {
    entries: listed.map((change) => change.entry),
    removed: removed.map(({ entry, removedAt }) => ({ entryId: entry.entryId, algorithm: entry.algorithm, value: entry.value, removedAt })),
    cursor: String(last),
    more,
  };
}

/**
 * The ISPs' block list (CONTRACT.md section 10, docs/blocklist.md): one entry per blocked URL, kept
 * while a binding BLOCK_ACCESS order that lists the URL stands. The list is versioned: every change
 * is a numbered version (1, 2, 3, … without gaps) that adds and removes entries, so an ISP that
 * loaded version v can ask for what changed since. Pure: the store and the service bring the
 * orders, the current entries and the time.
 */
import { z } from 'zod';
import type { Identity } from './authz';
import { ForbiddenError } from './errors';
import type { Operator, OrderRecord } from './model';

export interface BlocklistEntry {
  readonly url: string;
  readonly host: string;
  /** The order the entry stands on: of a case's standing BLOCK_ACCESS orders that list the URL, the first by id. */
  readonly orderId: string;
  /** When the entry was added (the version's time). */
  readonly since: string;
}

/** An entry as the store keeps it: with the case that holds it, which the API never shows. */
export interface StoredBlocklistEntry extends BlocklistEntry {
  readonly caseId: string;
}

/** One version of the list: what it added and removed, and which case's orders caused it. */
export interface BlocklistChange {
  readonly version: number;
  readonly at: string;
  readonly caseId: string;
  readonly added: readonly StoredBlocklistEntry[];
  readonly removed: readonly StoredBlocklistEntry[];
}

/** A change before it has a version. */
export type PlannedChange = Omit<BlocklistChange, 'version'>;

/**
 * At most this many entries change in one version, so that a version is one DynamoDB item (400 KB)
 * even with URLs of 2,048 characters; a case of 1,000 URLs adds them in 10 versions.
 */
export const ENTRIES_PER_VERSION = 100;

/** How many versions one answer of `changes?since=` folds at most; further back, load the full list. */
export const MAX_VERSIONS_PER_CHANGES_ANSWER = 500;

/** `GET /isp/blocklist/changes?since=`: a version an ISP loaded before (0: the empty list before the first version). */
export const blocklistChangesQuerySchema = z.strictObject({
  since: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,11})$/, 'a version: a whole number from 0, as answered in `version`')
    .transform(Number),
});

/**
 * Order events after which a case's entries may have to change (an order revoked or overturned).
 * Issued orders join the list together, once the case's last order is issued: the case's
 * URLS_MATCHED event carries that sync (shared/domain/deciders/case.ts), not each ORDER_ISSUED.
 */
const LIST_CHANGING_ACTIONS: ReadonlySet<string> = new Set(['ORDER_REVOKED', 'APPEAL_GRANTED_ORDER_OVERTURNED']);

/** Whether a committed event on an order can change the block list: then its case's entries are brought in line. */
export function changesBlocklist(event: { readonly action: string; readonly targetKind: string; readonly state: unknown }): boolean {
  if (event.targetKind !== 'order' || !LIST_CHANGING_ACTIONS.has(event.action)) return false;
  const order = event.state as Partial<OrderRecord> | undefined;
  return order?.action === 'BLOCK_ACCESS';
}

/** A BLOCK_ACCESS order stands until the committee revokes it or an appeal overturns it. */
export function orderStands(order: Pick<OrderRecord, 'action' | 'decisionStatus'>): boolean {
  return order.action === 'BLOCK_ACCESS' && order.decisionStatus !== 'REVOKED' && order.decisionStatus !== 'OVERTURNED';
}

export interface OrderUrls {
  readonly order: Pick<OrderRecord, 'orderId' | 'action' | 'decisionStatus'>;
  readonly urls: readonly { readonly url: string; readonly host: string }[];
}

/**
 * The changes that bring a case's entries in line with its orders. A URL is wanted while one of the
 * case's BLOCK_ACCESS orders that lists it stands (every ISP gets its own order for the same URLs:
 * the list has one entry, on the first standing order by id). A wanted URL already listed, by this
 * case or another, is left as it is; an entry of this case no standing order wants is removed.
 * `listed` holds the current entries of every URL of the case's BLOCK_ACCESS orders.
 */
export function planCaseChanges(
  caseId: string,
  orders: readonly OrderUrls[],
  listed: ReadonlyMap<string, StoredBlocklistEntry>,
  at: string,
): PlannedChange[] {
  const wanted = new Map<string, { host: string; orderId: string }>();
  const standing = orders.filter(({ order }) => orderStands(order)).sort((a, b) => compare(a.order.orderId, b.order.orderId));
  for (const { order, urls } of standing) {
    for (const { url, host } of urls) if (!wanted.has(url)) wanted.set(url, { host, orderId: order.orderId });
  }
  const added: StoredBlocklistEntry[] = [];
  for (const [url, { host, orderId }] of [...wanted].sort(([a], [b]) => compare(a, b))) {
    if (!listed.has(url)) added.push({ url, host, orderId, since: at, caseId });
  }
  const removed = [...listed.values()]
    .filter((entry) => entry.caseId === caseId && !wanted.has(entry.url))
    .sort((a, b) => compare(a.url, b.url));
  const changes: PlannedChange[] = [];
  for (let start = 0; start < removed.length; start += ENTRIES_PER_VERSION) {
    changes.push({ at, caseId, added: [], removed: removed.slice(start, start + ENTRIES_PER_VERSION) });
  }
  for (let start = 0; start < added.length; start += ENTRIES_PER_VERSION) {
    changes.push({ at, caseId, added: added.slice(start, start + ENTRIES_PER_VERSION), removed: [] });
  }
  return changes;
}

export interface NetChanges {
  readonly added: BlocklistEntry[];
  readonly removed: BlocklistEntry[];
}

/**
 * What changed between the version before `changes[0]` and the last of `changes` (consecutive,
 * oldest first), as an ISP applies it: remove `removed`, then add `added`. A URL added and removed
 * again in between is in neither; one removed and added again (on another order) is in both.
 */
export function netChanges(changes: readonly BlocklistChange[]): NetChanges {
  const before = new Map<string, BlocklistEntry | null>();
  const after = new Map<string, BlocklistEntry | null>();
  for (const change of changes) {
    for (const entry of change.removed) {
      if (!before.has(entry.url)) before.set(entry.url, publicEntry(entry));
      after.set(entry.url, null);
    }
    for (const entry of change.added) {
      if (!before.has(entry.url)) before.set(entry.url, null);
      after.set(entry.url, publicEntry(entry));
    }
  }
  const added: BlocklistEntry[] = [];
  const removed: BlocklistEntry[] = [];
  for (const [url, first] of before) {
    const last = after.get(url) ?? null;
    if (first !== null && (last === null || !sameEntry(first, last))) removed.push(first);
    if (last !== null && (first === null || !sameEntry(first, last))) added.push(last);
  }
  return { added: added.sort(byUrl), removed: removed.sort(byUrl) };
}

/** An entry as the API shows it: without the case. */
export function publicEntry(entry: BlocklistEntry): BlocklistEntry {
  return { url: entry.url, host: entry.host, orderId: entry.orderId, since: entry.since };
}

/**
 * Who may read the list: staff and auditors, and operators that are access providers (`kind: ISP`);
 * a host has no list to load (403).
 */
export function assertMayReadBlocklist(identity: Identity, operator: Operator | undefined): void {
  if (identity.roles.includes('staff') || identity.roles.includes('auditor')) return;
  if (operator?.kind === 'ISP') return;
  throw new ForbiddenError('The block list is for internet access providers (operators of kind ISP), staff and auditors.');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byUrl = (a: BlocklistEntry, b: BlocklistEntry): number => compare(a.url, b.url);
const sameEntry = (a: BlocklistEntry, b: BlocklistEntry): boolean => a.orderId === b.orderId && a.since === b.since && a.host === b.host;

/**
 * The ISPs' block list (CONTRACT.md section 10, docs/blocklist.md): kept in line with the cases'
 * BLOCK_ACCESS orders by `syncBlocklist`, a follow-up of a case's issuance and of every order event
 * that can change it (shared/services/acts.ts), and answered signed (compact JWS, ES256) to ISPs, staff and auditors.
 */
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Identity } from '../domain/authz';
import {
  assertMayReadBlocklist,
  MAX_VERSIONS_PER_CHANGES_ANSWER,
  netChanges,
  planCaseChanges,
  publicEntry,
  type BlocklistEntry,
  type OrderUrls,
} from '../domain/blocklist';
import { DomainError } from '../domain/errors';
import { urlsOfOrder } from '../domain/orders';
import { facets } from '../domain/search';
import { nowIso } from '../runtime/clock';
import { heldForTable } from '../runtime/config';
import { logger } from '../runtime/logger';
import { TransientError } from '../runtime/transient';
import {
  catchUpBlocklist,
  commitChange,
  readChanges,
  readEntriesOf,
  readSigningKey,
  readSnapshot,
  storeSigningKeyOnce,
} from '../store/blocklist';
import { getCaseUrls, getOperator, listOrdersOfCase } from '../store/repository';
import { caseIdsOfUrls } from '../store/search';

/** A sync gives up (to be redone by the sweeper) after this many lost races for a version. */
const LOST_RACES_ALLOWED = 20;
/** How many other cases holding a URL that left the list are looked at again. */
const CASES_PER_URL = 20;

const SIGNING_ALGORITHM = 'ES256';
/** The detail of a 409 to `changes?since=`: what a client does next. */
export const FULL_LIST_HINT = 'FULL_LIST: load GET /isp/blocklist, then ask for changes since its version';

/** The case's BLOCK_ACCESS orders with their URLs; every ISP's order lists the same URLs, so the case's are read once. */
async function ordersWithUrls(caseId: string): Promise<OrderUrls[]> {
  const [orders, caseUrls] = await Promise.all([listOrdersOfCase(caseId), getCaseUrls(caseId)]);
  return orders.filter((order) => order.action === 'BLOCK_ACCESS').map((order) => ({ order, urls: urlsOfOrder(order, caseUrls) }));
}

/** Brings one case's entries in line with its orders, a version at a time; answers the URLs it removed. */
async function syncCase(caseId: string, at: string): Promise<string[]> {
  const removed: string[] = [];
  let lostRaces = 0;
  for (;;) {
    const version = await catchUpBlocklist();
    const orders = await ordersWithUrls(caseId);
    const listed = await readEntriesOf(orders.flatMap(({ urls }) => urls.map((url) => url.url)));
    const [next] = planCaseChanges(caseId, orders, listed, at);
    if (next === undefined) return removed;
    if (await commitChange(version, next)) {
      removed.push(...next.removed.map((entry) => entry.url));
      continue;
    }
    lostRaces += 1;
    if (lostRaces > LOST_RACES_ALLOWED) throw new TransientError('The block list kept changing under too many writers at once; try again');
  }
}

/**
 * The SYNC_BLOCKLIST follow-up: the case's entries follow its orders (added when its orders are
 * issued, removed when the last order listing the URL is revoked or overturned). A URL that left
 * the list may still be ordered blocked by another case, which then lists it again. `at` is the
 * event's time, so a redone sync makes the same versions. Safe to repeat.
 */
export async function syncBlocklist(caseId: string, at: string): Promise<void> {
  const removed = await syncCase(caseId, at);
  if (removed.length === 0) return;
  const holders = await caseIdsOfUrls(
    removed.map((url) => facets.url(url)),
    CASES_PER_URL,
  );
  const others = new Set([...holders.values()].flat().filter((other) => other !== caseId));
  for (const other of others) await syncCase(other, at);
}

// ------------------------------------------------------------------------------------ signing

interface SigningKey {
  readonly privateKey: CryptoKey | Uint8Array;
  readonly publicJwk: JWK;
}

/** One key per table: cached once read (it never changes), keyed by the table it came from. */
const signingKeys = new Map<string, Promise<SigningKey>>();

async function loadSigningKey(): Promise<SigningKey> {
  let stored = await readSigningKey();
  if (stored === undefined) {
    const pair = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const [privateJwk, publicJwk] = await Promise.all([exportJWK(pair.privateKey), exportJWK(pair.publicKey)]);
    const kid = await calculateJwkThumbprint(publicJwk);
    const withUse = { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    stored = await storeSigningKeyOnce({ privateJwk: { ...privateJwk, kid, alg: SIGNING_ALGORITHM }, publicJwk: withUse }, nowIso());
    logger.info('block list signing key ready', { kid: stored.publicJwk.kid });
  }
  return { privateKey: await importJWK(stored.privateJwk as JWK, SIGNING_ALGORITHM), publicJwk: stored.publicJwk as JWK };
}

function signingKey(): Promise<SigningKey> {
  return heldForTable(signingKeys, (table) => {
    const key = loadSigningKey();
    // A failed load (a fault) is not kept: the next request tries again.
    key.catch(() => signingKeys.delete(table));
    return key;
  });
}

/**
 * A compact JWS (ES256) of the text, under the system's one signing key: the block list's, and the
 * messages to partner regulators (docs/referrals.md), which verify them with the same public key.
 */
export async function signCompact(text: string): Promise<string> {
  const { privateKey, publicJwk } = await signingKey();
  return new CompactSign(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: publicJwk.kid ?? '' })
    .sign(privateKey);
}

/** The public half of the signing key (a JWK with its `kid`), for whoever verifies what the system signs. */
export async function publicSigningKey(): Promise<JWK> {
  return (await signingKey()).publicJwk;
}

/** Signs the answer's fields (the JSON text as answered) and answers them with `signature`. */
async function signed<Body extends object>(body: Body): Promise<Body & { signature: string }> {
  return { ...body, signature: await signCompact(JSON.stringify(body)) };
}

// ------------------------------------------------------------------------------------ reads

async function assertReader(identity: Identity): Promise<void> {
  const operator = identity.operatorId === undefined ? undefined : await getOperator(identity.operatorId);
  assertMayReadBlocklist(identity, operator);
}

export interface BlocklistView {
  version: number;
  generatedAt: string;
  entries: BlocklistEntry[];
  signature: string;
}

/** `GET /isp/blocklist`: every entry, by URL, as of one version, signed. */
export async function readBlocklist(identity: Identity, now: string): Promise<BlocklistView> {
  await assertReader(identity);
  const { version, entries } = await readSnapshot();
  const sorted = entries.map(publicEntry).sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  return signed({ version, generatedAt: now, entries: sorted });
}

export interface BlocklistChangesView {
  version: number;
  since: number;
  added: BlocklistEntry[];
  removed: BlocklistEntry[];
  signature: string;
}

/**
 * `GET /isp/blocklist/changes?since=v`: what changed from version v to the current one (remove
 * `removed`, then add `added`), signed. A version the list has not reached, or one more than
 * MAX_VERSIONS_PER_CHANGES_ANSWER behind, is 409: load the full list instead.
 */
export async function readBlocklistChanges(identity: Identity, since: number): Promise<BlocklistChangesView> {
  await assertReader(identity);
  const version = await catchUpBlocklist();
  if (since > version) {
    throw fullListNeeded(
      `The block list has no version ${since} yet (its version is ${version}); load the full list from GET /isp/blocklist.`,
    );
  }
  if (version - since > MAX_VERSIONS_PER_CHANGES_ANSWER) {
    throw fullListNeeded(
      `Version ${since} is more than ${MAX_VERSIONS_PER_CHANGES_ANSWER} versions behind (the list is at ${version}); load the full list from GET /isp/blocklist.`,
    );
  }
  const { added, removed } = netChanges(await readChanges(since, version));
  return signed({ version, since, added, removed });
}

/** 409 CONFLICT whose detail tells a client to load the full list (`FULL_LIST`). */
function fullListNeeded(message: string): DomainError {
  return new DomainError('CONFLICT', message, { details: [{ field: 'since', message: FULL_LIST_HINT }] });
}

/** `GET /isp/blocklist/key`: the public key that verifies every signature of the list. */
export async function readBlocklistKey(identity: Identity): Promise<JWK> {
  await assertReader(identity);
  return (await signingKey()).publicJwk;
}

/**
 * The block list kept by the write model (shared/services/blocklist.ts): entries follow the cases'
 * BLOCK_ACCESS orders, every change is one version, and every answer verifies with the published key.
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { caseDecider } from '../../../shared/domain/deciders/case';
import { orderDecider } from '../../../shared/domain/deciders/order';
import { DomainError, ForbiddenError } from '../../../shared/domain/errors';
import { orderIdFor } from '../../../shared/domain/ids';
import type { Operator, OrderRecord } from '../../../shared/domain/model';
import { facets } from '../../../shared/domain/search';
import { act } from '../../../shared/services/acts';
import { readBlocklist, readBlocklistChanges, readBlocklistKey } from '../../../shared/services/blocklist';
import { refs } from '../../../shared/store/keys';
import { writeUrlCases } from '../../../shared/store/search';
import { catchUpBlocklist, commitChange } from '../../../shared/store/blocklist';
import { forgetRememberedItems, writeUrls } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import { aCase, anOperator, anOrder, anOverseasHost, CASE_ID, OTHER_CASE_ID } from '../../support/records';
import { besideNext } from '../../support/beside';
import { asTheTablesOnlyWriter } from '../../support/single-writer';
import { useWorld } from '../../support/world';

const ISSUED_AT = '2026-03-02T01:00:00.000Z';
const REVOKED_AT = '2026-03-05T01:00:00.000Z';
const NOW = '2026-03-06T00:00:00.000Z';
const ISPS = ['isp-kt', 'isp-skb', 'isp-lgu'] as const;
const URLS = ['https://overseas.example/v/1', 'https://overseas.example/v/2'];

const staff: Identity = { userId: 'staff-kim', roles: ['staff'] };
const auditor: Identity = { userId: 'auditor-1', roles: ['auditor'] };
const ispKt: Identity = { userId: 'isp-kt', roles: ['operator'], operatorId: 'isp-kt' };
const host: Identity = { userId: 'op-overseas', roles: ['operator'], operatorId: 'op-overseas' };

const world = useWorld();

const ispOperator = (operatorId: string): Operator =>
  ({
    ...anOperator({ operatorId, name: operatorId, domains: [`${operatorId}.example`], contactEmails: [`blocking@${operatorId}.example`] }),
    kind: 'ISP',
  }) as Operator;

/** A case whose URLs on an overseas host give each ISP a BLOCK_ACCESS order listing them. */
async function givenBlockingOrders(caseId: string, urls: readonly string[] = URLS): Promise<void> {
  if (caseId === CASE_ID) await givenOperators();
  const record = aCase({ caseId, status: 'ORDERS_ISSUED', ordersIssuedAt: ISSUED_AT });
  await plant.case(record);
  // Filing a report lists the case under each of its URLs (shared/services/reports.ts).
  await writeUrlCases(
    record,
    urls.map((url) => facets.url(url)),
  );
  for (const isp of ISPS) {
    await writeUrls(
      caseId,
      urls.map((url) => ({ url, host: 'overseas.example', operatorId: isp })),
    );
    await plant.order(blockingOrder(caseId, isp, urls.length));
  }
  // As IssueOrders ends: the case's URL match, whose follow-up lists the issued orders' URLs.
  await act(caseDecider, refs.case(caseId), { type: 'RECORD_URL_MATCH', matched: 0, unassigned: 0, blockingOrdersIssued: true }, ISSUED_AT);
}

async function givenOperators(): Promise<void> {
  await plant.operator(anOverseasHost());
  for (const isp of ISPS) await plant.operator(ispOperator(isp));
}

function blockingOrder(caseId: string, operatorId: string, urlCount: number): OrderRecord {
  return anOrder({ caseId, operatorId, orderId: orderIdFor(caseId, operatorId), action: 'BLOCK_ACCESS', urlCount, issuedAt: ISSUED_AT });
}

const revoke = (orderId: string) =>
  act(orderDecider, refs.order(orderId), { type: 'DECIDE', reviewId: `R-${orderId}`, outcome: 'REVOKED' }, REVOKED_AT);

describe('the block list follows the BLOCK_ACCESS orders', () => {
  it('lists each URL once when the three ISP orders are issued, on the first order by id', async () => {
    // Given a case whose two URLs gave the three ISPs an order each
    await givenBlockingOrders(CASE_ID);
    // When staff read the list
    const list = await readBlocklist(staff, NOW);
    // Then each URL is listed once, on isp-kt's order, since the issue
    expect(list.entries).toEqual(
      URLS.map((url) => ({ url, host: 'overseas.example', orderId: orderIdFor(CASE_ID, 'isp-kt'), since: ISSUED_AT })),
    );
    expect(list.version).toBe(1);
    expect(await readBlocklistChanges(staff, 0)).toMatchObject({ version: 1, since: 0, added: list.entries, removed: [] });
  });

  it('keeps the entries while an ISP order stands and removes them, in a new version, when the last is revoked', async () => {
    await givenBlockingOrders(CASE_ID);
    // When two of the three orders are revoked, nothing changes
    await revoke(orderIdFor(CASE_ID, 'isp-kt'));
    await revoke(orderIdFor(CASE_ID, 'isp-lgu'));
    expect((await readBlocklist(staff, NOW)).entries.map((entry) => entry.url)).toEqual(URLS);
    // When the last one is revoked too
    await revoke(orderIdFor(CASE_ID, 'isp-skb'));
    // Then the list is empty at version 2, and the changes since 1 name both entries as removed
    const list = await readBlocklist(staff, NOW);
    expect(list).toMatchObject({ version: 2, entries: [] });
    const changes = await readBlocklistChanges(staff, 1);
    expect(changes.removed.map((entry) => entry.url)).toEqual(URLS);
    expect(changes.added).toEqual([]);
    // And since 0 nothing is left to add or remove
    expect(await readBlocklistChanges(staff, 0)).toMatchObject({ version: 2, added: [], removed: [] });
  });

  it('lists a URL again under another case that still orders it blocked', async () => {
    // Given two cases ordering the same URL blocked; the first case's entry holds it
    await givenBlockingOrders(CASE_ID, [URLS[0] ?? '']);
    await givenBlockingOrders(OTHER_CASE_ID, [URLS[0] ?? '']);
    expect((await readBlocklist(staff, NOW)).entries.map((entry) => entry.orderId)).toEqual([orderIdFor(CASE_ID, 'isp-kt')]);
    // When the first case's orders are all revoked
    for (const isp of ISPS) await revoke(orderIdFor(CASE_ID, isp));
    // Then the URL stays listed, now on the other case's order
    const list = await readBlocklist(staff, NOW);
    expect(list.entries.map((entry) => entry.orderId)).toEqual([orderIdFor(OTHER_CASE_ID, 'isp-kt')]);
    expect(list.version).toBe(3);
  });

  it('refuses changes since a version the list has not reached (409, load the full list)', async () => {
    await givenBlockingOrders(CASE_ID);
    await expect(readBlocklistChanges(staff, 2)).rejects.toMatchObject({ code: 'CONFLICT', details: [{ field: 'since' }] });
    await expect(readBlocklistChanges(staff, 2)).rejects.toBeInstanceOf(DomainError);
  });
});

describe("the block list's version, in the process that is the table's only writer (npm start)", () => {
  asTheTablesOnlyWriter();
  const GET = 'DynamoDB GetItemCommand';
  const change = (caseId: string) => ({
    at: NOW,
    caseId,
    added: [{ url: `https://overseas.example/${caseId}`, host: 'overseas.example', orderId: `O-${caseId}`, since: NOW, caseId }],
    removed: [],
  });

  it('is known from the sync that applied it: the next catch-up reads neither head nor change', async () => {
    // Given a case's orders listed by its sync (version 1)
    await givenBlockingOrders(CASE_ID);

    // When the list is caught up again, and once more after a restore put the table back behind the process
    const [known, readsKnown] = await world.faults.callsOf(catchUpBlocklist);
    await world.restore(await world.snapshot());
    world.faults.reset();
    const restored = await catchUpBlocklist();

    // Then the first read nothing; after the restore the head and the next change were read
    expect([known, readsKnown]).toEqual([1, []]);
    expect([restored, world.faults.log]).toEqual([1, [GET, GET]]);
  });

  it('is read again by a catch-up beside a commit on its way, and not kept from one that a commit overtook', async () => {
    // Given the version known (0, read once)
    expect(await catchUpBlocklist()).toBe(0);

    // When a catch-up runs while a commit's change is on its way, twice...
    const beside: { version: number; reads: number }[] = [];
    const catchUpCounted = async () => {
      const before = world.faults.calls;
      beside.push({ version: await catchUpBlocklist(), reads: world.faults.calls - before });
    };
    const done = besideNext('PutItemCommand', 'before', async () => {
      await catchUpCounted();
      await catchUpCounted();
    });
    try {
      expect(await commitChange(0, change(CASE_ID))).toBe(true);
    } finally {
      done();
    }
    // ...and a catch-up whose read of the next change is answered (absent) just before a commit lands it
    const overtaken = besideNext('GetItemCommand', 'after', () => commitChange(1, change(OTHER_CASE_ID)), 'CHANGE#');
    const forgotten = forgetAndCatchUp();
    const answered = await forgotten;
    overtaken();

    // Then the catch-ups beside the first commit each read the table; the overtaken one is not kept
    expect(beside).toEqual([
      { version: 0, reads: 2 },
      { version: 0, reads: 2 },
    ]);
    expect(answered).toBe(1);
    world.faults.reset();
    expect(await catchUpBlocklist()).toBe(2);
    expect((await readBlocklist(staff, NOW)).version).toBe(2);
  });
});

/** A catch-up from the table (the process forgets what it knew first). */
async function forgetAndCatchUp(): Promise<number> {
  forgetRememberedItems();
  return catchUpBlocklist();
}

describe('who reads the list', () => {
  it('answers ISPs, staff and auditors, and refuses a host (403)', async () => {
    await givenBlockingOrders(CASE_ID);
    for (const reader of [staff, auditor, ispKt]) expect((await readBlocklist(reader, NOW)).entries).toHaveLength(2);
    await expect(readBlocklist(host, NOW)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(readBlocklistChanges(host, 0)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(readBlocklistKey(host)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('the signature', () => {
  async function publishedKey(): Promise<CryptoKey | Uint8Array> {
    const jwk = await readBlocklistKey(ispKt);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    return importJWK(jwk as JWK, 'ES256');
  }

  it('verifies with the published key, and its payload is the answer as given', async () => {
    await givenBlockingOrders(CASE_ID);
    const { signature, ...answered } = await readBlocklist(ispKt, NOW);
    const { payload, protectedHeader } = await compactVerify(signature, await publishedKey());
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: (await readBlocklistKey(ispKt)).kid });
    expect(new TextDecoder().decode(payload)).toBe(JSON.stringify(answered));
    const { signature: changesSignature, ...changes } = await readBlocklistChanges(ispKt, 0);
    expect(new TextDecoder().decode((await compactVerify(changesSignature, await publishedKey())).payload)).toBe(JSON.stringify(changes));
  });

  it('fails on a tampered payload', async () => {
    await givenBlockingOrders(CASE_ID);
    const { signature } = await readBlocklist(ispKt, NOW);
    const [header, payload, sig] = signature.split('.');
    const tampered = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { entries: unknown[] };
    tampered.entries = tampered.entries.slice(1);
    const forged = [header, Buffer.from(JSON.stringify(tampered)).toString('base64url'), sig].join('.');
    await expect(compactVerify(forged, await publishedKey())).rejects.toThrow(/signature verification failed/);
  });

  it('keeps one key however many readers ask first', async () => {
    await givenOperators();
    const keys = await Promise.all([readBlocklistKey(staff), readBlocklistKey(auditor), readBlocklistKey(ispKt)]);
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
  });
});

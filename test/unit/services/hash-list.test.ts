/**
 * The hash list (docs/hashes.md): a case's hashes are listed when the post-review confirms one of
 * its orders (or an appeal upholds it) and leave the list when the orders are revoked or
 * overturned, through the order's events' follow-ups; operators match and export the list and see
 * nothing that leads to the case.
 */
import { describe, expect, it } from 'vitest';
import { handler as hashesHandler } from '../../../functions/api/hashes';
import { handler as reportsHandler } from '../../../functions/api/reports';
import { orderDecider } from '../../../shared/domain/deciders/order';
import { act } from '../../../shared/services/acts';
import { syncHashListing } from '../../../shared/services/hash-list';
import { refs } from '../../../shared/store/keys';
import { getCase } from '../../../shared/store/repository';
import { answerOf, apiEvent, type Caller, callers } from '../../support/api-event';
import { actionsOf, plant } from '../../support/given';
import { pdqHexPair, seededRandom } from '../../support/pdq';
import { aCase, anAppeal, anOperator, anOrder, CASE_ID, POST_REVIEW_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

useWorld();

const NOW = '2026-03-10T00:00:00.000Z';
const { hash: PDQ, variant: PDQ_20_BITS_AWAY } = pdqHexPair(20, seededRandom(20));
const { variant: PDQ_40_BITS_AWAY } = pdqHexPair(40, seededRandom(20));
const SHA256 = 'ab'.repeat(32);
const MD5 = 'cd'.repeat(16);
const APPEAL_ID = anAppeal().appealId;

const match = async (hashes: { algorithm: string; value: string }[], caller: Caller = callers.webhard) =>
  answerOf(await hashesHandler(apiEvent('POST /hashes/match', { caller, body: { hashes } })));
const exportPage = async (since?: string) =>
  answerOf(
    await hashesHandler(apiEvent('GET /hashes/export', { caller: callers.social, ...(since === undefined ? {} : { query: { since } }) })),
  );

/** The case's hashes as reported, and its orders as planted (none confirmed unless given). */
async function givenCaseWithHashes(orders: Parameters<typeof anOrder>[0][] = [{}]): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(
    aCase({
      status: 'UNDER_POST_REVIEW',
      ordersIssuedAt: '2026-03-02T01:00:00.000Z',
      hashes: [
        { algorithm: 'PDQ', value: PDQ },
        { algorithm: 'MD5', value: MD5 },
      ],
      contentSha256: SHA256,
    }),
  );
  for (const order of orders) await plant.order(anOrder(order));
  if (orders.some((order) => order?.appealId !== undefined)) await plant.appeal(anAppeal());
}

const decide = (orderId: string, outcome: 'CONFIRMED' | 'REVOKED') =>
  act(orderDecider, refs.order(orderId), { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome }, NOW);

describe('a case on the hash list', () => {
  it('is listed when the post-review confirms its order: each hash matches, a PDQ variant 20 bits away too, one 40 bits away not', async () => {
    // Given a case reported with a PDQ, an MD5 and a SHA-256 hash, its order under post-review
    await givenCaseWithHashes();
    expect((await match([{ algorithm: 'PDQ', value: PDQ }])).body).toEqual({ matches: [] });
    // When the post-review confirms the order
    await decide(WEBHARD_ORDER_ID, 'CONFIRMED');
    // Then every hash of the case matches, with an entry id and the category and nothing else
    const answer = await match([
      { algorithm: 'PDQ', value: PDQ_20_BITS_AWAY.toUpperCase() },
      { algorithm: 'PDQ', value: PDQ_40_BITS_AWAY },
      { algorithm: 'MD5', value: MD5 },
      { algorithm: 'SHA256', value: SHA256 },
      { algorithm: 'SHA256', value: 'ef'.repeat(32) },
    ]);
    expect(answer.statusCode).toBe(200);
    const matches = (answer.body as { matches: Record<string, unknown>[] }).matches;
    expect(matches.map(({ algorithm, value, distance }) => ({ algorithm, value, distance }))).toEqual([
      { algorithm: 'PDQ', value: PDQ_20_BITS_AWAY, distance: 20 },
      { algorithm: 'MD5', value: MD5, distance: 0 },
      { algorithm: 'SHA256', value: SHA256, distance: 0 },
    ]);
    for (const found of matches) {
      expect(Object.keys(found).sort()).toEqual(['algorithm', 'category', 'distance', 'entryId', 'value']);
      expect(found.category).toBe('ILLEGAL_FILMING');
      expect(JSON.stringify(found)).not.toContain(CASE_ID);
    }
    // And the staff's case keeps the hashes as reported
    expect((await getCase(CASE_ID))?.hashes).toEqual([
      { algorithm: 'PDQ', value: PDQ },
      { algorithm: 'MD5', value: MD5 },
    ]);
  });

  it('leaves the list when its confirmed order is overturned on appeal', async () => {
    // Given a case whose order stands confirmed under an appeal, listed
    await givenCaseWithHashes([{ decisionStatus: 'APPEALED', appealId: APPEAL_ID }]);
    await syncHashListing(CASE_ID, NOW);
    expect((await match([{ algorithm: 'MD5', value: MD5 }])).body).toMatchObject({ matches: [{ distance: 0 }] });
    // When the appeal is granted and the order overturned
    await act(
      orderDecider,
      refs.order(WEBHARD_ORDER_ID),
      { type: 'DECIDE_APPEAL', reviewId: 'R-appeal', appealId: APPEAL_ID, outcome: 'REVOKED' },
      NOW,
    );
    // Then none of its hashes matches any more
    expect(await actionsOf(CASE_ID)).toContain('APPEAL_GRANTED_ORDER_OVERTURNED');
    expect(
      (
        await match([
          { algorithm: 'MD5', value: MD5 },
          { algorithm: 'PDQ', value: PDQ },
        ])
      ).body,
    ).toEqual({ matches: [] });
  });

  it('stays listed, once, when another of its orders is revoked while one stands confirmed', async () => {
    // Given a case with two orders, one confirmed
    await givenCaseWithHashes([{}, { operatorId: 'op-social' }]);
    await decide(WEBHARD_ORDER_ID, 'CONFIRMED');
    // When the other is revoked, the confirmed one still stands: listed
    await decide(SOCIAL_ORDER_ID, 'REVOKED');
    expect((await match([{ algorithm: 'SHA256', value: SHA256 }])).body).toMatchObject({ matches: [{ distance: 0 }] });
    // When the listing is brought in line again (a retried follow-up), the hash is still listed once
    await syncHashListing(CASE_ID, NOW);
    expect((await match([{ algorithm: 'SHA256', value: SHA256 }])).body).toMatchObject({ matches: [{ distance: 0 }] });
    expect(((await match([{ algorithm: 'SHA256', value: SHA256 }])).body as { matches: unknown[] }).matches).toHaveLength(1);
  });

  it('is never listed when the post-review revokes its only order', async () => {
    await givenCaseWithHashes();
    await decide(WEBHARD_ORDER_ID, 'REVOKED');
    expect(
      (
        await match([
          { algorithm: 'SHA256', value: SHA256 },
          { algorithm: 'PDQ', value: PDQ },
        ])
      ).body,
    ).toEqual({ matches: [] });
    expect((await exportPage()).body).toMatchObject({ entries: [], removed: [] });
  });

  it('is listed once however often its follow-up runs, under one entry id', async () => {
    await givenCaseWithHashes();
    await decide(WEBHARD_ORDER_ID, 'CONFIRMED');
    const before = (await exportPage()).body as { entries: { entryId: string }[] };
    // When the follow-up runs again (the sweeper finishing an act whose answer was lost)
    await syncHashListing(CASE_ID, NOW);
    await syncHashListing(CASE_ID, NOW);
    // Then the export holds the same three entries, no more
    const after = (await exportPage()).body as { entries: { entryId: string }[] };
    expect(after.entries).toHaveLength(3);
    expect(after.entries.map((entry) => entry.entryId).sort()).toEqual(before.entries.map((entry) => entry.entryId).sort());
  });
});

describe('GET /hashes/export', () => {
  it('pages the listed hashes, then gives from its cursor only what changed: removals a filter must drop', async () => {
    // Given a listed case whose order stands under an appeal
    await givenCaseWithHashes([{ decisionStatus: 'APPEALED', appealId: APPEAL_ID }]);
    await syncHashListing(CASE_ID, NOW);
    // When an operator exports the list from the start
    const first = await exportPage();
    // Then it gets the case's three hashes, as entries with nothing that leads to the case
    expect(first.statusCode).toBe(200);
    const page = first.body as { entries: Record<string, unknown>[]; removed: unknown[]; cursor: string; more: boolean };
    expect(page.entries.map((entry) => entry.algorithm).sort()).toEqual(['MD5', 'PDQ', 'SHA256']);
    expect(page).toMatchObject({ removed: [], more: false });
    for (const entry of page.entries) expect(Object.keys(entry).sort()).toEqual(['algorithm', 'category', 'entryId', 'listedAt', 'value']);
    expect(JSON.stringify(page)).not.toContain(CASE_ID);
    // And nothing changed since its cursor: an empty page with the same cursor
    expect((await exportPage(page.cursor)).body).toEqual({ entries: [], removed: [], cursor: page.cursor, more: false });
    // When the order is overturned
    await act(
      orderDecider,
      refs.order(WEBHARD_ORDER_ID),
      { type: 'DECIDE_APPEAL', reviewId: 'R-appeal', appealId: APPEAL_ID, outcome: 'REVOKED' },
      NOW,
    );
    // Then the page from the cursor holds the three entries as removals only
    const later = (await exportPage(page.cursor)).body as { entries: unknown[]; removed: { entryId: string }[]; cursor: string };
    expect(later.entries).toEqual([]);
    expect(later.removed.map((removal) => removal.entryId).sort()).toEqual(page.entries.map((entry) => entry.entryId).sort());
    expect(Number(later.cursor)).toBeGreaterThan(Number(page.cursor));
  });

  it('refuses a cursor that is not one', async () => {
    const answer = await exportPage('abc');
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('POST /hashes/match', () => {
  it.each([
    ['no hashes', []],
    ['an MD5 of 64 characters', [{ algorithm: 'MD5', value: 'a'.repeat(64) }]],
    ['a PDQ of 63 characters', [{ algorithm: 'PDQ', value: 'a'.repeat(63) }]],
    ['an unknown algorithm', [{ algorithm: 'SHA1', value: 'a'.repeat(40) }]],
    ['1,001 hashes', Array.from({ length: 1001 }, () => ({ algorithm: 'MD5', value: MD5 }))],
  ])('refuses %s', async (_what, hashes) => {
    const answer = await match(hashes as { algorithm: string; value: string }[]);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('is for operators only', async () => {
    expect((await match([{ algorithm: 'MD5', value: MD5 }], callers.staffKim)).statusCode).toBe(403);
  });
});

/** Files a report with these hashes, as a support centre. */
const reportWith = async (hashes: { algorithm: string; value: string }[]) =>
  answerOf(
    await reportsHandler(
      apiEvent('POST /reports', {
        caller: callers.supportCenter,
        body: {
          urls: ['https://webhard.example/v/1'],
          category: 'ILLEGAL_FILMING',
          reporter: { kind: 'SUPPORT_CENTER' },
          victimConsent: true,
          hashes,
        },
      }),
    ),
  );

describe('POST /reports with hashes', () => {
  it('keeps them on the case, lower-cased', async () => {
    await plant.operator(anOperator());
    const answer = await reportWith([{ algorithm: 'PDQ', value: PDQ.toUpperCase() }]);
    expect(answer.statusCode).toBe(201);
    const caseId = (answer.body as { caseId: string }).caseId;
    expect((await getCase(caseId))?.hashes).toEqual([{ algorithm: 'PDQ', value: PDQ }]);
  });

  it('refuses more than 100', async () => {
    const answer = await reportWith(Array.from({ length: 101 }, () => ({ algorithm: 'MD5', value: MD5 })));
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

/**
 * The block list under every fault (test/support/faults.ts): a case's BLOCK_ACCESS order issued, and
 * one revoked, with the k-th AWS call failing (before or after the service acted, once or as a crash),
 * then retried and swept. Each change of the list is made once, its versions have no gaps, and the
 * entries are those of the last version. (Its own file beside act-subjects.ts: the acts are the same
 * case and order acts, and the list is their follow-up.)
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { BlocklistChange } from '../../shared/domain/blocklist';
import { orderIdFor } from '../../shared/domain/ids';
import type { Operator } from '../../shared/domain/model';
import { caseDecider } from '../../shared/domain/deciders/case';
import { act } from '../../shared/services/acts';
import { config } from '../../shared/runtime/config';
import { readBlocklist, syncBlocklist } from '../../shared/services/blocklist';
import { commitChange } from '../../shared/store/blocklist';
import { documentClient } from '../../shared/store/client';
import { refs } from '../../shared/store/keys';
import { writeUrls } from '../../shared/store/repository';
import { underEveryFault, type ActUnderFaults } from '../support/faults';
import { plant } from '../support/given';
import { aCase, anOperator, anOrder, CASE_ID } from '../support/records';
import { asTheTablesOnlyWriter } from '../support/single-writer';
import { useWorld } from '../support/world';

const ISSUED_AT = '2026-03-02T01:00:00.000Z';
const NOW = '2026-03-03T00:00:00.000Z';
const CLOCK = { now: NOW, sweepAt: '2026-03-03T00:10:00.000Z' };
const ORDER_ID = orderIdFor(CASE_ID, 'isp-kt');
const URLS = ['https://overseas.example/v/1', 'https://overseas.example/v/2'];
const staff = { userId: 'staff-kim', roles: ['staff' as const] };

const world = useWorld({ resetEachTest: false });

const blockingOrder = anOrder({
  operatorId: 'isp-kt',
  orderId: ORDER_ID,
  action: 'BLOCK_ACCESS',
  urlCount: URLS.length,
  issuedAt: ISSUED_AT,
});

async function givenCase(): Promise<void> {
  await plant.operator({
    ...anOperator({ operatorId: 'isp-kt', domains: ['isp-kt.example'], contactEmails: ['blocking@isp-kt.example'] }),
    kind: 'ISP',
  } as Operator);
  await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: ISSUED_AT }));
  await writeUrls(
    CASE_ID,
    URLS.map((url) => ({ url, host: 'overseas.example', operatorId: 'isp-kt' })),
  );
}

const listedEntry = (url: string) => ({ url, host: 'overseas.example', orderId: ORDER_ID, since: ISSUED_AT, caseId: CASE_ID });

async function storedChanges(): Promise<BlocklistChange[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'BLOCKLIST', ':prefix': 'CHANGE#' },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []) as BlocklistChange[];
}

/** The list holds `listed`; its versions are 1..n without gaps, each URL added (and removed) at most once. */
async function expectListOnce(listed: readonly string[], versions: number): Promise<void> {
  const changes = await storedChanges();
  expect(changes.map((change) => change.version)).toEqual(Array.from({ length: versions }, (_, index) => index + 1));
  const added = changes.flatMap((change) => change.added.map((entry) => entry.url));
  const removed = changes.flatMap((change) => change.removed.map((entry) => entry.url));
  expect(added.sort(), 'each URL added once').toEqual([...URLS].sort());
  expect(new Set(removed).size, 'each URL removed at most once').toBe(removed.length);
  const list = await readBlocklist(staff, NOW);
  expect(list.version).toBe(versions);
  expect(list.entries.map((entry) => entry.url)).toEqual(listed);
}

const subjects: [string, ActUnderFaults<unknown>][] = [
  [
    "a case's BLOCK_ACCESS order issued, then its URL match: its URLs listed once, in version 1",
    {
      given: async () => {
        await givenCase();
        await plant.order(blockingOrder);
      },
      // IssueOrders' last act; its SYNC_BLOCKLIST follow-up lists what the case's orders block.
      act: () =>
        act(
          caseDecider,
          refs.case(CASE_ID),
          { type: 'RECORD_URL_MATCH', matched: 0, unassigned: 0, blockingOrdersIssued: true },
          ISSUED_AT,
        ),
      streams: () => [refs.case(CASE_ID).root],
      expectAfter: async () => expectListOnce(URLS, 1),
    },
  ],
  [
    'the sync after the last BLOCK_ACCESS order was revoked: its URLs removed once, in version 2',
    {
      // The revoke itself is an order act like any other (test/faults/act-subjects.ts); the list's part is
      // the SYNC_BLOCKLIST follow-up it derives, run here alone so that every one of its calls fails once.
      given: async () => {
        await givenCase();
        await plant.order({ ...blockingOrder, decisionStatus: 'REVOKED', status: 'REVOKED' });
        await commitChange(0, { at: ISSUED_AT, caseId: CASE_ID, added: URLS.map(listedEntry), removed: [] });
      },
      act: () => syncBlocklist(CASE_ID, NOW),
      streams: () => [refs.case(CASE_ID).root],
      expectAfter: async () => expectListOnce([], 2),
    },
  ],
];

const underEveryFaultEach = () =>
  it.each(subjects)(
    '%s',
    async (_name, subject) => {
      expect(await underEveryFault(world, subject, CLOCK)).toBeGreaterThan(3);
    },
    600_000,
  );

describe('the block list under every fault', () => {
  underEveryFaultEach();
});

describe("the block list under every fault, synced by the process that is the table's only writer (npm start)", () => {
  // It remembers the version it applied last, and starts the next sync from it without reading.
  asTheTablesOnlyWriter('all');
  underEveryFaultEach();
});

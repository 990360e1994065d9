/**
 * A case's URL chunks rewritten under every fault (test/support/faults.ts) by `npm start`'s process,
 * which remembers them (shared/store/repository.ts): IssueOrders matches a URL filed unassigned to
 * an operator registered since, moving it between chunks, with the k-th AWS call failing (before
 * or after the service acted, once or as a crash), then retried in the same process and swept.
 * What the process answers afterwards must be what the table holds.
 */
import { describe, expect, it } from 'vitest';
import { orderIdFor } from '../../shared/domain/ids';
import type { CaseUrl } from '../../shared/domain/model';
import { issueOrders } from '../../shared/services/order-workflow';
import { refs } from '../../shared/store/keys';
import { forgetRememberedItems, getCaseUrls, getOrder, getUrlChunk, writeUrls } from '../../shared/store/repository';
import { underEveryFault, type ActUnderFaults } from '../support/faults';
import { actionsOf, plant } from '../support/given';
import { aCase, anOperator, CASE_ID, CASE_URLS } from '../support/records';
import { asTheTablesOnlyWriter } from '../support/single-writer';
import { useWorld } from '../support/world';

const NOW = '2026-03-03T00:00:00.000Z';
const CLOCK = { now: NOW, sweepAt: '2026-03-03T00:10:00.000Z' };
/** The workflow's Retry backs off over about a minute. */
const RETRY_AFTER_MS = 62_000;
const UNKNOWN_URL = 'https://unknown.example/x';

const world = useWorld({ resetEachTest: false });

/** The case's URLs and its unassigned chunk, as the process answers them and as the table holds them. */
async function urlsBothWays(): Promise<{ answered: [CaseUrl[], CaseUrl[] | undefined]; stored: [CaseUrl[], CaseUrl[] | undefined] }> {
  const answered: [CaseUrl[], CaseUrl[] | undefined] = [await getCaseUrls(CASE_ID), await getUrlChunk(CASE_ID, null, 0)];
  forgetRememberedItems();
  const stored: [CaseUrl[], CaseUrl[] | undefined] = [await getCaseUrls(CASE_ID), await getUrlChunk(CASE_ID, null, 0)];
  return { answered, stored };
}

const matchingAtIssuance: ActUnderFaults<unknown> = {
  given: async () => {
    await plant.operator(anOperator());
    await plant.operator(
      anOperator({ operatorId: 'op-social', name: 'Social Co.', domains: ['social.example'], contactEmails: ['legal@social.example'] }),
    );
    // Registered after the filing, which left unknown.example's URL unassigned.
    await plant.operator(anOperator({ operatorId: 'op-unknown', name: 'Unknown Host', domains: ['unknown.example'] }));
    await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T12:00:00.000Z' }));
    await writeUrls(CASE_ID, CASE_URLS);
  },
  act: () => issueOrders(CASE_ID, NOW),
  streams: () => [refs.case(CASE_ID).root],
  retryAfterMs: RETRY_AFTER_MS,
  expectAfter: async () => {
    const { answered, stored } = await urlsBothWays();
    expect(answered).toEqual(stored);
    const [urls, unassigned] = stored;
    expect(urls.filter((url) => url.url === UNKNOWN_URL)).toEqual([
      { url: UNKNOWN_URL, host: 'unknown.example', operatorId: 'op-unknown' },
    ]);
    expect(urls).toHaveLength(CASE_URLS.length);
    expect(unassigned ?? []).toEqual([]);
    expect(await getOrder(orderIdFor(CASE_ID, 'op-unknown'))).toMatchObject({ urlCount: 1, status: 'ISSUED' });
    const actions = await actionsOf(CASE_ID);
    expect(actions.filter((action) => action === 'ORDER_ISSUED')).toHaveLength(3);
    expect(actions.filter((action) => action === 'URLS_MATCHED')).toHaveLength(1);
    expect(world.mails.some((mail) => /match no registered operator/.test(mail.subject))).toBe(false);
  },
};

describe("a case's URL chunks moved under every fault by the process that remembers them (npm start)", () => {
  asTheTablesOnlyWriter('all');

  it('IssueOrders matching an unassigned URL: each URL once, in its operator chunk, answered as the table holds it', async () => {
    expect(await underEveryFault(world, matchingAtIssuance, CLOCK)).toBeGreaterThan(3);
  }, 600_000);
});

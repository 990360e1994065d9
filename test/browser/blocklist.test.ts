/**
 * The block list's screens (docs/blocklist.md), in Korean and English at 390 and 1280 px, against
 * the built web UI with the mocked API (support/mock-api.ts) and canned block-list answers: staff
 * see the list with its recent changes and a case's blocked URLs on the case page, an ISP sees the
 * list, a hosting operator is told the list is not for it. Every page is saved to
 * test/artifacts/screenshots/.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../web/src/i18n';
import { type WatchedPage, useBuiltSite } from './support/browser';
import { mockApi } from './support/mock-api';
import { openAs } from './support/session';

const NOW = Date.parse('2026-11-24T06:00:00.000Z');
/** The mocked API's first case, whose page shows the block list's section. */
const FIXTURE_CASE = 'C01JD3Q5Z8K2M4N6P8R0T2V4X6';
/** A well-formed case id (26 ULID characters), which an order id names: the page reads the case from the entry's order id. */
const CASE_A = 'C01JD3Q5Z8K2M4N6P8R0T2V4X6A';
const ISP_ORDER = `O${CASE_A.slice(1)}-isp-kt`;
const OTHER_ORDER = 'O01JD3QF0K1M2N3P4Q5R6S7T8VA-isp-kt';
const BLOCKED = ['https://overseas.example/v/1', 'https://unclaimed.example/clip/2'];
const LIFTED = 'https://overseas.example/v/old';

const entry = (url: string, orderId: string, since: string) => ({ url, host: new URL(url).host, orderId, since });
const LIST = {
  version: 7,
  generatedAt: '2026-11-24T05:59:00.000Z',
  entries: [entry(BLOCKED[0]!, ISP_ORDER, '2026-11-24T05:00:00.000Z'), entry(BLOCKED[1]!, OTHER_ORDER, '2026-11-20T02:00:00.000Z')],
  signature: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln',
};
const CHANGES = {
  version: 7,
  since: 0,
  added: LIST.entries,
  removed: [entry(LIFTED, OTHER_ORDER, '2026-11-19T02:00:00.000Z')],
  signature: 'x.y.z',
};

const site = useBuiltSite();

const json = (route: Route, status: number, body: unknown) =>
  route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

/** The block-list routes: an ISP, staff and auditors read it; any other operator gets the API's 403. */
async function mockBlocklist(page: Page, caseDetail: object, audit: object): Promise<void> {
  await page.route(/\/isp\/blocklist/, async (route) => {
    const claims = (route.request().headers().authorization ?? '').split('.')[1] ?? '';
    const { 'cognito:groups': groups, 'custom:operatorId': operatorId } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as {
      'cognito:groups': string[];
      'custom:operatorId'?: string;
    };
    if (groups.includes('operator') && !operatorId?.startsWith('isp-')) {
      return json(route, 403, { error: { code: 'FORBIDDEN', message: 'The block list is for internet access providers.' } });
    }
    const url = new URL(route.request().url());
    if (url.pathname === '/isp/blocklist/changes') return json(route, 200, { ...CHANGES, since: Number(url.searchParams.get('since')) });
    return json(route, 200, LIST);
  });
  // The case page offers the registry's operators for its unassigned hosts.
  await page.route(/\/operators$/, (route) => json(route, 200, { operators: [] }));
  await page.route(new RegExp(`/cases/${CASE_A}(/audit)?$`), (route) =>
    json(route, 200, route.request().url().endsWith('/audit') ? audit : caseDetail),
  );
}

/** The mocked API, and the block list's answers beside it. */
async function answerWithBlocklist(page: Page): Promise<void> {
  const data = await mockApi(page, NOW);
  const detail = data.details.get(FIXTURE_CASE) as { orders: { operatorId: string }[] };
  const blockOrder = { ...detail.orders[0], orderId: ISP_ORDER, operatorId: 'isp-kt', action: 'BLOCK_ACCESS' };
  await mockBlocklist(page, { ...detail, caseId: CASE_A, orders: [...detail.orders, blockOrder] }, data.audit);
}

/** Opens `route` as `user` in `lang` at `width`, the block list's answers beside the mocked API's. */
const open = (user: string, lang: Lang, width: number, route: string): Promise<WatchedPage> =>
  openAs(site, { prefix: 'blocklist', user, lang, width, route, answer: answerWithBlocklist });

const WORDS = {
  en: {
    nav: 'Block list',
    version: 'Version 7 · 2 URLs',
    removed: 'Removed',
    onList: 'On the block list',
    notForHosts: 'is for internet access providers',
  },
  ko: {
    nav: '차단 목록',
    version: '버전 7 · URL 2개',
    removed: '삭제',
    onList: '차단 목록 등재',
    notForHosts: '인터넷 접속 서비스 사업자',
  },
} as const;

const VIEWS = (['ko', 'en'] as const).flatMap((lang) => [390, 1280].map((width) => ({ lang, width })));

describe.each(VIEWS)('the block list in $lang at $width px', ({ lang, width }) => {
  const words = WORDS[lang];

  it('staff see every entry with its order, and the recent changes', async () => {
    // Given staff on the block list page
    const watched = await open('staff-kim', lang, width, '/blocklist');
    try {
      const page = watched.page;
      // Then the navigation names it, and the page shows the version and both entries with their case links
      await expect.poll(() => page.locator('nav a[aria-current="page"]').textContent()).toBe(words.nav);
      await expect.poll(() => page.locator('[data-version]').textContent()).toContain(words.version);
      const entries = page.locator('#blocklist-entries-h ~ ul.blocklist li');
      expect(await entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-url')))).toEqual(BLOCKED);
      expect(await page.locator(`#blocklist-entries-h ~ ul.blocklist a[href="#/cases/${CASE_A}"]`).count()).toBe(1);
      // And the recent changes name the URL that left the list
      await page.locator('#blocklist-changes-h').waitFor();
      expect(await page.locator(`#blocklist-changes-h ~ ul.blocklist li[data-url="${LIFTED}"]`).count()).toBe(1);
      expect(await page.locator('#blocklist-changes-h ~ h3').allTextContents()).toContain(words.removed);
      // And nothing is wider than the screen
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await watched.shot('staff-list');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it("staff see a case's blocked URLs on its page", async () => {
    const watched = await open('staff-kim', lang, width, `/cases/${CASE_A}`);
    try {
      const section = watched.page.locator('#case-blocklist-h');
      await section.waitFor();
      expect(await section.textContent()).toBe(words.onList);
      // Only the entry whose order is the case's
      await expect
        .poll(() =>
          watched.page
            .locator('#case-blocklist-h ~ ul.blocklist li')
            .evaluateAll((items) => items.map((item) => item.getAttribute('data-url'))),
        )
        .toEqual([BLOCKED[0]]);
      await watched.page.locator('#case-blocklist-h').scrollIntoViewIfNeeded();
      await watched.shot('case');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('an ISP sees the list; a hosting operator is told it is not for it', async () => {
    const isp = await open('isp-kt', lang, width, '/blocklist');
    try {
      await expect
        .poll(() =>
          isp.page
            .locator('#blocklist-entries-h ~ ul.blocklist li')
            .evaluateAll((items) => items.map((item) => item.getAttribute('data-url'))),
        )
        .toEqual(BLOCKED);
      // An ISP reads order ids, not links to cases it cannot open
      expect(await isp.page.locator('ul.blocklist a').count()).toBe(0);
      await isp.shot('isp-list');
      expect(isp.errors).toEqual([]);
    } finally {
      await isp.close();
    }
    const host = await open('op-webhard', lang, width, '/blocklist');
    try {
      await expect.poll(() => host.page.locator('[role="alert"]').textContent()).toContain(words.notForHosts);
      await host.shot('host-refused');
      // The API's 403 is a console error of the browser's own; the page itself logged none
      expect(host.errors.filter((error) => !error.includes('403'))).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

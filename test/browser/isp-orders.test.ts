/**
 * What an ISP and staff see of ISPs (issue 12): isp-kt signed in on its orders, a BLOCK_ACCESS order
 * listing an overseas host's and an unclaimed host's URLs; staff on the operators registry, which
 * tells hosts from ISPs. Korean and English at 390 and 1280 px against the built web UI with the
 * mocked API; screenshots in test/artifacts/screenshots/.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../web/src/i18n';
import { type WatchedPage, useBuiltSite } from './support/browser';
import { mockApi } from './support/mock-api';
import { openAs } from './support/session';

const NOW = Date.parse('2026-11-24T06:00:00.000Z');
const BLOCKED = ['https://overseas.example/v/1', 'https://unclaimed.example/clip/2'];

const anOperator = (operatorId: string, name: string, extra: object) => ({
  operatorId,
  name,
  domains: [],
  contactEmails: [`notices@${operatorId}.example`],
  jurisdiction: 'DOMESTIC',
  language: 'ko',
  annualRevenue: 1_000_000_000,
  currency: 'KRW',
  ...extra,
});
const OPERATORS = [
  anOperator('op-webhard', 'Webhard Co.', { domains: ['webhard.example'], kind: 'HOST' }),
  anOperator('op-overseas', 'Overseas Hosting Inc.', {
    domains: ['overseas.example'],
    jurisdiction: 'OVERSEAS',
    language: 'en',
    currency: 'USD',
    kind: 'HOST',
  }),
  anOperator('isp-kt', 'KT', { kind: 'ISP' }),
];

const site = useBuiltSite();

const json = (route: Route, body: unknown) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });

/** The mocked API, and isp-kt's BLOCK_ACCESS order with the registry's operators beside it. */
async function answerWithIspOrder(page: Page): Promise<void> {
  const data = await mockApi(page, NOW);
  const [template] = data.operatorOrders;
  const blockOrder = {
    ...template,
    orderId: `${template?.orderId.replace(/-[a-z-]+$/, '')}-isp-kt`,
    operatorId: 'isp-kt',
    action: 'BLOCK_ACCESS',
    urlOwners: [null, 'op-overseas'],
    urls: BLOCKED,
    urlOutcomes: [
      { url: BLOCKED[0], outcome: 'CANNOT_COMPLY', reason: 'the address resolves to no server from our network' },
      { url: BLOCKED[1] },
    ],
  };
  await page.route(/\/operator\/orders$/, (route) => json(route, { orders: [blockOrder] }));
  await page.route(/\/operators$/, (route) => json(route, { operators: OPERATORS }));
}

/** Opens `route` as `user` (an ISP by its token, staff by the local picker) in `lang` at `width`. */
const open = (user: string, lang: Lang, width: number, route: string): Promise<WatchedPage> =>
  openAs(site, { prefix: 'isp-orders', user, lang, width, route, answer: answerWithIspOrder });

const VIEWS = (['ko', 'en'] as const).flatMap((lang) => [390, 1280].map((width) => ({ lang, width })));

describe.each(VIEWS)('ISPs in $lang at $width px', ({ lang, width }) => {
  it('isp-kt sees its BLOCK_ACCESS order', async () => {
    const watched = await open('isp-kt', lang, width, '/operator/orders');
    try {
      // Then its order is listed, and nothing on the page runs wider than the screen
      await expect.poll(() => watched.page.locator('main').textContent()).toContain('isp-kt');
      // It is told the URLs are other hosts' and it blocks them: "Deleted" is offered neither for the order nor for a URL
      await watched.page.locator('[data-testid="isp-order-note"]').waitFor();
      expect(await watched.page.locator('input[type="radio"][value="DELETED"]').count()).toBe(0);
      expect(await watched.page.locator('input[type="radio"][value="BLOCKED"]').count()).toBe(1);
      const perUrl = watched.page.locator('[data-testid="url-compliance"]');
      expect(await perUrl.locator('option[value="DELETED"]').count()).toBe(0);
      expect(await perUrl.locator('select').count()).toBe(2);
      // The URL it cannot comply with shows its reason, and may still be reported blocked
      expect(await perUrl.locator('input').first().inputValue()).toContain('resolves to no server');
      expect(watched.errors).toEqual([]);
      expect(await watched.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await watched.shot('orders');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('staff see which operators are ISPs on the registry', async () => {
    const watched = await open('staff-kim', lang, width, '/operators');
    try {
      const isp = watched.page.locator('[data-operator="isp-kt"]');
      await isp.waitFor();
      await expect.poll(() => isp.textContent()).toContain('ISP');
      await watched.shot('registry');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });
});

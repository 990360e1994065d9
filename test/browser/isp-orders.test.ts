/**
 * What an ISP and staff see of ISPs (issue 12): isp-kt signed in on its orders, a BLOCK_ACCESS order
 * listing an overseas host's and an unclaimed host's URLs; staff on the operators registry, which
 * tells hosts from ISPs. Korean and English at 390 and 1280 px against the built web UI with the
 * mocked API; screenshots in test/artifacts/screenshots/.
 */
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../web/src/i18n';
import { WatchedPage, useBuiltSite } from './support/browser';
import { mockApi } from './support/mock-api';
import { ispToken } from './support/session';

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

/** Opens `route` as `user` (an ISP by its token, staff by the local picker) in `lang` at `width`. */
async function open(user: string, lang: Lang, width: number, route: string): Promise<WatchedPage> {
  const watched = await WatchedPage.open(site.browser, `isp-orders-${lang}-${width}-${user}`, width);
  await watched.page.addInitScript(
    ({ chosen, token }) => {
      localStorage.setItem('ud.lang', chosen);
      if (token) sessionStorage.setItem('ud.token', token);
    },
    { chosen: lang, token: user.startsWith('isp-') ? ispToken(user) : '' },
  );
  const data = await mockApi(watched.page, NOW);
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
  await watched.page.route(/\/operator\/orders$/, (route) => json(route, { orders: [blockOrder] }));
  await watched.page.route(/\/operators$/, (route) => json(route, { operators: OPERATORS }));
  await watched.page.goto(`${site.url}/`);
  if (!user.startsWith('isp-')) await watched.page.locator(`button[data-user="${user}"]`).click();
  await watched.page.locator('nav a[aria-current="page"]').waitFor();
  await watched.page.goto(`${site.url}/#${route}`);
  await expect.poll(() => watched.page.locator('[aria-busy="true"]').count()).toBe(0);
  return watched;
}

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

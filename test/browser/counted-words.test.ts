/**
 * Counted words on the screens, in English and Korean, at a phone's and a desk's width: an
 * operator's order of one URL, a batch vote on one review. Against the built web UI with the
 * mocked API (support/mock-api.ts), so the counts do not depend on the workflow's timing. Every
 * page visited is saved to test/artifacts/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../web/src/i18n';
import { WatchedPage, useBuiltSite } from './support/browser';
import { mockApi } from './support/mock-api';

const NOW = Date.parse('2026-11-24T06:00:00.000Z');

const site = useBuiltSite();

/** Signs `user` in by the local picker, in `lang`, at `width`; the page's console must stay clean. */
async function as(user: string, lang: Lang, width: number): Promise<{ watched: WatchedPage; data: Awaited<ReturnType<typeof mockApi>> }> {
  const watched = await WatchedPage.open(site.browser, `counted-${lang}-${width}-${user}`, width);
  await watched.page.addInitScript((chosen) => localStorage.setItem('ud.lang', chosen), lang);
  const data = await mockApi(watched.page, NOW);
  await watched.page.goto(`${site.url}/`);
  await watched.page.locator(`button[data-user="${user}"]`).click();
  await watched.page.locator('nav a[aria-current="page"]').waitFor();
  return { watched, data };
}

async function open(watched: WatchedPage, route: string, name: string): Promise<void> {
  await watched.page.goto(`${site.url}/#${route}`);
  await watched.page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
  await watched.shot(name);
}

const VIEWS = (['en', 'ko'] as const).flatMap((lang) => [390, 1280].map((width) => ({ lang, width })));

describe.each(VIEWS)('counted words in $lang at $width px', ({ lang, width }) => {
  it('an order of one URL says so', async () => {
    // Given op-social, whose order names one URL
    const { watched, data } = await as('op-social', lang, width);
    try {
      const order = data.operatorOrders.find((o) => o.operatorId === 'op-social' && o.urls.length === 1);
      expect(order).toBeDefined();
      // When it opens the order
      await open(watched, `/operator/orders/${order?.orderId}`, 'order');
      // Then the count reads "1 URL" / "URL 1개"
      await expect.poll(() => watched.page.locator('summary').allTextContents()).toContain(lang === 'en' ? '1 URL' : 'URL 1개');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('a batch vote on one review says so', async () => {
    // Given a member on the reviews page
    const { watched } = await as('member-1', lang, width);
    try {
      await open(watched, '/committee/reviews', 'reviews');
      // When it selects one review
      await watched.page.locator('input.select').first().check();
      // Then the button reads "Vote on 1 review" / "1건 표결"
      const button = watched.page.locator('.batch-bar button[type="submit"]');
      await expect.poll(() => button.textContent()).toBe(lang === 'en' ? 'Vote on 1 review' : '1건 표결');
      await watched.shot('one-selected');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });
});

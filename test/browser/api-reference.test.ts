/**
 * The API reference page (#/api, issue 13): anyone, without signing in, reads every route of the
 * OpenAPI document grouped by tag, with who may call it, its fields and examples, in English and
 * Korean at a phone's and a desk's width, and the page loads nothing from anywhere but its own
 * origin. Against the built web UI; the API answers the real generated document
 * (shared/api/openapi.ts), so the page is tested on what GET /openapi.json serves. Screenshots go
 * to test/artifacts/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiFunctions } from '../../infra/functions';
import { openApiDocument } from '../../shared/api/openapi';
import type { Lang } from '../../web/src/i18n';
import { WatchedPage, useBuiltSite } from './support/browser';
import { closeWatched } from './support/session';

const DOCUMENT = openApiDocument(apiFunctions);

const site = useBuiltSite();

/** Opens #/api with nobody signed in; records every request the page makes. */
async function openReference(lang: Lang, width: number): Promise<{ watched: WatchedPage; requests: string[] }> {
  const watched = await WatchedPage.open(site.browser, `api-reference-${lang}-${width}`, width);
  const requests: string[] = [];
  watched.page.on('request', (request) => requests.push(request.url()));
  await watched.page.addInitScript((chosen) => localStorage.setItem('ud.lang', chosen), lang);
  await watched.page.route(/\/(config\.json|openapi\.json)$/, (route) => {
    const isConfig = route.request().url().endsWith('/config.json');
    const body = isConfig
      ? { apiUrl: '', local: true, policy: { id: 'kr-kcsc', timeZone: 'Asia/Seoul', language: 'ko', urgentApprovals: 2 } }
      : DOCUMENT;
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  await watched.page.goto(`${site.url}/#/api`);
  await watched.page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
  return { watched, requests };
}

const WORDS = {
  en: { title: 'API reference', anyone: 'Anyone, without a token', scopes: 'Machine client scopes', required: 'required' },
  ko: { title: 'API 안내', anyone: '토큰 없이 누구나', scopes: '시스템 클라이언트 권한 범위', required: '필수' },
} as const;

const VIEWS = (['en', 'ko'] as const).flatMap((lang) => [390, 1280].map((width) => ({ lang, width })));

describe.each(VIEWS)('the API reference in $lang at $width px', ({ lang, width }) => {
  it('shows every route by group with its roles, scopes and fields, from its own origin only, within the width', async () => {
    // Given nobody signed in; When the reference page opens
    const { watched, requests } = await openReference(lang, width);
    try {
      const { page } = watched;
      const words = WORDS[lang];
      const card = (route: string) =>
        page.locator('article.api-operation').filter({ has: page.getByRole('heading', { level: 3, name: route, exact: true }) });
      await watched.shot('top');

      // Then it is titled in the reader's language and has one card per route of the document
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(words.title);
      const routeCount = Object.values(DOCUMENT.paths ?? {}).flatMap((methods) => Object.keys(methods ?? {})).length;
      expect(await page.locator('article.api-operation').count()).toBe(routeCount);

      // and the operator's compliance route says who calls it, with which scope, and what it takes
      const compliance = card('POST /operator/orders/{orderId}/compliance');
      expect(await compliance.locator('dd').first().textContent()).toBe('operator');
      expect(await compliance.locator('dt', { hasText: words.scopes }).count()).toBe(1);
      expect(await compliance.locator('dd').nth(1).textContent()).toBe('orders.write');
      const action = compliance.locator('.api-fields li', { has: page.locator('code', { hasText: /^action$/ }) });
      expect(await action.textContent()).toContain('"DELETED" | "BLOCKED" | "NOT_FOUND"');
      expect(await action.textContent()).toContain(words.required);
      expect(await compliance.locator('pre.api-example').textContent()).toContain('"action": "DELETED"');

      // and the webhook, block list and hash list routes have their own groups, with their scopes
      for (const group of ['Webhooks', 'ISP block list', 'Hash list']) {
        expect(await page.getByRole('heading', { level: 2, name: group, exact: true }).count(), group).toBe(1);
      }
      expect(await card('GET /isp/blocklist').locator('dd').nth(1).textContent()).toBe('blocklist.read');
      expect(await card('POST /hashes/match').locator('dd').nth(1).textContent()).toBe('hashes.match');

      // and a public route says anyone may call it
      const openapi = card('GET /openapi.json');
      expect(await openapi.locator('dd').first().textContent()).toBe(words.anyone);

      // and the document itself can be saved as a file
      expect(await page.locator('a[download="openapi.json"]').getAttribute('href')).toMatch(/^blob:/);

      // and the machine client's scopes are explained
      await page.locator('section[aria-labelledby="api-security"] code', { hasText: /^orders\.read$/ }).waitFor();

      // An answer's fields open on demand
      const list = card('GET /operator/orders');
      await list.locator('summary').first().click();
      await list.locator('code', { hasText: /^orders\[\]\.deadlineAt$/ }).waitFor();
      await list.scrollIntoViewIfNeeded();
      await watched.shot('operator-orders');

      // Nothing came from another origin, and nothing is wider than the window
      expect(requests.filter((url) => !url.startsWith(site.url) && !url.startsWith('data:'))).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    } finally {
      await closeWatched([watched]);
    }
  });
});

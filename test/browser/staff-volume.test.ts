/**
 * The cases screen at volume, against the built web UI and a stand-in API: a search sends its
 * filters (a calendar day as the policy's whole day), and More asks for the next page with the
 * cursor and adds it below. Screenshots in English and Korean, at 390 and 1280 px.
 */
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WatchedPage, useBuiltSite } from './support/browser';
import { fakeToken, mockApi } from './support/mock-api';

const summary = (n: number) => ({
  caseId: `C01KJNXGE000W3GE1R70W3GE${String(n).padStart(3, '0')}`,
  status: 'PENDING_APPROVAL',
  category: 'ILLEGAL_FILMING',
  createdAt: `2026-03-0${(n % 9) + 1}T00:00:00.000Z`,
  procedure: 'interim-then-review',
  urlCount: 1,
  approvalCount: 0,
});

const site = useBuiltSite();

/** A signed-in staff tab whose `GET /cases` answers two pages and records every query it was asked. */
async function staffTab(lang: 'en' | 'ko', width: number) {
  const watched = await WatchedPage.open(site.browser, `staff-volume-${lang}-${width}`, width);
  await mockApi(watched.page, Date.now());
  const queries: URLSearchParams[] = [];
  await watched.page.route(/\/cases(\?|$)/, async (route: Route) => {
    const query = new URL(route.request().url()).searchParams;
    queries.push(query);
    const body = query.get('cursor') === 'page-2' ? { cases: [summary(3)] } : { cases: [summary(1), summary(2)], nextCursor: 'page-2' };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  await watched.page.goto(`${site.url}/`);
  await watched.page.evaluate(
    ([token, language]) => {
      sessionStorage.setItem('ud.token', token as string);
      localStorage.setItem('ud.lang', language as string);
    },
    [fakeToken('staff-kim'), lang],
  );
  await watched.page.goto(`${site.url}/#/cases`);
  await watched.page.reload();
  return { watched, queries };
}

describe('cases search', () => {
  it('sends the filters, pages with More, and shows the count as it changes', async () => {
    // Given
    const { watched, queries } = await staffTab('en', 1280);
    const { page } = watched;
    await page.getByRole('button', { name: 'More' }).waitFor();

    // When a host search for one filing day in Seoul
    await page.getByLabel('Search by').selectOption('host');
    await page.getByLabel('Search for').fill('webhard.example');
    await page.getByLabel('Filed from').fill('2026-03-02');
    await page.getByLabel('Filed until').fill('2026-03-02');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => queries.length).toBeGreaterThanOrEqual(2);

    // Then
    const sent = queries.at(-1);
    expect(sent?.get('host')).toBe('webhard.example');
    expect(sent?.get('from')).toBe('2026-03-01T15:00:00.000Z');
    expect(sent?.get('to')).toBe('2026-03-02T14:59:59.999Z');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'cases shown' }).textContent()).toBe('2 cases shown; more below');

    // When
    await page.getByRole('button', { name: 'More' }).click();

    // Then
    await expect.poll(() => page.locator('table.board tbody tr').count()).toBe(3);
    expect(queries.at(-1)?.get('cursor')).toBe('page-2');
    expect(queries.at(-1)?.get('host')).toBe('webhard.example');
    await expect.poll(() => page.getByRole('button', { name: 'More' }).count()).toBe(0);
    await watched.shot('searched');
    expect(watched.errors).toEqual([]);
    await watched.close();
  }, 60_000);

  it.each([
    ['en', 390],
    ['ko', 390],
    ['ko', 1280],
  ] as const)(
    'lays the search out in %s at %i px without overflowing',
    async (lang, width) => {
      // Given
      const { watched } = await staffTab(lang, width);
      await watched.page.locator('table.board tbody tr').first().waitFor();

      // Then
      const overflow = await watched.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await watched.shot('cases');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(watched.errors).toEqual([]);
      await watched.close();
    },
    60_000,
  );
});

/**
 * The deadline board's search and the duplicate check before filing, against the built web UI and
 * a stand-in API: the board's search sends its filters (calendar days as the policy's whole days)
 * and loads more with the cursor; the intake form checks the URLs and warns before it files, and
 * files on the second click. Screenshots in English and Korean, at 390 and 1280 px.
 */
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WatchedPage, useBuiltSite } from './support/browser';
import { fixtures, mockApi, openSignedIn } from './support/mock-api';

const site = useBuiltSite();

const json = (route: Route, status: number, body: unknown) =>
  route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

/** A signed-in tab on a route, whose stand-in API records what the page asked. */
async function tab(
  user: string,
  route: string,
  lang: 'en' | 'ko',
  width: number,
  /** How the API turns away the filings before it takes one: status and Retry-After of each. */
  busy: Array<{ status: number; retryAfter?: string }> = [],
) {
  const watched = await WatchedPage.open(site.browser, `board-search-${user}-${lang}-${width}`, width);
  const now = Date.now();
  await mockApi(watched.page, now);
  const board = fixtures(now).board;
  const orderQueries: URLSearchParams[] = [];
  const checks: string[][] = [];
  const filings: unknown[] = [];
  // Registered after mockApi's, so these answer first.
  await watched.page.route(/\/orders\?/, async (request: Route) => {
    const query = new URL(request.request().url()).searchParams;
    orderQueries.push(query);
    const body = query.get('cursor') === 'page-2' ? { orders: board.slice(2, 3) } : { orders: board.slice(0, 2), nextCursor: 'page-2' };
    await json(request, 200, body);
  });
  await watched.page.route(/\/reports(\/duplicates)?$/, async (request: Route) => {
    const body = request.request().postDataJSON() as { urls: string[] };
    if (request.request().url().endsWith('/duplicates')) {
      checks.push(body.urls);
      const handled = body.urls.filter((url) => url.includes('/v/known'));
      return json(request, 200, user === 'staff-kim' ? { urls: handled, duplicates: [] } : { urls: handled });
    }
    filings.push({ ...body, idempotencyKey: request.request().headers()['idempotency-key'] });
    const refusal = busy.shift();
    if (refusal)
      return request.fulfill({
        status: refusal.status,
        contentType: 'application/json',
        headers: refusal.retryAfter === undefined ? {} : { 'retry-after': refusal.retryAfter },
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'The system is behind; nothing was filed. Send it again in 1 s.' } }),
      });
    return json(request, 201, { caseId: 'C01JD3QNEWNEWNEWNEWNEWNEWN', status: 'PENDING_APPROVAL' });
  });
  await openSignedIn(watched.page, site.url, user, lang, route);
  return { watched, orderQueries, checks, filings };
}

describe('the deadline board’s search', () => {
  it('sends the filters, loads more with the cursor, and goes back to the board when cleared', async () => {
    // Given
    const { watched, orderQueries } = await tab('staff-kim', '/staff/deadlines', 'en', 1280);
    const { page } = watched;
    await page.locator('table.board tbody tr').first().waitFor();

    // When a host search of the open list for one issue day in Seoul
    const search = page.getByRole('form', { name: 'Search orders' });
    await search.getByLabel('Search by').selectOption('host');
    await search.getByLabel('Search for').fill('webhard.example');
    await search.getByLabel('Board section').selectOption('OPEN');
    await search.getByLabel('Issued from').fill('2026-03-02');
    await search.getByLabel('Issued until').fill('2026-03-02');
    await search.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => orderQueries.length).toBe(1);

    // Then
    expect(Object.fromEntries(orderQueries[0] ?? [])).toEqual({
      host: 'webhard.example',
      list: 'OPEN',
      issuedFrom: '2026-03-01T15:00:00.000Z',
      issuedTo: '2026-03-02T14:59:59.999Z',
      limit: '50',
    });
    const results = page.getByTestId('order-results');
    await expect.poll(() => results.getByRole('status').textContent()).toBe('2 orders shown; more below');
    await watched.shot('searched');

    // When
    await results.getByRole('button', { name: 'Load more' }).click();

    // Then
    await expect.poll(() => results.locator('tbody tr').count()).toBe(3);
    expect(orderQueries.at(-1)?.get('cursor')).toBe('page-2');
    expect(orderQueries.at(-1)?.get('host')).toBe('webhard.example');
    await expect.poll(() => results.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await watched.shot('more');

    // When
    await search.getByRole('button', { name: 'Clear' }).click();

    // Then the board's sections again
    await expect.poll(() => page.getByTestId('order-results').count()).toBe(0);
    await page.getByTestId('non-compliant').waitFor();
    expect(watched.errors).toEqual([]);
    await watched.close();
  }, 90_000);

  it.each([
    ['en', 390],
    ['ko', 390],
    ['ko', 1280],
  ] as const)(
    'lays the board’s search out in %s at %i px without overflowing',
    async (lang, width) => {
      // Given
      const { watched } = await tab('staff-kim', '/staff/deadlines', lang, width);
      const { page } = watched;
      await page.locator('table.board tbody tr').first().waitFor();

      // When (on a phone the search starts folded, below nothing but its own line)
      const phone = width <= 640;
      expect(await page.locator('#order-search-term').isVisible()).toBe(!phone);
      if (phone) await page.locator('details.search-fold > summary').click();
      await page.locator('#order-search-term').fill('webhard.example');
      await page.locator('form.search-form button[type="submit"]').click();
      await page.getByTestId('order-results').locator('tbody tr').first().waitFor();

      // Then on a phone it folds again over the results, the filter in force still in words
      expect(await page.locator('#order-search-term').isVisible()).toBe(!phone);
      expect(await page.getByTestId('active-filters').textContent()).toContain('webhard.example');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await watched.shot('board-search');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(watched.errors).toEqual([]);
      await watched.close();
    },
    90_000,
  );
});

describe('the duplicate check before filing', () => {
  it('warns a reporter of URLs already being handled, and files on the second click', async () => {
    // Given
    const { watched, checks, filings } = await tab('support-center', '/intake', 'en', 1280);
    const { page } = watched;
    await page.getByLabel('URLs (one a line)').waitFor();

    // When the URLs are entered and the field is left
    await page.getByLabel('URLs (one a line)').fill('https://webhard.example/v/known\nhttps://social.example/p/new');
    await page.getByLabel('Category').focus();
    await page.getByLabel('Category').selectOption('ILLEGAL_FILMING');

    // Then the warning names the URL already handled, and nothing else
    const warning = page.getByTestId('already-handled');
    await warning.waitFor();
    expect(checks).toEqual([['https://webhard.example/v/known', 'https://social.example/p/new']]);
    expect(await warning.locator('li').allTextContents()).toEqual(['https://webhard.example/v/known']);
    await watched.shot('warned');

    // When the reporter files anyway
    await page.getByLabel(/consent/i).check();
    await page.getByRole('button', { name: 'File anyway' }).click();

    // Then
    await expect.poll(() => filings.length).toBe(1);
    await page.getByRole('status').filter({ hasText: 'C01JD3QNEWNEWNEWNEWNEWNEWN' }).waitFor();
    expect(watched.errors).toEqual([]);
    await watched.close();
  }, 90_000);

  it('shows the warning on the first click of File report when the field was never left, and files nothing yet', async () => {
    // Given
    const { watched, filings } = await tab('staff-kim', '/intake', 'en', 1280);
    const { page } = watched;
    await page.getByLabel('URLs (one a line)').waitFor();
    await page.getByLabel('Category').selectOption('ILLEGAL_FILMING');
    await page.getByLabel('Reported by').selectOption('POLICE');
    await page.getByLabel(/consent/i).check();
    await page.getByLabel('URLs (one a line)').fill('https://webhard.example/v/known');

    // When
    await page.getByRole('button', { name: 'File report' }).click();

    // Then
    await page.getByTestId('already-handled').waitFor();
    expect(filings).toEqual([]);
    await expect.poll(() => page.getByRole('button', { name: 'File anyway' }).count()).toBe(1);
    expect(watched.errors).toEqual([]);
    await watched.close();
  }, 90_000);

  /** Fills the intake form with one URL nobody has reported and files it. */
  async function fileNewReport(page: WatchedPage['page'], fileButton: RegExp): Promise<void> {
    await page.locator('#urls').waitFor();
    await page.locator('#category').selectOption('ILLEGAL_FILMING');
    // Staff say who reported it; a reporter is who reported it.
    if ((await page.locator('#reporterKind').count()) > 0) await page.locator('#reporterKind').selectOption('POLICE');
    await page.locator('#consent').check();
    await page.locator('#urls').fill('https://webhard.example/v/new-upload');
    await page.getByRole('button', { name: fileButton }).click();
  }

  it('sends a report the system was too busy to take again after Retry-After, with the same key, and files it', async () => {
    // Given an API that turns the first filing away, behind its workflows
    const { watched, filings } = await tab('staff-kim', '/intake', 'en', 1280, [{ status: 503, retryAfter: '1' }]);
    const { page } = watched;

    // When the report is filed
    await fileNewReport(page, /^File report$/);

    // Then it is sent again a second later, under the same Idempotency-Key, and the page says it is filed
    await page.getByRole('status').filter({ hasText: 'C01JD3QNEWNEWNEWNEWNEWNEWN' }).waitFor();
    expect(filings).toHaveLength(2);
    const keys = filings.map((filing) => (filing as { idempotencyKey?: string }).idempotencyKey);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    await watched.shot('filed-after-busy');
    await watched.close();
  }, 90_000);

  it('tells the reporter in Korean that nothing was filed when the API is busy without saying when to come back', async () => {
    // Given an API that answers 503 with no Retry-After (a proxy in the way, say): nothing to wait for
    const { watched, filings } = await tab('support-center', '/intake', 'ko', 390, [{ status: 503 }]);
    const { page } = watched;

    // When
    await fileNewReport(page, /접수/);

    // Then one filing, and the reason in the reader's words, not the API's English
    const alert = page.getByRole('alert').filter({ hasText: '1분 뒤에 다시' });
    await alert.waitFor();
    expect(filings).toHaveLength(1);
    expect(await alert.textContent()).not.toContain('nothing was filed');
    await watched.shot('busy-ko');
    await watched.close();
  }, 90_000);

  it.each([
    ['en', 390],
    ['ko', 390],
    ['ko', 1280],
    ['en', 1280],
  ] as const)(
    'lays the warning out in %s at %i px without overflowing',
    async (lang, width) => {
      // Given
      const { watched } = await tab('support-center', '/intake', lang, width);
      const { page } = watched;
      await page.locator('#urls').waitFor();

      // When
      await page.locator('#urls').fill('https://webhard.example/v/known');
      await page.locator('#category').focus();
      await page.getByTestId('already-handled').waitFor();

      // Then
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await watched.shot('intake-warning');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(watched.errors).toEqual([]);
      await watched.close();
    },
    90_000,
  );
});

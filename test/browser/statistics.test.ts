/**
 * The statistics page (issue 10, item 6) against `npm start`'s whole stack: two reports filed, one
 * approved and complied with, then an auditor reads the figures, the charts with their tables, the
 * operator's compliance and the yearly counts, and downloads the CSV; screenshots in Korean and
 * English at 390 and 1280 px wide go to test/artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../../shared/domain/statistics';
import { Api, approveCase, fileReport, orderIdFor, uniqueUrl, untilOrderStatus } from '../e2e/support';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { launchBrowser, WatchedPage } from './support/browser';
import { closeWatched, visit } from './support/session';

/** Hours: nothing times out while the test looks at the page. */
const POLICY = {
  id: 'kr-statistics-ui',
  approvalSla: 'PT6H',
  complianceDeadline: 'PT6H',
  reminders: ['PT1H'],
  lateComplianceGrace: 'P1D',
  postReviewWindow: 'P7D',
  appealWindow: 'P15D',
  appealReviewWindow: 'P15D',
};

let stack: LocalStack;
let browser: Browser;
const opened: WatchedPage[] = [];

/** Signs in by the local picker in the given language, at the given width. */
async function as(user: string, lang: 'ko' | 'en', width: number): Promise<WatchedPage> {
  const watched = await WatchedPage.open(browser, `statistics-${user}-${lang}-${width}`, width);
  opened.push(watched);
  await watched.page.addInitScript((chosen) => localStorage.setItem('ud.lang', chosen), lang);
  await watched.page.goto(`${stack.baseUrl}/`);
  await watched.page.locator(`button[data-user="${user}"]`).click();
  await watched.page.locator('nav a[aria-current="page"]').waitFor();
  return watched;
}

beforeAll(async () => {
  stack = await startLocalStack({ policy: POLICY, web: true });
  const api = new Api(stack);
  browser = await launchBrowser();
  // Given two reports of illegal filming: one approved, whose order op-webhard complied with, and one still pending
  const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
  await approveCase(api, caseId);
  const orderId = orderIdFor(caseId, 'op-webhard');
  await untilOrderStatus(api, 'op-webhard', orderId, 'ISSUED');
  const complied = await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED', note: 'removed' });
  expect(complied.status).toBe(200);
  await fileReport(api, [uniqueUrl('op-social')]);
}, 180_000);

afterEach((context) => closeWatched(opened, context));

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the statistics page', () => {
  it('shows an auditor the figures, the charts with their data as tables, the operator and the yearly counts', async () => {
    // When
    const watched = await as('auditor-1', 'en', 1280);
    await visit(watched, stack.baseUrl, '/statistics', 'statistics');
    const { page } = watched;

    // Then the range's figures: two reports, one order, complied in time
    await expect.poll(() => page.locator('[data-figure="statReports"] dd').textContent()).toBe('2');
    expect(await page.locator('[data-figure="statOrders"] dd').textContent()).toBe('1');
    expect(await page.locator('[data-figure="statCompliedInTime"] dd').textContent()).toBe('100% (1 of 1)');
    // Three charts, each an SVG named by its caption, with its data as a table
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(3);
    for (const chart of await charts.all()) {
      expect(await chart.locator('svg').count()).toBeGreaterThan(0);
      expect(await chart.getAttribute('aria-labelledby')).toMatch(/-caption$/);
      expect(await chart.locator('table tbody tr').count()).toBeGreaterThan(0);
    }
    await page.locator('[data-chart="chart-category"] summary').click();
    await expect
      .poll(() => page.locator('[data-chart="chart-category"] tbody tr').filter({ hasText: 'Illegal filming' }).locator('td').textContent())
      .toBe('2');
    // The operator's compliance, and the yearly counts
    expect(await page.locator('tr[data-operator="op-webhard"]').textContent()).toContain('100% (1 of 1)');
    expect(await page.locator('table.yearly tr[data-row="reportsReceived"] td').last().textContent()).toBe('2');
    await watched.shot('table-open');

    // When the CSV is downloaded
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-action="csv"]').click()]);
    const text = readFileSync((await download.path()) ?? '', 'utf8');

    // Then it is UTF-8 with a byte order mark and a header row
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n')[0]).toBe(CSV_HEADER.join(','));
    expect(download.suggestedFilename()).toMatch(/^statistics-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
  });

  it('refuses a range that ends before it starts, and shows another range when asked', async () => {
    const watched = await as('staff-kim', 'en', 1280);
    await visit(watched, stack.baseUrl, '/statistics', 'statistics');
    const { page } = watched;

    // When the range is turned around
    await page.getByLabel('From (month)').fill('2030-01');
    // Then it is refused before it is sent
    await expect.poll(() => page.locator('[role="alert"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Show' }).isDisabled()).toBe(true);

    // When a range without reports is asked for
    await page.getByLabel('From (month)').fill('2020-01');
    await page.getByLabel('To (month)').fill('2020-02');
    await page.getByRole('button', { name: 'Show' }).click();
    // Then its figures are shown
    await expect.poll(() => page.locator('.hint').first().textContent()).toContain('2020-01');
    expect(await page.locator('[data-figure="statReports"] dd').textContent()).toBe('0');
  });

  for (const lang of ['ko', 'en'] as const) {
    for (const width of [390, 1280]) {
      it(`reads in ${lang} at ${width} px, without a horizontal scroll`, async () => {
        const watched = await as('staff-park', lang, width);
        await visit(watched, stack.baseUrl, '/statistics', 'statistics');
        await watched.page.locator('figure.chart svg').first().waitFor();
        expect(await watched.page.locator('h1').textContent()).toBe(lang === 'ko' ? '통계' : 'Statistics');
        const overflow = await watched.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await watched.shot('page');
      });
    }
  }
});

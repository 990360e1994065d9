/**
 * For a person to look at the screens: serves web/dist, answers the API from mock-api.ts, and
 * saves screenshots of every main screen at phone and desktop widths to test/artifacts/look/.
 * Run: npm run build:web && npx tsx test/browser/support/look.ts
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveStatic } from './browser';
import { fakeToken, mockApi } from './mock-api';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'test', 'artifacts', 'look');

const SCREENS: [user: string, route: string, name: string][] = [
  ['', '/', 'signin'],
  ['staff-kim', '/intake', 'staff-intake'],
  ['staff-kim', '/staff/approvals', 'staff-approvals'],
  ['staff-kim', '/staff/deadlines', 'staff-deadlines'],
  ['staff-kim', '/cases/C01JD3Q5Z8K2M4N6P8R0T2V4X6', 'staff-case'],
  ['op-webhard', '/operator/orders', 'operator-orders'],
  ['member-1', '/committee/reviews', 'committee-reviews'],
  ['member-1', '/committee/reviews/R01JD3Q5Z8K2M4N6P8R0T2V4X6-POST', 'committee-review'],
  ['support-center', '/reporter/reports', 'reporter-reports'],
  ['auditor-1', '/cases', 'auditor-cases'],
];

const server = await serveStatic(path.join(ROOT, 'web', 'dist'));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
mkdirSync(OUT, { recursive: true });
const langs = (process.env.LOOK_LANGS ?? 'ko,en').split(',');
try {
  for (const width of [390, 1280]) {
    for (const lang of langs) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'ko' ? 'ko-KR' : 'en-GB' });
      for (const [user, route, name] of SCREENS) {
        // A fresh tab per screen: the token lives in sessionStorage, set before the app starts.
        const page = await context.newPage();
        page.on('console', (msg) => {
          if (msg.type() === 'error') console.log(`console error (${name} ${width}/${lang}): ${msg.text()}`);
        });
        page.on('pageerror', (error) => console.log(`page error (${name}): ${error.message}`));
        await mockApi(page, Date.now());
        await page.addInitScript(
          ([token, l]) => {
            if (token) sessionStorage.setItem('ud.token', token);
            localStorage.setItem('ud.lang', l!);
          },
          [user ? fakeToken(user) : '', lang],
        );
        await page.goto(`${server.url}/#${route}`);
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(OUT, `${name}-${lang}-${width}.png`), fullPage: true });
        await page.close();
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`screenshots in ${OUT}`);

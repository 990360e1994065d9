/**
 * For a person to look at the screens: serves web/dist, answers the API from mock-api.ts, and
 * saves screenshots of every main screen at phone and desktop widths to test/artifacts/look/.
 * Run: npm run build:web && npx tsx test/browser/support/look.ts
 * With DOCS=1 it writes the README's small screenshots to docs/screenshots/ instead.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fontsLoaded, launchBrowser, serveStatic } from './browser';
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

/** The three roles' main screens, at the widths their users work at. */
const DOCS: [user: string, route: string, name: string, width: number, height: number][] = [
  ['staff-kim', '/staff/deadlines', 'staff-deadline-board', 1024, 560],
  ['op-webhard', '/operator/orders', 'operator-orders', 390, 844],
  ['member-1', '/committee/reviews', 'committee-batch-review', 390, 844],
];

const server = await serveStatic(path.join(ROOT, 'web', 'dist'));
const browser = await launchBrowser();
mkdirSync(OUT, { recursive: true });
if (process.env.DOCS === '1') {
  const docsDir = path.join(ROOT, 'docs', 'screenshots');
  mkdirSync(docsDir, { recursive: true });
  for (const [user, route, name, width, height] of DOCS) {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB' });
    const page = await context.newPage();
    // A fixed clock: the countdowns in the pictures do not change from one run to the next.
    await page.clock.setFixedTime(new Date('2026-03-02T01:00:00Z'));
    await mockApi(page, new Date('2026-03-02T01:00:00Z').getTime());
    await page.addInitScript((token) => {
      sessionStorage.setItem('ud.token', token);
      localStorage.setItem('ud.lang', 'en');
    }, fakeToken(user));
    await page.goto(`${server.url}/#${route}`);
    await page.waitForLoadState('networkidle');
    if (route === '/committee/reviews') {
      // Show the batch in progress: two reviews picked, the vote bar open.
      for (const box of (await page.locator('input.select').all()).slice(0, 2)) await box.check();
      await page.locator('#batch-reason').fill('Same uploader, same clip.');
      await page.locator('input.select').first().scrollIntoViewIfNeeded();
    }
    await fontsLoaded(page);
    await page.screenshot({ path: path.join(docsDir, `${name}.png`) });
    await context.close();
  }
  await browser.close();
  await server.close();
  console.log(`screenshots in ${docsDir}`);
  process.exit(0);
}
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
        await fontsLoaded(page);
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

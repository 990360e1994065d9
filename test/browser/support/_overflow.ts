import path from 'node:path';
import { launchBrowser, serveStatic } from './browser';
import { fakeToken, mockApi } from './mock-api';
const [user, route] = process.argv.slice(2) as [string, string];
const server = await serveStatic(path.resolve(import.meta.dirname, '..', '..', '..', 'web', 'dist'));
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
await mockApi(page, Date.now());
await page.goto(`${server.url}/`);
await page.evaluate((t) => {
  sessionStorage.setItem('ud.token', t);
  localStorage.setItem('ud.lang', 'en');
}, fakeToken(user));
await page.goto(`${server.url}/#${route}`);
await page.reload();
await page.waitForLoadState('networkidle');
console.log(
  await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.right > 391)
        out.push(
          `${el.tagName}.${(el as HTMLElement).className} right=${Math.round(r.right)} w=${Math.round(r.width)} text=${(el.textContent ?? '').slice(0, 40)}`,
        );
    }
    return out.slice(0, 30).join('\n');
  }),
);
await browser.close();
await server.close();

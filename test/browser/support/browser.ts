/**
 * Driving Debian's chromium with playwright-core (no browser download here), collecting console
 * errors, and saving a screenshot of every page a test visits to test/artifacts/screenshots/.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test', 'artifacts', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A page that records console errors and failed requests, and numbers its screenshots. */
export class WatchedPage {
  readonly errors: string[] = [];
  private shots = 0;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly prefix: string,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`${page.url()}: ${error.message}`));
  }

  static async open(browser: Browser, prefix: string, width = 1280): Promise<WatchedPage> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ko-KR', timezoneId: 'UTC' });
    return new WatchedPage(context, await context.newPage(), prefix);
  }

  /** Saves `<test>-<nn>-<name>.png`: every page a test visits, for the CI artifact. */
  async shot(name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    this.shots += 1;
    const file = `${this.prefix}-${String(this.shots).padStart(2, '0')}-${name}.png`;
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, file), fullPage: true });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static server for web/dist, for looking at screens with a mocked API (mock-api.ts). */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Driving the Chromium that ships inside the npm package @sparticuz/chromium with playwright-core
 * (nothing from apt, no browser download), collecting console errors, and saving screenshots to
 * test/artifacts/screenshots/: with SCREENSHOTS=1, of every page a test visits; otherwise of a failed
 * test's pages, as they were when it failed. A full-page screenshot takes some 0.4 s, and the
 * browser tests take some 280 of them: half of their time, which `npm test` spends only to look at.
 * CHROMIUM_PATH=/path/to/chrome uses another Chromium instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { ensureWebBuilt } from '../../../infra/local/web';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test', 'artifacts', 'screenshots');
/** Every screenshot a test takes, for looking at what it drove; otherwise a failed test's only. */
const EVERY_SCREENSHOT = process.env.SCREENSHOTS === '1';

/**
 * The network is closed here and tests talk to 127.0.0.1 only: no background services, and every
 * host name but 127.0.0.1 fails to resolve, so a page cannot reach the internet even by mistake.
 */
const OFFLINE_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/**
 * The package's flags are made for AWS Lambda. Left out: `--single-process` (Lambda's sandbox
 * needs it; here a renderer crash would take the whole browser with it), and
 * `--disable-web-security` and `--allow-running-insecure-content`, which would let the UI pass a
 * test that a user's browser would fail (CORS, mixed content).
 */
const LAMBDA_ONLY_ARGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/**
 * Unpacks the package's Chromium (brotli files inside node_modules, no download) once per package
 * version into node_modules/.cache, not into the shared /tmp/chromium the package uses by default,
 * where another checkout's Chromium of another version would be picked up. A child process does
 * the unpacking with TMPDIR pointing at a fresh directory, renamed into place when complete, so
 * two runs starting together never see half a binary.
 */
function unpackedChromium(): { executablePath: string; libDir: string; fontConfig: string } {
  const require = createRequire(import.meta.url);
  const packageDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const dir = path.join(ROOT, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  const result = {
    executablePath: path.join(dir, 'chromium'),
    libDir: path.join(dir, 'al2023', 'lib'),
    fontConfig: path.join(dir, 'fonts.conf'),
  };
  if (existsSync(result.executablePath)) return result;
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const script = `
    import { join } from 'node:path';
    const { default: chromium, inflate } = await import('@sparticuz/chromium');
    await chromium.executablePath();
    await inflate(join(${JSON.stringify(path.join(packageDir, 'bin'))}, 'al2023.tar.br'));`;
  execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: staging },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Chromium aborts (Skia: "Not implemented") when it needs a fallback font and fontconfig knows
  // none, as on a machine with no fonts installed: the package's Open Sans is always there.
  writeFileSync(
    path.join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>
  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>
</fontconfig>
`,
  );
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another run finished first: its copy is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(result.executablePath)) throw error;
  }
  return result;
}

/** glibc of this machine, e.g. 2.36; undefined on musl or where Node does not say. */
function glibcVersion(): number | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const version = header?.glibcVersionRuntime;
  return version === undefined ? undefined : Number.parseFloat(version);
}

/** What playwright-core needs to launch the browser: which binary, its flags and environment. */
export function browserLaunchOptions(): LaunchOptions {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    return { executablePath: override, args: ['--headless', '--no-sandbox', '--disable-gpu', ...OFFLINE_ARGS] };
  }
  const { executablePath, libDir, fontConfig } = unpackedChromium();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.FONTCONFIG_FILE = fontConfig;
  // The package carries the NSS libraries Chromium links against (built for Amazon Linux 2023,
  // glibc 2.34 or later): a machine without libnss3 runs the browser all the same.
  if ((glibcVersion() ?? 0) >= 2.34) env.LD_LIBRARY_PATH = [libDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const args = sparticuz.args.filter((arg) => !LAMBDA_ONLY_ARGS.has(arg));
  return { executablePath, args: [...args, ...OFFLINE_ARGS], env };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(browserLaunchOptions());
}

/** A page that records console errors and failed requests, and numbers its screenshots. */
export class WatchedPage {
  readonly errors: string[] = [];
  private shots = 0;
  private lastStep = 'opening';

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

  /** `<test>-<nn>-<name>.png`: a step the test reached (see SCREENSHOTS above). */
  async shot(name: string): Promise<void> {
    this.shots += 1;
    this.lastStep = name;
    await screenshot(this.page, this.fileName(name));
  }

  /** Closes the page; after a failed test, saves it first as the failure left it. */
  async close(testFailed = false): Promise<void> {
    if (testFailed) await saveScreenshot(this.page, this.fileName(`failed-after-${this.lastStep}`)).catch(() => undefined);
    await this.context.close();
  }

  private fileName(step: string): string {
    return `${this.prefix}-${String(this.shots).padStart(2, '0')}-${step}`;
  }
}

/** The whole page as `<name>.png` once its fonts are in, with SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (EVERY_SCREENSHOT) await saveScreenshot(page, name);
}

/** For an afterEach hook: whether the test it follows failed (its pages are then saved as they are). */
export function testFailed(context: TestContext): boolean {
  return context.task.result?.state === 'fail';
}

async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await fontsLoaded(page);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Waits for the web font slices the page has asked for: the font loads with `font-display: swap`,
 * so a screenshot taken before shows the fallback (boxes, in a browser without CJK fonts).
 */
export async function fontsLoaded(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
}

export interface RenderedFont {
  familyName: string;
  isCustomFont: boolean;
  glyphCount: number;
}

/** The fonts Chromium drew the text of the first `selector` with, as its DevTools report them. */
export async function renderedFonts(page: Page, selector: string): Promise<RenderedFont[]> {
  await fontsLoaded(page);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map(({ familyName, isCustomFont, glyphCount }) => ({ familyName, isCustomFont, glyphCount }));
  } finally {
    await cdp.detach();
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
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

/** The built web UI on a static server, and a browser to look at it: what a file's tests share. */
export interface BuiltSite {
  readonly browser: Browser;
  /** The static server's address, which answers web/dist (the API is mocked in the page: mock-api.ts). */
  readonly url: string;
}

/**
 * Builds the web UI if its sources changed, serves it and launches a browser before the file's
 * tests, and closes both after them. Read the fields inside the tests: they are set once
 * `beforeAll` ran.
 */
export function useBuiltSite(): BuiltSite {
  let browser: Browser | undefined;
  let site: { url: string; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    await ensureWebBuilt(ROOT, (message) => console.warn(message));
    site = await serveStatic(path.join(ROOT, 'web', 'dist'));
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useBuiltSite is read before its beforeAll ran: read it inside a test.');
    return value;
  };
  return {
    get browser() {
      return started(browser);
    },
    get url() {
      return started(site).url;
    },
  };
}

/**
 * One signed-in browser tab per user, signed in by clicks on the local picker, in English so
 * that the tests read like the steps a person takes (the Korean default is tested on its own).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';
import { type BuiltSite, testFailed, WatchedPage } from './browser';

export async function signIn(
  browser: Browser,
  baseUrl: string,
  user: string,
  prefix: string,
  width = 1280,
  lang: 'en' | 'ko' = 'en',
): Promise<WatchedPage> {
  const watched = await WatchedPage.open(browser, `${prefix}-${user}`, width);
  await watched.page.addInitScript((chosen) => localStorage.setItem('ud.lang', chosen), lang);
  await watched.page.goto(`${baseUrl}/`);
  await watched.page.locator(`button[data-user="${user}"]`).click();
  await watched.page.locator('nav a[aria-current="page"]').waitFor();
  await watched.shot('home');
  return watched;
}

/** Opens a screen by its route, then waits for its first answer. */
export async function visit(watched: WatchedPage, baseUrl: string, route: string, name: string): Promise<void> {
  await watched.page.goto(`${baseUrl}/#${route}`);
  // Every part of a screen that loads shows its own busy line: wait until none is left (a strict
  // locator fails as soon as two load at once, as the case page's do).
  await watched.page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null);
  await watched.shot(name);
}

/**
 * Reloads until `target` shows: the screens refresh on their own every 15-30 s, a test should not
 * wait that long for the workflow's next step.
 */
export async function reloadUntilVisible(watched: WatchedPage, target: Locator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await target.first().waitFor({ state: 'visible', timeout: 1500 });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await watched.page.reload();
  }
}

/**
 * Closes the tabs a test opened, then fails the test on any console error they logged but those
 * it provokes on purpose (`expected`). From an afterEach hook, given its context: the tabs of a
 * failed test are saved first, as it left them.
 */
export async function closeWatched(
  opened: WatchedPage[],
  context?: TestContext,
  expected: (error: string) => boolean = () => false,
): Promise<void> {
  const errors = opened.flatMap((watched) => watched.errors);
  const failed = context !== undefined && testFailed(context);
  await Promise.all(opened.splice(0).map((watched) => watched.close(failed)));
  expect(
    errors.filter((error) => !expected(error)),
    'console errors on the pages visited',
  ).toEqual([]);
}

/** A bearer token for an ISP the local user picker does not list, as the mocked API reads it (unsigned). */
export function ispToken(operatorId: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { 'cognito:username': operatorId, 'cognito:groups': ['operator'], 'custom:operatorId': operatorId, exp: 4_102_444_800 };
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

/**
 * A tab of the built web UI (useBuiltSite) as `user`, in `lang` at `width`: a seeded user signs in
 * by the local picker, an ISP by its token (the picker lists no ISP). `answer` sets up the
 * stand-in API before the first request. Opens `route` and waits until nothing is loading.
 */
export async function openAs(
  site: BuiltSite,
  tab: { prefix: string; user: string; lang: 'en' | 'ko'; width: number; route: string; answer: (page: Page) => Promise<unknown> },
): Promise<WatchedPage> {
  const { user, lang, width } = tab;
  const watched = await WatchedPage.open(site.browser, `${tab.prefix}-${lang}-${width}-${user}`, width);
  const isp = user.startsWith('isp-');
  await watched.page.addInitScript(
    ({ chosen, token }) => {
      localStorage.setItem('ud.lang', chosen);
      if (token) sessionStorage.setItem('ud.token', token);
    },
    { chosen: lang, token: isp ? ispToken(user) : '' },
  );
  await tab.answer(watched.page);
  await watched.page.goto(`${site.url}/`);
  if (!isp) await watched.page.locator(`button[data-user="${user}"]`).click();
  await watched.page.locator('nav a[aria-current="page"]').waitFor();
  await watched.page.goto(`${site.url}/#${tab.route}`);
  await expect.poll(() => watched.page.locator('[aria-busy="true"]').count()).toBe(0);
  return watched;
}

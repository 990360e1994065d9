/**
 * The poster's public objection page (#/object, issue 11 item 5) against `npm start`'s whole stack:
 * nobody signs in. A poster files with the code from an ORDER notice (confirming in the dialog),
 * keeps the reference and looks it up; a wrong code and a bad form are answered in words.
 * Screenshots in Korean and English at 390 and 1280 px wide go to test/artifacts/screenshots/.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Api, approveCase, fileReport, orderIdFor, uniqueUrl, untilNotice } from '../e2e/support';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { launchBrowser, WatchedPage } from './support/browser';
import { closeWatched, visit } from './support/session';

/** Hours: nothing times out while the test looks at the page. */
const POLICY = {
  id: 'kr-objection-ui',
  approvalSla: 'PT6H',
  complianceDeadline: 'PT6H',
  reminders: ['PT1H'],
  lateComplianceGrace: 'P1D',
  postReviewWindow: 'P7D',
  appealWindow: 'P15D',
  appealReviewWindow: 'P15D',
};
const CODE_RE = /[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){5}/;

let stack: LocalStack;
let browser: Browser;
let code: string;
let reference = '';
const opened: WatchedPage[] = [];

async function open(lang: 'ko' | 'en', width: number, name: string): Promise<WatchedPage> {
  const watched = await WatchedPage.open(browser, `objection-${name}-${lang}-${width}`, width);
  opened.push(watched);
  await watched.page.addInitScript((chosen) => localStorage.setItem('ud.lang', chosen), lang);
  await visit(watched, stack.baseUrl, '/object', 'page');
  return watched;
}

beforeAll(async () => {
  stack = await startLocalStack({ policy: POLICY, web: true });
  const api = new Api(stack);
  browser = await launchBrowser();
  // Given an approved case whose ORDER notice carries an objection code
  const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
  await approveCase(api, caseId);
  const notice = await untilNotice(stack, orderIdFor(caseId, 'op-webhard'), 'ORDER', 60_000);
  code = CODE_RE.exec(notice.email.body.text ?? '')?.[0] ?? '';
  expect(code).not.toBe('');
}, 180_000);

// A wrong code is answered 404 on purpose; the browser logs that request as failed.
afterEach((context) => closeWatched(opened, context, (error) => error.includes('404')));

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the public objection page', () => {
  it('files an objection without an account, after a confirmation, and shows the reference to keep', async () => {
    const watched = await open('en', 1280, 'file');
    const { page } = watched;
    // When the poster fills in the code, the grounds and an address, and confirms
    await page.getByLabel('Objection code').fill(code.toLowerCase());
    await page.getByLabel('Why you object (10 to 5000 characters)').fill('I posted this clip myself, and everyone in it agreed.');
    await page.getByLabel('E-mail address (optional)').fill('poster@mail.example');
    await page.getByRole('button', { name: 'File the objection' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await watched.shot('confirm');
    await dialog.getByRole('button', { name: 'File the objection' }).click();
    // Then the reference is shown
    const shown = page.locator('strong.reference');
    await shown.waitFor();
    reference = (await shown.textContent()) ?? '';
    expect(reference).toMatch(/^OBJ-[0-9A-Z]{16}$/);
    await watched.shot('filed');
    // And looking it up says it was received
    await page.getByLabel('Reference (OBJ-…)').fill(reference);
    await page.getByRole('button', { name: 'Look up an objection' }).click();
    await expect.poll(() => page.locator('p[role="status"]').last().textContent()).toContain('Received');
    await watched.shot('looked-up');
  });

  it('answers a wrong code and a bad form in words, in Korean', async () => {
    const watched = await open('ko', 390, 'refused');
    const { page } = watched;
    // When the form is sent empty, nothing is sent and each field says what is missing
    await page.getByRole('button', { name: '이의신청하기' }).click();
    await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThan(0);
    expect(await page.locator('#objection-code-error').textContent()).toBe('통지에 적힌 이의신청 코드를 넣으세요');
    await watched.shot('invalid');
    // When a code that is no code is sent
    await page.getByLabel('이의신청 코드').fill('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    await page.getByLabel('이의신청 사유 (10~5000자)').fill('제가 직접 올린 영상이며 모두 동의했습니다.');
    await page.getByRole('button', { name: '이의신청하기' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '이의신청하기' }).click();
    // Then it says no order has that code
    await expect.poll(() => page.locator('p.error[role="alert"]').textContent()).toContain('해당하는 요청이 없습니다');
    await watched.shot('unknown-code');
  });

  for (const lang of ['ko', 'en'] as const) {
    for (const width of [390, 1280]) {
      it(`reads in ${lang} at ${width} px, without a horizontal scroll, with no sign-in`, async () => {
        const watched = await open(lang, width, 'layout');
        expect(await watched.page.locator('h1').textContent()).toBe(lang === 'ko' ? '삭제·차단에 대한 이의신청' : 'Object to a removal');
        expect(await watched.page.locator('button[data-user]').count()).toBe(0);
        const overflow = await watched.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await watched.shot('page');
      });
    }
  }
});

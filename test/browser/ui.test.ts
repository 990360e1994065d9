/**
 * The web UI against `npm start`'s whole stack, driven by clicks in the Chromium that ships in the
 * npm package @sparticuz/chromium: one case carried across the roles, a batch vote, an overdue
 * order on the board, an operator kept from another operator's order, the Korean default. Every
 * page visited is saved as a screenshot to test/artifacts/screenshots/, and no page may log a
 * console error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import { Api, approveCase, eventually, fileReport, uniqueUrl } from '../e2e/support';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { launchBrowser, renderedFonts, WatchedPage } from './support/browser';
import { closeWatched, reloadUntilVisible, signIn, visit } from './support/session';

/**
 * Seconds, but long enough for clicks: the operator must be able to comply by hand before its
 * deadline, and members must vote before the post-review closes.
 */
const UI_POLICY = {
  id: 'kr-ui-test',
  approvalSla: 'PT10M',
  complianceDeadline: 'PT40S',
  reminders: ['PT20S'],
  lateComplianceGrace: 'PT30S',
  postReviewWindow: 'PT3M',
  appealWindow: 'PT5S',
  appealReviewWindow: 'PT1M',
};

let stack: LocalStack;
let api: Api;
let browser: Browser;
const opened: WatchedPage[] = [];
/** A case left alone from the start, so that its order is overdue by the time its test runs. */
let overdueCaseId: string;

async function as(user: string, prefix: string, width?: number): Promise<WatchedPage> {
  const watched = await signIn(browser, stack.baseUrl, user, prefix, width);
  opened.push(watched);
  return watched;
}

beforeAll(async () => {
  stack = await startLocalStack({ policy: UI_POLICY, web: true });
  api = new Api(stack);
  browser = await launchBrowser();
  overdueCaseId = await fileReport(api, [uniqueUrl('op-social')]);
  await approveCase(api, overdueCaseId);
}, 180_000);

afterEach((context) => closeWatched(opened, context));

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('web UI', () => {
  it('carries one case by clicks alone: report, two approvals, acknowledge and comply, three confirmations, closed', async () => {
    // Prepare: staff-kim files a report, first with a bad URL to see the error beside the field.
    const kim = await as('staff-kim', 'flow');
    await visit(kim, stack.baseUrl, '/intake', 'intake');
    const url1 = uniqueUrl('op-webhard');
    const url2 = uniqueUrl('op-webhard');
    await kim.page.locator('#urls').fill(`${url1}\nnot a url`);
    await kim.page.locator('#category').selectOption('ILLEGAL_FILMING');
    await kim.page.locator('#reporterKind').selectOption('SUPPORT_CENTER');
    await kim.page.locator('#consent').check();
    await kim.page.locator('#summary').fill('Hidden-camera clip reposted twice.');
    await kim.page.getByRole('button', { name: 'File report' }).click();
    await expect.poll(() => kim.page.locator('#urls-error').textContent()).toContain('Line 2');
    expect(await kim.page.locator('#urls').getAttribute('aria-invalid')).toBe('true');
    await kim.shot('intake-error');
    await kim.page.locator('#urls').fill(`${url1}\n${url2}`);
    await kim.page.getByRole('button', { name: 'File report' }).click();
    const caseLink = kim.page.locator('.success a[href^="#/cases/"]');
    await caseLink.waitFor();
    await kim.shot('intake-filed');
    const caseId = (await caseLink.getAttribute('href'))!.replace('#/cases/', '');
    expect(caseId).toMatch(/^C[0-9A-Z]{26}$/);

    // Act: the filer may not approve; two other staff do.
    await visit(kim, stack.baseUrl, '/staff/approvals', 'approvals-filer');
    const kimCard = kim.page.locator(`article[data-case="${caseId}"]`);
    await expect.poll(() => kimCard.locator('.note').textContent()).toContain('You filed this report');
    expect(await kimCard.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    const lee = await as('staff-lee', 'flow');
    const leeCard = lee.page.locator(`article[data-case="${caseId}"]`);
    await leeCard.getByRole('textbox').fill('Hidden-camera footage, checked against the report.');
    await leeCard.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => leeCard.locator('.approvals').textContent()).toContain('1 of 2 approvals');
    await expect.poll(() => leeCard.locator('.note').textContent()).toContain('a second, different approver is needed');
    await lee.shot('approved-once');

    const park = await as('staff-park', 'flow');
    const parkCard = park.page.locator(`article[data-case="${caseId}"]`);
    await parkCard.getByRole('textbox').fill('Hidden-camera footage, checked against the report.');
    await parkCard.getByRole('button', { name: 'Approve' }).click();
    await parkCard.waitFor({ state: 'detached' });
    await park.shot('approved-twice');

    // The operator acknowledges and complies before its deadline.
    const orderId = orderIdFor(caseId, 'op-webhard');
    const operator = await as('op-webhard', 'flow');
    const order = operator.page.locator(`article[data-order="${orderId}"]`);
    // The order is listed once issued; its 24-hour clock runs once SES accepted its notice.
    await reloadUntilVisible(operator, order.locator('.countdown', { hasText: /left/ }), 30_000);
    await operator.shot('order-issued');
    await order.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => order.locator('[role="status"]').textContent()).toContain('Acknowledged');
    await order.getByRole('button', { name: 'Report compliance' }).click();
    // A compliance statement cannot be withdrawn: it is confirmed first
    await order.getByRole('button', { name: 'Send the statement' }).click();
    await expect.poll(() => order.locator('[role="status"]').textContent()).toContain('Compliance recorded: Complied');
    // The card shows the act's answer at once and the order as read again a moment later.
    await expect.poll(() => order.locator('.badge').first().getAttribute('data-status')).toBe('COMPLIED');
    await operator.shot('order-complied');

    // Three members confirm the order in post-review.
    const reviewId = reviewIdFor(caseId, 'POST_REVIEW');
    for (const member of ['member-1', 'member-2', 'member-3']) {
      const page = await as(member, 'flow');
      const row = page.page.locator(`li[data-review="${reviewId}"]`);
      await reloadUntilVisible(page, row, 30_000);
      await row.getByRole('link').click();
      await page.page.getByRole('radio', { name: 'Confirm' }).check();
      await page.page.locator('#vote-reason').fill(`${member}: the content is what the report says.`);
      await page.shot('review');
      await page.page.getByRole('button', { name: 'Cast vote' }).click();
      await expect.poll(() => page.page.locator('#tally-h').locator('..').textContent()).toMatch(/Your vote: Confirm|Closed/);
      await page.shot('voted');
    }

    // Assess: the case closes, and staff see the whole story on its page.
    await visit(kim, stack.baseUrl, `/cases/${caseId}`, 'case');
    await reloadUntilVisible(kim, kim.page.locator('.case .title-row .badge[data-status="CLOSED"]'), 60_000);
    await kim.page.locator('[data-verified]').waitFor();
    await kim.shot('case-closed');
    expect(await kim.page.locator('[data-verified]').getAttribute('data-verified')).toBe('true');
    expect(await kim.page.locator('.sm [aria-current="step"] .sm-name').allTextContents()).toEqual(['Closed']);
    const caseOrder = kim.page.locator(`article[data-order="${orderId}"]`);
    expect(await caseOrder.locator('ol.steps li.done').count()).toBe(4);
    const review = kim.page.locator(`article[data-review="${reviewId}"]`);
    expect(await review.locator('.badge[data-status="CONFIRMED"]').count()).toBe(1);
  }, 300_000);

  it('records a batch vote as one vote per review', async () => {
    // Prepare: three cases under post-review.
    const caseIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const caseId = await fileReport(api, [uniqueUrl('op-overseas')]);
      await approveCase(api, caseId);
      caseIds.push(caseId);
    }
    const reviewIds = caseIds.map((caseId) => reviewIdFor(caseId, 'POST_REVIEW'));
    await eventually(async () => {
      const answer = await api.get('member-4', '/committee/reviews');
      const open = new Set((answer.body.reviews as { reviewId: string }[]).map((r) => r.reviewId));
      if (!reviewIds.every((id) => open.has(id))) throw new Error('reviews not open yet');
    }, 30_000);

    // Act: member-4 selects the three and votes once, at phone width.
    const member = await as('member-4', 'batch', 390);
    await visit(member, stack.baseUrl, '/committee/reviews', 'reviews');
    await member.page.locator('#batch-kind').selectOption('POST_REVIEW');
    for (const reviewId of reviewIds) {
      await member.page.getByRole('checkbox', { name: `Select ${reviewId}` }).check();
    }
    await member.page.getByRole('radio', { name: 'Confirm' }).check();
    await member.page.locator('#batch-reason').fill('Same uploader, same clip.');
    await member.shot('selected');
    await member.page.getByRole('button', { name: 'Vote on 3 reviews' }).click();
    await member.page.getByRole('dialog').getByRole('button', { name: 'Cast my votes' }).click();
    await expect.poll(() => member.page.locator('.batch [role="status"]').textContent()).toContain('3 recorded, 0 failed');
    await member.shot('voted');

    // Assess: each review holds member-4's vote of its own.
    const answer = await api.get('member-4', '/committee/reviews');
    const mine = (answer.body.reviews as { reviewId: string; myVote?: unknown }[]).filter((r) => reviewIds.includes(r.reviewId));
    expect(mine).toHaveLength(3);
    for (const review of mine) {
      const decision = typeof review.myVote === 'string' ? review.myVote : (review.myVote as { decision?: string } | undefined)?.decision;
      expect(decision).toBe('CONFIRM');
    }
  }, 180_000);

  it('marks an order overdue on the deadline board', async () => {
    const orderId = orderIdFor(overdueCaseId, 'op-social');
    const staff = await as('staff-lee', 'overdue');
    await visit(staff, stack.baseUrl, '/staff/deadlines', 'board');
    const row = staff.page.locator(`tr[data-order="${orderId}"][data-overdue="true"]`);
    await reloadUntilVisible(staff, row.locator('.badge[data-status="OVERDUE"]'), 90_000);
    await staff.shot('board-overdue');
    expect(await row.locator('.countdown.overdue').textContent()).toContain('Overdue');
  }, 120_000);

  it("keeps an operator away from another operator's order", async () => {
    const orderId = orderIdFor(overdueCaseId, 'op-social');
    const other = await as('op-webhard', 'isolation');
    await visit(other, stack.baseUrl, `/operator/orders/${orderId}`, 'foreign-order');
    expect(await other.page.locator('[data-testid="order-not-found"]').isVisible()).toBe(true);
    await visit(other, stack.baseUrl, '/operator/orders', 'own-orders');
    expect(await other.page.locator(`article[data-order="${orderId}"]`).count()).toBe(0);
    expect(await other.page.content()).not.toContain('social.example');
    // The API behind the screen refuses too, without saying the order exists.
    const acknowledge = await api.post('op-webhard', `/operator/orders/${orderId}/acknowledge`, {});
    expect(acknowledge.status).toBe(404);
    // And staff screens are not offered to an operator.
    await visit(other, stack.baseUrl, '/staff/deadlines', 'staff-screen');
    expect(await other.page.getByRole('alert').textContent()).toContain('Not found');
  }, 60_000);

  it('speaks Korean by default and switches to English', async () => {
    const watched = await WatchedPage.open(browser, 'language');
    opened.push(watched);
    await watched.page.goto(`${stack.baseUrl}/`);
    await watched.page.locator('button[data-user]').first().waitFor();
    await watched.shot('signin-ko');
    expect(await watched.page.evaluate(() => document.documentElement.lang)).toBe('ko');
    expect(await watched.page.locator('h1').textContent()).toBe('로그인');
    // Every glyph drawn with the UI's own web font (DevTools give the name inside the font file):
    // this browser has no CJK font of its own.
    expect(await renderedFonts(watched.page, 'h1')).toEqual([
      { familyName: expect.stringMatching(/^Noto Sans KR/), isCustomFont: true, glyphCount: 3 },
    ]);
    await watched.page.getByRole('button', { name: /English/ }).click();
    expect(await watched.page.locator('h1').textContent()).toBe('Sign in');
    // The app sets <html lang> in an effect, after the render that changed the heading.
    await expect.poll(() => watched.page.evaluate(() => document.documentElement.lang)).toBe('en');
    await watched.shot('signin-en');
  }, 60_000);

  it('signs in and reaches a screen by keyboard alone', async () => {
    const watched = await WatchedPage.open(browser, 'keyboard', 390);
    opened.push(watched);
    await watched.page.addInitScript(() => localStorage.setItem('ud.lang', 'en'));
    await watched.page.goto(`${stack.baseUrl}/`);
    await watched.page.locator('button[data-user]').first().waitFor();
    const focused = (): Promise<string | null> => watched.page.evaluate(() => document.activeElement?.getAttribute('data-user') ?? null);
    for (let presses = 0; presses < 20 && (await focused()) !== 'member-5'; presses += 1) await watched.page.keyboard.press('Tab');
    expect(await focused()).toBe('member-5');
    await watched.page.keyboard.press('Enter');
    await watched.page.locator('main h1').waitFor();
    await watched.shot('reviews');
    // The new screen has the focus: the next Tab lands in its content, not back in the header.
    await expect.poll(() => watched.page.evaluate(() => document.activeElement?.id)).toBe('main');
    await watched.page.keyboard.press('Tab');
    expect(await watched.page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
    // On a fresh load the first Tab reaches the skip link, which lands on the content.
    await watched.page.reload();
    await watched.page.locator('main h1').waitFor();
    await watched.page.keyboard.press('Tab');
    expect(await watched.page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await watched.page.keyboard.press('Enter');
    expect(await watched.page.evaluate(() => document.activeElement?.id)).toBe('main');
  }, 60_000);
});

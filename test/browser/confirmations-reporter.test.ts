/**
 * Acts that cannot be undone ask for an informed yes (rejecting a report, recusal, a batch vote):
 * cancelling changes nothing the API can see, confirming acts. The batch bar leaves a phone's list
 * in view. The reporter reads what became of each URL in the screen's language. Against the whole
 * local stack, except the screenshots of every changed screen in Korean and English at 390 and
 * 1280 px, which use the mocked API's fixed data.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reviewIdFor } from '../../shared/domain/ids';
import { Api, approveCase, eventually, fileReport, hasHangul, uniqueUrl } from '../e2e/support';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { launchBrowser, WatchedPage } from './support/browser';
import { fakeToken, mockApi } from './support/mock-api';
import { closeWatched, signIn, visit } from './support/session';

/** Windows long enough for clicks: nothing of these cases should move on by itself during a test. */
const POLICY = {
  id: 'kr-confirmations-test',
  approvalSla: 'PT30M',
  complianceDeadline: 'PT30M',
  reminders: ['PT10M'],
  postReviewWindow: 'PT30M',
};

/** A phone's screen: the width of the brief, the height of a common handset. */
const PHONE = { width: 390, height: 844 };

let stack: LocalStack;
let api: Api;
let browser: Browser;
const opened: WatchedPage[] = [];

async function as(user: string, prefix: string, width?: number): Promise<WatchedPage> {
  const watched = await signIn(browser, stack.baseUrl, user, prefix, width);
  opened.push(watched);
  return watched;
}

/** Opens post-review on `count` fresh cases and answers their review ids once members can see them. */
async function givenOpenReviews(count: number): Promise<string[]> {
  const reviewIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')]);
    await approveCase(api, caseId);
    reviewIds.push(reviewIdFor(caseId, 'POST_REVIEW'));
  }
  await eventually(async () => {
    const answer = await api.get('member-1', '/committee/reviews');
    const open = new Set((answer.body.reviews as { reviewId: string; status: string }[]).map((r) => r.reviewId));
    if (!reviewIds.every((id) => open.has(id))) throw new Error('reviews not open yet');
  }, 30_000);
  return reviewIds;
}

async function reviewAs(member: string, reviewId: string): Promise<{ myVote?: unknown; recused?: boolean; eligibleMembers: string[] }> {
  const answer = await api.get(member, '/committee/reviews');
  const reviews = answer.body.reviews as { reviewId: string; myVote?: unknown; recused?: boolean; eligibleMembers: string[] }[];
  const review = reviews.find((r) => r.reviewId === reviewId);
  if (!review) throw new Error(`${member} does not see ${reviewId}`);
  return review;
}

function voteOf(review: { myVote?: unknown }): string | undefined {
  const vote = review.myVote;
  return typeof vote === 'string' ? vote : (vote as { decision?: string } | undefined)?.decision;
}

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}

beforeAll(async () => {
  stack = await startLocalStack({ policy: POLICY, web: true });
  api = new Api(stack);
  browser = await launchBrowser();
}, 180_000);

afterEach((context) => closeWatched(opened, context));

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('confirmations of acts that cannot be undone', () => {
  it('rejects a report only with a reason and after a confirmation that says what ends; the reporter then reads why', async () => {
    // Given a victim support centre's report waiting for approval
    const caseId = await fileReport(api, [uniqueUrl('op-webhard'), uniqueUrl('op-social')], 'support-center');
    const lee = await as('staff-lee', 'reject');
    await visit(lee, stack.baseUrl, '/staff/approvals', 'queue');
    const card = lee.page.locator(`article[data-case="${caseId}"]`);
    const reject = card.getByRole('button', { name: 'Reject' });

    // When staff-lee rejects without a reason, the screen refuses and asks for one
    await reject.click();
    await expect.poll(() => card.locator(`#reason-${caseId}-error`).textContent()).toContain('give the reason for the decision');
    expect(await lee.page.getByRole('dialog').count()).toBe(0);

    // When a reason is given, a dialog says what will happen, with Cancel focused
    const reason = 'The images are not sexual content; refer the victim to the police cyber unit.';
    // (issue 11's statements of reasons: every decision, approval too, now needs its reason)
    await card.getByLabel(/^Reason \(required; an approval's reason is sent to the operator/).fill(reason);
    await reject.click();
    const dialog = lee.page.getByRole('dialog', { name: 'Reject this report?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('no order is issued and none of its URLs will be removed');
    expect(await dialog.textContent()).toContain(reason);
    expect(await focusedText(lee.page)).toBe('Cancel');
    await lee.shot('reject-dialog');

    // When cancelled: nothing happened, and focus is back on the Reject button
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedText(lee.page)).toBe('Reject');
    const untouched = await api.get('staff-kim', `/cases/${caseId}`);
    expect(untouched.body).toMatchObject({ status: 'PENDING_APPROVAL' });
    expect(untouched.body.approvals ?? []).toEqual([]);

    // When confirmed: the report is rejected with its reason
    await reject.click();
    await dialog.getByRole('button', { name: 'Reject the report' }).click();
    await card.waitFor({ state: 'detached' });
    const rejected = await api.get('staff-kim', `/cases/${caseId}`);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', approvals: [{ by: 'staff-lee', decision: 'REJECT', reason }] });

    // Then the reporter reads, in English, that no removal was ordered and why
    const reporter = await as('support-center', 'reject');
    await visit(reporter, stack.baseUrl, '/reporter/reports', 'reports-en');
    const report = reporter.page.locator(`li[data-case="${caseId}"]`);
    expect(await report.locator('.plain-status').textContent()).toBe('Not approved');
    expect(await report.locator('.rejection').textContent()).toContain(reason);
    expect(await report.locator('.outcomes li[data-outcome="NOT_ORDERED"]').count()).toBe(2);
    expect(hasHangul((await reporter.page.locator('main').textContent()) ?? '')).toBe(false);

    // And in Korean, by the header's switch
    await reporter.page.getByRole('button', { name: /한국어/ }).click();
    await expect.poll(() => report.locator('.plain-status').textContent()).toBe('승인되지 않음');
    expect(await report.locator('.outcomes li').first().textContent()).toContain('삭제 요청 없음: 신고가 승인되지 않음');
    await reporter.shot('reports-ko');
  }, 120_000);

  it('lets a member recuse only with a reason and after a confirmation', async () => {
    // Given an open post-review
    const [reviewId] = await givenOpenReviews(1);
    const member = await as('member-5', 'recusal');
    await visit(member, stack.baseUrl, `/committee/reviews/${reviewId}`, 'review');
    await member.page.locator('details.recusal summary').click();
    const form = member.page.locator('details.recusal form');

    // When the member recuses without a reason, the screen refuses
    await form.getByRole('button', { name: 'Recuse myself' }).click();
    await expect.poll(() => member.page.locator('#recusal-reason-error').count()).toBe(1);
    expect(await member.page.getByRole('dialog').count()).toBe(0);

    // When with a reason: a dialog; cancelling changes nothing
    await member.page.getByLabel('Why you recuse yourself').fill('I advised the operator last year.');
    await form.getByRole('button', { name: 'Recuse myself' }).click();
    const dialog = member.page.getByRole('dialog', { name: 'Recuse yourself?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`You leave review ${reviewId}`);
    await member.shot('recusal-dialog');
    await member.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    const untouched = await reviewAs('member-5', reviewId!);
    expect(untouched.recused ?? false).toBe(false);
    expect(untouched.eligibleMembers).toContain('member-5');

    // When confirmed: the member is out of the review
    await form.getByRole('button', { name: 'Recuse myself' }).click();
    await dialog.getByRole('button', { name: 'Recuse myself' }).click();
    await expect.poll(() => member.page.locator('section[aria-labelledby="tally-h"]').textContent()).toContain('You recused yourself.');
    expect((await reviewAs('member-5', reviewId!)).eligibleMembers).not.toContain('member-5');
  }, 120_000);

  it('casts a batch vote only after a decision is chosen and the votes are confirmed, with the list in view on a phone', async () => {
    // Given three open post-reviews, and member-3 on a phone
    const reviewIds = await givenOpenReviews(3);
    const member = await as('member-3', 'batch', PHONE.width);
    await member.page.setViewportSize(PHONE);
    await visit(member, stack.baseUrl, '/committee/reviews', 'reviews');
    await member.page.locator('#batch-kind').selectOption('POST_REVIEW');
    for (const reviewId of reviewIds) await member.page.getByRole('checkbox', { name: `Select ${reviewId}` }).check();

    // Then no decision is chosen for the member
    const decisions = member.page.locator('input[name="batch-decision"]');
    expect(await decisions.count()).toBe(3);
    expect(await member.page.locator('input[name="batch-decision"]:checked').count()).toBe(0);

    // And the bar covers little of the screen, and every review can be scrolled into view above it
    const bar = member.page.locator('.batch-bar');
    const barBox = await bar.boundingBox();
    expect(barBox!.height).toBeLessThan(PHONE.height * 0.15);
    const rows = member.page.locator('.review-row');
    for (let i = 0; i < (await rows.count()); i += 1) {
      const row = rows.nth(i);
      await row.evaluate((element) => element.scrollIntoView({ block: 'center' }));
      const [rowBox, barNow] = await Promise.all([row.boundingBox(), bar.boundingBox()]);
      expect(rowBox!.y + rowBox!.height, `review row ${i} ends above the bar`).toBeLessThanOrEqual(barNow!.y + 1);
    }
    await member.page.evaluate(() => window.scrollTo(0, 0));
    await member.shot('phone-selected');

    // When voting without a decision, the screen asks for one
    const vote = member.page.getByRole('button', { name: 'Vote on 3 reviews' });
    await vote.click();
    await expect.poll(() => member.page.locator('#batch-decision-error').textContent()).toBe('Choose a decision first.');
    expect(await member.page.getByRole('dialog').count()).toBe(0);

    // When a decision is chosen, the dialog says what will be cast; cancelling casts nothing
    await member.page.getByRole('radio', { name: 'Confirm' }).check();
    await vote.click();
    const dialog = member.page.getByRole('dialog', { name: 'Confirm your votes' });
    await dialog.waitFor();
    const said = (await dialog.textContent()) ?? '';
    expect(said).toContain('You are casting 3 votes: Confirm on reviews');
    for (const reviewId of reviewIds) expect(said).toContain(reviewId);
    await member.shot('phone-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    for (const reviewId of reviewIds) expect(voteOf(await reviewAs('member-3', reviewId))).toBeUndefined();

    // When confirmed: one vote per review
    await vote.click();
    await dialog.getByRole('button', { name: 'Cast my votes' }).click();
    await expect.poll(() => member.page.locator('.batch [role="status"]').textContent()).toContain('3 recorded, 0 failed');
    for (const reviewId of reviewIds) expect(voteOf(await reviewAs('member-3', reviewId))).toBe('CONFIRM');
    await member.shot('phone-voted');
  }, 180_000);
});

describe('the changed screens in Korean and English at 390 and 1280 px (mocked API)', () => {
  /** A tab on the built UI, signed in as `user` in `lang`, answering from the mocked API. */
  async function mocked(user: string, lang: 'ko' | 'en', width: number, name: string): Promise<WatchedPage> {
    const watched = await WatchedPage.open(browser, `screens-${name}-${lang}-${width}`, width);
    opened.push(watched);
    await mockApi(watched.page, Date.now());
    await watched.page.addInitScript(
      ([token, language]) => {
        sessionStorage.setItem('ud.token', token!);
        localStorage.setItem('ud.lang', language!);
      },
      [fakeToken(user), lang],
    );
    return watched;
  }

  const views = [390, 1280].flatMap((width) => (['ko', 'en'] as const).map((lang) => [lang, width] as const));

  it.each(views)(
    'shows the reporter each URL’s outcome in the screen’s language (%s, %i px)',
    async (lang, width) => {
      const watched = await mocked('support-center', lang, width, 'reports');
      await visit(watched, stack.baseUrl, '/reporter/reports', 'reports');
      const main = (await watched.page.locator('main').textContent()) ?? '';
      expect(hasHangul(main)).toBe(lang === 'ko');
      const closed = watched.page.locator('li.card[data-case]').filter({ has: watched.page.locator('[data-status="CLOSED"]') });
      expect(await closed.locator('.plain-status').textContent()).toBe(
        lang === 'en' ? 'Closed: not every address was removed' : '종결: 삭제되지 않은 주소가 있음',
      );
      expect(await closed.locator('li[data-outcome="NOT_REMOVED"] .outcome').textContent()).toBe(
        lang === 'en' ? 'Not removed by the deadline' : '기한까지 삭제되지 않음',
      );
      expect(await watched.page.locator('.rejection').textContent()).toContain('The images are not sexual content');
      expect(await watched.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    },
    60_000,
  );

  it.each(views)(
    'opens each confirmation inside the screen (%s, %i px)',
    async (lang, width) => {
      const t = (en: string, ko: string): string => (lang === 'en' ? en : ko);

      // staff-park neither filed nor approved the mocked queue's first case
      const staff = await mocked('staff-park', lang, width, 'approvals');
      await visit(staff, stack.baseUrl, '/staff/approvals', 'approvals');
      const card = staff.page
        .locator('article[data-case]')
        .filter({ has: staff.page.locator('button.danger') })
        .first();
      await card.locator('input[id^="reason-"]').fill(t('Lawful: a public beach photograph.', '합법: 공개된 해변 사진.'));
      await card.getByRole('button', { name: t('Reject', '반려') }).click();
      await expectInView(staff.page, width);
      await staff.shot('reject-dialog');

      const member = await mocked('member-1', lang, width, 'committee');
      await visit(member, stack.baseUrl, '/committee/reviews/R01JD3Q9A1B2C3D4E5F6G7H8J9-POST', 'review');
      await member.page.locator('details.recusal summary').click();
      await member.page.locator('#recusal-reason').fill(t('I advised the operator.', '사업자에게 자문한 적이 있음.'));
      await member.page.locator('details.recusal form button[type="submit"]').click();
      await expectInView(member.page, width);
      await member.shot('recusal-dialog');

      await visit(member, stack.baseUrl, '/committee/reviews', 'reviews');
      for (const box of await member.page.locator('input.select').all()) await box.check();
      await member.page.locator('input[name="batch-decision"][value="REVOKE"]').check();
      await member.page.locator('.batch-bar button[type="submit"]').click();
      await expectInView(member.page, width);
      await member.shot('batch-dialog');
    },
    60_000,
  );
});

/** The open dialog is drawn whole inside the viewport, and nothing runs wider than the screen. */
async function expectInView(page: Page, width: number): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const box = await dialog.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

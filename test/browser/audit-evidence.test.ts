/**
 * What auditors and committee members see, in Korean and English at phone and desktop width:
 * the auditor's case page (a timeline in words, every audit event in full, the chain's export)
 * and deadline board, with no action offered; the committee's evidence view, without the content.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor } from '../../shared/domain/ids';
import { Api, approveCase, audit, eventually, fileReport, findReview, uniqueUrl } from '../e2e/support';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { launchBrowser, type WatchedPage } from './support/browser';
import { closeWatched, signIn, visit } from './support/session';

/** Long enough that nothing moves while the screens are read. */
const POLICY = { id: 'kr-audit-evidence-test', complianceDeadline: 'PT30M', postReviewWindow: 'PT30M', approvalSla: 'PT30M' };
const CONTENT_SHA256 = 'ab'.repeat(32);
const VIEWS = [
  ['en', 1280],
  ['en', 390],
  ['ko', 1280],
  ['ko', 390],
] as const;

let stack: LocalStack;
let api: Api;
let browser: Browser;
const opened: WatchedPage[] = [];
let caseId: string;
let earlierCaseId: string;
let reviewId: string;

async function as(user: string, lang: 'en' | 'ko', width: number): Promise<WatchedPage> {
  const watched = await signIn(browser, stack.baseUrl, user, `audit-evidence-${lang}-${width}`, width, lang);
  opened.push(watched);
  return watched;
}

beforeAll(async () => {
  stack = await startLocalStack({ policy: POLICY, web: true });
  api = new Api(stack);
  browser = await launchBrowser();
  // An earlier case on op-webhard, the precedent the committee should see.
  earlierCaseId = await fileReport(api, [uniqueUrl('op-webhard')]);
  await approveCase(api, earlierCaseId);
  caseId = await fileReport(api, [uniqueUrl('op-webhard'), uniqueUrl('op-social')], 'staff-kim', { contentSha256: CONTENT_SHA256 });
  await approveCase(api, caseId);
  reviewId = (await findReview(api, caseId, 'POST_REVIEW')).reviewId;
  // Both orders' notices are out, so the timeline has someone to name.
  await eventually(async () => {
    const sent = (await audit(api, caseId)).events.filter((event) => event.action === 'NOTICE_SENT');
    if (sent.length < 2) throw new Error('notices not sent yet');
  }, 30_000);
}, 180_000);

afterEach((context) => closeWatched(opened, context));

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('auditor', () => {
  it.each(VIEWS)('reads the case in words, every event in full, and acts on nothing (%s, %i px)', async (lang, width) => {
    // Given auditor-1 signed in
    const auditor = await as('auditor-1', lang, width);

    // When the case page opens
    await visit(auditor, stack.baseUrl, `/cases/${caseId}`, 'case');
    const page = auditor.page;

    // Then the timeline names the notice's recipient, and the approvals' authors with their reasons
    await expect
      .poll(() => page.locator('li[data-action="NOTICE_SENT"]').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('legal@social.example')]));
    expect(await page.locator('li[data-action="APPROVAL_GIVEN"]').first().textContent()).toMatch(/staff-lee.*urgent/);
    expect(await page.locator('ol.timeline').textContent()).not.toContain('NOTICE_SENT');

    // When the chain is opened, and its first event
    await page.locator('details.audit-events > summary').click();
    await page.locator('li[data-seq="1"] > details > summary').click();

    // Then the event shows its actor, action, details and full hashes
    const first = page.locator('li[data-seq="1"] dl.audit-event');
    await expect.poll(() => first.locator('dd.hash').allTextContents()).toEqual(['0'.repeat(64), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(await first.textContent()).toContain('REPORT_FILED');
    await auditor.shot('case-audit');

    // And nothing on the page acts: no form, and the one button exports
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.locator('main button').count()).toBe(1);

    // When the deadline board opens
    await visit(auditor, stack.baseUrl, '/staff/deadlines', 'deadlines');

    // Then it lists the orders, read-only: besides issue 11's order search (which only reads),
    // no form, and the one other button refreshes
    await page.locator(`tr[data-order="${orderIdFor(caseId, 'op-social')}"]`).waitFor();
    // (on a phone the search is folded, so hidden until opened)
    const search = page.getByRole('form', { name: lang === 'en' ? 'Search orders' : '명령 검색', includeHidden: true });
    expect(await search.count()).toBe(1);
    expect(await page.locator('main form').count()).toBe(1);
    expect(await page.locator('main button:not(form.search-form button)').allTextContents()).toEqual([
      lang === 'en' ? 'Refresh' : '새로 고침',
    ]);
    expect(await page.locator('table.board button, table.board form, table.board details').count()).toBe(0);
  });

  it('exports the chain as JSON Lines, head first, one event a line', async () => {
    // Given
    const auditor = await as('auditor-1', 'en', 1280);
    await visit(auditor, stack.baseUrl, `/cases/${caseId}`, 'case');

    // When
    const [download] = await Promise.all([
      auditor.page.waitForEvent('download'),
      auditor.page.getByRole('button', { name: 'Export as JSON Lines' }).click(),
    ]);

    // Then
    expect(download.suggestedFilename()).toBe(`${caseId}-audit.jsonl`);
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    const chain = await audit(api, caseId);
    expect(JSON.parse(lines[0]!)).toMatchObject({ caseId, head: { seq: expect.any(Number) } });
    expect(lines.slice(1).map((line) => JSON.parse(line).seq)).toEqual(chain.events.slice(0, lines.length - 1).map((event) => event.seq));
    await expect.poll(() => auditor.page.locator('.audit-export [aria-live]').textContent()).toContain(`${caseId}-audit.jsonl`);
  });
});

describe('committee member', () => {
  it.each(VIEWS)('weighs the evidence and earlier decisions, never the content (%s, %i px)', async (lang, width) => {
    // Given member-1 signed in
    const member = await as('member-1', lang, width);

    // When the review opens
    await visit(member, stack.baseUrl, `/committee/reviews/${reviewId}`, 'review');

    // Then the evidence names hosts, the hash, the category and who reported
    const evidence = member.page.locator('section[aria-labelledby="evidence-h"]');
    await evidence.waitFor();
    const text = (await evidence.textContent()) ?? '';
    for (const expected of ['webhard.example', 'social.example', CONTENT_SHA256, lang === 'en' ? 'Victim support centre' : '피해']) {
      expect(text).toContain(expected);
    }
    // and the precedent: the earlier case's order on op-webhard; op-social has none
    expect(await evidence.locator('[data-earlier="op-webhard"]').textContent()).toContain(orderIdFor(earlierCaseId, 'op-webhard'));
    expect(await evidence.locator('[data-earlier="op-social"] .empty').count()).toBe(1);
    // and nothing that could load the content
    expect(await evidence.locator('a, img, iframe, video, object, embed').count()).toBe(0);
    await member.shot('evidence');
  });
});

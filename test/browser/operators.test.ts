/**
 * The operators screen and unassigned hosts, against the whole local stack: staff register an
 * operator (a domain another operator holds is refused next to its field), assign a case's
 * unassigned host from the case page (before approval the URL now matches; after issuance a
 * follow-up case is filed and waits for its own approval, linked to the original). Auditors read
 * the registry without edit controls. Screenshots in Korean and English at 390 and 1280 px.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Api, approveCase, eventually, fileReport, uniqueUrl } from '../e2e/support';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { launchBrowser, type WatchedPage } from './support/browser';
import { closeWatched, signIn, visit } from './support/session';

/** Windows long enough that nothing moves on by itself during a test. */
const POLICY = {
  id: 'kr-operators-test',
  approvalSla: 'PT30M',
  complianceDeadline: 'PT30M',
  reminders: ['PT10M'],
  postReviewWindow: 'PT30M',
};

let stack: LocalStack;
let api: Api;
let browser: Browser;
const opened: WatchedPage[] = [];
let run = 0;

async function as(user: string, prefix: string, width = 1280, lang: 'en' | 'ko' = 'en'): Promise<WatchedPage> {
  const watched = await signIn(browser, stack.baseUrl, user, prefix, width, lang);
  opened.push(watched);
  return watched;
}

/** A host no operator claims, new to this run. */
function freshHost(name: string): string {
  run += 1;
  return `${name}-${Date.now().toString(36)}-${run}.example`;
}

async function caseOf(caseId: string): Promise<{ status: string; followUps?: string[]; urls: { host: string; assignment: string }[] }> {
  return (await api.get('staff-kim', `/cases/${caseId}`)).body as never;
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

describe('operators screen', () => {
  it('registers an operator, refusing a domain another operator holds next to the field; an auditor reads without edit controls', async () => {
    // Given staff on the operators screen
    const lee = await as('staff-lee', 'operators-register');
    const { page } = lee;
    await visit(lee, stack.baseUrl, '/operators', 'list');
    await page.locator('[data-operator="op-webhard"]').waitFor();

    // When they register one with a domain op-social holds
    await page.getByRole('button', { name: 'Register an operator' }).first().click();
    const form = page.getByRole('form', { name: 'Register an operator' });
    const host = freshHost('video');
    await form.getByLabel('Name', { exact: true }).fill('Video Host Co.');
    await form.getByLabel('Domains (each covers its subdomains)').fill(`${host}\nsocial.example`);
    await form.getByLabel('Contact e-mail addresses').fill('success@simulator.amazonses.com');
    await form.getByLabel('Annual revenue').fill('2500000000');
    await form.getByRole('button', { name: 'Register an operator' }).click();

    // Then the refusal names the owner next to the domains field, and focus goes there
    const domainsError = form.locator('.field.invalid .field-error');
    await expect.poll(() => domainsError.textContent()).toMatch(/Another operator already holds this domain.*social\.example.*op-social/);
    await lee.shot('domain-taken');
    // The browser logs the refused request; it is the answer this step asked for, not a fault of the page.
    const refused = lee.errors.findIndex((line) => line.includes('status of 409'));
    expect(refused).toBeGreaterThanOrEqual(0);
    lee.errors.splice(refused, 1);

    // When they correct the domains
    await form.getByLabel('Domains (each covers its subdomains)').fill(host);
    await form.getByRole('button', { name: 'Register an operator' }).click();

    // Then the registry lists it with its domain, contact and revenue
    const card = page.locator('[data-operator="video-host-co"]');
    await card.waitFor();
    expect(await card.textContent()).toContain(host);
    expect(await card.textContent()).toContain('₩2,500,000,000');
    const registered = await api.get('staff-kim', '/operators');
    expect(
      (registered.body.operators as { operatorId: string; domains: string[] }[]).find((o) => o.operatorId === 'video-host-co')?.domains,
    ).toEqual([host]);

    // When they edit its contacts
    await card.getByRole('button', { name: 'Edit Video Host Co.' }).click();
    await card.getByLabel('Contact e-mail addresses').fill('legal@video.example, success@simulator.amazonses.com');
    await card.getByRole('button', { name: 'Save' }).click();

    // Then the change is stored
    await expect.poll(() => card.textContent()).toContain('legal@video.example');
    await lee.shot('edited');

    // And an auditor reads the list without any edit control
    const auditor = await as('auditor-1', 'operators-auditor');
    await visit(auditor, stack.baseUrl, '/operators', 'list');
    await auditor.page.locator('[data-operator="video-host-co"]').waitFor();
    expect(await auditor.page.getByRole('button', { name: /Edit|Register an operator/ }).count()).toBe(0);
  }, 120_000);

  it('assigns an unassigned host from the page of a case awaiting approval: the URL now matches', async () => {
    // Given a case awaiting approval with a URL on a host no operator claims
    const host = freshHost('pending');
    const caseId = await fileReport(api, [uniqueUrl('op-webhard'), `https://${host}/v/1`]);
    const lee = await as('staff-lee', 'operators-assign-pending');
    const { page } = lee;
    await visit(lee, stack.baseUrl, `/cases/${caseId}`, 'case');
    const row = page.locator(`[data-host="${host}"]`);
    await expect.poll(() => row.textContent()).toContain('matches no operator');

    // When staff register a new operator for it from the case page
    await row.getByRole('button', { name: `Assign ${host} to an operator` }).click();
    await row.getByLabel('Register a new operator for it').check();
    const form = row.getByRole('form', { name: 'Register an operator' });
    expect(await form.getByLabel('Domains (each covers its subdomains)').inputValue()).toBe(host);
    await form.getByLabel('Name', { exact: true }).fill(`Pending Host ${run}`);
    await form.getByLabel('Contact e-mail addresses').fill('success@simulator.amazonses.com');
    await form.getByLabel('Annual revenue').fill('1000000');
    await form.getByRole('button', { name: 'Register an operator' }).click();

    // Then the host now matches that operator, to be ordered at approval
    await expect.poll(() => row.textContent()).toContain(`now matches pending-host-${run}: it gets an order when the case is approved`);
    await lee.shot('assigned');
  }, 120_000);

  it('files a follow-up for a host assigned after issuance; it waits for its own approval, linked to the original', async () => {
    // Given a case whose orders were issued while one host matched no operator
    const host = freshHost('late');
    const caseId = await fileReport(api, [uniqueUrl('op-webhard'), `https://${host}/v/2`]);
    await approveCase(api, caseId);
    await eventually(async () => {
      const found = await caseOf(caseId);
      if (!['ORDERS_ISSUED', 'UNDER_POST_REVIEW'].includes(found.status)) throw new Error(`still ${found.status}`);
    }, 30_000);
    const kim = await as('staff-kim', 'operators-follow-up');
    const { page } = kim;
    await visit(kim, stack.baseUrl, `/cases/${caseId}`, 'case');
    const row = page.locator(`[data-host="${host}"]`);

    // When staff add the host to op-social's domains
    await row.getByRole('button', { name: `Assign ${host} to an operator` }).click();
    await row.getByLabel('Operator', { exact: true }).selectOption('op-social');
    await row.getByRole('button', { name: `Add ${host}` }).click();

    // Then it matches op-social and needs a follow-up
    await expect.poll(() => row.textContent()).toContain('now matches op-social: file a follow-up case to order it');

    // When they file the follow-up and confirm
    await page.getByRole('button', { name: 'File a follow-up case' }).click();
    const dialog = page.getByRole('dialog', { name: 'File a follow-up case?' });
    await kim.shot('confirm-follow-up');
    await dialog.getByRole('button', { name: 'File the follow-up' }).click();

    // Then the original links to one follow-up, and its host is handled there
    await page.getByRole('status').filter({ hasText: 'it waits for approval' }).waitFor();
    const original = await caseOf(caseId);
    expect(original.followUps).toHaveLength(1);
    const followUpId = original.followUps?.[0] ?? '';
    await expect.poll(() => row.textContent()).toContain(`handled by follow-up case ${followUpId}`);
    expect(original.urls.find((url) => url.host === host)?.assignment).toBe('REFERRED_TO_FOLLOW_UP');
    await kim.shot('follow-up-filed');

    // And another staff member finds it waiting for approval, saying whose follow-up it is
    const lee = await as('staff-lee', 'operators-follow-up');
    await visit(lee, stack.baseUrl, '/staff/approvals', 'approvals');
    const card = lee.page.locator(`[data-case="${followUpId}"]`);
    await card.waitFor();
    expect(await card.locator(`[data-follow-up-of="${caseId}"]`).textContent()).toContain('Follow-up case');
    await expect.poll(() => card.locator(`a[href="#/cases/${caseId}"]`).count()).toBe(1);
    await lee.shot('approvals');
    expect((await caseOf(followUpId)).status).toBe('PENDING_APPROVAL');

    // And the screens in both languages at both widths, looked at
    for (const lang of ['ko', 'en'] as const) {
      for (const width of [390, 1280]) {
        const watched = await as('staff-kim', `operators-${lang}-${width}`, width, lang);
        await visit(watched, stack.baseUrl, '/operators', 'operators');
        await visit(watched, stack.baseUrl, `/cases/${caseId}`, 'case');
        await watched.page.locator(`[data-host="${host}"]`).waitFor();
        await watched.shot('case-loaded');
        const overflow = await watched.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${lang} ${width}px overflow`).toBeLessThanOrEqual(0);
        const approver = await as('staff-lee', `operators-${lang}-${width}`, width, lang);
        await visit(approver, stack.baseUrl, '/staff/approvals', 'approvals');
        await approver.page.locator(`[data-case="${followUpId}"]`).waitFor();
        await approver.page.locator(`[data-case="${followUpId}"]`).scrollIntoViewIfNeeded();
        await approver.shot('follow-up-card');
      }
    }
  }, 240_000);
});

/**
 * The operator's compliance track beside the committee's decision, and staff's acts on
 * non-compliance, in the built web UI (web/dist) with the API answered in the browser: orders
 * confirmed, appealed and upheld keep their compliance controls and countdown before the deadline
 * and during the grace period; a compliance statement is confirmed before it is sent; an order
 * whose grace period ended says so, and what the commission did; the deadline board lists it in its
 * own NON_COMPLIANT section, where staff record a decision. Screenshots in Korean and English at 390
 * and 1280 px go to test/artifacts/screenshots/.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, useBuiltSite } from './support/browser';
import { openMockedTab } from './support/mock-api';

const NOW = Date.parse('2026-03-02T01:00:00Z');
const at = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();
const CASE = 'C01JD3Q5Z8K2M4N6P8R0T2V4X6';
const idOf = (n: number): string => `O${CASE.slice(1, -1)}${n}-op-webhard`;

type Track = { complianceStatus: string; decisionStatus: string; status: string };
const BEFORE_DEADLINE = { deadlineAt: at(3600), graceEndsAt: at(7200) };
const IN_GRACE = { deadlineAt: at(-600), graceEndsAt: at(3000) };

/** One order as GET /operator/orders answers it. */
function operatorOrder(n: number, track: Track, extra: object = {}) {
  return {
    orderId: idOf(n),
    caseId: CASE,
    action: 'DELETE',
    category: 'ILLEGAL_FILMING',
    urls: [`https://webhard.example/v/${n}`],
    issuedAt: at(-7200),
    ...track,
    ...extra,
  };
}

const CASES: [name: string, track: Track, clock: object, extra: object][] = [
  [
    'confirmed-before-deadline',
    { complianceStatus: 'ACKNOWLEDGED', decisionStatus: 'CONFIRMED', status: 'CONFIRMED' },
    BEFORE_DEADLINE,
    { appealDeadline: at(86_400) },
  ],
  ['appealed-before-deadline', { complianceStatus: 'ISSUED', decisionStatus: 'APPEALED', status: 'APPEALED' }, BEFORE_DEADLINE, {}],
  ['upheld-before-deadline', { complianceStatus: 'ACKNOWLEDGED', decisionStatus: 'UPHELD', status: 'UPHELD' }, BEFORE_DEADLINE, {}],
  [
    'confirmed-in-grace',
    { complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED', status: 'OVERDUE' },
    IN_GRACE,
    { appealDeadline: at(86_400) },
  ],
  ['appealed-in-grace', { complianceStatus: 'OVERDUE', decisionStatus: 'APPEALED', status: 'APPEALED' }, IN_GRACE, {}],
  ['upheld-in-grace', { complianceStatus: 'OVERDUE', decisionStatus: 'UPHELD', status: 'UPHELD' }, IN_GRACE, {}],
];
const NON_COMPLIANT = 7;
const ESCALATED = 8;
/** Orders to act on whose deadline does not run, each with the words that say why. */
const CLOCK_NOT_RUNNING: [name: string, n: number, track: Track, extra: object, en: string, ko: string][] = [
  [
    'notice not yet accepted',
    9,
    { complianceStatus: 'ISSUED', decisionStatus: 'PENDING', status: 'ISSUED' },
    {},
    'starts once the notice is accepted for delivery',
    '통지가 발송 접수되면 시작됩니다',
  ],
  [
    'notice undelivered',
    10,
    { complianceStatus: 'UNDELIVERED', decisionStatus: 'PENDING', status: 'UNDELIVERED' },
    {},
    'the notice could not be delivered',
    '통지가 전달되지 않았습니다',
  ],
  [
    'deadline paused',
    11,
    { complianceStatus: 'ACKNOWLEDGED', decisionStatus: 'PENDING', status: 'ACKNOWLEDGED' },
    { deadlinePausedAt: at(-1800) },
    'paused by the commission since',
    '위원회가 정지함',
  ],
];
const nonCompliantClock = { deadlineAt: at(-7000), graceEndsAt: at(-600), nonComplianceRecordedAt: at(-599) };
const OVERDUE_TRACK = { complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED', status: 'OVERDUE' };

const operatorOrders = [
  ...CASES.map(([, track, clock, extra], i) => operatorOrder(i + 1, track, { ...clock, ...extra })),
  operatorOrder(NON_COMPLIANT, OVERDUE_TRACK, nonCompliantClock),
  operatorOrder(ESCALATED, OVERDUE_TRACK, { ...nonCompliantClock, nonComplianceAction: { action: 'ESCALATE', at: at(-300) } }),
  ...CLOCK_NOT_RUNNING.map(([, n, track, extra]) => operatorOrder(n, track, extra)),
];

const board = [
  {
    orderId: idOf(1),
    caseId: CASE,
    operatorId: 'op-webhard',
    status: 'CONFIRMED',
    complianceStatus: 'ACKNOWLEDGED',
    decisionStatus: 'CONFIRMED',
    ...BEFORE_DEADLINE,
    open: true,
    nonCompliant: false,
  },
  {
    orderId: idOf(NON_COMPLIANT),
    caseId: CASE,
    operatorId: 'op-webhard',
    ...OVERDUE_TRACK,
    ...nonCompliantClock,
    open: false,
    nonCompliant: true,
  },
];

interface Recorded {
  compliance: unknown[];
  nonCompliance: unknown[];
}

async function answerApi(page: Page, recorded: Recorded): Promise<void> {
  const json = (route: Route, status: number, body: unknown) =>
    route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  await page.route(/\/(config\.json|orders|operator)(\/|\?|$)/, async (route) => {
    const request = route.request();
    const p = new URL(request.url()).pathname;
    if (p === '/config.json')
      return json(route, 200, {
        apiUrl: '',
        local: true,
        policy: { id: 'kr-kcsc', timeZone: 'Asia/Seoul', language: 'ko', urgentApprovals: 2 },
      });
    if (request.method() === 'GET' && p === '/operator/orders') return json(route, 200, { orders: operatorOrders });
    if (request.method() === 'GET' && p === '/orders') return json(route, 200, { orders: board });
    if (p.endsWith('/compliance')) {
      recorded.compliance.push(request.postDataJSON());
      return json(route, 200, { orderId: p.split('/')[3], status: 'COMPLIED_LATE', compliedAt: at(0) });
    }
    if (p.endsWith('/non-compliance')) {
      recorded.nonCompliance.push(request.postDataJSON());
      return json(route, 200, { orderId: p.split('/')[2], status: 'OVERDUE', complianceStatus: 'OVERDUE' });
    }
    return json(route, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
  });
}

const site = useBuiltSite();

const open = (user: string, route: string, lang: 'ko' | 'en', width: number, recorded: Recorded): Promise<Page> =>
  openMockedTab(site, { user, lang, width, now: NOW, route, answer: (page) => answerApi(page, recorded) });

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `compliance-track-${name}`);

describe('the compliance track on the operator’s screen', () => {
  it.each(CASES.map(([name], i) => [name, i + 1] as const))(
    '%s: compliance controls and the clock beside the decision',
    async (name, n) => {
      const recorded: Recorded = { compliance: [], nonCompliance: [] };
      const page = await open('op-webhard', `/operator/orders/${idOf(n)}`, 'en', 1280, recorded);
      const card = page.locator(`[data-order="${idOf(n)}"]`);
      // The decision track is said in words; the compliance form is there whatever it says
      await expect.poll(() => card.getByTestId('decision-track').textContent()).toMatch(/Confirmed|Appealed|Upheld/);
      await expect.poll(() => card.getByRole('button', { name: 'Report compliance' }).count()).toBe(1);
      if (name.endsWith('in-grace')) {
        expect(await card.locator('[data-overdue="true"]').count()).toBeGreaterThan(0);
        expect(await card.getByTestId('grace-note').textContent()).toContain('grace period');
      } else {
        expect(await card.getByRole('timer').first().textContent()).toContain('left');
      }
      // The appeal form only while the window is open, on a confirmed order
      expect(await card.getByRole('heading', { name: 'Appeal' }).count()).toBe(name.startsWith('confirmed') ? 1 : 0);
      await page.context().close();
    },
  );

  it.each(CLOCK_NOT_RUNNING)('%s: says in words why no deadline runs, with no countdown', async (name, n, _track, _extra, en, ko) => {
    for (const [lang, words] of [
      ['en', en],
      ['ko', ko],
    ] as const) {
      const page = await open('op-webhard', `/operator/orders/${idOf(n)}`, lang, 390, { compliance: [], nonCompliance: [] });
      const card = page.locator(`[data-order="${idOf(n)}"]`);
      await expect.poll(() => card.getByTestId('clock-not-running').textContent()).toContain(words);
      expect(await card.getByRole('timer').count()).toBe(0);
      await shot(page, `clock-not-running-${name.replaceAll(' ', '-')}-${lang}-390`);
      await page.context().close();
    }
  });

  it('asks to confirm a compliance statement, saying what it records, before sending it', async () => {
    const recorded: Recorded = { compliance: [], nonCompliance: [] };
    const page = await open('op-webhard', `/operator/orders/${idOf(4)}`, 'en', 1280, recorded);
    await page.getByRole('button', { name: 'Report compliance' }).click();
    const confirm = page.getByTestId('compliance-confirm');
    expect(await confirm.textContent()).toMatch(/Deleted.*1 URL.*late.*cannot be withdrawn/s);
    expect(recorded.compliance).toEqual([]);
    await shot(page, 'confirm-en-1280');
    await page.getByRole('button', { name: 'Send the statement' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Compliance recorded');
    expect(recorded.compliance).toEqual([{ action: 'DELETED' }]);
    await page.context().close();
  });

  it.each([
    ['en', 'The grace period ended without a compliance report', 'referred this order for a formal order or penalty procedure'],
    ['ko', '유예 기간이 끝날 때까지 이행 보고가 없었습니다', '과태료 절차에 회부했습니다'],
  ] as const)('in %s, says in plain words that the grace period ended, and what the commission did', async (lang, ended, escalated) => {
    for (const width of [390, 1280]) {
      const page = await open('op-webhard', '/operator/orders', lang, width, { compliance: [], nonCompliance: [] });
      const nonCompliant = page.locator(`[data-order="${idOf(NON_COMPLIANT)}"]`);
      await expect.poll(() => nonCompliant.getByTestId('non-compliance-note').textContent()).toContain(ended);
      expect(await nonCompliant.locator('form').count()).toBe(0);
      expect(
        await page
          .locator(`[data-order="${idOf(ESCALATED)}"]`)
          .getByTestId('non-compliance-note')
          .textContent(),
      ).toContain(escalated);
      await shot(page, `operator-${lang}-${width}`);
      await page.context().close();
    }
  });
});

describe('the deadline board’s NON_COMPLIANT section', () => {
  it.each(['ko', 'en'] as const)(
    'in %s, lists the order apart from the open ones, and staff record a decision with a reason',
    async (lang) => {
      for (const width of [390, 1280]) {
        const recorded: Recorded = { compliance: [], nonCompliance: [] };
        const page = await open('staff-kim', '/staff/deadlines', lang, width, recorded);
        const section = page.getByTestId('non-compliant');
        await expect.poll(() => section.locator(`[data-order="${idOf(NON_COMPLIANT)}"]`).count()).toBe(1);
        expect(await section.locator(`[data-order="${idOf(1)}"]`).count()).toBe(0);
        await section.locator('summary').click();
        await shot(page, `board-${lang}-${width}`);
        if (lang === 'en' && width === 1280) {
          // Nothing is pre-selected: a decision must be chosen first
          const choices = section.getByRole('radio');
          expect(await choices.evaluateAll((inputs) => inputs.filter((input) => (input as HTMLInputElement).checked).length)).toBe(0);
          await section.locator('form').getByRole('button', { name: 'Record the decision' }).click();
          await expect.poll(() => section.getByRole('alert').textContent()).toContain('Choose a decision first.');
          // And a reason is required
          await section.getByLabel('Issue the order again').check();
          await section.locator('form').getByRole('button', { name: 'Record the decision' }).click();
          expect(await page.getByRole('dialog').count()).toBe(0);
          expect(recorded.nonCompliance).toEqual([]);
          // The shared confirmation dialog says what will be recorded; cancelling records nothing
          await section.getByLabel('Reason').fill('New contact found');
          await section.locator('form').getByRole('button', { name: 'Record the decision' }).click();
          const dialog = page.getByRole('dialog');
          await expect.poll(() => dialog.textContent()).toContain('New contact found');
          await shot(page, `board-confirm-${lang}-${width}`);
          await dialog.getByRole('button', { name: 'Cancel' }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect(recorded.nonCompliance).toEqual([]);
          // Confirming records it once
          await section.locator('form').getByRole('button', { name: 'Record the decision' }).click();
          await page.getByRole('dialog').getByRole('button', { name: 'Record the decision' }).click();
          await expect.poll(() => recorded.nonCompliance).toEqual([{ action: 'REISSUE', reason: 'New contact found' }]);
        }
        await page.context().close();
      }
    },
  );
});

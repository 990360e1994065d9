/**
 * Post-monitoring on the staff screens, in the built web UI (web/dist) with the API answered in the
 * browser (test/browser/support/mock-api.ts): the case page shows each URL's last check (GONE,
 * STILL_UP, ERROR with its time) and when the next is due, and says an order was reopened; the
 * deadline board lists the reopened order in its non-compliance section with the cause and the
 * results. An open order with URLs its operator cannot comply with is flagged on both screens.
 * Screenshots in Korean and English at 390 and 1280 px go to test/artifacts/screenshots/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, useBuiltSite } from './support/browser';
import { fixtures, mockApi, openMockedTab } from './support/mock-api';

const NOW = Date.parse('2026-03-02T01:00:00Z');
const at = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();
const HOUR = 3600;

/** The complied order of the fixtures' case C, reopened by its second round. */
const monitoring = {
  since: at(-30 * HOUR),
  nextCheckAt: at(5 * 24 * HOUR),
  rounds: 2,
  lastCheckedAt: at(-5 * HOUR),
  urls: [
    {
      url: 'https://webhard.example/v/123',
      checks: [
        { at: at(-29 * HOUR), result: 'GONE', httpStatus: 404 },
        { at: at(-5 * HOUR), result: 'STILL_UP', httpStatus: 200 },
      ],
    },
    {
      url: 'https://cdn.webhard.example/f/9a8b',
      checks: [
        { at: at(-29 * HOUR), result: 'GONE', httpStatus: 410 },
        { at: at(-5 * HOUR), result: 'ERROR' },
      ],
    },
  ],
};
/** Reported URL by URL before it was complied with: staff see each URL's outcome. */
const urlOutcomes = monitoring.urls.map(({ url }) => ({ url, outcome: 'DELETED' }));
const reopened = { nonComplianceCause: 'POST_MONITORING', nonComplianceRecordedAt: at(-5 * HOUR), monitoring, urlOutcomes };

const site = useBuiltSite();

/** What a test changes of one order of the fixtures, on the case page and on the board. */
interface OrderChange {
  caseOf: (data: ReturnType<typeof fixtures>) => string;
  onCase: object;
  onBoard: object;
}

/** Case C's order complied (late) and reopened by post-monitoring. */
const REOPENED: OrderChange = {
  caseOf: (data) => data.caseC,
  onCase: reopened,
  onBoard: { ...reopened, nonCompliant: true, open: false },
};

async function open(
  routeOf: (caseId: string) => string,
  lang: 'ko' | 'en',
  width: number,
  change: OrderChange = REOPENED,
): Promise<{ page: Page; orderId: string }> {
  // The fixtures' ids are fixed: the route can name the case before the page asks for it.
  const caseId = change.caseOf(fixtures(NOW));
  let orderId = '';
  const answer = async (page: Page) => {
    const data = await mockApi(page, NOW);
    const order = (data.details.get(caseId) as { orders: { orderId: string }[] }).orders[0] as { orderId: string };
    Object.assign(order, change.onCase);
    Object.assign(data.board.find((entry) => entry.orderId === order.orderId) ?? {}, change.onBoard);
    orderId = order.orderId;
  };
  const page = await openMockedTab(site, { user: 'staff-kim', lang, width, now: NOW, route: routeOf(caseId), answer });
  return { page, orderId };
}

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `monitoring-${name}`);

const WORDS = {
  en: {
    title: 'Checked after compliance',
    stillUp: 'Still online',
    gone: 'Gone',
    error: 'No clear answer',
    reopened: 'Reopened',
    cause: 'Found online after compliance',
    deleted: 'Deleted',
  },
  ko: {
    title: '이행 후 확인',
    stillUp: '아직 접속됨',
    gone: '삭제됨',
    error: '확인 불가',
    reopened: '재개됨',
    cause: '이행 후 접속 확인',
    deleted: '삭제함',
  },
} as const;

describe('post-monitoring results', () => {
  it.each(['ko', 'en'] as const)('in %s, the case page shows each URL’s last check and the reopening', async (lang) => {
    for (const width of [390, 1280]) {
      const { page, orderId } = await open((caseId) => `/cases/${caseId}`, lang, width);
      const card = page.locator(`[data-order="${orderId}"]`);
      const results = card.getByRole('region', { name: WORDS[lang].title });
      await expect.poll(() => results.count()).toBe(1);
      // The last check of each URL, not the first
      expect(await results.locator('[data-url-result="STILL_UP"]').textContent()).toContain(WORDS[lang].stillUp);
      expect(await results.locator('[data-url-result="STILL_UP"]').textContent()).toContain('webhard.example/v/123');
      expect(await results.locator('[data-url-result="ERROR"]').textContent()).toContain(WORDS[lang].error);
      expect(await results.locator('[data-url-result="GONE"]').count()).toBe(0);
      // Times in the policy's time zone (Asia/Seoul): the second round, 5 hours before 10:00 KST
      expect(await results.locator('[data-url-result="STILL_UP"] time').getAttribute('datetime')).toBe(at(-5 * HOUR));
      expect(await card.textContent()).toContain(WORDS[lang].reopened);
      // The outcome the operator reported for each URL
      const outcomes = card.locator('[data-testid="url-outcomes"]');
      expect(await outcomes.locator('li').count()).toBe(2);
      expect(await outcomes.textContent()).toContain(WORDS[lang].deleted);
      await shot(page, `case-${lang}-${width}`);
      await page.context().close();
    }
  });

  it.each(['ko', 'en'] as const)('in %s, the deadline board lists the reopened order under non-compliance, with why', async (lang) => {
    for (const width of [390, 1280]) {
      const { page, orderId } = await open(() => '/staff/deadlines', lang, width);
      const section = page.getByTestId('non-compliant');
      const row = section.locator(`[data-order="${orderId}"]`);
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain(WORDS[lang].cause);
      expect(await row.locator('[data-url-result="STILL_UP"]').count()).toBe(1);
      // The board keeps victim data off its rows: results, not URLs
      expect(await row.textContent()).not.toContain('webhard.example/v/123');
      await shot(page, `board-${lang}-${width}`);
      await page.context().close();
    }
  });
});

/** Case A's open order: one URL deleted, one the operator cannot comply with, with its reason. */
const CANNOT_COMPLY: OrderChange = {
  caseOf: (data) => data.caseA,
  onCase: {
    urlOutcomes: [
      { url: 'https://webhard.example/v/123', outcome: 'DELETED' },
      { url: 'https://cdn.webhard.example/f/9a8b', outcome: 'CANNOT_COMPLY', reason: 'held under a court preservation order' },
    ],
  },
  onBoard: { cannotComplyUrls: 1 },
};

describe('URLs the operator cannot comply with', () => {
  it.each([
    ['en', 'The operator cannot comply for 1 URL', 'Cannot comply'],
    ['ko', '운영자가 URL 1건을 조치할 수 없다고 보고함', '이행 불가'],
  ] as const)('in %s, flag the open order on the case page and on the deadline board', async (lang, flag, badge) => {
    for (const width of [390, 1280]) {
      const onCase = await open((caseId) => `/cases/${caseId}`, lang, width, CANNOT_COMPLY);
      const card = onCase.page.locator(`[data-order="${onCase.orderId}"]`);
      await expect.poll(() => card.getByTestId('cannot-comply').count()).toBe(1);
      expect(await card.getByTestId('cannot-comply').textContent()).toContain(flag);
      // The reason is on the case page, next to its URL
      expect(await card.getByTestId('url-outcomes').textContent()).toContain('held under a court preservation order');
      await shot(onCase.page, `cannot-comply-case-${lang}-${width}`);
      await onCase.page.context().close();

      const onBoard = await open(() => '/staff/deadlines', lang, width, CANNOT_COMPLY);
      const row = onBoard.page.locator(`[data-order="${onBoard.orderId}"]`).first();
      await expect.poll(() => row.getByTestId('cannot-comply').count()).toBe(1);
      expect(await row.getByTestId('cannot-comply').textContent()).toContain(badge);
      await shot(onBoard.page, `cannot-comply-board-${lang}-${width}`);
      await onBoard.page.context().close();
    }
  });
});

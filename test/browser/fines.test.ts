/**
 * The fine's procedure on screen, against the built web UI and a stand-in API that keeps what it
 * is sent: the operator reads a proposed fine (its breakdown and what it was computed from) and
 * states its opinion within the period, through the confirmation dialog; staff find the fine
 * awaiting a decision on the deadline board, read the opinion on the case page and reduce the fine
 * with a reason; the decided fine shows its appeal route. Then every changed screen in Korean and
 * English at 390 and 1280 px, without overflowing.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Fine, FineDecisionRequest, FineOpinionRequest } from '../../shared/domain/model';
import { aProposedFine } from '../support/records';
import { WatchedPage, useBuiltSite } from './support/browser';
import { mockApi, openSignedIn } from './support/mock-api';

const OPINION = 'The clip was removed 13 hours late because our only moderator was ill; we have since hired two more.';
const REASON = 'First late order of this operator; the opinion shows the delay was not intended.';

const site = useBuiltSite();

const json = (route: Route, status: number, body: unknown) =>
  route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

/** The Korean profile's proposed fine, its opinion period running for eight more days. */
function proposedFine(now: number): Fine {
  return aProposedFine({
    proposedAt: new Date(now - 2 * 86_400_000).toISOString(),
    opinionDueAt: new Date(now + 8 * 86_400_000).toISOString(),
  });
}

/**
 * A signed-in tab whose stand-in API holds one fined order of case C (op-webhard's): opinions and
 * decisions sent are kept, and the order's next reads show them, as the server would.
 */
async function tab(user: string, route: string, lang: 'en' | 'ko', width: number, name: string) {
  const watched = await WatchedPage.open(site.browser, `fines-${name}-${user}-${lang}-${width}`, width);
  const now = Date.now();
  const data = await mockApi(watched.page, now);
  const fined = data.operatorOrders.find((order) => order.caseId === data.caseC);
  if (!fined) throw new Error('the fixtures have no order in case C');
  let fine: Fine = proposedFine(now);
  const opinions: FineOpinionRequest[] = [];
  const decisions: FineDecisionRequest[] = [];
  // Registered after mockApi's, so these answer first.
  await watched.page.route(
    (url) => /^\/operator\/orders(\/[^/]+\/fine\/opinion)?$/.test(url.pathname),
    async (request: Route) => {
      if (request.request().method() === 'POST') {
        const body = request.request().postDataJSON() as FineOpinionRequest;
        opinions.push(body);
        fine = { ...fine, opinion: { at: new Date().toISOString(), by: 'op-webhard', text: body.opinion } };
        return json(request, 200, { orderId: fined.orderId, fineStatus: 'PROPOSED', opinionAt: fine.opinion?.at });
      }
      const mine = data.operatorOrders.filter((order) => order.operatorId === 'op-webhard');
      return json(request, 200, { orders: mine.map((order) => (order.orderId === fined.orderId ? { ...order, fine } : order)) });
    },
  );
  await watched.page.route(
    (url) => /^\/orders(\/[^/]+\/fine\/decision)?$/.test(url.pathname),
    async (request: Route) => {
      if (request.request().method() === 'POST') {
        const body = request.request().postDataJSON() as FineDecisionRequest;
        decisions.push(body);
        const amount = body.decision === 'WAIVE' ? 0 : (body.amount ?? fine.amount);
        fine = {
          ...fine,
          status: body.decision === 'IMPOSE' ? 'IMPOSED' : body.decision === 'REDUCE' ? 'REDUCED' : 'WAIVED',
          amount,
          breakdown: [...fine.breakdown, { item: 'Reduced by staff decision', amount: amount - fine.amount, code: 'DECISION' }],
          decision: { decision: body.decision, at: new Date().toISOString(), by: 'staff-kim', reason: body.reason },
        };
        return json(request, 200, { orderId: fined.orderId, fine });
      }
      return json(request, 200, { orders: data.board.map((order) => (order.orderId === fined.orderId ? { ...order, fine } : order)) });
    },
  );
  // The case page's unassigned-hosts panel reads the registry, which the stand-in does not hold.
  await watched.page.route(
    (url) => url.pathname === '/operators',
    (request: Route) => json(request, 200, { operators: [] }),
  );
  await watched.page.route(
    (url) => url.pathname === `/cases/${data.caseC}`,
    async (request: Route) => {
      const detail = data.details.get(data.caseC) as { orders: { orderId: string }[] };
      return json(request, 200, {
        ...detail,
        orders: detail.orders.map((order) => (order.orderId === fined.orderId ? { ...order, fine } : order)),
      });
    },
  );
  await openSignedIn(watched.page, site.url, user, lang, route);
  return { watched, opinions, decisions, orderId: fined.orderId, caseId: data.caseC };
}

const overflowOf = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('a fine’s procedure', () => {
  it('the operator reads the proposal and states its opinion once, through the confirmation', async () => {
    // Given the operator's order with a proposed fine
    const { watched, opinions, orderId } = await tab('op-webhard', '/operator/orders', 'en', 1280, 'opinion');
    const { page } = watched;
    const card = page.locator(`article[data-order="${orderId}"]`);
    const fine = card.getByTestId('fine');
    await fine.waitFor();

    // Then it shows the breakdown as money, the opinion period's end and what the fine was computed from
    expect(await fine.getAttribute('data-fine-status')).toBe('PROPOSED');
    const table = await fine.locator('table.fine').textContent();
    const proposed = proposedFine(Date.now());
    const inputs = proposed.inputs!;
    expect(table).toContain('Base fine, severity tier');
    expect(table).toContain(`Lateness surcharge: ${inputs.lateHours} h`);
    expect(table).toContain(`₩${proposed.amount.toLocaleString('en-GB')}`);
    await fine.getByText('What it was computed from').click();
    const computedFrom = await fine.locator('.fine-inputs').textContent();
    expect(computedFrom).toContain(`₩${inputs.revenue.amount.toLocaleString('en-GB')}`);
    expect(computedFrom).toContain(`Harm caused: ${inputs.grades.harmCaused}`);
    expect(computedFrom).toContain('Earlier orders countedNone');
    expect(computedFrom).toContain(`kr-kcsc ${inputs.policyVersion.slice(0, 12)}`);
    expect(await fine.textContent()).toContain('Opinion due by');
    await watched.shot('proposed');

    // When the operator writes an opinion, asks to send it, and cancels
    const form = card.getByRole('form', { name: 'State your opinion on the proposed fine' });
    await form.getByRole('textbox', { name: 'Your opinion' }).fill(OPINION);
    await form.getByRole('button', { name: 'Send the opinion' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(OPINION);
    await watched.shot('opinion-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Then nothing was sent
    await dialog.waitFor({ state: 'hidden' });
    expect(opinions).toEqual([]);

    // When it sends it after all
    await form.getByRole('button', { name: 'Send the opinion' }).click();
    await dialog.getByRole('button', { name: 'Send the opinion' }).click();

    // Then it was sent once, and the order shows it with no form left to send another
    await expect.poll(() => opinions).toEqual([{ opinion: OPINION }]);
    await expect.poll(() => card.getByTestId('fine-opinion').textContent()).toContain(OPINION);
    await expect.poll(() => card.getByRole('form', { name: 'State your opinion on the proposed fine' }).count()).toBe(0);
    expect(await card.getByRole('status').filter({ hasText: 'Your opinion was received.' }).count()).toBe(1);
    await watched.shot('opinion-sent');
    expect(watched.errors).toEqual([]);
    await watched.close();
  }, 90_000);

  it('staff find the fine on the board, read the opinion on the case page and reduce it with a reason', async () => {
    // Given a proposed fine whose operator stated its opinion
    const { watched, decisions, orderId, caseId } = await tab('staff-kim', '/staff/deadlines', 'en', 1280, 'decision');
    const { page } = watched;
    const awaiting = page.getByTestId('fines-awaiting');
    await awaiting.locator(`tr[data-order="${orderId}"]`).waitFor();
    expect(await awaiting.locator(`tr[data-order="${orderId}"]`).textContent()).toContain('Not yet');
    await watched.shot('board');
    await page.evaluate(
      async ([id, text]) => {
        await fetch(`/operator/orders/${id}/fine/opinion`, { method: 'POST', body: JSON.stringify({ opinion: text }) });
      },
      [orderId, OPINION],
    );

    // When staff open the case from the board
    await page.reload();
    await expect.poll(() => awaiting.locator(`tr[data-order="${orderId}"]`).textContent()).toContain('Received');
    await awaiting.getByRole('link').first().click();
    const card = page.locator(`article[data-order="${orderId}"]`);
    await card.getByTestId('fine-opinion').waitFor();
    expect(page.url()).toContain(caseId);
    expect(await card.getByTestId('fine-opinion').textContent()).toContain(OPINION);

    // And ask to record a decision without choosing one
    const form = card.getByRole('form', { name: 'Decide the fine' });
    await form.getByRole('button', { name: 'Record the decision' }).click();

    // Then the form says what is missing and sends nothing
    await form.getByText('Choose a decision first.').waitFor();
    expect(await form.locator('.field-error').allTextContents()).toEqual(['say why: the reason is sent to the operator']);

    // When they reduce it to 100,000 won with a reason, and confirm
    await form.getByLabel('Reduce', { exact: true }).check();
    await form.getByLabel('Reduced fine (KRW)').fill('100,000');
    await form.getByLabel('Reason (sent to the operator)').fill(REASON);
    await form.getByRole('button', { name: 'Record the decision' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Order ${orderId}: Reduce, ₩100,000.`);
    await watched.shot('decision-confirm');
    await dialog.getByRole('button', { name: 'Record the decision' }).click();

    // Then the decision was sent once, and the case page shows the decided fine with its appeal route
    await expect.poll(() => decisions).toEqual([{ decision: 'REDUCE', amount: 100_000, reason: REASON }]);
    await expect.poll(() => card.getByTestId('fine').getAttribute('data-fine-status')).toBe('REDUCED');
    expect(await card.getByTestId('fine-decision').textContent()).toContain(REASON);
    expect(await card.getByTestId('fine-appeal-route').textContent()).toBe(
      'Administrative appeal: within 90 days of learning of the decisionCourt action: within 90 days of learning of the decision',
    );
    expect(await card.locator('table.fine tfoot').textContent()).toContain('₩100,000');
    expect(await card.getByRole('form', { name: 'Decide the fine' }).count()).toBe(0);
    await watched.shot('decided');
    expect(watched.errors).toEqual([]);
    await watched.close();
  }, 90_000);

  it.each([
    ['en', 390],
    ['ko', 390],
    ['en', 1280],
    ['ko', 1280],
  ] as const)(
    'lays the fine screens out in %s at %i px without overflowing, the board’s search folded on a phone',
    async (lang, width) => {
      // Given the operator's orders, the deadline board and the case page, each with the proposed fine
      const operator = await tab('op-webhard', '/operator/orders', lang, width, 'look');
      await operator.watched.page.getByTestId('fine').waitFor();
      await operator.watched.page.locator('.fine-inputs summary').click();
      await operator.watched.shot('operator-orders');
      expect(await overflowOf(operator.watched.page)).toBeLessThanOrEqual(0);
      expect(operator.watched.errors).toEqual([]);
      await operator.watched.close();

      const staff = await tab('staff-kim', '/staff/deadlines', lang, width, 'look');
      const { page } = staff.watched;
      await page.getByTestId('fines-awaiting').locator('tbody tr').waitFor();
      // On a phone the search is folded: the board's sections come first.
      expect(await page.locator('#order-search-term').isVisible()).toBe(width > 640);
      await staff.watched.shot('deadline-board');
      expect(await overflowOf(page)).toBeLessThanOrEqual(0);

      await page.goto(`${site.url}/#/cases/${staff.caseId}`);
      await page.locator(`article[data-order="${staff.orderId}"]`).getByTestId('fine').waitFor();
      await page.locator(`article[data-order="${staff.orderId}"] form.decide`).scrollIntoViewIfNeeded();
      await staff.watched.shot('case-fine');
      expect(await overflowOf(page)).toBeLessThanOrEqual(0);
      expect(staff.watched.errors).toEqual([]);
      await staff.watched.close();
    },
    90_000,
  );
});

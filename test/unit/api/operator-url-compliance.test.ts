/**
 * Per-URL compliance, bulk acts and the filtered/CSV listing of `GET /operator/orders` (issue 13
 * item 4), through the operator orders' handler on the in-process world.
 */
import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/operator-orders';
import type { OrderRecord } from '../../../shared/domain/model';
import { getOrder, writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { actionsOf, plant } from '../../support/given';
import { aCase, anOrder, CASE_ID, CASE_URLS, OTHER_CASE_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const open = { deadlineAt: '2999-01-01T00:00:00.000Z', graceEndsAt: '2999-01-08T00:00:00.000Z' };
const URLS = 'POST /operator/orders/{orderId}/compliance/urls';
const BULK = 'POST /operator/orders/bulk';
const LIST = 'GET /operator/orders';
const [FIRST, SECOND] = ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'];
/** Actions the planting leaves in the case's chain: the case and its two orders. */
const PLANTED = ['REPORT_FILED', 'ORDER_ISSUED', 'ORDER_ISSUED'];

async function call(
  routeKey: string,
  caller: Caller,
  input: { orderId?: string; body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const { orderId, ...rest } = input;
  return answerOf(await handler(apiEvent(routeKey, { caller, ...(orderId ? { pathParameters: { orderId } } : {}), ...rest })));
}

useWorld();

async function givenOrders(overrides: Partial<OrderRecord> = {}): Promise<void> {
  await writeUrls(CASE_ID, CASE_URLS);
  await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.order(anOrder({ ...open, ...overrides }));
  await plant.order(anOrder({ ...open, operatorId: 'op-social', urlCount: 1 }));
}

describe(URLS, () => {
  it('accounts for URLs one call after another and complies with the order when the last is removed', async () => {
    await givenOrders();
    const reason = 'held under a court preservation order';
    // When one URL is deleted and the other cannot be complied with
    const first = await call(URLS, callers.webhard, {
      orderId: WEBHARD_ORDER_ID,
      body: {
        urls: [
          { url: FIRST, outcome: 'DELETED' },
          { url: SECOND, outcome: 'CANNOT_COMPLY', reason },
        ],
      },
    });
    // Then both are accounted for, the order still open
    expect(first).toEqual({
      statusCode: 200,
      body: {
        orderId: WEBHARD_ORDER_ID,
        status: 'ISSUED',
        complianceStatus: 'ISSUED',
        urlCount: 2,
        accounted: 2,
        urls: [
          { url: FIRST, outcome: 'DELETED' },
          { url: SECOND, outcome: 'CANNOT_COMPLY', reason },
        ],
      },
    });
    // And the listing shows each URL's outcome
    const listed = await call(LIST, callers.webhard);
    expect(listed.body.orders[0].urlOutcomes).toEqual(first.body.urls);
    // When the same report is repeated, nothing more is recorded
    expect(
      (await call(URLS, callers.webhard, { orderId: WEBHARD_ORDER_ID, body: { urls: [{ url: FIRST, outcome: 'DELETED' }] } })).statusCode,
    ).toBe(200);
    // Staff were alerted to the URL that cannot be complied with, once
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'URLS_ACCOUNTED', 'STAFF_ALERTED']);
    // When the URL that could not be complied with is blocked after all
    const last = await call(URLS, callers.webhard, { orderId: WEBHARD_ORDER_ID, body: { urls: [{ url: SECOND, outcome: 'BLOCKED' }] } });
    expect(last.body).toMatchObject({
      status: 'COMPLIED',
      complianceStatus: 'COMPLIED',
      accounted: 2,
      compliedAt: expect.stringMatching(/Z$/),
    });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({
      complianceAction: 'DELETED',
      urlCompliance: { outcomes: { 0: 'DELETED', 1: 'BLOCKED' } },
    });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'URLS_ACCOUNTED', 'STAFF_ALERTED', 'ORDER_COMPLIED']);
  });

  it('answers 409 for a changed outcome of an accounted URL, and 400 for a URL not of the order, recording nothing', async () => {
    await givenOrders();
    await call(URLS, callers.webhard, { orderId: WEBHARD_ORDER_ID, body: { urls: [{ url: FIRST, outcome: 'DELETED' }] } });
    const changed = await call(URLS, callers.webhard, {
      orderId: WEBHARD_ORDER_ID,
      body: { urls: [{ url: FIRST, outcome: 'NOT_FOUND' }] },
    });
    expect(changed).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'CONFLICT', message: expect.stringContaining('already reported DELETED') } },
    });
    const foreign = await call(URLS, callers.webhard, {
      orderId: WEBHARD_ORDER_ID,
      body: { urls: [{ url: 'https://social.example/p/9', outcome: 'DELETED' }] },
    });
    expect(foreign).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'urls[0].url' }] } } });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'URLS_ACCOUNTED']);
  });

  it('answers 400 for CANNOT_COMPLY without a reason, and 404 for another operator’s order', async () => {
    await givenOrders();
    const noReason = await call(URLS, callers.webhard, {
      orderId: WEBHARD_ORDER_ID,
      body: { urls: [{ url: FIRST, outcome: 'CANNOT_COMPLY' }] },
    });
    expect(noReason).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const other = await call(URLS, callers.webhard, { orderId: SOCIAL_ORDER_ID, body: { urls: [{ url: FIRST, outcome: 'DELETED' }] } });
    expect(other).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 400 for a URL matched to the operator after its order was issued: the order answers for its own count', async () => {
    // Given an order issued for one URL, and a second URL of the operator's that came later
    await givenOrders({ urlCount: 1 });
    const later = await call(URLS, callers.webhard, { orderId: WEBHARD_ORDER_ID, body: { urls: [{ url: SECOND, outcome: 'DELETED' }] } });
    expect(later).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'urls[0].url' }] } } });
    // And the order's own URL alone complies with it
    const own = await call(URLS, callers.webhard, { orderId: WEBHARD_ORDER_ID, body: { urls: [{ url: FIRST, outcome: 'DELETED' }] } });
    expect(own.body).toMatchObject({ status: 'COMPLIED', urlCount: 1, accounted: 1 });
  });
});

describe(BULK, () => {
  it('acknowledges and reports many orders, each on its own, and a repeat of the call does nothing twice', async () => {
    await givenOrders();
    await plant.case(aCase({ caseId: OTHER_CASE_ID, status: 'ORDERS_ISSUED' }));
    const otherOrder = anOrder({ ...open, caseId: OTHER_CASE_ID, issuedAt: '2026-03-01T01:00:00.000Z' });
    await plant.order(otherOrder);
    const body = {
      acknowledge: [WEBHARD_ORDER_ID, SOCIAL_ORDER_ID],
      compliance: [
        { orderId: otherOrder.orderId, action: 'DELETED' },
        { orderId: WEBHARD_ORDER_ID, urls: [{ url: FIRST, outcome: 'DELETED' }] },
      ],
    };
    const expected = {
      statusCode: 200,
      body: {
        results: [
          { orderId: WEBHARD_ORDER_ID, act: 'ACKNOWLEDGE', status: 'ACKNOWLEDGED' },
          { orderId: SOCIAL_ORDER_ID, act: 'ACKNOWLEDGE', error: { code: 'NOT_FOUND', message: expect.any(String) } },
          { orderId: otherOrder.orderId, act: 'COMPLIANCE', status: 'COMPLIED' },
          { orderId: WEBHARD_ORDER_ID, act: 'COMPLIANCE', status: 'ACKNOWLEDGED' },
        ],
      },
    };
    expect(await call(BULK, callers.webhard, { body })).toEqual(expected);
    expect(await call(BULK, callers.webhard, { body })).toEqual(expected);
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'ORDER_ACKNOWLEDGED', 'URLS_ACCOUNTED']);
    expect((await actionsOf(OTHER_CASE_ID)).filter((action) => action === 'ORDER_COMPLIED')).toHaveLength(1);
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ complianceStatus: 'ISSUED' });
  });

  it('answers one order’s refusal in its result: another action than the one reported is a conflict', async () => {
    await givenOrders({ complianceStatus: 'COMPLIED', status: 'COMPLIED', complianceAction: 'DELETED' });
    const answer = await call(BULK, callers.webhard, { body: { compliance: [{ orderId: WEBHARD_ORDER_ID, action: 'NOT_FOUND' }] } });
    expect(answer.body.results).toEqual([
      { orderId: WEBHARD_ORDER_ID, act: 'COMPLIANCE', error: { code: 'CONFLICT', message: expect.any(String) } },
    ]);
  });

  it('answers 400 for an empty call and for more than 100 orders', async () => {
    expect((await call(BULK, callers.webhard, { body: {} })).statusCode).toBe(400);
    const many = Array.from({ length: 101 }, () => WEBHARD_ORDER_ID);
    expect((await call(BULK, callers.webhard, { body: { acknowledge: many } })).statusCode).toBe(400);
  });
});

describe(`${LIST} filters and CSV`, () => {
  async function givenTwoCases(): Promise<string> {
    await givenOrders();
    await plant.case(aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED' }));
    const older = anOrder({
      caseId: OTHER_CASE_ID,
      status: 'COMPLIED',
      complianceStatus: 'COMPLIED',
      issuedAt: '2026-03-01T01:00:00.000Z',
    });
    await plant.order(older);
    return older.orderId;
  }

  it('filters by status and issue date, pages with a cursor, and answers the contract’s list without parameters', async () => {
    const older = await givenTwoCases();
    const complied = await call(LIST, callers.webhard, { query: { status: 'COMPLIED' } });
    expect(complied.body.orders.map((order: { orderId: string }) => order.orderId)).toEqual([older]);
    const since = await call(LIST, callers.webhard, { query: { issuedFrom: '2026-03-02T00:00:00Z' } });
    expect(since.body.orders.map((order: { orderId: string }) => order.orderId)).toEqual([WEBHARD_ORDER_ID]);
    const page = await call(LIST, callers.webhard, { query: { limit: '1' } });
    expect(page.body.orders).toHaveLength(1);
    const next = await call(LIST, callers.webhard, { query: { limit: '1', cursor: page.body.nextCursor } });
    expect(next.body.orders.map((order: { orderId: string }) => order.orderId)).toEqual([older]);
    expect(next.body.nextCursor).toBeUndefined();
    const all = await call(LIST, callers.webhard);
    expect(Object.keys(all.body)).toEqual(['orders']);
    expect(all.body.orders).toHaveLength(2);
    expect((await call(LIST, callers.webhard, { query: { status: 'SOMETHING' } })).statusCode).toBe(400);
  });

  it('answers CSV on Accept: text/csv, one row per order and URL, quoted, with nothing of another operator', async () => {
    await givenOrders();
    await call(URLS, callers.webhard, {
      orderId: WEBHARD_ORDER_ID,
      body: { urls: [{ url: SECOND, outcome: 'CANNOT_COMPLY', reason: '=held, "by court"' }] },
    });
    const response = await handler(apiEvent(LIST, { caller: callers.webhard, headers: { accept: 'text/csv' } }));
    const csv = typeof response === 'string' ? response : (response.body ?? '');
    expect(typeof response === 'string' ? '' : response.headers?.['content-type']).toMatch(/^text\/csv/);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('orderId,caseId,status,action,category,issuedAt,deadlineAt,acknowledgedAt,compliedAt,url,outcome,reason');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`,${FIRST},,`);
    expect(lines[2]).toMatch(new RegExp(`,${SECOND.replaceAll('.', '\\.')},CANNOT_COMPLY,"'=held, ""by court"""$`));
    expect(csv).not.toContain('social.example');
  });
});

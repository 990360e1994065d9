import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/operator-orders';
import { orderItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { givenItems, resetAws } from '../../support/fake-table';
import { anOrder, CASE_ID, CASE_URLS, SOCIAL_ORDER_ID, urlChunkItems, WEBHARD_ORDER_ID } from '../../support/records';

// Deadlines far in the future and the past, so that the wall clock of the handler decides nothing.
const open = { deadlineAt: '2999-01-01T00:00:00.000Z', graceEndsAt: '2999-01-08T00:00:00.000Z' };
const confirmedInWindow = { ...open, decisionStatus: 'CONFIRMED' as const, status: 'CONFIRMED' as const, appealDeadline: '2999-02-01T00:00:00.000Z' };

async function call(routeKey: string, caller: Caller | null, orderId?: string, body?: unknown) {
  return answerOf(
    await handler(apiEvent(routeKey, { caller, ...(orderId ? { pathParameters: { orderId } } : {}), ...(body === undefined ? {} : { body }) })),
  );
}
const ACK = 'POST /operator/orders/{orderId}/acknowledge';
const COMPLY = 'POST /operator/orders/{orderId}/compliance';
const APPEAL = 'POST /operator/orders/{orderId}/appeal';
const grounds = { grounds: 'The content is licensed and consensual.' };

beforeEach(() => resetAws());

describe('GET /operator/orders', () => {
  it('answers 200 with the operator’s own orders', async () => {
    // Prepare
    givenItems(orderItem(anOrder(open)), orderItem(anOrder({ operatorId: 'op-social' })), ...urlChunkItems(CASE_ID, CASE_URLS));

    // Act
    const answer = await call('GET /operator/orders', callers.webhard);

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.body.orders).toHaveLength(1);
    expect(answer.body.orders[0]).toMatchObject({ orderId: WEBHARD_ORDER_ID, status: 'ISSUED', urls: expect.any(Array) });
  });

  it('answers 403 to an operator account without an operator id', async () => {
    const answer = await call('GET /operator/orders', { userId: 'op-broken', roles: ['operator'] });
    expect(answer).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /operator/orders', null)).statusCode).toBe(401);
  });

  it.each([callers.staffKim, callers.member1, callers.supportCenter, callers.auditor])('answers 403 to $userId', async (caller) => {
    expect((await call('GET /operator/orders', caller)).statusCode).toBe(403);
  });
});

describe('POST /operator/orders/{orderId}/acknowledge', () => {
  it('answers 200 ACKNOWLEDGED, and again on a repeat', async () => {
    // Prepare
    givenItems(orderItem(anOrder(open)));

    // Act
    const first = await call(ACK, callers.webhard, WEBHARD_ORDER_ID);
    const again = await call(ACK, callers.webhard, WEBHARD_ORDER_ID);

    // Assess
    expect(first).toMatchObject({ statusCode: 200, body: { orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED' } });
    expect(again).toEqual(first);
  });

  it.each([SOCIAL_ORDER_ID, 'O-nothing'])('answers 404 for the order %s that is not the caller’s', async (orderId) => {
    givenItems(orderItem(anOrder({ ...open, operatorId: 'op-social' })));
    expect(await call(ACK, callers.webhard, orderId)).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it.each([callers.staffKim, callers.member1])('answers 403 to $userId', async (caller) => {
    expect((await call(ACK, caller, WEBHARD_ORDER_ID)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call(ACK, null, WEBHARD_ORDER_ID)).statusCode).toBe(401);
  });
});

describe('POST /operator/orders/{orderId}/compliance', () => {
  it('answers 200 COMPLIED before the deadline', async () => {
    givenItems(orderItem(anOrder(open)));
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED', note: 'gone' });
    expect(answer).toMatchObject({ statusCode: 200, body: { orderId: WEBHARD_ORDER_ID, status: 'COMPLIED' } });
  });

  it('answers 200 COMPLIED_LATE after the deadline, within the grace period', async () => {
    givenItems(orderItem(anOrder({ deadlineAt: '2000-01-01T00:00:00.000Z', graceEndsAt: '2999-01-01T00:00:00.000Z' })));
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'NOT_FOUND' });
    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'COMPLIED_LATE' } });
  });

  it('answers 409 WINDOW_CLOSED after the grace period', async () => {
    givenItems(orderItem(anOrder({ deadlineAt: '2000-01-01T00:00:00.000Z', graceEndsAt: '2000-01-08T00:00:00.000Z' })));
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'WINDOW_CLOSED' } } });
  });

  it('answers 409 CONFLICT to a second report', async () => {
    givenItems(orderItem(anOrder(open)));
    await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED' });
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it.each([
    ['an unknown action', { action: 'IGNORED' }],
    ['no action', {}],
    ['a note over 2000 characters', { action: 'DELETED', note: 'n'.repeat(2001) }],
  ])('answers 400 for %s', async (_, body) => {
    givenItems(orderItem(anOrder(open)));
    expect(await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, body)).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, oversizedBody())).statusCode).toBe(413);
  });

  it('answers 404 for another operator’s order', async () => {
    givenItems(orderItem(anOrder({ ...open, operatorId: 'op-social' })));
    expect((await call(COMPLY, callers.webhard, SOCIAL_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(404);
  });

  it('answers 401 without a token and 403 to staff', async () => {
    expect((await call(COMPLY, null, WEBHARD_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(401);
    expect((await call(COMPLY, callers.staffKim, WEBHARD_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(403);
  });
});

describe('POST /operator/orders/{orderId}/appeal', () => {
  it('answers 201 with the appeal id inside the window', async () => {
    givenItems(orderItem(anOrder(confirmedInWindow)));
    const answer = await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds);
    expect(answer).toEqual({ statusCode: 201, body: { appealId: `A${CASE_ID.slice(1)}-op-webhard` } });
  });

  it('answers 409 CONFLICT to a second appeal', async () => {
    givenItems(orderItem(anOrder(confirmedInWindow)));
    await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds);
    expect(await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds)).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it.each([
    ['the window closed', { ...confirmedInWindow, appealDeadline: '2000-01-01T00:00:00.000Z' }],
    ['the order is not confirmed yet', open],
  ])('answers 409 WINDOW_CLOSED when %s', async (_, overrides) => {
    givenItems(orderItem(anOrder(overrides)));
    expect(await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds)).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'WINDOW_CLOSED' } },
    });
  });

  it.each([
    ['grounds under 10 characters', { grounds: 'too short' }],
    ['grounds over 5000 characters', { grounds: 'g'.repeat(5001) }],
    ['no grounds', {}],
  ])('answers 400 for %s', async (_, body) => {
    givenItems(orderItem(anOrder(confirmedInWindow)));
    expect((await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, body)).statusCode).toBe(400);
  });

  it('answers 404 for another operator’s order, 401 without a token, 403 to committee', async () => {
    givenItems(orderItem(anOrder({ ...confirmedInWindow, operatorId: 'op-social' })));
    expect((await call(APPEAL, callers.webhard, SOCIAL_ORDER_ID, grounds)).statusCode).toBe(404);
    expect((await call(APPEAL, null, WEBHARD_ORDER_ID, grounds)).statusCode).toBe(401);
    expect((await call(APPEAL, callers.member1, WEBHARD_ORDER_ID, grounds)).statusCode).toBe(403);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, oversizedBody())).statusCode).toBe(413);
  });
});

import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/operator-orders';
import { appealIdFor } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { tokenPurpose } from '../../../shared/domain/waits';
import { refs } from '../../../shared/store/keys';
import { getAppeal, getOrder, storeTaskToken, writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOrder, CASE_ID, CASE_URLS, OTHER_CASE_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

// Deadlines far in the future and the past, so that the wall clock of the handler decides nothing.
const open = { deadlineAt: '2999-01-01T00:00:00.000Z', graceEndsAt: '2999-01-08T00:00:00.000Z' };
const confirmedInWindow = {
  ...open,
  decisionStatus: 'CONFIRMED' as const,
  status: 'CONFIRMED' as const,
  appealDeadline: '2999-02-01T00:00:00.000Z',
};
const APPEAL_ID = appealIdFor(CASE_ID, 'op-webhard');
const ACK = 'POST /operator/orders/{orderId}/acknowledge';
const COMPLY = 'POST /operator/orders/{orderId}/compliance';
const APPEAL = 'POST /operator/orders/{orderId}/appeal';
const grounds = { grounds: 'The content is licensed and consensual.' };
/** Actions the planting leaves in the case's chain. */
const PLANTED = ['REPORT_FILED', 'ORDER_ISSUED'];

async function call(routeKey: string, caller: Caller | null, orderId?: string, body?: unknown) {
  return answerOf(
    await handler(
      apiEvent(routeKey, { caller, ...(orderId ? { pathParameters: { orderId } } : {}), ...(body === undefined ? {} : { body }) }),
    ),
  );
}

const world = useWorld();

/** A case whose orders were issued, with the order given. */
async function givenOrder(overrides: Partial<OrderRecord> = {}): Promise<void> {
  await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.order(anOrder({ ...open, ...overrides }));
}

describe('GET /operator/orders', () => {
  it('answers 200 with the operator’s own orders and URLs, and nothing about the reporter or other operators', async () => {
    // Given orders to two operators of one case with its URLs, and an older one of another case
    await writeUrls(CASE_ID, CASE_URLS);
    await givenOrder();
    await plant.order(anOrder({ ...open, operatorId: 'op-social', urlCount: 1 }));
    await plant.case(aCase({ caseId: OTHER_CASE_ID, createdAt: '2026-03-01T00:00:00.000Z', status: 'CLOSED' }));
    await plant.order(
      anOrder({ caseId: OTHER_CASE_ID, status: 'COMPLIED', complianceStatus: 'COMPLIED', issuedAt: '2026-03-01T01:00:00.000Z' }),
    );

    // When
    const answer = await call('GET /operator/orders', callers.webhard);

    // Then its two orders, newest first, each with only its own URLs
    expect(answer.statusCode).toBe(200);
    expect(answer.body.orders.map((order: { caseId: string }) => order.caseId)).toEqual([CASE_ID, OTHER_CASE_ID]);
    expect(answer.body.orders[0]).toEqual({
      orderId: WEBHARD_ORDER_ID,
      caseId: CASE_ID,
      status: 'ISSUED',
      complianceStatus: 'ISSUED',
      decisionStatus: 'PENDING',
      action: 'DELETE',
      category: 'ILLEGAL_FILMING',
      urls: ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'],
      issuedAt: '2026-03-02T01:00:00.000Z',
      ...open,
      statementOfReasons: expect.objectContaining({
        orderId: WEBHARD_ORDER_ID,
        facts: expect.objectContaining({ urls: ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'] }),
      }),
    });
    const text = JSON.stringify(answer.body);
    for (const secret of [
      'op-social',
      'social.example',
      'unknown.example',
      'SC-2026-0042',
      'support centre',
      'SUPPORT_CENTER',
      'staff-kim',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers 200 with no orders to an operator that has none', async () => {
    await givenOrder();
    expect(await call('GET /operator/orders', callers.social)).toEqual({ statusCode: 200, body: { orders: [] } });
  });

  it('answers 403 to an operator account without an operator id', async () => {
    const answer = await call('GET /operator/orders', { userId: 'op-broken', roles: ['operator'] });
    expect(answer).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('custom:operatorId') } },
    });
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /operator/orders', null)).statusCode).toBe(401);
  });

  it.each([callers.staffKim, callers.member1, callers.supportCenter, callers.auditor])('answers 403 to $userId', async (caller) => {
    expect(await call('GET /operator/orders', caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});

describe(ACK, () => {
  it('answers 200 ACKNOWLEDGED, and the same again on a repeat, recorded once', async () => {
    // Given
    await givenOrder();

    // When
    const first = await call(ACK, callers.webhard, WEBHARD_ORDER_ID);
    const again = await call(ACK, callers.webhard, WEBHARD_ORDER_ID);

    // Then
    expect(first).toEqual({
      statusCode: 200,
      body: { orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED', acknowledgedAt: expect.stringMatching(/Z$/) },
    });
    expect(again).toEqual(first);
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ complianceStatus: 'ACKNOWLEDGED', acknowledgedAt: first.body.acknowledgedAt });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'ORDER_ACKNOWLEDGED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each([SOCIAL_ORDER_ID, 'O-nothing', `O${OTHER_CASE_ID.slice(1)}-op-webhard`])(
    'answers 404 for the order %s that is not the caller’s, and changes nothing',
    async (orderId) => {
      // Given an order to another operator
      await givenOrder({ operatorId: 'op-social' });

      // When
      const answer = await call(ACK, callers.webhard, orderId);

      // Then
      expect(answer).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
      expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
    },
  );

  it.each([callers.staffKim, callers.member1])('answers 403 to $userId', async (caller) => {
    expect((await call(ACK, caller, WEBHARD_ORDER_ID)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call(ACK, null, WEBHARD_ORDER_ID)).statusCode).toBe(401);
  });
});

describe(COMPLY, () => {
  it('answers 200 COMPLIED before the deadline, stores it and wakes the waiting workflow', async () => {
    // Given the workflow waits for compliance with the order
    await givenOrder();
    await storeTaskToken(CASE_ID, tokenPurpose.compliance(WEBHARD_ORDER_ID), 'token-compliance', '2026-03-02T01:00:00.000Z');
    world.liveToken('token-compliance');

    // When
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED', note: 'gone' });

    // Then
    expect(answer).toEqual({
      statusCode: 200,
      body: { orderId: WEBHARD_ORDER_ID, status: 'COMPLIED', compliedAt: expect.stringMatching(/Z$/) },
    });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'COMPLIED', complianceAction: 'DELETED', complianceNote: 'gone' });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'ORDER_COMPLIED']);
    expect(world.completedWaits).toEqual([{ token: 'token-compliance', output: { outcome: 'COMPLIED' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('answers 200 COMPLIED_LATE after the deadline, within the grace period', async () => {
    await givenOrder({ deadlineAt: '2000-01-01T00:00:00.000Z', graceEndsAt: '2999-01-01T00:00:00.000Z' });
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'NOT_FOUND' });
    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'COMPLIED_LATE' } });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'COMPLIED_LATE', complianceStatus: 'COMPLIED_LATE' });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'ORDER_COMPLIED_LATE']);
  });

  it.each([
    [
      '409 WINDOW_CLOSED after the grace period',
      { deadlineAt: '2000-01-01T00:00:00.000Z', graceEndsAt: '2000-01-08T00:00:00.000Z' },
      'WINDOW_CLOSED',
    ],
    ['409 CONFLICT once compliance was reported', { complianceStatus: 'COMPLIED' as const, status: 'COMPLIED' as const }, 'CONFLICT'],
    ['409 CONFLICT on a revoked order', { decisionStatus: 'REVOKED' as const, status: 'REVOKED' as const }, 'CONFLICT'],
  ])('answers %s, and records nothing', async (_, overrides, code) => {
    await givenOrder(overrides);
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code } } });
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 409 CONFLICT to a second report', async () => {
    await givenOrder();
    expect((await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(200);
    const answer = await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, { action: 'BLOCKED' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ complianceAction: 'DELETED' });
  });

  it.each([
    ['an unknown action', { action: 'IGNORED' }, 'action'],
    ['no action', {}, 'action'],
    ['a note over 2000 characters', { action: 'DELETED', note: 'n'.repeat(2001) }, 'note'],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    await givenOrder();
    expect(await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, body)).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field })] } },
    });
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(COMPLY, callers.webhard, WEBHARD_ORDER_ID, oversizedBody())).statusCode).toBe(413);
  });

  it('answers 404 for another operator’s order, and changes nothing', async () => {
    await givenOrder({ operatorId: 'op-social' });
    expect((await call(COMPLY, callers.webhard, SOCIAL_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(404);
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ complianceStatus: 'ISSUED' });
  });

  it('answers 401 without a token and 403 to staff', async () => {
    expect((await call(COMPLY, null, WEBHARD_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(401);
    expect((await call(COMPLY, callers.staffKim, WEBHARD_ORDER_ID, { action: 'DELETED' })).statusCode).toBe(403);
  });
});

describe(APPEAL, () => {
  it('answers 201 with the appeal id inside the window, and files the appeal', async () => {
    // Given a confirmed order within its appeal window
    await givenOrder(confirmedInWindow);

    // When
    const answer = await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds);

    // Then
    expect(answer).toEqual({ statusCode: 201, body: { appealId: APPEAL_ID } });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'APPEALED', decisionStatus: 'APPEALED', appealId: APPEAL_ID });
    expect(await getAppeal(APPEAL_ID)).toEqual({
      appealId: APPEAL_ID,
      caseId: CASE_ID,
      orderId: WEBHARD_ORDER_ID,
      operatorId: 'op-webhard',
      grounds: grounds.grounds,
      filedAt: expect.stringMatching(/Z$/),
      status: 'FILED',
    });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'ORDER_APPEALED', 'APPEAL_FILED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('answers 409 CONFLICT to a second appeal', async () => {
    await givenOrder(confirmedInWindow);
    expect((await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds)).statusCode).toBe(201);
    expect(await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds)).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'CONFLICT' } },
    });
    expect(await actionsOf(CASE_ID)).toEqual([...PLANTED, 'ORDER_APPEALED', 'APPEAL_FILED']);
  });

  it.each([
    ['the window closed', { ...confirmedInWindow, appealDeadline: '2000-01-01T00:00:00.000Z' }],
    ['the order is not confirmed yet', open],
  ])('answers 409 WINDOW_CLOSED when %s, and files nothing', async (_, overrides) => {
    await givenOrder(overrides);
    expect(await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, grounds)).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'WINDOW_CLOSED' } },
    });
    expect(await getAppeal(APPEAL_ID)).toBeUndefined();
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it.each([
    ['grounds under 10 characters', { grounds: 'too short' }],
    ['grounds over 5000 characters', { grounds: 'g'.repeat(5001) }],
    ['no grounds', {}],
  ])('answers 400 naming the grounds for %s', async (_, body) => {
    await givenOrder(confirmedInWindow);
    expect(await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, body)).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'grounds' })] } },
    });
  });

  it('answers 404 for another operator’s order, 401 without a token, 403 to committee', async () => {
    await givenOrder({ ...confirmedInWindow, operatorId: 'op-social' });
    expect((await call(APPEAL, callers.webhard, SOCIAL_ORDER_ID, grounds)).statusCode).toBe(404);
    expect((await call(APPEAL, null, WEBHARD_ORDER_ID, grounds)).statusCode).toBe(401);
    expect((await call(APPEAL, callers.member1, WEBHARD_ORDER_ID, grounds)).statusCode).toBe(403);
    expect(await actionsOf(CASE_ID)).toEqual(PLANTED);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(APPEAL, callers.webhard, WEBHARD_ORDER_ID, oversizedBody())).statusCode).toBe(413);
  });
});

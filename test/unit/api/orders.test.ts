import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/orders';
import { orderIdFor } from '../../../shared/domain/ids';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOperator, anOrder, CASE_ID, OTHER_CASE_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const OLD_ORDER_ID = orderIdFor(OTHER_CASE_ID, 'op-webhard');

async function get(caller: Caller | null, query?: Record<string, string>) {
  return answerOf(await handler(apiEvent('GET /orders', { caller, ...(query ? { query } : {}) })));
}

const world = useWorld({ resetEachTest: false });

describe('GET /orders', () => {
  beforeEach(async () => {
    await world.reset();
  });

  describe('with orders on the board', () => {
    beforeEach(async () => {
      // Given two operators; an open order to each (social's deadline first) and an older complied one
      await plant.operator(anOperator());
      await plant.operator(anOperator({ operatorId: 'op-social', name: 'Social Inc.', domains: ['social.example'] }));
      await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
      await plant.order(anOrder());
      await plant.order(anOrder({ operatorId: 'op-social', deadlineAt: '2026-03-02T20:00:00.000Z' }));
      await plant.case(aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED', createdAt: '2026-02-01T00:00:00.000Z' }));
      await plant.order(
        anOrder({
          caseId: OTHER_CASE_ID,
          complianceStatus: 'COMPLIED',
          status: 'COMPLIED',
          issuedAt: '2026-02-01T00:00:00.000Z',
          compliedAt: '2026-02-01T05:00:00.000Z',
          complianceNote: 'removed, see ticket 42',
        }),
      );
    });

    it.each([callers.staffKim, callers.auditor])(
      'answers 200 with open orders first, soonest deadline first, to $userId',
      async (caller) => {
        // When
        const answer = await get(caller);

        // Then
        expect(answer.statusCode).toBe(200);
        expect(answer.body.orders.map((order: { orderId: string }) => order.orderId)).toEqual([
          SOCIAL_ORDER_ID,
          WEBHARD_ORDER_ID,
          OLD_ORDER_ID,
        ]);
        expect(answer.body.orders[1]).toEqual({
          orderId: WEBHARD_ORDER_ID,
          caseId: CASE_ID,
          operatorId: 'op-webhard',
          status: 'ISSUED',
          complianceStatus: 'ISSUED',
          decisionStatus: 'PENDING',
          action: 'DELETE',
          urlCount: 2,
          issuedAt: '2026-03-02T01:00:00.000Z',
          deadlineAt: '2026-03-03T01:00:00.000Z',
          graceEndsAt: '2026-03-10T01:00:00.000Z',
          open: true,
          nonCompliant: false,
        });
        expect(answer.body.orders[2]).toMatchObject({
          caseId: OTHER_CASE_ID,
          status: 'COMPLIED',
          open: false,
          compliedAt: '2026-02-01T05:00:00.000Z',
        });
        // The board is for the deadlines: no operator's notes or notices
        expect(JSON.stringify(answer.body)).not.toContain('ticket 42');
      },
    );

    it.each([
      ['0', 2],
      ['1', 3],
      ['1000', 3],
    ])('answers every open order and at most ?recent=%s others', async (recent, count) => {
      expect((await get(callers.staffKim, { recent })).body.orders).toHaveLength(count);
    });

    it('shows an open order of an operator missing from the registry', async () => {
      // Given an order to an operator that is not registered
      const orphan = orderIdFor(CASE_ID, 'op-gone');
      await plant.order(anOrder({ operatorId: 'op-gone', deadlineAt: '2026-03-04T00:00:00.000Z' }));

      // When
      const answer = await get(callers.staffKim, { recent: '0' });

      // Then
      expect(answer.body.orders.map((order: { orderId: string }) => order.orderId)).toEqual([SOCIAL_ORDER_ID, WEBHARD_ORDER_ID, orphan]);
    });
  });

  it.each(['-1', 'many', '1001', '1.5'])('answers 400 naming the parameter for ?recent=%s', async (recent) => {
    expect(await get(callers.staffKim, { recent })).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'recent' })] } },
    });
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await get(caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('answers 401 without a token', async () => {
    expect((await get(null)).statusCode).toBe(401);
  });
});

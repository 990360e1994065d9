import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/orders';
import { operatorItem, orderItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { givenItems, resetAws } from '../../support/fake-table';
import { anOperator, anOrder, OTHER_CASE_ID, WEBHARD_ORDER_ID } from '../../support/records';

async function get(caller: Caller | null, query?: Record<string, string>) {
  return answerOf(await handler(apiEvent('GET /orders', { caller, ...(query ? { query } : {}) })));
}

describe('GET /orders', () => {
  beforeEach(() => {
    resetAws();
    givenItems(
      operatorItem(anOperator()),
      orderItem(anOrder()),
      orderItem(anOrder({ caseId: OTHER_CASE_ID, complianceStatus: 'COMPLIED', status: 'COMPLIED', issuedAt: '2026-02-01T00:00:00.000Z' })),
    );
  });

  it.each([callers.staffKim, callers.auditor])('answers 200 with open orders first to $userId', async (caller) => {
    const answer = await get(caller);
    expect(answer.statusCode).toBe(200);
    expect(answer.body.orders).toEqual([
      expect.objectContaining({ orderId: WEBHARD_ORDER_ID, operatorId: 'op-webhard', status: 'ISSUED', open: true, deadlineAt: '2026-03-03T01:00:00.000Z' }),
      expect.objectContaining({ caseId: OTHER_CASE_ID, status: 'COMPLIED', open: false }),
    ]);
  });

  it('answers only the open orders with ?recent=0', async () => {
    const answer = await get(callers.staffKim, { recent: '0' });
    expect(answer.body.orders).toHaveLength(1);
  });

  it.each(['-1', 'many', '1001'])('answers 400 for ?recent=%s', async (recent) => {
    expect(await get(callers.staffKim, { recent })).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect((await get(caller)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await get(null)).statusCode).toBe(401);
  });
});

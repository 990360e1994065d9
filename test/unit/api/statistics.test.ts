/**
 * `GET /statistics` (staff, auditor; JSON or CSV) and `GET /statistics/public` (no sign-in) on
 * records planted through the write model: the routes read the cases of the range by query, join
 * their orders, and answer the figures shared/domain/statistics.ts computes (its own test checks
 * the arithmetic; this one checks what reaches the caller).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as publicHandler } from '../../../functions/api/public-statistics';
import { handler } from '../../../functions/api/statistics';
import { caseIdFrom, ulidFrom } from '../../../shared/domain/ids';
import { CSV_HEADER } from '../../../shared/domain/statistics';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { useWorld } from '../../support/world';

const world = useWorld({ resetEachTest: false });

const caseAt = (at: string, seed: number): string => caseIdFrom(ulidFrom(Date.parse(at), new Uint8Array(10).fill(seed)));
const MARCH_CASE = caseAt('2026-03-05T00:00:00.000Z', 1);
const APRIL_CASE = caseAt('2026-04-07T00:00:00.000Z', 2);
const FEBRUARY_CASE = caseAt('2026-02-10T00:00:00.000Z', 3);

async function statistics(caller: Caller | null, query?: Record<string, string>) {
  return handler(apiEvent('GET /statistics', { caller, ...(query ? { query } : {}) }));
}

async function publicStatistics(query?: Record<string, string>) {
  return answerOf(await publicHandler(apiEvent('GET /statistics/public', { caller: null, ...(query ? { query } : {}) })));
}

beforeAll(async () => {
  await world.reset();
  // Given two operators, a March case whose orders went one in time and one overdue and fined,
  // an April case still pending, and a February case outside the range asked for
  await plant.operator(anOperator());
  await plant.operator(anOperator({ operatorId: 'op-social', name: 'Social Inc.', domains: ['social.example'] }));
  await plant.case(
    aCase({
      caseId: MARCH_CASE,
      status: 'CLOSED',
      createdAt: '2026-03-05T00:00:00.000Z',
      ordersIssuedAt: '2026-03-05T02:00:00.000Z',
      urlCount: 3,
    }),
  );
  await plant.order(
    anOrder({
      caseId: MARCH_CASE,
      issuedAt: '2026-03-05T02:00:00.000Z',
      compliedAt: '2026-03-05T06:00:00.000Z',
      complianceStatus: 'COMPLIED',
      decisionStatus: 'CONFIRMED',
      status: 'CONFIRMED',
    }),
  );
  await plant.order(
    anOrder({
      caseId: MARCH_CASE,
      operatorId: 'op-social',
      urlCount: 1,
      issuedAt: '2026-03-05T02:00:00.000Z',
      complianceStatus: 'OVERDUE',
      decisionStatus: 'CONFIRMED',
      status: 'OVERDUE',
      fine: { amount: 5_000_000, currency: 'KRW', policyId: 'kr-kcsc', breakdown: [{ item: 'base', amount: 5_000_000 }] },
    }),
  );
  await plant.case(aCase({ caseId: APRIL_CASE, category: 'SYNTHETIC_SEXUAL_IMAGERY', createdAt: '2026-04-07T00:00:00.000Z' }));
  await plant.case(
    aCase({ caseId: FEBRUARY_CASE, status: 'CLOSED', createdAt: '2026-02-10T00:00:00.000Z', ordersIssuedAt: '2026-02-10T01:00:00.000Z' }),
  );
  await plant.order(
    anOrder({ caseId: FEBRUARY_CASE, issuedAt: '2026-02-10T01:00:00.000Z', complianceStatus: 'OVERDUE', status: 'OVERDUE' }),
  );
});

describe('GET /statistics', () => {
  it.each([callers.staffKim, callers.auditor])(
    'answers $userId the figures of the cases filed in the range, and only those',
    async (caller) => {
      // When
      const answer = answerOf(await statistics(caller, { from: '2026-03', to: '2026-04' }));

      // Then
      expect(answer.statusCode).toBe(200);
      expect(answer.body.range).toEqual({ from: '2026-03', to: '2026-04' });
      expect(answer.body.timeZone).toBe('Asia/Seoul');
      // March and April: two reports, the March case's two orders (the February one is outside)
      expect(answer.body.total).toMatchObject({
        reports: 2,
        orders: 2,
        // 2 h from report to order, for the one case with orders
        reportToOrder: { count: 1, p50Seconds: 7200, p90Seconds: 7200 },
        // 4 h from order to compliance, for the one complied order
        orderToCompliance: { count: 1, p50Seconds: 14_400 },
        compliedInTime: { numerator: 1, denominator: 2, rate: 0.5 },
        fines: { count: 1, total: 5_000_000, currency: 'KRW' },
      });
      expect(answer.body.byMonth.map((m: { month: string; reports: number }) => [m.month, m.reports])).toEqual([
        ['2026-03', 1],
        ['2026-04', 1],
      ]);
      expect(
        answer.body.byOperator.map((o: { operatorId: string; compliedInTime: { rate: number } }) => [o.operatorId, o.compliedInTime.rate]),
      ).toEqual([
        ['op-social', 0],
        ['op-webhard', 1],
      ]);
      expect(answer.body.byYear[0]).toMatchObject({ year: '2026', kcsc: { reportsReceived: 2, correctionRequests: 3 } });
    },
  );

  it('answers CSV with a header row, UTF-8 with a byte order mark, as a download', async () => {
    // When
    const answer = await statistics(callers.auditor, { from: '2026-03', to: '2026-04', format: 'csv' });

    // Then
    if (typeof answer === 'string') throw new Error('expected a structured answer');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="statistics-2026-03-2026-04.csv"',
    });
    const text = answer.body ?? '';
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    // total, two months, four categories, two operators, and the empty string after the last CRLF
    expect(lines).toHaveLength(1 + 1 + 2 + 4 + 2 + 1);
    expect(lines.find((line) => line.startsWith('operator,op-social,'))).toContain(',5000000,KRW');
  });

  it.each([
    [{ from: '2026-3' }, 'from'],
    [{ from: '2026-05', to: '2026-04' }, 'from'],
    [{ format: 'xlsx' }, 'format'],
  ])('refuses the query %j with 400 naming %s', async (query, field) => {
    const answer = answerOf(await statistics(callers.staffKim, query));
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
  });

  it.each([callers.webhard, callers.member1, callers.supportCenter])('refuses $userId with 403', async (caller) => {
    const answer = answerOf(await statistics(caller));
    expect(answer.statusCode).toBe(403);
    expect(answer.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses a request without a token with 401', async () => {
    expect(answerOf(await statistics(null)).statusCode).toBe(401);
  });
});

describe('GET /statistics/public', () => {
  it('answers anyone, without a token, counts under five as "<5" and no operator, case or fine amount', async () => {
    // When
    const answer = await publicStatistics({ from: '2026-03', to: '2026-04' });

    // Then
    expect(answer.statusCode).toBe(200);
    expect(answer.body.suppression).toEqual({ threshold: 5, shownAs: '<5' });
    expect(answer.body.total).toMatchObject({ reports: '<5', orders: '<5', fines: '<5', finesTotal: null, compliedInTimeRate: null });
    expect(answer.body.byCategory.find((c: { category: string }) => c.category === 'CHILD_SEXUAL_EXPLOITATION').reports).toBe(0);
    const text = JSON.stringify(answer.body);
    for (const secret of ['op-webhard', 'op-social', MARCH_CASE, APRIL_CASE, 'SC-2026-0042', 'staff-kim', '5000000']) {
      expect(text).not.toContain(secret);
    }
  });

  it('refuses a bad month with 400', async () => {
    const answer = await publicStatistics({ to: '2026-00' });
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.details).toEqual([expect.objectContaining({ field: 'to' })]);
  });
});

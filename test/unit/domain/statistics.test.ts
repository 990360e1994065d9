/**
 * The statistics on a fixed data set whose every figure was worked out by hand (the arithmetic is
 * in the comments), in the Korean policy's time zone (UTC+9) and currency.
 */
import type { ReferralStatus } from '../../../shared/domain/referrals';
import { describe, expect, it } from 'vitest';
import {
  computeStatistics,
  monthOf,
  percentile,
  publicStatistics,
  rangeQuerySchema,
  statisticsCsv,
  toCsv,
  type StatisticsCase,
  type StatisticsOrder,
} from '../../../shared/domain/statistics';

const context = { range: { from: '2026-03', to: '2026-04' }, timeZone: 'Asia/Seoul', currency: 'KRW' } as const;

const aCase = (caseId: string, fields: Omit<StatisticsCase, 'caseId'>): StatisticsCase => ({ caseId, ...fields });
const anOrder = (
  orderId: string,
  fields: Omit<StatisticsOrder, 'orderId' | 'action' | 'urlCount'> & Partial<StatisticsOrder>,
): StatisticsOrder => ({
  orderId,
  action: 'DELETE',
  urlCount: 1,
  ...fields,
});

// Given six reports: four filed in March and April 2026, Seoul time, and two just outside
const CASES: StatisticsCase[] = [
  // March; orders 1 h after the report
  aCase('c1', {
    category: 'ILLEGAL_FILMING',
    createdAt: '2026-03-02T00:00:00.000Z',
    urlCount: 3,
    ordersIssuedAt: '2026-03-02T01:00:00.000Z',
  }),
  // March; orders 3 h after
  aCase('c2', {
    category: 'SYNTHETIC_SEXUAL_IMAGERY',
    createdAt: '2026-03-10T00:00:00.000Z',
    urlCount: 3,
    ordersIssuedAt: '2026-03-10T03:00:00.000Z',
  }),
  // 31 March 16:00 UTC is 1 April 01:00 in Seoul: April; orders 2 h after
  aCase('c3', {
    category: 'SYNTHETIC_SEXUAL_IMAGERY',
    createdAt: '2026-03-31T16:00:00.000Z',
    urlCount: 2,
    ordersIssuedAt: '2026-03-31T18:00:00.000Z',
  }),
  // April; still waiting for approval
  aCase('c4', { category: 'CHILD_SEXUAL_EXPLOITATION', createdAt: '2026-04-05T00:00:00.000Z', urlCount: 4 }),
  // 28 February 23:00 in Seoul, and 1 May 00:30 in Seoul: outside the range
  aCase('c5', {
    category: 'ILLEGAL_FILMING',
    createdAt: '2026-02-28T14:00:00.000Z',
    urlCount: 1,
    ordersIssuedAt: '2026-02-28T15:00:00.000Z',
  }),
  aCase('c6', { category: 'ILLEGAL_FILMING', createdAt: '2026-04-30T15:30:00.000Z', urlCount: 1 }),
];

const ORDERS: StatisticsOrder[] = [
  // complied 2 h (7,200 s) after issue; confirmed
  anOrder('o1', {
    caseId: 'c1',
    operatorId: 'op-a',
    urlCount: 2,
    issuedAt: '2026-03-02T01:00:00.000Z',
    compliedAt: '2026-03-02T03:00:00.000Z',
    complianceStatus: 'COMPLIED',
    decisionStatus: 'CONFIRMED',
  }),
  // complied late, 28 h (100,800 s) after issue; appeal granted, so no fine
  anOrder('o2', {
    caseId: 'c1',
    operatorId: 'op-b',
    issuedAt: '2026-03-02T01:00:00.000Z',
    compliedAt: '2026-03-03T05:00:00.000Z',
    complianceStatus: 'COMPLIED_LATE',
    decisionStatus: 'OVERTURNED',
  }),
  // never complied; appeal dismissed; fined 3,000,000 KRW
  anOrder('o3', {
    caseId: 'c2',
    operatorId: 'op-a',
    action: 'BLOCK_ACCESS',
    urlCount: 2,
    issuedAt: '2026-03-10T03:00:00.000Z',
    complianceStatus: 'OVERDUE',
    decisionStatus: 'UPHELD',
    fine: { amount: 3_000_000, currency: 'KRW', policyId: 'kr-kcsc', breakdown: [{ item: 'base', amount: 3_000_000 }] },
  }),
  // its first notice bounced, staff resent it; complied 24 h (86,400 s) after issue, in time (the clock ran from the resend)
  anOrder('o7', {
    caseId: 'c2',
    operatorId: 'op-b',
    issuedAt: '2026-03-10T03:00:00.000Z',
    compliedAt: '2026-03-11T03:00:00.000Z',
    complianceStatus: 'COMPLIED',
    decisionStatus: 'CONFIRMED',
    resends: 1,
  }),
  // complied 1 h (3,600 s) after issue; revoked by the committee
  anOrder('o4', {
    caseId: 'c3',
    operatorId: 'op-b',
    issuedAt: '2026-03-31T18:00:00.000Z',
    compliedAt: '2026-03-31T19:00:00.000Z',
    complianceStatus: 'COMPLIED',
    decisionStatus: 'REVOKED',
  }),
  // its notice never arrived
  anOrder('o5', {
    caseId: 'c3',
    operatorId: 'op-a',
    issuedAt: '2026-03-31T18:00:00.000Z',
    complianceStatus: 'UNDELIVERED',
    decisionStatus: 'PENDING',
  }),
  // of the February case: outside the range, whatever it says
  anOrder('o6', {
    caseId: 'c5',
    operatorId: 'op-c',
    issuedAt: '2026-02-28T15:00:00.000Z',
    complianceStatus: 'OVERDUE',
    decisionStatus: 'CONFIRMED',
    fine: { amount: 999, currency: 'KRW', policyId: 'kr-kcsc', breakdown: [{ item: 'base', amount: 999 }] },
  }),
];

describe('percentile (nearest rank)', () => {
  it.each([
    // 5 values: rank = ceil(p/100 × 5)
    [5, 15], // ceil(0.25) = 1 → 15
    [30, 20], // ceil(1.5) = 2 → 20
    [40, 20], // ceil(2) = 2 → 20
    [50, 35], // ceil(2.5) = 3 → 35
    [90, 50], // ceil(4.5) = 5 → 50
    [100, 50],
  ])('takes the p%s of 15, 20, 35, 40, 50 as %s', (p, expected) => {
    expect(percentile([40, 15, 50, 35, 20], p)).toBe(expected);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).toBeNull();
  });
});

describe('months in the policy’s time zone', () => {
  it('puts the last second of March UTC+9 in March, and the next in April', () => {
    expect(monthOf('2026-03-31T14:59:59.000Z', 'Asia/Seoul')).toBe('2026-03');
    expect(monthOf('2026-03-31T15:00:00.000Z', 'Asia/Seoul')).toBe('2026-04');
  });

  // 31 Dec 2026 20:00 UTC is 1 Jan 2027 in Seoul
  const rangeOf = (query: Record<string, string>) => rangeQuerySchema('2026-12-31T20:00:00.000Z', 'Asia/Seoul').safeParse(query);

  it.each([
    [{}, { from: '2026-02', to: '2027-01' }],
    [{ to: '2025-03' }, { from: '2024-04', to: '2025-03' }],
    [{ from: '2026-06' }, { from: '2026-06', to: '2027-01' }],
    [
      { from: '2025-01', to: '2025-03' },
      { from: '2025-01', to: '2025-03' },
    ],
    [
      { from: '2016-02', to: '2026-01' },
      { from: '2016-02', to: '2026-01' },
    ],
  ])('reads the range %j as %j, the missing ends from this month', (query, range) => {
    expect(rangeOf(query)).toEqual({ success: true, data: range });
  });

  it.each([
    [{ from: '2026-13', to: '2026-12' }, 'from'],
    [{ to: '2026-1' }, 'to'],
    [{ from: '2026-05', to: '2026-04' }, 'from'],
    [{ from: '2027-02' }, 'from'], // after this month
    [{ from: '2016-01', to: '2026-01' }, 'from'], // 121 months
  ])('refuses the range %j, naming %s', (query, field) => {
    const result = rangeOf(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
  });
});

describe('referrals to partner regulators in the statistics', () => {
  const referral = (caseId: string, partnerId: string, status: ReferralStatus, hoursToRemoval?: number) => ({
    caseId,
    partnerId,
    status,
    createdAt: '2026-03-10T00:00:00.000Z',
    ...(hoursToRemoval === undefined
      ? {}
      : { removedAt: new Date(Date.parse('2026-03-10T00:00:00.000Z') + hoursToRemoval * 3_600_000).toISOString() }),
  });

  it('counts per partner those of the range’s cases: sent, removed, declined, and the median hours to removal abroad', () => {
    const statistics = computeStatistics(CASES, ORDERS, context, [
      referral('c1', 'partner-fr', 'REMOVED', 10),
      referral('c2', 'partner-fr', 'REMOVED', 30),
      referral('c3', 'partner-fr', 'DECLINED'),
      referral('c1', 'partner-au', 'SENT'),
      // A case reported in May (Seoul time): outside the range
      referral('c6', 'partner-tw', 'REMOVED', 1),
    ]);
    expect(statistics.byPartner).toEqual([
      { partnerId: 'partner-au', referralsReceived: 0, referralsSent: 1, removed: 0, declined: 0, medianHoursToRemoval: null },
      { partnerId: 'partner-fr', referralsReceived: 0, referralsSent: 3, removed: 2, declined: 1, medianHoursToRemoval: 20 },
    ]);
  });

  it('counts per partner the cases it referred to us in the range, beside those we referred to it', () => {
    const fromPartner = (caseId: string, partnerId: string, createdAt: string) =>
      aCase(caseId, {
        category: 'ILLEGAL_FILMING',
        createdAt,
        urlCount: 1,
        reporter: { kind: 'PARTNER', reference: `ref-${caseId}`, partnerId },
      });
    const statistics = computeStatistics(
      [
        ...CASES,
        fromPartner('p1', 'partner-tw', '2026-03-05T00:00:00.000Z'),
        fromPartner('p2', 'partner-tw', '2026-04-05T00:00:00.000Z'),
        fromPartner('p3', 'partner-fr', '2026-03-06T00:00:00.000Z'),
        // Filed in May (Seoul time): outside the range
        fromPartner('p4', 'partner-au', '2026-04-30T15:00:00.000Z'),
      ],
      ORDERS,
      context,
      [referral('c1', 'partner-fr', 'SENT')],
    );
    expect(statistics.byPartner).toEqual([
      { partnerId: 'partner-fr', referralsReceived: 1, referralsSent: 1, removed: 0, declined: 0, medianHoursToRemoval: null },
      { partnerId: 'partner-tw', referralsReceived: 2, referralsSent: 0, removed: 0, declined: 0, medianHoursToRemoval: null },
    ]);
  });

  it('has none without referrals', () => {
    expect(computeStatistics(CASES, ORDERS, context).byPartner).toEqual([]);
  });
});

describe('the statistics of March and April 2026', () => {
  // When
  const statistics = computeStatistics(CASES, ORDERS, context);

  it('counts the four reports of the range and their six orders, in total', () => {
    const { total } = statistics;
    expect(total.reports).toBe(4);
    expect(total.orders).toBe(6);
    // report → order: c1 3,600, c3 7,200, c2 10,800 s. p50: rank ceil(1.5) = 2 → 7,200; p90: ceil(2.7) = 3 → 10,800; mean 21,600 / 3
    expect(total.reportToOrder).toEqual({ count: 3, p50Seconds: 7200, p90Seconds: 10_800, meanSeconds: 7200 });
    // order → compliance: o4 3,600, o1 7,200, o7 86,400, o2 100,800. p50: rank 2 → 7,200; p90: ceil(3.6) = 4 → 100,800;
    // mean 198,000 / 4 = 49,500
    expect(total.orderToCompliance).toEqual({ count: 4, p50Seconds: 7200, p90Seconds: 100_800, meanSeconds: 49_500 });
    // settled: o1, o2, o3, o4, o7; in time: o1, o4, o7 → 3/5; late: o2, o3 → 2/5
    expect(total.compliedInTime).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
    expect(total.overdue).toEqual({ numerator: 2, denominator: 5, rate: 0.4 });
    // o5 undelivered, o7 resent → 2/6
    expect(total.undelivered).toEqual({ numerator: 2, denominator: 6, rate: 0.3333 });
    // decided: all but o5 → 5; revoked: o4 → 1/5
    expect(total.revoked).toEqual({ numerator: 1, denominator: 5, rate: 0.2 });
    // appeals decided: o2 overturned, o3 upheld → 1/2
    expect(total.appealsGranted).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    expect(total.appealsFiled).toBe(2);
    expect(total.fines).toEqual({ count: 1, total: 3_000_000, currency: 'KRW' });
  });

  it('counts a case and its orders in the month of the report, in Seoul', () => {
    const [march, april] = statistics.byMonth;
    expect(statistics.byMonth.map((m) => m.month)).toEqual(['2026-03', '2026-04']);
    // March: c1, c2; o1, o2, o3, o7; report → order 3,600 and 10,800: p50 rank 1, p90 rank ceil(1.8) = 2
    expect(march).toMatchObject({ reports: 2, orders: 4, reportToOrder: { count: 2, p50Seconds: 3600, p90Seconds: 10_800 } });
    // settled o1, o2, o3, o7; in time o1, o7 → 2/4
    expect(march?.compliedInTime).toEqual({ numerator: 2, denominator: 4, rate: 0.5 });
    // April: c3 (filed 1 April in Seoul), c4; o4, o5
    expect(april).toMatchObject({ reports: 2, orders: 2, reportToOrder: { count: 1, p50Seconds: 7200, p90Seconds: 7200 } });
    expect(april?.undelivered).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    expect(april?.revoked).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });

  it('counts by category, with every category listed and no rate where nothing was measured', () => {
    const byCategory = Object.fromEntries(statistics.byCategory.map((c) => [c.category, c]));
    expect(byCategory.ILLEGAL_FILMING).toMatchObject({ reports: 1, orders: 2 });
    // c2, c3: o3, o7, o4, o5; settled o3, o7, o4; in time o7, o4
    expect(byCategory.SYNTHETIC_SEXUAL_IMAGERY).toMatchObject({ reports: 2, orders: 4, compliedInTime: { numerator: 2, denominator: 3 } });
    expect(byCategory.CHILD_SEXUAL_EXPLOITATION).toMatchObject({ reports: 1, orders: 0, compliedInTime: { rate: null } });
    expect(byCategory.NON_CONSENSUAL_DISTRIBUTION).toMatchObject({ reports: 0, orders: 0 });
  });

  it('gives each operator its compliance in time, overdue and undelivered orders, and fines', () => {
    expect(statistics.byOperator).toEqual([
      // op-a: o1 in time, o3 overdue, o5 undelivered → 1/2 settled in time
      {
        operatorId: 'op-a',
        orders: 3,
        compliedInTime: { numerator: 1, denominator: 2, rate: 0.5 },
        overdue: { numerator: 1, denominator: 2, rate: 0.5 },
        undelivered: { numerator: 1, denominator: 3, rate: 0.3333 },
        fines: { count: 1, total: 3_000_000, currency: 'KRW' },
      },
      // op-b: o2 late, o4 and o7 in time → 2/3; o7 was resent
      {
        operatorId: 'op-b',
        orders: 3,
        compliedInTime: { numerator: 2, denominator: 3, rate: 0.6667 },
        overdue: { numerator: 1, denominator: 3, rate: 0.3333 },
        undelivered: { numerator: 1, denominator: 3, rate: 0.3333 },
        fines: { count: 0, total: 0, currency: 'KRW' },
      },
    ]);
  });

  it('gives the year’s counts in the shape of KCSC’s annual report and eSafety’s s.183 counts', () => {
    expect(statistics.byYear).toEqual([
      {
        year: '2026',
        kcsc: {
          reportsReceived: 4,
          // URLs reported: 3 + 3 + 2 + 4
          itemsDeliberated: 12,
          // URLs ordered: o1 2, o2 1, o3 2, o7 1, o4 1, o5 1
          correctionRequests: 8,
          accessBlocking: 2,
          deletion: 6,
          // synthetic imagery (c2, c3): o3 2 + o7 1 + o4 1 + o5 1
          syntheticImagery: 5,
          objectionsFiled: 2,
          objectionsGranted: 1,
          // mean report → order 7,200 s = 0.0833 days
          averageHandlingDays: 0.08,
        },
        // DELETE: o1, o2, o7, o4, o5; BLOCK_ACCESS: o3; complied (in time or late): o1, o2, o7, o4; fined: o3
        esafety: { removalNoticesToHosts: 5, blockingNotices: 1, noticesComplied: 4, penalties: 1 },
      },
    ]);
  });
});

describe('the public aggregate', () => {
  // When
  const published = publicStatistics(computeStatistics(CASES, ORDERS, context), 'KRW');

  it('shows counts from 1 to 4 as "<5", and withholds rates and percentiles resting on fewer than five', () => {
    expect(published.total).toEqual({
      reports: '<5',
      orders: 6,
      // 3 and 4 delays measured: withheld
      reportToOrderP50Seconds: null,
      reportToOrderP90Seconds: null,
      orderToComplianceP50Seconds: null,
      orderToComplianceP90Seconds: null,
      // 3 of 5 settled orders: shown
      compliedInTimeRate: 0.6,
      overdue: '<5',
      undelivered: '<5',
      revocationRate: 0.2,
      appealsFiled: '<5',
      // 2 appeals decided: withheld
      appealGrantRate: null,
      fines: '<5',
      finesTotal: null,
    });
    expect(published.byCategory.find((c) => c.category === 'NON_CONSENSUAL_DISTRIBUTION')?.reports).toBe(0);
    expect(published.byYear[0]?.kcsc).toMatchObject({ reportsReceived: '<5', itemsDeliberated: 12, averageHandlingDays: null });
    expect(published.byYear[0]?.esafety).toEqual({
      removalNoticesToHosts: 5,
      blockingNotices: '<5',
      noticesComplied: '<5',
      penalties: '<5',
    });
  });

  it('names no operator and no case', () => {
    const text = JSON.stringify(published);
    for (const id of ['op-a', 'op-b', 'c1', 'o1', 'operatorId', 'caseId']) expect(text).not.toContain(id);
  });
});

describe('CSV', () => {
  it('quotes fields as RFC 4180 says, ends records in CRLF, and starts with a byte order mark', () => {
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines', 5, null, '위원회']])).toBe('\uFEFF"a,b","say ""hi""","two\nlines",5,,위원회\r\n');
  });

  it('has a header, a total row, then a row a month, a category and an operator', () => {
    const lines = statisticsCsv(computeStatistics(CASES, ORDERS, context))
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(0, -1).map((line) => line.split(','));
    const header = rows[0] ?? [];
    expect(header.slice(0, 4)).toEqual(['group', 'key', 'reports', 'orders']);
    expect(rows.map((row) => `${row[0]}:${row[1]}`)).toEqual([
      'group:key',
      'total:2026-03..2026-04',
      'month:2026-03',
      'month:2026-04',
      'category:ILLEGAL_FILMING',
      'category:SYNTHETIC_SEXUAL_IMAGERY',
      'category:CHILD_SEXUAL_EXPLOITATION',
      'category:NON_CONSENSUAL_DISTRIBUTION',
      'operator:op-a',
      'operator:op-b',
    ]);
    for (const row of rows) expect(row).toHaveLength(header.length);
    const total = Object.fromEntries(header.map((name, i) => [name, rows[1]?.[i]]));
    // p90 report → order 10,800 s = 3 h; p90 order → compliance 100,800 s = 28 h
    expect(total).toMatchObject({
      reports: '4',
      orders: '6',
      report_to_order_p90_hours: '3',
      order_to_compliance_p90_hours: '28',
      complied_in_time_rate: '0.6',
      fines_total: '3000000',
    });
  });
});

describe('a case blocked through ISPs', () => {
  // Given a March case with 3 URLs: 1 on a domestic host, 1 on an overseas host, 1 on a host no operator claims
  const cases = [aCase('c-isp', { category: 'ILLEGAL_FILMING', createdAt: '2026-03-05T00:00:00.000Z', urlCount: 3 })];
  const issued = { caseId: 'c-isp', issuedAt: '2026-03-05T01:00:00.000Z', decisionStatus: 'PENDING' } as const;
  const blocking = (isp: string): StatisticsOrder =>
    anOrder(`o-${isp}`, {
      ...issued,
      operatorId: isp,
      action: 'BLOCK_ACCESS',
      urlCount: 2,
      urlOwners: [null, 'op-overseas'],
      complianceStatus: 'COMPLIED',
      compliedAt: '2026-03-05T02:00:00.000Z',
    });
  // and its orders: a DELETE to the host, the same 2 URLs to block for each of three ISPs, a request to the overseas host
  const orders = [
    anOrder('o-host', { ...issued, operatorId: 'op-domestic', complianceStatus: 'ISSUED' }),
    ...['isp-kt', 'isp-skb', 'isp-lgu'].map(blocking),
    anOrder('o-request', { ...issued, operatorId: 'op-overseas', action: 'DELETE_REQUEST', complianceStatus: 'ISSUED' }),
  ];

  // When
  const statistics = computeStatistics(cases, orders, context);

  it('counts a blocked URL once, not once per ISP, and the request to the overseas host not at all', () => {
    // Then: blocked: the 2 URLs; deleted: 1; requested of the case: 2 + 1
    expect(statistics.byYear[0]?.kcsc).toMatchObject({ accessBlocking: 2, deletion: 1, correctionRequests: 3 });
    // Each ISP received a blocking notice of its own
    expect(statistics.byYear[0]?.esafety).toMatchObject({ removalNoticesToHosts: 1, blockingNotices: 3, noticesComplied: 3 });
  });

  it('lists the overseas host under no operator: its request is not a binding order', () => {
    expect(statistics.byOperator.map((row) => row.operatorId)).toEqual(['isp-kt', 'isp-lgu', 'isp-skb', 'op-domestic']);
    expect(statistics.total.orders).toBe(4);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  capPeriodOf,
  type FineFactors,
  type FineInputs,
  fineFactors,
  type Grade,
  recomputeFine,
  severityScore,
  periodCap,
  shareOf,
  standingPriorOrderIds,
  tierOf,
} from '../../../shared/domain/fines';
import { type FineLedger, fineLedgerDecider } from '../../../shared/domain/deciders/fine-ledger';
import { CATEGORIES, type DecisionStatus, type OrderAction } from '../../../shared/domain/model';
import { ctx } from './deciders/support';
import { builtInPolicies, type Policy, policyById, resolvePolicy } from '../../../shared/domain/policy';
import { policyVersionOf } from '../../../shared/domain/policy-version';
import { aFineAssessment } from '../../support/records';

const KR = policyById('kr-kcsc');

/** The fine of one order: the inputs `assessFines` stores, with the grades and lateness given. */
function computeFine(
  p: Pick<Policy, 'id' | 'fines'>,
  input: { revenue: number; currency: string; factors: FineFactors; lateHours: number; finedBefore?: number },
) {
  const inputs: FineInputs = {
    ...aFineAssessment(),
    policyId: p.id,
    schedule: p.fines,
    currency: input.currency,
    revenue: { amount: input.revenue, currency: input.currency, registeredAt: '2026-01-01T00:00:00.000Z' },
    grades: input.factors,
    lateHours: input.lateHours,
    period: { id: '2026', finedBefore: input.finedBefore ?? 0 },
  };
  return recomputeFine(inputs);
}
const BILLION = 1_000_000_000;

const grade = fc.constantFrom<Grade>(1, 2, 3);
const factors: fc.Arbitrary<FineFactors> = fc.record({
  gainObtained: grade,
  harmCaused: grade,
  harmRemedied: grade,
  profitMotive: grade,
  requestCount: grade,
  distributionScale: grade,
});
const revenue = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10 ** 13 }));
const policy = fc.oneof(
  fc.constantFrom(...Object.values(builtInPolicies)),
  fc
    .record({ minimumFine: fc.integer({ min: 0, max: 10 ** 9 }), lateSurchargeMaxHours: fc.integer({ min: 0, max: 500 }) })
    .map((fines) => resolvePolicy({ fines })),
);

describe('fineFactors', () => {
  it.each([
    ['CHILD_SEXUAL_EXPLOITATION', 'OVERDUE', 1, 0, 30, { harmCaused: 3, harmRemedied: 3, requestCount: 1, distributionScale: 1 }],
    ['SYNTHETIC_SEXUAL_IMAGERY', 'COMPLIED_LATE', 10, 1, 24, { harmCaused: 2, harmRemedied: 1, requestCount: 2, distributionScale: 2 }],
    ['ILLEGAL_FILMING', 'COMPLIED_LATE', 100, 3, 25, { harmCaused: 3, harmRemedied: 2, requestCount: 3, distributionScale: 3 }],
    ['NON_CONSENSUAL_DISTRIBUTION', 'COMPLIED_LATE', 99, 2, 1, { harmCaused: 3, harmRemedied: 1, requestCount: 2, distributionScale: 2 }],
  ] as const)('%s, %s, %d URLs, %d prior orders, %d h late', (category, compliance, urlCount, priorOrders, lateHours, expected) => {
    expect(fineFactors({ category, compliance, urlCount, priorOrders, lateHours })).toEqual({
      gainObtained: 2,
      profitMotive: 2,
      ...expected,
    });
  });

  it('takes the unobservable grades and the thresholds from the policy', () => {
    const custom = resolvePolicy({
      fines: { defaultGrades: { gainObtained: 3, profitMotive: 1 }, urlCountGrades: { grade2: 2, grade3: 5 } },
    });
    expect(
      fineFactors({ category: 'ILLEGAL_FILMING', compliance: 'OVERDUE', urlCount: 5, priorOrders: 0, lateHours: 1 }, custom),
    ).toMatchObject({
      gainObtained: 3,
      profitMotive: 1,
      distributionScale: 3,
    });
  });

  it('grades every category', () => {
    for (const category of CATEGORIES) {
      const f = fineFactors({ category, compliance: 'OVERDUE', urlCount: 1, priorOrders: 0, lateHours: 1 });
      expect([1, 2, 3]).toContain(f.harmCaused);
    }
  });
});

describe('severityScore and tierOf', () => {
  const all = (g: Grade): FineFactors => ({
    gainObtained: g,
    harmCaused: g,
    harmRemedied: g,
    profitMotive: g,
    requestCount: g,
    distributionScale: g,
  });

  it.each([
    [all(1), 1, 1],
    [all(2), 2, 2],
    [all(3), 3, 3],
    [{ ...all(2), harmCaused: 3, harmRemedied: 3, requestCount: 3, distributionScale: 3 } as FineFactors, 2.55, 3],
    [{ ...all(1), gainObtained: 3 } as FineFactors, 1.6, 1],
    [{ ...all(1), gainObtained: 3, distributionScale: 3 } as FineFactors, 1.7, 2],
  ])('%j scores %d, tier %d', (f, score, tier) => {
    expect(severityScore(KR.fines, f)).toBe(score);
    expect(tierOf(KR.fines, severityScore(KR.fines, f))).toBe(tier);
  });
});

describe('computeFine', () => {
  it('gives the base of the tier and the lateness surcharge', () => {
    const f = fineFactors({ category: 'SYNTHETIC_SEXUAL_IMAGERY', compliance: 'COMPLIED_LATE', urlCount: 1, priorOrders: 0, lateHours: 3 });
    expect(computeFine(KR, { revenue: 10 * BILLION, currency: 'KRW', factors: f, lateHours: 3 })).toEqual({
      amount: 23_000_000,
      currency: 'KRW',
      policyId: 'kr-kcsc',
      breakdown: [
        { item: 'Base fine, severity tier 1 of 3 (score 1.65): 0.2 % of revenue', amount: 20_000_000, code: 'BASE' },
        { item: 'Lateness surcharge: 3 h × 0.01 % of revenue', amount: 3_000_000, code: 'LATENESS' },
      ],
    });
  });

  it('reduces the fine to the statutory cap with a negative item', () => {
    const f = fineFactors({ category: 'CHILD_SEXUAL_EXPLOITATION', compliance: 'OVERDUE', urlCount: 120, priorOrders: 5, lateHours: 200 });
    const fine = computeFine(KR, { revenue: 10 * BILLION, currency: 'KRW', factors: f, lateHours: 200 });
    expect(fine.amount).toBe(300_000_000);
    expect(fine.breakdown).toEqual([
      { item: 'Base fine, severity tier 3 of 3 (score 2.55): 1.5 % of revenue', amount: 150_000_000, code: 'BASE' },
      { item: 'Lateness surcharge: 168 h × 0.01 % of revenue (counted up to 168 h)', amount: 168_000_000, code: 'LATENESS' },
      { item: 'Reduced to the statutory cap: 3 % of revenue', amount: -18_000_000, code: 'CAP' },
    ]);
  });

  it('raises a small fine to the minimum, but never above the cap', () => {
    const p = resolvePolicy({ fines: { minimumFine: 1_000_000 } });
    const f = fineFactors({ category: 'ILLEGAL_FILMING', compliance: 'COMPLIED_LATE', urlCount: 1, priorOrders: 0, lateHours: 1 });
    expect(computeFine(p, { revenue: 100_000_000, currency: 'KRW', factors: f, lateHours: 1 }).amount).toBe(1_000_000);
    expect(computeFine(p, { revenue: 1_000_000, currency: 'KRW', factors: f, lateHours: 1 }).amount).toBe(30_000);
    expect(computeFine(p, { revenue: 0, currency: 'KRW', factors: f, lateHours: 1 }).amount).toBe(0);
  });

  it('loses no unit to floating point (0.03 × 100 is 3)', () => {
    const p = resolvePolicy({ fines: { tierRates: { tier1: 0.03, tier2: 0.03, tier3: 0.03 } } });
    const f = fineFactors({ category: 'ILLEGAL_FILMING', compliance: 'OVERDUE', urlCount: 1, priorOrders: 0, lateHours: 0 });
    expect(computeFine(p, { revenue: 100, currency: 'KRW', factors: f, lateHours: 0 }).amount).toBe(3);
  });

  it.each([
    ['negative revenue', -1, 0],
    ['revenue that is not a number', Number.NaN, 0],
    ['negative lateness', 100, -1],
  ])('refuses %s', (_label, rev, late) => {
    expect(() =>
      computeFine(KR, {
        revenue: rev,
        currency: 'KRW',
        factors: fineFactors({ category: 'ILLEGAL_FILMING', compliance: 'OVERDUE', urlCount: 1, priorOrders: 0, lateHours: 1 }),
        lateHours: late,
      }),
    ).toThrow(RangeError);
  });

  it('is a whole amount, never above the cap, and its breakdown adds up to it exactly', () => {
    fc.assert(
      fc.property(policy, revenue, factors, fc.integer({ min: 0, max: 1000 }), (p, rev, f, hours) => {
        const fine = computeFine(p, { revenue: rev, currency: p.currency, factors: f, lateHours: hours });
        expect(Number.isInteger(fine.amount)).toBe(true);
        expect(fine.amount).toBeGreaterThanOrEqual(0);
        expect(fine.amount).toBeLessThanOrEqual(p.fines.capRate * rev * (1 + 1e-9));
        expect(fine.breakdown.reduce((sum: number, b: { amount: number }) => sum + b.amount, 0)).toBe(fine.amount);
        for (const b of fine.breakdown) expect(Number.isInteger(b.amount)).toBe(true);
        expect(fine).toMatchObject({ currency: p.currency, policyId: p.id });
      }),
    );
  });

  it('never falls when the operator is later', () => {
    fc.assert(
      fc.property(
        policy,
        revenue,
        factors,
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (p, rev, f, hours, more) => {
          const fine = (h: number) => computeFine(p, { revenue: rev, currency: 'KRW', factors: f, lateHours: h }).amount;
          expect(fine(hours + more)).toBeGreaterThanOrEqual(fine(hours));
        },
      ),
    );
  });

  it('never falls when a factor grade rises', () => {
    fc.assert(
      fc.property(revenue, factors, fc.constantFrom(...(Object.keys(KR.fines.weights) as (keyof FineFactors)[])), (rev, f, key) => {
        fc.pre(f[key] < 3);
        const worse = { ...f, [key]: (f[key] + 1) as Grade };
        const fine = (g: FineFactors) => computeFine(KR, { revenue: rev, currency: 'KRW', factors: g, lateHours: 5 }).amount;
        expect(fine(worse)).toBeGreaterThanOrEqual(fine(f));
      }),
    );
  });
});

describe('integer money (regressions from issue 11)', () => {
  it('charges exactly 100,000,000 KRW for one hour late on a revenue of 1,000,000,009,999 KRW', () => {
    // Given the Korean surcharge of 0.01 % of revenue per hour, and a revenue floating point rounds up
    const inputs = {
      ...aFineAssessment({ lateHours: 1 }),
      revenue: { amount: 1_000_000_009_999, currency: 'KRW', registeredAt: '2026-01-01T00:00:00.000Z' },
    };
    // When the fine is computed
    const fine = recomputeFine(inputs);
    // Then the surcharge is ⌊0.0001 × 1,000,000,009,999⌋, not one won more
    expect(fine.breakdown.find((line) => line.code === 'LATENESS')?.amount).toBe(100_000_000);
  });

  it('reads rates as the decimals the policy wrote, exponent notation included', () => {
    expect(shareOf(0.03, 100)).toBe(3);
    expect(shareOf(0.0001, 1_000_000_009_999)).toBe(100_000_000);
    expect(shareOf(1e-7, 10_000_000)).toBe(1);
    expect(shareOf(0.0001, 9_007_199_254_740_991, 168)).toBe(151_320_947_479_648);
  });

  it('places a breach in the calendar year of the policy time zone', () => {
    expect(capPeriodOf(KR, '2026-12-31T14:59:59.999Z')).toBe('2026');
    expect(capPeriodOf(KR, '2026-12-31T15:00:00.000Z')).toBe('2027');
    expect(capPeriodOf(resolvePolicy({ fines: { capPeriod: 'CALENDAR_MONTH' } }), '2026-03-31T15:00:00.000Z')).toBe('2026-04');
  });
});

describe('recomputeFine and the cap per period', () => {
  it('reduces a fine to the room left in its period, and says so', () => {
    // Given an operator whose period already holds 290,000,000 of its 300,000,000 cap
    const inputs = { ...aFineAssessment(), period: { id: '2026', finedBefore: 290_000_000 } };
    // When a further fine is computed
    const fine = recomputeFine(inputs);
    // Then it is the 10,000,000 left, with a line naming the period
    expect(fine.amount).toBe(10_000_000);
    expect(fine.breakdown.at(-1)).toMatchObject({ code: 'PERIOD_CAP', item: expect.stringContaining('2026') });
    expect(fine.breakdown.reduce((sum, b) => sum + b.amount, 0)).toBe(10_000_000);
  });

  it('is 0 once the period is full', () => {
    expect(recomputeFine({ ...aFineAssessment(), period: { id: '2026', finedBefore: 300_000_000 } }).amount).toBe(0);
  });

  it('fines an overseas operator in the policy currency, converting its revenue at the policy rate', () => {
    const operator = { annualRevenue: 1_000_000_000, currency: 'USD', updatedAt: '2026-01-01T00:00:00.000Z' };
    const kr = policyById('kr-kcsc');
    const withRate = resolvePolicy({ fines: { exchangeRates: { USD: 14 } } });
    const inputs = aFineAssessment({ operator, policy: withRate, policyVersion: policyVersionOf(withRate) });
    expect(inputs.currency).toBe('KRW');
    expect(inputs.revenue).toMatchObject({ amount: 1_000_000_000, currency: 'USD', exchangeRate: 14 });
    expect(recomputeFine(inputs).currency).toBe('KRW');
    expect(recomputeFine(inputs).breakdown[0]?.amount).toBe(shareOf(kr.fines.tierRates.tier2, 14_000_000_000));
    // Without a rate the fine stays in the revenue's currency: the case still closes
    const unconverted = aFineAssessment({ operator });
    expect(unconverted.currency).toBe('USD');
    expect(unconverted.revenue.exchangeRate).toBeUndefined();
    expect(recomputeFine(unconverted).breakdown[0]?.amount).toBe(shareOf(kr.fines.tierRates.tier2, 1_000_000_000));
    const own = resolvePolicy({ fines: { chargeIn: 'OPERATOR_CURRENCY' } });
    expect(aFineAssessment({ operator, policy: own }).currency).toBe('USD');
  });

  it('counts as prior offences only earlier binding orders that stood', () => {
    const order = { orderId: 'O-now', issuedAt: '2026-03-02T00:00:00.000Z' };
    const earlier = (orderId: string, decisionStatus: DecisionStatus, action: OrderAction = 'DELETE') => ({
      orderId,
      issuedAt: '2026-02-01T00:00:00.000Z',
      action,
      decisionStatus,
    });
    const orders = [
      earlier('O-confirmed', 'CONFIRMED'),
      earlier('O-revoked', 'REVOKED'),
      earlier('O-overturned', 'OVERTURNED'),
      earlier('O-upheld', 'UPHELD', 'BLOCK_ACCESS'),
      { ...earlier('O-later', 'CONFIRMED'), issuedAt: '2026-04-01T00:00:00.000Z' },
      { ...order, action: 'DELETE' as const, decisionStatus: 'CONFIRMED' as const },
    ];
    expect(standingPriorOrderIds(order, orders)).toEqual(['O-confirmed', 'O-upheld']);
  });

  it('keeps 50 late orders of one operator in one year within 3 % of its revenue, not 150 %', () => {
    // Given 50 late orders of one operator (revenue 10 billion KRW, cap 300,000,000), each worth most of the cap
    const late = aFineAssessment({ lateHours: 200, order: { category: 'CHILD_SEXUAL_EXPLOITATION', urlCount: 120 } });
    const cap = periodCap(late);
    // When each takes its room in the operator's ledger and is computed from what the ledger held before it
    const amounts = reserveAll(Array.from({ length: 50 }, () => late));
    // Then the first is fined in full, the second gets what is left, the rest nothing: the year's sum is the cap
    const alone = recomputeFine(late).amount;
    expect(alone).toBe(228_000_000);
    expect(amounts.slice(0, 2)).toEqual([alone, cap - alone]);
    expect(amounts.slice(2).every((amount) => amount === 0)).toBe(true);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(cap);
    expect(cap).toBe(300_000_000);
  });

  it('never lets an operator’s fines of one period add up to more than the cap, and each recomputes to its amount', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ factors, hours: fc.integer({ min: 0, max: 400 }) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 10 ** 13 }),
        (fines, revenueAmount) => {
          const revenueSnapshot = { amount: revenueAmount, currency: 'KRW', registeredAt: '2026-01-01T00:00:00.000Z' };
          const all = fines.map(({ factors: grades, hours }) => ({
            ...aFineAssessment({ lateHours: hours }),
            grades,
            revenue: revenueSnapshot,
          }));
          const amounts = reserveAll(all);
          expect(amounts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(shareOf(KR.fines.capRate, revenueAmount));
        },
      ),
    );
  });
});

/**
 * Reserves each fine's room in one operator's ledger, in turn, as `assessFines` does, and answers
 * the amounts the stored inputs recompute to (checking they are what the ledger granted).
 */
function reserveAll(all: readonly FineInputs[]): number[] {
  let ledger: FineLedger | undefined;
  return all.map((inputs, index) => {
    const orderId = `O-${index}`;
    const decision = fineLedgerDecider.decide(
      {
        type: 'RESERVE',
        operatorId: 'op-webhard',
        period: inputs.period.id,
        currency: inputs.currency,
        orderId,
        requested: recomputeFine(inputs).amount,
        cap: periodCap(inputs),
      },
      ledger,
      ctx('2026-03-10T00:00:00.000Z'),
    );
    if (decision === null) throw new Error('a new order always takes room');
    ledger = fineLedgerDecider.evolve(ledger, decision.event);
    const room = ledger.fines[orderId];
    if (room === undefined) throw new Error('the ledger holds the order');
    const amount = recomputeFine({ ...inputs, period: { id: inputs.period.id, finedBefore: room.finedBefore } }).amount;
    expect(amount).toBe(room.amount);
    return amount;
  });
}

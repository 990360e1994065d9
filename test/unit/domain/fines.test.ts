import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFine, fineFactors, severityScore, tierOf, type FineFactors, type Grade } from '../../../shared/domain/fines';
import { CATEGORIES } from '../../../shared/domain/model';
import { builtInPolicies, policyById, resolvePolicy } from '../../../shared/domain/policy';

const KR = policyById('kr-kcsc');
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
        { item: 'Base fine, severity tier 1 of 3 (score 1.65): 0.2 % of revenue', amount: 20_000_000 },
        { item: 'Lateness surcharge: 3 h × 0.01 % of revenue', amount: 3_000_000 },
      ],
    });
  });

  it('reduces the fine to the statutory cap with a negative item', () => {
    const f = fineFactors({ category: 'CHILD_SEXUAL_EXPLOITATION', compliance: 'OVERDUE', urlCount: 120, priorOrders: 5, lateHours: 200 });
    const fine = computeFine(KR, { revenue: 10 * BILLION, currency: 'KRW', factors: f, lateHours: 200 });
    expect(fine.amount).toBe(300_000_000);
    expect(fine.breakdown).toEqual([
      { item: 'Base fine, severity tier 3 of 3 (score 2.55): 1.5 % of revenue', amount: 150_000_000 },
      { item: 'Lateness surcharge: 168 h × 0.01 % of revenue (counted up to 168 h)', amount: 168_000_000 },
      { item: 'Reduced to the statutory cap: 3 % of revenue', amount: -18_000_000 },
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
        expect(fine.breakdown.reduce((sum, b) => sum + b.amount, 0)).toBe(fine.amount);
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

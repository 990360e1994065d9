/**
 * The fine for a missed deadline (docs/fines.md). Korean model: six factors graded 1 (low) to 3
 * (high) and weighted give a severity score; the score picks a tier; the tier's rate of the
 * operator's relevant revenue is the base; each hour late adds a surcharge up to a number of
 * hours; the total never exceeds the statutory cap (3 % of revenue). Every rate is a policy value.
 * Pure.
 */
import type { Category, Fine } from './model';
import { assertNever } from './model';
import type { FineFactor, FineSchedule, Policy } from './policy';
import { DEFAULT_POLICY_ID, FINE_FACTORS, policyById } from './policy';

export type Grade = 1 | 2 | 3;
export type FineFactors = Record<FineFactor, Grade>;
export type Tier = 1 | 2 | 3;

export interface FineFactorInput {
  category: Category;
  compliance: 'OVERDUE' | 'COMPLIED_LATE';
  /** URLs of the order. */
  urlCount: number;
  /** Earlier orders issued to the same operator. */
  priorOrders: number;
  lateHours: number;
}

function gradeFor(count: number, thresholds: { grade2: number; grade3: number }): Grade {
  if (count >= thresholds.grade3) return 3;
  if (count >= thresholds.grade2) return 2;
  return 1;
}

/**
 * Grades from what the system knows. What the operator gained and whether it sought profit are
 * not observable here: they take the policy's default grades, which staff may revise outside the
 * system.
 */
export function fineFactors(input: FineFactorInput, policy: Pick<Policy, 'fines'> = policyById(DEFAULT_POLICY_ID)): FineFactors {
  const f = policy.fines;
  let harmRemedied: Grade;
  switch (input.compliance) {
    case 'COMPLIED_LATE':
      harmRemedied = input.lateHours <= f.remediedPromptlyHours ? 1 : 2;
      break;
    case 'OVERDUE':
      harmRemedied = 3;
      break;
    default:
      return assertNever(input.compliance, 'compliance');
  }
  return {
    gainObtained: f.defaultGrades.gainObtained,
    harmCaused: f.harmByCategory[input.category],
    harmRemedied,
    profitMotive: f.defaultGrades.profitMotive,
    requestCount: gradeFor(input.priorOrders, f.priorOrderGrades),
    distributionScale: gradeFor(input.urlCount, f.urlCountGrades),
  };
}

/** Weighted score between 1 and 3, rounded to 4 decimals so that 2.4 is 2.4 and not 2.3999999. */
export function severityScore(fines: FineSchedule, factors: FineFactors): number {
  const score = FINE_FACTORS.reduce((sum, factor) => sum + fines.weights[factor] * factors[factor], 0);
  return Math.round(score * 10_000) / 10_000;
}

export function tierOf(fines: FineSchedule, score: number): Tier {
  if (score >= fines.tierThresholds.tier3) return 3;
  if (score >= fines.tierThresholds.tier2) return 2;
  return 1;
}

/**
 * Whole currency units of `rate × revenue`, rounded down. The relative nudge keeps a product
 * such as 0.03 × 100 = 2.9999999999999996 from losing a unit; it is monotone, so fines still
 * never fall when their inputs grow.
 */
function money(amount: number): number {
  return Math.floor(amount * (1 + 1e-12));
}

function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(4))} %`;
}

export interface FineInput {
  /** The operator's relevant annual revenue, in whole units of `currency`. */
  revenue: number;
  currency: string;
  factors: FineFactors;
  lateHours: number;
}

export function computeFine(policy: Pick<Policy, 'id' | 'fines'>, input: FineInput): Fine {
  const { revenue, lateHours } = input;
  if (!Number.isFinite(revenue) || revenue < 0) throw new RangeError(`revenue must be a non-negative number, got ${revenue}`);
  if (!Number.isFinite(lateHours) || lateHours < 0) throw new RangeError(`lateHours must be a non-negative number, got ${lateHours}`);
  const f = policy.fines;
  const cap = money(f.capRate * revenue);
  const score = severityScore(f, input.factors);
  const tier = tierOf(f, score);
  const tierRate = f.tierRates[`tier${tier}` as const];

  const breakdown: Fine['breakdown'] = [
    {
      item: `Base fine, severity tier ${tier} of 3 (score ${score}): ${percent(tierRate)} of revenue`,
      amount: money(tierRate * revenue),
    },
  ];
  if (lateHours > 0) {
    const hours = Math.min(Math.ceil(lateHours), f.lateSurchargeMaxHours);
    const limit = hours < Math.ceil(lateHours) ? ` (counted up to ${f.lateSurchargeMaxHours} h)` : '';
    breakdown.push({
      item: `Lateness surcharge: ${hours} h × ${percent(f.lateSurchargeRatePerHour)} of revenue${limit}`,
      amount: money(f.lateSurchargeRatePerHour * hours * revenue),
    });
  }
  let total = breakdown.reduce((sum, b) => sum + b.amount, 0);
  const minimum = Math.min(f.minimumFine ?? 0, cap);
  if (total < minimum) {
    breakdown.push({ item: 'Raised to the minimum fine', amount: minimum - total });
    total = minimum;
  }
  if (total > cap) {
    breakdown.push({ item: `Reduced to the statutory cap: ${percent(f.capRate)} of revenue`, amount: cap - total });
    total = cap;
  }
  return { amount: total, currency: input.currency, policyId: policy.id, breakdown };
}

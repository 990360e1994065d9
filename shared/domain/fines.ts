/**
 * The fine for a missed deadline (docs/fines.md). Korean model: six factors graded 1 (low) to 3
 * (high) and weighted give a severity score; the score picks a tier; the tier's rate of the
 * operator's relevant revenue is the base; each hour late adds a surcharge up to a number of
 * hours; the operator's fines of one policy period together never exceed the statutory cap (3 %
 * of revenue). Every rate is a policy value. Pure.
 *
 * Money, stated once: amounts are integers in the currency's minor unit (KRW has none). Each
 * breakdown line is `⌊rate × revenue⌋` (times whole hours for the surcharge), computed exactly in
 * bigint from the decimal the policy wrote (0.0001 is 1/10,000, not the double nearest it), so
 * rounding happens once per line and always down; totals are exact sums of lines. Revenue and
 * every amount are at most Number.MAX_SAFE_INTEGER, so JSON numbers carry them exactly.
 */
import { dateTimeFormat, YEAR_MONTH } from './formatters';
import type { Category, Fine, FineBreakdownLine, OrderRecord } from './model';
import { assertNever } from './model';
import { isBindingOrder, isLifted } from './orders';
import type { FineFactor, FineSchedule, Policy } from './policy';
import { DEFAULT_POLICY_ID, FINE_FACTORS, policyById } from './policy';

export type Grade = 1 | 2 | 3;
export type FineFactors = Record<FineFactor, Grade>;
export type Tier = 1 | 2 | 3;
export type LateCompliance = 'OVERDUE' | 'COMPLIED_LATE';

export interface FineFactorInput {
  category: Category;
  compliance: LateCompliance;
  /** URLs of the order. */
  urlCount: number;
  /** Earlier orders issued to the same operator that stood (neither revoked nor overturned). */
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

/** The decimal a rate was written as, as an exact ratio of integers (`1e-7` included). */
function exactRatio(rate: number): { numerator: bigint; denominator: bigint } {
  const [mantissa = '0', exponentText = '0'] = String(rate).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const scale = fraction.length - Number(exponentText);
  const digits = BigInt(whole + fraction);
  return scale >= 0
    ? { numerator: digits, denominator: 10n ** BigInt(scale) }
    : { numerator: digits * 10n ** BigInt(-scale), denominator: 1n };
}

/** ⌊rate × times × amount⌋, exactly: the one rounding rule of every fine. */
export function shareOf(rate: number, amount: number, times = 1): number {
  const { numerator, denominator } = exactRatio(rate);
  return Number((numerator * BigInt(times) * BigInt(amount)) / denominator);
}

function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(4))} %`;
}

/** The cap period (policy `fines.capPeriod`) a moment falls in, read in the policy's time zone: `2026` or `2026-03`. */
export function capPeriodOf(policy: Pick<Policy, 'timeZone' | 'fines'>, at: string): string {
  const parts = dateTimeFormat('en-CA', policy.timeZone, YEAR_MONTH).formatToParts(new Date(at));
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  const month = parts.find((p) => p.type === 'month')?.value ?? '';
  switch (policy.fines.capPeriod) {
    case 'CALENDAR_YEAR':
      return year;
    case 'CALENDAR_MONTH':
      return `${year}-${month}`;
    default:
      return assertNever(policy.fines.capPeriod, 'cap period');
  }
}

/**
 * Everything a fine was computed from, kept on the fine so that anyone can compute it again to
 * the unit with `recomputeFine`, whatever the policy or the registry says later.
 */
export interface FineInputs {
  policyId: string;
  /** `policyVersionOf` the policy applied: the document's hash. */
  policyVersion: string;
  /** The policy's fine schedule as it was applied. */
  schedule: FineSchedule;
  /** The fine's currency. */
  currency: string;
  /**
   * The operator's relevant revenue as registered when the fine was computed, in minor units of
   * its own currency; `exchangeRate` (minor units of the fine's currency per minor unit of the
   * revenue's, from the policy) when the two differ.
   */
  revenue: { amount: number; currency: string; registeredAt: string; exchangeRate?: number };
  category: Category;
  compliance: LateCompliance;
  urlCount: number;
  /** The operator's earlier orders that stood, counted for the `requestCount` grade. */
  priorOrderIds: string[];
  /** Hours started after the deadline (one millisecond late is one hour). */
  lateHours: number;
  grades: FineFactors;
  /** The cap period and what the operator's fines of that period already added up to before this one. */
  period: { id: string; finedBefore: number };
}

/** The revenue the rates apply to, in minor units of the fine's currency. */
export function revenueInFineCurrency(inputs: Pick<FineInputs, 'revenue' | 'currency'>): number {
  const { amount, currency, exchangeRate } = inputs.revenue;
  if (currency === inputs.currency) return amount;
  if (exchangeRate === undefined) {
    throw new RangeError(
      `The revenue is in ${currency} and the fine in ${inputs.currency}: the policy needs fines.exchangeRates.${currency}.`,
    );
  }
  return shareOf(exchangeRate, amount);
}

/** The statutory cap of one period: ⌊capRate × revenue⌋. */
export function periodCap(inputs: Pick<FineInputs, 'revenue' | 'currency' | 'schedule'>): number {
  return shareOf(inputs.schedule.capRate, revenueInFineCurrency(inputs));
}

function line(code: FineBreakdownLine['code'], item: string, amount: number): FineBreakdownLine {
  return { item, amount, code };
}

/** The fine the inputs give, with a breakdown whose lines add up exactly to `amount`. */
export function recomputeFine(inputs: FineInputs): Pick<Fine, 'amount' | 'currency' | 'policyId' | 'breakdown'> {
  const f = inputs.schedule;
  const { lateHours, period } = inputs;
  for (const [name, value] of [
    ['revenue', inputs.revenue.amount],
    ['lateHours', lateHours],
    ['period.finedBefore', period.finedBefore],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number from 0, got ${value}`);
  }
  const revenue = revenueInFineCurrency(inputs);
  const cap = shareOf(f.capRate, revenue);
  const score = severityScore(f, inputs.grades);
  const tier = tierOf(f, score);
  const tierRate = f.tierRates[`tier${tier}` as const];

  const breakdown: FineBreakdownLine[] = [
    line('BASE', `Base fine, severity tier ${tier} of 3 (score ${score}): ${percent(tierRate)} of revenue`, shareOf(tierRate, revenue)),
  ];
  if (lateHours > 0) {
    const hours = Math.min(lateHours, f.lateSurchargeMaxHours);
    const limit = hours < lateHours ? ` (counted up to ${f.lateSurchargeMaxHours} h)` : '';
    breakdown.push(
      line(
        'LATENESS',
        `Lateness surcharge: ${hours} h × ${percent(f.lateSurchargeRatePerHour)} of revenue${limit}`,
        shareOf(f.lateSurchargeRatePerHour, revenue, hours),
      ),
    );
  }
  let total = breakdown.reduce((sum, b) => sum + b.amount, 0);
  const minimum = Math.min(f.minimumFine ?? 0, cap);
  if (total < minimum) {
    breakdown.push(line('MINIMUM', 'Raised to the minimum fine', minimum - total));
    total = minimum;
  }
  const room = Math.max(0, cap - period.finedBefore);
  if (total > room) {
    const item =
      period.finedBefore === 0
        ? `Reduced to the statutory cap: ${percent(f.capRate)} of revenue`
        : `Reduced to the room left under the statutory cap for ${period.id} (${percent(f.capRate)} of revenue, ${period.finedBefore} ${inputs.currency} already fined in the period)`;
    breakdown.push(line(period.finedBefore === 0 ? 'CAP' : 'PERIOD_CAP', item, room - total));
    total = room;
  }
  return { amount: total, currency: inputs.currency, policyId: inputs.policyId, breakdown };
}

export interface FineAssessment {
  policy: Pick<Policy, 'id' | 'currency' | 'timeZone' | 'fines'>;
  policyVersion: string;
  order: { category: Category; urlCount: number };
  compliance: LateCompliance;
  /** The deadline the operator missed: it places the fine in its cap period. */
  missedDeadlineAt: string;
  lateHours: number;
  operator: { annualRevenue: number; currency: string; updatedAt: string };
  priorOrderIds: string[];
}

/**
 * The inputs of a fine before it takes its room in the cap period (`period.finedBefore` is 0
 * until the operator's ledger says what the period already holds). The fine is in the policy's
 * currency unless the policy charges in the operator's or has no exchange rate for the revenue's.
 */
export function fineInputsFor(assessment: FineAssessment): FineInputs {
  const { policy, operator, order, compliance, lateHours } = assessment;
  // Without a rate for the revenue's currency the fine stays in that currency rather than failing
  // the whole case's closing: a missing rate is a gap in the policy, not the operator's doing.
  const convertible = Object.hasOwn(policy.fines.exchangeRates, operator.currency);
  const currency = policy.fines.chargeIn === 'OPERATOR_CURRENCY' || !convertible ? operator.currency : policy.currency;
  const exchangeRate = operator.currency === currency ? undefined : policy.fines.exchangeRates[operator.currency];
  const grades = fineFactors(
    { category: order.category, compliance, urlCount: order.urlCount, priorOrders: assessment.priorOrderIds.length, lateHours },
    policy,
  );
  return {
    policyId: policy.id,
    policyVersion: assessment.policyVersion,
    schedule: policy.fines,
    currency,
    revenue: {
      amount: operator.annualRevenue,
      currency: operator.currency,
      registeredAt: operator.updatedAt,
      ...(exchangeRate === undefined ? {} : { exchangeRate }),
    },
    category: order.category,
    compliance,
    urlCount: order.urlCount,
    priorOrderIds: [...assessment.priorOrderIds].sort(),
    lateHours,
    grades,
    period: { id: capPeriodOf(policy, assessment.missedDeadlineAt), finedBefore: 0 },
  };
}

/**
 * The operator's earlier binding orders that stood: a revoked or overturned order was no offence,
 * and a request the operator could decline was no order.
 */
export function standingPriorOrderIds(
  order: Pick<OrderRecord, 'orderId' | 'issuedAt'>,
  operatorOrders: readonly Pick<OrderRecord, 'orderId' | 'issuedAt' | 'action' | 'decisionStatus'>[],
): string[] {
  return operatorOrders
    .filter((other) => other.orderId !== order.orderId && other.issuedAt < order.issuedAt && !isLifted(other) && isBindingOrder(other))
    .map((other) => other.orderId);
}

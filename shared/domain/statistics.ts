/**
 * Transparency statistics (issue 10, item 6): how fast orders follow reports and compliance follows
 * orders, how often operators comply in time, and what the committee and appeals decide, by month,
 * by category and by operator; the yearly counts in the shape a regulator publishes (KCSC's annual
 * report, eSafety's s.183 counts); and the public aggregate, with small counts suppressed.
 * Pure: the service reads the records, these functions count them. docs/statistics.md says what
 * each figure means and which of the regulators' rows we cannot produce.
 */
import { z } from 'zod';
import { dateTimeFormat, YEAR_MONTH } from './formatters';
import type { CaseRecord, Category, OrderRecord } from './model';
import { CATEGORIES } from './model';
import { isBindingOrder } from './orders';
import type { ReferralRecord } from './referrals';

// ------------------------------------------------------------------------------ months and ranges

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM, such as 2026-03');

/** The longest range one request may ask for: ten years of months. */
export const MAX_MONTHS = 120;

export interface MonthRange {
  readonly from: string;
  readonly to: string;
}

const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthAt = (index: number): string => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/** The months from `from` to `to`, both included. */
export function monthsOf(range: MonthRange): string[] {
  const months: string[] = [];
  for (let index = monthIndex(range.from); index <= monthIndex(range.to); index += 1) months.push(monthAt(index));
  return months;
}

/** `YYYY-MM` of an instant, in the policy's time zone (a report filed at 23:30 UTC on 31 March is April's in Seoul). */
export function monthOf(at: string, timeZone: string): string {
  const parts = dateTimeFormat('en-CA', timeZone, YEAR_MONTH).formatToParts(new Date(at));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

/**
 * The query of a statistics request: `from` and `to` (YYYY-MM, in the policy's time zone), each
 * optional: `to` defaults to the current month, `from` to eleven months before `to`; at most
 * `MAX_MONTHS` months, `from` not after `to`.
 */
export function rangeQuerySchema(now: string, timeZone: string) {
  return z
    .object({ from: monthSchema.optional(), to: monthSchema.optional() })
    .transform(({ from, to }): MonthRange => {
      const last = to ?? monthOf(now, timeZone);
      return { from: from ?? monthAt(monthIndex(last) - 11), to: last };
    })
    .refine((range) => range.from <= range.to, { message: 'from must not be after to (or after this month, without to)', path: ['from'] })
    .refine((range) => monthIndex(range.to) - monthIndex(range.from) < MAX_MONTHS, {
      message: `at most ${MAX_MONTHS} months at a time`,
      path: ['from'],
    });
}

// ------------------------------------------------------------------------------ figures

/** A share with what it is a share of, so a reader can judge a rate of 1 out of 1. `rate` is null when nothing is counted. */
export interface Rate {
  readonly numerator: number;
  readonly denominator: number;
  readonly rate: number | null;
}

export function rateOf(numerator: number, denominator: number): Rate {
  return { numerator, denominator, rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000 };
}

/**
 * The nearest-rank percentile (the smallest value with at least p % of the values at or below it):
 * always one of the observed values, so a published "p90 of 3 h" is a delay that really happened.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export interface Durations {
  readonly count: number;
  readonly p50Seconds: number | null;
  readonly p90Seconds: number | null;
  readonly meanSeconds: number | null;
}

export function durationsOf(seconds: readonly number[]): Durations {
  const sum = seconds.reduce((total, value) => total + value, 0);
  return {
    count: seconds.length,
    p50Seconds: percentile(seconds, 50),
    p90Seconds: percentile(seconds, 90),
    meanSeconds: seconds.length === 0 ? null : Math.round(sum / seconds.length),
  };
}

const secondsBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

export type StatisticsCase = Pick<CaseRecord, 'caseId' | 'category' | 'createdAt' | 'urlCount' | 'ordersIssuedAt'> &
  Partial<Pick<CaseRecord, 'reporter'>>;
export type StatisticsOrder = Pick<
  OrderRecord,
  | 'orderId'
  | 'caseId'
  | 'operatorId'
  | 'action'
  | 'urlCount'
  | 'issuedAt'
  | 'compliedAt'
  | 'complianceStatus'
  | 'decisionStatus'
  | 'resends'
  | 'fine'
  | 'urlOwners'
>;

/** The figures of one group of cases (all, a month, a category) and their orders. */
export interface Figures {
  readonly reports: number;
  readonly orders: number;
  /** Per case: from the report being filed to its orders being issued. */
  readonly reportToOrder: Durations;
  /** Per order: from its issue to the operator's compliance report (on time or late). */
  readonly orderToCompliance: Durations;
  /** Complied before the deadline, of the orders whose compliance track has ended (complied, late, overdue). */
  readonly compliedInTime: Rate;
  /** Missed the deadline (overdue, or complied late), of the same orders. */
  readonly overdue: Rate;
  /** Whose notice did not reach the operator (now, or until staff resent it), of all orders. */
  readonly undelivered: Rate;
  /** Revoked by the committee, of the orders it decided (post-review or prior review). */
  readonly revoked: Rate;
  /** Overturned, of the appeals decided. */
  readonly appealsGranted: Rate;
  readonly appealsFiled: number;
  /** Fines on the orders, in the policy's currency (the current amount, whatever stage its procedure is at). */
  readonly fines: { readonly count: number; readonly total: number; readonly currency: string };
}

const SETTLED = new Set(['COMPLIED', 'COMPLIED_LATE', 'OVERDUE']);
const LATE = new Set(['COMPLIED_LATE', 'OVERDUE']);
const APPEALS_DECIDED = new Set(['UPHELD', 'OVERTURNED']);
const APPEALED = new Set(['APPEALED', 'UPHELD', 'OVERTURNED']);

export function figuresOf(cases: readonly StatisticsCase[], orders: readonly StatisticsOrder[], currency: string): Figures {
  const count = (predicate: (order: StatisticsOrder) => boolean): number => orders.filter(predicate).length;
  const settled = count((o) => SETTLED.has(o.complianceStatus));
  const decided = count((o) => o.decisionStatus !== 'PENDING');
  const appealsDecided = count((o) => APPEALS_DECIDED.has(o.decisionStatus));
  const fined = orders.flatMap((o) => (o.fine && o.fine.currency === currency ? [o.fine.amount] : []));
  return {
    reports: cases.length,
    orders: orders.length,
    reportToOrder: durationsOf(cases.flatMap((c) => (c.ordersIssuedAt ? [secondsBetween(c.createdAt, c.ordersIssuedAt)] : []))),
    orderToCompliance: durationsOf(orders.flatMap((o) => (o.compliedAt ? [secondsBetween(o.issuedAt, o.compliedAt)] : []))),
    compliedInTime: rateOf(
      count((o) => o.complianceStatus === 'COMPLIED'),
      settled,
    ),
    overdue: rateOf(
      count((o) => LATE.has(o.complianceStatus)),
      settled,
    ),
    undelivered: rateOf(
      count((o) => o.complianceStatus === 'UNDELIVERED' || (o.resends ?? 0) > 0),
      orders.length,
    ),
    // An overturned order was confirmed first: it counts as a confirmation here and as a granted appeal below.
    revoked: rateOf(
      count((o) => o.decisionStatus === 'REVOKED'),
      decided,
    ),
    appealsGranted: rateOf(
      count((o) => o.decisionStatus === 'OVERTURNED'),
      appealsDecided,
    ),
    appealsFiled: count((o) => APPEALED.has(o.decisionStatus)),
    fines: { count: fined.length, total: fined.reduce((total, amount) => total + amount, 0), currency },
  };
}

export interface OperatorFigures {
  readonly operatorId: string;
  readonly orders: number;
  readonly compliedInTime: Rate;
  readonly overdue: Rate;
  readonly undelivered: Rate;
  readonly fines: Figures['fines'];
}

// ------------------------------------------------------------------------------ yearly counts

/**
 * The rows of KCSC's annual report that our records can give (docs/statistics.md): items are URLs,
 * as KCSC counts items deliberated and corrected, per year of the report.
 */
export interface KcscYear {
  readonly reportsReceived: number;
  readonly itemsDeliberated: number;
  readonly correctionRequests: number;
  readonly accessBlocking: number;
  readonly deletion: number;
  readonly syntheticImagery: number;
  readonly objectionsFiled: number;
  readonly objectionsGranted: number;
  readonly averageHandlingDays: number | null;
}

/** The counts eSafety's annual report gives under s.183(2) of the Online Safety Act, as far as our orders map onto them. */
export interface EsafetyYear {
  /** s.79-style removal notices to hosting services (our DELETE orders). */
  readonly removalNoticesToHosts: number;
  /** Blocking orders to access providers (our BLOCK_ACCESS orders). */
  readonly blockingNotices: number;
  readonly noticesComplied: number;
  /** Fines (the nearest of our acts to an infringement notice, s.163). */
  readonly penalties: number;
}

export interface YearCounts {
  readonly year: string;
  readonly kcsc: KcscYear;
  readonly esafety: EsafetyYear;
}

const SECONDS_PER_DAY = 86_400;

/**
 * The URLs the orders list, each counted once: every ISP's BLOCK_ACCESS order of a case lists the
 * same URLs (those of its `urlOwners`), and KCSC counts a URL blocked, not a URL per provider.
 */
function distinctUrlCount(orders: readonly StatisticsOrder[]): number {
  const counted = new Set<string>();
  let total = 0;
  for (const order of orders) {
    const listing = order.urlOwners === undefined ? `${order.orderId}` : `${order.caseId} ${JSON.stringify(order.urlOwners)}`;
    if (counted.has(listing)) continue;
    counted.add(listing);
    total += order.urlCount;
  }
  return total;
}

function yearCounts(year: string, cases: readonly StatisticsCase[], orders: readonly StatisticsOrder[]): YearCounts {
  const urlsOf = (predicate: (order: StatisticsOrder) => boolean): number => distinctUrlCount(orders.filter(predicate));
  const categoryOf = new Map(cases.map((c) => [c.caseId, c.category]));
  const { meanSeconds } = durationsOf(cases.flatMap((c) => (c.ordersIssuedAt ? [secondsBetween(c.createdAt, c.ordersIssuedAt)] : [])));
  return {
    year,
    kcsc: {
      reportsReceived: cases.length,
      itemsDeliberated: cases.reduce((total, c) => total + c.urlCount, 0),
      correctionRequests: urlsOf(() => true),
      accessBlocking: urlsOf((o) => o.action === 'BLOCK_ACCESS'),
      deletion: urlsOf((o) => o.action === 'DELETE'),
      syntheticImagery: urlsOf((o) => categoryOf.get(o.caseId) === 'SYNTHETIC_SEXUAL_IMAGERY'),
      objectionsFiled: orders.filter((o) => APPEALED.has(o.decisionStatus)).length,
      objectionsGranted: orders.filter((o) => o.decisionStatus === 'OVERTURNED').length,
      averageHandlingDays: meanSeconds === null ? null : Math.round((meanSeconds / SECONDS_PER_DAY) * 100) / 100,
    },
    esafety: {
      removalNoticesToHosts: orders.filter((o) => o.action === 'DELETE').length,
      blockingNotices: orders.filter((o) => o.action === 'BLOCK_ACCESS').length,
      noticesComplied: orders.filter((o) => o.complianceStatus === 'COMPLIED' || o.complianceStatus === 'COMPLIED_LATE').length,
      penalties: orders.filter((o) => o.fine !== undefined).length,
    },
  };
}

// ------------------------------------------------------------------------------ the whole answer

export interface Statistics {
  readonly range: MonthRange;
  readonly timeZone: string;
  readonly total: Figures;
  readonly byMonth: readonly (Figures & { readonly month: string })[];
  readonly byCategory: readonly (Figures & { readonly category: Category })[];
  readonly byOperator: readonly OperatorFigures[];
  readonly byYear: readonly YearCounts[];
  /** Referrals to partner regulators abroad, per partner (docs/referrals.md). */
  readonly byPartner: readonly PartnerFigures[];
}

/** What the statistics read of a referral. */
export type StatisticsReferral = Pick<ReferralRecord, 'caseId' | 'partnerId' | 'status' | 'createdAt' | 'removedAt'>;

export interface PartnerFigures {
  readonly partnerId: string;
  /** Cases the partner referred to us (reporter kind PARTNER), filed in the range. */
  readonly referralsReceived: number;
  readonly referralsSent: number;
  readonly removed: number;
  readonly declined: number;
  /** The median time from referral to every URL removed abroad, in hours (one decimal); null when none was. */
  readonly medianHoursToRemoval: number | null;
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One partner's referrals: sent, removed in full, declined, and the median time to removal abroad. */
function partnerFigures(partnerId: string, referrals: readonly StatisticsReferral[], received: number): PartnerFigures {
  const hoursToRemoval = referrals.flatMap((r) =>
    r.status === 'REMOVED' && r.removedAt !== undefined ? [(Date.parse(r.removedAt) - Date.parse(r.createdAt)) / 3_600_000] : [],
  );
  const median = medianOf(hoursToRemoval);
  return {
    partnerId,
    referralsReceived: received,
    referralsSent: referrals.length,
    removed: referrals.filter((r) => r.status === 'REMOVED').length,
    declined: referrals.filter((r) => r.status === 'DECLINED').length,
    medianHoursToRemoval: median === null ? null : Math.round(median * 10) / 10,
  };
}

export interface StatisticsContext {
  readonly range: MonthRange;
  readonly timeZone: string;
  readonly currency: string;
}

/**
 * Everything about the cases reported in the range (months in the policy's time zone) and their
 * orders: a case and all its orders count in the month the report was filed, so the groups add up.
 */
export function computeStatistics(
  allCases: readonly StatisticsCase[],
  allOrders: readonly StatisticsOrder[],
  { range, timeZone, currency }: StatisticsContext,
  allReferrals: readonly StatisticsReferral[] = [],
): Statistics {
  const monthOfCase = new Map<string, string>();
  for (const c of allCases) {
    const month = monthOf(c.createdAt, timeZone);
    if (month >= range.from && month <= range.to) monthOfCase.set(c.caseId, month);
  }
  const cases = allCases.filter((c) => monthOfCase.has(c.caseId));
  // An overseas host's DELETE_REQUEST binds no one: its URLs are counted through the ISPs' orders.
  const orders = allOrders.filter((o) => monthOfCase.has(o.caseId) && isBindingOrder(o));
  const categoryOf = new Map(cases.map((c) => [c.caseId, c.category]));
  const referrals = allReferrals.filter((r) => monthOfCase.has(r.caseId));
  // The partner of each case a partner referred to us.
  const receivedFrom = cases.flatMap((c) =>
    c.reporter?.kind === 'PARTNER' && c.reporter.partnerId !== undefined ? [c.reporter.partnerId] : [],
  );
  const group = (keep: (caseId: string) => boolean): Figures =>
    figuresOf(
      cases.filter((c) => keep(c.caseId)),
      orders.filter((o) => keep(o.caseId)),
      currency,
    );
  const months = monthsOf(range);
  const years = [...new Set(months.map((month) => month.slice(0, 4)))];
  const operatorIds = [...new Set(orders.map((o) => o.operatorId))].sort();
  return {
    range,
    timeZone,
    total: figuresOf(cases, orders, currency),
    byMonth: months.map((month) => ({ month, ...group((id) => monthOfCase.get(id) === month) })),
    byCategory: CATEGORIES.map((category) => ({ category, ...group((id) => categoryOf.get(id) === category) })),
    byOperator: operatorIds.map((operatorId) => {
      const figures = figuresOf(
        [],
        orders.filter((o) => o.operatorId === operatorId),
        currency,
      );
      const { orders: count, compliedInTime, overdue, undelivered, fines } = figures;
      return { operatorId, orders: count, compliedInTime, overdue, undelivered, fines };
    }),
    byYear: years.map((year) =>
      yearCounts(
        year,
        cases.filter((c) => monthOfCase.get(c.caseId)?.startsWith(year)),
        orders.filter((o) => monthOfCase.get(o.caseId)?.startsWith(year)),
      ),
    ),
    // Like orders, a referral counts with its case, in the month the report was filed.
    byPartner: [...new Set([...referrals.map((r) => r.partnerId), ...receivedFrom])].sort().map((partnerId) =>
      partnerFigures(
        partnerId,
        referrals.filter((r) => r.partnerId === partnerId),
        receivedFrom.filter((from) => from === partnerId).length,
      ),
    ),
  };
}

// ------------------------------------------------------------------------------ the public aggregate

/** Counts from 1 to 4 are published as "<5": small enough to point at one victim's case or one operator. */
export const SUPPRESSION_THRESHOLD = 5;
export const SUPPRESSED = '<5';
export type PublicCount = number | typeof SUPPRESSED;

export function suppress(count: number): PublicCount {
  return count > 0 && count < SUPPRESSION_THRESHOLD ? SUPPRESSED : count;
}

/** A rate or a percentile rests on its denominator: under the threshold it is withheld (null). */
const publicRate = (rate: Rate): number | null => (rate.denominator < SUPPRESSION_THRESHOLD ? null : rate.rate);
const publicSeconds = (durations: Durations, value: number | null): number | null =>
  durations.count < SUPPRESSION_THRESHOLD ? null : value;

export interface PublicFigures {
  readonly reports: PublicCount;
  readonly orders: PublicCount;
  readonly reportToOrderP50Seconds: number | null;
  readonly reportToOrderP90Seconds: number | null;
  readonly orderToComplianceP50Seconds: number | null;
  readonly orderToComplianceP90Seconds: number | null;
  readonly compliedInTimeRate: number | null;
  readonly overdue: PublicCount;
  readonly undelivered: PublicCount;
  readonly revocationRate: number | null;
  readonly appealsFiled: PublicCount;
  readonly appealGrantRate: number | null;
  readonly fines: PublicCount;
  /** Withheld (null) with fewer than five fines: one fine's amount names what one operator paid. */
  readonly finesTotal: number | null;
}

function publicFigures(figures: Figures): PublicFigures {
  return {
    reports: suppress(figures.reports),
    orders: suppress(figures.orders),
    reportToOrderP50Seconds: publicSeconds(figures.reportToOrder, figures.reportToOrder.p50Seconds),
    reportToOrderP90Seconds: publicSeconds(figures.reportToOrder, figures.reportToOrder.p90Seconds),
    orderToComplianceP50Seconds: publicSeconds(figures.orderToCompliance, figures.orderToCompliance.p50Seconds),
    orderToComplianceP90Seconds: publicSeconds(figures.orderToCompliance, figures.orderToCompliance.p90Seconds),
    compliedInTimeRate: publicRate(figures.compliedInTime),
    overdue: suppress(figures.overdue.numerator),
    undelivered: suppress(figures.undelivered.numerator),
    revocationRate: publicRate(figures.revoked),
    appealsFiled: suppress(figures.appealsFiled),
    appealGrantRate: publicRate(figures.appealsGranted),
    fines: suppress(figures.fines.count),
    finesTotal: figures.fines.count < SUPPRESSION_THRESHOLD ? null : figures.fines.total,
  };
}

export interface PublicStatistics {
  readonly range: MonthRange;
  readonly timeZone: string;
  readonly currency: string;
  readonly suppression: { readonly threshold: number; readonly shownAs: string };
  readonly total: PublicFigures;
  readonly byMonth: readonly (PublicFigures & { readonly month: string })[];
  readonly byCategory: readonly (PublicFigures & { readonly category: Category })[];
  readonly byYear: readonly {
    readonly year: string;
    readonly kcsc: Record<string, PublicCount | number | null>;
    readonly esafety: Record<string, PublicCount>;
  }[];
}

/** The aggregate anyone may read: no operator, no case, no person; small counts suppressed. */
export function publicStatistics(statistics: Statistics, currency: string): PublicStatistics {
  return {
    range: statistics.range,
    timeZone: statistics.timeZone,
    currency,
    suppression: { threshold: SUPPRESSION_THRESHOLD, shownAs: SUPPRESSED },
    total: publicFigures(statistics.total),
    byMonth: statistics.byMonth.map(({ month, ...figures }) => ({ month, ...publicFigures(figures) })),
    byCategory: statistics.byCategory.map(({ category, ...figures }) => ({ category, ...publicFigures(figures) })),
    byYear: statistics.byYear.map(({ year, kcsc, esafety }) => ({
      year,
      kcsc: Object.fromEntries(
        Object.entries(kcsc).map(([key, value]) => [
          key,
          key === 'averageHandlingDays' ? (kcsc.reportsReceived < SUPPRESSION_THRESHOLD ? null : value) : suppress(value ?? 0),
        ]),
      ),
      esafety: Object.fromEntries(Object.entries(esafety).map(([key, value]) => [key, suppress(value)])),
    })),
  };
}

// ------------------------------------------------------------------------------ CSV

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; records end in CRLF. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Excel reads a UTF-8 file as the machine's legacy code page unless it starts with a byte order mark. */
const BOM = '\uFEFF';

export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  const records = rows.map((row) => `${row.map(csvField).join(',')}\r\n`);
  return `${BOM}${records.join('')}`;
}

const hours = (seconds: number | null): number | null => (seconds === null ? null : Math.round((seconds / 3600) * 100) / 100);

export const CSV_HEADER = [
  'group',
  'key',
  'reports',
  'orders',
  'report_to_order_p50_hours',
  'report_to_order_p90_hours',
  'order_to_compliance_p50_hours',
  'order_to_compliance_p90_hours',
  'complied_in_time',
  'compliance_settled',
  'complied_in_time_rate',
  'overdue',
  'undelivered',
  'revoked',
  'committee_decided',
  'revocation_rate',
  'appeals_filed',
  'appeals_granted',
  'appeals_decided',
  'appeal_grant_rate',
  'fines',
  'fines_total',
  'currency',
] as const;

function csvRow(group: string, key: string, f: Figures): (string | number | null)[] {
  return [
    group,
    key,
    f.reports,
    f.orders,
    hours(f.reportToOrder.p50Seconds),
    hours(f.reportToOrder.p90Seconds),
    hours(f.orderToCompliance.p50Seconds),
    hours(f.orderToCompliance.p90Seconds),
    f.compliedInTime.numerator,
    f.compliedInTime.denominator,
    f.compliedInTime.rate,
    f.overdue.numerator,
    f.undelivered.numerator,
    f.revoked.numerator,
    f.revoked.denominator,
    f.revoked.rate,
    f.appealsFiled,
    f.appealsGranted.numerator,
    f.appealsGranted.denominator,
    f.appealsGranted.rate,
    f.fines.count,
    f.fines.total,
    f.fines.currency,
  ];
}

/** One row for the whole range, then one a month, a category, an operator; empty cells where nothing was measured. */
export function statisticsCsv(statistics: Statistics): string {
  const operatorRow = (o: OperatorFigures): (string | number | null)[] => {
    const row: (string | number | null)[] = CSV_HEADER.map(() => null);
    const set = (column: (typeof CSV_HEADER)[number], value: string | number | null) => {
      row[CSV_HEADER.indexOf(column)] = value;
    };
    set('group', 'operator');
    set('key', o.operatorId);
    set('orders', o.orders);
    set('complied_in_time', o.compliedInTime.numerator);
    set('compliance_settled', o.compliedInTime.denominator);
    set('complied_in_time_rate', o.compliedInTime.rate);
    set('overdue', o.overdue.numerator);
    set('undelivered', o.undelivered.numerator);
    set('fines', o.fines.count);
    set('fines_total', o.fines.total);
    set('currency', o.fines.currency);
    return row;
  };
  return toCsv([
    [...CSV_HEADER],
    csvRow('total', `${statistics.range.from}..${statistics.range.to}`, statistics.total),
    ...statistics.byMonth.map((m) => csvRow('month', m.month, m)),
    ...statistics.byCategory.map((c) => csvRow('category', c.category, c)),
    ...statistics.byOperator.map(operatorRow),
  ]);
}

/**
 * Compliance reported URL by URL (issue 13, docs/operators.md "Per-URL compliance"): what an
 * order's action lets its operator report for a URL, which reports are new, harmless repeats or
 * conflicts, when every URL is accounted for, and how the order keeps the outcomes compactly (an
 * order lists up to 1,000 URLs and its record is one DynamoDB item of at most 400 KB). Pure.
 *
 * CANNOT_COMPLY accounts for a URL but does not comply with the order: an order with such a URL
 * stays open (its deadline runs, and a fine may follow) and staff see the reason on the case. The
 * operator may replace CANNOT_COMPLY by a removal once done; any other change of a URL already
 * accounted for is a conflict.
 */
import { z } from 'zod';
import { ConflictError, ValidationError } from './errors';
import type { CaseUrl, OrderAction, OrderRecord } from './model';
import { isComplied } from './orders';
import { multiLineText } from './text';

export const URL_OUTCOMES = ['DELETED', 'BLOCKED', 'NOT_FOUND', 'CANNOT_COMPLY'] as const;
export type UrlOutcome = (typeof URL_OUTCOMES)[number];
/** The outcomes that comply with the order for the URL. */
export type UrlRemoval = Exclude<UrlOutcome, 'CANNOT_COMPLY'>;

/** A reason is short: the record keeps each distinct reason once, and at most this many of them. */
export const MAX_REASON_CHARACTERS = 500;
export const MAX_DISTINCT_REASONS = 20;
/** As many URLs as a report may list (CONTRACT.md section 4). */
export const MAX_URLS_PER_REPORT = 1000;

const urlReportSchema = z
  .strictObject({
    url: z.string().min(1).max(2048),
    outcome: z.enum(URL_OUTCOMES),
    reason: multiLineText(MAX_REASON_CHARACTERS).optional(),
  })
  .refine((entry) => (entry.outcome === 'CANNOT_COMPLY') === (entry.reason !== undefined && entry.reason.trim() !== ''), {
    message: 'give a reason with CANNOT_COMPLY (staff read it), and only with it',
    path: ['reason'],
  });

/** `POST /operator/orders/{orderId}/compliance/urls`: outcomes of some or all of the order's URLs. */
export const urlComplianceRequestSchema = z.strictObject({
  urls: z.array(urlReportSchema).min(1, 'report at least one URL').max(MAX_URLS_PER_REPORT, `at most ${MAX_URLS_PER_REPORT} URLs a call`),
});
export type UrlComplianceRequest = z.infer<typeof urlComplianceRequestSchema>;

/** One URL's outcome, by its place in the order's URL list (0 for the first). */
export interface UrlReport {
  place: number;
  outcome: UrlOutcome;
  reason?: string;
}

/** What an order keeps of its per-URL reports. */
export interface UrlCompliance {
  /** Each accounted URL's outcome by its place ("0", "1", ...): a few bytes a URL. */
  outcomes: Record<string, UrlOutcome>;
  /** Why URLs cannot be complied with: each distinct reason once, with the places it covers. */
  cannotComply?: { reason: string; places: number[] }[];
}

/** What an order's action lets its operator report: an ISP blocks access, it cannot delete another's content. */
export function allowedOutcomes(action: OrderAction): readonly UrlOutcome[] {
  return action === 'BLOCK_ACCESS' ? ['BLOCKED', 'NOT_FOUND', 'CANNOT_COMPLY'] : URL_OUTCOMES;
}

type OutcomeView = Pick<OrderRecord, 'complianceStatus' | 'complianceAction' | 'urlCompliance'>;

/**
 * The URL's outcome as it stands: its own report, or, once the order was complied with as a whole,
 * the whole order's action (a whole-order report accounts for every URL, replacing CANNOT_COMPLY).
 */
export function urlOutcomeAt(order: OutcomeView, place: number): UrlOutcome | undefined {
  const reported = order.urlCompliance?.outcomes[String(place)];
  if (isComplied(order) && (reported === undefined || reported === 'CANNOT_COMPLY')) return order.complianceAction;
  return reported;
}

/** How many of the order's URLs stand as CANNOT_COMPLY: staff's board flags an order with any. */
export function cannotComplyCount(order: OutcomeView): number {
  if (isComplied(order)) return 0;
  return Object.values(order.urlCompliance?.outcomes ?? {}).filter((outcome) => outcome === 'CANNOT_COMPLY').length;
}

/** The reason given for a URL that cannot be complied with. */
export function cannotComplyReason(order: Pick<OrderRecord, 'urlCompliance'>, place: number): string | undefined {
  return order.urlCompliance?.cannotComply?.find((group) => group.places.includes(place))?.reason;
}

/** The reports of one call, each URL once: the same URL twice with different outcomes is a mistake of the call. */
function distinctReports(reports: readonly UrlReport[]): UrlReport[] {
  const byPlace = new Map<number, UrlReport>();
  for (const report of reports) {
    const earlier = byPlace.get(report.place);
    if (earlier === undefined) byPlace.set(report.place, report);
    else if (earlier.outcome !== report.outcome || earlier.reason !== report.reason) {
      throw new ValidationError(`URL ${report.place + 1} of the order is reported twice with different outcomes; report each URL once.`, [
        { field: 'urls', message: `URL ${report.place + 1} of the order twice` },
      ]);
    }
  }
  return [...byPlace.values()];
}

/**
 * The reports that change the order: a URL not yet accounted for, or one that could not be complied
 * with and now is. A repeat is dropped (harmless); any other change of an accounted URL is a 409.
 */
export function newUrlReports(
  order: OutcomeView & Pick<OrderRecord, 'orderId' | 'action' | 'urlCount'>,
  reports: readonly UrlReport[],
): UrlReport[] {
  const allowed = allowedOutcomes(order.action);
  const fresh: UrlReport[] = [];
  for (const report of distinctReports(reports)) {
    if (!Number.isInteger(report.place) || report.place < 0 || report.place >= order.urlCount) {
      throw new RangeError(`place ${report.place} is outside order ${order.orderId}'s ${order.urlCount} URLs`);
    }
    if (!allowed.includes(report.outcome)) {
      throw new ValidationError(
        `Order ${order.orderId} asks to block access, which an ISP does by BLOCKED; it cannot report ${report.outcome} for another host's URL.`,
        [{ field: 'urls', message: `${report.outcome} is not an outcome of a ${order.action} order` }],
      );
    }
    const current = urlOutcomeAt(order, report.place);
    if (current === undefined) {
      fresh.push(report);
      continue;
    }
    const same = current === report.outcome && (current !== 'CANNOT_COMPLY' || cannotComplyReason(order, report.place) === report.reason);
    if (same) continue;
    if (current === 'CANNOT_COMPLY' && report.outcome !== 'CANNOT_COMPLY') {
      fresh.push(report);
      continue;
    }
    throw new ConflictError(
      `URL ${report.place + 1} of order ${order.orderId} was already reported ${current}${current === 'CANNOT_COMPLY' ? ' with another reason' : ''}; an accounted URL's outcome is not changed, except CANNOT_COMPLY by a removal.`,
    );
  }
  return fresh;
}

/** The order's per-URL record with `reports` applied (each place's former CANNOT_COMPLY reason dropped when it changes). */
export function withUrlReports(compliance: UrlCompliance | undefined, reports: readonly UrlReport[]): UrlCompliance {
  const outcomes = { ...compliance?.outcomes };
  const changed = new Set(reports.map((report) => report.place));
  const groups = (compliance?.cannotComply ?? [])
    .map((group) => ({ reason: group.reason, places: group.places.filter((place) => !changed.has(place)) }))
    .filter((group) => group.places.length > 0);
  for (const report of reports) {
    outcomes[String(report.place)] = report.outcome;
    if (report.outcome !== 'CANNOT_COMPLY' || report.reason === undefined) continue;
    const group = groups.find((known) => known.reason === report.reason);
    if (group === undefined) groups.push({ reason: report.reason, places: [report.place] });
    else group.places.push(report.place);
  }
  if (groups.length > MAX_DISTINCT_REASONS) {
    throw new ValidationError(
      `An order keeps at most ${MAX_DISTINCT_REASONS} different CANNOT_COMPLY reasons; give URLs that fail for the same cause the same reason.`,
      [{ field: 'urls', message: `more than ${MAX_DISTINCT_REASONS} distinct reasons` }],
    );
  }
  for (const group of groups) group.places.sort((a, b) => a - b);
  return { outcomes, ...(groups.length === 0 ? {} : { cannotComply: groups }) };
}

/** How many of the order's URLs stand at each outcome. */
export function outcomeCounts(compliance: UrlCompliance | undefined): Record<'deleted' | 'blocked' | 'notFound' | 'cannotComply', number> {
  const outcomes = Object.values(compliance?.outcomes ?? {});
  const count = (outcome: UrlOutcome) => outcomes.filter((value) => value === outcome).length;
  return { deleted: count('DELETED'), blocked: count('BLOCKED'), notFound: count('NOT_FOUND'), cannotComply: count('CANNOT_COMPLY') };
}

/** Every URL of the order has a removal outcome: the order is complied with. */
export function everyUrlRemoved(compliance: UrlCompliance, urlCount: number): boolean {
  for (let place = 0; place < urlCount; place += 1) {
    const outcome = compliance.outcomes[String(place)];
    if (outcome === undefined || outcome === 'CANNOT_COMPLY') return false;
  }
  return true;
}

/**
 * The one action that stands for the whole order once each URL is removed (what the reporter and
 * the order's summary show): a deletion if any URL was deleted, else a block, else not found.
 */
export function wholeOrderAction(compliance: UrlCompliance): UrlRemoval {
  const outcomes = new Set(Object.values(compliance.outcomes));
  if (outcomes.has('DELETED')) return 'DELETED';
  return outcomes.has('BLOCKED') ? 'BLOCKED' : 'NOT_FOUND';
}

/**
 * The places of the URLs post-monitoring checks: every URL of an order complied with as a whole (as
 * before per-URL reports), else only those reported DELETED (a block or a URL not found leaves
 * nothing to see gone).
 */
export function monitoredPlaces(order: OutcomeView & Pick<OrderRecord, 'urlCount'>): number[] {
  const places = Array.from({ length: order.urlCount }, (_, place) => place);
  if (order.urlCompliance === undefined) return places;
  return places.filter((place) => urlOutcomeAt(order, place) === 'DELETED');
}

/**
 * The order's URLs in the order their places count: each owner's URLs (the order's own, or for an
 * ISP's order each blocked host's in `urlOwners` order), each URL once.
 */
export function placedUrls<U extends Pick<CaseUrl, 'url' | 'operatorId'>>(
  order: Pick<OrderRecord, 'operatorId' | 'urlOwners'>,
  caseUrls: readonly U[],
): U[] {
  const owners = order.urlOwners ?? [order.operatorId];
  const byUrl = new Map<string, U>();
  for (const owner of owners) for (const url of caseUrls) if (url.operatorId === owner && !byUrl.has(url.url)) byUrl.set(url.url, url);
  return [...byUrl.values()];
}

/** One URL of an order with what was reported for it (nothing yet: no `outcome`). */
export interface UrlOutcomeView {
  url: string;
  outcome?: UrlOutcome;
  reason?: string;
}

/** Each of the order's URLs (`urls`: `placedUrls`' strings) with its outcome and CANNOT_COMPLY reason. */
export function urlOutcomeViews(order: OutcomeView, urls: readonly string[]): UrlOutcomeView[] {
  return urls.map((url, place) => {
    const outcome = urlOutcomeAt(order, place);
    const reason = outcome === 'CANNOT_COMPLY' ? cannotComplyReason(order, place) : undefined;
    return { url, ...(outcome === undefined ? {} : { outcome }), ...(reason === undefined ? {} : { reason }) };
  });
}

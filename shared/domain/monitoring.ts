/**
 * Post-monitoring of complied DELETE orders (README, "Post-monitoring"): when each URL is checked
 * again after compliance, what an answer means, and what the order keeps of the checks. Pure.
 */
import { addDuration } from './deadlines';
import type { Policy } from './policy';

export const MONITORING_RESULTS = ['GONE', 'STILL_UP', 'ERROR'] as const;
export type MonitoringResult = (typeof MONITORING_RESULTS)[number];

export interface UrlCheck {
  at: string;
  result: MonitoringResult;
  /** The last answer's HTTP status; absent when none came (timeout, DNS failure, refused connection). */
  httpStatus?: number;
}

export interface MonitoredUrl {
  url: string;
  /** Oldest first; one per round (at most as many as the policy's `postMonitoring.checksAfter`). */
  checks: UrlCheck[];
}

/** What an order keeps of its post-monitoring. */
export interface OrderMonitoring {
  /** The compliance the schedule counts from. */
  since: string;
  /** When the next round is due; absent once the last interval's round was done. */
  nextCheckAt?: string;
  /** Rounds done since `since`. */
  rounds: number;
  lastCheckedAt?: string;
  urls: MonitoredUrl[];
}

/** One URL's answer in a round, as the checker reports it. */
export interface UrlProbe {
  url: string;
  result: MonitoringResult;
  httpStatus?: number;
}

/**
 * What a final HTTP status says of the content: 404, 410 and 451 (unavailable for legal reasons)
 * mean it is gone; a 2xx that it is still there; anything else (401, 403, 429, 5xx, a redirect
 * with nowhere to go) says nothing for sure, so it is an ERROR that the next round checks again.
 */
export function classifyStatus(status: number): MonitoringResult {
  if (status === 404 || status === 410 || status === 451) return 'GONE';
  if (status >= 200 && status < 300) return 'STILL_UP';
  return 'ERROR';
}

/** The first round after compliance at `since`, or none when the policy checks nothing. */
export function firstCheckAt(policy: Policy, since: string): string | undefined {
  return nextCheckAfter(policy, since, since);
}

/**
 * The round due after a check at `checkedAt`: the first interval from `since` that ends later
 * (rounds missed while the checker was down are covered by the one check, not run one by one);
 * none after the last interval.
 */
export function nextCheckAfter(policy: Policy, since: string, checkedAt: string): string | undefined {
  return policy.postMonitoring.checksAfter.map((after) => addDuration(since, after)).find((at) => Date.parse(at) > Date.parse(checkedAt));
}

/** The order's monitoring after a round: each URL's check appended (URLs first seen get their own entry). */
export function withRound(
  monitoring: OrderMonitoring,
  at: string,
  probes: readonly UrlProbe[],
  nextCheckAt: string | undefined,
): OrderMonitoring {
  const urls = monitoring.urls.map((entry) => ({ ...entry, checks: [...entry.checks] }));
  for (const probe of probes) {
    const check: UrlCheck = { at, result: probe.result, ...(probe.httpStatus === undefined ? {} : { httpStatus: probe.httpStatus }) };
    const entry = urls.find((known) => known.url === probe.url);
    if (entry === undefined) urls.push({ url: probe.url, checks: [check] });
    else entry.checks.push(check);
  }
  const { nextCheckAt: _due, ...rest } = monitoring;
  return { ...rest, rounds: monitoring.rounds + 1, lastCheckedAt: at, urls, ...(nextCheckAt === undefined ? {} : { nextCheckAt }) };
}

/** How many URLs a round found in each state. */
export function roundCounts(probes: readonly UrlProbe[]): Record<'gone' | 'stillUp' | 'errors', number> {
  return {
    gone: probes.filter((probe) => probe.result === 'GONE').length,
    stillUp: probes.filter((probe) => probe.result === 'STILL_UP').length,
    errors: probes.filter((probe) => probe.result === 'ERROR').length,
  };
}

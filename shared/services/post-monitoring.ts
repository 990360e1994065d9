/**
 * Post-monitoring (README, "Post-monitoring"): the scheduled checker finds the complied DELETE
 * orders whose round is due (GSI2 `MONITORING_DUE`, by time: no scan), checks their URLs with
 * bounded concurrency, and records each order's round through the order's decider, which reopens
 * an order whose content is still up. Logs carry order ids and counts, never a URL.
 */
import { orderDecider } from '../domain/deciders/order';
import { roundCounts, type UrlProbe } from '../domain/monitoring';
import { monitoredPlaces } from '../domain/url-compliance';
import type { OrderRecord } from '../domain/model';
import { durationToMs } from '../domain/policy';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { probeUrl, type ProbeOptions, type ProbeOutcome } from '../monitoring/probe';
import { resolveEveryHostTo } from '../monitoring/resolver';
import { refs } from '../store/keys';
import { getCaseUrls, getOrder, listMonitoringDue } from '../store/repository';
import { forEachLimited } from '../store/search';
import { act } from './acts';
import { distinctByUrl } from './order-workflow';

/** Orders one run takes on: the rest wait for the next run, a few minutes on, longest due first. */
const ORDERS_PER_RUN = 50;

export interface MonitoringRun {
  orders: number;
  gone: number;
  stillUp: number;
  errors: number;
  reopened: number;
}

export type Probe = (url: string, options: ProbeOptions) => Promise<ProbeOutcome>;

function probeOptions(): ProbeOptions {
  const { policy, monitoringResolveTo } = config();
  const { timeout, maxRedirects, maxBytes } = policy.postMonitoring;
  return {
    timeoutMs: durationToMs(timeout),
    maxRedirects,
    maxBytes,
    ...(monitoringResolveTo === undefined ? {} : { lookup: resolveEveryHostTo(monitoringResolveTo) }),
  };
}

/** The URLs of the order's list (`placedUrls`' order) that post-monitoring checks: those reported deleted. */
function deletedUrls<U>(order: OrderRecord, urls: readonly U[]): U[] {
  const places = new Set(monitoredPlaces(order));
  return urls.filter((_, place) => places.has(place));
}

/** Checks every due order's URLs, at most `postMonitoring.concurrency` at once, and records each order's round. */
export async function checkDueUrls(clock: () => string, probe: Probe = probeUrl): Promise<MonitoringRun> {
  const due = await listMonitoringDue(clock(), ORDERS_PER_RUN);
  const run: MonitoringRun = { orders: 0, gone: 0, stillUp: 0, errors: 0, reopened: 0 };
  if (due.length === 0) return run;
  const options = probeOptions();
  const rounds = await Promise.all(
    due.map(async (order) => ({ order, urls: deletedUrls(order, distinctByUrl(await getCaseUrls(order.caseId, order.operatorId))) })),
  );
  const results = new Map<string, UrlProbe[]>(due.map((order) => [order.orderId, []]));
  const left = new Map(rounds.map(({ order, urls }) => [order.orderId, urls.length]));
  let failed = 0;
  const record = async (order: OrderRecord): Promise<void> => {
    const probes = results.get(order.orderId) ?? [];
    try {
      const { committed } = await act(
        orderDecider,
        refs.order(order.orderId),
        { type: 'RECORD_URL_CHECKS', dueAt: order.monitoring?.nextCheckAt ?? '', probes },
        clock(),
      );
      const counts = roundCounts(probes);
      run.orders += 1;
      run.gone += counts.gone;
      run.stillUp += counts.stillUp;
      run.errors += counts.errors;
      // The reopening is the round's follow-up, done by the act above (or, after a fault, by the sweeper).
      const after = committed === null || counts.stillUp === 0 ? undefined : await getOrder(order.orderId);
      const reopened = after?.nonComplianceCause === 'POST_MONITORING' && after.nonComplianceRecordedAt === committed?.at;
      if (reopened) run.reopened += 1;
      logger.info('post-monitoring round recorded', { orderId: order.orderId, ...counts, reopened, recorded: committed !== null });
    } catch (error) {
      // One order's failure must not cost the others their round: it stays due for the next run.
      failed += 1;
      logger.error('post-monitoring round not recorded', { orderId: order.orderId, error: (error as Error).name });
    }
  };
  for (const { order, urls } of rounds) if (urls.length === 0) await record(order);
  const checks = rounds.flatMap(({ order, urls }) => urls.map((url) => ({ order, url: url.url })));
  await forEachLimited(checks, config().policy.postMonitoring.concurrency, async ({ order, url }) => {
    const outcome = await probe(url, options);
    results
      .get(order.orderId)
      ?.push({ url, result: outcome.result, ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }) });
    const remaining = (left.get(order.orderId) ?? 1) - 1;
    left.set(order.orderId, remaining);
    if (remaining === 0) await record(order);
  });
  // The run fails (its alarm counts it) once the others are recorded; the next run finds the rest still due.
  if (failed > 0)
    throw new Error(`Post-monitoring recorded ${run.orders} of ${due.length} due rounds; the next run checks the rest again.`);
  return run;
}

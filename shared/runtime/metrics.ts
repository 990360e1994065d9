import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';
import {
  type CountMetric,
  type DurationMetric,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  NOTICE_KIND_DIMENSION,
  type NoticeMetric,
} from './metric-names';

/**
 * The one configured Metrics instance: CloudWatch embedded metric format (EMF) lines on stdout,
 * which Lambda's log group turns into metrics. The handler wrappers (shared/runtime/invocation.ts)
 * flush it after every invocation; services record with the one-line helpers below.
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/**
 * Whether metrics are recorded: POWERTOOLS_METRICS_DISABLED decides when it is set (as Powertools
 * reads it); otherwise only inside Lambda. Under `npm start` and in tests nothing reads stdout as
 * EMF, and the in-process handlers would print a JSON blob per act: nothing is recorded there.
 */
export function metricsRecorded(env: NodeJS.ProcessEnv = process.env): boolean {
  const disabled = env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== '') return !['1', 'true', 'y', 'yes', 'on'].includes(disabled);
  return env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
}

/** Counts one occurrence (or `value`). */
export function countMetric(name: CountMetric, value = 1): void {
  if (metricsRecorded()) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Records the time from `from` to `to` (ISO timestamps), in milliseconds; never negative. */
export function durationMetric(name: DurationMetric, from: string, to: string): void {
  const ms = Date.parse(to) - Date.parse(from);
  if (metricsRecorded() && Number.isFinite(ms)) metrics.addMetric(name, MetricUnit.Milliseconds, Math.max(0, ms));
}

/**
 * Counts a notice by kind. The `kind` dimension must not reach the invocation's other metrics,
 * so this one is published at once as a metric of its own (Powertools' single metric).
 */
export function countNotice(name: NoticeMetric, kind: string): void {
  if (metricsRecorded()) metrics.singleMetric().addDimension(NOTICE_KIND_DIMENSION, kind).addMetric(name, MetricUnit.Count, 1);
}

/**
 * Publishes what the invocation recorded (one EMF line) and empties the store. An invocation that
 * recorded nothing prints nothing: Powertools would warn "No application metrics to publish".
 */
export function flushMetrics(): void {
  if (!metrics.hasStoredMetrics()) return;
  try {
    metrics.publishStoredMetrics();
  } catch (error) {
    // A metric must never turn an act that landed into a failed invocation.
    logger.warn('metrics could not be published', { errorName: error instanceof Error ? error.name : typeof error });
  }
}

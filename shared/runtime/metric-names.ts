/**
 * The custom metrics' names, namespace and service dimension: what the handlers emit
 * (shared/runtime/metrics.ts) and what the stack's alarms and dashboard read (infra/), written once
 * so that the two cannot drift. Free of Powertools and of the CDK, so either side may import it.
 */

/** CloudWatch namespace of every custom metric. */
export const METRICS_NAMESPACE = 'UrgentDeliberation';

/**
 * The `service` dimension of every custom metric: one value for the whole system, not the
 * function's POWERTOOLS_SERVICE_NAME, because the same metric comes from several functions (a
 * deadline is enforced by the workflow and, late, by the sweeper) and an alarm reads one series.
 */
export const METRICS_SERVICE = 'urgent-deliberation';

/** Counted per notice, with a `kind` dimension: an operator notice's kind, or `STAFF` for a staff alert. */
export const NOTICE_METRICS = ['NoticeSent', 'NoticeFailed'] as const;
export type NoticeMetric = (typeof NOTICE_METRICS)[number];

/** The `kind` of a staff alert (operator notices use their own kinds: ORDER, REMINDER, ...). */
export const STAFF_NOTICE_KIND = 'STAFF';
/** The `kind` of an e-mail to a reporter about its report's outcome. */
export const REPORTER_NOTICE_KIND = 'REPORTER';

/** Counts, with the service dimension only. */
export const COUNT_METRICS = ['OrderOverdue', 'ReviewWithoutQuorum', 'NoticeUndelivered'] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

/** Durations in milliseconds, with the service dimension only. */
export const DURATION_METRICS = ['DeadlineLatenessMs', 'TimeToNoticeMs'] as const;
export type DurationMetric = (typeof DURATION_METRICS)[number];

/** The dimension that tells notice kinds apart. */
export const NOTICE_KIND_DIMENSION = 'kind';

/**
 * AWS's hard limits on a Standard execution, which the local engine enforces so that a workflow
 * that breaks one fails here as it would on AWS, not first in production.
 */

/**
 * An inline Map runs at most 40 iterations at once, whatever its MaxConcurrency says (0 or absent
 * means "as many as allowed", so 40). https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * ("In this mode, the Map state supports up to 40 concurrent iterations.")
 */
export const INLINE_MAP_MAX_CONCURRENCY = 40;

/**
 * At most 25,000 events in one execution's history; the event that would go past it fails the
 * execution instead (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
 * "Maximum execution history size: 25,000 events"). The engine counts every event it records,
 * the events AWS records for the same transitions: ExecutionStarted and the execution's end;
 * <Type>StateEntered/Exited per state; LambdaFunctionScheduled/Started/Succeeded/Failed/TimedOut
 * or TaskScheduled/Started/Submitted/Succeeded/Failed/TimedOut per task attempt; Map/Parallel
 * StateStarted/Succeeded/Failed; MapIterationStarted/Succeeded/Failed per item. A Wait is its
 * Entered and Exited events, a retry adds the attempt's own task events.
 */
export const MAX_HISTORY_EVENTS = 25_000;

/**
 * 256 KiB, in UTF-8 bytes, for every state input and output, task parameters and task result
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, "Maximum input or
 * output size for a task, state, or execution"). Past it the state fails with
 * States.DataLimitExceeded, a terminal error States.ALL does not catch
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
export const MAX_PAYLOAD_BYTES = 262_144;

/** A Standard execution runs at most one year, then times out (service-quotas.html, "Maximum execution time"). */
export const MAX_EXECUTION_MS = 365 * 24 * 60 * 60 * 1000;

import type { Context } from 'aws-lambda';
import type { ZodType } from 'zod';
import { nowIso } from './clock';
import { correlationKeys, invocation } from './invocation';
import { logger } from './logger';
import { retryableAs } from './transient';

/**
 * A state-machine task: parse the payload the ASL built, run the step with the current time, and
 * answer a small JSON object that the state's ResultSelector picks from. A payload that does not
 * parse is a defect of the definition, not of the case, so it fails the task without retry; an AWS
 * call that timed out or was throttled past the SDK's own retries fails it as TransientError, which
 * the ASL retries with backoff, instead of failing the case (every act is idempotent). Every
 * log line of the task carries the ids of its payload (caseId, orderId, reviewId, appealId).
 */
export function workflowTask<I, O>(name: string, schema: ZodType<I>, run: (input: I, now: string) => Promise<O>) {
  return (payload: unknown, context?: Context): Promise<O> =>
    invocation(context, correlationKeys(typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined), async () => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(payload)').join(', ');
        throw new Error(`${name}: the state machine sent a payload with bad fields (${fields}); fix the ASL.`);
      }
      try {
        return await retryableAs(name, () => run(parsed.data, nowIso()));
      } catch (error) {
        logger.warn('workflow task failed', { task: name, errorName: error instanceof Error ? error.name : typeof error });
        throw error;
      }
    });
}

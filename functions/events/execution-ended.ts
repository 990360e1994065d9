import type { Context } from 'aws-lambda';
import { invocation } from '../../shared/runtime/invocation';
import { logger } from '../../shared/runtime/logger';
import { recordExecutionEnd } from '../../shared/services/case-workflow';
import { executionStatusChange, UNSUCCESSFUL_ENDS, type UnsuccessfulEnd } from '../../shared/services/workflow-payloads';
import { nowIso } from '../../shared/runtime/clock';

const unsuccessful = (status: string): status is UnsuccessfulEnd => (UNSUCCESSFUL_ENDS as readonly string[]).includes(status);

/**
 * A case workflow execution ended (EventBridge's "Step Functions Execution Status Change" in the
 * cloud, the local engine's same event locally): one that ended FAILED, TIMED_OUT or ABORTED marks
 * its case FAILED and alerts staff, once, whether or not RecordFailure ran. The rule matches the
 * case workflow only, whose executions are named after their case (a name of no case is logged as
 * an error by the record). An event that is not such an end is logged (what was wrong, never its
 * input or output) and skipped; a failure to record throws, so EventBridge retries it, then keeps
 * it in the rule's dead-letter queue.
 */
export const handler = (event: unknown, context?: Context): Promise<void> =>
  invocation(context, {}, async () => {
    const parsed = executionStatusChange.safeParse(event);
    if (!parsed.success) {
      logger.warn('execution status change skipped: not a Step Functions execution status change', {
        fields: parsed.error.issues.map((issue) => issue.path.join('.') || '(event)'),
      });
      return;
    }
    const { name, status, error, cause } = parsed.data.detail;
    if (!unsuccessful(status)) {
      logger.info('execution status change ignored: the execution did not end in failure', { status });
      return;
    }
    await recordExecutionEnd(name, { status, error, cause }, nowIso());
  });

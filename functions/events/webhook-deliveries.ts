import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { invocation } from '../../shared/runtime/invocation';
import { sendQueuedWebhooks } from '../../shared/services/webhooks';

/**
 * The cloud's webhook sender, fed by the delivery queue (docs/webhooks.md): attempts the delivery
 * each message names, and reports the messages it could not handle as batch item failures
 * (the event source mapping has ReportBatchItemFailures), so SQS delivers only those again and not
 * their batch neighbours, already posted.
 */
export const handler = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  invocation(context, {}, async () => {
    const { failedMessageIds } = await sendQueuedWebhooks(
      event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
      nowIso(),
    );
    return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  });

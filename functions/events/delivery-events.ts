import type { Context, SNSEvent } from 'aws-lambda';
import { parseSesEvent } from '../../shared/notices/ses-events';
import { appendCorrelationKeys, invocation, removeCorrelationKeys } from '../../shared/runtime/invocation';
import { logger } from '../../shared/runtime/logger';
import { countMetric } from '../../shared/runtime/metrics';
import { recordDeliveryEvent } from '../../shared/services/delivery';

/**
 * SES's delivery events for the notices (CONTRACT.md section 9), from the configuration set's SNS
 * topic: each record's message becomes a DeliveryEvent on the notice it is about. A record that is
 * not a SES event is logged (what was wrong, never the message: it holds addresses) and skipped; a
 * type this system does not record is logged and ignored. A failure to record throws: Lambda
 * retries the invocation, then puts it on the function's dead-letter queue.
 */
export const handler = (event: SNSEvent, context?: Context): Promise<void> =>
  invocation(context, {}, async () => {
    for (const record of event.Records) {
      const parsed = parseSesEvent(record.Sns.Message);
      switch (parsed.kind) {
        case 'malformed':
          logger.warn('delivery event skipped: not a SES event record', { snsMessageId: record.Sns.MessageId, fields: parsed.fields });
          continue;
        case 'ignored':
          logger.info('delivery event ignored: a type this system does not record', { eventType: parsed.eventType });
          continue;
        case 'event': {
          const keys = { messageId: parsed.event.messageId };
          appendCorrelationKeys(keys);
          try {
            await recordDeliveryEvent(parsed.event);
            logger.info('delivery event recorded', {
              type: parsed.event.type,
              permanent: parsed.event.permanent,
              reason: parsed.event.reason,
            });
            // A permanent bounce of every recipient, or a rejection: the message did not arrive (a soft
            // bounce is retried by SES, a bounce of some recipients left the others reached).
            if (parsed.event.permanent) countMetric('NoticeUndelivered');
          } finally {
            removeCorrelationKeys(keys);
          }
        }
      }
    }
  });

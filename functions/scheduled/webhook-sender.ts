import type { Context, ScheduledEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { invocation } from '../../shared/runtime/invocation';
import { sendDueWebhooks } from '../../shared/services/webhooks';

/**
 * EventBridge, every minute (locally the same timer as the sweeper): posts the webhook deliveries
 * that are due; in the cloud, hands them to the delivery queue instead (docs/webhooks.md).
 */
export const handler = (_event: ScheduledEvent, context?: Context): Promise<{ attempted: number; queued: number }> =>
  invocation(context, {}, () => sendDueWebhooks(nowIso()));

import type { Context, ScheduledEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { invocation } from '../../shared/runtime/invocation';
import { sendDuePartnerMessages } from '../../shared/services/partner-sender';

/**
 * EventBridge, every minute (locally the same timer as the sweeper): tries again the messages to
 * partners (referrals, status updates back) whose delivery failed and is due.
 */
export const handler = (_event: ScheduledEvent, context?: Context): Promise<{ attempted: number }> =>
  invocation(context, {}, () => sendDuePartnerMessages(nowIso()));

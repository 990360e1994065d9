import type { Context, ScheduledEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { invocation } from '../../shared/runtime/invocation';
import { sendDueReferrals } from '../../shared/services/referrals';

/** EventBridge, every minute (locally the same timer as the sweeper): tries again the referrals whose delivery failed and is due. */
export const handler = (_event: ScheduledEvent, context?: Context): Promise<{ attempted: number }> =>
  invocation(context, {}, () => sendDueReferrals(nowIso()));

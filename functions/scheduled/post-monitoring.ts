import type { Context, ScheduledEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { invocation } from '../../shared/runtime/invocation';
import { checkDueUrls, type MonitoringRun } from '../../shared/services/post-monitoring';

/** EventBridge, every five minutes (locally a timer): the post-monitoring rounds that are due. */
export const handler = (_event: ScheduledEvent, context?: Context): Promise<MonitoringRun> =>
  invocation(context, {}, () => checkDueUrls(nowIso));

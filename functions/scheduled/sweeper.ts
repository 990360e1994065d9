import type { Context, ScheduledEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { invocation } from '../../shared/runtime/invocation';
import { sweep, type SweepCounts } from '../../shared/services/sweeper';

/**
 * EventBridge, every minute (locally a timer): the event's own time has only whole seconds. A sweep
 * spans many cases, so each item it repairs adds its own ids to the log lines (shared/services/sweeper.ts).
 */
export const handler = (_event: ScheduledEvent, context?: Context): Promise<SweepCounts> => invocation(context, {}, () => sweep(nowIso()));

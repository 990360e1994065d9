import type { ScheduledEvent } from 'aws-lambda';
import { nowIso } from '../../shared/runtime/clock';
import { sweep, type SweepCounts } from '../../shared/services/sweeper';

/** EventBridge, every minute (locally a timer): the event's own time has only whole seconds. */
export const handler = async (_event: ScheduledEvent): Promise<SweepCounts> => sweep(nowIso());

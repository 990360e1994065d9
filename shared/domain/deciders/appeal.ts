/**
 * The appeal's decider: filed (after its order recorded the appeal within the window), put
 * under review, settled by the review's outcome.
 */
import type { Decider, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import type { AppealRecord } from '../model';
import { assertNever } from '../model';
import { SYSTEM_ACTOR } from './case';

type Settled = 'UPHELD' | 'OVERTURNED';

export type AppealCommand =
  | { readonly type: 'FILE'; readonly appeal: AppealRecord }
  | { readonly type: 'START_REVIEW'; readonly reviewId: string }
  | { readonly type: 'SETTLE'; readonly result: Settled };

export type AppealEvent =
  | WithData<RecordEvent<'APPEAL_FILED', { appealId: string; orderId: string; operatorId: string }>, AppealRecord>
  | RecordEvent<'APPEAL_UNDER_REVIEW', { appealId: string; orderId: string; reviewId: string }>
  | RecordEvent<'APPEAL_SETTLED', { appealId: string; orderId: string; result: Settled }>;

export const appealDecider: Decider<AppealRecord, AppealCommand, AppealEvent> = {
  kind: 'appeal',

  decide(command, appeal, { now }) {
    if (command.type === 'FILE') {
      if (appeal !== undefined) return null;
      const filed = command.appeal;
      return {
        event: {
          action: 'APPEAL_FILED',
          at: filed.filedAt,
          actor: SYSTEM_ACTOR,
          // The grounds are the operator's own words: kept on the appeal, out of the chain's details.
          details: { appealId: filed.appealId, orderId: filed.orderId, operatorId: filed.operatorId },
          data: filed,
        },
      };
    }
    if (appeal === undefined) throw missing('appeal');
    const ids = { appealId: appeal.appealId, orderId: appeal.orderId };
    switch (command.type) {
      case 'START_REVIEW':
        if (appeal.status !== 'FILED') return null;
        return { event: { action: 'APPEAL_UNDER_REVIEW', at: now, actor: SYSTEM_ACTOR, details: { ...ids, reviewId: command.reviewId } } };
      case 'SETTLE':
        if (appeal.status !== 'FILED' && appeal.status !== 'UNDER_REVIEW') return null;
        return { event: { action: 'APPEAL_SETTLED', at: now, actor: SYSTEM_ACTOR, details: { ...ids, result: command.result } } };
      default:
        return assertNever(command, 'appeal command');
    }
  },

  evolve(appeal, event) {
    if (event.action === 'APPEAL_FILED') return event.data;
    if (appeal === undefined) throw missing('appeal');
    switch (event.action) {
      case 'APPEAL_UNDER_REVIEW':
        return { ...appeal, status: 'UNDER_REVIEW', reviewId: event.details.reviewId };
      case 'APPEAL_SETTLED':
        return { ...appeal, status: event.details.result };
      default:
        return assertNever(event, 'appeal event');
    }
  },
};

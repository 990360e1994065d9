/**
 * The appeal's decider: filed (after its order recorded the appeal within the window), put
 * under review, settled by the review's outcome.
 */
import type { Decider, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import type { AppealObjection, AppealRecord, ObjectionParty } from '../model';
import { assertNever } from '../model';
import { SYSTEM_ACTOR } from './case';

type Settled = 'UPHELD' | 'OVERTURNED';

export type AppealCommand =
  | { readonly type: 'FILE'; readonly appeal: AppealRecord }
  | { readonly type: 'START_REVIEW'; readonly reviewId: string }
  | { readonly type: 'SETTLE'; readonly result: Settled }
  | { readonly type: 'JOIN'; readonly objection: AppealObjection };

export type AppealEvent =
  | WithData<RecordEvent<'APPEAL_FILED', { appealId: string; orderId: string; operatorId: string }>, AppealRecord>
  | RecordEvent<'APPEAL_UNDER_REVIEW', { appealId: string; orderId: string; reviewId: string }>
  | RecordEvent<'APPEAL_SETTLED', { appealId: string; orderId: string; result: Settled }>
  /** The objector's words and contact are `data`: on the appeal, out of the chain. */
  | WithData<
      RecordEvent<'APPEAL_OBJECTION_JOINED', { appealId: string; orderId: string; objectionId: string; party: ObjectionParty }>,
      AppealObjection
    >;

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
        return {
          event: { action: 'APPEAL_SETTLED', at: now, actor: SYSTEM_ACTOR, details: { ...ids, result: command.result } },
          followUps: objectorsToTell(appeal),
        };
      case 'JOIN': {
        const { objection } = command;
        if ((appeal.objections ?? []).some((joined) => joined.objectionId === objection.objectionId)) return null;
        return {
          event: {
            action: 'APPEAL_OBJECTION_JOINED',
            at: objection.filedAt,
            actor: SYSTEM_ACTOR,
            details: { ...ids, objectionId: objection.objectionId, party: objection.party },
            data: objection,
          },
        };
      }
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
      case 'APPEAL_OBJECTION_JOINED':
        return { ...appeal, objections: [...(appeal.objections ?? []), event.data] };
      default:
        return assertNever(event, 'appeal event');
    }
  },
};

/** Each poster who left a contact is told the outcome; the e-mail is rendered from the settled appeal. */
function objectorsToTell(appeal: AppealRecord): FollowUp[] {
  return (appeal.objections ?? [])
    .filter((objection) => objection.party === 'POSTER' && objection.contact !== undefined)
    .map((objection) => ({
      type: 'NOTIFY_OBJECTOR',
      appealId: appeal.appealId,
      objectionId: objection.objectionId,
      eventKey: `objection-outcome:${objection.objectionId}`,
    }));
}

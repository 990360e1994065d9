/**
 * A status update back to the partner that referred a case to us (docs/referrals.md): queued by
 * the change it tells, then delivered like a referral, each failed attempt kept so that a failing
 * delivery is visible on the case, never silent; staff are told when the retry window is over.
 * Its events join the case's chain with ids and counts, never a URL or the reason.
 */
import type { Decision, Decider, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { assertNever } from '../model';
import { type PartnerUpdateRecord, updateAwaitsDelivery } from '../partner-updates';
import { type AttemptToRecord, keptAttempts } from '../referrals';
import { attemptDecision } from './delivery-attempts';
import type { WebhookAttempt } from '../webhooks';

const SYSTEM_ACTOR = 'system';

export type PartnerUpdateCommand =
  | { readonly type: 'QUEUE'; readonly update: PartnerUpdateRecord }
  | ({ readonly type: 'RECORD_ATTEMPT' } & AttemptToRecord);

type Ids = { updateId: string; partnerId: string; status: string };

export type PartnerUpdateEvent =
  | WithData<RecordEvent<'PARTNER_UPDATE_QUEUED', Ids & { orderId?: string; urlCount: number }>, PartnerUpdateRecord>
  | RecordEvent<'PARTNER_UPDATE_SENT', Ids & { attempts: number }, { attempt: WebhookAttempt }>
  | RecordEvent<'PARTNER_UPDATE_ATTEMPT_FAILED', Ids & { attempt: WebhookAttempt; nextAttemptAt: string }>
  | RecordEvent<'PARTNER_UPDATE_UNDELIVERABLE', Ids & { attempt: WebhookAttempt }>;

function undeliverableAlert(update: PartnerUpdateRecord, attempt: WebhookAttempt): FollowUp {
  return {
    type: 'NOTIFY_STAFF',
    caseId: update.caseId,
    eventKey: `partner-update-undeliverable:${update.updateId}`,
    alert: {
      subject: `Status update ${update.updateId} to ${update.partnerId} could not be delivered`,
      lines: [
        `Case ${update.caseId}: the ${update.status} update to partner ${update.partnerId} (its referral ${update.reference}) failed every attempt of its retry window.`,
        `Last attempt: ${attempt.error ?? `HTTP ${attempt.statusCode ?? '?'}`}.`,
        'Check the partner\u2019s endpoint or contact in the partners registry (PATCH /partners/{partnerId}), and tell the partner otherwise.',
      ],
    },
  };
}

function recordAttempt(update: PartnerUpdateRecord, command: AttemptToRecord, now: string): Decision<PartnerUpdateEvent> | null {
  if (!updateAwaitsDelivery(update)) return null;
  const ids = { updateId: update.updateId, partnerId: update.partnerId, status: update.status };
  return attemptDecision(
    update.attempts,
    command,
    ids,
    now,
    { sent: 'PARTNER_UPDATE_SENT', failed: 'PARTNER_UPDATE_ATTEMPT_FAILED', undeliverable: 'PARTNER_UPDATE_UNDELIVERABLE' },
    (attempt) => undeliverableAlert(update, attempt),
  ) as Decision<PartnerUpdateEvent> | null;
}

export const partnerUpdateDecider: Decider<PartnerUpdateRecord, PartnerUpdateCommand, PartnerUpdateEvent> = {
  kind: 'partnerUpdate',

  decide(command, update, { now }) {
    if (command.type === 'QUEUE') {
      if (update !== undefined) return null;
      const queued = command.update;
      return {
        event: {
          action: 'PARTNER_UPDATE_QUEUED',
          at: now,
          actor: SYSTEM_ACTOR,
          details: {
            updateId: queued.updateId,
            partnerId: queued.partnerId,
            status: queued.status,
            ...(queued.orderId === undefined ? {} : { orderId: queued.orderId }),
            urlCount: queued.urls?.length ?? 0,
          },
          data: queued,
        },
        followUps: [{ type: 'SEND_PARTNER_UPDATE', updateId: queued.updateId }],
      };
    }
    if (update === undefined) throw missing('partnerUpdate');
    switch (command.type) {
      case 'RECORD_ATTEMPT':
        return recordAttempt(update, command, now);
      default:
        return assertNever(command, 'partner update command');
    }
  },

  evolve(update, event) {
    if (event.action === 'PARTNER_UPDATE_QUEUED') return event.data;
    if (update === undefined) throw missing('partnerUpdate');
    const { nextAttemptAt: _next, ...settled } = update;
    switch (event.action) {
      case 'PARTNER_UPDATE_SENT':
        return {
          ...settled,
          delivery: 'DELIVERED',
          deliveredAt: event.at,
          attempts: keptAttempts(update.attempts, event.data?.attempt ?? { at: event.at }),
        };
      case 'PARTNER_UPDATE_ATTEMPT_FAILED':
        return { ...update, attempts: keptAttempts(update.attempts, event.details.attempt), nextAttemptAt: event.details.nextAttemptAt };
      case 'PARTNER_UPDATE_UNDELIVERABLE':
        return { ...settled, delivery: 'FAILED', failedAt: event.at, attempts: keptAttempts(update.attempts, event.details.attempt) };
      default:
        return assertNever(event, 'partner update event');
    }
  },
};

/**
 * A referral's decider (docs/referrals.md): opened with its order, delivered (each failed attempt
 * kept, so a failing delivery is visible, never silent), then followed by what the partner reports.
 * Its events join the case's chain; their details hold ids and counts, never a URL.
 */
import type { Decision, Decider, FollowUp, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { ConflictError, ValidationError } from '../errors';
import { assertNever } from '../model';
import { attemptDecision } from './delivery-attempts';
import { awaitsDelivery, keptAttempts, type ReferralRecord, type ReferralStatus, type ReferralStatusMessage } from '../referrals';
import type { WebhookAttempt } from '../webhooks';

const SYSTEM_ACTOR = 'system';

export type ReferralCommand =
  | { readonly type: 'OPEN'; readonly referral: ReferralRecord }
  /** `nextAttemptAt`: when a failed attempt is tried again; absent: the retry window is over. */
  | { readonly type: 'RECORD_ATTEMPT'; readonly attempt: WebhookAttempt; readonly delivered: boolean; readonly nextAttemptAt?: string }
  | { readonly type: 'RECORD_PARTNER_STATUS'; readonly partnerId: string; readonly message: ReferralStatusMessage };

type Ids = { referralId: string; partnerId: string };

export type ReferralEvent =
  | WithData<RecordEvent<'REFERRAL_OPENED', Ids & { orderId: string; channel: string; urlCount: number; country: string }>, ReferralRecord>
  | RecordEvent<'REFERRAL_SENT', Ids & { attempts: number }, { attempt: WebhookAttempt }>
  | RecordEvent<'REFERRAL_ATTEMPT_FAILED', Ids & { attempt: WebhookAttempt; nextAttemptAt: string }>
  | RecordEvent<'REFERRAL_UNDELIVERABLE', Ids & { attempt: WebhookAttempt }>
  | RecordEvent<'REFERRAL_ACKNOWLEDGED' | 'REFERRAL_ORDER_ISSUED' | 'REFERRAL_REVOKED', Ids & { reportedAt: string }>
  | WithData<RecordEvent<'REFERRAL_URLS_REMOVED', Ids & { removed: number; remaining: number; reportedAt: string }>, { urls: string[] }>
  | RecordEvent<'REFERRAL_DECLINED', Ids & { reason: string; reportedAt: string }>;

function staffAlert(referral: ReferralRecord, key: string, subject: string, lines: string[]): FollowUp {
  return { type: 'NOTIFY_STAFF', caseId: referral.caseId, eventKey: `referral-${key}:${referral.referralId}`, alert: { subject, lines } };
}

function recordAttempt(referral: ReferralRecord, command: Extract<ReferralCommand, { type: 'RECORD_ATTEMPT' }>, now: string) {
  // Delivered already: nothing more to record.
  if (!awaitsDelivery(referral)) return null;
  const ids = { referralId: referral.referralId, partnerId: referral.partnerId };
  return attemptDecision(
    referral.attempts,
    command,
    ids,
    now,
    { sent: 'REFERRAL_SENT', failed: 'REFERRAL_ATTEMPT_FAILED', undeliverable: 'REFERRAL_UNDELIVERABLE' },
    (attempt) =>
      staffAlert(referral, 'undeliverable', `Referral ${referral.referralId} to ${referral.partnerId} could not be delivered`, [
        `The referral of case ${referral.caseId} to partner ${referral.partnerId} failed every attempt of its retry window.`,
        `Last attempt: ${attempt.error ?? `HTTP ${attempt.statusCode ?? '?'}`}.`,
        'Check the partner\u2019s endpoint or contact in the partners registry (PATCH /partners/{partnerId}).',
      ]),
  );
}

function recordPartnerStatus(referral: ReferralRecord, command: Extract<ReferralCommand, { type: 'RECORD_PARTNER_STATUS' }>, now: string) {
  const { message } = command;
  const ids = { referralId: referral.referralId, partnerId: referral.partnerId };
  if (command.partnerId !== referral.partnerId)
    throw new ConflictError(`Referral ${referral.referralId} was not sent to ${command.partnerId}.`);
  if (referral.status === 'DECLINED' && message.status !== 'DECLINED') {
    throw new ConflictError(`Referral ${referral.referralId} was declined; a declined referral does not change again.`);
  }
  switch (message.status) {
    case 'ACKNOWLEDGED':
      if (referral.acknowledgedAt !== undefined) return null;
      return { event: { action: 'REFERRAL_ACKNOWLEDGED', at: now, actor: command.partnerId, details: { ...ids, reportedAt: message.at } } };
    case 'ORDER_ISSUED':
      if (referral.orderIssuedAt !== undefined) return null;
      return { event: { action: 'REFERRAL_ORDER_ISSUED', at: now, actor: command.partnerId, details: { ...ids, reportedAt: message.at } } };
    case 'REVOKED':
      if (referral.revokedAt !== undefined) return null;
      return { event: { action: 'REFERRAL_REVOKED', at: now, actor: command.partnerId, details: { ...ids, reportedAt: message.at } } };
    case 'REMOVED': {
      const known = new Set(referral.urls.map((entry) => entry.url));
      const unknown = (message.urls ?? []).filter((url) => !known.has(url));
      if (unknown.length > 0) {
        throw new ValidationError(`${unknown.length} of the URLs reported removed are not in referral ${referral.referralId}.`, [
          { field: 'urls', message: 'report only URLs of the referral' },
        ]);
      }
      const reported = new Set(message.urls ?? known);
      const urls = referral.urls.filter((entry) => entry.removedAt === undefined && reported.has(entry.url)).map((entry) => entry.url);
      if (urls.length === 0) return null;
      const remaining = referral.urls.filter((entry) => entry.removedAt === undefined).length - urls.length;
      return {
        event: {
          action: 'REFERRAL_URLS_REMOVED',
          at: now,
          actor: command.partnerId,
          details: { ...ids, removed: urls.length, remaining, reportedAt: message.at },
          data: { urls },
        },
      };
    }
    case 'DECLINED':
      if (referral.declined !== undefined) return null;
      if (referral.status === 'REMOVED')
        throw new ConflictError(`Referral ${referral.referralId} was removed in full; it can no longer be declined.`);
      return {
        event: {
          action: 'REFERRAL_DECLINED',
          at: now,
          actor: command.partnerId,
          details: { ...ids, reason: message.reason, reportedAt: message.at },
        },
        followUps: [
          staffAlert(referral, 'declined', `Partner ${referral.partnerId} declined referral ${referral.referralId}`, [
            `Case ${referral.caseId}: partner ${referral.partnerId} declined the referral.`,
            `Its reason: ${message.reason}`,
          ]),
        ],
      };
    default:
      return assertNever(message, 'referral status');
  }
}

/** Where a partner's acknowledgement leaves the referral: a later word that arrived first (removed, declined, revoked) stands. */
function acknowledged(status: ReferralStatus): ReferralStatus {
  return status === 'PENDING' || status === 'SENT' || status === 'FAILED' ? 'ACKNOWLEDGED' : status;
}

export const referralDecider: Decider<ReferralRecord, ReferralCommand, ReferralEvent> = {
  kind: 'referral',

  decide(command, referral, { now }): Decision<ReferralEvent> | null {
    if (command.type === 'OPEN') {
      if (referral !== undefined) return null;
      const opened = command.referral;
      return {
        event: {
          action: 'REFERRAL_OPENED',
          at: now,
          actor: SYSTEM_ACTOR,
          details: {
            referralId: opened.referralId,
            partnerId: opened.partnerId,
            orderId: opened.orderId,
            channel: opened.channel,
            urlCount: opened.urls.length,
            country: opened.country,
          },
          data: opened,
        },
        followUps: [{ type: 'SEND_REFERRAL', referralId: opened.referralId }],
      };
    }
    if (referral === undefined) throw missing('referral');
    switch (command.type) {
      case 'RECORD_ATTEMPT':
        return recordAttempt(referral, command, now) as Decision<ReferralEvent> | null;
      case 'RECORD_PARTNER_STATUS':
        return recordPartnerStatus(referral, command, now) as Decision<ReferralEvent> | null;
      default:
        return assertNever(command, 'referral command');
    }
  },

  evolve(referral, event) {
    if (event.action === 'REFERRAL_OPENED') return event.data;
    if (referral === undefined) throw missing('referral');
    const attempts = (attempt: WebhookAttempt) => keptAttempts(referral.attempts, attempt);
    // A partner's word on a referral whose delivery we had not recorded (its answer came first) proves delivery.
    const { nextAttemptAt: _next, failedAt: _failed, ...settled } = referral;
    const answered = { ...settled, sentAt: referral.sentAt ?? event.at, acknowledgedAt: referral.acknowledgedAt ?? event.at };
    switch (event.action) {
      case 'REFERRAL_SENT':
        return { ...settled, status: 'SENT', sentAt: event.at, attempts: attempts(event.data?.attempt ?? { at: event.at }) };
      case 'REFERRAL_ATTEMPT_FAILED':
        return { ...referral, attempts: attempts(event.details.attempt), nextAttemptAt: event.details.nextAttemptAt };
      case 'REFERRAL_UNDELIVERABLE':
        return { ...settled, status: 'FAILED', failedAt: event.at, attempts: attempts(event.details.attempt) };
      case 'REFERRAL_ACKNOWLEDGED':
        return { ...answered, status: acknowledged(referral.status) };
      case 'REFERRAL_ORDER_ISSUED':
        return { ...answered, status: acknowledged(referral.status), orderIssuedAt: event.at };
      case 'REFERRAL_REVOKED':
        return { ...answered, status: 'REVOKED', revokedAt: event.at };
      case 'REFERRAL_URLS_REMOVED': {
        const removed = new Set(event.data.urls);
        const urls = referral.urls.map((entry) => (removed.has(entry.url) ? { ...entry, removedAt: event.at } : entry));
        return event.details.remaining === 0
          ? { ...answered, urls, status: 'REMOVED', removedAt: event.at }
          : { ...answered, urls, status: acknowledged(referral.status) };
      }
      case 'REFERRAL_DECLINED':
        return { ...answered, status: 'DECLINED', declined: { reason: event.details.reason, at: event.at } };
      default:
        return assertNever(event, 'referral event');
    }
  },
};

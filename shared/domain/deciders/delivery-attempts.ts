/**
 * What an attempt at delivering a message to a partner makes of the record that carries it (a
 * referral, a status update back): one event of three, named by each decider, with staff told
 * when the retry window is over. Shared so that both are delivered alike. Pure.
 */
import type { Decision, FollowUp, RecordEvent } from '../decider';
import { assertNever } from '../model';
import { type AttemptToRecord, attemptOutcome } from '../referrals';
import type { WebhookAttempt } from '../webhooks';

const SYSTEM_ACTOR = 'system';

export interface AttemptActions {
  readonly sent: string;
  readonly failed: string;
  readonly undeliverable: string;
}

/** The decision an attempt brings, or null when this very attempt is recorded already (a retried act). */
export function attemptDecision(
  attempts: readonly WebhookAttempt[],
  command: AttemptToRecord,
  ids: object,
  now: string,
  actions: AttemptActions,
  undeliverableAlert: (attempt: WebhookAttempt) => FollowUp,
): Decision<RecordEvent> | null {
  const { attempt } = command;
  const outcome = attemptOutcome(attempts, command);
  switch (outcome) {
    case null:
      return null;
    case 'SENT':
      return {
        event: {
          action: actions.sent,
          at: now,
          actor: SYSTEM_ACTOR,
          details: { ...ids, attempts: attempts.length + 1 },
          data: { attempt },
        },
      };
    case 'ATTEMPT_FAILED':
      return {
        event: {
          action: actions.failed,
          at: now,
          actor: SYSTEM_ACTOR,
          details: { ...ids, attempt, nextAttemptAt: command.nextAttemptAt ?? now },
        },
      };
    case 'UNDELIVERABLE':
      return {
        event: { action: actions.undeliverable, at: now, actor: SYSTEM_ACTOR, details: { ...ids, attempt } },
        followUps: [undeliverableAlert(attempt)],
      };
    default:
      return assertNever(outcome, 'attempt outcome');
  }
}

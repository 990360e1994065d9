/**
 * The one shape of every change to a record (case, order, review, appeal, operator):
 * `decide(command, state, context)` answers the event the command causes (or `null` when it
 * already happened, which makes every act safe to repeat), or throws a DomainError that refuses
 * it; `evolve(state, event)` answers the record after the event. The store writes the new state,
 * the event (which is the audit chain's entry) and its follow-ups in one conditional write
 * (shared/store/journal.ts). Pure: no I/O, no clock (the time comes in the context).
 */
import type { AppealObjection, AppealRecord, DeadlineChange } from './model';
import type { PartnerUpdateStatus } from './partner-updates';
import type { Policy } from './policy';
import type { ReporterUrlOutcome } from './reporter';

/**
 * One audited change of one record. `details` is what the audit chain records and shows (never
 * victim data: no URL, summary or reporter reference); `data` is what `evolve` needs beyond it,
 * kept with the event but outside the chain.
 */
export interface RecordEvent<Action extends string = string, Details extends object = Record<string, unknown>, Data = unknown> {
  readonly action: Action;
  readonly at: string;
  readonly actor: string;
  readonly details: Details;
  readonly data?: Data;
}

/** The member of an event union that carries `Action` (members may share one shape for several actions). */
export type EventFor<Event extends RecordEvent, Action extends Event['action']> = Event extends unknown
  ? Action extends Event['action']
    ? Event
    : never
  : never;

/** An event whose `data` evolve cannot do without. */
export type WithData<Event extends RecordEvent, Data> = Event & { readonly data: Data };

/**
 * A side effect an event requires, done after the write by the request itself and, should that
 * fail or crash, by the sweeper. Each must be safe to do twice: notices are claimed by their
 * `eventKey`, a completed task token cannot complete again, an execution is named after its case,
 * and a command on another record is refused or skipped by that record's decider when done.
 */
export type FollowUp =
  | { readonly type: 'NOTIFY_OPERATOR'; readonly orderId: string; readonly notice: OperatorNoticeRequest; readonly eventKey: string }
  | { readonly type: 'NOTIFY_STAFF'; readonly caseId: string; readonly alert: StaffAlertRequest; readonly eventKey: string }
  | { readonly type: 'COMPLETE_WAIT'; readonly caseId: string; readonly purpose: string; readonly output: Record<string, unknown> }
  | { readonly type: 'START_WORKFLOW'; readonly caseId: string }
  /** An operator's contact e-mails changed: the old and the new contacts are both told. */
  | {
      readonly type: 'NOTIFY_CONTACT_CHANGE';
      readonly operatorId: string;
      readonly eventKey: string;
      readonly before: readonly string[];
      readonly after: readonly string[];
    }
  | { readonly type: 'RUN'; readonly command: RecordCommand }
  /** Files the case's unassigned URLs as the follow-up case the event named (a case id fixed by the event). */
  | { readonly type: 'FILE_FOLLOW_UP'; readonly caseId: string; readonly followUpCaseId: string; readonly filedBy: string }
  /**
   * The outcome of a case's URLs changed for its reporter, who asked to be told: those of
   * `operatorId`'s order, or every URL of the case when there is no order. Only ids and outcome
   * codes here: the address is read from the case when the e-mail is sent.
   */
  | {
      readonly type: 'NOTIFY_REPORTER';
      readonly caseId: string;
      readonly operatorId?: string;
      /** An ISP's order: the owners of the URLs it blocks (the e-mail names their URLs). */
      readonly urlOwners?: readonly (string | null)[];
      readonly previous: ReporterUrlOutcome;
      readonly outcome: ReporterUrlOutcome;
      readonly eventKey: string;
    }
  /** A poster who left a contact hears the outcome of the objection (once per event key). */
  | { readonly type: 'NOTIFY_OBJECTOR'; readonly appealId: string; readonly objectionId: string; readonly eventKey: string }
  /** The case's block-list entries follow its BLOCK_ACCESS orders (once they are issued, and derived from a revoking event: see `followUpsOf`). */
  | { readonly type: 'SYNC_BLOCKLIST'; readonly caseId: string }
  /** The case's hashes join or leave the hash list as its orders now stand (docs/hashes.md). */
  | { readonly type: 'SYNC_HASH_LISTING'; readonly caseId: string }
  /** An overseas host's request was issued: the partner covering its country gets a referral (derived: see `followUpsOf`). */
  | { readonly type: 'REFER_ABROAD'; readonly orderId: string }
  /** A referral's message is sent to its partner, unless delivered already (docs/referrals.md). */
  | { readonly type: 'SEND_REFERRAL'; readonly referralId: string }
  /**
   * The case a partner referred to us moved: the partner is told (docs/referrals.md). Stored as an
   * update under `key`, which the change fixes, then sent like a referral.
   */
  | {
      readonly type: 'TELL_PARTNER';
      readonly caseId: string;
      readonly partnerId: string;
      readonly reference: string;
      readonly status: PartnerUpdateStatus;
      readonly key: string;
      readonly orderId?: string;
      readonly reason?: string;
    }
  /** A status update's message is sent to the partner, unless delivered already. */
  | { readonly type: 'SEND_PARTNER_UPDATE'; readonly updateId: string };

/** What an operator notice says, beside the order it is about (rendered by shared/notices). */
export type OperatorNoticeRequest =
  | { readonly kind: 'ORDER' }
  | { readonly kind: 'REMINDER'; readonly reminderAt: string }
  | { readonly kind: 'OVERDUE' }
  | { readonly kind: 'REVOKED' }
  | { readonly kind: 'CONFIRMED' }
  | { readonly kind: 'APPEAL_OUTCOME'; readonly outcome: 'UPHELD' | 'OVERTURNED' }
  | { readonly kind: 'FINE' }
  | { readonly kind: 'DEADLINE_CHANGED'; readonly change: DeadlineChange }
  | { readonly kind: 'FINE_DECISION' }
  | { readonly kind: 'REINSTATE'; readonly reminder?: boolean }
  /** Post-monitoring found `stillUp` of the order's URLs online after the operator reported compliance. */
  | { readonly kind: 'STILL_ONLINE'; readonly stillUp: number };

export interface StaffAlertRequest {
  readonly subject: string;
  readonly lines: readonly string[];
}

/** A command addressed to a record by kind and id, for follow-ups that change another record. */
export type RecordCommand =
  | { readonly kind: 'review'; readonly reviewId: string; readonly command: { readonly type: 'CLOSE_IF_DECIDED' } }
  | {
      readonly kind: 'appeal';
      readonly appealId: string;
      readonly command:
        | { readonly type: 'FILE'; readonly appeal: AppealRecord }
        | { readonly type: 'SETTLE'; readonly result: 'UPHELD' | 'OVERTURNED' }
        | { readonly type: 'JOIN'; readonly objection: AppealObjection };
    }
  /** A decided fine lower than proposed gives room back to its operator's cap period. */
  | {
      readonly kind: 'fineLedger';
      readonly operatorId: string;
      readonly period: string;
      readonly command: { readonly type: 'RELEASE'; readonly orderId: string; readonly amount: number };
    }
  /** A post-monitoring round found URLs still up: the order's own reopening, as an act of its own. */
  | {
      readonly kind: 'order';
      readonly orderId: string;
      readonly command: { readonly type: 'RECORD_NON_COMPLIANCE'; readonly cause: 'POST_MONITORING'; readonly checkedAt: string };
    };

export interface Decision<Event extends RecordEvent> {
  readonly event: Event;
  readonly followUps?: readonly FollowUp[];
}

export interface DecisionContext {
  readonly now: string;
  readonly policy: Policy;
}

export interface Decider<State, Command, Event extends RecordEvent> {
  /** Names the record kind in errors and in the journal. */
  readonly kind: RecordKind;
  decide(command: Command, state: State | undefined, context: DecisionContext): Decision<Event> | null;
  evolve(state: State | undefined, event: Event): State;
}

export const RECORD_KINDS = [
  'case',
  'order',
  'review',
  'appeal',
  'operator',
  'fineLedger',
  'partner',
  'referral',
  'partnerUpdate',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * A command for a record that does not exist: callers check existence first (an API answers 404),
 * so reaching this is a defect, not a person's mistake.
 */
export function missing(kind: RecordKind): Error {
  return new Error(`No such ${kind}: it must be created before it can change.`);
}

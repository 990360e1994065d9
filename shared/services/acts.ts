/**
 * Acts on records and what follows them (docs/architecture.md, "The write model"). `act` runs a
 * command through the journal's one `execute` and then does the committed event's follow-ups at
 * once; the sweeper finishes, with `settleLeftovers`, whatever a fault or a crash left undone. An
 * act answered with success is committed, and everything it requires is done or durably queued.
 */
import type { Decider, FollowUp, OperatorNoticeRequest, RecordEvent, StaffAlertRequest } from '../domain/decider';
import { changesBlocklist } from '../domain/blocklist';
import { appealDecider } from '../domain/deciders/appeal';
import { caseDecider } from '../domain/deciders/case';
import { fineLedgerDecider } from '../domain/deciders/fine-ledger';
import { orderDecider } from '../domain/deciders/order';
import { ConflictError } from '../domain/errors';
import { reviewDecider } from '../domain/deciders/review';
import { assertNever, type OrderRecord } from '../domain/model';
import type { ReporterUpdate } from '../domain/reporter';
import { nowIso } from '../runtime/clock';
import { logger } from '../runtime/logger';
import { REPORTER_NOTICE_KIND, STAFF_NOTICE_KIND } from '../runtime/metric-names';
import { countNotice } from '../runtime/metrics';
import { execute, listUnsettled, listUnsettledOf, project, settle, type Executed, type StoredEvent } from '../store/journal';
import { refs, type RecordRef } from '../store/keys';
import { completeWaitingTask, startCaseWorkflow } from '../workflow/client';
import { syncBlocklist } from './blocklist';
import { fileFollowUpCase } from './follow-ups';
import { syncHashListing } from './hash-list';
import {
  deliverContactChange,
  deliverObjectionOutcome,
  deliverOperatorNotice,
  deliverReporterUpdate,
  deliverStaffAlert,
  type OperatorNoticeDelivery,
} from './notify';
import { sendPartnerUpdate, tellPartner } from './partner-updates';
import { policyForRecord } from './policies';
import { referAbroad, sendReferral } from './referrals';
import { queueWebhookEvents } from './webhooks';

/** Runs `command` on the record and does what its event requires; refusals throw, nothing written. */
export async function act<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  ref: RecordRef,
  command: Command,
  now: string = nowIso(),
): Promise<Executed<State>> {
  const executed = await execute(decider, ref, command, { now, policy: await policyForRecord(ref) });
  if (executed.committed) await finish(executed.committed);
  return executed;
}

/**
 * `act` for a person's request, which may be the same request sent again after its answer was
 * lost: the first may have died between its commit and its follow-ups. A repeat that commits
 * nothing, or that is refused as a conflict (an approval already given), finishes the record's
 * unsettled follow-ups now, for the person waiting, instead of at the sweeper's next pass. The
 * answer, or the refusal, is the act's own.
 */
export async function actOnRequest<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  ref: RecordRef,
  command: Command,
  now: string,
): Promise<Executed<State>> {
  try {
    const executed = await act(decider, ref, command, now);
    if (!executed.committed) await finishUnsettledOf(ref.root.pk);
    return executed;
  } catch (error) {
    if (error instanceof ConflictError) await finishUnsettledOf(ref.root.pk);
    throw error;
  }
}

/** Counts a failed attempt to send a notice of `kind` and fails as the attempt did. */
const noticeFailed =
  (kind: string) =>
  (error: unknown): never => {
    countNotice('NoticeFailed', kind);
    throw error;
  };

/**
 * Sends the notice (once per event key), records it on the order and queues its webhook events: accepted (an ORDER notice
 * starts the order's clock), or refused for good (an ORDER notice makes the order UNDELIVERED;
 * another notice is kept on the order as REJECTED, for staff to see). A notice is counted as sent
 * when it is recorded: a repeated call (a retry, the sweeper) records nothing and counts nothing.
 */
export async function notifyOperator(orderId: string, notice: OperatorNoticeRequest, eventKey: string): Promise<OperatorNoticeDelivery> {
  const delivery = await deliverOperatorNotice(orderId, notice, eventKey).catch(noticeFailed(notice.kind));
  const ref = refs.order(orderId);
  if (delivery.accepted) {
    const deadlines = delivery.deadlines ? { deadlines: delivery.deadlines } : {};
    const { committed } = await act(orderDecider, ref, { type: 'RECORD_NOTICE', notice: delivery.record, ...deadlines });
    if (committed) countNotice('NoticeSent', notice.kind);
    // Once the e-mail is recorded, so that the event states what the notice started (an order's
    // deadline); a notice that never reached the operator gives its system no event either.
    await queueWebhookEvents(delivery.operator, orderId, notice, eventKey);
  } else if (notice.kind === 'ORDER') {
    countNotice('NoticeFailed', notice.kind);
    await act(orderDecider, ref, { type: 'MARK_UNDELIVERED', reason: delivery.reason });
  } else {
    countNotice('NoticeFailed', notice.kind);
    const at = nowIso();
    await act(orderDecider, ref, {
      type: 'RECORD_NOTICE',
      notice: { eventKey, kind: notice.kind, to: [], sentAt: at, messageId: '', status: 'REJECTED', reason: delivery.reason, statusAt: at },
    });
  }
  return delivery;
}

/** Sends the alert (once per event key) and records on the case that staff were told. */
export async function notifyStaff(caseId: string, alert: StaffAlertRequest, eventKey: string): Promise<void> {
  const delivery = await deliverStaffAlert(caseId, alert, eventKey).catch(noticeFailed(STAFF_NOTICE_KIND));
  if (delivery === undefined) return;
  const { committed } = await act(caseDecider, refs.case(caseId), {
    type: 'RECORD_STAFF_ALERT',
    eventKey,
    messageId: delivery.messageId,
    sentAt: delivery.sentAt,
  });
  if (committed) countNotice('NoticeSent', STAFF_NOTICE_KIND);
}

/** E-mails the reporter that an outcome changed (once per event key) and records on the case that it was told. */
export async function notifyReporter(update: ReporterUpdate): Promise<void> {
  const delivery = await deliverReporterUpdate(update).catch(noticeFailed(REPORTER_NOTICE_KIND));
  if (delivery === undefined) return;
  const { committed } = await act(caseDecider, refs.case(update.caseId), {
    type: 'RECORD_REPORTER_UPDATE',
    eventKey: update.eventKey,
    messageId: delivery.messageId,
    sentAt: delivery.sentAt,
  });
  if (committed) countNotice('NoticeSent', REPORTER_NOTICE_KIND);
}

/** Does one follow-up; `at` is the time of the event that requires it, which a command it runs acts at. */
async function perform(followUp: FollowUp, at: string): Promise<void> {
  switch (followUp.type) {
    case 'NOTIFY_OPERATOR':
      await notifyOperator(followUp.orderId, followUp.notice, followUp.eventKey);
      return;
    case 'NOTIFY_STAFF':
      await notifyStaff(followUp.caseId, followUp.alert, followUp.eventKey);
      return;
    case 'COMPLETE_WAIT':
      await completeWaitingTask(followUp.caseId, followUp.purpose, followUp.output);
      return;
    case 'START_WORKFLOW':
      await startCaseWorkflow(followUp.caseId);
      return;
    case 'NOTIFY_CONTACT_CHANGE':
      await deliverContactChange(followUp.operatorId, followUp, at);
      return;
    case 'FILE_FOLLOW_UP':
      await fileFollowUpCase(followUp, at);
      return;
    case 'NOTIFY_REPORTER':
      await notifyReporter(followUp);
      return;
    case 'NOTIFY_OBJECTOR':
      await deliverObjectionOutcome(followUp.appealId, followUp.objectionId, followUp.eventKey);
      return;
    case 'SYNC_BLOCKLIST':
      await syncBlocklist(followUp.caseId, at);
      return;
    case 'SYNC_HASH_LISTING':
      await syncHashListing(followUp.caseId, at);
      return;
    case 'REFER_ABROAD':
      await referAbroad(followUp.orderId, at);
      return;
    case 'SEND_REFERRAL':
      await sendReferral(followUp.referralId, nowIso());
      return;
    case 'TELL_PARTNER':
      await tellPartner(followUp, at);
      return;
    case 'SEND_PARTNER_UPDATE':
      await sendPartnerUpdate(followUp.updateId, nowIso());
      return;
    case 'RUN': {
      const { command } = followUp;
      switch (command.kind) {
        case 'review':
          await act(reviewDecider, refs.review(command.reviewId), command.command, at);
          return;
        case 'appeal':
          await act(appealDecider, refs.appeal(command.appealId), command.command, at);
          return;
        case 'fineLedger':
          await act(fineLedgerDecider, refs.fineLedger(command.operatorId, command.period), command.command, at);
          return;
        case 'order':
          await act(orderDecider, refs.order(command.orderId), command.command, at);
          return;
        default:
          return assertNever(command, 'follow-up command');
      }
    }
    default:
      return assertNever(followUp, 'follow-up');
  }
}

/**
 * The event's stored follow-ups, and those derived from it: the block list follows every order
 * event that can remove an entry, whichever decider rule made the event (also for events committed
 * before the list existed, when the sweeper finishes them); an overseas host's request, once
 * issued, is referred to the partner covering the host's country (docs/referrals.md).
 */
function followUpsOf(event: StoredEvent): readonly FollowUp[] {
  const derived: FollowUp[] = [];
  if (changesBlocklist({ action: event.action, targetKind: event.target.kind, state: event.state })) {
    derived.push({ type: 'SYNC_BLOCKLIST', caseId: (event.state as { caseId: string }).caseId });
  }
  if (event.target.kind === 'order' && event.action === 'ORDER_ISSUED' && (event.state as OrderRecord).action === 'DELETE_REQUEST') {
    derived.push({ type: 'REFER_ABROAD', orderId: (event.state as OrderRecord).orderId });
  }
  return [...event.followUps, ...derived];
}

/**
 * Does the event's follow-ups in order, then settles it. A failure is logged and left for the
 * sweeper: the act itself is committed, so its caller must not be told it failed.
 */
export async function finish(event: StoredEvent): Promise<boolean> {
  try {
    for (const followUp of followUpsOf(event)) await perform(followUp, event.at);
    await settle(event);
    return true;
  } catch (error) {
    logger.warn('follow-up left for the sweeper', {
      stream: event.stream,
      seq: event.seq,
      action: event.action,
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

/** Finishes every unsettled event of a stream now (a task that needs what they cause). */
export async function finishUnsettledOf(stream: string): Promise<void> {
  for (const event of await listUnsettledOf(stream)) {
    await project(event);
    await finish(event);
  }
}

/** How long an event may stay unsettled before the sweeper takes it as left by a fault. */
export const LEFTOVER_AGE_MS = 60_000;
const LEFTOVERS_PER_SWEEP = 200;

/** Projects and finishes events that stayed unsettled for over a minute; answers how many it settled. */
export async function settleLeftovers(now: string): Promise<{ found: number; settled: number }> {
  const before = new Date(Date.parse(now) - LEFTOVER_AGE_MS).toISOString();
  const leftovers = await listUnsettled(before, LEFTOVERS_PER_SWEEP);
  let settled = 0;
  for (const event of leftovers) {
    logger.warn('sweep: an act was left unfinished by a fault; finishing it', {
      stream: event.stream,
      seq: event.seq,
      action: event.action,
    });
    await project(event);
    if (await finish(event)) settled += 1;
  }
  return { found: leftovers.length, settled };
}

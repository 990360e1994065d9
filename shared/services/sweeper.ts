/**
 * The scheduled sweep (every minute): reminders (before compliance deadlines, of unanswered
 * reinstatement instructions, of fines due for decision), and the safety net.
 * The workflow owns the timeline and each act does its own follow-ups, so work of the second kind
 * means a fault happened; the sweep repairs it, says so in a warning, and counts it:
 * - acts whose follow-ups a fault left undone (older than a minute) are finished;
 * - deadlines and reviews whose workflow timer did not act are enforced and closed;
 * - reviews whose outcome became certain but that are still OPEN are closed;
 * - cases whose execution is missing are started again, and a running execution's waits whose
 *   act has happened are completed again (a few quiet cases a sweep, in turn).
 * Every step is an act or an idempotent call, so two sweeps at once, or a sweep racing the
 * workflow, do no harm.
 */
import { reviewDecider } from '../domain/deciders/review';
import { type OrderCommand, orderDecider } from '../domain/deciders/order';
import { isPast, orderDeadlines } from '../domain/deadlines';
import type { OrderRecord } from '../domain/model';
import { complianceOpen } from '../domain/orders';
import { durationToMs, type Policy } from '../domain/policy';
import { decidedEarly } from '../domain/vote-count';
import { config } from '../runtime/config';
import { appendCorrelationKeys, removeCorrelationKeys } from '../runtime/invocation';
import { logger } from '../runtime/logger';
import { TransientError } from '../runtime/transient';
import { refs } from '../store/keys';
import {
  listFinesDueForDecision,
  listOpenOrders,
  listOpenReviews,
  listPendingReinstatements,
  listOverdueOrders,
  listQuietActiveCases,
  readSweepCursor,
  writeSweepCursor,
} from '../store/repository';
import { caseExecutionStatus, startCaseWorkflow } from '../workflow/client';
import { act, settleLeftovers } from './acts';
import { policyOfCase } from './policies';
import { enforceDeadline, graceExpired } from './deadlines';
import { closeReviewAtDeadline } from './reviews';
import { recompleteWaits } from './task-tokens';

/** How late the workflow may be before the sweep steps in: its own timers fire within seconds. */
export const SAFETY_MARGIN = 'PT60S';
/** A case whose last event is younger than this is left to its workflow. */
const QUIET_FOR_MS = 2 * 60_000;
const CASES_RECONCILED_PER_SWEEP = 25;

export interface SweepCounts {
  /**
   * Reminders due and sent by this sweep: before compliance deadlines, of unanswered reinstatement
   * instructions, and to staff of fines due for decision.
   */
  reminders: number;
  /** Deadlines the workflow had not enforced, enforced by this sweep. */
  enforced: number;
  /** Reviews past their close that this sweep decided, or whose outcome had become certain. */
  reviewsClosed: number;
  /** Acts whose follow-ups a fault had left undone, finished by this sweep. */
  leftoversSettled: number;
  /** Cases whose missing execution this sweep started. */
  executionsStarted: number;
  /** Waits of running executions this sweep completed because their act had happened. */
  waitsCompleted: number;
  /** Items that failed; the next sweep tries them again. */
  failed: number;
}

/** The reminder to send now, if any, and every due reminder it makes moot. */
function dueReminders(order: OrderRecord, policy: Policy, now: string): { send: string; record: string[] } | null {
  const { deadlineAt, noticeAcceptedAt } = order;
  if (deadlineAt === undefined || noticeAcceptedAt === undefined || isPast(deadlineAt, now)) return null;
  // The reminders of the running clock, which started when the order notice was accepted.
  const due = orderDeadlines(policy, noticeAcceptedAt).reminderAts.filter(
    (at) => isPast(at, now) && Date.parse(at) < Date.parse(deadlineAt) && !order.remindersSent.includes(at),
  );
  const latest = due.at(-1);
  // After a pause of the sweeper only the latest due reminder goes out: earlier ones would only repeat it.
  return latest === undefined ? null : { send: latest, record: due };
}

function failure(what: string, ids: Record<string, string>, error: unknown): void {
  // Throttling, or another sweep sending the same notice, is expected now and then: not an error.
  const log = error instanceof TransientError ? logger.warn.bind(logger) : logger.error.bind(logger);
  log(`sweep: ${what} failed; the next sweep tries again`, {
    ...ids,
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message : String(error),
  });
}

/** Runs one step of the sweep; a failure is counted and logged, and the sweep goes on. */
async function attempt(counts: SweepCounts, what: string, ids: Record<string, string>, step: () => Promise<void>): Promise<void> {
  // Every line the step writes (the acts, the notices) names the case it is about.
  appendCorrelationKeys(ids);
  try {
    await step();
  } catch (error) {
    counts.failed += 1;
    failure(what, ids, error);
  } finally {
    removeCorrelationKeys(ids);
  }
}

async function sweepOrders(counts: SweepCounts, now: string, safetyLine: string): Promise<void> {
  // The current policy's reminders bound the query; a case bound to an older version with earlier
  // reminders still has its workflow's own timers, which this sweep only backs up.
  const furthestReminder = Math.max(0, ...config().policy.reminders.map(durationToMs));
  // Only orders whose earliest reminder may be due can need anything: the index is sorted by deadline.
  const orders = await listOpenOrders(new Date(Date.parse(now) + furthestReminder + 1).toISOString());
  for (const order of orders) {
    if (!complianceOpen(order) || order.deadlineAt === undefined) continue;
    const ids = { caseId: order.caseId, orderId: order.orderId };
    if (Date.parse(order.deadlineAt) < Date.parse(safetyLine)) {
      logger.warn('sweep: a compliance deadline passed without enforcement; enforcing it now', { ...ids, deadlineAt: order.deadlineAt });
      await attempt(counts, 'enforcing a deadline', ids, async () => {
        await enforceDeadline(order.orderId, now);
        counts.enforced += 1;
      });
      continue;
    }
    const due = dueReminders(order, await policyOfCase(order.caseId), now);
    if (!due) continue;
    await attempt(counts, 'sending a reminder', ids, async () => {
      const { committed } = await act(
        orderDecider,
        refs.order(order.orderId),
        { type: 'REMIND', reminderAt: due.send, due: due.record },
        now,
      );
      if (committed) counts.reminders += 1;
    });
  }
  // A re-issued order has no workflow timer of its own: its grace period ends here (and any the workflow missed).
  for (const order of await listOverdueOrders(safetyLine)) {
    const ids = { caseId: order.caseId, orderId: order.orderId };
    logger.warn('sweep: a grace period ended without its non-compliance on record; recording it now', { ...ids });
    await attempt(counts, 'recording non-compliance', ids, async () => {
      await graceExpired(order.orderId, now);
      counts.enforced += 1;
    });
  }
}

/**
 * Reminders no workflow timer sends (the case's execution has ended): to operators that have not
 * answered a lifted order's reinstatement instruction within the case policy's
 * `reinstatementReminder`, and to staff of fines still PROPOSED after their opinion period. Each
 * is an act that takes the order off its list, so a second sweep sends nothing more.
 */
async function sweepRemindersAfterClose(counts: SweepCounts, now: string): Promise<void> {
  const remind = (what: string, command: OrderCommand) => (order: OrderRecord) => ({ order, command, what });
  const due = [
    ...(await listPendingReinstatements()).map(remind('reminding of a reinstatement', { type: 'REMIND_REINSTATEMENT' })),
    ...(await listFinesDueForDecision(now)).map(remind('reminding staff of a fine decision', { type: 'REMIND_FINE_DECISION' })),
  ];
  for (const { order, command, what } of due) {
    await attempt(counts, what, { caseId: order.caseId, orderId: order.orderId }, async () => {
      const { committed } = await act(orderDecider, refs.order(order.orderId), command, now);
      if (committed) counts.reminders += 1;
    });
  }
}

async function sweepReviews(counts: SweepCounts, now: string, safetyLine: string): Promise<void> {
  for (const review of await listOpenReviews()) {
    const ids = { caseId: review.caseId, reviewId: review.reviewId };
    if (Date.parse(review.closesAt) < Date.parse(safetyLine)) {
      logger.warn('sweep: a review stayed open past its close; closing it now', { ...ids, closesAt: review.closesAt });
      await attempt(counts, 'closing a review', ids, async () => {
        if ((await closeReviewAtDeadline(review.reviewId, now)).decided) counts.reviewsClosed += 1;
      });
    } else if (decidedEarly(review, (await policyOfCase(review.caseId)).votes) !== null) {
      logger.warn('sweep: a review whose outcome is certain is still open; closing it now', ids);
      await attempt(counts, 'closing a decided review', ids, async () => {
        const { committed } = await act(reviewDecider, refs.review(review.reviewId), { type: 'CLOSE_IF_DECIDED' }, now);
        if (committed) counts.reviewsClosed += 1;
      });
    }
  }
}

/**
 * Looks at a few quiet cases in turn (a cursor over the active cases, by time of last event): a
 * case without an execution gets one; a running execution gets the waits whose act happened.
 */
async function reconcileExecutions(counts: SweepCounts, now: string): Promise<void> {
  const quietBefore = new Date(Date.parse(now) - QUIET_FOR_MS).toISOString();
  const cursor = await readSweepCursor();
  const cases = await listQuietActiveCases(quietBefore, CASES_RECONCILED_PER_SWEEP, cursor);
  for (const record of cases) {
    const ids = { caseId: record.caseId };
    await attempt(counts, 'reconciling a case with its execution', ids, async () => {
      const status = await caseExecutionStatus(record.caseId);
      if (status === null) {
        logger.warn('sweep: a case has no execution; starting it', ids);
        await startCaseWorkflow(record.caseId);
        counts.executionsStarted += 1;
      } else if (status === 'RUNNING') {
        const completed = await recompleteWaits(record.caseId);
        if (completed > 0) logger.warn('sweep: a running execution waited for acts that had happened; completed', { ...ids, completed });
        counts.waitsCompleted += completed;
      } else {
        logger.error('sweep: a case is still going on but its execution ended; staff should look at it', { ...ids, status });
      }
    });
  }
  // Next sweep goes on after the last case seen; having seen them all, it starts over.
  await writeSweepCursor(cases.length < CASES_RECONCILED_PER_SWEEP ? undefined : cases.at(-1)?.position);
}

export async function sweep(now: string): Promise<SweepCounts> {
  const counts: SweepCounts = {
    reminders: 0,
    enforced: 0,
    reviewsClosed: 0,
    leftoversSettled: 0,
    executionsStarted: 0,
    waitsCompleted: 0,
    failed: 0,
  };
  const safetyLine = new Date(Date.parse(now) - durationToMs(SAFETY_MARGIN)).toISOString();
  const steps: [string, () => Promise<void>][] = [
    [
      'finishing left-over acts',
      async () => {
        const leftovers = await settleLeftovers(now);
        counts.leftoversSettled += leftovers.settled;
        counts.failed += leftovers.found - leftovers.settled;
      },
    ],
    ['sweeping orders', () => sweepOrders(counts, now, safetyLine)],
    ['sweeping reviews', () => sweepReviews(counts, now, safetyLine)],
    ['sending reminders after the close', () => sweepRemindersAfterClose(counts, now)],
    ['reconciling executions', () => reconcileExecutions(counts, now)],
  ];
  for (const [what, step] of steps) await attempt(counts, what, {}, step);
  logger.info('sweep done', { ...counts });
  return counts;
}

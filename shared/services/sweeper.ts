/**
 * The scheduled sweep (every minute): reminders before compliance deadlines, and the safety net
 * for deadlines and reviews whose workflow timer did not act. The workflow owns the timeline; a
 * sweep that finds work of the second kind has found a fault, so it says so in a warning.
 * Every step is idempotent, so two sweeps running at once, or a sweep racing the workflow, do no
 * harm: notices are claimed per event key and every state change is a conditional write.
 */
import { isPast, orderDeadlines } from '../domain/deadlines';
import type { OrderRecord } from '../domain/model';
import { durationToMs } from '../domain/policy';
import { notifyOperator } from '../notices';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { TransientError } from '../runtime/transient';
import { tokenPurpose } from '../store/keys';
import { ConditionFailedError, listOpenOrders, listOpenReviews, updateOrder } from '../store/repository';
import { completeWaitingTask } from '../workflow/client';
import { enforceDeadline } from './deadlines';
import { closeReviewAtDeadline } from './reviews';
import { complianceOpen } from './transitions';

/** How late the workflow may be before the sweep steps in: its own timers fire within seconds. */
export const SAFETY_MARGIN = 'PT60S';

export interface SweepCounts {
  /** Reminder notices sent and recorded by this sweep. */
  reminders: number;
  /** Deadlines the workflow had not enforced, enforced by this sweep. */
  enforced: number;
  /** Reviews past their close that this sweep decided. */
  reviewsClosed: number;
  /** Items that failed; the next sweep tries them again. */
  failed: number;
}

/** The reminder to send now, if any, and every due reminder it makes moot. */
function dueReminders(order: OrderRecord, now: string): { send: string; record: string[] } | null {
  if (isPast(order.deadlineAt, now)) return null;
  const due = orderDeadlines(config().policy, order.issuedAt).reminderAts.filter(
    (at) => isPast(at, now) && Date.parse(at) < Date.parse(order.deadlineAt) && !order.remindersSent.includes(at),
  );
  const latest = due.at(-1);
  // After a pause of the sweeper only the latest due reminder goes out: earlier ones would only repeat it.
  return latest === undefined ? null : { send: latest, record: due };
}

/** Sends the due reminder (once per event key) and records it; false when another sweep recorded it. */
async function remind(order: OrderRecord, due: { send: string; record: string[] }): Promise<boolean> {
  await notifyOperator(order, { kind: 'REMINDER', reminderAt: due.send }, `reminder:${order.orderId}:${due.send}`);
  try {
    await updateOrder(order.orderId, {
      append: { remindersSent: due.record },
      condition: 'NOT contains(#remindersSent, :reminderAt)',
      names: { '#remindersSent': 'remindersSent' },
      values: { ':reminderAt': due.send },
    });
    return true;
  } catch (error) {
    if (error instanceof ConditionFailedError) return false;
    throw error;
  }
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

export async function sweep(now: string): Promise<SweepCounts> {
  const counts: SweepCounts = { reminders: 0, enforced: 0, reviewsClosed: 0, failed: 0 };
  const { policy } = config();
  const safetyLine = new Date(Date.parse(now) - durationToMs(SAFETY_MARGIN)).toISOString();
  // Only orders whose earliest reminder may be due can need anything: the index is sorted by deadline.
  const furthestReminder = Math.max(0, ...policy.reminders.map(durationToMs));
  const orders = await listOpenOrders(new Date(Date.parse(now) + furthestReminder + 1).toISOString());

  for (const order of orders) {
    if (!complianceOpen(order)) continue;
    const ids = { caseId: order.caseId, orderId: order.orderId };
    if (Date.parse(order.deadlineAt) < Date.parse(safetyLine)) {
      logger.warn('sweep: a compliance deadline passed without enforcement; enforcing it now', {
        ...ids,
        deadlineAt: order.deadlineAt,
      });
      try {
        await enforceDeadline(order.orderId, now);
        counts.enforced += 1;
      } catch (error) {
        counts.failed += 1;
        failure('enforcing a deadline', ids, error);
      }
      continue;
    }
    const due = dueReminders(order, now);
    if (!due) continue;
    try {
      if (await remind(order, due)) counts.reminders += 1;
    } catch (error) {
      counts.failed += 1;
      failure('sending a reminder', ids, error);
    }
  }

  for (const review of await listOpenReviews(safetyLine)) {
    const ids = { caseId: review.caseId, reviewId: review.reviewId };
    logger.warn('sweep: a review stayed open past its close; closing it now', { ...ids, closesAt: review.closesAt });
    try {
      const result = await closeReviewAtDeadline(review.reviewId, now);
      // closeReviewAtDeadline completes the wait itself; completing it again is harmless and
      // covers a crash between the close and that completion.
      if (result.decided && result.outcome) {
        await completeWaitingTask(review.caseId, tokenPurpose.review(review.reviewId), {
          decided: true,
          outcome: result.outcome,
        });
        counts.reviewsClosed += 1;
      }
    } catch (error) {
      counts.failed += 1;
      failure('closing a review', ids, error);
    }
  }

  logger.info('sweep done', { ...counts });
  return counts;
}

/**
 * Enforcing an order's compliance deadline: the workflow's EnforceDeadline and GraceExpired
 * states, and the sweeper's safety net for a deadline that passed without enforcement.
 */
import { orderDecider } from '../domain/deciders/order';
import { hasEnded, secondsUntil } from '../domain/deadlines';
import type { OrderRecord } from '../domain/model';
import { deadlinePaused, isLifted } from '../domain/orders';
import { countMetric, durationMetric } from '../runtime/metrics';
import { TransientError } from '../runtime/transient';
import { refs } from '../store/keys';
import { act } from './acts';
import { requireOrder } from './records';

/** DEADLINE_CHANGED: staff moved or paused the deadline the workflow waited for; it reads the stored one and waits again. */
export type ComplianceOutcome = 'OVERDUE' | 'COMPLIED' | 'COMPLIED_LATE' | 'REVOKED' | 'UNDELIVERED' | 'DEADLINE_CHANGED';

function outcomeOf(order: OrderRecord): ComplianceOutcome {
  if (isLifted(order)) return 'REVOKED';
  switch (order.complianceStatus) {
    case 'COMPLIED':
    case 'COMPLIED_LATE':
    case 'OVERDUE':
    case 'UNDELIVERED':
      return order.complianceStatus;
    case 'ISSUED':
    case 'ACKNOWLEDGED':
      throw new Error(`Order ${order.orderId} is still ${order.complianceStatus} after enforcement.`);
  }
}

/**
 * Marks the order OVERDUE when its deadline passed without compliance, and tells the operator and
 * staff (the event's follow-ups). An order already settled (complied, lifted) is answered as it
 * stands. Late compliance stays possible until `graceEndsAt`, so the workflow waits that long next.
 */
export async function enforceDeadline(
  orderId: string,
  now: string,
  /** The deadline the workflow's timer waited for; absent for the sweeper, which reads the stored one. */
  waitedFor?: string,
): Promise<{ outcome: ComplianceOutcome; secondsToGraceEnd: number }> {
  const before = await requireOrder(orderId);
  // A timer set for a deadline that staff have since moved or paused is stale: never obeyed.
  if (deadlinePaused(before)) return { outcome: 'DEADLINE_CHANGED', secondsToGraceEnd: 1 };
  if (before.deadlineAt !== undefined && !hasEnded(before.deadlineAt, now)) {
    if (waitedFor !== undefined && waitedFor !== before.deadlineAt) return { outcome: 'DEADLINE_CHANGED', secondsToGraceEnd: 1 };
    // A timer may fire a hair early against this clock: never call an order overdue before its
    // deadline. The workflow retries TransientError, by which time the deadline has passed.
    throw new TransientError(`the deadline of order ${orderId} (${before.deadlineAt}) has not passed yet at ${now}`);
  }
  const { state, committed } = await act(orderDecider, refs.order(orderId), { type: 'ENFORCE_DEADLINE' }, now);
  // Measured once, by whoever marked the order overdue: the workflow's timer, or the sweeper after a fault.
  if (committed && before.deadlineAt !== undefined) {
    countMetric('OrderOverdue');
    durationMetric('DeadlineLatenessMs', before.deadlineAt, now);
  }
  const order = state ?? before;
  // An order whose notice turned out undelivered has no grace period: nothing is waited for.
  return { outcome: outcomeOf(order), secondsToGraceEnd: order.graceEndsAt === undefined ? 1 : secondsUntil(order.graceEndsAt, now) };
}

/** The grace period ended: an order still OVERDUE is recorded as not complied with (it stays OVERDUE). */
export async function graceExpired(orderId: string, now: string): Promise<{ outcome: ComplianceOutcome }> {
  const before = await requireOrder(orderId);
  if (before.graceEndsAt !== undefined && !hasEnded(before.graceEndsAt, now)) {
    throw new TransientError(`the grace period of order ${orderId} (${before.graceEndsAt}) has not ended yet at ${now}`);
  }
  const { state } = await act(orderDecider, refs.order(orderId), { type: 'RECORD_NON_COMPLIANCE' }, now);
  return { outcome: outcomeOf(state ?? before) };
}

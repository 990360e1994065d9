/**
 * Enforcing an order's compliance deadline: the workflow's EnforceDeadline and GraceExpired
 * states, and the sweeper's safety net for a deadline that passed without enforcement.
 */
import { isPast, secondsUntil } from '../domain/deadlines';
import type { OrderRecord } from '../domain/model';
import { notifyOperator, notifyStaff } from '../notices/index';
import { TransientError } from '../runtime/transient';
import { appendAudit } from '../store/repository';
import { changeOrder, isLifted, requireOrder, SYSTEM_ACTOR } from './transitions';

export type ComplianceOutcome = 'OVERDUE' | 'COMPLIED' | 'COMPLIED_LATE' | 'REVOKED';

function outcomeOf(order: OrderRecord): ComplianceOutcome {
  if (isLifted(order)) return 'REVOKED';
  switch (order.complianceStatus) {
    case 'COMPLIED':
    case 'COMPLIED_LATE':
    case 'OVERDUE':
      return order.complianceStatus;
    case 'ISSUED':
    case 'ACKNOWLEDGED':
      throw new Error(`Order ${order.orderId} is still ${order.complianceStatus} after enforcement.`);
  }
}

/**
 * Marks the order OVERDUE when its deadline passed without compliance, and tells the operator and
 * staff (once each). An order already settled (complied, lifted) is answered as it stands. Late
 * compliance stays possible until `graceEndsAt`, so the workflow waits that long next.
 */
export async function enforceDeadline(
  orderId: string,
  now: string,
): Promise<{ outcome: ComplianceOutcome; secondsToGraceEnd: number }> {
  const before = await requireOrder(orderId);
  // A timer may fire a hair early against this clock: never call an order overdue before its
  // deadline. The workflow retries TransientError, by which time the deadline has passed.
  if (!isPast(before.deadlineAt, now)) {
    throw new TransientError(`the deadline of order ${orderId} (${before.deadlineAt}) has not passed yet at ${now}`);
  }
  const { order } = await changeOrder(orderId, (current) =>
    (current.complianceStatus === 'ISSUED' || current.complianceStatus === 'ACKNOWLEDGED') && !isLifted(current)
      ? { complianceStatus: 'OVERDUE', set: { overdueAt: now } }
      : null,
  );
  const outcome = outcomeOf(order);
  if (outcome === 'OVERDUE') {
    await appendAudit(order.caseId, {
      key: `order-overdue:${orderId}`,
      at: order.overdueAt ?? now,
      actor: SYSTEM_ACTOR,
      action: 'ORDER_OVERDUE',
      details: { orderId, deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt },
    });
    await notifyOperator(order, { kind: 'OVERDUE' }, `overdue:${orderId}`);
    await notifyStaff(
      order.caseId,
      {
        subject: `Order ${orderId} is overdue`,
        lines: [
          `Operator ${order.operatorId} did not report compliance by ${order.deadlineAt}.`,
          `Late compliance is accepted until ${order.graceEndsAt}; the delay will count towards a fine.`,
        ],
      },
      `overdue-staff:${orderId}`,
    );
  }
  return { outcome, secondsToGraceEnd: secondsUntil(order.graceEndsAt, now) };
}

/** The grace period ended: an order still OVERDUE is recorded as not complied with (it stays OVERDUE). */
export async function graceExpired(orderId: string, now: string): Promise<{ outcome: ComplianceOutcome }> {
  const order = await requireOrder(orderId);
  if (!isPast(order.graceEndsAt, now)) {
    throw new TransientError(`the grace period of order ${orderId} (${order.graceEndsAt}) has not ended yet at ${now}`);
  }
  const outcome = outcomeOf(order);
  if (outcome === 'OVERDUE') {
    await appendAudit(order.caseId, {
      key: `non-compliance:${orderId}`,
      at: now,
      actor: SYSTEM_ACTOR,
      action: 'NON_COMPLIANCE_RECORDED',
      details: { orderId, deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt },
    });
  }
  return { outcome };
}

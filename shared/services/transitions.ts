/**
 * State changes of cases and orders as single conditional writes that a retry may repeat: a
 * write whose condition fails because the change already happened counts as done, and the audit
 * event that follows is keyed, so a retried handler neither changes twice nor records twice.
 */
import type { CaseRecord, CaseStatus, ComplianceStatus, DecisionStatus, OrderRecord } from '../domain/model';
import { orderStatus } from '../domain/orders';
import { TransientError } from '../runtime/transient';
import {
  appendAudit,
  CLOSE_OPEN_ORDER,
  ConditionFailedError,
  getCase,
  getOrder,
  updateCase,
  updateOrder,
} from '../store/repository';

export const SYSTEM_ACTOR = 'system';

export interface AuditNote {
  readonly action: string;
  readonly details?: Record<string, unknown>;
  readonly actor?: string;
}

export async function requireCase(caseId: string): Promise<CaseRecord> {
  const record = await getCase(caseId);
  if (!record) throw new Error(`Case ${caseId} does not exist; the workflow was started for a case that was never filed.`);
  return record;
}

export async function requireOrder(orderId: string): Promise<OrderRecord> {
  const order = await getOrder(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist; IssueOrders must run before its tasks.`);
  return order;
}

/**
 * Moves a case from one of `from` to `to` (setting `set` in the same write) and records it. A case
 * already in `to` is left as it is: the move happened before, perhaps in a retried attempt.
 */
export async function moveCase(
  caseId: string,
  from: readonly CaseStatus[],
  to: CaseStatus,
  at: string,
  note: AuditNote,
  set: Record<string, unknown> = {},
): Promise<CaseRecord> {
  const values: Record<string, unknown> = {};
  from.forEach((status, index) => {
    values[`:from${index}`] = status;
  });
  let record: CaseRecord;
  try {
    record = await updateCase(caseId, {
      set: { ...set, status: to },
      condition: `#status IN (${Object.keys(values).join(', ')})`,
      names: { '#status': 'status' },
      values,
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const current = await requireCase(caseId);
    if (current.status !== to) {
      throw new Error(`Case ${caseId} is ${current.status}; expected ${from.join(' or ')} before moving it to ${to}.`);
    }
    record = current;
  }
  await appendAudit(caseId, {
    key: `case-status:${to}`,
    at,
    actor: note.actor ?? SYSTEM_ACTOR,
    action: note.action,
    details: { status: to, ...note.details },
  });
  return record;
}

export interface OrderChange {
  readonly complianceStatus?: ComplianceStatus;
  readonly decisionStatus?: DecisionStatus;
  readonly set?: Record<string, unknown>;
}

/** Compliance is open while the operator can still act on time and the order stands. */
export function complianceOpen(order: Pick<OrderRecord, 'complianceStatus' | 'decisionStatus'>): boolean {
  const acting = order.complianceStatus === 'ISSUED' || order.complianceStatus === 'ACKNOWLEDGED';
  return acting && !isLifted(order);
}

export function isLifted(order: Pick<OrderRecord, 'decisionStatus'>): boolean {
  return order.decisionStatus === 'REVOKED' || order.decisionStatus === 'OVERTURNED';
}

const MAX_ORDER_ATTEMPTS = 5;

/**
 * Applies `decide` to the order as it is now, in one write conditional on both of its tracks being
 * what `decide` saw; a concurrent change (the operator acting while the committee decides) makes
 * it read again and decide again. The single `status` is always written with the two tracks, so
 * it cannot drift from `orderStatus`. `decide` answers null when there is nothing to change.
 */
export async function changeOrder(
  orderId: string,
  decide: (order: OrderRecord) => OrderChange | null,
): Promise<{ order: OrderRecord; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ORDER_ATTEMPTS; attempt += 1) {
    const order = await requireOrder(orderId);
    const change = decide(order);
    if (change === null) return { order, changed: false };
    const complianceStatus = change.complianceStatus ?? order.complianceStatus;
    const decisionStatus = change.decisionStatus ?? order.decisionStatus;
    const stillOpen = complianceOpen({ complianceStatus, decisionStatus });
    try {
      const updated = await updateOrder(orderId, {
        set: { ...change.set, complianceStatus, decisionStatus, status: orderStatus(complianceStatus, decisionStatus) },
        ...(stillOpen ? {} : { remove: CLOSE_OPEN_ORDER }),
        condition: '#complianceStatus = :seenCompliance AND #decisionStatus = :seenDecision',
        names: { '#complianceStatus': 'complianceStatus', '#decisionStatus': 'decisionStatus' },
        values: { ':seenCompliance': order.complianceStatus, ':seenDecision': order.decisionStatus },
      });
      return { order: updated, changed: true };
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new TransientError(`order ${orderId} kept changing while it was being updated; the step will be retried`);
}

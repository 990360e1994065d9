/**
 * What an operator does with its orders (CONTRACT.md section 5): read them, acknowledge,
 * report compliance, appeal. Any order that is not the caller's does not exist for it.
 */
import { assertOperatorOwnsOrder, type Identity } from '../domain/authz';
import { ConflictError, NotFoundError, WindowClosedError } from '../domain/errors';
import { appealIdFor, caseIdOf, operatorIdOfOrder } from '../domain/ids';
import type { AppealRecord, AppealRequest, ComplianceRequest, OrderRecord, OrderStatus } from '../domain/model';
import { canAcceptCompliance, orderStatus } from '../domain/orders';
import { logger } from '../runtime/logger';
import { tokenPurpose } from '../store/keys';
import {
  appendAudit,
  CLOSE_OPEN_ORDER,
  ConditionFailedError,
  getCaseUrls,
  getOrder,
  listOrdersOfOperator,
  putAppealIfAbsent,
  updateOrder,
} from '../store/repository';
import { completeWaitingTask } from '../workflow/client';

/** Reads an order for its operator; a malformed id, a missing order or another's order are all 404. */
async function ownOrder(identity: Identity, orderId: string): Promise<OrderRecord> {
  if (caseIdOf(orderId) === null || operatorIdOfOrder(orderId) !== identity.operatorId) {
    throw new NotFoundError(`Order ${orderId}`);
  }
  const order = await getOrder(orderId);
  if (!order) throw new NotFoundError(`Order ${orderId}`);
  assertOperatorOwnsOrder(identity, order);
  return order;
}

export interface OperatorOrderView {
  orderId: string;
  caseId: string;
  status: OrderStatus;
  action: OrderRecord['action'];
  category: OrderRecord['category'];
  urls: string[];
  issuedAt: string;
  deadlineAt: string;
  graceEndsAt: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  appealDeadline?: string;
  fine?: OrderRecord['fine'];
}

/** The caller's orders, newest first: its own URLs only, nothing about the reporter or other operators. */
export async function listOperatorOrders(identity: Identity): Promise<OperatorOrderView[]> {
  const operatorId = identity.operatorId;
  if (!operatorId) return [];
  const orders = await listOrdersOfOperator(operatorId);
  return Promise.all(
    orders.map(async (order) => ({
      orderId: order.orderId,
      caseId: order.caseId,
      status: order.status,
      action: order.action,
      category: order.category,
      urls: (await getCaseUrls(order.caseId, operatorId)).map((url) => url.url),
      issuedAt: order.issuedAt,
      deadlineAt: order.deadlineAt,
      graceEndsAt: order.graceEndsAt,
      ...(order.acknowledgedAt === undefined ? {} : { acknowledgedAt: order.acknowledgedAt }),
      ...(order.compliedAt === undefined ? {} : { compliedAt: order.compliedAt }),
      ...(order.appealDeadline === undefined ? {} : { appealDeadline: order.appealDeadline }),
      ...(order.fine === undefined ? {} : { fine: order.fine }),
    })),
  );
}

export async function acknowledgeOrder(
  identity: Identity,
  orderId: string,
  now: string,
): Promise<{ orderId: string; status: OrderStatus; acknowledgedAt: string }> {
  const order = await ownOrder(identity, orderId);
  if (order.acknowledgedAt !== undefined) {
    return { orderId, status: order.status, acknowledgedAt: order.acknowledgedAt };
  }
  // Acknowledging moves only an untouched order; one already overdue or complied keeps its status.
  const moves = order.complianceStatus === 'ISSUED';
  let updated: OrderRecord;
  try {
    updated = await updateOrder(orderId, {
      set: {
        acknowledgedAt: now,
        ...(moves ? { complianceStatus: 'ACKNOWLEDGED', status: orderStatus('ACKNOWLEDGED', order.decisionStatus) } : {}),
      },
      condition: 'attribute_not_exists(#ack) AND #cs = :cs AND #ds = :ds',
      names: { '#ack': 'acknowledgedAt', '#cs': 'complianceStatus', '#ds': 'decisionStatus' },
      values: { ':cs': order.complianceStatus, ':ds': order.decisionStatus },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    // Acknowledged or moved on meanwhile: a repeat is harmless, so answer how it stands now.
    const current = await ownOrder(identity, orderId);
    return { orderId, status: current.status, acknowledgedAt: current.acknowledgedAt ?? now };
  }
  await appendAudit(order.caseId, {
    key: `ORDER_ACKNOWLEDGED#${orderId}`,
    at: now,
    actor: identity.userId,
    action: 'ORDER_ACKNOWLEDGED',
    details: { orderId, operatorId: order.operatorId },
  });
  logger.info('order acknowledged', { orderId });
  return { orderId, status: updated.status, acknowledgedAt: now };
}

export async function recordCompliance(
  identity: Identity,
  orderId: string,
  body: ComplianceRequest,
  now: string,
): Promise<{ orderId: string; status: 'COMPLIED' | 'COMPLIED_LATE'; compliedAt: string }> {
  const order = await ownOrder(identity, orderId);
  const outcome = canAcceptCompliance(order, now);
  try {
    await updateOrder(orderId, {
      set: {
        complianceStatus: outcome,
        status: orderStatus(outcome, order.decisionStatus),
        compliedAt: now,
        complianceAction: body.action,
        ...(body.note === undefined ? {} : { complianceNote: body.note }),
      },
      remove: CLOSE_OPEN_ORDER,
      // Both tracks as read: the stored status is derived from them.
      condition: '#cs = :cs AND #ds = :ds',
      names: { '#cs': 'complianceStatus', '#ds': 'decisionStatus' },
      values: { ':cs': order.complianceStatus, ':ds': order.decisionStatus },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    // Re-check against what changed: already complied, lifted, or the grace ended.
    canAcceptCompliance(await ownOrder(identity, orderId), now);
    throw new ConflictError(`Order ${orderId} changed while your report was recorded; look at it again and retry.`);
  }
  await appendAudit(order.caseId, {
    key: `ORDER_COMPLIED#${orderId}`,
    at: now,
    actor: identity.userId,
    action: outcome === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE',
    details: { orderId, operatorId: order.operatorId, action: body.action },
  });
  await completeWaitingTask(order.caseId, tokenPurpose.compliance(orderId), { outcome });
  logger.info('compliance recorded', { orderId, outcome });
  return { orderId, status: outcome, compliedAt: now };
}

const DECIDED_ON_APPEAL = new Set(['APPEALED', 'UPHELD', 'OVERTURNED']);

export async function fileAppeal(
  identity: Identity,
  orderId: string,
  body: AppealRequest,
  now: string,
): Promise<{ appealId: string }> {
  const order = await ownOrder(identity, orderId);
  if (DECIDED_ON_APPEAL.has(order.decisionStatus)) {
    throw new ConflictError(`Order ${orderId} was already appealed; one appeal per order.`);
  }
  const deadline = order.appealDeadline;
  if (order.decisionStatus !== 'CONFIRMED' || deadline === undefined || Date.parse(now) >= Date.parse(deadline)) {
    throw new WindowClosedError(
      deadline === undefined || order.decisionStatus !== 'CONFIRMED'
        ? `Order ${orderId} cannot be appealed now: an appeal opens once the committee confirms the order.`
        : `The appeal window of order ${orderId} closed at ${deadline}.`,
    );
  }
  const appeal: AppealRecord = {
    appealId: appealIdFor(order.caseId, order.operatorId),
    caseId: order.caseId,
    orderId,
    operatorId: order.operatorId,
    grounds: body.grounds,
    filedAt: now,
    status: 'FILED',
  };
  // The appeal item first: a crash before the order changes leaves an appeal that a retry finds
  // (the order still CONFIRMED) and finishes, rather than an APPEALED order without its grounds.
  await putAppealIfAbsent(appeal);
  try {
    await updateOrder(orderId, {
      set: {
        decisionStatus: 'APPEALED',
        status: orderStatus(order.complianceStatus, 'APPEALED'),
        appealId: appeal.appealId,
      },
      // The window is checked again in the write: the appeal must land before the window closes.
      condition: '#ds = :confirmed AND #deadline > :now',
      names: { '#ds': 'decisionStatus', '#deadline': 'appealDeadline' },
      values: { ':confirmed': 'CONFIRMED', ':now': now },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const current = await ownOrder(identity, orderId);
    if (DECIDED_ON_APPEAL.has(current.decisionStatus)) {
      throw new ConflictError(`Order ${orderId} was already appealed; one appeal per order.`);
    }
    throw new WindowClosedError(`The appeal window of order ${orderId} is closed.`);
  }
  await appendAudit(order.caseId, {
    key: `APPEAL_FILED#${appeal.appealId}`,
    at: now,
    actor: identity.userId,
    action: 'APPEAL_FILED',
    details: { orderId, operatorId: order.operatorId, appealId: appeal.appealId },
  });
  logger.info('appeal filed', { orderId, appealId: appeal.appealId });
  return { appealId: appeal.appealId };
}

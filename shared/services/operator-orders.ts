/**
 * What an operator does with its orders (CONTRACT.md section 5): read them, acknowledge,
 * report compliance, appeal. Any order that is not the caller's does not exist for it.
 */
import { assertOperatorOwnsOrder, type Identity } from '../domain/authz';
import { orderDecider, type OrderCommand } from '../domain/deciders/order';
import { NotFoundError } from '../domain/errors';
import { appealIdFor, caseIdOf, operatorIdOfOrder } from '../domain/ids';
import type {
  AppealRequest,
  ComplianceRequest,
  FineOpinionRequest,
  FineStatus,
  OrderRecord,
  OrderStatus,
  Reinstatement,
  ReinstatementRequest,
} from '../domain/model';
import { statementOfReasons, type StatementOfReasons } from '../domain/reasons';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase, getOrder, getOrderUrls, listOrdersOfOperator } from '../store/repository';
import { act } from './acts';
import { policyOf } from './policies';

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
  /** The order's two tracks (`status` is derived from them): what the operator must do, and what the committee decided. */
  complianceStatus: OrderRecord['complianceStatus'];
  decisionStatus: OrderRecord['decisionStatus'];
  action: OrderRecord['action'];
  category: OrderRecord['category'];
  urls: string[];
  issuedAt: string;
  /** Absent until the order notice is accepted for delivery, and while the order is UNDELIVERED. */
  deadlineAt?: string;
  graceEndsAt?: string;
  /** The commission paused the deadline: no `deadlineAt` runs until it resumes it. */
  deadlinePausedAt?: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  appealDeadline?: string;
  fine?: OrderRecord['fine'];
  /** The grace period ended without compliance. */
  nonComplianceRecordedAt?: string;
  /** What the commission did about it (its staff's reason stays on the commission's record). */
  nonComplianceAction?: { action: NonNullable<OrderRecord['nonComplianceResolution']>['action']; at: string };
  /** The order was issued again after non-compliance: a new notice and a new deadline. */
  reissuedAt?: string;
  /** Why the order was made and how to contest it, as its ORDER notice states it (shared/domain/reasons.ts). */
  statementOfReasons?: StatementOfReasons;
  /** A revoked or overturned order's instruction to restore the content or lift the block, and the answer. */
  reinstatement?: Reinstatement;
  /** POST_MONITORING: recorded as not complied with again because a URL was found still up after compliance. */
  nonComplianceCause?: OrderRecord['nonComplianceCause'];
  /** The commission's checks of the order's URLs after compliance, and when the next is due. */
  monitoring?: OrderRecord['monitoring'];
}

/** The caller's orders, newest first: its own URLs only, nothing about the reporter or other operators. */
export async function listOperatorOrders(identity: Identity): Promise<OperatorOrderView[]> {
  const operatorId = identity.operatorId;
  if (!operatorId) return [];
  const orders = await listOrdersOfOperator(operatorId);
  return Promise.all(
    orders.map(async (order) => {
      const [caseRecord, caseUrls] = await Promise.all([getCase(order.caseId), getOrderUrls(order)]);
      const urls = caseUrls.map((url) => url.url);
      return {
        orderId: order.orderId,
        caseId: order.caseId,
        status: order.status,
        complianceStatus: order.complianceStatus,
        decisionStatus: order.decisionStatus,
        action: order.action,
        category: order.category,
        urls,
        issuedAt: order.issuedAt,
        ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
        ...(order.graceEndsAt === undefined ? {} : { graceEndsAt: order.graceEndsAt }),
        ...(order.deadlinePausedAt === undefined ? {} : { deadlinePausedAt: order.deadlinePausedAt }),
        ...(order.acknowledgedAt === undefined ? {} : { acknowledgedAt: order.acknowledgedAt }),
        ...(order.compliedAt === undefined ? {} : { compliedAt: order.compliedAt }),
        ...(order.appealDeadline === undefined ? {} : { appealDeadline: order.appealDeadline }),
        ...(order.fine === undefined ? {} : { fine: order.fine }),
        ...(order.nonComplianceRecordedAt === undefined ? {} : { nonComplianceRecordedAt: order.nonComplianceRecordedAt }),
        ...(order.nonComplianceResolution === undefined
          ? {}
          : { nonComplianceAction: { action: order.nonComplianceResolution.action, at: order.nonComplianceResolution.at } }),
        ...(order.reissuedAt === undefined ? {} : { reissuedAt: order.reissuedAt }),
        ...(order.nonComplianceCause === undefined ? {} : { nonComplianceCause: order.nonComplianceCause }),
        ...(order.monitoring === undefined ? {} : { monitoring: order.monitoring }),
        ...(caseRecord === undefined
          ? {}
          : {
              statementOfReasons: statementOfReasons({
                policy: await policyOf(caseRecord),
                procedure: caseRecord.procedure,
                order,
                approvals: caseRecord.approvals,
                urls,
              }),
            }),
        ...(order.reinstatement === undefined ? {} : { reinstatement: order.reinstatement }),
      };
    }),
  );
}

/** Runs an operator's act on its own order (anyone else's is 404) and answers the order after it. */
async function operatorAct(identity: Identity, orderId: string, command: OrderCommand, now: string): Promise<OrderRecord> {
  await ownOrder(identity, orderId);
  const { state } = await act(orderDecider, refs.order(orderId), command, now);
  if (!state) throw new NotFoundError(`Order ${orderId}`);
  return state;
}

/** Repeating an acknowledgement is harmless: it answers when the order was first acknowledged. */
export async function acknowledgeOrder(
  identity: Identity,
  orderId: string,
  now: string,
): Promise<{ orderId: string; status: OrderStatus; acknowledgedAt: string }> {
  const order = await operatorAct(identity, orderId, { type: 'ACKNOWLEDGE', by: identity.userId }, now);
  logger.info('order acknowledged', { orderId });
  return { orderId, status: order.status, acknowledgedAt: order.acknowledgedAt ?? now };
}

export async function recordCompliance(
  identity: Identity,
  orderId: string,
  body: ComplianceRequest,
  now: string,
): Promise<{ orderId: string; status: 'COMPLIED' | 'COMPLIED_LATE'; compliedAt: string }> {
  const command: OrderCommand = {
    type: 'COMPLY',
    by: identity.userId,
    action: body.action,
    ...(body.note === undefined ? {} : { note: body.note }),
  };
  const order = await operatorAct(identity, orderId, command, now);
  const status = order.complianceStatus === 'COMPLIED_LATE' ? 'COMPLIED_LATE' : 'COMPLIED';
  logger.info('compliance recorded', { orderId, outcome: status });
  return { orderId, status, compliedAt: order.compliedAt ?? now };
}

/** The operator answers a revoked or overturned order's instruction to restore the content or lift the block. */
export async function reportReinstatement(
  identity: Identity,
  orderId: string,
  body: ReinstatementRequest,
  now: string,
): Promise<{ orderId: string; status: OrderStatus; reinstatement: Reinstatement }> {
  const command: OrderCommand = {
    type: 'REPORT_REINSTATEMENT',
    by: identity.userId,
    action: body.action,
    ...(body.note === undefined ? {} : { note: body.note }),
  };
  const order = await operatorAct(identity, orderId, command, now);
  if (order.reinstatement === undefined) throw new Error(`Order ${orderId} lost its reinstatement instruction.`);
  logger.info('reinstatement reported', { orderId, action: body.action });
  return { orderId, status: order.status, reinstatement: order.reinstatement };
}

/** Records the appeal on the order within its window; the appeal's own record follows from it. */
export async function fileAppeal(identity: Identity, orderId: string, body: AppealRequest, now: string): Promise<{ appealId: string }> {
  const existing = await ownOrder(identity, orderId);
  const appealId = appealIdFor(existing.caseId, existing.operatorId);
  await operatorAct(identity, orderId, { type: 'APPEAL', by: identity.userId, appealId, grounds: body.grounds }, now);
  logger.info('appeal filed', { orderId, appealId });
  return { appealId };
}

/** The operator states its opinion on a proposed fine, within the opinion period; staff are told. */
export async function submitFineOpinion(
  identity: Identity,
  orderId: string,
  body: FineOpinionRequest,
  now: string,
): Promise<{ orderId: string; fineStatus: FineStatus; opinionAt: string }> {
  const order = await operatorAct(identity, orderId, { type: 'SUBMIT_FINE_OPINION', by: identity.userId, opinion: body.opinion }, now);
  logger.info('fine opinion submitted', { orderId });
  return { orderId, fineStatus: order.fine?.status ?? 'PROPOSED', opinionAt: order.fine?.opinion?.at ?? now };
}

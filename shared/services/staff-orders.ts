/**
 * What staff do to an order (CONTRACT.md section 9): send an UNDELIVERED order's notice again, to
 * the operator's current contacts (fix them first with PATCH /operators/{id}); the order's clock
 * starts when SES accepts the new notice. And, once an order's grace period ended without
 * compliance: escalate it, record a verified removal, or issue it again.
 */
import type { Identity } from '../domain/authz';
import { deadlineMoveOf, type DeadlineChangeRequest } from '../domain/deadline-changes';
import { orderDecider, type OrderCommand } from '../domain/deciders/order';
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { Fine, FineDecisionRequest, NonComplianceRequest, OrderRecord, OrderStatus } from '../domain/model';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getOrder } from '../store/repository';
import { actOnRequest } from './acts';

/**
 * Runs a staff member's act on an order (an unknown one is 404) and answers the order after it,
 * its follow-ups done (a notice sent, a wait completed). The request may be the same one sent
 * again after its answer was lost: the repeat also finishes what the first left undone
 * (actOnRequest).
 */
async function staffAct(orderId: string, command: OrderCommand, now: string): Promise<OrderRecord> {
  if (caseIdOf(orderId) === null || !(await getOrder(orderId))) throw new NotFoundError(`Order ${orderId}`);
  await actOnRequest(orderDecider, refs.order(orderId), command, now);
  const order = await getOrder(orderId);
  if (!order) throw new NotFoundError(`Order ${orderId}`);
  return order;
}

export interface ResendAnswer {
  readonly orderId: string;
  readonly status: OrderStatus;
  /** Set when SES accepted the new notice: the deadline runs from then. */
  readonly deadlineAt?: string;
}

export async function resendOrderNotice(identity: Identity, orderId: string, now: string): Promise<ResendAnswer> {
  // Read after the act's follow-up: the notice has been sent (and its acceptance recorded) by now.
  const order = await staffAct(orderId, { type: 'RESEND', by: identity.userId }, now);
  logger.info('order notice resent', { orderId, status: order.status });
  return { orderId, status: order.status, ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }) };
}

export interface NonComplianceAnswer {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly complianceStatus: OrderRecord['complianceStatus'];
  readonly nonComplianceResolution?: OrderRecord['nonComplianceResolution'];
  readonly reissuedAt?: string;
  /** After a re-issue, once SES accepted the new notice: the new deadline. */
  readonly deadlineAt?: string;
}

export async function resolveNonCompliance(
  identity: Identity,
  orderId: string,
  body: NonComplianceRequest,
  now: string,
): Promise<NonComplianceAnswer> {
  // Read after the act's follow-ups: a re-issued order's notice has been sent by now.
  const order = await staffAct(orderId, { type: 'RESOLVE_NON_COMPLIANCE', by: identity.userId, ...body }, now);
  logger.info('non-compliance acted on', { orderId, action: body.action, status: order.status });
  return {
    orderId,
    status: order.status,
    complianceStatus: order.complianceStatus,
    ...(order.nonComplianceResolution === undefined ? {} : { nonComplianceResolution: order.nonComplianceResolution }),
    ...(order.reissuedAt === undefined ? {} : { reissuedAt: order.reissuedAt }),
    ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
  };
}

export interface DeadlineChangeAnswer {
  readonly orderId: string;
  readonly status: OrderStatus;
  /** The deadline now in force; absent while paused. */
  readonly deadlineAt?: string;
  readonly graceEndsAt?: string;
  readonly deadlinePausedAt?: string;
  readonly deadlineChanges: NonNullable<OrderRecord['deadlineChanges']>;
}

/**
 * Staff extend, pause or resume an order's deadline, with a reason; the operator is told the new
 * deadline and the workflow waits for it (see the order decider's CHANGE_DEADLINE).
 */
export async function changeDeadline(
  identity: Identity,
  orderId: string,
  body: DeadlineChangeRequest,
  now: string,
): Promise<DeadlineChangeAnswer> {
  const order = await staffAct(
    orderId,
    { type: 'CHANGE_DEADLINE', by: identity.userId, move: deadlineMoveOf(body), reason: body.reason },
    now,
  );
  // The reason is on the record and in the operator's notice, never in a log line.
  logger.info('order deadline changed', { orderId, change: order.deadlineChanges?.at(-1)?.change, deadlineAt: order.deadlineAt });
  return {
    orderId,
    status: order.status,
    ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
    ...(order.graceEndsAt === undefined ? {} : { graceEndsAt: order.graceEndsAt }),
    ...(order.deadlinePausedAt === undefined ? {} : { deadlinePausedAt: order.deadlinePausedAt }),
    deadlineChanges: order.deadlineChanges ?? [],
  };
}

/** Staff decide a proposed fine (IMPOSE, REDUCE or WAIVE, with a reason); the operator is sent the decision and its remedies. */
export async function decideFine(
  identity: Identity,
  orderId: string,
  body: FineDecisionRequest,
  now: string,
): Promise<{ orderId: string; fine: Fine }> {
  const { fine } = await staffAct(
    orderId,
    {
      type: 'DECIDE_FINE',
      by: identity.userId,
      decision: body.decision,
      reason: body.reason,
      ...(body.amount === undefined ? {} : { amount: body.amount }),
    },
    now,
  );
  if (fine === undefined) throw new NotFoundError(`Order ${orderId}`);
  logger.info('fine decided', { orderId, decision: body.decision });
  return { orderId, fine };
}

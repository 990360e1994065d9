/**
 * What staff do to an order (CONTRACT.md section 9): send an UNDELIVERED order's notice again, to
 * the operator's current contacts (fix them first with PATCH /operators/{id}); the order's clock
 * starts when SES accepts the new notice.
 */
import type { Identity } from '../domain/authz';
import { orderDecider } from '../domain/deciders/order';
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { OrderStatus } from '../domain/model';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getOrder } from '../store/repository';
import { act } from './acts';

export interface ResendAnswer {
  readonly orderId: string;
  readonly status: OrderStatus;
  /** Set when SES accepted the new notice: the deadline runs from then. */
  readonly deadlineAt?: string;
}

export async function resendOrderNotice(identity: Identity, orderId: string, now: string): Promise<ResendAnswer> {
  if (caseIdOf(orderId) === null || !(await getOrder(orderId))) throw new NotFoundError(`Order ${orderId}`);
  await act(orderDecider, refs.order(orderId), { type: 'RESEND', by: identity.userId }, now);
  // Read after the act's follow-up: the notice has been sent (and its acceptance recorded) by now.
  const order = await getOrder(orderId);
  if (!order) throw new NotFoundError(`Order ${orderId}`);
  logger.info('order notice resent', { orderId, status: order.status });
  return { orderId, status: order.status, ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }) };
}

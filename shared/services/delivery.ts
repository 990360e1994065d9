/**
 * What became of a notice after SES accepted it (CONTRACT.md section 9): SES's configuration-set
 * events (Send, Delivery, Bounce, Complaint, Reject), in the cloud through SNS, locally from the
 * SES stand-in, recorded on the notice they are about.
 */
import { orderDecider } from '../domain/deciders/order';
import type { NoticeStatus } from '../domain/model';
import { logger } from '../runtime/logger';
import { TransientError } from '../runtime/transient';
import { refs } from '../store/keys';
import { findNoticeByMessageId, getOrder } from '../store/repository';
import { act } from './acts';

export const DELIVERY_EVENT_TYPES = ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'REJECT'] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

export interface DeliveryEvent {
  /** SES's message id: the notice it is about is found by it. */
  readonly messageId: string;
  readonly type: DeliveryEventType;
  /** When SES says it happened. */
  readonly at: string;
  /** A permanent bounce (or a rejection): the address will not take mail. */
  readonly permanent: boolean;
  /** What SES says went wrong (bounce type and diagnostic, complaint type), without addresses. */
  readonly reason?: string;
}

const STATUS_OF: Record<DeliveryEventType, NoticeStatus | null> = {
  // SES took the message: the notice was SENT already when SES answered.
  SEND: null,
  DELIVERY: 'DELIVERED',
  BOUNCE: 'BOUNCED',
  COMPLAINT: 'COMPLAINED',
  REJECT: 'REJECTED',
};

/**
 * Records the event on its notice: an order's notice gets its status (a permanent bounce or a
 * rejection of the ORDER notice makes the order UNDELIVERED); a staff alert's fate is logged. An
 * event about a message this system did not send is ignored. An event that arrives before its
 * notice is recorded is a TransientError: SES's delivery (SNS, or the local stand-in) tries again.
 */
export async function recordDeliveryEvent(event: DeliveryEvent): Promise<void> {
  const status = STATUS_OF[event.type];
  if (status === null) return;
  const notice = await findNoticeByMessageId(event.messageId);
  if (notice === undefined) {
    logger.warn('delivery event for a message this system did not send; ignored', { messageId: event.messageId, type: event.type });
    return;
  }
  if (notice.orderId === undefined) {
    const log = status === 'DELIVERED' ? logger.info.bind(logger) : logger.warn.bind(logger);
    log('delivery event of a notice to staff or to a contact', { stream: notice.stream, eventKey: notice.eventKey, status });
    return;
  }
  const order = await getOrder(notice.orderId);
  if (!order?.notices.some((sent) => sent.eventKey === notice.eventKey)) {
    throw new TransientError(`the notice ${notice.eventKey} of order ${notice.orderId} is not recorded yet; its delivery event is retried`);
  }
  await act(orderDecider, refs.order(notice.orderId), {
    type: 'RECORD_DELIVERY',
    eventKey: notice.eventKey,
    status,
    permanent: event.permanent,
    at: event.at,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
  });
}

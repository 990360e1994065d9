/**
 * What became of a notice after SES accepted it (CONTRACT.md section 9): SES's configuration-set
 * events (Send, Delivery, Bounce, Complaint, Reject), in the cloud through SNS, locally from the
 * SES stand-in, recorded on the notice they are about.
 */
import { orderDecider } from '../domain/deciders/order';
import type { DeliveryEvent, DeliveryEventType } from '../domain/delivery';
import type { NoticeStatus } from '../domain/model';
import { nowIso } from '../runtime/clock';
import { logger } from '../runtime/logger';
import { TransientError } from '../runtime/transient';
import { refs } from '../store/keys';
import { findNoticeByMessageId, getOrder, recordNoticeAccepted } from '../store/repository';
import { act } from './acts';

export type { DeliveryEvent } from '../domain/delivery';

/** How long an event about a message nobody recorded is retried before it is taken as someone else's. */
const UNKNOWN_MESSAGE_PATIENCE_MS = 10 * 60_000;

const STATUS_OF: Record<DeliveryEventType, NoticeStatus | null> = {
  // SES took the message: the notice was SENT already when SES answered (see recordSend).
  SEND: null,
  DELIVERY: 'DELIVERED',
  BOUNCE: 'BOUNCED',
  COMPLAINT: 'COMPLAINED',
  REJECT: 'REJECTED',
};

/**
 * SES accepted the message: its message id goes on the notice's claim, unless the sender put it
 * there already (the usual case: SES publishes after it answered). When the sender died between
 * SES's answer and its own record, this is what keeps its retry from sending the notice again.
 */
async function recordSend(event: DeliveryEvent): Promise<void> {
  if (event.notice === undefined) return;
  const recorded = await recordNoticeAccepted(event.notice.stream, event.notice.eventKey, { messageId: event.messageId, sentAt: event.at });
  if (recorded)
    logger.info('a notice recorded sent from its Send event: its sender did not record it', { eventKey: event.notice.eventKey });
}

/**
 * Records the event on its notice: an order's notice gets its status (a permanent bounce or a
 * rejection of the ORDER notice makes the order UNDELIVERED); a staff alert's fate is logged. An
 * event about a message this system did not send is ignored. An event that arrives before its
 * notice is recorded is a TransientError: SES's delivery (SNS, or the local stand-in) tries again.
 */
export async function recordDeliveryEvent(event: DeliveryEvent): Promise<void> {
  const status = STATUS_OF[event.type];
  if (status === null) {
    await recordSend(event);
    return;
  }
  if (event.type === 'BOUNCE' && !event.permanent && event.lostAddresses === undefined) {
    // SES keeps trying a soft bounce.
    logger.info('a notice bounced for now; its status stays', { messageId: event.messageId });
    return;
  }
  const notice = await findNoticeByMessageId(event.messageId);
  if (notice === undefined) {
    // SES's events can overtake the sender's record of the message: a recent one is retried.
    if (Date.parse(nowIso()) - Date.parse(event.at) < UNKNOWN_MESSAGE_PATIENCE_MS) {
      throw new TransientError(`message ${event.messageId} is not recorded yet; its ${event.type} event is retried`);
    }
    logger.warn('delivery event for a message this system did not send; ignored', { messageId: event.messageId, type: event.type });
    return;
  }
  if (notice.orderId === undefined) {
    const log = status === 'DELIVERED' ? logger.info.bind(logger) : logger.warn.bind(logger);
    log('delivery event of a notice to staff or to a contact', { stream: notice.stream, eventKey: notice.eventKey, status });
    return;
  }
  const order = await getOrder(notice.orderId);
  const sent = order?.notices.find((recorded) => recorded.eventKey === notice.eventKey);
  if (sent === undefined) {
    throw new TransientError(`the notice ${notice.eventKey} of order ${notice.orderId} is not recorded yet; its delivery event is retried`);
  }
  const lostRecipients = placesOf(sent.to, event.lostAddresses);
  if (event.type === 'BOUNCE' && !event.permanent && lostRecipients.length === 0) {
    logger.warn("a bounce names none of the notice's recipients; ignored", { messageId: event.messageId, eventKey: notice.eventKey });
    return;
  }
  await act(orderDecider, refs.order(notice.orderId), {
    type: 'RECORD_DELIVERY',
    eventKey: notice.eventKey,
    status,
    permanent: event.permanent,
    at: event.at,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(lostRecipients.length > 0 ? { lostRecipients } : {}),
  });
}

/** Where the addresses stand among the notice's recipients (addresses compare without case). */
function placesOf(to: readonly string[], addresses: readonly string[] = []): number[] {
  const lost = new Set(addresses.map((address) => address.toLowerCase()));
  return to.flatMap((address, place) => (lost.has(address.toLowerCase()) ? [place] : []));
}

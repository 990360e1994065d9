/**
 * Sending the notices a follow-up asks for: the order's operator gets its notice rendered from the
 * order as it stands (its own URLs only, for an ORDER notice), staff get their alert. Each goes out
 * once per event key (shared/notices); recording it is the caller's act (shared/services/acts.ts).
 */
import type { OperatorNoticeRequest, StaffAlertRequest } from '../domain/decider';
import type { NoticeRecord, OrderRecord } from '../domain/model';
import { deliverOnce, renderOperatorNotice, renderStaffAlert, type Delivery, type OperatorNotice } from '../notices/index';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { retryableAs } from '../runtime/transient';
import { getCaseUrls, getOperator, getOrder } from '../store/repository';

async function noticeFor(order: OrderRecord, request: OperatorNoticeRequest): Promise<OperatorNotice> {
  switch (request.kind) {
    case 'ORDER': {
      const urls = (await getCaseUrls(order.caseId, order.operatorId)).map((url) => url.url);
      return { kind: 'ORDER', urls: [...new Set(urls)] };
    }
    case 'FINE':
      if (order.fine === undefined) throw new Error(`Order ${order.orderId} has no fine to notify.`);
      return { kind: 'FINE', fine: order.fine };
    default:
      return request;
  }
}

/**
 * Sends the notice about the order to its operator's current contacts, once per event key, and
 * answers the record to keep on the order. Throttling comes out as a TransientError.
 */
export async function deliverOperatorNotice(orderId: string, request: OperatorNoticeRequest, eventKey: string): Promise<NoticeRecord> {
  return retryableAs(`sending the ${request.kind} notice of order ${orderId}`, async () => {
    const order = await getOrder(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist; its notice cannot be sent.`);
    const operator = await getOperator(order.operatorId);
    if (!operator) {
      throw new Error(`Order ${orderId} names operator ${order.operatorId}, which is not registered; restore it, then retry.`);
    }
    if (operator.contactEmails.length === 0) {
      throw new Error(`Operator ${operator.operatorId} has no contact e-mail; add one (PATCH /operators/${operator.operatorId}).`);
    }
    const to = [...operator.contactEmails];
    const notice = await noticeFor(order, request);
    const delivery = await deliverOnce(order.caseId, eventKey, to, () =>
      renderOperatorNotice({ order, operator, policy: config().policy, notice }),
    );
    return { eventKey, kind: request.kind, to, sentAt: delivery.sentAt, messageId: delivery.messageId };
  });
}

/**
 * Tells the commission's staff (STAFF_EMAILS) about a case, once per event key. Without staff
 * addresses it only logs and answers undefined: an alert must never stop the workflow.
 */
export async function deliverStaffAlert(caseId: string, alert: StaffAlertRequest, eventKey: string): Promise<Delivery | undefined> {
  const to = [...config().staffEmails];
  if (to.length === 0) {
    logger.warn('staff alert not sent: STAFF_EMAILS is empty', { caseId, eventKey });
    return undefined;
  }
  return retryableAs(`sending staff alert ${eventKey} of case ${caseId}`, () =>
    deliverOnce(caseId, eventKey, to, () => renderStaffAlert(caseId, alert)),
  );
}

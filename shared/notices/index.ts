/**
 * The SES side of the notices: each notice is sent at most once per event key, recorded on the
 * order and in the case's audit chain. Locally the SDK reads AWS_ENDPOINT_URL_SES, so the same
 * code talks to the SES emulator; nothing here knows where it runs.
 */
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { NoticeRecord, OrderRecord } from '../domain/model';
import { nowIso } from '../runtime/clock';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { retryableAs, TransientError } from '../runtime/transient';
import {
  appendAudit,
  claimNotice,
  getOperator,
  getOrder,
  recordNoticeSent,
  releaseNoticeClaim,
  updateOrder,
} from '../store/repository';
import { renderOperatorNotice, renderStaffAlert, type OperatorNotice, type RenderedEmail, type StaffAlert } from './templates';

export type { OperatorNotice, StaffAlert } from './templates';

export const sesClient = new SESClient({});

/** Who sent a notice and when: what a caller needs to record or show. */
export interface SentNotice {
  to: string[];
  sentAt: string;
  messageId: string;
}

const SYSTEM_ACTOR = 'system';

async function sendEmail(to: readonly string[], rendered: RenderedEmail): Promise<string> {
  const result = await sesClient.send(
    new SendEmailCommand({
      Source: config().noticeFrom,
      Destination: { ToAddresses: [...to] },
      Message: {
        Subject: { Data: rendered.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: rendered.text, Charset: 'UTF-8' }, Html: { Data: rendered.html, Charset: 'UTF-8' } },
      },
    }),
  );
  if (!result.MessageId) throw new Error('SES accepted the message but returned no MessageId');
  return result.MessageId;
}

interface Delivery {
  state: 'SENT_BEFORE' | 'SENT_NOW';
  messageId: string;
  sentAt: string;
}

/**
 * The exactly-once part shared by every notice: claim the event key, send, record the message id
 * on the claim. A notice already sent is not sent again; one being sent elsewhere is retried.
 */
async function deliverOnce(caseId: string, eventKey: string, to: readonly string[], render: () => RenderedEmail): Promise<Delivery> {
  const claimedAt = nowIso();
  const claim = await claimNotice(caseId, eventKey, claimedAt);
  switch (claim.state) {
    case 'SENT':
      return { state: 'SENT_BEFORE', messageId: claim.messageId, sentAt: claim.sentAt };
    case 'IN_FLIGHT':
      throw new TransientError(`notice ${eventKey} of case ${caseId} is being sent by another worker; retry shortly`);
    case 'CLAIMED':
      break;
  }
  const rendered = render();
  let messageId: string;
  try {
    messageId = await sendEmail(to, rendered);
  } catch (error) {
    await releaseNoticeClaim(caseId, eventKey, claimedAt).catch((releaseError: unknown) =>
      logger.warn('could not release a notice claim; it expires by itself', {
        caseId,
        eventKey,
        errorName: (releaseError as Error).name,
      }),
    );
    throw error;
  }
  const sentAt = nowIso();
  await recordNoticeSent(caseId, eventKey, messageId, sentAt);
  return { state: 'SENT_NOW', messageId, sentAt };
}

/**
 * Sends one notice about `order` to its operator's contacts, once per `eventKey` however often it
 * is called, and records it on the order and in the audit chain. A retry after a crash finishes
 * the recording without sending again. SES or DynamoDB throttling, and a notice being sent by
 * another worker at that moment, come out as TransientError (the workflow retries on that name).
 * For ORDER notices the caller passes the URLs of this operator only.
 */
export async function notifyOperator(
  order: OrderRecord,
  notice: OperatorNotice,
  eventKey: string,
): Promise<NoticeRecord | undefined> {
  return retryableAs(`sending the ${notice.kind} notice of order ${order.orderId}`, async () => {
    const operator = await getOperator(order.operatorId);
    if (!operator) {
      throw new Error(`Order ${order.orderId} names operator ${order.operatorId}, which is not registered; restore it, then retry.`);
    }
    if (operator.contactEmails.length === 0) {
      throw new Error(`Operator ${operator.operatorId} has no contact e-mail; add one (PATCH /operators/${operator.operatorId}).`);
    }
    const { policy } = config();
    const to = [...operator.contactEmails];
    const delivery = await deliverOnce(order.caseId, eventKey, to, () =>
      renderOperatorNotice({ order, operator, policy, notice }),
    );

    const current = delivery.state === 'SENT_BEFORE' ? await getOrder(order.orderId) : order;
    const recorded = current?.notices.find((record) => record.messageId === delivery.messageId);
    const record: NoticeRecord = recorded ?? { kind: notice.kind, to, sentAt: delivery.sentAt, messageId: delivery.messageId };
    if (!recorded) await updateOrder(order.orderId, { append: { notices: [record] } });
    await appendAudit(order.caseId, {
      key: `notice:${eventKey}`,
      at: record.sentAt,
      actor: SYSTEM_ACTOR,
      action: 'NOTICE_SENT',
      details: { orderId: order.orderId, kind: notice.kind, messageId: record.messageId },
    });
    if (delivery.state === 'SENT_NOW') {
      logger.info('notice sent', { caseId: order.caseId, orderId: order.orderId, kind: notice.kind, messageId: record.messageId });
    }
    return record;
  });
}

/**
 * Tells the commission's staff (STAFF_EMAILS) about a case, once per `eventKey`. Without staff
 * addresses it only logs: an alert must never stop the workflow.
 */
export async function notifyStaff(caseId: string, alert: StaffAlert, eventKey: string): Promise<SentNotice | undefined> {
  const to = [...config().staffEmails];
  if (to.length === 0) {
    logger.warn('staff alert not sent: STAFF_EMAILS is empty', { caseId, eventKey });
    return undefined;
  }
  return retryableAs(`sending staff alert ${eventKey} of case ${caseId}`, async () => {
    const delivery = await deliverOnce(caseId, eventKey, to, () => renderStaffAlert(caseId, alert));
    await appendAudit(caseId, {
      key: `notice:${eventKey}`,
      at: delivery.sentAt,
      actor: SYSTEM_ACTOR,
      action: 'STAFF_ALERTED',
      details: { messageId: delivery.messageId },
    });
    if (delivery.state === 'SENT_NOW') logger.info('staff alert sent', { caseId, eventKey, messageId: delivery.messageId });
    return { to, sentAt: delivery.sentAt, messageId: delivery.messageId };
  });
}

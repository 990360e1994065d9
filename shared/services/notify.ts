/**
 * Sending the notices a follow-up asks for: the order's operator gets its notice rendered from the
 * order as it stands (its own URLs only, for an ORDER notice), staff get their alert. Each goes out
 * once per event key (shared/notices); recording it is the caller's act (shared/services/acts.ts).
 */
import type { OperatorNoticeRequest, StaffAlertRequest } from '../domain/decider';
import { randomBytes } from 'node:crypto';
import type { ReporterUpdate } from '../domain/reporter';
import { orderDeadlines } from '../domain/deadlines';
import { orderNoticeObjection } from '../domain/orders';
import { statementOfReasons } from '../domain/reasons';
import { normalizeObjectionCode, OBJECTION_CODE_BYTES, objectionCodeFrom, objectionCodeHash } from '../domain/objections';
import type { NoticeKind, NoticeRecord, Operator, OrderRecord } from '../domain/model';
import {
  deliverOnce,
  renderContactChange,
  renderObjectionOutcome,
  renderOperatorNotice,
  renderReporterUpdate,
  renderStaffAlert,
  type Delivery,
  type OperatorNotice,
} from '../notices/index';
import { nowIso } from '../runtime/clock';
import { config } from '../runtime/config';
import { policyOf, policyOfCase } from './policies';
import { logger } from '../runtime/logger';
import { retryableAs } from '../runtime/transient';
import { casePartition, operatorPartition } from '../store/keys';
import { putObjectionCode } from '../store/objections';
import { getAppeal, getCase, getCaseUrls, getOperator, getOrder, getOrderUrls } from '../store/repository';

/** SES refuses the message for its recipients, not for a passing reason: sending it again will not help. */
const REFUSED_FOR_GOOD = new Set(['MessageRejected', 'BadRequestException']);

/** The delivery, or the name of SES's refusal when it will never take the message; other errors pass. */
async function refusedForGood(sending: Promise<Delivery>): Promise<Delivery | { readonly refusal: string }> {
  try {
    return await sending;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (!REFUSED_FOR_GOOD.has(name)) throw error;
    return { refusal: name };
  }
}

export type OperatorNoticeDelivery =
  /** SES accepted it (now or before); an ORDER notice also says which deadline it stated. */
  | {
      readonly accepted: true;
      readonly record: NoticeRecord;
      readonly deadlines?: { deadlineAt: string; graceEndsAt: string };
      /** The operator it went to, as read to address it: its webhook flag says whether events follow. */
      readonly operator: Operator;
    }
  /** It cannot reach the operator, whatever is tried: no operator, no contact, or SES refused it for good. */
  | { readonly accepted: false; readonly reason: string };

/** The notices about the order's running deadline (a FINE too states it, but a fined order always had one). */
const ABOUT_THE_CLOCK: ReadonlySet<NoticeKind> = new Set<NoticeKind>(['REMINDER', 'OVERDUE']);

async function orderUrls(order: OrderRecord): Promise<string[]> {
  return [...new Set((await getOrderUrls(order)).map((url) => url.url))];
}

async function noticeFor(order: OrderRecord, request: OperatorNoticeRequest, deadlineAt: string): Promise<OperatorNotice> {
  switch (request.kind) {
    case 'ORDER': {
      const [caseRecord, urls] = await Promise.all([getCase(order.caseId), orderUrls(order)]);
      if (!caseRecord) throw new Error(`Case ${order.caseId} of order ${order.orderId} does not exist; its notice cannot be written.`);
      const reasons = statementOfReasons({
        policy: await policyOf(caseRecord),
        procedure: caseRecord.procedure,
        order: { ...order, deadlineAt },
        approvals: caseRecord.approvals,
        urls,
      });
      if (!orderNoticeObjection(order.action).posterCode) return { kind: 'ORDER', urls, deadlineAt, reasons };
      return { kind: 'ORDER', urls, deadlineAt, reasons, objectionCode: await newObjectionCode(order.orderId) };
    }
    case 'REINSTATE':
      // What to restore or unblock is the order's own URLs, as its ORDER notice listed them.
      return { ...request, urls: await orderUrls(order) };
    case 'FINE':
    case 'FINE_DECISION':
      if (order.fine === undefined) throw new Error(`Order ${order.orderId} has no fine to notify.`);
      return { kind: request.kind, fine: order.fine };
    case 'STILL_ONLINE': {
      const lastRound = order.monitoring?.lastCheckedAt;
      if (lastRound === undefined) throw new Error(`Order ${order.orderId} has no post-monitoring round to notify.`);
      const urls = (order.monitoring?.urls ?? []).filter((url) => url.checks.at(-1)?.result === 'STILL_UP').map((url) => url.url);
      return { kind: 'STILL_ONLINE', urls, checkedAt: lastRound };
    }
    default:
      return request;
  }
}

/**
 * A fresh objection code for an ORDER notice, its hash stored before any e-mail carries it: each
 * ORDER notice (a resend too) has its own, and every code sent stays valid for its order. A code
 * made for an attempt that sends nothing leads to its order too, but nobody ever saw it.
 */
async function newObjectionCode(orderId: string): Promise<string> {
  const code = objectionCodeFrom(randomBytes(OBJECTION_CODE_BYTES));
  const normalized = normalizeObjectionCode(code);
  if (normalized === null) throw new Error('a generated objection code must read back as one');
  await putObjectionCode(objectionCodeHash(normalized), { orderId, createdAt: nowIso() });
  return code;
}

/**
 * Tells a poster who left a contact the outcome of the objection, once per event key. An address
 * SES refuses for good is given up on (logged without it): the outcome stays on the public page.
 */
export async function deliverObjectionOutcome(appealId: string, objectionId: string, eventKey: string): Promise<void> {
  const appeal = await getAppeal(appealId);
  const objection = appeal?.objections?.find((one) => one.objectionId === objectionId);
  if (!appeal || objection?.contact === undefined) return;
  if (appeal.status !== 'UPHELD' && appeal.status !== 'OVERTURNED') {
    throw new Error(`Appeal ${appealId} is ${appeal.status}; its objectors are told once it is settled.`);
  }
  const outcome = appeal.status;
  const { policy, publicBaseUrl } = config();
  const delivery = await retryableAs(`telling objector ${objectionId} the outcome`, () =>
    refusedForGood(
      deliverOnce(casePartition(appeal.caseId), eventKey, [objection.contact as string], () =>
        renderObjectionOutcome({ reference: objectionId, outcome, policy, links: { web: publicBaseUrl } }),
      ),
    ),
  );
  if ('refusal' in delivery) logger.warn('an objector could not be told the outcome', { appealId, refusal: delivery.refusal });
}

/**
 * Sends the notice about the order to its operator's current contacts, once per event key, and
 * answers what to record on the order. Throttling and other passing faults come out as a
 * TransientError; a notice that cannot reach the operator at all is answered as refused.
 */
export async function deliverOperatorNotice(
  orderId: string,
  request: OperatorNoticeRequest,
  eventKey: string,
): Promise<OperatorNoticeDelivery> {
  return retryableAs(`sending the ${request.kind} notice of order ${orderId}`, async () => {
    const order = await getOrder(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist; its notice cannot be sent.`);
    // A notice about the clock, left for the sweeper while the order's notice was found undelivered,
    // has nothing true to say: it is recorded as not sent, with why, instead of failing every sweep.
    if (ABOUT_THE_CLOCK.has(request.kind) && order.deadlineAt === undefined) {
      return { accepted: false, reason: 'not sent: the order notice did not reach the operator, so no deadline runs' };
    }
    const operator = await getOperator(order.operatorId);
    if (!operator) return { accepted: false, reason: `operator ${order.operatorId} is not registered` };
    if (operator.contactEmails.length === 0) return { accepted: false, reason: `operator ${operator.operatorId} has no contact e-mail` };
    const { publicBaseUrl, apiBaseUrl } = config();
    const policy = await policyOfCase(order.caseId);
    const to = [...operator.contactEmails];
    // The deadline the notice states, counted from when it is written; the order's clock counts
    // from SES's acceptance a moment later and keeps the later of the two (in the operator's favour).
    const stated = orderDeadlines(policy, nowIso());
    const notice = await noticeFor(order, request, stated.deadlineAt);
    const delivery = await refusedForGood(
      deliverOnce(
        casePartition(order.caseId),
        eventKey,
        to,
        () => renderOperatorNotice({ order, operator, policy, notice, links: { web: publicBaseUrl, api: apiBaseUrl } }),
        {
          orderId,
        },
      ),
    );
    if ('refusal' in delivery) return { accepted: false, reason: `SES refused the message (${delivery.refusal})` };
    const record: NoticeRecord = {
      eventKey,
      kind: request.kind,
      to,
      sentAt: delivery.sentAt,
      messageId: delivery.messageId,
      status: 'SENT',
    };
    return {
      accepted: true,
      record,
      operator,
      // Only the deadline of the e-mail sent now: one sent before stated its own, counted from before
      // its acceptance, which the clock then counts from (restating it now would move it later).
      ...(request.kind === 'ORDER' && delivery.state === 'SENT_NOW'
        ? { deadlines: { deadlineAt: stated.deadlineAt, graceEndsAt: stated.graceEndsAt } }
        : {}),
    };
  });
}

/**
 * Tells the commission's staff (STAFF_EMAILS) about a case, once per event key. Without staff
 * addresses it only logs and answers undefined: an alert must never stop the workflow.
 */
export async function deliverStaffAlert(caseId: string, alert: StaffAlertRequest, eventKey: string): Promise<Delivery | undefined> {
  const { staffEmails, publicBaseUrl } = config();
  const to = [...staffEmails];
  if (to.length === 0) {
    logger.warn('staff alert not sent: STAFF_EMAILS is empty', { caseId, eventKey });
    return undefined;
  }
  return retryableAs(`sending staff alert ${eventKey} of case ${caseId}`, () =>
    deliverOnce(casePartition(caseId), eventKey, to, () => renderStaffAlert(caseId, alert, { web: publicBaseUrl })),
  );
}

/**
 * Tells an operator's old and new contacts that its contact e-mails changed, in one e-mail (once per
 * event key). Should SES refuse it for good (often for the very address replaced), each contact is
 * told on its own, and one SES refuses is skipped: the others must still learn of the change.
 */
export async function deliverContactChange(
  operatorId: string,
  change: { readonly eventKey: string; readonly before: readonly string[]; readonly after: readonly string[] },
  at: string,
): Promise<void> {
  const operator = await getOperator(operatorId);
  if (!operator) return;
  const to = [...new Set([...change.before, ...change.after])];
  const tell = (eventKey: string, recipients: readonly string[]) =>
    retryableAs(`telling the contacts of operator ${operatorId} of their change`, () =>
      refusedForGood(
        deliverOnce(operatorPartition(operatorId), eventKey, recipients, () =>
          renderContactChange({ operator, before: change.before, after: change.after, at, policy: config().policy }),
        ),
      ),
    );
  if (!('refusal' in (await tell(change.eventKey, to)))) return;
  for (const [index, address] of to.entries()) {
    // The key names the contact by its place in the change, never by its address.
    const told = await tell(`${change.eventKey}:contact-${index}`, [address]);
    if ('refusal' in told) logger.warn('a contact could not be told of its change', { operatorId, contact: index, refusal: told.refusal });
  }
}

/**
 * E-mails the case's reporter, in the language it chose, that the outcome of some of its URLs
 * changed (once per event key). Answers undefined when there is nobody to tell, or SES refuses the
 * address for good: a reporter's mailbox must never hold up the case. The address is never logged.
 */
export async function deliverReporterUpdate(update: ReporterUpdate): Promise<Delivery | undefined> {
  const record = await getCase(update.caseId);
  const contact = record?.reporterContact;
  if (record === undefined || contact === undefined) return undefined;
  const { caseId, operatorId, urlOwners } = update;
  const listed =
    operatorId === undefined || urlOwners === undefined
      ? await getCaseUrls(caseId, operatorId)
      : await getOrderUrls({ caseId, operatorId, urlOwners: [...urlOwners] });
  const urls = [...new Set(listed.map((url) => url.url))];
  const rejectionReason =
    update.outcome === 'NOT_ORDERED' ? record.approvals.find((approval) => approval.decision === 'REJECT')?.reason : undefined;
  const { publicBaseUrl, policy } = config();
  const delivery = await retryableAs(`e-mailing the reporter of case ${update.caseId}`, () =>
    refusedForGood(
      deliverOnce(casePartition(update.caseId), update.eventKey, [contact.email], () =>
        renderReporterUpdate({
          caseId: update.caseId,
          language: contact.language,
          urls,
          previous: update.previous,
          outcome: update.outcome,
          ...(rejectionReason === undefined ? {} : { rejectionReason }),
          links: { web: publicBaseUrl },
          policy,
        }),
      ),
    ),
  );
  if ('refusal' in delivery) {
    logger.warn('the reporter could not be e-mailed', { caseId: update.caseId, eventKey: update.eventKey, refusal: delivery.refusal });
    return undefined;
  }
  return delivery;
}

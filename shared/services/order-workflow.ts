/**
 * The order-level steps of the workflow: issuing one order per operator, the order notice, the
 * appeal window, collecting appeals, and fines. Each step is a set of acts that answer `null`
 * when already done, so a retried task finishes what an earlier attempt began.
 */
import { batchNumbers, batchOf, type BatchKind } from '../domain/batches';
import { caseDecider } from '../domain/deciders/case';
import { orderDecider, resendClosesAt } from '../domain/deciders/order';
import { appealWindowClosesAt, isPast, lateHours, secondsBefore, secondsUntil } from '../domain/deadlines';
import { fineInputsFor, periodCap, recomputeFine, standingPriorOrderIds } from '../domain/fines';
import { fineLedgerDecider } from '../domain/deciders/fine-ledger';
import { orderIdFor, reviewIdFor } from '../domain/ids';
import type { CaseUrl, Operator, OrderRecord } from '../domain/model';
import { partnerOrigin } from '../domain/partner-updates';
import {
  APPEALED_STATUSES,
  deadlinePaused,
  isBindingOrder,
  isComplied,
  isFinable,
  isLifted,
  isUndelivered,
  operatorForHost,
  orderNoticeKey,
  orderStatus,
  routeOrders,
  urlsOfOrder,
} from '../domain/orders';
import { durationToMs, type Policy } from '../domain/policy';
import { policyVersionOf } from '../domain/policy-version';
import { durationMetric } from '../runtime/metrics';
import { TransientError } from '../runtime/transient';
import { orderFacets } from '../domain/order-search';
import { facets } from '../domain/search';
import { refs } from '../store/keys';
import { writeOrderSearchEntries, writeSearchEntries } from '../store/search';
import {
  getAppeal,
  getCaseUrls,
  getOperator,
  getReview,
  getUrlChunk,
  listOperators,
  listOrdersOfCase,
  listOrdersOfOperator,
  putUrlChunk,
  writeUrls,
} from '../store/repository';
import { policyOf, policyOfCase } from './policies';
import { act, finishUnsettledOf, notifyOperator } from './acts';
import { sanitizeFailure } from './case-workflow';
import { requireCase, requireOrder } from './records';

export function distinctByUrl(urls: readonly CaseUrl[]): CaseUrl[] {
  const seen = new Map<string, CaseUrl>();
  for (const url of urls) if (!seen.has(url.url)) seen.set(url.url, url);
  return [...seen.values()];
}

/**
 * Matches the case's UNASSIGNED URLs (those of `caseUrls`, its URLs as stored) against the
 * operators registry as it is now (staff may have registered the missing operator since the
 * report). Each step can be repeated: a crash between steps leaves copies that the next run folds
 * together again.
 */
async function matchUnassignedUrls(
  caseId: string,
  caseUrls: readonly CaseUrl[],
  operators: readonly Operator[],
): Promise<{ matched: number; unassigned: number }> {
  const unassigned = distinctByUrl(caseUrls.filter((url) => url.operatorId === null));
  if (unassigned.length === 0) return { matched: 0, unassigned: 0 };
  const rematched = unassigned.map((url) => ({ ...url, operatorId: operatorForHost(url.host, operators) }));
  const byOperator = new Map<string, CaseUrl[]>();
  for (const url of rematched) {
    if (url.operatorId !== null) byOperator.set(url.operatorId, [...(byOperator.get(url.operatorId) ?? []), url]);
  }
  const remaining = rematched.filter((url) => url.operatorId === null);
  if (byOperator.size === 0) return { matched: 0, unassigned: remaining.length };
  for (const [operatorId, matched] of byOperator) {
    // The operator's chunks are rewritten whole, its earlier URLs first, so their order is stable.
    await writeUrls(caseId, distinctByUrl([...(await getCaseUrls(caseId, operatorId)), ...matched]));
  }
  await writeUrls(caseId, remaining);
  // The case is found by its new operators too.
  await writeSearchEntries(await requireCase(caseId), [...byOperator.keys()].map(facets.operator));
  // The rewritten chunks come first; any chunk after them still holds URLs that are now matched
  // (or copies of remaining ones): keep each remaining URL once, in its first chunk.
  const left = new Set(remaining.map((url) => url.url));
  for (let index = 0; ; index += 1) {
    const stored = await getUrlChunk(caseId, null, index);
    if (!stored) break;
    const keep = stored.filter((url) => left.delete(url.url));
    if (keep.length !== stored.length) await putUrlChunk(caseId, null, index, keep);
  }
  return { matched: unassigned.length - remaining.length, unassigned: remaining.length };
}

/**
 * The orders the case's URLs give (routeOrders: hosts, overseas hosts, ISPs), issued at the moment the case was approved
 * (`ordersIssuedAt`), not when this task happens to run; each order's deadline is set when its
 * notice is accepted for delivery. The order ids are
 * derived from the case and the operator, so a retry lands on the same orders. Answers the
 * numbers of the batches the workflow runs them in (shared/domain/batches.ts), not their ids.
 */
export async function issueOrders(caseId: string, now: string): Promise<{ orderBatches: number[] }> {
  const record = await requireCase(caseId);
  const issuedAt = record.ordersIssuedAt;
  if (issuedAt === undefined) {
    throw new Error(`Case ${caseId} has no ordersIssuedAt: orders are issued only once the case is approved.`);
  }
  const policy = await policyOf(record);
  const [stored, operators] = await Promise.all([getCaseUrls(caseId), listOperators()]);
  const match = await matchUnassignedUrls(caseId, stored, operators);
  // Matching moved URLs between chunks only when it matched some: read them again then.
  const caseUrls = distinctByUrl(match.matched === 0 ? stored : await getCaseUrls(caseId));
  const owners = new Set(caseUrls.flatMap((url) => (url.operatorId === null ? [] : [url.operatorId])));
  const unregistered = [...owners].find((operatorId) => !operators.some((operator) => operator.operatorId === operatorId));
  if (unregistered !== undefined) {
    throw new Error(`Operator ${unregistered} named by case ${caseId} is not registered; restore it, then retry.`);
  }
  const routed = routeOrders(caseUrls, operators, policy.routing);
  // vote-first: the committee confirmed before issuance, so each order starts confirmed and its
  // appeal window opens with it.
  const decided = record.procedure === 'vote-first';
  const orderIds: string[] = [];
  const partnerReferral = partnerOrigin(record);
  for (const { operatorId, action, urlOwners, urlCount } of routed.orders) {
    const orderId = orderIdFor(caseId, operatorId);
    const decisionStatus = decided ? 'CONFIRMED' : 'PENDING';
    const order: OrderRecord = {
      orderId,
      caseId,
      operatorId,
      status: orderStatus('ISSUED', decisionStatus),
      complianceStatus: 'ISSUED',
      decisionStatus,
      action,
      category: record.category,
      urlCount,
      issuedAt,
      ...(decided ? { appealDeadline: appealWindowClosesAt(policy, issuedAt) } : {}),
      remindersSent: [],
      notices: [],
      ...(record.reporterContact === undefined ? {} : { reporterUpdates: true }),
      ...(partnerReferral === undefined ? {} : { partnerReferral }),
      ...(urlOwners === undefined ? {} : { urlOwners }),
    };
    // The order is found by its URLs and hosts as soon as it exists.
    await writeOrderSearchEntries(order, orderFacets(urlsOfOrder(order, caseUrls)));
    await act(orderDecider, refs.order(orderId), { type: 'ISSUE', order }, now);
    orderIds.push(orderId);
  }
  // URLs blocked through the ISPs are no longer waiting for staff.
  const routedMatch = { ...match, unassigned: routed.unassigned };
  const blockingOrdersIssued = routed.orders.some((order) => order.action === 'BLOCK_ACCESS');
  await act(caseDecider, refs.case(caseId), { type: 'RECORD_URL_MATCH', ...routedMatch, blockingOrdersIssued }, now);
  return { orderBatches: batchNumbers(orderIds.length) };
}

/** The appeals of a closed appeal window that go to the committee, one per appealed order. */
function appealIdsOf(orders: readonly OrderRecord[]): string[] {
  return orders
    .filter((order) => APPEALED_STATUSES.has(order.decisionStatus) && order.appealId !== undefined)
    .map((order) => order.appealId as string)
    .sort();
}

/**
 * The ids of one batch of the case's orders (once issued, the case has no other orders) or of
 * its appeals (once the appeal window closed, no other appeals): the same batches every time.
 */
export async function listBatch(caseId: string, kind: BatchKind, batch: number): Promise<{ ids: string[] }> {
  const orders = await listOrdersOfCase(caseId);
  const ids = kind === 'ORDERS' ? orders.map((order) => order.orderId) : appealIdsOf(orders);
  return { ids: batchOf(ids, batch) };
}

/** How often an UNDELIVERED order's workflow looks again, should a resend's wake-up be lost. */
const UNDELIVERED_RECHECK_SECONDS = 60 * 60;
/** How often the workflow of an order whose deadline is paused looks again, should the resumption's wake-up be lost. */
const PAUSED_RECHECK_SECONDS = 60 * 60;
/** The longest pause between two attempts at a notice SES will not accept for now. */
const NOTICE_RETRY_CAP_SECONDS = 300;

/**
 * Where an order's notice stands, and what the workflow does next:
 * - DELIVERED: its clock runs; the compliance wait may last `secondsToDeadline` (up to the
 *   deadline's last whole second, counted after sending, so the wait never ends after it), then a
 *   Wait on `deadlineAt` itself;
 * - RETRY: SES did not accept it for now; try again in `secondsToWait` (capped exponential backoff,
 *   for the policy's noticeRetryWindow, after which the order is UNDELIVERED);
 * - UNDELIVERED: it cannot reach the operator; wait up to `secondsToWait` for a resend;
 * - GIVEN_UP: it stayed UNDELIVERED for the policy's resendWindow: its track ends, unfined;
 * - SETTLED: nothing to wait for (the order was lifted, or complied with before any deadline, or
 *   it is a non-binding request that reached the host);
 * - PAUSED: staff paused its deadline; wait for compliance, or for the resumption, without a
 *   deadline (looking again every `secondsToWait`).
 */
export type NoticeState = 'DELIVERED' | 'RETRY' | 'UNDELIVERED' | 'GIVEN_UP' | 'SETTLED' | 'PAUSED';

export interface NoticeStep {
  readonly state: NoticeState;
  readonly secondsToDeadline: number;
  readonly deadlineAt: string | null;
  readonly secondsToWait: number;
}

function stepOf(order: OrderRecord, now: string, state: NoticeState, secondsToWait = 1): NoticeStep {
  return {
    state,
    secondsToDeadline: order.deadlineAt === undefined ? 1 : secondsBefore(order.deadlineAt, now),
    deadlineAt: order.deadlineAt ?? null,
    secondsToWait: Math.max(1, Math.round(secondsToWait)),
  };
}

function stepFor(order: OrderRecord, policy: Policy, now: string): NoticeStep | null {
  if (isLifted(order) || isComplied(order)) return stepOf(order, now, 'SETTLED');
  if (isUndelivered(order)) {
    const closesAt = resendClosesAt(policy, order) ?? now;
    if (isPast(closesAt, now)) return stepOf(order, now, 'GIVEN_UP');
    return stepOf(order, now, 'UNDELIVERED', Math.min(UNDELIVERED_RECHECK_SECONDS, secondsUntil(closesAt, now)));
  }
  if (deadlinePaused(order)) return stepOf(order, now, 'PAUSED', PAUSED_RECHECK_SECONDS);
  if (order.deadlineAt === undefined) return null;
  // A request's date is not enforced: once it reached the host, its track has nothing to wait for.
  return stepOf(order, now, isBindingOrder(order) ? 'DELIVERED' : 'SETTLED');
}

/**
 * An operator that saw the order in its API or from a webhook may comply before the e-mail goes
 * out. The notice is still owed: it is the order's service in writing, with its statement of
 * reasons and how to object or appeal. Only a lifted order is no longer served.
 */
function owesNoticeAfterCompliance(order: OrderRecord): boolean {
  return isComplied(order) && !isLifted(order) && !order.notices.some((notice) => notice.eventKey === orderNoticeKey(order));
}

/**
 * Sends the order's current ORDER notice (the first, or the latest resend) unless it was accepted
 * already, and answers where it stands (see NoticeState).
 */
export async function sendOrderNotice(orderId: string, clock: () => string): Promise<NoticeStep> {
  const order = await requireOrder(orderId);
  const policy = await policyOfCase(order.caseId);
  const known = stepFor(order, policy, clock());
  if (known !== null && !owesNoticeAfterCompliance(order)) return known;
  try {
    const sent = await notifyOperator(orderId, { kind: 'ORDER' }, orderNoticeKey(order));
    // Once per order: its first notice, accepted now (a retried task reads the order with it recorded).
    if (sent.accepted && !order.resends && !order.notices.some((notice) => notice.eventKey === sent.record.eventKey)) {
      durationMetric('TimeToNoticeMs', order.issuedAt, sent.record.sentAt);
    }
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    // SES will not take it for now: back off, and give up on it when the retry window is over.
    const now = clock();
    const trying = Math.max(0, (Date.parse(now) - Date.parse(order.resentAt ?? order.issuedAt)) / 1000);
    if (trying < durationToMs(policy.noticeRetryWindow) / 1000) {
      return stepOf(order, now, 'RETRY', Math.min(NOTICE_RETRY_CAP_SECONDS, Math.max(2, trying)));
    }
    await act(
      orderDecider,
      refs.order(orderId),
      { type: 'MARK_UNDELIVERED', reason: `SES did not accept the notice within ${policy.noticeRetryWindow} (${error.message})` },
      now,
    );
  }
  const after = await requireOrder(orderId);
  return stepFor(after, policy, clock()) ?? stepOf(after, clock(), 'RETRY', 2);
}

/** A task failed for good on the order's notice: the order is UNDELIVERED (the rest of the case goes on). */
export async function markUndelivered(orderId: string, error: string, cause: string, now: string): Promise<NoticeStep> {
  const reason = sanitizeFailure(error, cause);
  await act(
    orderDecider,
    refs.order(orderId),
    { type: 'MARK_UNDELIVERED', reason: `the notice could not be sent (${reason.error}: ${reason.cause})` },
    now,
  );
  const after = await requireOrder(orderId);
  return stepFor(after, await policyOfCase(after.caseId), now) ?? stepOf(after, now, 'RETRY', 2);
}

/**
 * The committee confirmed the orders: each confirmed order gets its appeal deadline, counted from
 * the confirmation, and the operator is told of its right to appeal. Under vote-first the orders
 * carry their appeal deadline from issuance and the order notice already said so.
 */
export async function openAppealWindow(caseId: string, now: string): Promise<{ closesAt: string; waitUntil: string }> {
  const record = await requireCase(caseId);
  const voteFirst = record.procedure === 'vote-first';
  const confirmedAt = voteFirst ? record.ordersIssuedAt : (await getReview(reviewIdFor(caseId, 'POST_REVIEW')))?.closedAt;
  if (confirmedAt === undefined) throw new Error(`Case ${caseId} has no confirmation time; the appeal window cannot open.`);
  const closesAt = appealWindowClosesAt(await policyOf(record), confirmedAt);
  for (const order of await listOrdersOfCase(caseId)) {
    await act(orderDecider, refs.order(order.orderId), { type: 'OPEN_APPEAL_WINDOW', appealDeadline: closesAt, notify: !voteFirst }, now);
  }
  await act(caseDecider, refs.case(caseId), { type: 'OPEN_APPEAL_WINDOW', closesAt }, now);
  return { closesAt, waitUntil: wholeSecondAtOrAfter(closesAt) };
}

/**
 * The Wait state's timestamp: Step Functions drops fractions of a second, which would end the
 * wait up to a second before the window closes. Rounded up, it never ends early.
 */
function wholeSecondAtOrAfter(at: string): string {
  return new Date(Math.ceil(Date.parse(at) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The appeal window closed: the appeals filed in it go to the committee. Answers the numbers of
 * the batches the workflow reviews them in (shared/domain/batches.ts), not their ids.
 */
export async function collectAppeals(caseId: string, now: string): Promise<{ appealBatches: number[] }> {
  const orders = await listOrdersOfCase(caseId);
  const stillOpen = orders.find((order) => order.appealDeadline !== undefined && !isPast(order.appealDeadline, now));
  if (stillOpen) {
    throw new TransientError(`the appeal window of order ${stillOpen.orderId} is open until ${stillOpen.appealDeadline}`);
  }
  const appealIds = appealIdsOf(orders);
  // An appeal's record follows from its order's event; one a fault held back is finished here.
  if ((await Promise.all(appealIds.map(getAppeal))).some((appeal) => appeal === undefined)) {
    await finishUnsettledOf(refs.case(caseId).root.pk);
    if ((await Promise.all(appealIds.map(getAppeal))).some((appeal) => appeal === undefined)) {
      throw new TransientError(`an appeal of case ${caseId} is still being recorded`);
    }
  }
  if (appealIds.length > 0) await act(caseDecider, refs.case(caseId), { type: 'START_APPEAL_REVIEWS', appealIds }, now);
  return { appealBatches: batchNumbers(appealIds.length) };
}

/**
 * Delay counted for the fine: to the late compliance, or to the end of the grace period; for an
 * order issued again, the whole grace period of the clock it missed.
 */
function lateHoursOf(order: OrderRecord): number {
  if (order.missedClock !== undefined) return lateHours(order.missedClock.deadlineAt, order.missedClock.graceEndsAt);
  if (order.deadlineAt === undefined || order.graceEndsAt === undefined) return 0;
  const until = order.complianceStatus === 'COMPLIED_LATE' && order.compliedAt ? order.compliedAt : order.graceEndsAt;
  return lateHours(order.deadlineAt, until);
}

/**
 * Proposes a fine for every binding order that missed its deadline and still stands (once per
 * order). Each fine first takes its room in its operator's cap period (the ledger's own
 * conditional write serializes cases closing at once), then is proposed from inputs that record
 * that room, so `recomputeFine(fine.inputs)` gives the amount proposed.
 */
export async function assessFines(caseId: string, now: string): Promise<{ fined: number }> {
  const policy = await policyOfCase(caseId);
  const policyVersion = policyVersionOf(policy);
  let fined = 0;
  for (const order of await listOrdersOfCase(caseId)) {
    // A clock missed before a re-issue is fined as missed, whatever became of the new one.
    const compliance = order.missedClock === undefined ? order.complianceStatus : 'OVERDUE';
    const missedDeadlineAt = order.missedClock?.deadlineAt ?? order.deadlineAt;
    if (!isFinable(order) || (compliance !== 'OVERDUE' && compliance !== 'COMPLIED_LATE')) continue;
    if (missedDeadlineAt === undefined) continue;
    fined += 1;
    if (order.fine !== undefined) continue;
    const operator = await getOperator(order.operatorId);
    if (!operator) throw new Error(`Operator ${order.operatorId} of order ${order.orderId} is not registered; the fine needs its revenue.`);
    const priorOrderIds = standingPriorOrderIds(order, await listOrdersOfOperator(order.operatorId));
    const unplaced = fineInputsFor({
      policy,
      policyVersion,
      order,
      compliance,
      missedDeadlineAt,
      lateHours: lateHoursOf(order),
      operator,
      priorOrderIds,
    });
    const ledgerRef = refs.fineLedger(order.operatorId, unplaced.period.id);
    const { state: ledger } = await act(
      fineLedgerDecider,
      ledgerRef,
      {
        type: 'RESERVE',
        operatorId: order.operatorId,
        period: unplaced.period.id,
        currency: unplaced.currency,
        orderId: order.orderId,
        requested: recomputeFine(unplaced).amount,
        cap: periodCap(unplaced),
      },
      now,
    );
    const room = ledger?.fines[order.orderId];
    if (room === undefined)
      throw new Error(`The cap period ${unplaced.period.id} of operator ${order.operatorId} holds no room for order ${order.orderId}.`);
    const inputs = { ...unplaced, period: { id: unplaced.period.id, finedBefore: room.finedBefore } };
    await act(orderDecider, refs.order(order.orderId), { type: 'ASSESS_FINE', inputs }, now);
  }
  return { fined };
}

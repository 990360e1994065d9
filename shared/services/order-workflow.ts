/**
 * The order-level steps of the workflow: issuing one order per operator, the order notice, the
 * appeal window, collecting appeals, and fines. Each step is a set of acts that answer `null`
 * when already done, so a retried task finishes what an earlier attempt began.
 */
import { caseDecider } from '../domain/deciders/case';
import { orderDecider } from '../domain/deciders/order';
import { appealWindowClosesAt, isPast, lateHours, orderDeadlines, secondsBefore } from '../domain/deadlines';
import { computeFine, fineFactors } from '../domain/fines';
import { orderIdFor, reviewIdFor } from '../domain/ids';
import type { CaseUrl, Fine, OrderRecord } from '../domain/model';
import { actionFor, APPEALED_STATUSES, chunk, isFinable, isLifted, operatorForHost, orderStatus } from '../domain/orders';
import { config } from '../runtime/config';
import { durationMetric } from '../runtime/metrics';
import { TransientError } from '../runtime/transient';
import { refs } from '../store/keys';
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
import { act, finishUnsettledOf, notifyOperator } from './acts';
import { requireCase, requireOrder } from './records';

function distinctByUrl(urls: readonly CaseUrl[]): CaseUrl[] {
  const seen = new Map<string, CaseUrl>();
  for (const url of urls) if (!seen.has(url.url)) seen.set(url.url, url);
  return [...seen.values()];
}

/**
 * Matches the case's UNASSIGNED URLs against the operators registry as it is now (staff may have
 * registered the missing operator since the report). Each step can be repeated: a crash between
 * steps leaves copies that the next run folds together again.
 */
async function matchUnassignedUrls(caseId: string): Promise<{ matched: number; unassigned: number }> {
  const unassigned = distinctByUrl(await getCaseUrls(caseId, null));
  if (unassigned.length === 0) return { matched: 0, unassigned: 0 };
  const operators = await listOperators();
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
 * AWS runs at most 40 iterations of an inline Map at once, and an order's iteration lasts until its
 * grace period ends: the workflow maps over batches of this size so that no order waits its turn.
 */
const INLINE_MAP_CONCURRENCY = 40;

/**
 * One order per operator named by the case's URLs, with deadlines counted from the moment the
 * case was approved (`ordersIssuedAt`), not from when this task happens to run. The order ids are
 * derived from the case and the operator, so a retry lands on the same orders.
 */
export async function issueOrders(caseId: string, now: string): Promise<{ orderIds: string[]; orderBatches: string[][] }> {
  const record = await requireCase(caseId);
  const issuedAt = record.ordersIssuedAt;
  if (issuedAt === undefined) {
    throw new Error(`Case ${caseId} has no ordersIssuedAt: orders are issued only once the case is approved.`);
  }
  const { policy } = config();
  const match = await matchUnassignedUrls(caseId);
  const urlCounts = new Map<string, number>();
  for (const url of distinctByUrl(await getCaseUrls(caseId))) {
    if (url.operatorId !== null) urlCounts.set(url.operatorId, (urlCounts.get(url.operatorId) ?? 0) + 1);
  }
  const deadlines = orderDeadlines(policy, issuedAt);
  // vote-first: the committee confirmed before issuance, so each order starts confirmed and its
  // appeal window opens with it.
  const decided = record.procedure === 'vote-first';
  const orderIds: string[] = [];
  for (const operatorId of [...urlCounts.keys()].sort()) {
    const operator = await getOperator(operatorId);
    if (!operator) throw new Error(`Operator ${operatorId} named by case ${caseId} is not registered; restore it, then retry.`);
    const orderId = orderIdFor(caseId, operatorId);
    const decisionStatus = decided ? 'CONFIRMED' : 'PENDING';
    const order: OrderRecord = {
      orderId,
      caseId,
      operatorId,
      status: orderStatus('ISSUED', decisionStatus),
      complianceStatus: 'ISSUED',
      decisionStatus,
      action: actionFor(operator.jurisdiction),
      category: record.category,
      urlCount: urlCounts.get(operatorId) ?? 0,
      issuedAt,
      deadlineAt: deadlines.deadlineAt,
      graceEndsAt: deadlines.graceEndsAt,
      ...(decided ? { appealDeadline: appealWindowClosesAt(policy, issuedAt) } : {}),
      remindersSent: [],
      notices: [],
    };
    await act(orderDecider, refs.order(orderId), { type: 'ISSUE', order }, now);
    orderIds.push(orderId);
  }
  await act(caseDecider, refs.case(caseId), { type: 'RECORD_URL_MATCH', ...match }, now);
  return { orderIds, orderBatches: chunk(orderIds, INLINE_MAP_CONCURRENCY) };
}

/**
 * Sends the order's notice and answers how long the compliance wait may run: up to the deadline's
 * last whole second, counted after sending (a notice can take seconds under load), so that the
 * wait never ends after the deadline; the workflow then waits for the exact instant.
 */
export async function sendOrderNotice(orderId: string, clock: () => string): Promise<{ secondsToDeadline: number; deadlineAt: string }> {
  const order = await requireOrder(orderId);
  if (!isLifted(order)) {
    const sent = await notifyOperator(orderId, { kind: 'ORDER' }, `order:${orderId}`);
    // Once per order: a retried task finds the notice already recorded on the order it read.
    if (!order.notices.some((notice) => notice.eventKey === sent.eventKey)) durationMetric('TimeToNoticeMs', order.issuedAt, sent.sentAt);
  }
  return { secondsToDeadline: secondsBefore(order.deadlineAt, clock()), deadlineAt: order.deadlineAt };
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
  const closesAt = appealWindowClosesAt(config().policy, confirmedAt);
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

/** The appeal window closed: the appeals filed in it go to the committee. */
export async function collectAppeals(caseId: string, now: string): Promise<{ appealIds: string[] }> {
  const orders = await listOrdersOfCase(caseId);
  const stillOpen = orders.find((order) => order.appealDeadline !== undefined && !isPast(order.appealDeadline, now));
  if (stillOpen) {
    throw new TransientError(`the appeal window of order ${stillOpen.orderId} is open until ${stillOpen.appealDeadline}`);
  }
  const appealIds = orders
    .filter((order) => APPEALED_STATUSES.has(order.decisionStatus) && order.appealId !== undefined)
    .map((order) => order.appealId as string)
    .sort();
  // An appeal's record follows from its order's event; one a fault held back is finished here.
  if ((await Promise.all(appealIds.map(getAppeal))).some((appeal) => appeal === undefined)) {
    await finishUnsettledOf(refs.case(caseId).root.pk);
    if ((await Promise.all(appealIds.map(getAppeal))).some((appeal) => appeal === undefined)) {
      throw new TransientError(`an appeal of case ${caseId} is still being recorded`);
    }
  }
  if (appealIds.length > 0) await act(caseDecider, refs.case(caseId), { type: 'START_APPEAL_REVIEWS', appealIds }, now);
  return { appealIds };
}

/** Delay counted for the fine: to the late compliance, or to the end of the grace period. */
function lateHoursOf(order: OrderRecord): number {
  const until = order.complianceStatus === 'COMPLIED_LATE' && order.compliedAt ? order.compliedAt : order.graceEndsAt;
  return lateHours(order.deadlineAt, until);
}

/** Fines every order that missed its deadline and still stands (once per order). */
export async function assessFines(caseId: string, now: string): Promise<{ fined: number }> {
  const { policy } = config();
  let fined = 0;
  for (const order of await listOrdersOfCase(caseId)) {
    const compliance = order.complianceStatus;
    if (!isFinable(order) || (compliance !== 'OVERDUE' && compliance !== 'COMPLIED_LATE')) continue;
    fined += 1;
    if (order.fine !== undefined) continue;
    const operator = await getOperator(order.operatorId);
    if (!operator) throw new Error(`Operator ${order.operatorId} of order ${order.orderId} is not registered; the fine needs its revenue.`);
    const priorOrders = (await listOrdersOfOperator(order.operatorId)).filter(
      (other) => other.orderId !== order.orderId && other.issuedAt < order.issuedAt,
    ).length;
    const hours = lateHoursOf(order);
    const factors = fineFactors({ category: order.category, compliance, urlCount: order.urlCount, priorOrders, lateHours: hours }, policy);
    const fine: Fine = computeFine(policy, { revenue: operator.annualRevenue, currency: operator.currency, factors, lateHours: hours });
    await act(orderDecider, refs.order(order.orderId), { type: 'ASSESS_FINE', fine }, now);
  }
  return { fined };
}

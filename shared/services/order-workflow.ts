/**
 * The order-level steps of the workflow: issuing one order per operator, the order notice, the
 * appeal window, collecting appeals, and fines.
 */
import { appealWindowClosesAt, isPast, lateHours, orderDeadlines, secondsBefore } from '../domain/deadlines';
import { computeFine, fineFactors } from '../domain/fines';
import { orderIdFor, reviewIdFor } from '../domain/ids';
import type { CaseUrl, DecisionStatus, Fine, OrderRecord } from '../domain/model';
import { actionFor, chunk, isFinable, operatorForHost, orderStatus } from '../domain/orders';
import { notifyOperator, notifyStaff } from '../notices/index';
import { config } from '../runtime/config';
import { TransientError } from '../runtime/transient';
import { keys } from '../store/keys';
import {
  appendAudit,
  ConditionFailedError,
  getCaseUrls,
  getItem,
  getOperator,
  getReview,
  listAppealsOfCase,
  listOperators,
  listOrdersOfCase,
  listOrdersOfOperator,
  putItem,
  putOrderIfAbsent,
  updateOrder,
  writeUrls,
} from '../store/repository';
import { isLifted, moveCase, requireCase, requireOrder, SYSTEM_ACTOR } from './transitions';

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
async function matchUnassignedUrls(caseId: string): Promise<number> {
  const unassigned = distinctByUrl(await getCaseUrls(caseId, null));
  if (unassigned.length === 0) return 0;
  const operators = await listOperators();
  const rematched = unassigned.map((url) => ({ ...url, operatorId: operatorForHost(url.host, operators) }));
  const byOperator = new Map<string, CaseUrl[]>();
  for (const url of rematched) {
    if (url.operatorId !== null) byOperator.set(url.operatorId, [...(byOperator.get(url.operatorId) ?? []), url]);
  }
  if (byOperator.size === 0) return unassigned.length;
  for (const [operatorId, matched] of byOperator) {
    // The operator's chunks are rewritten whole, its earlier URLs first, so their order is stable.
    await writeUrls(caseId, distinctByUrl([...(await getCaseUrls(caseId, operatorId)), ...matched]));
  }
  const remaining = rematched.filter((url) => url.operatorId === null);
  await writeUrls(caseId, remaining);
  // The rewritten chunks come first; any chunk after them still holds URLs that are now matched
  // (or copies of remaining ones): keep each remaining URL once, in its first chunk.
  const left = new Set(remaining.map((url) => url.url));
  for (let index = 0; ; index += 1) {
    const key = keys.urlChunk(caseId, null, index);
    const stored = await getItem<{ urls: CaseUrl[] }>(key);
    if (!stored) break;
    const keep = stored.urls.filter((url) => left.delete(url.url));
    if (keep.length !== stored.urls.length) await putItem({ ...key, urls: keep });
  }
  return remaining.length;
}

/**
 * AWS runs at most 40 iterations of an inline Map at once, and an order's iteration lasts until its
 * grace period ends: the workflow maps over batches of this size so that no order waits its turn.
 */
const INLINE_MAP_CONCURRENCY = 40;

/**
 * One order per operator named by the case's URLs, with deadlines counted from the moment the
 * case was approved (`ordersIssuedAt`), not from when this task happens to run. Idempotent: the
 * order ids are derived from the case and the operator, and each order is put only if absent.
 */
export async function issueOrders(
  caseId: string,
  now: string,
): Promise<{ orderIds: string[]; orderBatches: string[][] }> {
  const record = await requireCase(caseId);
  const issuedAt = record.ordersIssuedAt;
  if (issuedAt === undefined) {
    throw new Error(`Case ${caseId} has no ordersIssuedAt: orders are issued only once the case is approved.`);
  }
  const { policy } = config();
  const unassignedLeft = await matchUnassignedUrls(caseId);
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
    await putOrderIfAbsent(order);
    await appendAudit(caseId, {
      key: `order-issued:${orderId}`,
      at: issuedAt,
      actor: SYSTEM_ACTOR,
      action: 'ORDER_ISSUED',
      details: { orderId, operatorId, urlCount: order.urlCount, deadlineAt: order.deadlineAt, action: order.action },
    });
    orderIds.push(orderId);
  }
  if (unassignedLeft > 0) {
    await notifyStaff(
      caseId,
      {
        subject: `${unassignedLeft} URL(s) of case ${caseId} match no registered operator`,
        lines: [
          'No order could be issued for them. Register the operator that hosts them (POST /operators);',
          'until then they stay UNASSIGNED on the case.',
        ],
      },
      'unassigned-urls',
    );
  }
  return { orderIds, orderBatches: chunk(orderIds, INLINE_MAP_CONCURRENCY) };
}

/** The order's notice to its operator (once), with this operator's URLs only. */
/**
 * Sends the order's notice and answers how long the compliance wait may run: up to the deadline's
 * last whole second, counted after sending (a notice can take seconds under load), so that the
 * wait never ends after the deadline; the workflow then waits for the exact instant.
 */
export async function sendOrderNotice(
  orderId: string,
  clock: () => string,
): Promise<{ secondsToDeadline: number; deadlineAt: string }> {
  const order = await requireOrder(orderId);
  if (!isLifted(order)) {
    const urls = (await getCaseUrls(order.caseId, order.operatorId)).map((url) => url.url);
    await notifyOperator(order, { kind: 'ORDER', urls: [...new Set(urls)] }, `order:${orderId}`);
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
  const { policy } = config();
  const voteFirst = record.procedure === 'vote-first';
  let confirmedAt: string | undefined;
  if (voteFirst) confirmedAt = record.ordersIssuedAt;
  else confirmedAt = (await getReview(reviewIdFor(caseId, 'POST_REVIEW')))?.closedAt;
  if (confirmedAt === undefined) throw new Error(`Case ${caseId} has no confirmation time; the appeal window cannot open.`);
  const closesAt = appealWindowClosesAt(policy, confirmedAt);

  for (const listed of await listOrdersOfCase(caseId)) {
    if (listed.decisionStatus !== 'CONFIRMED') continue;
    let order = listed;
    if (order.appealDeadline === undefined) {
      try {
        order = await updateOrder(order.orderId, {
          set: { appealDeadline: closesAt },
          condition: 'attribute_not_exists(#appealDeadline)',
          names: { '#appealDeadline': 'appealDeadline' },
        });
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        order = await requireOrder(order.orderId);
      }
    }
    await appendAudit(caseId, {
      key: `appeal-window:${order.orderId}`,
      at: now,
      actor: SYSTEM_ACTOR,
      action: 'APPEAL_WINDOW_OPENED',
      details: { orderId: order.orderId, appealDeadline: order.appealDeadline },
    });
    if (!voteFirst) await notifyOperator(order, { kind: 'CONFIRMED' }, `confirmed:${order.orderId}`);
  }
  await moveCase(caseId, ['CONFIRMED', 'ORDERS_ISSUED'], 'APPEAL_WINDOW', now, {
    action: 'APPEAL_WINDOW_OPENED',
    details: { closesAt },
  });
  return { closesAt, waitUntil: wholeSecondAtOrAfter(closesAt) };
}

/**
 * The Wait state's timestamp: Step Functions drops fractions of a second, which would end the
 * wait up to a second before the window closes. Rounded up, it never ends early.
 */
function wholeSecondAtOrAfter(at: string): string {
  return new Date(Math.ceil(Date.parse(at) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const ON_APPEAL: ReadonlySet<DecisionStatus> = new Set(['APPEALED', 'UPHELD', 'OVERTURNED']);

/** The appeal window closed: the appeals filed in it go to the committee. */
export async function collectAppeals(caseId: string, now: string): Promise<{ appealIds: string[] }> {
  const orders = await listOrdersOfCase(caseId);
  const stillOpen = orders.find((order) => order.appealDeadline !== undefined && !isPast(order.appealDeadline, now));
  if (stillOpen) {
    throw new TransientError(`the appeal window of order ${stillOpen.orderId} is open until ${stillOpen.appealDeadline}`);
  }
  const appeals = await listAppealsOfCase(caseId);
  const appealedOrders = new Set(orders.filter((order) => ON_APPEAL.has(order.decisionStatus)).map((order) => order.orderId));
  // An appeal item whose order never became APPEALED was refused (its window had closed).
  const appealIds = appeals
    .filter((appeal) => appealedOrders.has(appeal.orderId))
    .map((appeal) => appeal.appealId)
    .sort();
  if (appealIds.length > 0) {
    await moveCase(caseId, ['APPEAL_WINDOW'], 'UNDER_APPEAL', now, { action: 'APPEALS_UNDER_REVIEW', details: { appealIds } });
  }
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
  for (const listed of await listOrdersOfCase(caseId)) {
    if (!isFinable(listed)) continue;
    const compliance = listed.complianceStatus;
    if (compliance !== 'OVERDUE' && compliance !== 'COMPLIED_LATE') continue;
    let order = listed;
    if (order.fine === undefined) {
      const operator = await getOperator(order.operatorId);
      if (!operator) throw new Error(`Operator ${order.operatorId} of order ${order.orderId} is not registered; the fine needs its revenue.`);
      const priorOrders = (await listOrdersOfOperator(order.operatorId)).filter(
        (other) => other.orderId !== order.orderId && other.issuedAt < order.issuedAt,
      ).length;
      const hours = lateHoursOf(order);
      const factors = fineFactors(
        { category: order.category, compliance, urlCount: order.urlCount, priorOrders, lateHours: hours },
        policy,
      );
      const fine: Fine = computeFine(policy, {
        revenue: operator.annualRevenue,
        currency: operator.currency,
        factors,
        lateHours: hours,
      });
      try {
        order = await updateOrder(order.orderId, {
          set: { fine },
          condition: 'attribute_not_exists(#fine)',
          names: { '#fine': 'fine' },
        });
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        order = await requireOrder(order.orderId);
      }
    }
    const fine = order.fine;
    if (fine === undefined) continue;
    await appendAudit(caseId, {
      key: `fine:${order.orderId}`,
      at: now,
      actor: SYSTEM_ACTOR,
      action: 'FINE_ASSESSED',
      details: { orderId: order.orderId, amount: fine.amount, currency: fine.currency, policyId: fine.policyId },
    });
    await notifyOperator(order, { kind: 'FINE', fine }, `fine:${order.orderId}`);
    fined += 1;
  }
  return { fined };
}

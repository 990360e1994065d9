/**
 * What an operator does with its orders (CONTRACT.md section 5): read them, acknowledge,
 * report compliance, appeal. Any order that is not the caller's does not exist for it.
 */
import { assertOperatorOwnsOrder, type Identity } from '../domain/authz';
import { orderDecider, type OrderCommand } from '../domain/deciders/order';
import type { BULK_ACTS, BulkOrdersRequest } from '../domain/bulk-orders';
import { DomainError, type ErrorCode, NotFoundError, ValidationError } from '../domain/errors';
import { appealIdFor, caseIdOf, operatorIdOfOrder } from '../domain/ids';
import type {
  AppealRequest,
  ComplianceRequest,
  FineOpinionRequest,
  FineStatus,
  OrderRecord,
  OrderStatus,
  Reinstatement,
  ReinstatementRequest,
} from '../domain/model';
import { type OrderSearchQuery, planOrderSearch } from '../domain/order-search';
import { statementOfReasons, type StatementOfReasons } from '../domain/reasons';
import { isComplied } from '../domain/orders';
import { DEFAULT_PAGE_SIZE } from '../domain/search';
import { toCsv } from '../domain/statistics';
import { placedUrls, type UrlComplianceRequest, type UrlOutcomeView, type UrlReport, urlOutcomeViews } from '../domain/url-compliance';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase, getOrder, getOrderUrls, listOrdersOfOperator } from '../store/repository';
import { searchOrders } from '../store/search';
import { actOnRequest } from './acts';
import { policyOf } from './policies';

/** Reads an order for its operator; a malformed id, a missing order or another's order are all 404. */
async function ownOrder(identity: Identity, orderId: string): Promise<OrderRecord> {
  if (caseIdOf(orderId) === null || operatorIdOfOrder(orderId) !== identity.operatorId) {
    throw new NotFoundError(`Order ${orderId}`);
  }
  const order = await getOrder(orderId);
  if (!order) throw new NotFoundError(`Order ${orderId}`);
  assertOperatorOwnsOrder(identity, order);
  return order;
}

export interface OperatorOrderView {
  orderId: string;
  caseId: string;
  status: OrderStatus;
  /** The order's two tracks (`status` is derived from them): what the operator must do, and what the committee decided. */
  complianceStatus: OrderRecord['complianceStatus'];
  decisionStatus: OrderRecord['decisionStatus'];
  action: OrderRecord['action'];
  category: OrderRecord['category'];
  urls: string[];
  issuedAt: string;
  /** Absent until the order notice is accepted for delivery, and while the order is UNDELIVERED. */
  deadlineAt?: string;
  graceEndsAt?: string;
  /** The commission paused the deadline: no `deadlineAt` runs until it resumes it. */
  deadlinePausedAt?: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  appealDeadline?: string;
  fine?: OrderRecord['fine'];
  /** The grace period ended without compliance. */
  nonComplianceRecordedAt?: string;
  /** What the commission did about it (its staff's reason stays on the commission's record). */
  nonComplianceAction?: { action: NonNullable<OrderRecord['nonComplianceResolution']>['action']; at: string };
  /** The order was issued again after non-compliance: a new notice and a new deadline. */
  reissuedAt?: string;
  /** Why the order was made and how to contest it, as its ORDER notice states it (shared/domain/reasons.ts). */
  statementOfReasons?: StatementOfReasons;
  /** A revoked or overturned order's instruction to restore the content or lift the block, and the answer. */
  reinstatement?: Reinstatement;
  /** POST_MONITORING: recorded as not complied with again because a URL was found still up after compliance. */
  nonComplianceCause?: OrderRecord['nonComplianceCause'];
  /** The commission's checks of the order's URLs after compliance, and when the next is due. */
  monitoring?: OrderRecord['monitoring'];
  /** Once compliance was reported URL by URL: each URL with its outcome (none yet: not accounted for). */
  urlOutcomes?: UrlOutcomeView[];
}

/** The caller's orders, newest first: its own URLs only, nothing about the reporter or other operators. */
export async function listOperatorOrders(identity: Identity): Promise<OperatorOrderView[]> {
  const operatorId = identity.operatorId;
  if (!operatorId) return [];
  return Promise.all((await listOrdersOfOperator(operatorId)).map(operatorOrderView));
}

/** `GET /operator/orders`'s filters; the operator is always the caller (the staff search's planner, shared/domain/order-search.ts). */
export type OperatorOrderQuery = Pick<
  OrderSearchQuery,
  'status' | 'issuedFrom' | 'issuedTo' | 'deadlineFrom' | 'deadlineTo' | 'limit' | 'cursor'
>;

/** One page of the caller's orders that pass the filters, newest issued first. */
export async function searchOperatorOrders(
  identity: Identity,
  query: OperatorOrderQuery,
): Promise<{ orders: OperatorOrderView[]; nextCursor?: string }> {
  const operatorId = identity.operatorId;
  if (!operatorId) return { orders: [] };
  const plan = planOrderSearch({ ...query, operatorId });
  const page = await searchOrders(plan, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  return {
    orders: await Promise.all(page.orders.map(operatorOrderView)),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

async function operatorOrderView(order: OrderRecord): Promise<OperatorOrderView> {
  const [caseRecord, caseUrls] = await Promise.all([getCase(order.caseId), getOrderUrls(order)]);
  const urls = caseUrls.map((url) => url.url);
  return {
    orderId: order.orderId,
    caseId: order.caseId,
    status: order.status,
    complianceStatus: order.complianceStatus,
    decisionStatus: order.decisionStatus,
    action: order.action,
    category: order.category,
    urls,
    issuedAt: order.issuedAt,
    ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
    ...(order.graceEndsAt === undefined ? {} : { graceEndsAt: order.graceEndsAt }),
    ...(order.deadlinePausedAt === undefined ? {} : { deadlinePausedAt: order.deadlinePausedAt }),
    ...(order.acknowledgedAt === undefined ? {} : { acknowledgedAt: order.acknowledgedAt }),
    ...(order.compliedAt === undefined ? {} : { compliedAt: order.compliedAt }),
    ...(order.appealDeadline === undefined ? {} : { appealDeadline: order.appealDeadline }),
    ...(order.fine === undefined ? {} : { fine: order.fine }),
    ...(order.nonComplianceRecordedAt === undefined ? {} : { nonComplianceRecordedAt: order.nonComplianceRecordedAt }),
    ...(order.nonComplianceResolution === undefined
      ? {}
      : { nonComplianceAction: { action: order.nonComplianceResolution.action, at: order.nonComplianceResolution.at } }),
    ...(order.reissuedAt === undefined ? {} : { reissuedAt: order.reissuedAt }),
    ...(order.nonComplianceCause === undefined ? {} : { nonComplianceCause: order.nonComplianceCause }),
    ...(order.monitoring === undefined ? {} : { monitoring: order.monitoring }),
    ...(caseRecord === undefined
      ? {}
      : {
          statementOfReasons: statementOfReasons({
            policy: await policyOf(caseRecord),
            procedure: caseRecord.procedure,
            order,
            approvals: caseRecord.approvals,
            urls,
          }),
        }),
    ...(order.reinstatement === undefined ? {} : { reinstatement: order.reinstatement }),
    ...(order.urlCompliance === undefined
      ? {}
      : {
          urlOutcomes: urlOutcomeViews(
            order,
            placedUrls(order, caseUrls).map((url) => url.url),
          ),
        }),
  };
}

const CSV_COLUMNS = [
  'orderId',
  'caseId',
  'status',
  'action',
  'category',
  'issuedAt',
  'deadlineAt',
  'acknowledgedAt',
  'compliedAt',
  'url',
  'outcome',
  'reason',
] as const;

/** A spreadsheet runs a cell that starts like a formula: the operator's own reason is shown as text. */
const asText = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** The orders as CSV, one row per order and URL (docs/operators.md "Listing and filtering"). */
export function operatorOrdersCsv(orders: readonly OperatorOrderView[]): string {
  const rows = orders.flatMap((order) => {
    const outcomes = order.urlOutcomes ?? order.urls.map((url): UrlOutcomeView => ({ url }));
    return outcomes.map((entry) => [
      order.orderId,
      order.caseId,
      order.status,
      order.action,
      order.category,
      order.issuedAt,
      order.deadlineAt ?? null,
      order.acknowledgedAt ?? null,
      order.compliedAt ?? null,
      entry.url,
      entry.outcome ?? null,
      entry.reason === undefined ? null : asText(entry.reason),
    ]);
  });
  return toCsv([[...CSV_COLUMNS], ...rows]);
}

/**
 * Runs an operator's act on its own order (anyone else's is 404) and answers the order after it.
 * The operator's system may send it again after losing the answer: the repeat also finishes what
 * the first left undone (actOnRequest).
 */
async function operatorAct(identity: Identity, orderId: string, command: OrderCommand, now: string): Promise<OrderRecord> {
  await ownOrder(identity, orderId);
  const { state } = await actOnRequest(orderDecider, refs.order(orderId), command, now);
  if (!state) throw new NotFoundError(`Order ${orderId}`);
  return state;
}

/** Repeating an acknowledgement is harmless: it answers when the order was first acknowledged. */
export async function acknowledgeOrder(
  identity: Identity,
  orderId: string,
  now: string,
): Promise<{ orderId: string; status: OrderStatus; acknowledgedAt: string }> {
  const order = await operatorAct(identity, orderId, { type: 'ACKNOWLEDGE', by: identity.userId }, now);
  logger.info('order acknowledged', { orderId });
  return { orderId, status: order.status, acknowledgedAt: order.acknowledgedAt ?? now };
}

export async function recordCompliance(
  identity: Identity,
  orderId: string,
  body: ComplianceRequest,
  now: string,
): Promise<{ orderId: string; status: 'COMPLIED' | 'COMPLIED_LATE'; compliedAt: string }> {
  const command: OrderCommand = {
    type: 'COMPLY',
    by: identity.userId,
    action: body.action,
    ...(body.note === undefined ? {} : { note: body.note }),
  };
  const order = await operatorAct(identity, orderId, command, now);
  const status = order.complianceStatus === 'COMPLIED_LATE' ? 'COMPLIED_LATE' : 'COMPLIED';
  logger.info('compliance recorded', { orderId, outcome: status });
  return { orderId, status, compliedAt: order.compliedAt ?? now };
}

/** The operator answers a revoked or overturned order's instruction to restore the content or lift the block. */
export async function reportReinstatement(
  identity: Identity,
  orderId: string,
  body: ReinstatementRequest,
  now: string,
): Promise<{ orderId: string; status: OrderStatus; reinstatement: Reinstatement }> {
  const command: OrderCommand = {
    type: 'REPORT_REINSTATEMENT',
    by: identity.userId,
    action: body.action,
    ...(body.note === undefined ? {} : { note: body.note }),
  };
  const order = await operatorAct(identity, orderId, command, now);
  if (order.reinstatement === undefined) throw new Error(`Order ${orderId} lost its reinstatement instruction.`);
  logger.info('reinstatement reported', { orderId, action: body.action });
  return { orderId, status: order.status, reinstatement: order.reinstatement };
}

/** Records the appeal on the order within its window; the appeal's own record follows from it. */
export async function fileAppeal(identity: Identity, orderId: string, body: AppealRequest, now: string): Promise<{ appealId: string }> {
  const existing = await ownOrder(identity, orderId);
  const appealId = appealIdFor(existing.caseId, existing.operatorId);
  await operatorAct(identity, orderId, { type: 'APPEAL', by: identity.userId, appealId, grounds: body.grounds }, now);
  logger.info('appeal filed', { orderId, appealId });
  return { appealId };
}

/** The operator states its opinion on a proposed fine, within the opinion period; staff are told. */
export async function submitFineOpinion(
  identity: Identity,
  orderId: string,
  body: FineOpinionRequest,
  now: string,
): Promise<{ orderId: string; fineStatus: FineStatus; opinionAt: string }> {
  const order = await operatorAct(identity, orderId, { type: 'SUBMIT_FINE_OPINION', by: identity.userId, opinion: body.opinion }, now);
  logger.info('fine opinion submitted', { orderId });
  return { orderId, fineStatus: order.fine?.status ?? 'PROPOSED', opinionAt: order.fine?.opinion?.at ?? now };
}

export interface UrlComplianceAnswer {
  orderId: string;
  status: OrderStatus;
  complianceStatus: OrderRecord['complianceStatus'];
  compliedAt?: string;
  urlCount: number;
  /** URLs with an outcome (CANNOT_COMPLY included): the order is complied with once every one has a removal outcome. */
  accounted: number;
  urls: UrlOutcomeView[];
}

/**
 * Outcomes of some of the order's URLs, named as the order lists them; the last URL accounted for
 * complies with the order. Repeating a report is harmless; changing an accounted URL's is a 409.
 */
export async function reportUrlCompliance(
  identity: Identity,
  orderId: string,
  body: UrlComplianceRequest,
  now: string,
): Promise<UrlComplianceAnswer> {
  const order = await ownOrder(identity, orderId);
  // The order answers for the URLs it was issued with: one matched to its operator later is not
  // this order's (it is refused as any other URL is, not a place beyond the order's count).
  const urls = placedUrls(order, await getOrderUrls(order))
    .slice(0, order.urlCount)
    .map((url) => url.url);
  const placeOf = new Map(urls.map((url, place) => [url, place]));
  const reports: UrlReport[] = [];
  const unknown: number[] = [];
  body.urls.forEach((entry, index) => {
    const place = placeOf.get(entry.url);
    if (place === undefined) unknown.push(index);
    else reports.push({ place, outcome: entry.outcome, ...(entry.reason === undefined ? {} : { reason: entry.reason }) });
  });
  if (unknown.length > 0) {
    throw new ValidationError(
      `${unknown.length} of the URLs reported are not URLs of order ${orderId}: give each exactly as GET /operator/orders lists it.`,
      unknown.slice(0, 20).map((index) => ({ field: `urls[${index}].url`, message: 'not a URL of this order' })),
    );
  }
  const after = await operatorAct(identity, orderId, { type: 'REPORT_URLS', by: identity.userId, reports }, now);
  const outcomes = urlOutcomeViews(after, urls);
  const accounted = outcomes.filter((entry) => entry.outcome !== undefined).length;
  logger.info('URL compliance reported', { orderId, reported: reports.length, accounted, urlCount: urls.length });
  return {
    orderId,
    status: after.status,
    complianceStatus: after.complianceStatus,
    ...(after.compliedAt === undefined ? {} : { compliedAt: after.compliedAt }),
    urlCount: urls.length,
    accounted,
    urls: outcomes,
  };
}

export interface BulkResult {
  orderId: string;
  act: (typeof BULK_ACTS)[number];
  /** The order's status after the act; absent when it was refused. */
  status?: OrderStatus;
  /** Why this order's act was refused (CONTRACT.md section 3's code and message); the others still ran. */
  error?: { code: ErrorCode; message: string };
}

/** Runs one order's act of a bulk call: a refusal is that order's answer; a fault fails the call (a retry redoes nothing done). */
async function bulkAct(orderId: string, act: BulkResult['act'], run: () => Promise<OrderStatus>): Promise<BulkResult> {
  try {
    return { orderId, act, status: await run() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { orderId, act, error: { code: error.code, message: error.message } };
  }
}

/**
 * Acknowledges and reports compliance on many orders, one order's act after another, each on its own:
 * acknowledgements first, then compliance. A whole-order report repeated with the same action
 * answers the order as it is, so that a bulk call retried after a fault finishes without a 409.
 */
export async function bulkOrders(identity: Identity, body: BulkOrdersRequest, now: string): Promise<{ results: BulkResult[] }> {
  const results: BulkResult[] = [];
  for (const orderId of body.acknowledge ?? []) {
    results.push(await bulkAct(orderId, 'ACKNOWLEDGE', async () => (await acknowledgeOrder(identity, orderId, now)).status));
  }
  for (const entry of body.compliance ?? []) {
    const { orderId } = entry;
    results.push(
      await bulkAct(orderId, 'COMPLIANCE', async () => {
        if ('urls' in entry) return (await reportUrlCompliance(identity, orderId, { urls: entry.urls }, now)).status;
        const order = await ownOrder(identity, orderId);
        if (isComplied(order) && order.complianceAction === entry.action) return order.status;
        await recordCompliance(identity, orderId, entry, now);
        return (await ownOrder(identity, orderId)).status;
      }),
    );
  }
  logger.info('bulk order acts', { orders: results.length, refused: results.filter((result) => result.error !== undefined).length });
  return { results };
}

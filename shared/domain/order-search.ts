/**
 * Finding orders among thousands (the deadline board's search): the one index partition a search
 * of orders reads, the range of its sort key, and what it checks on each order it finds. Pure.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import type { CaseUrl, OrderRecord } from './model';
import { complianceStatusSchema, decisionStatusSchema, operatorIdSchema, orderStatusSchema } from './model';
import { complianceOpen, inGracePeriod, isNonCompliant, isUndelivered } from './orders';
import { decodeCursor, encodeCursor, facets, instant, MAX_PAGE_SIZE } from './search';
import { checkReportedUrl } from './urls';

/**
 * The board's lists, each a sparse index partition: compliance still open (by deadline), notice
 * undelivered, overdue within the grace period, and non-compliant (the grace period ended).
 */
export const ORDER_LISTS = ['OPEN', 'UNDELIVERED', 'OVERDUE', 'NON_COMPLIANT'] as const;
export type OrderList = (typeof ORDER_LISTS)[number];

/** Whether an order belongs on one of the board's lists: one rule, shared with the index keys. */
export function onList(list: OrderList, order: OrderRecord): boolean {
  switch (list) {
    case 'OPEN':
      return complianceOpen(order);
    case 'UNDELIVERED':
      return isUndelivered(order);
    case 'OVERDUE':
      return inGracePeriod(order);
    case 'NON_COMPLIANT':
      return isNonCompliant(order);
    default: {
      const unknown: never = list;
      throw new Error(`unknown order list ${String(unknown)}`);
    }
  }
}

/** `GET /orders`'s search: every parameter optional; none at all keeps the contract's board. */
export const orderSearchSchema = z.object({
  list: z.enum(ORDER_LISTS).optional(),
  /** The order's one status (CONTRACT.md section 5), derived from its two tracks. */
  status: orderStatusSchema.optional(),
  complianceStatus: complianceStatusSchema.optional(),
  decisionStatus: decisionStatusSchema.optional(),
  operatorId: operatorIdSchema.optional(),
  caseId: z
    .string()
    .regex(/^C[0-9A-HJKMNP-TV-Z]{26}$/, 'a case id: C and 26 Crockford characters')
    .optional(),
  host: z.string().min(1).max(253).optional(),
  url: z.string().min(1).max(2048).optional(),
  issuedFrom: instant.optional(),
  issuedTo: instant.optional(),
  deadlineFrom: instant.optional(),
  deadlineTo: instant.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().min(1).max(1000).optional(),
});
export type OrderSearchQuery = z.infer<typeof orderSearchSchema>;

/** Whether the query asks for a search at all (a client of the contract passes none of these). */
export function isOrderSearch(query: OrderSearchQuery): boolean {
  return Object.values(query).some((value) => value !== undefined);
}

/** Where a search of orders reads: the partition whose items are fewest for what it asks. */
export type OrderSource =
  /** The orders of one case: its partition, in the table itself. */
  | { readonly kind: 'case'; readonly caseId: string }
  /** The orders holding a URL or a URL on a host: their search entries. */
  | { readonly kind: 'facet'; readonly facet: string }
  | { readonly kind: 'operator'; readonly operatorId: string }
  | { readonly kind: 'list'; readonly list: OrderList }
  | { readonly kind: 'all' };

interface Range {
  readonly from?: string;
  readonly to?: string;
}

export interface OrderSearchPlan {
  readonly source: OrderSource;
  /** The range of the source's sort key (`{time}#{orderId}`); absent: the whole partition. */
  readonly keyRange?: { readonly from: string; readonly to: string };
  /** The board's lists read soonest due first; every other source newest issued first. */
  readonly newestFirst: boolean;
  readonly list?: OrderList;
  readonly status?: OrderRecord['status'];
  readonly complianceStatus?: OrderRecord['complianceStatus'];
  readonly decisionStatus?: OrderRecord['decisionStatus'];
  readonly operatorId?: string;
  readonly caseId?: string;
  readonly issued: Range;
  readonly deadline: Range;
  /** Whether some orders of the key range may fail the checks (so a page reads more than it answers). */
  readonly filtered: boolean;
}

/** The partition of an order's search entries under a case facet (`URL#…`, `HOST#…`): apart from the cases'. */
export const orderFacet = (facet: string): string => `ORDER#${facet}`;

/** The facets an order is found under: each of its URLs and each of their hosts. */
export function orderFacets(urls: readonly CaseUrl[]): string[] {
  return [...new Set(urls.flatMap((url) => [orderFacet(facets.url(url.url)), orderFacet(facets.host(url.host))]))];
}

/** Every time sorts between these, as `{time}#{orderId}` sort keys do. */
const EARLIEST = '0';
const LATEST = '9';
const upTo = (time: string | undefined): string => (time === undefined ? LATEST : `${time}#~`);

function checkRange(name: string, from?: string, to?: string): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationError(`\`${name}From\` must not be after \`${name}To\`.`, [
      { field: `${name}From`, message: `after \`${name}To\`` },
    ]);
  }
}

function sourceOf(query: OrderSearchQuery): OrderSource {
  if (query.url !== undefined && query.host !== undefined) {
    throw new ValidationError('Search orders by url or by host, not both: a URL names its host.', [
      { field: 'url,host', message: 'only one of these at a time' },
    ]);
  }
  if (query.url !== undefined) {
    const checked = checkReportedUrl(query.url);
    if (!checked.ok) throw new ValidationError(`The url ${checked.refusal}.`, [{ field: 'url', message: checked.refusal }]);
    return { kind: 'facet', facet: orderFacet(facets.url(checked.href)) };
  }
  if (query.host !== undefined) return { kind: 'facet', facet: orderFacet(facets.host(query.host)) };
  if (query.caseId !== undefined) return { kind: 'case', caseId: query.caseId };
  if (query.operatorId !== undefined) return { kind: 'operator', operatorId: query.operatorId };
  if (query.list !== undefined) return { kind: 'list', list: query.list };
  return { kind: 'all' };
}

/**
 * The cheapest partition for the query, the part of its sort key the dates allow, and the checks
 * left for each order read. A deadline is never before its order's issue, so `deadlineTo` also
 * bounds the issue time.
 */
export function planOrderSearch(query: OrderSearchQuery): OrderSearchPlan {
  checkRange('issued', query.issuedFrom, query.issuedTo);
  checkRange('deadline', query.deadlineFrom, query.deadlineTo);
  const source = sourceOf(query);
  const onOpenList = source.kind === 'list' && source.list === 'OPEN';
  const issuedTo = [query.issuedTo, query.deadlineTo].filter((time) => time !== undefined).sort()[0];
  let keyRange: OrderSearchPlan['keyRange'];
  if (onOpenList) keyRange = { from: query.deadlineFrom ?? EARLIEST, to: upTo(query.deadlineTo) };
  else if (source.kind !== 'list' && source.kind !== 'case') keyRange = { from: query.issuedFrom ?? EARLIEST, to: upTo(issuedTo) };
  return {
    source,
    ...(keyRange === undefined ? {} : { keyRange }),
    newestFirst: source.kind !== 'list',
    ...(query.list === undefined ? {} : { list: query.list }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.complianceStatus === undefined ? {} : { complianceStatus: query.complianceStatus }),
    ...(query.decisionStatus === undefined ? {} : { decisionStatus: query.decisionStatus }),
    ...(query.operatorId === undefined ? {} : { operatorId: query.operatorId }),
    ...(query.caseId === undefined ? {} : { caseId: query.caseId }),
    issued: {
      ...(query.issuedFrom === undefined ? {} : { from: query.issuedFrom }),
      ...(query.issuedTo === undefined ? {} : { to: query.issuedTo }),
    },
    deadline: {
      ...(query.deadlineFrom === undefined ? {} : { from: query.deadlineFrom }),
      ...(query.deadlineTo === undefined ? {} : { to: query.deadlineTo }),
    },
    filtered:
      query.status !== undefined ||
      query.complianceStatus !== undefined ||
      query.decisionStatus !== undefined ||
      (query.list !== undefined && source.kind !== 'list') ||
      (query.caseId !== undefined && source.kind !== 'case') ||
      (query.operatorId !== undefined && source.kind !== 'operator') ||
      ((query.deadlineFrom !== undefined || query.deadlineTo !== undefined) && !onOpenList) ||
      ((query.issuedFrom !== undefined || query.issuedTo !== undefined) && (keyRange === undefined || onOpenList)),
  };
}

const within = (range: Range, time: string | undefined): boolean =>
  (range.from === undefined && range.to === undefined) ||
  (time !== undefined && (range.from === undefined || time >= range.from) && (range.to === undefined || time <= range.to));

/** Whether an order read from the plan's partition answers every filter of the query. */
export function matchesOrderPlan(plan: OrderSearchPlan, order: OrderRecord): boolean {
  return (
    (plan.list === undefined || onList(plan.list, order)) &&
    (plan.status === undefined || order.status === plan.status) &&
    (plan.complianceStatus === undefined || order.complianceStatus === plan.complianceStatus) &&
    (plan.decisionStatus === undefined || order.decisionStatus === plan.decisionStatus) &&
    (plan.operatorId === undefined || order.operatorId === plan.operatorId) &&
    (plan.caseId === undefined || order.caseId === plan.caseId) &&
    within(plan.issued, order.issuedAt) &&
    within(plan.deadline, order.deadlineAt)
  );
}

// ------------------------------------------------------------------------------------- cursor

/** An order's place in its partition: `{time}#{orderId}` in an index, `ORDER#{orderId}` in its case's partition. */
const ORDER_POSITION_RE = /^(?:ORDER|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#O[0-9A-HJKMNP-TV-Z]{26}-[a-z0-9][a-z0-9-]{1,62}$/;

/** A name for the partition a plan reads, so that a cursor is taken only by the search that answered it. */
export function partitionName(source: OrderSource): string {
  switch (source.kind) {
    case 'case':
      return `CASE#${source.caseId}`;
    case 'facet':
      return `FIND#${source.facet}`;
    case 'operator':
      return `OPERATOR#${source.operatorId}`;
    case 'list':
      return `LIST#${source.list}`;
    case 'all':
      return 'ORDERS';
    default: {
      const unknown: never = source;
      throw new Error(`unknown order source ${JSON.stringify(unknown)}`);
    }
  }
}

export const encodeOrderCursor = (source: OrderSource, position: string): string => encodeCursor(partitionName(source), position);

/** The position (`{time}#{orderId}` or `ORDER#{orderId}`) a cursor holds; 400 when another search answered it. */
export const decodeOrderCursor = (source: OrderSource, cursor: string): string =>
  decodeCursor(partitionName(source), cursor, ORDER_POSITION_RE);

/** The order id at the end of a position. */
export const orderIdOfPosition = (position: string): string => position.slice(position.indexOf('#') + 1);

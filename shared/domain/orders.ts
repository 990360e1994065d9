/**
 * Rules about orders: their single status, what they ask of an operator, which operator a URL
 * belongs to, and when compliance is still accepted. Pure.
 */
import { ConflictError, ValidationError, WindowClosedError } from './errors';
import type {
  CaseStatus,
  CaseUrl,
  ComplianceStatus,
  DecisionStatus,
  LANGUAGES,
  Operator,
  OrderAction,
  OrderRecord,
  OrderStatus,
} from './model';
import { assertNever } from './model';

/**
 * The one status of CONTRACT.md section 5 from the two tracks. A decision that ends or disputes
 * the order speaks loudest; then a missed deadline (it decides the fine); then a confirmation;
 * otherwise where the operator stands.
 */
export function orderStatus(compliance: ComplianceStatus, decision: DecisionStatus): OrderStatus {
  switch (decision) {
    case 'REVOKED':
    case 'OVERTURNED':
    case 'APPEALED':
    case 'UPHELD':
      return decision;
    case 'PENDING':
    case 'CONFIRMED':
      break;
    default:
      return assertNever(decision, 'decision status');
  }
  switch (compliance) {
    case 'OVERDUE':
    case 'COMPLIED_LATE':
    case 'UNDELIVERED':
      return compliance;
    case 'ISSUED':
    case 'ACKNOWLEDGED':
    case 'COMPLIED':
      return decision === 'CONFIRMED' ? 'CONFIRMED' : compliance;
    default:
      return assertNever(compliance, 'compliance status');
  }
}

/** Orders whose action binds the operator; a request it may decline (an overseas host's) is never fined nor enforced. */
const BINDING_ACTIONS: ReadonlySet<OrderAction> = new Set(['DELETE', 'BLOCK_ACCESS']);
export const isBindingOrder = (order: { action: OrderAction }): boolean => BINDING_ACTIONS.has(order.action);

/** What an ORDER notice tells about objecting before the committee confirms the order. */
export interface OrderNoticeObjection {
  /** The operator may object now, within the policy's objection window (docs/objections.md). */
  readonly operatorMayObject: boolean;
  /** The notice carries an objection code for the operator to pass on to whoever posted the content. */
  readonly posterCode: boolean;
}

/**
 * Which objection sections an order's ORDER notice carries, by what the order asks. A host that
 * deletes knows its poster and gets the poster's code; an ISP blocks content others host and does
 * not know the poster, so it may object itself but gets no code; an overseas host is only asked,
 * and a request that binds it to nothing has nothing to object to.
 */
export function orderNoticeObjection(action: OrderAction): OrderNoticeObjection {
  switch (action) {
    case 'DELETE':
      return { operatorMayObject: true, posterCode: true };
    case 'BLOCK_ACCESS':
      return { operatorMayObject: true, posterCode: false };
    case 'DELETE_REQUEST':
      return { operatorMayObject: false, posterCode: false };
    default:
      return assertNever(action, 'order action');
  }
}

/** One order to issue: to whom, asking what, and whose URLs it lists (absent: the operator's own). */
export interface RoutedOrder {
  operatorId: string;
  action: OrderAction;
  urlOwners?: (string | null)[];
  urlCount: number;
}

export type RoutingOperator = Pick<Operator, 'operatorId' | 'jurisdiction' | 'contactEmails' | 'kind'>;

/**
 * The orders a case's URLs give (CONTRACT.md section 10). A domestic host deletes its URLs. What
 * no domestic host can delete (an overseas host's URLs, an ISP's own, and, when the policy says
 * so, the URLs of hosts no operator claims) every registered ISP blocks; the overseas host is
 * asked, not ordered, to delete, where it has a contact. `unassigned`: URLs no order covers.
 * `operators` must include every operator that owns one of the URLs.
 */
export function routeOrders(
  urls: readonly Pick<CaseUrl, 'url' | 'operatorId'>[],
  operators: readonly RoutingOperator[],
  routing: { unclaimedHostsToIsps: boolean },
): { orders: RoutedOrder[]; unassigned: number } {
  const urlsByOwner = new Map<string | null, Set<string>>();
  for (const { url, operatorId } of urls) urlsByOwner.set(operatorId, (urlsByOwner.get(operatorId) ?? new Set()).add(url));
  const byId = new Map(operators.map((operator) => [operator.operatorId, operator]));
  const isps = operators.filter((operator) => operator.kind === 'ISP').map((isp) => isp.operatorId);
  const orders: RoutedOrder[] = [];
  const blocked: (string | null)[] = [];
  let unassigned = 0;
  for (const [owner, ownerUrls] of urlsByOwner) {
    if (owner === null) {
      if (routing.unclaimedHostsToIsps && isps.length > 0) blocked.push(null);
      else unassigned = ownerUrls.size;
      continue;
    }
    const operator = byId.get(owner);
    if (operator === undefined) throw new RangeError(`operator ${owner} owns URLs of the case but was not given to routeOrders`);
    if (operator.kind === 'ISP') {
      blocked.push(owner);
    } else if (operator.jurisdiction === 'DOMESTIC') {
      orders.push({ operatorId: owner, action: 'DELETE', urlCount: ownerUrls.size });
    } else {
      blocked.push(owner);
      if (operator.contactEmails.length > 0) orders.push({ operatorId: owner, action: 'DELETE_REQUEST', urlCount: ownerUrls.size });
    }
  }
  if (blocked.length > 0) {
    const urlOwners = blocked.sort((a, b) => (a ?? '').localeCompare(b ?? ''));
    const urlCount = urlOwners.reduce((sum, owner) => sum + (urlsByOwner.get(owner)?.size ?? 0), 0);
    for (const isp of isps) orders.push({ operatorId: isp, action: 'BLOCK_ACCESS', urlOwners, urlCount });
  }
  // Overseas URLs with no ISP registered to block them stay covered by the host's request only.
  return { orders: orders.sort((a, b) => a.operatorId.localeCompare(b.operatorId)), unassigned };
}

/** The case's URLs that an order lists (every URL of its `urlOwners`, or of its own operator). */
export function urlsOfOrder<U extends Pick<CaseUrl, 'operatorId'>>(
  order: Pick<OrderRecord, 'operatorId' | 'urlOwners'>,
  caseUrls: readonly U[],
): U[] {
  const owners = new Set<string | null>(order.urlOwners ?? [order.operatorId]);
  return caseUrls.filter((url) => owners.has(url.operatorId));
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.+$/, '');
}

/**
 * The operator whose domain covers `host` (the domain itself or any subdomain); the longest
 * matching domain wins, so `cdn.webhard.example` can belong to another operator than
 * `webhard.example`. `null` when none matches.
 */
export function operatorForHost(host: string, operators: readonly Pick<Operator, 'operatorId' | 'domains'>[]): string | null {
  const h = normalizeHost(host);
  if (h === '') return null;
  let best: { operatorId: string; length: number } | null = null;
  for (const operator of operators) {
    for (const raw of operator.domains) {
      const domain = normalizeHost(raw);
      if (domain === '') continue;
      const matches = h === domain || h.endsWith(`.${domain}`);
      if (matches && (best === null || domain.length > best.length)) {
        best = { operatorId: operator.operatorId, length: domain.length };
      }
    }
  }
  return best?.operatorId ?? null;
}

/** Each URL with its host and operator (`null`: UNASSIGNED, for staff to resolve). */
export function assignUrls(urls: readonly string[], operators: readonly Pick<Operator, 'operatorId' | 'domains'>[]): CaseUrl[] {
  return urls.map((url, index) => {
    let host: string;
    try {
      host = normalizeHost(new URL(url).hostname);
    } catch {
      throw new ValidationError('Every URL must be an absolute http(s) URL.', [
        { field: `urls[${index}]`, message: 'must be an absolute http(s) URL' },
      ]);
    }
    return { url, host, operatorId: operatorForHost(host, operators) };
  });
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type ComplianceView = Pick<OrderRecord, 'orderId' | 'complianceStatus' | 'decisionStatus' | 'deadlineAt' | 'graceEndsAt' | 'action'>;

/**
 * Whether compliance reported at `now` is on time or late. Late compliance is accepted until the
 * grace period ends so that the delay can be measured for the fine. An order whose notice was not
 * (yet) delivered has no clock: compliance with it is on time.
 */
export function canAcceptCompliance(order: ComplianceView, now: string): 'COMPLIED' | 'COMPLIED_LATE' {
  if (order.decisionStatus === 'REVOKED' || order.decisionStatus === 'OVERTURNED') {
    throw new ConflictError(`Order ${order.orderId} was lifted; there is nothing left to comply with.`);
  }
  if (order.complianceStatus === 'COMPLIED' || order.complianceStatus === 'COMPLIED_LATE') {
    throw new ConflictError(`Compliance with order ${order.orderId} was already reported.`);
  }
  // A request has no legal deadline to be late for, nor a grace period to miss.
  if (!isBindingOrder(order)) return 'COMPLIED';
  const at = Date.parse(now);
  if (order.graceEndsAt !== undefined && at > Date.parse(order.graceEndsAt)) {
    throw new WindowClosedError(
      `Compliance with order ${order.orderId} can no longer be reported: the grace period ended at ${order.graceEndsAt}. Contact the commission.`,
    );
  }
  // An order once marked overdue stays late, whatever the clock of the report says.
  if (order.complianceStatus === 'OVERDUE') return 'COMPLIED_LATE';
  return order.deadlineAt === undefined || at <= Date.parse(order.deadlineAt) ? 'COMPLIED' : 'COMPLIED_LATE';
}

type Tracks = Pick<OrderRecord, 'complianceStatus' | 'decisionStatus'>;

/**
 * The event key of a notice about the order's current clock (`what`: order, overdue, ...): after a
 * resend the clock is a new one, and so are its notices.
 */
export function clockNoticeKey(order: Pick<OrderRecord, 'orderId' | 'resends'>, what: string): string {
  return order.resends ? `${what}:${order.orderId}:resend-${order.resends}` : `${what}:${order.orderId}`;
}

/** The event key of the order's current ORDER notice. */
export const orderNoticeKey = (order: Pick<OrderRecord, 'orderId' | 'resends'>): string => clockNoticeKey(order, 'order');

/** The order's notice could not reach the operator, and it still waits for a resend. */
export function isUndelivered(order: Tracks): boolean {
  return order.complianceStatus === 'UNDELIVERED' && !isLifted(order);
}

/** The operator reported the order's content gone, on time or late. */
export function isComplied(order: Pick<OrderRecord, 'complianceStatus'>): boolean {
  return order.complianceStatus === 'COMPLIED' || order.complianceStatus === 'COMPLIED_LATE';
}

/** The order fell: revoked by the committee, or overturned on appeal. */
export function isLifted(order: Pick<OrderRecord, 'decisionStatus'>): boolean {
  return order.decisionStatus === 'REVOKED' || order.decisionStatus === 'OVERTURNED';
}

/**
 * Compliance is open while the operator was told, can still act on time, and the binding order
 * stands: its clock runs (a deadline is set once the ORDER notice is accepted for delivery).
 */
export function complianceOpen(order: Tracks & Pick<OrderRecord, 'deadlineAt' | 'action'>): boolean {
  const acting = order.complianceStatus === 'ISSUED' || order.complianceStatus === 'ACKNOWLEDGED';
  // A request's date is asked for, not enforced: no reminder, no overdue, no fine.
  return acting && !isLifted(order) && order.deadlineAt !== undefined && isBindingOrder(order);
}

/** Decision statuses of an order that was appealed (one appeal per order). */
export const APPEALED_STATUSES: ReadonlySet<DecisionStatus> = new Set(['APPEALED', 'UPHELD', 'OVERTURNED']);

/**
 * A missed deadline of a binding order is fined unless the order itself fell. A clock missed before a re-issue stays
 * missed: the re-issue gives the content a new deadline, not the operator a clean record.
 */
export function isFinable(order: Tracks & Pick<OrderRecord, 'missedClock' | 'action'>): boolean {
  const late = order.complianceStatus === 'OVERDUE' || order.complianceStatus === 'COMPLIED_LATE' || order.missedClock !== undefined;
  return late && !isLifted(order) && isBindingOrder(order);
}

type NonComplianceView = Tracks & Pick<OrderRecord, 'nonComplianceRecordedAt' | 'nonComplianceResolution' | 'nonComplianceCause'>;

/**
 * The grace period ended without compliance, or post-monitoring found a complied order's content
 * still up, and staff have not yet escalated it, verified the removal or issued it again: it waits
 * for staff (the deadline board's NON_COMPLIANT list).
 */
export function isNonCompliant(order: NonComplianceView): boolean {
  return (
    (order.complianceStatus === 'OVERDUE' || (isComplied(order) && order.nonComplianceCause === 'POST_MONITORING')) &&
    order.nonComplianceRecordedAt !== undefined &&
    order.nonComplianceResolution === undefined &&
    !isLifted(order)
  );
}

/** Overdue and still inside the grace period: late compliance is accepted until `graceEndsAt`. */
export function inGracePeriod(order: NonComplianceView & Pick<OrderRecord, 'graceEndsAt'>): boolean {
  return (
    order.complianceStatus === 'OVERDUE' &&
    order.nonComplianceRecordedAt === undefined &&
    order.graceEndsAt !== undefined &&
    !isLifted(order)
  );
}

const REPORTER_TEXT: Record<CaseStatus, Record<(typeof LANGUAGES)[number], string>> = {
  PENDING_APPROVAL: { en: 'Waiting for approval', ko: '승인 대기 중' },
  UNDER_PRIOR_REVIEW: { en: 'Under review by the committee', ko: '위원회 심의 중' },
  REJECTED: { en: 'Not approved', ko: '승인되지 않음' },
  ORDERS_ISSUED: { en: 'Removal ordered', ko: '삭제 요청됨' },
  UNDER_POST_REVIEW: { en: 'Removal ordered', ko: '삭제 요청됨' },
  CONFIRMED: { en: 'Order confirmed', ko: '삭제 요청 확정' },
  APPEAL_WINDOW: { en: 'Order confirmed', ko: '삭제 요청 확정' },
  UNDER_APPEAL: { en: 'Order confirmed, under appeal', ko: '삭제 요청 확정, 이의신청 심의 중' },
  REVOKED: { en: 'Order lifted', ko: '삭제 요청 철회' },
  CLOSED: { en: 'Closed', ko: '종결' },
  FAILED: { en: 'Being handled by staff', ko: '담당자가 처리 중' },
};

/** A case's status in plain words for the person who reported it, without operators' replies. */
export function reporterStatusText(caseStatus: CaseStatus, language: (typeof LANGUAGES)[number]): string {
  return REPORTER_TEXT[caseStatus][language];
}

/** Staff paused the order's deadline, and the operator can still act on it: no clock runs until they resume it. */
export function deadlinePaused(order: Tracks & Pick<OrderRecord, 'deadlinePausedAt'>): boolean {
  const acting = order.complianceStatus === 'ISSUED' || order.complianceStatus === 'ACKNOWLEDGED';
  return acting && !isLifted(order) && order.deadlinePausedAt !== undefined;
}

/** A fine still PROPOSED whose staff were not yet reminded, once its opinion period ends, to decide it. */
export function awaitsFineDecisionReminder(order: Pick<OrderRecord, 'fine'>): boolean {
  const fine = order.fine;
  return fine?.status === 'PROPOSED' && fine.opinionDueAt !== undefined && fine.decisionReminderAt === undefined;
}

/** A lifted order's instruction the operator has not answered, and of which it was not yet reminded. */
export function awaitsReinstatementReminder(order: Pick<OrderRecord, 'reinstatement'>): boolean {
  const reinstatement = order.reinstatement;
  return reinstatement?.status === 'PENDING' && reinstatement.remindedAt === undefined;
}

/**
 * A complied DELETE order that still stands has a post-monitoring round to come. An order reopened
 * by an earlier round waits for staff first; the rounds go on once they have decided.
 */
export function monitoringDue(order: NonComplianceView & Pick<OrderRecord, 'action' | 'monitoring'>): boolean {
  return (
    isComplied(order) &&
    order.action === 'DELETE' &&
    order.monitoring?.nextCheckAt !== undefined &&
    !isLifted(order) &&
    !isNonCompliant(order)
  );
}

/**
 * What a reporter may learn of its report: per URL, what became of it, in plain words. Never an
 * operator's name, note or reply (CONTRACT.md section 4): only the outcome. Pure.
 */
import type { FollowUp } from './decider';
import type { CaseRecord, CaseStatus, LANGUAGES, OrderRecord } from './model';
import { assertNever } from './model';
import { isLifted, reporterStatusText } from './orders';

type Language = (typeof LANGUAGES)[number];

export const REPORTER_URL_OUTCOMES = [
  'AWAITING_APPROVAL',
  'NOT_ORDERED',
  'NOT_ASSIGNED',
  'IN_PROGRESS',
  'REMOVED',
  'ACCESS_DISABLED',
  'NO_LONGER_FOUND',
  'NOT_REMOVED',
  'ORDER_LIFTED',
  /** The operator acted, then the committee lifted the order: it is told to restore or unblock the content. */
  'LIFTED_AFTER_REMOVAL',
  /** Internet providers block access to it (an overseas host's URL, or one no operator claims). */
  'ACCESS_BLOCKED_BY_PROVIDERS',
] as const;
export type ReporterUrlOutcome = (typeof REPORTER_URL_OUTCOMES)[number];

/** The parts of an order that decide what a reporter is told. */
export type OrderOutcomeFacts = Pick<OrderRecord, 'action' | 'complianceStatus' | 'decisionStatus' | 'complianceAction' | 'urlOwners'>;

/**
 * What became of one URL. `order` is the order of the URL's operator (absent before it is issued,
 * or when no operator claims the URL's host). An order lifted after the operator acted is told as
 * such: the operator is then instructed to restore the content or lift the block, so "removed"
 * would no longer be true.
 */
export function reporterUrlOutcome(caseStatus: CaseStatus, assigned: boolean, order: OrderOutcomeFacts | undefined): ReporterUrlOutcome {
  if (caseStatus === 'PENDING_APPROVAL' || caseStatus === 'UNDER_PRIOR_REVIEW') return 'AWAITING_APPROVAL';
  if (caseStatus === 'REJECTED') return 'NOT_ORDERED';
  if (!order) return assigned ? 'IN_PROGRESS' : 'NOT_ASSIGNED';
  return reporterOrderOutcome(order);
}

/** What became of the URLs of an issued order (the case's status no longer matters once it is). */
export function reporterOrderOutcome(order: OrderOutcomeFacts): ReporterUrlOutcome {
  switch (order.complianceStatus) {
    case 'COMPLIED':
    case 'COMPLIED_LATE':
      return isLifted(order) ? 'LIFTED_AFTER_REMOVAL' : compliedOutcome(order);
    case 'OVERDUE':
      return isLifted(order) ? 'ORDER_LIFTED' : 'NOT_REMOVED';
    case 'ISSUED':
    case 'ACKNOWLEDGED':
    case 'UNDELIVERED':
      return isLifted(order) ? 'ORDER_LIFTED' : 'IN_PROGRESS';
    default:
      return assertNever(order.complianceStatus, 'compliance status');
  }
}

function compliedOutcome(order: OrderOutcomeFacts): ReporterUrlOutcome {
  // An ISP's order lists other hosts' URLs: whatever the ISP reports, it blocked them, it deleted nothing.
  const blockedBy: ReporterUrlOutcome = isIspOrder(order) ? 'ACCESS_BLOCKED_BY_PROVIDERS' : 'ACCESS_DISABLED';
  switch (order.complianceAction) {
    case 'DELETED':
      return isIspOrder(order) ? blockedBy : 'REMOVED';
    case 'BLOCKED':
      return blockedBy;
    case 'NOT_FOUND':
      return 'NO_LONGER_FOUND';
    case undefined:
      return order.action === 'BLOCK_ACCESS' ? blockedBy : 'REMOVED';
    default:
      return assertNever(order.complianceAction, 'compliance action');
  }
}

const isIspOrder = (order: Pick<OrderRecord, 'urlOwners'>): boolean => order.urlOwners !== undefined;

/** Outcomes that take the content down, wherever they come from. */
const TAKEN_DOWN: ReadonlySet<ReporterUrlOutcome> = new Set(['REMOVED', 'NO_LONGER_FOUND']);

/**
 * What became of one URL among all the case's orders. A URL of an overseas host, or of a host no
 * operator claims, is listed by every ISP's BLOCK_ACCESS order (through `urlOwners`) and perhaps by
 * the host's own DELETE_REQUEST: the host's removal is told first, else the providers' blocking
 * once any provider blocks (the reporter hears of the providers together, not one by one).
 */
export function reporterUrlOutcomeAmong(
  caseStatus: CaseStatus,
  owner: string | null,
  orders: readonly (OrderOutcomeFacts & Pick<OrderRecord, 'operatorId'>)[],
): ReporterUrlOutcome {
  const own = owner === null ? undefined : orders.find((order) => !isIspOrder(order) && order.operatorId === owner);
  const blocking = orders.filter((order) => order.urlOwners?.includes(owner) === true);
  if (blocking.length === 0) return reporterUrlOutcome(caseStatus, owner !== null, own);
  const ownOutcome = own === undefined ? undefined : reporterOrderOutcome(own);
  if (ownOutcome !== undefined && TAKEN_DOWN.has(ownOutcome)) return ownOutcome;
  const outcomes = blocking.map(reporterOrderOutcome);
  const first =
    outcomes.find((outcome) => outcome === 'ACCESS_BLOCKED_BY_PROVIDERS') ?? outcomes.find((outcome) => outcome === 'IN_PROGRESS');
  return first ?? (outcomes[0] as ReporterUrlOutcome);
}

const OUTCOME_TEXT: Record<ReporterUrlOutcome, Record<Language, string>> = {
  AWAITING_APPROVAL: { en: 'Waiting for approval', ko: '승인 대기 중' },
  NOT_ORDERED: { en: 'No removal ordered: the report was not approved', ko: '삭제 요청 없음: 신고가 승인되지 않음' },
  NOT_ASSIGNED: { en: 'Not assigned to an operator yet', ko: '아직 담당 사업자가 정해지지 않음' },
  IN_PROGRESS: { en: 'Still being handled', ko: '처리 중' },
  REMOVED: { en: 'Removed', ko: '삭제됨' },
  ACCESS_DISABLED: { en: 'Access blocked', ko: '접속 차단됨' },
  NO_LONGER_FOUND: { en: 'No longer found at this address', ko: '이 주소에서 더 이상 발견되지 않음' },
  NOT_REMOVED: { en: 'Not removed by the deadline', ko: '기한까지 삭제되지 않음' },
  ORDER_LIFTED: { en: 'The committee lifted the order: not removed', ko: '위원회가 요청을 철회함: 삭제되지 않음' },
  LIFTED_AFTER_REMOVAL: {
    en: 'The committee lifted the order; the content may be restored',
    ko: '위원회가 요청을 철회함: 삭제·차단된 게시물이 복원될 수 있음',
  },
  ACCESS_BLOCKED_BY_PROVIDERS: {
    en: 'Access blocked through internet providers',
    ko: '인터넷 서비스 제공자를 통해 접속 차단됨',
  },
};

export function reporterOutcomeText(outcome: ReporterUrlOutcome, language: Language): string {
  return OUTCOME_TEXT[outcome][language];
}

const LEFT_ONLINE: ReadonlySet<ReporterUrlOutcome> = new Set(['NOT_ASSIGNED', 'NOT_REMOVED', 'ORDER_LIFTED', 'LIFTED_AFTER_REMOVAL']);

/** The outcome leaves the content online, or at least not taken down by an order. */
export function isLeftOnline(outcome: ReporterUrlOutcome): boolean {
  return LEFT_ONLINE.has(outcome);
}

const CLOSED_WITH_CONTENT_LEFT: Record<Language, string> = {
  en: 'Closed: not every address was removed',
  ko: '종결: 삭제되지 않은 주소가 있음',
};

/**
 * The case's status in plain words for its reporter. A closed case is not called simply
 * "Closed" while one of its URLs was never taken down: that would tell a victim the matter is done.
 */
export function reporterCaseText(caseStatus: CaseStatus, outcomes: readonly ReporterUrlOutcome[], language: Language): string {
  if (caseStatus === 'CLOSED' && outcomes.some(isLeftOnline)) return CLOSED_WITH_CONTENT_LEFT[language];
  return reporterStatusText(caseStatus, language);
}

/** The e-mail a reporter who asked for updates gets when the outcome of some of its URLs changes. */
export type ReporterUpdate = Extract<FollowUp, { type: 'NOTIFY_REPORTER' }>;

/**
 * The update an order's event causes: one when the outcome of the order's URLs changed and the
 * reporter asked to be told, none otherwise. Keyed by the order, its issue and the change, so a
 * retried event never e-mails twice while a later change (after a re-issue) is told again.
 */
export function reporterOrderUpdate(before: OrderRecord, after: OrderRecord): ReporterUpdate | undefined {
  if (after.reporterUpdates !== true) return undefined;
  const previous = reporterOrderOutcome(before);
  const outcome = reporterOrderOutcome(after);
  if (previous === outcome) return undefined;
  if (after.urlOwners !== undefined) {
    // Every ISP's order lists the same URLs: the first to change them tells the reporter, the
    // others' same change finds the e-mail sent (the key names the URLs and the change, no ISP).
    return {
      type: 'NOTIFY_REPORTER',
      caseId: after.caseId,
      operatorId: after.operatorId,
      urlOwners: after.urlOwners,
      previous,
      outcome,
      eventKey: `reporter:blocking:${after.urlOwners.map((owner) => owner ?? '-').join(',')}:${previous}>${outcome}`,
    };
  }
  return {
    type: 'NOTIFY_REPORTER',
    caseId: after.caseId,
    operatorId: after.operatorId,
    previous,
    outcome,
    eventKey: `reporter:${after.orderId}:${after.resends ?? 0}:${previous}>${outcome}`,
  };
}

/** The update a rejection of the whole report causes (no order will be issued for any URL). */
export function reporterRejectionUpdate(record: Pick<CaseRecord, 'caseId' | 'reporterContact'>): ReporterUpdate[] {
  if (record.reporterContact === undefined) return [];
  return [
    {
      type: 'NOTIFY_REPORTER',
      caseId: record.caseId,
      previous: 'AWAITING_APPROVAL',
      outcome: 'NOT_ORDERED',
      eventKey: 'reporter:rejected',
    },
  ];
}

/**
 * What staff, committee members and auditors read (CONTRACT.md sections 4, 6 and 8): cases with
 * their orders, reviews, appeals and timeline; the audit chain and whether it holds; the deadline
 * board; the committee's reviews. Every answer is built field by field, so that an internal
 * attribute (an index key, the approvers list) never reaches a client by accident.
 */
import { auditJsonLines, GENESIS_HASH, verifyChain } from '../domain/audit';
import type { Identity } from '../domain/authz';
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type {
  AppealObjection,
  AppealRecord,
  AuditEvent,
  CaseRecord,
  CaseStatus,
  CaseUrl,
  OrderRecord,
  ReviewRecord,
  ReviewStatus,
  VoteDecision,
} from '../domain/model';
import { operatorIdSchema } from '../domain/model';
import { type OrderSearchQuery, onList, planOrderSearch } from '../domain/order-search';
import { cannotComplyCount, placedUrls, type UrlOutcomeView, urlOutcomeViews } from '../domain/url-compliance';
import { isNonCompliant, urlsOfOrder } from '../domain/orders';
import type { VoteRules } from '../domain/policy';
import { statementOfReasons, type StatementOfReasons } from '../domain/reasons';
import { partnerOrigin, type PartnerUpdateRecord } from '../domain/partner-updates';
import type { ReferralRecord } from '../domain/referrals';
import { eligibleVoters, tally } from '../domain/vote-count';
import { BALLOT_ACTIONS } from '../domain/deciders/review';
import { type CaseSearchQuery, DEFAULT_PAGE_SIZE, planSearch } from '../domain/search';
import { nowIso } from '../runtime/clock';
import { listChain, readChainHead } from '../store/journal';
import { refs } from '../store/keys';
import {
  getCase,
  getCaseUrls,
  getOperator,
  getPartner,
  listAppealsOfCase,
  listPartnerUpdatesOfCase,
  listReferralsOfCase,
  listNonCompliantOrders,
  listOpenOrders,
  listOverdueOrders,
  listUndeliveredOrders,
  listOperators,
  listOrdersOfCase,
  listOrdersOfOperator,
  listReviews,
  listReviewsOfCase,
} from '../store/repository';
import { searchCases, searchOrders } from '../store/search';
import { type DuplicateView, findDuplicates } from './duplicates';
import { policyOf, policyOfCase } from './policies';

async function requireVisibleCase(caseId: string): Promise<CaseRecord> {
  const record = caseIdOf(caseId) === caseId ? await getCase(caseId) : undefined;
  if (!record) throw new NotFoundError(`Case ${caseId}`);
  return record;
}

// ------------------------------------------------------------------------------------ cases

export interface CaseSummaryView {
  caseId: string;
  status: CaseStatus;
  category: CaseRecord['category'];
  createdAt: string;
  procedure: CaseRecord['procedure'];
  urlCount: number;
  approvalCount: number;
  approvalDeadlineAt?: string;
  ordersIssuedAt?: string;
  closedAt?: string;
  /** The case this one was filed as a follow-up of, and the follow-ups filed for this one. */
  followUpOf?: string;
  followUps?: string[];
}

function caseSummary(record: CaseRecord): CaseSummaryView {
  return {
    caseId: record.caseId,
    status: record.status,
    category: record.category,
    createdAt: record.createdAt,
    procedure: record.procedure,
    urlCount: record.urlCount,
    approvalCount: record.approvals.length,
    ...(record.approvalDeadlineAt === undefined ? {} : { approvalDeadlineAt: record.approvalDeadlineAt }),
    ...(record.ordersIssuedAt === undefined ? {} : { ordersIssuedAt: record.ordersIssuedAt }),
    ...(record.closedAt === undefined ? {} : { closedAt: record.closedAt }),
    ...(record.followUpOf === undefined ? {} : { followUpOf: record.followUpOf }),
    ...(record.followUps === undefined ? {} : { followUps: record.followUps }),
  };
}

/** A page of the cases a search finds, newest first, and the cursor of the next page when there is more. */
export async function findCases(query: CaseSearchQuery): Promise<{ cases: CaseSummaryView[]; nextCursor?: string }> {
  const page = await searchCases(planSearch(query), query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  return { cases: page.cases.map(caseSummary), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}

export interface CaseUrlView {
  url: string;
  host: string;
  operatorId: string | null;
  /**
   * REFERRED_TO_FOLLOW_UP: left unassigned at issuance, now handled by the follow-up case `referredTo`.
   * BLOCKED_THROUGH_ISPS: no operator claims its host, and the ISPs' orders block it (policy `routing`).
   */
  assignment: 'ASSIGNED' | 'UNASSIGNED' | 'REFERRED_TO_FOLLOW_UP' | 'BLOCKED_THROUGH_ISPS';
  referredTo?: string;
}

function urlAssignment(url: CaseUrl, unclaimedBlocked: boolean): CaseUrlView['assignment'] {
  if (url.operatorId !== null) return 'ASSIGNED';
  if (url.referredTo !== undefined) return 'REFERRED_TO_FOLLOW_UP';
  return unclaimedBlocked ? 'BLOCKED_THROUGH_ISPS' : 'UNASSIGNED';
}

function urlView(url: CaseUrl, unclaimedBlocked: boolean): CaseUrlView {
  return {
    url: url.url,
    host: url.host,
    operatorId: url.operatorId,
    assignment: urlAssignment(url, unclaimedBlocked),
    ...(url.referredTo === undefined ? {} : { referredTo: url.referredTo }),
  };
}

/**
 * What the case's readers see of an order: its tracks, clock, notices, replies and decisions. The
 * deciders' own bookkeeping stays on the record (a paused or missed clock kept to restore, the
 * bounced notice's key, how often it was resent, the owner of each blocked URL, whether the
 * reporter asked for e-mails...). Named field by field, so that a field added to the record is not
 * answered until someone decides that its readers need it (then: here and in caseOrderSchema).
 */
const CASE_ORDER_FIELDS = [
  'orderId',
  'caseId',
  'operatorId',
  'status',
  'complianceStatus',
  'decisionStatus',
  'action',
  'category',
  'urlCount',
  'issuedAt',
  'deadlineAt',
  'graceEndsAt',
  'deadlinePausedAt',
  'deadlineChanges',
  'remindersSent',
  'notices',
  'undeliveredAt',
  'undeliveredReason',
  'acknowledgedAt',
  'compliedAt',
  'complianceAction',
  'complianceNote',
  'overdueAt',
  'nonComplianceCause',
  'nonComplianceRecordedAt',
  'nonComplianceResolution',
  'reissuedAt',
  'monitoring',
  'reinstatement',
  'appealDeadline',
  'appealId',
  'operatorAppealedAt',
  'fine',
] as const satisfies readonly (keyof OrderRecord)[];

type CaseOrderFields = Pick<OrderRecord, (typeof CASE_ORDER_FIELDS)[number]>;

/** An order with its own URLs, and the statement of reasons its ORDER notice gave (shared/domain/reasons.ts). */
export type OrderView = CaseOrderFields & { urls: string[]; statementOfReasons: StatementOfReasons; urlOutcomes?: UrlOutcomeView[] };

function caseOrderView(order: OrderRecord, urls: string[], reasons: StatementOfReasons): OrderView {
  const shown = Object.fromEntries(CASE_ORDER_FIELDS.filter((field) => order[field] !== undefined).map((field) => [field, order[field]]));
  return { ...(shown as CaseOrderFields), urls, statementOfReasons: reasons };
}

export interface ReviewView
  extends Pick<
    ReviewRecord,
    | 'reviewId'
    | 'kind'
    | 'caseId'
    | 'orderIds'
    | 'appealId'
    | 'status'
    | 'openedAt'
    | 'closesAt'
    | 'extended'
    | 'outcome'
    | 'outcomeReason'
    | 'closedAt'
  > {
  /** Members who may still vote: the eligible set without those who recused themselves. */
  eligibleMembers: string[];
  recusedMembers: string[];
  votesCast: number;
  quorumNeeded: number;
  /** Whether the members present reach the quorum, under the case's vote rules (abstentions may not count). */
  quorumMet: boolean;
  /** Counts and ballots only once the review has closed: an open vote stays secret. */
  confirm?: number;
  revoke?: number;
  abstain?: number;
  votes?: Record<string, { decision: VoteDecision; at: string; reason?: string }>;
}

export function reviewView(review: ReviewRecord, rules: VoteRules): ReviewView {
  const counts = tally(review, rules);
  // Ballots stay secret until the review has closed: an escalated review's staff decision too is
  // taken without knowing how members voted.
  const open = review.status !== 'CLOSED';
  return {
    reviewId: review.reviewId,
    kind: review.kind,
    caseId: review.caseId,
    orderIds: review.orderIds,
    ...(review.appealId === undefined ? {} : { appealId: review.appealId }),
    status: review.status,
    openedAt: review.openedAt,
    closesAt: review.closesAt,
    extended: review.extended,
    eligibleMembers: eligibleVoters(review),
    recusedMembers: Object.keys(review.recusals),
    votesCast: counts.votesCast,
    quorumNeeded: counts.quorumNeeded,
    quorumMet: counts.quorum,
    ...(review.outcome === undefined ? {} : { outcome: review.outcome }),
    ...(review.outcomeReason === undefined ? {} : { outcomeReason: review.outcomeReason }),
    ...(review.closedAt === undefined ? {} : { closedAt: review.closedAt }),
    ...(open ? {} : { confirm: counts.confirm, revoke: counts.revoke, abstain: counts.abstain, votes: review.votes }),
  };
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  /** The audit event's details (ballots sealed while their review is open): what the screen words. */
  details: AuditEvent['details'];
}

/** An order of another case on the same operator: what the committee weighs as precedent. */
export interface EarlierDecisionView {
  orderId: string;
  caseId: string;
  operatorId: string;
  category: OrderRecord['category'];
  issuedAt: string;
  status: OrderRecord['status'];
  complianceStatus: OrderRecord['complianceStatus'];
  decisionStatus: OrderRecord['decisionStatus'];
}

/** How many of an operator's latest orders a case page shows as earlier decisions. */
export const EARLIER_DECISIONS_PER_OPERATOR = 10;

/**
 * The latest orders of other cases on the operators whose hosts this case names (ISPs, ordered to
 * block hosts they do not run, are not the host's precedent). One index query per operator.
 */
async function earlierDecisions(caseId: string, urls: readonly CaseUrl[]): Promise<EarlierDecisionView[]> {
  const operatorIds = [...new Set(urls.flatMap((url) => (url.operatorId === null ? [] : [url.operatorId])))];
  const perOperator = await Promise.all(
    operatorIds.map(async (operatorId) =>
      (await listOrdersOfOperator(operatorId, EARLIER_DECISIONS_PER_OPERATOR + 1))
        .filter((order) => order.caseId !== caseId)
        .slice(0, EARLIER_DECISIONS_PER_OPERATOR),
    ),
  );
  return perOperator.flat().map((order) => ({
    orderId: order.orderId,
    caseId: order.caseId,
    operatorId: order.operatorId,
    category: order.category,
    issuedAt: order.issuedAt,
    status: order.status,
    complianceStatus: order.complianceStatus,
    decisionStatus: order.decisionStatus,
  }));
}

export interface CaseView extends CaseSummaryView {
  createdBy: string;
  policyId: string;
  /** The policy version the case follows; absent on a case filed before policies had versions (it follows the current policy). */
  policyVersion?: string;
  /** A partner's referral also names the partner as registered (`partnerName`), for staff to read. */
  reporter: CaseRecord['reporter'] & { partnerName?: string };
  victimConsent: boolean;
  summary?: string;
  contentSha256?: string;
  /** The content's hashes as reported (docs/hashes.md). */
  hashes?: CaseRecord['hashes'];
  failure?: CaseRecord['failure'];
  urls: CaseUrlView[];
  /** Other cases going on or filed recently that hold one of these URLs. */
  duplicates: DuplicateView[];
  orders: OrderView[];
  reviews: ReviewView[];
  appeals: AppealView[];
  approvals: CaseRecord['approvals'];
  timeline: TimelineEntry[];
  /** Other cases' latest orders on the same operators (committee's evidence view). */
  earlierDecisions: EarlierDecisionView[];
  /** Present when the reporter asked for outcome e-mails: its address is never shown, only that they are on. */
  reporterEmailUpdates?: true;
  /** The referrals of the case's overseas URLs to partner regulators (docs/referrals.md). */
  referrals: ReferralRecord[];
  /** A case a partner referred to us: the status updates sent back to the partner, each with its delivery (docs/referrals.md). */
  partnerUpdates?: PartnerUpdateRecord[];
}

/** An objection as the case's readers see it: its words, and whether the poster left a contact (never the address). */
export type ObjectionView = Omit<AppealObjection, 'contact'> & { contactGiven: boolean };
export type AppealView = Omit<AppealRecord, 'objections'> & { objections?: ObjectionView[] };

function appealView(appeal: AppealRecord): AppealView {
  const { objections, ...rest } = appeal;
  if (objections === undefined) return rest;
  return { ...rest, objections: objections.map(({ contact, ...objection }) => ({ ...objection, contactGiven: contact !== undefined })) };
}

/**
 * A case as staff, committee members and auditors see it: the reporter and summary included
 * (the route is theirs alone), every operator's URLs and replies.
 */
export async function getCaseView(caseId: string): Promise<CaseView> {
  const record = await requireVisibleCase(caseId);
  const [urls, orders, reviews, appeals, audit, referrals, partnerUpdates] = await Promise.all([
    getCaseUrls(caseId),
    listOrdersOfCase(caseId),
    listReviewsOfCase(caseId),
    listAppealsOfCase(caseId),
    listChain(refs.case(caseId).root.pk),
    listReferralsOfCase(caseId),
    partnerOrigin(record) === undefined ? [] : listPartnerUpdatesOfCase(caseId),
  ]);
  const earlier = await earlierDecisions(caseId, urls);
  const unclaimedBlocked = orders.some((order) => order.urlOwners?.includes(null) === true);
  const policy = await policyOf(record);
  const referringPartner = record.reporter.partnerId === undefined ? undefined : await getPartner(record.reporter.partnerId);
  return {
    ...caseSummary(record),
    createdBy: record.createdBy,
    policyId: record.policyId,
    ...(record.policyVersion === undefined ? {} : { policyVersion: record.policyVersion }),
    reporter: referringPartner === undefined ? record.reporter : { ...record.reporter, partnerName: referringPartner.name },
    victimConsent: record.victimConsent,
    ...(record.summary === undefined ? {} : { summary: record.summary }),
    ...(record.contentSha256 === undefined ? {} : { contentSha256: record.contentSha256 }),
    ...(record.hashes === undefined ? {} : { hashes: record.hashes }),
    ...(record.failure === undefined ? {} : { failure: record.failure }),
    urls: urls.map((url) => urlView(url, unclaimedBlocked)),
    duplicates: await findDuplicates(
      caseId,
      urls.map((url) => url.url),
      nowIso(),
    ),
    orders: orders.map((order) => {
      const own = urlsOfOrder(order, urls).map((url) => url.url);
      const reasons = statementOfReasons({
        policy,
        procedure: record.procedure,
        order,
        approvals: record.approvals,
        urls: own,
      });
      // Per-URL outcomes with the URLs themselves, so staff read each CANNOT_COMPLY reason next to its URL.
      const outcomes =
        order.urlCompliance === undefined
          ? {}
          : {
              urlOutcomes: urlOutcomeViews(
                order,
                placedUrls(order, urls).map((url) => url.url),
              ),
            };
      return { ...caseOrderView(order, own, reasons), ...outcomes };
    }),
    reviews: reviews.map((review) => reviewView(review, policy.votes)),
    appeals: appeals.map(appealView),
    approvals: record.approvals,
    timeline: sealOpenBallots(audit, reviews).map(({ at, actor, action, details }) => ({ at, actor, action, details })),
    earlierDecisions: earlier,
    ...(record.reporterContact === undefined ? {} : { reporterEmailUpdates: true as const }),
    referrals,
    ...(partnerOrigin(record) === undefined ? {} : { partnerUpdates }),
  };
}

/**
 * How a member voted stays secret until the review has closed: until then a ballot's event shows
 * that the member voted, not what. The chain is verified on the stored events, before sealing.
 */
function sealOpenBallots(events: readonly AuditEvent[], reviews: readonly ReviewRecord[]): AuditEvent[] {
  const closed = new Set(reviews.filter((review) => review.status === 'CLOSED').map((review) => review.reviewId));
  return events.map((event) => {
    if (!BALLOT_ACTIONS.has(event.action) || closed.has(String(event.details.reviewId))) return event;
    const { decision: _sealed, ...rest } = event.details;
    return { ...event, details: { ...rest, sealed: true } };
  });
}

export interface AuditView {
  events: AuditEvent[];
  /** Whether the whole stored chain checks out, up to the head recorded on the case. */
  verified: boolean;
  problem?: string;
}

async function auditOf(root: ReturnType<typeof refs.case>['root'], reviews: readonly ReviewRecord[]): Promise<AuditView> {
  const [events, head] = await Promise.all([listChain(root.pk), readChainHead(root)]);
  const verification = verifyChain(events, head ?? { seq: 0 });
  return {
    events: sealOpenBallots(events, reviews),
    verified: verification.verified,
    ...(verification.problem === undefined ? {} : { problem: verification.problem }),
  };
}

export async function getCaseAudit(caseId: string): Promise<AuditView> {
  await requireVisibleCase(caseId);
  return auditOf(refs.case(caseId).root, await listReviewsOfCase(caseId));
}

/**
 * The case's chain as JSON Lines, for checking without trusting this server (docs/audit.md): the
 * events as hashed, open reviews' ballots sealed as in `/audit`, and the head the case records.
 */
export async function getCaseAuditJsonLines(caseId: string): Promise<string> {
  await requireVisibleCase(caseId);
  const root = refs.case(caseId).root;
  const [events, head, reviews] = await Promise.all([listChain(root.pk), readChainHead(root), listReviewsOfCase(caseId)]);
  return auditJsonLines(caseId, head ?? { seq: 0, hash: GENESIS_HASH }, sealOpenBallots(events, reviews));
}

/** An operator's registry changes: who changed its contacts, domains or revenue, and when. */
export async function getOperatorAudit(operatorId: string): Promise<AuditView> {
  // An id no operator can have is not read: too long a one is a key DynamoDB refuses.
  if (!operatorIdSchema.safeParse(operatorId).success || !(await getOperator(operatorId)))
    throw new NotFoundError(`Operator ${operatorId}`);
  return auditOf(refs.operator(operatorId).root, []);
}

// ------------------------------------------------------------------------------------ orders

export interface DeadlineBoardEntry {
  orderId: string;
  caseId: string;
  operatorId: string;
  status: OrderRecord['status'];
  complianceStatus: OrderRecord['complianceStatus'];
  decisionStatus: OrderRecord['decisionStatus'];
  action: OrderRecord['action'];
  urlCount: number;
  issuedAt: string;
  /** Absent until the order notice is accepted for delivery, and while the order is UNDELIVERED. */
  deadlineAt?: string;
  graceEndsAt?: string;
  /** Staff's attention needed: undelivered, or compliance still awaited (the board's top section). */
  open: boolean;
  /** The grace period ended without compliance and staff have yet to act (the board's NON_COMPLIANT section). */
  nonCompliant: boolean;
  nonComplianceRecordedAt?: string;
  nonComplianceResolution?: OrderRecord['nonComplianceResolution'];
  reissuedAt?: string;
  undeliveredAt?: string;
  undeliveredReason?: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  overdueAt?: string;
  appealDeadline?: string;
  fine?: OrderRecord['fine'];
  /** Staff paused the deadline (no `deadlineAt` runs meanwhile). */
  deadlinePausedAt?: string;
  /** Staff's extensions, pauses and resumptions, oldest first. */
  deadlineChanges?: OrderRecord['deadlineChanges'];
  /** A lifted order's instruction to restore the content or lift the block: PENDING until the operator answers. */
  reinstatement?: OrderRecord['reinstatement'];
  /** POST_MONITORING: the order is non-compliant again because a URL was found still up after compliance. */
  nonComplianceCause?: OrderRecord['nonComplianceCause'];
  /** A complied DELETE order's post-monitoring: each URL's checks, and when the next round is due. */
  monitoring?: OrderRecord['monitoring'];
  /** URLs the operator reported it cannot comply with, while the order is open: staff read why on the case. */
  cannotComplyUrls?: number;
}

function boardEntry(order: OrderRecord, open: boolean): DeadlineBoardEntry {
  const cannotComply = cannotComplyCount(order);
  return {
    orderId: order.orderId,
    caseId: order.caseId,
    operatorId: order.operatorId,
    status: order.status,
    complianceStatus: order.complianceStatus,
    decisionStatus: order.decisionStatus,
    action: order.action,
    urlCount: order.urlCount,
    issuedAt: order.issuedAt,
    ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
    ...(order.graceEndsAt === undefined ? {} : { graceEndsAt: order.graceEndsAt }),
    open,
    nonCompliant: isNonCompliant(order),
    ...(order.nonComplianceRecordedAt === undefined ? {} : { nonComplianceRecordedAt: order.nonComplianceRecordedAt }),
    ...(order.nonComplianceResolution === undefined ? {} : { nonComplianceResolution: order.nonComplianceResolution }),
    ...(order.reissuedAt === undefined ? {} : { reissuedAt: order.reissuedAt }),
    ...(order.acknowledgedAt === undefined ? {} : { acknowledgedAt: order.acknowledgedAt }),
    ...(order.compliedAt === undefined ? {} : { compliedAt: order.compliedAt }),
    ...(order.overdueAt === undefined ? {} : { overdueAt: order.overdueAt }),
    ...(order.undeliveredAt === undefined ? {} : { undeliveredAt: order.undeliveredAt }),
    ...(order.undeliveredReason === undefined ? {} : { undeliveredReason: order.undeliveredReason }),
    ...(order.appealDeadline === undefined ? {} : { appealDeadline: order.appealDeadline }),
    ...(order.fine === undefined ? {} : { fine: order.fine }),
    ...(order.deadlinePausedAt === undefined ? {} : { deadlinePausedAt: order.deadlinePausedAt }),
    ...(order.deadlineChanges === undefined ? {} : { deadlineChanges: order.deadlineChanges }),
    ...(order.reinstatement === undefined ? {} : { reinstatement: order.reinstatement }),
    ...(order.nonComplianceCause === undefined ? {} : { nonComplianceCause: order.nonComplianceCause }),
    ...(order.monitoring === undefined ? {} : { monitoring: order.monitoring }),
    ...(cannotComply === 0 ? {} : { cannotComplyUrls: cannotComply }),
  };
}

export const DEFAULT_RECENT_ORDERS = 100;

/**
 * The deadline board: every UNDELIVERED order, then every order whose compliance is still open,
 * soonest deadline first, then every overdue order in its grace period, then every NON_COMPLIANT
 * order (`nonCompliant`, not `open`: no clock runs for it, staff must decide), then up to `recent`
 * other orders, newest first. There is no index of all orders, so the others come from each
 * operator's listing; operators are few.
 */
export async function listDeadlineBoard(recent = DEFAULT_RECENT_ORDERS): Promise<DeadlineBoardEntry[]> {
  const [undelivered, openOrders, overdue, nonCompliant, operators] = await Promise.all([
    listUndeliveredOrders(),
    listOpenOrders(),
    listOverdueOrders(),
    listNonCompliantOrders(),
    listOperators(),
  ]);
  const needStaff = [...undelivered, ...openOrders, ...overdue];
  const shown = new Set([...needStaff, ...nonCompliant].map((order) => order.orderId));
  const others = (await Promise.all(operators.map((operator) => listOrdersOfOperator(operator.operatorId))))
    .flat()
    .filter((order) => !shown.has(order.orderId))
    .sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : a.issuedAt > b.issuedAt ? -1 : a.orderId < b.orderId ? 1 : -1))
    .slice(0, recent);
  // Undelivered orders first: no clock runs for them until staff fix the contact and resend.
  return [...needStaff.map((order) => boardEntry(order, true)), ...[...nonCompliant, ...others].map((order) => boardEntry(order, false))];
}

/** Whether staff's attention is needed: the board's top section (undelivered, compliance awaited, overdue in grace). */
const needsStaff = (order: OrderRecord): boolean => onList('UNDELIVERED', order) || onList('OPEN', order) || onList('OVERDUE', order);

/** One page of the deadline board's search (`GET /orders` with any filter or paging parameter). */
export async function searchDeadlineBoard(query: OrderSearchQuery): Promise<{ orders: DeadlineBoardEntry[]; nextCursor?: string }> {
  const page = await searchOrders(planOrderSearch(query), query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  return {
    orders: page.orders.map((order) => boardEntry(order, needsStaff(order))),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

// ------------------------------------------------------------------------------------ committee

export interface CommitteeReviewView {
  reviewId: string;
  kind: ReviewRecord['kind'];
  caseId: string;
  orderIds: string[];
  status: ReviewStatus;
  openedAt: string;
  closesAt: string;
  extended: boolean;
  eligibleMembers: string[];
  votesCast: number;
  quorumNeeded: number;
  quorumMet: boolean;
  /** Whether the caller may still vote in it. */
  canVote: boolean;
  recused: boolean;
  myVote?: VoteDecision;
  outcome?: ReviewRecord['outcome'];
}

/** One review as a committee member sees it in the list: the count of votes, not who voted what. */
export function committeeReviewView(review: ReviewRecord, memberId: string, rules: VoteRules): CommitteeReviewView {
  const counts = tally(review, rules);
  const eligible = eligibleVoters(review);
  const myVote = Object.hasOwn(review.votes, memberId) ? review.votes[memberId]?.decision : undefined;
  return {
    reviewId: review.reviewId,
    kind: review.kind,
    caseId: review.caseId,
    orderIds: review.orderIds,
    status: review.status,
    openedAt: review.openedAt,
    closesAt: review.closesAt,
    extended: review.extended,
    eligibleMembers: eligible,
    votesCast: counts.votesCast,
    quorumNeeded: counts.quorumNeeded,
    quorumMet: counts.quorum,
    canVote: review.status === 'OPEN' && eligible.includes(memberId) && myVote === undefined,
    recused: Object.hasOwn(review.recusals, memberId),
    ...(myVote === undefined ? {} : { myVote }),
    ...(review.outcome === undefined ? {} : { outcome: review.outcome }),
  };
}

export async function listCommitteeReviews(identity: Identity, options: { status?: ReviewStatus } = {}): Promise<CommitteeReviewView[]> {
  const reviews = (await listReviews()).filter((review) => options.status === undefined || review.status === options.status);
  return Promise.all(
    reviews.map(async (review) => committeeReviewView(review, identity.userId, (await policyOfCase(review.caseId)).votes)),
  );
}

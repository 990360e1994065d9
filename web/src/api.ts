/**
 * The typed client of the HTTP API (CONTRACT.md sections 3-8). Request bodies are the domain's
 * zod types, so a field the server refuses is a compile error here first. Answers are shaped
 * after the domain's record types; where the contract lets the server add or omit fields, the
 * `normalize*` functions give the screens one shape to read.
 */
import type { ReferralRecord } from '../../shared/domain/referrals';
import type { BlocklistEntry } from '../../shared/domain/blocklist';
import type { DeadlineChangeRequest } from '../../shared/domain/deadline-changes';
import type { ErrorCode, ErrorDetail } from '../../shared/domain/errors';
import type { MonthRange, Statistics } from '../../shared/domain/statistics';
import type { UrlComplianceRequest, UrlOutcomeView } from '../../shared/domain/url-compliance';
import type {
  AppealRecord,
  AppealRequest,
  Approval,
  ApprovalRequest,
  AuditEvent,
  CaseRecord,
  CaseStatus,
  CaseUrl,
  Category,
  ComplianceRequest,
  NonComplianceRequest,
  ComplianceStatus,
  Operator,
  OperatorInput,
  DecisionStatus,
  Fine,
  OrderAction,
  OrderRecord,
  OrderStatus,
  ReportRequest,
  ReviewKind,
  ReviewOutcome,
  ReviewRecord,
  ReviewStatus,
  VoteDecision,
  VoteRecord,
  VoteRequest,
  Reinstatement,
  ReinstatementRequest,
  FineDecisionRequest,
  FineOpinionRequest,
  FineStatus,
} from '../../shared/domain/model';
import type { StatementOfReasons } from '../../shared/domain/reasons';
import type { ReporterUrlOutcome } from '../../shared/domain/reporter';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface CaseSummary {
  caseId: string;
  status: CaseStatus;
  category: Category;
  createdAt: string;
  createdBy?: string;
  urlCount?: number;
  approvals?: Approval[];
  /** The case this one follows up (its URLs were left unassigned there), and this case's follow-ups. */
  followUpOf?: string;
  followUps?: string[];
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  /** The audit event's details, from which the case page words the entry. */
  details?: Record<string, unknown>;
}

export interface Tally {
  CONFIRM: number;
  REVOKE: number;
  ABSTAIN: number;
}

/** A review as the committee list and the case page show it. */
export interface ReviewView {
  reviewId: string;
  kind: ReviewKind;
  caseId: string;
  orderIds: string[];
  status: ReviewStatus;
  closesAt: string;
  openedAt?: string;
  eligibleMembers: string[];
  votesCast: number;
  /** Votes needed for a quorum, as the server counts them. */
  quorumNeeded?: number;
  /** Whether the members present reach the quorum, as the server counts them under the case's vote rules. */
  quorumMet?: boolean;
  /** Whether the caller may still vote (committee list). */
  canVote?: boolean;
  /** Whether the caller recused itself (committee list). */
  recused?: boolean;
  /** Counts by decision: shown once the review is no longer open (an open vote stays secret). */
  tally?: Tally;
  votes?: Record<string, VoteRecord>;
  recusals?: ReviewRecord['recusals'];
  myVote?: VoteDecision;
  outcome?: ReviewOutcome;
  outcomeReason?: ReviewRecord['outcomeReason'];
  appealId?: string;
  category?: Category;
}

export interface CaseOrder extends Partial<OrderRecord> {
  orderId: string;
  caseId: string;
  status: OrderStatus;
  /** Once the operator reported URL by URL: each URL with its outcome and any CANNOT_COMPLY reason. */
  urlOutcomes?: UrlOutcomeView[];
}

/** `GET /cases`'s filters (README, "The API beyond the contract"): at most one of url, host, operatorId, reference. */
export interface CaseSearch {
  url?: string | undefined;
  host?: string | undefined;
  operatorId?: string | undefined;
  reference?: string | undefined;
  status?: CaseStatus | undefined;
  category?: Category | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** Another case holding some of the same URLs. */
export interface DuplicateCase {
  caseId: string;
  status: CaseStatus;
  category: Category;
  createdAt: string;
  urls: string[];
}

export interface CaseDetail extends Partial<CaseRecord> {
  caseId: string;
  status: CaseStatus;
  category: Category;
  createdAt: string;
  urls: CaseUrl[];
  orders: CaseOrder[];
  reviews: ReviewView[];
  appeals: AppealRecord[];
  timeline: TimelineEntry[];
  /** Other cases' latest orders on the same operators (absent from servers before it was added). */
  earlierDecisions?: EarlierDecision[];
  duplicates?: DuplicateCase[];
  /** A partner's referral also names the partner as registered. */
  reporter?: CaseRecord['reporter'] & { partnerName?: string };
  /** The reporter asked for outcome e-mails (the address itself is never sent to the screen). */
  reporterEmailUpdates?: true;
  /** Referrals of the case's overseas URLs to partner regulators (absent from servers before they were added). */
  referrals?: ReferralRecord[];
}

export interface EarlierDecision {
  orderId: string;
  caseId: string;
  operatorId: string;
  category: Category;
  issuedAt: string;
  status: OrderStatus;
  complianceStatus: ComplianceStatus;
  decisionStatus: DecisionStatus;
}

/** What an operator sees of its own order (CONTRACT.md section 5): nothing about reporters. */
export interface OperatorOrder {
  orderId: string;
  caseId: string;
  status: OrderStatus;
  action: OrderAction;
  category: Category;
  urls: string[];
  issuedAt: string;
  /** Absent until the order notice is accepted for delivery, and while the order is UNDELIVERED. */
  deadlineAt?: string;
  /** The commission paused the deadline: no `deadlineAt` runs until it resumes it. */
  deadlinePausedAt?: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  appealDeadline?: string;
  complianceStatus?: ComplianceStatus;
  decisionStatus?: DecisionStatus;
  fine?: Fine;
  graceEndsAt?: string;
  nonComplianceRecordedAt?: string;
  nonComplianceAction?: { action: 'ESCALATE' | 'VERIFIED_REMOVAL'; at: string };
  reissuedAt?: string;
  statementOfReasons?: StatementOfReasons;
  reinstatement?: Reinstatement;
  /** Once compliance was reported URL by URL: each URL with its outcome. */
  urlOutcomes?: UrlOutcomeView[];
}

export interface BoardOrder {
  orderId: string;
  caseId: string;
  operatorId: string;
  status: OrderStatus;
  deadlineAt?: string;
  /** Staff's attention needed: undelivered, or compliance still awaited. */
  open?: boolean;
  undeliveredReason?: string;
  complianceStatus?: ComplianceStatus;
  decisionStatus?: DecisionStatus;
  issuedAt?: string;
  category?: Category;
  /** The grace period ended without compliance and staff have yet to act. */
  nonCompliant?: boolean;
  nonComplianceRecordedAt?: string;
  nonComplianceResolution?: { action: 'ESCALATE' | 'VERIFIED_REMOVAL'; at: string; by: string; reason: string };
  reissuedAt?: string;
  graceEndsAt?: string;
  /** Staff paused the deadline: no `deadlineAt` runs meanwhile. */
  deadlinePausedAt?: string;
  fine?: Fine;
  /** POST_MONITORING: non-compliant again because a URL was found online after compliance. */
  nonComplianceCause?: OrderRecord['nonComplianceCause'];
  /** A complied DELETE order's checks after compliance. */
  monitoring?: OrderRecord['monitoring'];
  /** URLs the operator reported it cannot comply with, while the order is open. */
  cannotComplyUrls?: number;
}

export interface ReporterReport {
  caseId: string;
  createdAt: string;
  /** The status in the policy's words (CONTRACT.md section 4); the screen words `caseStatus` in its own. */
  status: string;
  caseStatus: CaseStatus;
  category?: Category;
  urls: string[];
  outcomes: { url: string; outcome: ReporterUrlOutcome }[];
  rejectionReason?: string;
  emailUpdates?: true;
}

export interface AuditChain {
  events: AuditEvent[];
  verified: boolean;
  /** Where the chain does not check out. */
  problem?: string;
}

type Json = Record<string, unknown>;

/** How long a filing goes on being sent again while the API answers that it is busy. */
export const BUSY_RESEND_WITHIN_MS = 120_000;

/**
 * How long to wait before sending again a request the API turned away for now: 503 (the system
 * is behind; nothing was filed) or 429 (throttled), with `Retry-After` in seconds. `undefined` for
 * any other answer, which is the person's to read.
 */
export function busyWaitMs(status: number, retryAfter: string | null): number | undefined {
  if ((status !== 503 && status !== 429) || retryAfter === null || !/^\d+$/.test(retryAfter.trim())) return undefined;
  return Math.min(Number(retryAfter.trim()), 60) * 1000;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An answer's JSON; null when it has none (an empty body, or a proxy's HTML error page). */
function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    /** The token for each request (renewed when it runs out); null once the session is over. */
    private readonly token: () => Promise<string | null>,
    /** Called on 401 so that the app can ask the user to sign in again. */
    private readonly onUnauthenticated: () => void = () => {},
  ) {}

  private async authorization(): Promise<string> {
    let token: string | null;
    try {
      token = await this.token();
    } catch (error) {
      throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
    }
    if (token === null) {
      this.onUnauthenticated();
      throw new ApiError(401, 'UNAUTHENTICATED', 'The session has ended; sign in again.');
    }
    return `Bearer ${token}`;
  }

  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const authorization = await this.authorization();
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
    }
  }

  private failure(method: string, path: string, response: Response, parsed: unknown): ApiError {
    const error = ((parsed as Json | null)?.error ?? {}) as { code?: ErrorCode; message?: string; details?: ErrorDetail[] };
    if (response.status === 401) this.onUnauthenticated();
    return new ApiError(
      response.status,
      error.code ?? 'UNAVAILABLE',
      error.message ?? `${method} ${path} answered ${response.status}`,
      Array.isArray(error.details) ? error.details : [],
    );
  }

  /**
   * `resendWhileBusy`: only for a request whose Idempotency-Key makes a second copy harmless; it is
   * sent again after each busy answer's Retry-After, for up to BUSY_RESEND_WITHIN_MS.
   */
  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    options: { resendWhileBusy?: boolean } = {},
  ): Promise<T> {
    const giveUpAt = Date.now() + BUSY_RESEND_WITHIN_MS;
    for (;;) {
      const response = await this.send(method, path, body, headers);
      const parsed = parseJson(await response.text());
      if (response.ok) return parsed as T;
      const wait = options.resendWhileBusy ? busyWaitMs(response.status, response.headers.get('retry-after')) : undefined;
      if (wait === undefined || Date.now() + wait > giveUpAt) throw this.failure(method, path, response, parsed);
      await sleep(wait);
    }
  }

  // ------------------------------------------------ reports and cases
  fileReport(report: ReportRequest, idempotencyKey: string): Promise<{ caseId: string; status: CaseStatus; duplicates?: DuplicateCase[] }> {
    // The key makes a copy harmless, so a report the system was too busy to take is sent again.
    return this.call('POST', '/reports', report, { 'idempotency-key': idempotencyKey }, { resendWhileBusy: true });
  }

  async myReports(): Promise<ReporterReport[]> {
    const body = await this.call<{ reports: ReporterReport[] }>('GET', '/reports');
    return body.reports;
  }

  /** Every case (of a status), page after page: for screens that need them all. */
  async cases(status?: CaseStatus): Promise<CaseSummary[]> {
    const all: CaseSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.searchCases({ status, cursor, limit: 200 });
      all.push(...page.cases);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return all;
  }

  /** One page of a search; `nextCursor` asks for the next. */
  searchCases(search: CaseSearch): Promise<{ cases: CaseSummary[]; nextCursor?: string }> {
    const query = queryOf(search);
    return this.call('GET', `/cases${query === '' ? '' : `?${query}`}`);
  }

  async caseDetail(caseId: string): Promise<CaseDetail> {
    return normalizeCase(await this.call<Json>('GET', `/cases/${encodeURIComponent(caseId)}`));
  }

  audit(caseId: string): Promise<AuditChain> {
    return this.call('GET', `/cases/${encodeURIComponent(caseId)}/audit`);
  }

  /** The case's chain as JSON Lines, exactly as hashed (docs/audit.md), as a file to save. */
  async auditJsonLines(caseId: string): Promise<Blob> {
    const path = `/cases/${encodeURIComponent(caseId)}/audit?format=jsonl`;
    const response = await this.send('GET', path);
    if (!response.ok) throw this.failure('GET', path, response, parseJson(await response.text()));
    return response.blob();
  }

  decideApproval(caseId: string, request: ApprovalRequest): Promise<{ caseId: string; status: CaseStatus; approvals: Approval[] }> {
    return this.call('POST', `/cases/${encodeURIComponent(caseId)}/approvals`, request);
  }

  async boardOrders(): Promise<BoardOrder[]> {
    const body = await this.call<{ orders: BoardOrder[] }>('GET', '/orders');
    return body.orders;
  }

  /** One page of the deadline board's search; `nextCursor` asks for the next. */
  searchOrders(search: OrderSearch): Promise<{ orders: BoardOrder[]; nextCursor?: string }> {
    return this.call('GET', `/orders?${queryOf(search)}`);
  }

  /** Which of these URLs an open or recent case holds (staff also get those cases), before filing. */
  checkDuplicates(urls: readonly string[]): Promise<DuplicateCheck> {
    return this.call('POST', '/reports/duplicates', { urls });
  }

  // ------------------------------------------------ operator
  async operatorOrders(): Promise<OperatorOrder[]> {
    const body = await this.call<{ orders: OperatorOrder[] }>('GET', '/operator/orders');
    return body.orders;
  }

  /** Staff: send an UNDELIVERED order's notice again, to the operator's current contacts. */
  resendOrder(orderId: string): Promise<{ orderId: string; status: OrderStatus; deadlineAt?: string }> {
    return this.call('POST', `/orders/${encodeURIComponent(orderId)}/resend`, {});
  }

  /** Staff: extend, pause or resume an order's deadline, with a reason. */
  changeDeadline(
    orderId: string,
    request: DeadlineChangeRequest,
  ): Promise<{ orderId: string; deadlineAt?: string; deadlinePausedAt?: string }> {
    return this.call('POST', `/orders/${encodeURIComponent(orderId)}/deadline`, request);
  }

  /** Staff: act on an order whose grace period ended without compliance. */
  resolveNonCompliance(orderId: string, request: NonComplianceRequest): Promise<{ orderId: string; status: OrderStatus }> {
    return this.call('POST', `/orders/${encodeURIComponent(orderId)}/non-compliance`, request);
  }

  acknowledge(orderId: string): Promise<{ orderId: string; status: OrderStatus }> {
    return this.call('POST', `/operator/orders/${encodeURIComponent(orderId)}/acknowledge`, {});
  }

  reportCompliance(orderId: string, request: ComplianceRequest): Promise<{ orderId: string; status: OrderStatus }> {
    return this.call('POST', `/operator/orders/${encodeURIComponent(orderId)}/compliance`, request);
  }

  reportUrlCompliance(
    orderId: string,
    request: UrlComplianceRequest,
  ): Promise<{ orderId: string; status: OrderStatus; accounted: number; urlCount: number; urls: UrlOutcomeView[] }> {
    return this.call('POST', `/operator/orders/${encodeURIComponent(orderId)}/compliance/urls`, request);
  }

  appeal(orderId: string, request: AppealRequest): Promise<{ appealId: string }> {
    return this.call('POST', `/operator/orders/${encodeURIComponent(orderId)}/appeal`, request);
  }

  reportReinstatement(orderId: string, request: ReinstatementRequest): Promise<{ orderId: string; reinstatement: Reinstatement }> {
    return this.call('POST', `/operator/orders/${encodeURIComponent(orderId)}/reinstatement`, request);
  }

  /** Operator: its opinion on a proposed fine, once, within the opinion period. */
  submitFineOpinion(orderId: string, request: FineOpinionRequest): Promise<{ orderId: string; fineStatus: FineStatus; opinionAt: string }> {
    return this.call('POST', `/operator/orders/${encodeURIComponent(orderId)}/fine/opinion`, request);
  }

  /** Staff: impose, reduce or waive a proposed fine, with the reason the operator is sent. */
  decideFine(orderId: string, request: FineDecisionRequest): Promise<{ orderId: string; fine: Fine }> {
    return this.call('POST', `/orders/${encodeURIComponent(orderId)}/fine/decision`, request);
  }

  // ------------------------------------------------ committee
  async reviews(): Promise<ReviewView[]> {
    const body = await this.call<{ reviews: Json[] }>('GET', '/committee/reviews');
    return body.reviews.map(normalizeReview);
  }

  vote(reviewId: string, request: VoteRequest): Promise<unknown> {
    return this.call('POST', `/committee/reviews/${encodeURIComponent(reviewId)}/votes`, request);
  }

  recuse(reviewId: string, reason: string): Promise<unknown> {
    return this.call('POST', `/committee/reviews/${encodeURIComponent(reviewId)}/recusal`, { reason });
  }

  decideEscalated(reviewId: string, decision: 'CONFIRM' | 'REVOKE', reason: string): Promise<unknown> {
    return this.call('POST', `/committee/reviews/${encodeURIComponent(reviewId)}/decision`, { decision, reason });
  }

  // ------------------------------------------------ statistics
  statistics(range: MonthRange): Promise<Statistics> {
    return this.call('GET', `/statistics?${new URLSearchParams({ from: range.from, to: range.to }).toString()}`);
  }

  /** The CSV as a file to save: fetched with the token, which a plain link could not send. */
  async statisticsCsv(range: MonthRange): Promise<Blob> {
    const query = new URLSearchParams({ from: range.from, to: range.to, format: 'csv' }).toString();
    const response = await fetch(`${this.baseUrl}/statistics?${query}`, { headers: { authorization: await this.authorization() } });
    if (!response.ok) throw new ApiError(response.status, 'UNAVAILABLE', `GET /statistics answered ${response.status}`);
    return response.blob();
  }

  // ------------------------------------------------ block list (docs/blocklist.md)
  blocklist(): Promise<Blocklist> {
    return this.call('GET', '/isp/blocklist');
  }

  blocklistChanges(since: number): Promise<BlocklistChanges> {
    return this.call('GET', `/isp/blocklist/changes?${new URLSearchParams({ since: String(since) }).toString()}`);
  }

  // ------------------------------------------------ operators registry
  async operators(): Promise<Operator[]> {
    const body = await this.call<{ operators: Operator[] }>('GET', '/operators');
    return body.operators;
  }

  registerOperator(input: OperatorInput): Promise<Operator> {
    return this.call('POST', '/operators', input);
  }

  updateOperator(operatorId: string, patch: OperatorPatch): Promise<Operator> {
    return this.call('PATCH', `/operators/${encodeURIComponent(operatorId)}`, patch);
  }

  /** Staff: files the URLs a case left unassigned after issuance as a follow-up case (README). */
  fileFollowUp(caseId: string): Promise<FiledFollowUp> {
    return this.call('POST', `/cases/${encodeURIComponent(caseId)}/follow-ups`, {});
  }
}

export type OperatorPatch = Partial<Omit<OperatorInput, 'operatorId'>>;

export interface FiledFollowUp {
  created: boolean;
  caseId: string;
  followUpCaseId: string;
  status: CaseStatus;
}

// ---------------------------------------------------------------- answer shapes

export function normalizeReview(raw: Json): ReviewView {
  const votes = isRecord(raw.votes) ? (raw.votes as Record<string, VoteRecord>) : undefined;
  const counted = votes ? tallyOf(Object.values(votes).map((v) => v.decision)) : undefined;
  const tally =
    typeof raw.confirm === 'number'
      ? { CONFIRM: raw.confirm, REVOKE: Number(raw.revoke ?? 0), ABSTAIN: Number(raw.abstain ?? 0) }
      : counted;
  const myVoteRaw = raw.myVote;
  const myVote =
    typeof myVoteRaw === 'string'
      ? (myVoteRaw as VoteDecision)
      : isRecord(myVoteRaw) && typeof myVoteRaw.decision === 'string'
        ? (myVoteRaw.decision as VoteDecision)
        : undefined;
  const votesCast =
    typeof raw.votesCast === 'number'
      ? raw.votesCast
      : Array.isArray(raw.votesCast)
        ? raw.votesCast.length
        : tally
          ? tally.CONFIRM + tally.REVOKE + tally.ABSTAIN
          : 0;
  const view: ReviewView = {
    ...(raw as unknown as ReviewView),
    orderIds: Array.isArray(raw.orderIds) ? (raw.orderIds as string[]) : [],
    eligibleMembers: Array.isArray(raw.eligibleMembers) ? (raw.eligibleMembers as string[]) : [],
    votesCast,
  };
  if (tally) view.tally = tally;
  if (myVote) view.myVote = myVote;
  else delete view.myVote;
  return view;
}

export function normalizeCase(raw: Json): CaseDetail {
  const urls = (Array.isArray(raw.urls) ? raw.urls : []).map((entry: unknown): CaseUrl => {
    if (typeof entry === 'string') return { url: entry, host: hostOf(entry), operatorId: null };
    const value = entry as Partial<CaseUrl>;
    return {
      url: value.url ?? '',
      host: value.host ?? hostOf(value.url ?? ''),
      operatorId: value.operatorId ?? null,
      ...(value.referredTo === undefined ? {} : { referredTo: value.referredTo }),
    };
  });
  return {
    ...(raw as unknown as CaseDetail),
    urls,
    orders: Array.isArray(raw.orders) ? (raw.orders as CaseOrder[]) : [],
    reviews: (Array.isArray(raw.reviews) ? (raw.reviews as Json[]) : []).map(normalizeReview),
    appeals: Array.isArray(raw.appeals) ? (raw.appeals as AppealRecord[]) : [],
    timeline: Array.isArray(raw.timeline) ? (raw.timeline as TimelineEntry[]) : [],
  };
}

export function tallyOf(decisions: VoteDecision[]): Tally {
  const tally: Tally = { CONFIRM: 0, REVOKE: 0, ABSTAIN: 0 };
  for (const decision of decisions) tally[decision] += 1;
  return tally;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `GET /orders`'s search (README, "The API beyond the contract"): url and host exclusive; with none, the board. */
export interface OrderSearch {
  list?: 'OPEN' | 'UNDELIVERED' | 'OVERDUE' | 'NON_COMPLIANT' | undefined;
  complianceStatus?: ComplianceStatus | undefined;
  decisionStatus?: DecisionStatus | undefined;
  operatorId?: string | undefined;
  caseId?: string | undefined;
  host?: string | undefined;
  url?: string | undefined;
  issuedFrom?: string | undefined;
  issuedTo?: string | undefined;
  deadlineFrom?: string | undefined;
  deadlineTo?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** `POST /reports/duplicates`: the URLs already being handled; the cases holding them for staff only. */
export interface DuplicateCheck {
  urls: string[];
  duplicates?: DuplicateCase[];
}

/** A search's parameters as a query string, the empty ones left out. */
function queryOf(search: object): string {
  const given = Object.entries(search).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return new URLSearchParams(given.map(([name, value]) => [name, String(value)])).toString();
}

/** `GET /isp/blocklist` (docs/blocklist.md): one entry per blocked URL, signed. */
export interface Blocklist {
  version: number;
  generatedAt: string;
  entries: BlocklistEntry[];
  signature: string;
}

/** `GET /isp/blocklist/changes?since=`: remove `removed`, then add `added`. */
export interface BlocklistChanges {
  version: number;
  since: number;
  added: BlocklistEntry[];
  removed: BlocklistEntry[];
}

/**
 * Filing a report (CONTRACT.md section 4) and the reporter's own view of its reports.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/audit';
import type { Identity } from '../domain/authz';
import { approvalSlaAt } from '../domain/deadlines';
import { ConflictError, UnavailableError, ValidationError } from '../domain/errors';
import type { CaseRecord, CaseStatus, CaseUrl, ReportRequest } from '../domain/model';
import type { LANGUAGES } from '../domain/model';
import { caseDecider } from '../domain/deciders/case';
import { assignUrls } from '../domain/orders';
import { type ReporterUrlOutcome, reporterCaseText, reporterUrlOutcomeAmong } from '../domain/reporter';
import { caseFacets, facets } from '../domain/search';
import { config } from '../runtime/config';
import { newCaseId } from '../runtime/ids';
import { logger } from '../runtime/logger';
import type { Executed } from '../store/journal';
import { refs } from '../store/keys';
import { writeSearchEntries, writeUrlCases } from '../store/search';
import {
  expectNewCase,
  getCase,
  getCaseUrls,
  getIdempotencyRecord,
  listCasesByReporter,
  listOperators,
  listOrdersOfCase,
  putIdempotencyRecord,
  writeUrls,
} from '../store/repository';
import { act, finishUnsettledOf } from './acts';
import { type ActivePolicy, storeActivePolicy } from './policies';

export interface FiledReport {
  /** false when an Idempotency-Key replay found the case filed before. */
  readonly created: boolean;
  readonly caseId: string;
  readonly status: CaseStatus;
}

const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9._:-]{1,128}$/;

function bodyHash(body: ReportFiling): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/**
 * Reserves the key for this body before anything is written, so that the key fixes the case id:
 * a replay, or a retry after a crash half-way, lands on the same case instead of a second one.
 */
async function reserveCaseId(
  userId: string,
  key: string,
  hash: string,
  now: string,
): Promise<{ caseId: string; createdAt: string; replay: boolean }> {
  if (!IDEMPOTENCY_KEY_RE.test(key)) {
    throw new ValidationError('The Idempotency-Key header must be 1 to 128 letters, digits or ._:- characters.', [
      { field: 'Idempotency-Key', message: 'letters, digits and ._:- only, at most 128' },
    ]);
  }
  const fresh = { bodyHash: hash, caseId: newCaseId(), createdAt: now };
  if (await putIdempotencyRecord(userId, key, fresh)) return { caseId: fresh.caseId, createdAt: now, replay: false };
  const existing = await getIdempotencyRecord(userId, key);
  if (!existing) throw new UnavailableError('The Idempotency-Key is being used by another request; retry in a moment.');
  if (existing.bodyHash !== hash) {
    throw new ConflictError('This Idempotency-Key was already used with a different report; use a new key for a new report.');
  }
  return { caseId: existing.caseId, createdAt: existing.createdAt, replay: true };
}

function initialStatus(procedure: CaseRecord['procedure']): CaseStatus {
  return procedure === 'vote-first' ? 'UNDER_PRIOR_REVIEW' : 'PENDING_APPROVAL';
}

/** What a new case is filed with; the rest comes from the policy in force. */
export type NewCase = Pick<
  CaseRecord,
  | 'caseId'
  | 'category'
  | 'createdAt'
  | 'createdBy'
  | 'reporter'
  | 'victimConsent'
  | 'summary'
  | 'contentSha256'
  | 'hashes'
  | 'followUpOf'
  | 'reporterContact'
>;

export function newCaseRecord(fields: NewCase, urlCount: number, { policy, version }: ActivePolicy): CaseRecord {
  const procedure = policy.procedure;
  return {
    ...fields,
    status: initialStatus(procedure),
    policyId: policy.id,
    policyVersion: version,
    procedure,
    urlCount,
    approvals: [],
    approvalDeadlineAt: approvalSlaAt(policy, fields.createdAt),
  };
}

/**
 * Files a case: its URLs and search entries first (a case that exists has all of them), then its
 * first event, which starts its workflow. Every step is safe to repeat with the same case id.
 */
export async function fileCase(record: CaseRecord, urls: readonly CaseUrl[], now: string): Promise<Executed<CaseRecord>> {
  await writeUrls(record.caseId, urls);
  await writeSearchEntries(record, caseFacets(record, urls));
  await writeUrlCases(
    record,
    urls.map((url) => facets.url(url.url)),
  );
  return act(caseDecider, refs.case(record.caseId), { type: 'FILE', record }, now);
}

/** A report as filed: a person's request, or a partner's referral (whose reporter kind is PARTNER). */
export type ReportFiling = Omit<ReportRequest, 'reporter'> & { reporter: CaseRecord['reporter'] };

export async function fileReport(
  identity: Identity,
  body: ReportRequest,
  idempotencyKey: string | undefined,
  now: string,
): Promise<FiledReport> {
  return fileReportBy(identity.userId, body, idempotencyKey, now);
}

/**
 * A repeated request finishes what the first one may have left undone when it stopped (a crash
 * after the case was filed and before its workflow started), at once rather than at the
 * sweeper's next pass: the client that got no answer is the one waiting for it.
 */
async function finishFilingOf(caseId: string): Promise<void> {
  await finishUnsettledOf(refs.case(caseId).root.pk);
}

/** Files a report for `filer` (a user, or `partner:{partnerId}`), once per idempotency key. */
export async function fileReportBy(
  filer: string,
  body: ReportFiling,
  idempotencyKey: string | undefined,
  now: string,
): Promise<FiledReport> {
  // Stored before a case can cite it: a case's policy version is always there to load.
  const bound = await storeActivePolicy(now);
  const reserved =
    idempotencyKey === undefined
      ? { caseId: newCaseId(), createdAt: now, replay: false }
      : await reserveCaseId(filer, idempotencyKey, bodyHash(body), now);
  const { caseId, createdAt } = reserved;
  // A case id made for this request names a case nobody has written yet.
  if (!reserved.replay) expectNewCase(caseId);

  if (reserved.replay) {
    const existing = await getCase(caseId);
    if (existing) {
      await finishFilingOf(caseId);
      return { created: false, caseId, status: existing.status };
    }
    // The earlier request reserved the key and stopped before the case existed: file it now.
  }

  const urls = assignUrls(body.urls, await listOperators());
  const record = newCaseRecord(
    {
      caseId,
      category: body.category,
      createdAt,
      createdBy: filer,
      reporter: body.reporter,
      victimConsent: body.victimConsent,
      ...(body.summary === undefined ? {} : { summary: body.summary }),
      ...(body.contentSha256 === undefined ? {} : { contentSha256: body.contentSha256.toLowerCase() }),
      ...(body.hashes === undefined || body.hashes.length === 0 ? {} : { hashes: body.hashes }),
      ...(body.notify === undefined ? {} : { reporterContact: { email: body.notify.email, language: body.notify.language } }),
    },
    urls.length,
    bound,
  );
  const { state, committed } = await fileCase(record, urls, now);
  if (!committed) await finishFilingOf(caseId);
  logger.info('report filed', { caseId, urlCount: urls.length, created: committed !== null });
  return { created: committed !== null, caseId, status: (state ?? record).status };
}

export interface ReporterReport {
  caseId: string;
  createdAt: string;
  /** The case's status in plain words, without operators' replies. */
  status: string;
  /** The same status as a code, for a screen that speaks another language than the policy's. */
  caseStatus: CaseStatus;
  category: string;
  urls: string[];
  /** What became of each URL, as a code (the domain's `reporterOutcomeText` words it). */
  outcomes: { url: string; outcome: ReporterUrlOutcome }[];
  /** Why staff rejected the report, when they did. */
  rejectionReason?: string;
  /** Present when the reporter asked to be e-mailed as outcomes change (the address is not shown again). */
  emailUpdates?: true;
}

/** The reports this user filed, newest first. */
export async function listOwnReports(
  identity: Identity,
  language: (typeof LANGUAGES)[number] = config().policy.language,
): Promise<ReporterReport[]> {
  const cases = await listCasesByReporter(identity.userId);
  return Promise.all(cases.map((record) => reporterReport(record, language)));
}

async function reporterReport(record: CaseRecord, language: (typeof LANGUAGES)[number]): Promise<ReporterReport> {
  const [urls, orders] = await Promise.all([getCaseUrls(record.caseId), listOrdersOfCase(record.caseId)]);
  const outcomes = urls.map((url) => ({ url: url.url, outcome: reporterUrlOutcomeAmong(record.status, url.operatorId, orders) }));
  const rejectionReason = record.approvals.find((approval) => approval.decision === 'REJECT')?.reason;
  return {
    caseId: record.caseId,
    createdAt: record.createdAt,
    status: reporterCaseText(
      record.status,
      outcomes.map((entry) => entry.outcome),
      language,
    ),
    caseStatus: record.status,
    category: record.category,
    urls: urls.map((url) => url.url),
    outcomes,
    ...(rejectionReason === undefined ? {} : { rejectionReason }),
    ...(record.reporterContact === undefined ? {} : { emailUpdates: true as const }),
  };
}

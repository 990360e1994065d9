import { type FineAssessment, type FineInputs, fineInputsFor, recomputeFine } from '../../shared/domain/fines';
import { DEFAULT_POLICY_ID, policyById } from '../../shared/domain/policy';
import { policyVersionOf } from '../../shared/domain/policy-version';
/** Stored records for service and handler tests, as the workflow and the API leave them. */
import { caseIdFrom, orderIdFor, reviewIdFor, ulidFrom } from '../../shared/domain/ids';
import { OBJECTION_CODE_BYTES, objectionCodeFrom } from '../../shared/domain/objections';
import { orderNoticeObjection } from '../../shared/domain/orders';
import type { AppealRecord, Approval, CaseRecord, CaseUrl, Fine, Operator, OrderRecord, ReviewRecord } from '../../shared/domain/model';
import type { Partner } from '../../shared/domain/partners';
import type { Policy } from '../../shared/domain/policy';
import { statementOfReasons } from '../../shared/domain/reasons';
import type { OperatorNotice } from '../../shared/notices/templates';
import { keys } from '../../shared/store/keys';

export const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-03-02T00:00:00.000Z'), new Uint8Array(10).fill(7)));
export const OTHER_CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-03-01T00:00:00.000Z'), new Uint8Array(10).fill(9)));
export const WEBHARD_ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
export const SOCIAL_ORDER_ID = orderIdFor(CASE_ID, 'op-social');
export const POST_REVIEW_ID = reviewIdFor(CASE_ID, 'POST_REVIEW');

export function aCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: CASE_ID,
    status: 'PENDING_APPROVAL',
    category: 'ILLEGAL_FILMING',
    createdAt: '2026-03-02T00:00:00.000Z',
    createdBy: 'staff-kim',
    policyId: 'kr-kcsc',
    procedure: 'interim-then-review',
    reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0042' },
    victimConsent: true,
    summary: 'Victim identified by the support centre',
    urlCount: 3,
    approvals: [],
    approvalDeadlineAt: '2026-03-02T02:00:00.000Z',
    ...overrides,
  };
}

export function anOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  const operatorId = overrides.operatorId ?? 'op-webhard';
  return {
    orderId: orderIdFor(overrides.caseId ?? CASE_ID, operatorId),
    caseId: CASE_ID,
    operatorId,
    status: 'ISSUED',
    complianceStatus: 'ISSUED',
    decisionStatus: 'PENDING',
    action: 'DELETE',
    category: 'ILLEGAL_FILMING',
    urlCount: 2,
    issuedAt: '2026-03-02T01:00:00.000Z',
    deadlineAt: '2026-03-03T01:00:00.000Z',
    graceEndsAt: '2026-03-10T01:00:00.000Z',
    remindersSent: [],
    notices: [],
    ...overrides,
  };
}

export function aReview(overrides: Partial<ReviewRecord> = {}): ReviewRecord {
  return {
    reviewId: POST_REVIEW_ID,
    kind: 'POST_REVIEW',
    caseId: CASE_ID,
    orderIds: [WEBHARD_ORDER_ID, SOCIAL_ORDER_ID],
    status: 'OPEN',
    openedAt: '2026-03-02T01:00:00.000Z',
    closesAt: '2026-03-09T01:00:00.000Z',
    extended: false,
    eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'],
    recusals: {},
    votes: {},
    ...overrides,
  };
}

export function anAppeal(overrides: Partial<AppealRecord> = {}): AppealRecord {
  return {
    appealId: `A${CASE_ID.slice(1)}-op-webhard`,
    caseId: CASE_ID,
    orderId: WEBHARD_ORDER_ID,
    operatorId: 'op-webhard',
    grounds: 'The content was consensual and licensed.',
    filedAt: '2026-03-10T00:00:00.000Z',
    status: 'FILED',
    ...overrides,
  };
}

export function anOperator(overrides: Partial<Operator> = {}): Operator {
  return {
    operatorId: 'op-webhard',
    name: 'Webhard Co.',
    domains: ['webhard.example'],
    contactEmails: ['notices@webhard.example'],
    jurisdiction: 'DOMESTIC',
    language: 'ko',
    annualRevenue: 10_000_000_000,
    currency: 'KRW',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** partner-fr, France's Point de Contact, verified by `publicKey` (a test's own key pair) and reached by e-mail. */
export function aPartner(publicKey: { x: string; y: string }, overrides: Partial<Partner> = {}): Partner {
  return {
    partnerId: 'partner-fr',
    name: 'Point de Contact',
    countries: ['FR'],
    contact: 'referrals@pointdecontact.example',
    publicKey: { kty: 'EC', crv: 'P-256', ...publicKey },
    language: 'fr',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The overseas host of CONTRACT.md section 2, op-overseas. */
export function anOverseasHost(overrides: Partial<Operator> = {}): Operator {
  return anOperator({
    operatorId: 'op-overseas',
    domains: ['overseas.example'],
    contactEmails: ['abuse@overseas.example'],
    jurisdiction: 'OVERSEAS',
    ...overrides,
  });
}

export const CASE_URLS: CaseUrl[] = [
  { url: 'https://webhard.example/v/123', host: 'webhard.example', operatorId: 'op-webhard' },
  { url: 'https://cdn.webhard.example/v/124', host: 'cdn.webhard.example', operatorId: 'op-webhard' },
  { url: 'https://social.example/p/9', host: 'social.example', operatorId: 'op-social' },
  { url: 'https://unknown.example/x', host: 'unknown.example', operatorId: null },
];

/** URL chunk items of a case, grouped by operator as the repository writes them. */
export function urlChunkItems(caseId: string, urls: readonly CaseUrl[]) {
  const groups = new Map<string | null, CaseUrl[]>();
  for (const url of urls) groups.set(url.operatorId, [...(groups.get(url.operatorId) ?? []), url]);
  return [...groups].map(([operatorId, group]) => ({ ...keys.urlChunk(caseId, operatorId, 0), urls: group }));
}

/** A fine's inputs as `assessFines` builds them under the Korean profile (revenue 10 billion KRW, 30 h late). */
export function aFineAssessment(overrides: Partial<FineAssessment> = {}): FineInputs {
  const policy = policyById(DEFAULT_POLICY_ID);
  return fineInputsFor({
    policy,
    policyVersion: policyVersionOf(policy),
    order: { category: 'ILLEGAL_FILMING', urlCount: 2 },
    compliance: 'OVERDUE',
    missedDeadlineAt: '2026-03-03T01:00:00.000Z',
    lateHours: 30,
    operator: { annualRevenue: 10_000_000_000, currency: 'KRW', updatedAt: '2026-01-01T00:00:00.000Z' },
    priorOrderIds: [],
    ...overrides,
  });
}

/** A fine as `ASSESS_FINE` proposes it from `aFineAssessment()`, its opinion period running until `opinionDueAt`. */
export function aProposedFine(overrides: Partial<Fine> = {}): Fine {
  const inputs = aFineAssessment();
  const computed = recomputeFine(inputs);
  return {
    ...computed,
    status: 'PROPOSED',
    policyVersion: inputs.policyVersion,
    proposedAmount: computed.amount,
    inputs,
    proposedAt: '2026-03-10T01:00:00.000Z',
    opinionDueAt: '2026-03-20T01:00:00.000Z',
    ...overrides,
  };
}

/** Approvals by two staff members, each with the reason that becomes the order's facts. */
export const TWO_APPROVALS: Approval[] = [
  {
    by: 'staff-lee',
    at: '2026-03-02T00:10:00.000Z',
    decision: 'APPROVE',
    reason: '피해자가 진술한 탈의실 불법촬영물과 같은 영상임을 확인함',
  },
  { by: 'staff-park', at: '2026-03-02T00:20:00.000Z', decision: 'APPROVE', reason: '모든 URL에서 같은 영상을 확인함' },
];

/** The ORDER notice of `order` as shared/services/notify.ts writes it: its URLs, the deadline it states, its statement of reasons. */
export function anOrderNotice(order: OrderRecord, urls: string[], deadlineAt: string, policy: Policy = policyById('kr-kcsc')) {
  const reasons = statementOfReasons({
    policy,
    procedure: 'interim-then-review',
    order: { ...order, deadlineAt },
    approvals: TWO_APPROVALS,
    urls,
  });
  // A fixed code where notify would make a fresh one: a host's notice carries it, an ISP's does not.
  const objectionCode = orderNoticeObjection(order.action).posterCode
    ? objectionCodeFrom(new Uint8Array(OBJECTION_CODE_BYTES).fill(7))
    : undefined;
  return { kind: 'ORDER', urls, deadlineAt, reasons, ...(objectionCode === undefined ? {} : { objectionCode }) } satisfies OperatorNotice;
}

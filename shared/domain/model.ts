/**
 * The product's vocabulary: every entity, status and request body as a zod schema, with the
 * TypeScript type inferred from it. The web UI, the handlers and the tests all import from here,
 * so a field means one thing everywhere. Pure: no AWS, no clock, no I/O.
 */
import { z } from 'zod';
import type { OrderMonitoring } from './monitoring';
import type { UrlCompliance } from './url-compliance';
import { countryCodeSchema } from './countries';
import { multiLineText, singleLineText } from './text';
import { checkReportedUrl } from './urls';
import type { FineInputs } from './fines';
import { type HashAlgorithm, reportHashesSchema } from './hashes';

export const isoTimestamp = z.iso.datetime({ offset: false });

export const ROLES = ['staff', 'committee', 'operator', 'reporter', 'auditor'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const CATEGORIES = [
  'ILLEGAL_FILMING',
  'SYNTHETIC_SEXUAL_IMAGERY',
  'CHILD_SEXUAL_EXPLOITATION',
  'NON_CONSENSUAL_DISTRIBUTION',
] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

export const REPORTER_KINDS = ['VICTIM', 'SUPPORT_CENTER', 'POLICE', 'MONITORING', 'STAFF'] as const;
export const reporterKindSchema = z.enum(REPORTER_KINDS);
/** A case's reporter kinds: those a person files, and a partner regulator's referral (`POST /partners/referrals`), which no person can claim. */
export const CASE_REPORTER_KINDS = [...REPORTER_KINDS, 'PARTNER'] as const;

export const CASE_STATUSES = [
  'PENDING_APPROVAL',
  'UNDER_PRIOR_REVIEW',
  'REJECTED',
  'ORDERS_ISSUED',
  'UNDER_POST_REVIEW',
  'REVOKED',
  'CONFIRMED',
  'APPEAL_WINDOW',
  'UNDER_APPEAL',
  'CLOSED',
  'FAILED',
] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/** Where an order stands on the operator's side: did it act, and when. */
/**
 * UNDELIVERED: the order notice could not be delivered (bounced, refused, or not accepted for the
 * whole retry window), so the operator was never told and no clock runs.
 */
export const COMPLIANCE_STATUSES = ['ISSUED', 'ACKNOWLEDGED', 'COMPLIED', 'OVERDUE', 'COMPLIED_LATE', 'UNDELIVERED'] as const;
export const complianceStatusSchema = z.enum(COMPLIANCE_STATUSES);
export type ComplianceStatus = z.infer<typeof complianceStatusSchema>;

/** Where an order stands on the regulator's side: does it stand. */
export const DECISION_STATUSES = ['PENDING', 'CONFIRMED', 'REVOKED', 'APPEALED', 'UPHELD', 'OVERTURNED'] as const;
export const decisionStatusSchema = z.enum(DECISION_STATUSES);
export type DecisionStatus = z.infer<typeof decisionStatusSchema>;

/** The single status of CONTRACT.md section 5, derived from the two tracks by `orderStatus`. */
export const ORDER_STATUSES = [
  'ISSUED',
  'ACKNOWLEDGED',
  'COMPLIED',
  'OVERDUE',
  'COMPLIED_LATE',
  'CONFIRMED',
  'REVOKED',
  'APPEALED',
  'UPHELD',
  'OVERTURNED',
  'UNDELIVERED',
] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** DELETE: a domestic host; BLOCK_ACCESS: an ISP; DELETE_REQUEST: an overseas host, asked and not bound. */
export const ORDER_ACTIONS = ['DELETE', 'BLOCK_ACCESS', 'DELETE_REQUEST'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export const COMPLIANCE_ACTIONS = ['DELETED', 'BLOCKED', 'NOT_FOUND'] as const;
export const complianceActionSchema = z.enum(COMPLIANCE_ACTIONS);

export const REVIEW_KINDS = ['POST_REVIEW', 'PRIOR_REVIEW', 'APPEAL'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export const REVIEW_STATUSES = ['OPEN', 'CLOSED', 'ESCALATED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const VOTE_DECISIONS = ['CONFIRM', 'REVOKE', 'ABSTAIN'] as const;
export const voteDecisionSchema = z.enum(VOTE_DECISIONS);
export type VoteDecision = z.infer<typeof voteDecisionSchema>;
/** CONFIRMED: the order stands (appeal: upheld). REVOKED: it is lifted (appeal: granted). */
export const REVIEW_OUTCOMES = ['CONFIRMED', 'REVOKED'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const JURISDICTIONS = ['DOMESTIC', 'OVERSEAS'] as const;
/** A HOST holds content on its domains; an ISP gives access to the internet and blocks what it is ordered to. */
export const OPERATOR_KINDS = ['HOST', 'ISP'] as const;
export type OperatorKind = (typeof OPERATOR_KINDS)[number];
export const LANGUAGES = ['ko', 'en'] as const;

/**
 * A reported URL, refused when it hides anything (shared/domain/urls.ts), and stored as the
 * normalized `href` that notices print.
 */
const reportedUrl = z.string().transform((value, context) => {
  const checked = checkReportedUrl(value);
  if (checked.ok) return checked.href;
  // The URL itself, escaped, so the reporter can find it; the field's index names it too.
  context.addIssue({ code: 'custom', message: `${JSON.stringify(value.slice(0, 120))} ${checked.refusal}` });
  return z.NEVER;
});

// ---------------------------------------------------------------- requests (validated at the edge)

export const reportRequestSchema = z.strictObject({
  urls: z.array(reportedUrl).min(1, 'give at least one URL').max(1000, 'at most 1000 URLs per report'),
  category: categorySchema,
  reporter: z.strictObject({
    kind: reporterKindSchema,
    reference: singleLineText(200).optional(),
  }),
  victimConsent: z.boolean(),
  summary: multiLineText(2000).optional(),
  contentSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .optional(),
  /** Hashes of the content (docs/hashes.md): listed once the case's orders are confirmed. */
  hashes: reportHashesSchema.optional(),
  notify: z
    .strictObject({
      email: z.email('must be an e-mail address such as name@example.org').max(254),
      language: z.enum(LANGUAGES),
    })
    .optional(),
});
export type ReportRequest = z.infer<typeof reportRequestSchema>;

/**
 * Every decision says why: a rejection ends a victim's report without an order, and an approval's
 * reason is the facts of the order's statement of reasons (shared/domain/reasons.ts), which the
 * operator reads.
 */
export const approvalRequestSchema = z.strictObject({
  decision: z.enum(['APPROVE', 'REJECT']),
  reason: multiLineText(2000).refine((reason) => reason.trim() !== '', {
    message: 'give the reason for the decision',
  }),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

export const complianceRequestSchema = z.strictObject({
  action: complianceActionSchema,
  note: multiLineText(2000).optional(),
});
export type ComplianceRequest = z.infer<typeof complianceRequestSchema>;

/**
 * What staff do with an order whose grace period ended without compliance: refer it for a formal
 * order or penalty procedure, record that they checked the content is gone, or issue it again with
 * a new notice and a new deadline.
 */
export const NON_COMPLIANCE_ACTIONS = ['ESCALATE', 'VERIFIED_REMOVAL', 'REISSUE'] as const;
export type NonComplianceAction = (typeof NON_COMPLIANCE_ACTIONS)[number];
export const nonComplianceRequestSchema = z.strictObject({
  action: z.enum(NON_COMPLIANCE_ACTIONS),
  reason: multiLineText(2000).pipe(z.string().min(1, 'say why: the reason goes on the case record')),
});
export type NonComplianceRequest = z.infer<typeof nonComplianceRequestSchema>;

export const appealRequestSchema = z.strictObject({
  grounds: multiLineText(5000).pipe(z.string().min(10, 'grounds need at least 10 characters')),
});
export type AppealRequest = z.infer<typeof appealRequestSchema>;

export const voteRequestSchema = z.strictObject({
  decision: voteDecisionSchema,
  reason: multiLineText(2000).optional(),
});
export type VoteRequest = z.infer<typeof voteRequestSchema>;

export const recusalRequestSchema = z.strictObject({
  reason: multiLineText(2000).pipe(z.string().min(1, 'say why you recuse yourself')),
});

/** Staff decide a review that the committee could not (no quorum twice, policy `escalate`). */
export const escalationDecisionRequestSchema = z.strictObject({
  decision: z.enum(['CONFIRM', 'REVOKE']),
  reason: multiLineText(2000).pipe(z.string().min(1, 'give the reason for the decision')),
});

const domainName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a lower-case host name such as example.com');

export const operatorIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and hyphens, 2 to 63 characters');

const operatorFields = z.strictObject({
  operatorId: operatorIdSchema.optional(),
  name: singleLineText(200).pipe(z.string().min(1, "give the operator's name")),
  // A host needs at least one (hostNeedsDomains); an ISP hosts nothing and may have none.
  domains: z.array(domainName).max(100),
  contactEmails: z.array(z.email().max(254)).min(1).max(10),
  jurisdiction: z.enum(JURISDICTIONS),
  language: z.enum(LANGUAGES).optional(),
  annualRevenue: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  kind: z.enum(OPERATOR_KINDS).optional(),
  /** Where the operator is established (ISO 3166-1 alpha-2): an overseas host's URLs are referred to the partner covering it. */
  country: countryCodeSchema.optional(),
});

/** The field error of a host without domains, or null: a PATCH checks the operator it would leave. */
export function hostWithoutDomains(operator: { kind?: OperatorKind | undefined; domains: readonly string[] }): string | null {
  return (operator.kind ?? 'HOST') === 'HOST' && operator.domains.length === 0
    ? 'a host needs at least one domain (an ISP needs none)'
    : null;
}

export const operatorInputSchema = operatorFields.superRefine((input, context) => {
  const refusal = hostWithoutDomains(input);
  if (refusal !== null) context.addIssue({ code: 'custom', path: ['domains'], message: refusal });
});
export type OperatorInput = z.infer<typeof operatorInputSchema>;
export const operatorPatchSchema = operatorFields.omit({ operatorId: true }).partial();

// ---------------------------------------------------------------- stored entities (as the API shows them)

export interface Operator {
  operatorId: string;
  name: string;
  domains: string[];
  contactEmails: string[];
  jurisdiction: (typeof JURISDICTIONS)[number];
  language: (typeof LANGUAGES)[number];
  annualRevenue: number;
  currency: string;
  updatedAt: string;
  /** Absent on operators registered before ISPs were known: they are hosts. */
  kind?: OperatorKind;
  /**
   * Whether the operator has an active webhook endpoint (false when registered, raised by the
   * endpoint's registration, lowered when it is removed or disabled): a notice of an operator
   * without one reads nothing more. Absent: an operator written before the flag existed, whose
   * endpoint, if any, counts as active (mayHaveActiveWebhook in shared/domain/webhooks.ts).
   */
  webhookActive?: boolean;
  /** Where it is established (ISO 3166-1 alpha-2); absent: not known. */
  country?: string;
}

export interface CaseUrl {
  url: string;
  host: string;
  /** `null` while no operator's domain matches the host (shown as UNASSIGNED). */
  operatorId: string | null;
  /** The follow-up case that took this unassigned URL over, so that it gets an order of its own. */
  referredTo?: string;
}

export interface Approval {
  by: string;
  at: string;
  decision: 'APPROVE' | 'REJECT';
  reason?: string;
}

export interface CaseRecord {
  caseId: string;
  status: CaseStatus;
  category: Category;
  createdAt: string;
  createdBy: string;
  policyId: string;
  /**
   * The version (content hash) of the policy the case was filed under: every step of the case
   * follows it. Absent on cases filed before policies had versions: they follow the current policy.
   */
  policyVersion?: string;
  procedure: Procedure;
  /** A partner's referral names the partner (`partnerId`) and the partner's own id of the referral (`reference`). */
  reporter: { kind: (typeof CASE_REPORTER_KINDS)[number]; reference?: string; partnerId?: string };
  victimConsent: boolean;
  summary?: string;
  contentSha256?: string;
  /** The content's hashes as reported (never shown to operators with the case; docs/hashes.md). */
  hashes?: ContentHash[];
  urlCount: number;
  approvals: Approval[];
  approvalDeadlineAt?: string;
  ordersIssuedAt?: string;
  closedAt?: string;
  failure?: { at: string; error: string; cause: string };
  /** When the workflow first ran for the case (its WORKFLOW_STARTED event). */
  workflowStartedAt?: string;
  /** When staff were told that the approval SLA passed (once). */
  approvalSlaMissedAt?: string;
  /** When the URLs were matched again to the registry at issuance, and how many stayed unassigned. */
  urlsMatchedAt?: string;
  unassignedUrls?: number;
  /** Alerts sent to the commission's staff about this case, once per event key. */
  staffAlerts?: { eventKey: string; sentAt: string; messageId: string }[];
  /** The case whose unassigned URLs this one was filed for, after that case's orders were issued. */
  followUpOf?: string;
  /** The follow-up cases filed for this case's unassigned URLs. */
  followUps?: string[];
  /**
   * Where the reporter asked to be told when the outcome of one of its URLs changes. Personal data:
   * staff see only that updates are on, operators and the committee nothing, and no log line holds it.
   */
  reporterContact?: ReporterContact;
  /** The outcome e-mails sent to the reporter, once per event key. */
  reporterUpdates?: { eventKey: string; sentAt: string; messageId: string }[];
}

export interface ReporterContact {
  email: string;
  language: (typeof LANGUAGES)[number];
}

/** SENT: SES accepted it; then what SES's events say became of it (CONTRACT.md section 9). */
export const NOTICE_STATUSES = ['SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED', 'REJECTED', 'FAILED'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export interface NoticeRecord {
  /** The notice's identity: one notice per event key, however often its sending is retried. */
  eventKey: string;
  kind: NoticeKind;
  to: string[];
  sentAt: string;
  messageId: string;
  status: NoticeStatus;
  /** When it did not arrive: what SES said, without addresses. */
  reason?: string;
  statusAt?: string;
  /** The places in `to` of recipients a permanent bounce says will never get it (while others may). */
  lostRecipients?: number[];
}

/** `code` names the line's kind, so that a notice can say it in the reader's language. */
export interface FineBreakdownLine {
  item: string;
  amount: number;
  code?: 'BASE' | 'LATENESS' | 'MINIMUM' | 'CAP' | 'PERIOD_CAP' | 'DECISION';
}

/** Where a fine's procedure stands (CONTRACT.md section 7): proposed with a notice, then decided by staff. */
export const FINE_STATUSES = ['PROPOSED', 'IMPOSED', 'REDUCED', 'WAIVED'] as const;
export type FineStatus = (typeof FINE_STATUSES)[number];
export const FINE_DECISIONS = ['IMPOSE', 'REDUCE', 'WAIVE'] as const;
export type FineDecision = (typeof FINE_DECISIONS)[number];

export interface Fine {
  /** The current amount: the proposed one until staff decide, then the decided one. */
  amount: number;
  currency: string;
  policyId: string;
  breakdown: FineBreakdownLine[];
  status?: FineStatus;
  policyVersion?: string;
  /** What `recomputeFine(inputs)` gives (shared/domain/fines.ts). */
  proposedAmount?: number;
  inputs?: FineInputs;
  proposedAt?: string;
  /** Until when the operator may state its opinion (policy `fines.opinionPeriod` from the proposal). */
  opinionDueAt?: string;
  opinion?: { at: string; by: string; text: string };
  decision?: { decision: FineDecision; at: string; by: string; reason: string };
  /** When staff were alerted that the opinion period ended without their decision (the sweeper, once). */
  decisionReminderAt?: string;
}

/** How an operator states its opinion on a proposed fine. */
export const fineOpinionSchema = z.strictObject({
  opinion: multiLineText(5000).pipe(z.string().trim().min(10, 'an opinion needs at least 10 characters')),
});
export type FineOpinionRequest = z.infer<typeof fineOpinionSchema>;

/** Staff's decision on a proposed fine: REDUCE names the new amount, lower than the proposed one. */
export const fineDecisionSchema = z
  .strictObject({
    decision: z.enum(FINE_DECISIONS),
    amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    reason: multiLineText(2000).pipe(z.string().trim().min(1, 'say why: the reason is sent to the operator')),
  })
  .refine((d) => (d.decision === 'REDUCE') === (d.amount !== undefined), {
    message: 'amount is given with REDUCE (the reduced fine) and only then',
    path: ['amount'],
  });
export type FineDecisionRequest = z.infer<typeof fineDecisionSchema>;

export interface OrderRecord {
  orderId: string;
  caseId: string;
  operatorId: string;
  status: OrderStatus;
  complianceStatus: ComplianceStatus;
  decisionStatus: DecisionStatus;
  action: OrderAction;
  category: Category;
  urlCount: number;
  issuedAt: string;
  /**
   * The compliance deadline and the end of its grace period, counted from when the ORDER notice
   * was accepted for delivery; absent until then, and again while the order is UNDELIVERED.
   */
  deadlineAt?: string;
  graceEndsAt?: string;
  /** When SES accepted the ORDER notice that started the clock. */
  noticeAcceptedAt?: string;
  /** How many times staff sent the ORDER notice again (its event key counts them). */
  resends?: number;
  resentAt?: string;
  /** Since when no notice of the order has reached the operator (the first of several refused). */
  undeliveredAt?: string;
  undeliveredReason?: string;
  /** The event key of the ORDER notice found undelivered: a later key is a resend still on its way. */
  undeliveredNoticeKey?: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  complianceAction?: (typeof COMPLIANCE_ACTIONS)[number];
  complianceNote?: string;
  overdueAt?: string;
  appealDeadline?: string;
  appealWindowOpenedAt?: string;
  appealId?: string;
  nonComplianceRecordedAt?: string;
  /** What staff did about the recorded non-compliance (escalated, or removal verified); a re-issue clears both. */
  nonComplianceResolution?: { action: Exclude<NonComplianceAction, 'REISSUE'>; at: string; by: string; reason: string };
  /** When staff last issued the order again after non-compliance (its ORDER notice counts in `resends`). */
  reissuedAt?: string;
  /** The first clock the operator let run out before a re-issue: the fine is for that breach. */
  missedClock?: { deadlineAt: string; graceEndsAt: string };
  remindersSent: string[];
  notices: NoticeRecord[];
  fine?: Fine;
  /** Its case's reporter asked for outcome e-mails: a change of this order's outcome for the reporter is told. */
  reporterUpdates?: boolean;
  /** Its case was referred by a partner abroad: the partner is told of the order's issue, removal and revocation. */
  partnerReferral?: { partnerId: string; reference: string };
  /** Since when staff have paused the deadline; no `deadlineAt` runs meanwhile. */
  deadlinePausedAt?: string;
  /** While paused: the clock that was running, which resuming moves later by the time paused. */
  pausedClock?: { deadlineAt: string; graceEndsAt: string };
  /** Every extension, pause and resumption of the deadline, oldest first. */
  deadlineChanges?: DeadlineChange[];
  /** A lifted order's instruction to restore the content (REINSTATE) or lift the block (UNBLOCK), and the operator's answer. */
  reinstatement?: Reinstatement;
  /** When the operator objected or appealed (its appeal may have been opened by a poster before). */
  operatorAppealedAt?: string;
  /** The references of the posters' objections to this order, all decided with its appeal. */
  posterObjectionIds?: string[];
  /** A complied DELETE order's URLs checked again at the policy's intervals (shared/domain/monitoring.ts). */
  monitoring?: OrderMonitoring;
  /** Why non-compliance was recorded, when not for a grace period that ended: a URL found still up after compliance. */
  nonComplianceCause?: 'POST_MONITORING';
  /**
   * Whose URLs the order lists: operator ids, `null` for the URLs no operator claims. Absent: its
   * own operator's (a host's order). An ISP's BLOCK_ACCESS order lists other hosts' URLs.
   */
  urlOwners?: (string | null)[];
  /** Outcomes reported URL by URL (shared/domain/url-compliance.ts); absent while none was. */
  urlCompliance?: UrlCompliance;
}

export const DEADLINE_CHANGES = ['EXTENDED', 'PAUSED', 'RESUMED'] as const;

/** Staff moved an order's deadline, with their reason (which the operator is told). */
export interface DeadlineChange {
  change: (typeof DEADLINE_CHANGES)[number];
  at: string;
  by: string;
  reason: string;
  /** EXTENDED: by how much (ISO 8601 duration). */
  extendBy?: string;
  /** The deadline in force before the change. */
  previousDeadlineAt: string;
  /** The deadline after it; absent while paused. */
  deadlineAt?: string;
}

export const REINSTATEMENT_ACTIONS = ['RESTORED', 'UNBLOCKED', 'NOT_APPLICABLE'] as const;
export type ReinstatementAction = (typeof REINSTATEMENT_ACTIONS)[number];

export interface Reinstatement {
  instruction: 'REINSTATE' | 'UNBLOCK';
  status: 'PENDING' | 'DONE';
  instructedAt: string;
  /** When the operator, not having answered, was reminded (once). */
  remindedAt?: string;
  doneAt?: string;
  action?: ReinstatementAction;
  note?: string;
}

/** The operator's answer to a reinstatement instruction (README, "API beyond the contract"). */
export const reinstatementRequestSchema = z.strictObject({
  action: z.enum(REINSTATEMENT_ACTIONS),
  note: multiLineText(2000).optional(),
});
export type ReinstatementRequest = z.infer<typeof reinstatementRequestSchema>;

export interface VoteRecord {
  decision: VoteDecision;
  reason?: string;
  at: string;
}

export interface ReviewRecord {
  reviewId: string;
  kind: ReviewKind;
  caseId: string;
  orderIds: string[];
  appealId?: string;
  status: ReviewStatus;
  openedAt: string;
  closesAt: string;
  extended: boolean;
  eligibleMembers: string[];
  recusals: Record<string, { reason: string; at: string }>;
  votes: Record<string, VoteRecord>;
  outcome?: ReviewOutcome;
  outcomeReason?: 'MAJORITY' | 'NO_MAJORITY' | 'AUTO_LIFTED' | 'STAFF_DECISION';
  closedAt?: string;
}

export interface AppealRecord {
  appealId: string;
  caseId: string;
  orderId: string;
  operatorId: string;
  grounds: string;
  filedAt: string;
  status: 'FILED' | 'UNDER_REVIEW' | 'UPHELD' | 'OVERTURNED';
  reviewId?: string;
  /** Who filed first, whose words `grounds` are; absent: the operator. */
  filedBy?: ObjectionParty;
  /** Every later objection to the same order (posters', and the operator's after a poster's): one review decides them all. */
  objections?: AppealObjection[];
}

export const OBJECTION_PARTIES = ['OPERATOR', 'POSTER'] as const;
export type ObjectionParty = (typeof OBJECTION_PARTIES)[number];

/**
 * One person's objection to an order. `objectionId` is the poster's reference (the operator's is
 * the appealId); `contact` is where a poster asked to hear the outcome: never logged, never in the
 * audit chain, never shown to the operator.
 */
export interface AppealObjection {
  objectionId: string;
  party: ObjectionParty;
  grounds: string;
  filedAt: string;
  contact?: string;
}

/** A poster's objection through the public page: the code from the order notice, the reasons, optionally where to answer. */
export const publicObjectionRequestSchema = z.strictObject({
  code: singleLineText(64).pipe(z.string().min(1, 'give the objection code from the notice')),
  grounds: multiLineText(5000).pipe(z.string().min(10, 'grounds need at least 10 characters')),
  contact: z.email('give an e-mail address, or leave it out').max(254).optional(),
});
export type PublicObjectionRequest = z.infer<typeof publicObjectionRequestSchema>;

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const PROCEDURES = ['interim-then-review', 'vote-first'] as const;
export type Procedure = (typeof PROCEDURES)[number];

export const NOTICE_KINDS = [
  'ORDER',
  'REMINDER',
  'OVERDUE',
  'REVOKED',
  'CONFIRMED',
  'APPEAL_OUTCOME',
  'FINE',
  'DEADLINE_CHANGED',
  'FINE_DECISION',
  'REINSTATE',
  'STILL_ONLINE',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Fails to compile when a switch over a union misses a member. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** `POST /reports/duplicates`: the URLs a report is about to name, checked before it is filed. */
export const duplicateCheckRequestSchema = z.strictObject({ urls: reportRequestSchema.shape.urls });

/** A hash of reported content (docs/hashes.md). */
export interface ContentHash {
  algorithm: HashAlgorithm;
  value: string;
}

/**
 * The API's answers as zod schemas, from which the OpenAPI document describes them
 * (shared/api/routes.ts). The services keep their TypeScript interfaces; `DriftChecks` at the end
 * makes the compiler refuse a change of an interface that the schema here no longer describes
 * (each interface must be assignable to its schema's type), so the document cannot drift from
 * what the handlers answer. Objects are open (`z.object`): a field added to an answer is not a
 * breaking change, and the e2e suite's answer check (test/e2e/support.ts) accepts it until it is
 * documented here.
 */
import { z } from 'zod';
import type { DuplicateView } from '../services/duplicates';
import type { FiledFollowUp } from '../services/follow-ups';
import type { OperatorOrderView } from '../services/operator-orders';
import type { PosterObjectionStatus } from '../services/public-objections';
import type { ReporterReport } from '../services/reports';
import type { DeadlineChangeAnswer, NonComplianceAnswer, ResendAnswer } from '../services/staff-orders';
import type { ApprovalAnswer } from '../services/approvals';
import type { AuditView, CaseSummaryView, CaseView, CommitteeReviewView, DeadlineBoardEntry, ReviewView } from '../services/views';
import type { Operator } from '../domain/model';
import type { BlocklistChangesView, BlocklistView } from '../services/blocklist';
import type { HashExportPage } from '../services/hash-list';
import { HASH_ALGORITHMS } from '../domain/hashes';
import { MONITORING_RESULTS } from '../domain/monitoring';
import { webhookDeliveriesAnswerSchema, webhookRegisteredAnswerSchema, webhookStatusAnswerSchema } from '../domain/webhooks';
import { clientTokenAnswerSchema } from '../domain/machine-clients';
import {
  caseStatusSchema,
  categorySchema,
  COMPLIANCE_ACTIONS,
  complianceStatusSchema,
  decisionStatusSchema,
  DEADLINE_CHANGES,
  FINE_DECISIONS,
  FINE_STATUSES,
  JURISDICTIONS,
  LANGUAGES,
  NON_COMPLIANCE_ACTIONS,
  NOTICE_KINDS,
  OPERATOR_KINDS,
  NOTICE_STATUSES,
  ORDER_ACTIONS,
  orderStatusSchema,
  PROCEDURES,
  REINSTATEMENT_ACTIONS,
  CASE_REPORTER_KINDS,
  REVIEW_KINDS,
  REVIEW_OUTCOMES,
  REVIEW_STATUSES,
  voteDecisionSchema,
} from '../domain/model';
import { ERROR_STATUS } from '../domain/errors';
import { BULK_ACTS } from '../domain/bulk-orders';
import { URL_OUTCOMES } from '../domain/url-compliance';
import { PARTNER_UPDATE_DELIVERIES, PARTNER_UPDATE_STATUSES } from '../domain/partner-updates';
import { REFERRAL_CHANNELS, REFERRAL_STATUSES } from '../domain/referrals';
import { REPORTER_URL_OUTCOMES } from '../domain/reporter';

/** ISO 8601 in UTC, as every timestamp of the API (CONTRACT.md section 3). */
const timestamp = z.iso.datetime({ offset: false });

// ------------------------------------------------------------------------------------ errors

const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]);

/** CONTRACT.md section 3: every 4xx/5xx body. */
export const errorAnswerSchema = z
  .object({
    error: z.object({
      code: errorCodeSchema,
      message: z.string().meta({ description: 'What went wrong and what to do, for the person who made the request.' }),
      details: z.array(z.object({ field: z.string().optional(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

// ------------------------------------------------------------------------------------ pieces

const fineSchema = z.object({
  amount: z.number().int().meta({ description: "The current amount, in the currency's minor unit." }),
  currency: z.string(),
  policyId: z.string(),
  breakdown: z.array(
    z.object({
      item: z.string(),
      amount: z.number().int(),
      code: z.enum(['BASE', 'LATENESS', 'MINIMUM', 'CAP', 'PERIOD_CAP', 'DECISION']).optional(),
    }),
  ),
  status: z.enum(FINE_STATUSES).optional(),
  policyVersion: z.string().optional(),
  proposedAmount: z.number().int().optional(),
  inputs: z.object({ policyId: z.string(), policyVersion: z.string(), currency: z.string() }).optional(),
  proposedAt: timestamp.optional(),
  opinionDueAt: timestamp.optional(),
  opinion: z.object({ at: timestamp, by: z.string(), text: z.string() }).optional(),
  decision: z.object({ decision: z.enum(FINE_DECISIONS), at: timestamp, by: z.string(), reason: z.string() }).optional(),
});

const bilingual = z.object({ ko: z.string(), en: z.string() });

const statementOfReasonsSchema = z
  .object({
    orderId: z.string(),
    legalBasis: bilingual,
    issuingAuthority: z.object({ name: bilingual, contact: z.string() }),
    facts: z.object({
      category: categorySchema,
      action: z.enum(ORDER_ACTIONS),
      grounds: z.array(z.string()).readonly(),
      urls: z.array(z.string()).readonly(),
    }),
    issuedAt: timestamp,
    deadlineAt: timestamp.optional(),
    remedies: z.array(z.object({ kind: z.string(), body: bilingual, window: z.string().optional() })).readonly(),
  })
  .meta({ description: 'Why the order was made and how to contest it, as its ORDER notice states it.' });

const reinstatementSchema = z.object({
  instruction: z.enum(['REINSTATE', 'UNBLOCK']),
  status: z.enum(['PENDING', 'DONE']),
  instructedAt: timestamp,
  remindedAt: timestamp.optional(),
  doneAt: timestamp.optional(),
  action: z.enum(REINSTATEMENT_ACTIONS).optional(),
  note: z.string().optional(),
});

const nonComplianceResolutionSchema = z.object({
  action: z.enum(NON_COMPLIANCE_ACTIONS).exclude(['REISSUE']),
  at: timestamp,
  by: z.string(),
  reason: z.string(),
});

const deadlineChangeSchema = z.object({
  change: z.enum(DEADLINE_CHANGES),
  at: timestamp,
  by: z.string(),
  reason: z.string(),
  extendBy: z.string().optional(),
  previousDeadlineAt: timestamp,
  deadlineAt: timestamp.optional(),
});

const auditEventSchema = z.object({
  seq: z.number().int(),
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** A complied DELETE order's post-monitoring (docs/post-monitoring.md). */
const monitoringSchema = z
  .object({
    since: timestamp.meta({ description: 'The compliance the schedule counts from.' }),
    nextCheckAt: timestamp.optional().meta({ description: 'Absent once the last round was done.' }),
    rounds: z.number().int(),
    lastCheckedAt: timestamp.optional(),
    urls: z.array(
      z.object({
        url: z.string(),
        checks: z.array(z.object({ at: timestamp, result: z.enum(MONITORING_RESULTS), httpStatus: z.number().int().optional() })),
      }),
    ),
  })
  .meta({ description: "A complied DELETE order's URLs checked again at the policy's intervals." });

/** Post-monitoring found a URL still up after compliance: the order is non-compliant again. */
const nonComplianceCauseSchema = z.enum(['POST_MONITORING']);

const contentHashSchema = z.object({ algorithm: z.enum(HASH_ALGORITHMS), value: z.string() });

// ------------------------------------------------------------------------------------ operators' orders

const urlOutcomeSchema = z
  .object({
    url: z.string(),
    outcome: z.enum(URL_OUTCOMES).optional().meta({ description: 'Absent while the URL is not accounted for.' }),
    reason: z.string().optional().meta({ description: 'Why the URL cannot be complied with (CANNOT_COMPLY); staff read it.' }),
  })
  .meta({ id: 'UrlOutcome' });

export const operatorOrderSchema = z
  .object({
    orderId: z.string(),
    caseId: z.string(),
    status: orderStatusSchema,
    complianceStatus: complianceStatusSchema,
    decisionStatus: decisionStatusSchema,
    action: z.enum(ORDER_ACTIONS),
    category: categorySchema,
    urls: z.array(z.string()).meta({ description: "This operator's own URLs of the case, and no other operator's." }),
    issuedAt: timestamp,
    deadlineAt: timestamp
      .optional()
      .meta({ description: 'Absent until the order notice is accepted for delivery, and while UNDELIVERED.' }),
    graceEndsAt: timestamp.optional(),
    deadlinePausedAt: timestamp.optional(),
    acknowledgedAt: timestamp.optional(),
    compliedAt: timestamp.optional(),
    appealDeadline: timestamp.optional(),
    fine: fineSchema.optional(),
    nonComplianceRecordedAt: timestamp.optional(),
    nonComplianceAction: z.object({ action: z.enum(NON_COMPLIANCE_ACTIONS).exclude(['REISSUE']), at: timestamp }).optional(),
    reissuedAt: timestamp.optional(),
    statementOfReasons: statementOfReasonsSchema.optional(),
    reinstatement: reinstatementSchema.optional(),
    nonComplianceCause: nonComplianceCauseSchema.optional(),
    monitoring: monitoringSchema.optional(),
    urlOutcomes: z
      .array(urlOutcomeSchema)
      .optional()
      .meta({ description: 'Once compliance was reported URL by URL: every URL of the order with its outcome.' }),
  })
  .meta({ id: 'OperatorOrder' });

export const operatorOrdersAnswerSchema = z.object({
  orders: z.array(operatorOrderSchema),
  nextCursor: z.string().optional().meta({ description: 'With a filter or `limit`: give it as `cursor` for the next page.' }),
});

export const urlComplianceAnswerSchema = z.object({
  orderId: z.string(),
  status: orderStatusSchema,
  complianceStatus: complianceStatusSchema,
  compliedAt: timestamp.optional(),
  urlCount: z.number().int(),
  accounted: z.number().int().meta({ description: 'URLs with an outcome, CANNOT_COMPLY included.' }),
  urls: z.array(urlOutcomeSchema),
});

export const bulkOrdersAnswerSchema = z.object({
  results: z.array(
    z.object({
      orderId: z.string(),
      act: z.enum(BULK_ACTS),
      status: orderStatusSchema.optional().meta({ description: "The order's status after the act; absent when it was refused." }),
      error: z
        .object({ code: errorCodeSchema, message: z.string() })
        .optional()
        .meta({ description: "This order's refusal (CONTRACT.md section 3); the other orders' acts still ran." }),
    }),
  ),
});

export const acknowledgeAnswerSchema = z.object({ orderId: z.string(), status: orderStatusSchema, acknowledgedAt: timestamp });
export const complianceAnswerSchema = z.object({
  orderId: z.string(),
  status: z.enum(['COMPLIED', 'COMPLIED_LATE']),
  compliedAt: timestamp,
});
export const appealAnswerSchema = z.object({ appealId: z.string() });
export const fineOpinionAnswerSchema = z.object({ orderId: z.string(), fineStatus: z.enum(FINE_STATUSES), opinionAt: timestamp });
export const reinstatementAnswerSchema = z.object({ orderId: z.string(), status: orderStatusSchema, reinstatement: reinstatementSchema });

// ------------------------------------------------------------------------------------ reports and cases

const duplicateSchema = z.object({
  caseId: z.string(),
  status: caseStatusSchema,
  category: categorySchema,
  createdAt: timestamp,
  urls: z.array(z.string()),
});

export const reportFiledAnswerSchema = z.object({
  caseId: z.string(),
  status: caseStatusSchema,
  duplicates: z.array(duplicateSchema).optional().meta({ description: 'Staff only: other open or recent cases with these URLs.' }),
});

export const duplicateCheckAnswerSchema = z.object({
  urls: z.array(z.string()).meta({ description: 'The URLs already in an open or recent case.' }),
  duplicates: z.array(duplicateSchema).optional().meta({ description: 'Staff only.' }),
});

export const reporterReportSchema = z.object({
  caseId: z.string(),
  createdAt: timestamp,
  status: z.string().meta({ description: "The case's status in plain words." }),
  caseStatus: caseStatusSchema,
  category: z.string(),
  urls: z.array(z.string()),
  outcomes: z.array(z.object({ url: z.string(), outcome: z.enum(REPORTER_URL_OUTCOMES) })),
  rejectionReason: z.string().optional(),
  emailUpdates: z.literal(true).optional(),
});
export const reporterReportsAnswerSchema = z.object({ reports: z.array(reporterReportSchema) });

export const caseSummarySchema = z.object({
  caseId: z.string(),
  status: caseStatusSchema,
  category: categorySchema,
  createdAt: timestamp,
  procedure: z.enum(PROCEDURES),
  urlCount: z.number().int(),
  approvalCount: z.number().int(),
  approvalDeadlineAt: timestamp.optional(),
  ordersIssuedAt: timestamp.optional(),
  closedAt: timestamp.optional(),
  followUpOf: z.string().optional(),
  followUps: z.array(z.string()).optional(),
});
export const casePageAnswerSchema = z.object({
  cases: z.array(caseSummarySchema),
  nextCursor: z.string().optional().meta({ description: 'Present when there is another page: pass it as `cursor`.' }),
});

const approvalSchema = z.object({ by: z.string(), at: timestamp, decision: z.enum(['APPROVE', 'REJECT']), reason: z.string().optional() });

const noticeSchema = z.object({
  eventKey: z.string(),
  kind: z.enum(NOTICE_KINDS),
  to: z.array(z.string()),
  sentAt: timestamp,
  messageId: z.string(),
  status: z.enum(NOTICE_STATUSES),
  reason: z.string().optional(),
  statusAt: timestamp.optional(),
});

/** Who an order is for and where its two tracks stand: the first fields of every staff view of an order. */
const orderTracks = {
  orderId: z.string(),
  caseId: z.string(),
  operatorId: z.string(),
  status: orderStatusSchema,
  complianceStatus: complianceStatusSchema,
  decisionStatus: decisionStatusSchema,
  action: z.enum(ORDER_ACTIONS),
};

const caseOrderSchema = z.object({
  ...orderTracks,
  category: categorySchema,
  urlCount: z.number().int(),
  urls: z.array(z.string()),
  issuedAt: timestamp,
  deadlineAt: timestamp.optional(),
  graceEndsAt: timestamp.optional(),
  acknowledgedAt: timestamp.optional(),
  compliedAt: timestamp.optional(),
  complianceAction: z.enum(COMPLIANCE_ACTIONS).optional(),
  complianceNote: z.string().optional(),
  urlOutcomes: z
    .array(urlOutcomeSchema)
    .optional()
    .meta({ description: 'Once the operator reported URL by URL: every URL with its outcome and any CANNOT_COMPLY reason.' }),
  overdueAt: timestamp.optional(),
  appealDeadline: timestamp.optional(),
  remindersSent: z.array(z.string()),
  notices: z.array(noticeSchema),
  fine: fineSchema.optional(),
  deadlineChanges: z.array(deadlineChangeSchema).optional(),
  reinstatement: reinstatementSchema.optional(),
  statementOfReasons: statementOfReasonsSchema,
  nonComplianceCause: nonComplianceCauseSchema.optional(),
  monitoring: monitoringSchema.optional(),
  undeliveredAt: timestamp.optional(),
  undeliveredReason: z.string().optional(),
  nonComplianceRecordedAt: timestamp.optional(),
  nonComplianceResolution: nonComplianceResolutionSchema.optional(),
  reissuedAt: timestamp.optional(),
  deadlinePausedAt: timestamp.optional(),
  appealId: z.string().optional(),
  operatorAppealedAt: timestamp.optional().meta({ description: 'When the operator appealed (an appeal may be held for the post-review).' }),
});

const reviewSchema = z.object({
  reviewId: z.string(),
  kind: z.enum(REVIEW_KINDS),
  caseId: z.string(),
  orderIds: z.array(z.string()),
  appealId: z.string().optional(),
  status: z.enum(REVIEW_STATUSES),
  openedAt: timestamp,
  closesAt: timestamp,
  extended: z.boolean(),
  outcome: z.enum(REVIEW_OUTCOMES).optional(),
  outcomeReason: z.enum(['MAJORITY', 'NO_MAJORITY', 'AUTO_LIFTED', 'STAFF_DECISION']).optional(),
  closedAt: timestamp.optional(),
  eligibleMembers: z.array(z.string()),
  recusedMembers: z.array(z.string()),
  votesCast: z.number().int(),
  quorumNeeded: z.number().int(),
  quorumMet: z.boolean(),
  confirm: z.number().int().optional().meta({ description: 'Counts and ballots appear once the review has closed.' }),
  revoke: z.number().int().optional(),
  abstain: z.number().int().optional(),
  votes: z.record(z.string(), z.object({ decision: voteDecisionSchema, at: timestamp, reason: z.string().optional() })).optional(),
});

const appealSchema = z.object({
  appealId: z.string(),
  caseId: z.string(),
  orderId: z.string(),
  operatorId: z.string(),
  grounds: z.string(),
  filedAt: timestamp,
  status: z.enum(['FILED', 'UNDER_REVIEW', 'UPHELD', 'OVERTURNED']),
  reviewId: z.string().optional(),
  filedBy: z.enum(['OPERATOR', 'POSTER']).optional(),
  objections: z
    .array(
      z.object({
        objectionId: z.string(),
        party: z.enum(['OPERATOR', 'POSTER']),
        grounds: z.string(),
        filedAt: timestamp,
        contactGiven: z.boolean(),
      }),
    )
    .optional(),
});

const attemptSchema = z.object({ at: timestamp, statusCode: z.number().int().optional(), error: z.string().optional() });

export const referralSchema = z
  .object({
    referralId: z.string(),
    caseId: z.string(),
    orderId: z.string(),
    operatorId: z.string(),
    partnerId: z.string(),
    country: z.string(),
    channel: z.enum(REFERRAL_CHANNELS),
    status: z.enum(REFERRAL_STATUSES),
    createdAt: timestamp,
    category: categorySchema,
    urls: z.array(z.object({ url: z.string(), removedAt: timestamp.optional() })),
    hashes: z.array(contentHashSchema).optional(),
    legalBasis: z.string(),
    attempts: z.array(attemptSchema).meta({ description: 'The latest delivery attempts (at most 10), oldest first.' }),
    nextAttemptAt: timestamp.optional(),
    sentAt: timestamp.optional(),
    acknowledgedAt: timestamp.optional(),
    orderIssuedAt: timestamp.optional().meta({ description: 'When the partner reported its own order issued.' }),
    revokedAt: timestamp.optional().meta({ description: 'When the partner reported its order lifted.' }),
    removedAt: timestamp.optional(),
    declined: z.object({ reason: z.string(), at: timestamp }).optional(),
    failedAt: timestamp.optional(),
  })
  .meta({ id: 'Referral' });

export const partnerUpdateSchema = z
  .object({
    updateId: z.string(),
    caseId: z.string(),
    partnerId: z.string(),
    reference: z.string().meta({ description: "The partner's id of the referral the update is about." }),
    status: z.enum(PARTNER_UPDATE_STATUSES),
    orderId: z.string().optional(),
    urls: z.array(z.string()).optional().meta({ description: 'REMOVED: the URLs taken down.' }),
    reason: z.string().optional().meta({ description: 'DECLINED: why staff declined the report.' }),
    createdAt: timestamp,
    delivery: z.enum(PARTNER_UPDATE_DELIVERIES),
    attempts: z.array(attemptSchema).meta({ description: 'The latest delivery attempts (at most 10), oldest first.' }),
    nextAttemptAt: timestamp.optional(),
    deliveredAt: timestamp.optional(),
    failedAt: timestamp.optional(),
  })
  .meta({ id: 'PartnerUpdate' });

export const caseViewSchema = caseSummarySchema.extend({
  createdBy: z.string(),
  policyId: z.string(),
  policyVersion: z.string().optional(),
  reporter: z.object({
    kind: z.enum(CASE_REPORTER_KINDS),
    reference: z.string().optional(),
    partnerId: z.string().optional().meta({ description: 'The referring partner (reporter kind PARTNER).' }),
    partnerName: z.string().optional(),
  }),
  victimConsent: z.boolean(),
  summary: z.string().optional(),
  contentSha256: z.string().optional(),
  failure: z.object({ at: timestamp, error: z.string(), cause: z.string() }).optional(),
  urls: z.array(
    z.object({
      url: z.string(),
      host: z.string(),
      operatorId: z.string().nullable(),
      assignment: z.enum(['ASSIGNED', 'UNASSIGNED', 'REFERRED_TO_FOLLOW_UP', 'BLOCKED_THROUGH_ISPS']),
      referredTo: z.string().optional(),
    }),
  ),
  duplicates: z.array(duplicateSchema),
  orders: z.array(caseOrderSchema),
  reviews: z.array(reviewSchema),
  appeals: z.array(appealSchema),
  approvals: z.array(approvalSchema),
  timeline: z.array(z.object({ at: timestamp, actor: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()) })),
  earlierDecisions: z.array(
    z.object({
      orderId: z.string(),
      caseId: z.string(),
      operatorId: z.string(),
      category: categorySchema,
      issuedAt: timestamp,
      status: orderStatusSchema,
      complianceStatus: complianceStatusSchema,
      decisionStatus: decisionStatusSchema,
    }),
  ),
  reporterEmailUpdates: z.literal(true).optional(),
  hashes: z.array(contentHashSchema).optional().meta({ description: "The content's hashes as reported (docs/hashes.md)." }),
  referrals: z
    .array(referralSchema)
    .meta({ description: "Referrals of the case's overseas URLs to partner regulators (docs/referrals.md)." }),
  partnerUpdates: z
    .array(partnerUpdateSchema)
    .optional()
    .meta({ description: 'A case a partner referred to us: the status updates sent back to it, with their delivery (docs/referrals.md).' }),
});

export const auditAnswerSchema = z.object({
  events: z.array(auditEventSchema),
  verified: z.boolean().meta({ description: 'Whether the whole hash chain still checks out.' }),
  problem: z.string().optional(),
});

export const approvalAnswerSchema = z.object({
  caseId: z.string(),
  status: caseStatusSchema,
  approvals: z.array(z.object({ by: z.string(), at: timestamp, decision: z.enum(['APPROVE', 'REJECT']) })),
});

export const followUpAnswerSchema = z.object({
  created: z.boolean().meta({ description: 'false when the follow-up had been filed before.' }),
  caseId: z.string(),
  followUpCaseId: z.string(),
  status: caseStatusSchema,
});

// ------------------------------------------------------------------------------------ staff's orders

const boardEntrySchema = z.object({
  ...orderTracks,
  urlCount: z.number().int(),
  issuedAt: timestamp,
  deadlineAt: timestamp.optional(),
  graceEndsAt: timestamp.optional(),
  open: z.boolean(),
  nonCompliant: z.boolean(),
  nonComplianceRecordedAt: timestamp.optional(),
  nonComplianceResolution: nonComplianceResolutionSchema.optional(),
  reissuedAt: timestamp.optional(),
  undeliveredAt: timestamp.optional(),
  undeliveredReason: z.string().optional(),
  acknowledgedAt: timestamp.optional(),
  compliedAt: timestamp.optional(),
  overdueAt: timestamp.optional(),
  appealDeadline: timestamp.optional(),
  fine: fineSchema.optional(),
  deadlinePausedAt: timestamp.optional(),
  deadlineChanges: z.array(deadlineChangeSchema).optional(),
  reinstatement: reinstatementSchema.optional(),
  nonComplianceCause: nonComplianceCauseSchema.optional(),
  monitoring: monitoringSchema.optional(),
  cannotComplyUrls: z
    .number()
    .int()
    .optional()
    .meta({ description: 'URLs the operator reported CANNOT_COMPLY while the order is open; the reasons are on the case. Absent: none.' }),
});
export const boardAnswerSchema = z.object({ orders: z.array(boardEntrySchema), nextCursor: z.string().optional() });

export const resendAnswerSchema = z.object({ orderId: z.string(), status: orderStatusSchema, deadlineAt: timestamp.optional() });
export const nonComplianceAnswerSchema = z.object({
  orderId: z.string(),
  status: orderStatusSchema,
  complianceStatus: complianceStatusSchema,
  nonComplianceResolution: nonComplianceResolutionSchema.optional(),
  reissuedAt: timestamp.optional(),
  deadlineAt: timestamp.optional(),
});
export const deadlineChangeAnswerSchema = z.object({
  orderId: z.string(),
  status: orderStatusSchema,
  deadlineAt: timestamp.optional(),
  graceEndsAt: timestamp.optional(),
  deadlinePausedAt: timestamp.optional(),
  deadlineChanges: z.array(deadlineChangeSchema),
});
export const fineDecisionAnswerSchema = z.object({ orderId: z.string(), fine: fineSchema });

// ------------------------------------------------------------------------------------ operators registry

export const operatorSchema = z
  .object({
    operatorId: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    contactEmails: z.array(z.string()),
    jurisdiction: z.enum(JURISDICTIONS),
    language: z.enum(LANGUAGES),
    annualRevenue: z.number().int(),
    currency: z.string(),
    updatedAt: timestamp,
    kind: z.enum(OPERATOR_KINDS).optional().meta({ description: 'HOST (the default) or ISP, which blocks access instead of deleting.' }),
    webhookActive: z.boolean().optional().meta({
      description:
        'Whether the operator has an active webhook endpoint (docs/webhooks.md); absent on operators registered before the flag existed.',
    }),
    country: z.string().optional().meta({
      description: "Where it is established (ISO 3166-1 alpha-2): an overseas host's URLs are referred to the partner covering it.",
    }),
  })
  .meta({ id: 'Operator' });
export const operatorsAnswerSchema = z.object({ operators: z.array(operatorSchema) });

// ------------------------------------------------------------------------------------ partners registry

export const partnerSchema = z
  .object({
    partnerId: z.string(),
    name: z.string(),
    countries: z.array(z.string()).meta({ description: 'ISO 3166-1 alpha-2 codes of the countries the partner covers.' }),
    endpoint: z.string().optional().meta({ description: 'Where signed referrals and status updates are POSTed (docs/referrals.md).' }),
    publicKey: z
      .object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), kid: z.string().optional() })
      .optional()
      .meta({ description: "The JWK (ES256) that verifies the partner's signed messages." }),
    contact: z.string().optional().meta({ description: 'Where referrals are e-mailed when the partner has no endpoint.' }),
    language: z.string(),
    updatedAt: timestamp,
  })
  .meta({ id: 'Partner' });
export const partnersAnswerSchema = z.object({ partners: z.array(partnerSchema) });
export const referralStatusAnswerSchema = z.object({ status: z.enum(REFERRAL_STATUSES) });
export const inboundReferralAnswerSchema = z.object({
  caseId: z.string(),
  reference: z.string().meta({ description: "The partner's id of the referral, as it sent it." }),
});

// ------------------------------------------------------------------------------------ committee

export const committeeReviewSchema = z.object({
  reviewId: z.string(),
  kind: z.enum(REVIEW_KINDS),
  caseId: z.string(),
  orderIds: z.array(z.string()),
  status: z.enum(REVIEW_STATUSES),
  openedAt: timestamp,
  closesAt: timestamp,
  extended: z.boolean(),
  eligibleMembers: z.array(z.string()),
  votesCast: z.number().int(),
  quorumNeeded: z.number().int(),
  quorumMet: z.boolean(),
  canVote: z.boolean(),
  recused: z.boolean(),
  myVote: voteDecisionSchema.optional(),
  outcome: z.enum(REVIEW_OUTCOMES).optional(),
});
export const committeeReviewsAnswerSchema = z.object({ reviews: z.array(committeeReviewSchema) });
export const reviewAnswerSchema = reviewSchema;

// ------------------------------------------------------------------------------------ the rest

export const healthAnswerSchema = z.object({ status: z.literal('ok') });

const monthRange = z.object({ from: z.string(), to: z.string() });
export const statisticsAnswerSchema = z.object({
  range: monthRange,
  timeZone: z.string(),
  total: z.record(z.string(), z.unknown()),
  byMonth: z.array(z.object({ month: z.string() })),
  byCategory: z.array(z.object({ category: categorySchema })),
  byOperator: z.array(z.object({ operatorId: z.string() })),
  byYear: z.array(z.object({ year: z.string() })),
  byPartner: z
    .array(
      z.object({
        partnerId: z.string(),
        referralsReceived: z.number().int().meta({ description: 'Cases the partner referred to us, filed in the range.' }),
        referralsSent: z.number().int(),
        removed: z.number().int(),
        declined: z.number().int(),
        medianHoursToRemoval: z.number().nullable(),
      }),
    )
    .meta({
      description:
        'Referrals to and from partner regulators abroad, per partner, with the median hours to removal abroad (docs/referrals.md).',
    }),
});
export const publicStatisticsAnswerSchema = z.object({
  range: monthRange,
  timeZone: z.string(),
  currency: z.string(),
  suppression: z.object({ threshold: z.number().int(), shownAs: z.string() }),
  total: z.record(z.string(), z.unknown()),
  byMonth: z.array(z.object({ month: z.string() })),
  byCategory: z.array(z.object({ category: categorySchema })),
  byYear: z.array(z.object({ year: z.string() })),
});

export const policyAnswerSchema = z.object({
  version: z.string().meta({ description: "SHA-256 of the policy's canonical JSON." }),
  policy: z
    .object({ id: z.string(), jurisdiction: z.string(), currency: z.string(), timeZone: z.string() })
    .meta({ description: 'The policy document (CONTRACT.md section 7); more keys than listed here.' }),
});

export const posterObjectionAnswerSchema = z.object({
  reference: z.string(),
  filedAt: timestamp,
  status: z.enum(['RECEIVED', 'UNDER_REVIEW', 'DECIDED']),
  outcome: z.enum(['ORDER_STANDS', 'ORDER_LIFTED']).optional(),
});

export const localTokenAnswerSchema = z.object({ token: z.string() });
export { clientTokenAnswerSchema };

// ------------------------------------------------------------------------------------ webhooks

export { webhookDeliveriesAnswerSchema, webhookRegisteredAnswerSchema, webhookStatusAnswerSchema };
export const webhookRemovedAnswerSchema = z.object({ removed: z.literal(true) });

// ------------------------------------------------------------------------------------ ISP block list

const blocklistEntrySchema = z.object({
  url: z.string(),
  host: z.string(),
  orderId: z.string().meta({ description: 'The BLOCK_ACCESS order the entry stands on.' }),
  since: timestamp.meta({ description: 'When the entry was added.' }),
});
const signature = z.string().meta({
  description:
    'A compact JWS (ES256) whose payload is the answer without `signature`; GET /isp/blocklist/key verifies it (docs/blocklist.md).',
});

export const blocklistAnswerSchema = z.object({
  version: z.number().int(),
  generatedAt: timestamp,
  entries: z.array(blocklistEntrySchema),
  signature,
});
export const blocklistChangesAnswerSchema = z.object({
  version: z.number().int(),
  since: z.number().int(),
  added: z.array(blocklistEntrySchema),
  removed: z.array(blocklistEntrySchema),
  signature,
});
export const blocklistKeyAnswerSchema = z
  .object({ kty: z.string() })
  .catchall(z.unknown())
  .meta({ description: 'The public key as a JWK (RFC 7517).' });

// ------------------------------------------------------------------------------------ hash list

export const hashMatchAnswerSchema = z.object({
  matches: z.array(
    z.object({
      algorithm: z.enum(HASH_ALGORITHMS),
      value: z.string().meta({ description: 'The value asked about.' }),
      entryId: z.string(),
      category: categorySchema,
      distance: z.number().int().meta({ description: 'Bits that differ (0 for SHA256 and MD5, which match exactly).' }),
    }),
  ),
});
export const hashExportAnswerSchema = z.object({
  entries: z.array(
    z.object({ entryId: z.string(), algorithm: z.enum(HASH_ALGORITHMS), value: z.string(), category: categorySchema, listedAt: timestamp }),
  ),
  removed: z.array(z.object({ entryId: z.string(), algorithm: z.enum(HASH_ALGORITHMS), value: z.string(), removedAt: timestamp })),
  cursor: z.string().meta({ description: 'Give it as `since` for the next page, and later for what changed since.' }),
  more: z.boolean(),
});

// ------------------------------------------------------------------------------------ drift checks

/** Compiles only when what the service answers (`Actual`) is what its schema documents. */
type Answers<Actual extends Documented, Documented> = [Actual, Documented];

/** Each service's answer type against its schema: changing one without the other fails `tsc`. */
export type DriftChecks = [
  Answers<OperatorOrderView, z.infer<typeof operatorOrderSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').acknowledgeOrder>>, z.infer<typeof acknowledgeAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').recordCompliance>>, z.infer<typeof complianceAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').reportUrlCompliance>>, z.infer<typeof urlComplianceAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').bulkOrders>>, z.infer<typeof bulkOrdersAnswerSchema>>,
  Answers<
    Awaited<ReturnType<typeof import('../services/operator-orders').searchOperatorOrders>>,
    z.infer<typeof operatorOrdersAnswerSchema>
  >,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').fileAppeal>>, z.infer<typeof appealAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').submitFineOpinion>>, z.infer<typeof fineOpinionAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/operator-orders').reportReinstatement>>, z.infer<typeof reinstatementAnswerSchema>>,
  Answers<DuplicateView, z.infer<typeof duplicateSchema>>,
  Answers<ReporterReport, z.infer<typeof reporterReportSchema>>,
  Answers<CaseSummaryView, z.infer<typeof caseSummarySchema>>,
  Answers<CaseView, z.infer<typeof caseViewSchema>>,
  Answers<AuditView, z.infer<typeof auditAnswerSchema>>,
  Answers<ApprovalAnswer, z.infer<typeof approvalAnswerSchema>>,
  Answers<FiledFollowUp, z.infer<typeof followUpAnswerSchema>>,
  Answers<DeadlineBoardEntry, z.infer<typeof boardEntrySchema>>,
  Answers<ResendAnswer, z.infer<typeof resendAnswerSchema>>,
  Answers<NonComplianceAnswer, z.infer<typeof nonComplianceAnswerSchema>>,
  Answers<DeadlineChangeAnswer, z.infer<typeof deadlineChangeAnswerSchema>>,
  Answers<Operator, z.infer<typeof operatorSchema>>,
  Answers<CommitteeReviewView, z.infer<typeof committeeReviewSchema>>,
  Answers<ReviewView, z.infer<typeof reviewSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/staff-orders').decideFine>>, z.infer<typeof fineDecisionAnswerSchema>>,
  Answers<PosterObjectionStatus, z.infer<typeof posterObjectionAnswerSchema>>,
  Answers<BlocklistView, z.infer<typeof blocklistAnswerSchema>>,
  Answers<BlocklistChangesView, z.infer<typeof blocklistChangesAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/hash-list').matchHashes>>, z.infer<typeof hashMatchAnswerSchema>>,
  Answers<HashExportPage, z.infer<typeof hashExportAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/webhooks').registerWebhook>>, z.infer<typeof webhookRegisteredAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/webhooks').webhookStatus>>, z.infer<typeof webhookStatusAnswerSchema>>,
  Answers<Awaited<ReturnType<typeof import('../services/webhooks').webhookDeliveries>>, z.infer<typeof webhookDeliveriesAnswerSchema>>,
];

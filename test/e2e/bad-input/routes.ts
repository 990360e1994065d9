/**
 * Every body schema of shared/domain/model.ts with a valid body for it, the route and user that
 * take it, and a description of its fields that the generator mutates one at a time; the query
 * schemas of the GET routes (copied from functions/api, where they are private).
 */
import { z, type ZodType } from 'zod';
import { deadlineChangeRequestSchema } from '../../../shared/domain/deadline-changes';
import {
  approvalRequestSchema,
  nonComplianceRequestSchema,
  appealRequestSchema,
  fineDecisionSchema,
  fineOpinionSchema,
  CASE_STATUSES,
  CATEGORIES,
  COMPLIANCE_ACTIONS,
  duplicateCheckRequestSchema,
  complianceRequestSchema,
  escalationDecisionRequestSchema,
  LANGUAGES,
  JURISDICTIONS,
  operatorInputSchema,
  operatorPatchSchema,
  recusalRequestSchema,
  REINSTATEMENT_ACTIONS,
  reinstatementRequestSchema,
  REPORTER_KINDS,
  reportRequestSchema,
  REVIEW_STATUSES,
  VOTE_DECISIONS,
  voteRequestSchema,
  publicObjectionRequestSchema,
} from '../../../shared/domain/model';
import { hashExportQuerySchema, hashMatchRequestSchema } from '../../../shared/domain/hashes';
import { monthSchema } from '../../../shared/domain/statistics';
import { blocklistChangesQuerySchema } from '../../../shared/domain/blocklist';

export type FieldType =
  | { readonly t: 'enum'; readonly values: readonly string[] }
  /** singleLineText(max), optionally at least `min` characters. */
  | { readonly t: 'line'; readonly max: number; readonly min?: number }
  /** multiLineText(max), optionally at least `min` characters. */
  | { readonly t: 'text'; readonly max: number; readonly min?: number }
  | { readonly t: 'bool' }
  /** A non-negative integer. */
  | { readonly t: 'int' }
  | { readonly t: 'hex64' }
  | { readonly t: 'currency' }
  | { readonly t: 'operatorId' }
  | { readonly t: 'urls' }
  | { readonly t: 'emails' }
  | { readonly t: 'domains' }
  | { readonly t: 'object'; readonly fields: readonly FieldSpec[] };

export interface FieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly type: FieldType;
}

export interface BodyRoute {
  /** Route key of infra/functions.ts. */
  readonly route: string;
  readonly method: 'POST' | 'PATCH';
  /** Path with placeholders: an existing resource, so the body alone is at fault. */
  readonly path: string;
  readonly user: string;
  readonly schema: ZodType;
  /** Valid for `schema`; each generated case changes one thing in it. */
  readonly base: Record<string, unknown>;
  readonly fields: readonly FieldSpec[];
}

export const VALID_REPORT = {
  urls: ['https://webhard.example/v/bad-input-valid', 'https://social.example/p/bad-input-valid'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'SUPPORT_CENTER', reference: 'ref-bad-input' },
  victimConsent: true,
  summary: 'A summary\nover two lines.',
  contentSha256: 'ab'.repeat(32),
} as const;

export const VALID_OPERATOR = {
  operatorId: 'op-bad-input',
  name: 'Bad Input Hosting',
  domains: ['bad-input.example'],
  contactEmails: ['abuse@bad-input.example'],
  jurisdiction: 'DOMESTIC',
  language: 'ko',
  annualRevenue: 1000,
  currency: 'KRW',
} as const;

export const VALID_PATCH = {
  name: 'Webhard Co.',
  domains: ['webhard.example'],
  contactEmails: ['notices@webhard.example'],
  jurisdiction: 'DOMESTIC',
  language: 'ko',
  annualRevenue: 1_000_000,
  currency: 'KRW',
} as const;

export const VALID_APPROVAL = { decision: 'APPROVE', reason: 'urgent' } as const;
export const VALID_COMPLIANCE = { action: 'DELETED', note: 'removed' } as const;
export const VALID_APPEAL = { grounds: 'The content was lawful and published with consent.' } as const;
export const VALID_FINE_OPINION = { opinion: 'We removed it the hour the notice reached us.' } as const;
export const VALID_FINE_DECISION = { decision: 'WAIVE', reason: 'the operator removed it promptly' } as const;
export const VALID_VOTE = { decision: 'CONFIRM', reason: 'as discussed' } as const;
export const VALID_RECUSAL = { reason: 'I know the operator.' } as const;
export const VALID_DECISION = { decision: 'CONFIRM', reason: 'The committee could not decide.' } as const;
export const VALID_REINSTATEMENT = { action: 'RESTORED', note: 'restored' } as const;
export const VALID_HASH_MATCH = { hashes: [{ algorithm: 'PDQ', value: 'ab'.repeat(32) }] } as const;
export const VALID_POSTER_OBJECTION = {
  code: '0123-4567-89AB-CDEF-GHJK-MNPQ',
  grounds: 'I posted this myself, with the consent of everyone in it.',
  contact: 'poster@bad-input.example',
} as const;

const operatorFields = (withId: boolean): FieldSpec[] => [
  ...(withId ? [{ name: 'operatorId', required: false, type: { t: 'operatorId' } } as const] : []),
  { name: 'name', required: withId, type: { t: 'line', max: 200, min: 1 } },
  { name: 'domains', required: withId, type: { t: 'domains' } },
  { name: 'contactEmails', required: withId, type: { t: 'emails' } },
  { name: 'jurisdiction', required: withId, type: { t: 'enum', values: JURISDICTIONS } },
  { name: 'language', required: false, type: { t: 'enum', values: LANGUAGES } },
  { name: 'annualRevenue', required: withId, type: { t: 'int' } },
  { name: 'currency', required: withId, type: { t: 'currency' } },
];

export const BODY_ROUTES: readonly BodyRoute[] = [
  {
    // Public (no token needed; the one sent is ignored). A valid body with an unknown code is 404.
    route: 'POST /public/objections',
    method: 'POST',
    path: '/public/objections',
    user: 'staff-kim',
    schema: publicObjectionRequestSchema,
    base: VALID_POSTER_OBJECTION,
    fields: [
      { name: 'code', required: true, type: { t: 'line', max: 64, min: 1 } },
      { name: 'grounds', required: true, type: { t: 'text', max: 5000, min: 10 } },
      { name: 'contact', required: false, type: { t: 'line', max: 254 } },
    ],
  },
  {
    route: 'POST /reports',
    method: 'POST',
    path: '/reports',
    user: 'support-center',
    schema: reportRequestSchema,
    base: VALID_REPORT,
    fields: [
      { name: 'urls', required: true, type: { t: 'urls' } },
      { name: 'category', required: true, type: { t: 'enum', values: CATEGORIES } },
      {
        name: 'reporter',
        required: true,
        type: {
          t: 'object',
          fields: [
            { name: 'kind', required: true, type: { t: 'enum', values: REPORTER_KINDS } },
            { name: 'reference', required: false, type: { t: 'line', max: 200 } },
          ],
        },
      },
      { name: 'victimConsent', required: true, type: { t: 'bool' } },
      { name: 'summary', required: false, type: { t: 'text', max: 2000 } },
      { name: 'contentSha256', required: false, type: { t: 'hex64' } },
    ],
  },
  {
    route: 'POST /reports/duplicates',
    method: 'POST',
    path: '/reports/duplicates',
    user: 'support-center',
    schema: duplicateCheckRequestSchema,
    base: { urls: VALID_REPORT.urls },
    fields: [{ name: 'urls', required: true, type: { t: 'urls' } }],
  },
  {
    route: 'POST /cases/{caseId}/approvals',
    method: 'POST',
    path: '/cases/{{pendingCase}}/approvals',
    user: 'staff-lee',
    schema: approvalRequestSchema,
    base: VALID_APPROVAL,
    fields: [
      { name: 'decision', required: true, type: { t: 'enum', values: ['APPROVE', 'REJECT'] } },
      { name: 'reason', required: true, type: { t: 'text', max: 2000, min: 1 } },
    ],
  },
  {
    route: 'POST /operator/orders/{orderId}/compliance',
    method: 'POST',
    path: '/operator/orders/{{ownOrder}}/compliance',
    user: 'op-webhard',
    schema: complianceRequestSchema,
    base: VALID_COMPLIANCE,
    fields: [
      { name: 'action', required: true, type: { t: 'enum', values: COMPLIANCE_ACTIONS } },
      { name: 'note', required: false, type: { t: 'text', max: 2000 } },
    ],
  },
  {
    route: 'POST /operator/orders/{orderId}/appeal',
    method: 'POST',
    path: '/operator/orders/{{ownOrder}}/appeal',
    user: 'op-webhard',
    schema: appealRequestSchema,
    base: VALID_APPEAL,
    fields: [{ name: 'grounds', required: true, type: { t: 'text', max: 5000, min: 10 } }],
  },
  {
    route: 'POST /committee/reviews/{reviewId}/votes',
    method: 'POST',
    path: '/committee/reviews/{{openReview}}/votes',
    user: 'member-1',
    schema: voteRequestSchema,
    base: VALID_VOTE,
    fields: [
      { name: 'decision', required: true, type: { t: 'enum', values: VOTE_DECISIONS } },
      { name: 'reason', required: false, type: { t: 'text', max: 2000 } },
    ],
  },
  {
    route: 'POST /committee/reviews/{reviewId}/recusal',
    method: 'POST',
    path: '/committee/reviews/{{openReview}}/recusal',
    user: 'member-2',
    schema: recusalRequestSchema,
    base: VALID_RECUSAL,
    fields: [{ name: 'reason', required: true, type: { t: 'text', max: 2000, min: 1 } }],
  },
  {
    route: 'POST /committee/reviews/{reviewId}/decision',
    method: 'POST',
    path: '/committee/reviews/{{openReview}}/decision',
    user: 'staff-kim',
    schema: escalationDecisionRequestSchema,
    base: VALID_DECISION,
    fields: [
      { name: 'decision', required: true, type: { t: 'enum', values: ['CONFIRM', 'REVOKE'] } },
      { name: 'reason', required: true, type: { t: 'text', max: 2000, min: 1 } },
    ],
  },
  {
    route: 'POST /operators',
    method: 'POST',
    path: '/operators',
    user: 'staff-kim',
    schema: operatorInputSchema,
    base: VALID_OPERATOR,
    fields: operatorFields(true),
  },
  {
    route: 'PATCH /operators/{operatorId}',
    method: 'PATCH',
    path: '/operators/op-webhard',
    user: 'staff-park',
    schema: operatorPatchSchema,
    base: VALID_PATCH,
    fields: operatorFields(false),
  },
  {
    route: 'POST /operator/orders/{orderId}/fine/opinion',
    method: 'POST',
    path: '/operator/orders/{{ownOrder}}/fine/opinion',
    user: 'op-webhard',
    schema: fineOpinionSchema,
    base: VALID_FINE_OPINION,
    fields: [{ name: 'opinion', required: true, type: { t: 'text', max: 5000, min: 10 } }],
  },
  {
    route: 'POST /orders/{orderId}/fine/decision',
    method: 'POST',
    path: '/orders/{{ownOrder}}/fine/decision',
    user: 'staff-kim',
    schema: fineDecisionSchema,
    base: VALID_FINE_DECISION,
    fields: [
      { name: 'decision', required: true, type: { t: 'enum', values: ['IMPOSE', 'WAIVE'] } },
      { name: 'reason', required: true, type: { t: 'text', max: 2000, min: 1 } },
    ],
  },
  {
    route: 'POST /operator/orders/{orderId}/reinstatement',
    method: 'POST',
    path: '/operator/orders/{{ownOrder}}/reinstatement',
    user: 'op-webhard',
    schema: reinstatementRequestSchema,
    base: VALID_REINSTATEMENT,
    fields: [
      { name: 'action', required: true, type: { t: 'enum', values: REINSTATEMENT_ACTIONS } },
      { name: 'note', required: false, type: { t: 'text', max: 2000 } },
    ],
  },
  {
    // The list of hashes has its own hand-picked cases; the generator adds unknown fields and non-objects.
    route: 'POST /hashes/match',
    method: 'POST',
    path: '/hashes/match',
    user: 'op-webhard',
    schema: hashMatchRequestSchema,
    base: VALID_HASH_MATCH,
    fields: [],
  },
];

export function bodyRoute(route: string): BodyRoute {
  const found = BODY_ROUTES.find((candidate) => candidate.route === route);
  if (!found) throw new Error(`no body route ${route}`);
  return found;
}

/**
 * Routes with a path id, a user allowed on each, and a body valid for the route (so that only the
 * id can be at fault): a malformed or missing id is 404 NOT_FOUND.
 */
export interface IdRoute {
  readonly route: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** `{id}` marks the path id. */
  readonly path: string;
  readonly user: string;
  readonly body?: Record<string, unknown>;
  readonly schema?: ZodType;
}

export const ID_ROUTES: readonly IdRoute[] = [
  // Public: a reference that cannot be one is refused before the rate limit counts it.
  { route: 'GET /public/objections/{reference}', method: 'GET', path: '/public/objections/{id}', user: 'staff-kim' },
  { route: 'GET /cases/{caseId}', method: 'GET', path: '/cases/{id}', user: 'staff-kim' },
  { route: 'GET /cases/{caseId}/audit', method: 'GET', path: '/cases/{id}/audit', user: 'auditor-1' },
  {
    route: 'POST /cases/{caseId}/approvals',
    method: 'POST',
    path: '/cases/{id}/approvals',
    user: 'staff-lee',
    body: VALID_APPROVAL,
    schema: approvalRequestSchema,
  },
  { route: 'POST /orders/{orderId}/resend', method: 'POST', path: '/orders/{id}/resend', user: 'staff-kim' },
  {
    route: 'POST /orders/{orderId}/non-compliance',
    method: 'POST',
    path: '/orders/{id}/non-compliance',
    user: 'staff-kim',
    body: { action: 'ESCALATE', reason: 'still online' },
    schema: nonComplianceRequestSchema,
  },
  {
    route: 'POST /orders/{orderId}/deadline',
    method: 'POST',
    path: '/orders/{id}/deadline',
    user: 'staff-kim',
    body: { extendBy: 'PT12H', reason: 'clarification requested' },
    schema: deadlineChangeRequestSchema,
  },
  {
    route: 'PATCH /operators/{operatorId}',
    method: 'PATCH',
    path: '/operators/{id}',
    user: 'staff-kim',
    body: { name: 'Nobody' },
    schema: operatorPatchSchema,
  },
  { route: 'GET /operators/{operatorId}/audit', method: 'GET', path: '/operators/{id}/audit', user: 'auditor-1' },
  {
    route: 'POST /operator/orders/{orderId}/acknowledge',
    method: 'POST',
    path: '/operator/orders/{id}/acknowledge',
    user: 'op-webhard',
  },
  {
    route: 'POST /operator/orders/{orderId}/compliance',
    method: 'POST',
    path: '/operator/orders/{id}/compliance',
    user: 'op-webhard',
    body: VALID_COMPLIANCE,
    schema: complianceRequestSchema,
  },
  {
    route: 'POST /operator/orders/{orderId}/appeal',
    method: 'POST',
    path: '/operator/orders/{id}/appeal',
    user: 'op-webhard',
    body: VALID_APPEAL,
    schema: appealRequestSchema,
  },
  {
    route: 'POST /operator/orders/{orderId}/fine/opinion',
    method: 'POST',
    path: '/operator/orders/{id}/fine/opinion',
    user: 'op-webhard',
    body: VALID_FINE_OPINION,
    schema: fineOpinionSchema,
  },
  {
    route: 'POST /orders/{orderId}/fine/decision',
    method: 'POST',
    path: '/orders/{id}/fine/decision',
    user: 'staff-kim',
    body: VALID_FINE_DECISION,
    schema: fineDecisionSchema,
  },
  {
    route: 'POST /committee/reviews/{reviewId}/votes',
    method: 'POST',
    path: '/committee/reviews/{id}/votes',
    user: 'member-1',
    body: VALID_VOTE,
    schema: voteRequestSchema,
  },
  {
    route: 'POST /committee/reviews/{reviewId}/recusal',
    method: 'POST',
    path: '/committee/reviews/{id}/recusal',
    user: 'member-1',
    body: VALID_RECUSAL,
    schema: recusalRequestSchema,
  },
  {
    route: 'POST /committee/reviews/{reviewId}/decision',
    method: 'POST',
    path: '/committee/reviews/{id}/decision',
    user: 'staff-kim',
    body: VALID_DECISION,
    schema: escalationDecisionRequestSchema,
  },
  { route: 'POST /cases/{caseId}/follow-ups', method: 'POST', path: '/cases/{id}/follow-ups', user: 'staff-kim', body: {} },
  { route: 'GET /policies/{version}', method: 'GET', path: '/policies/{id}', user: 'auditor-1' },
  {
    route: 'POST /operator/orders/{orderId}/reinstatement',
    method: 'POST',
    path: '/operator/orders/{id}/reinstatement',
    user: 'op-webhard',
    body: VALID_REINSTATEMENT,
    schema: reinstatementRequestSchema,
  },
];

export function idRoute(route: string): IdRoute {
  const found = ID_ROUTES.find((candidate) => candidate.route === route);
  if (!found) throw new Error(`no id route ${route}`);
  return found;
}

/** The query schemas of functions/api/*.ts (private there), to keep generated values invalid. */
export interface QueryRoute {
  readonly route: string;
  readonly path: string;
  readonly user: string;
  readonly parameter: string;
  readonly schema: ZodType;
}

export const QUERY_ROUTES: readonly QueryRoute[] = [
  {
    route: 'GET /cases',
    path: '/cases',
    user: 'staff-kim',
    parameter: 'status',
    schema: z.object({ status: z.enum(CASE_STATUSES).optional() }),
  },
  {
    route: 'GET /committee/reviews',
    path: '/committee/reviews',
    user: 'member-1',
    parameter: 'status',
    schema: z.object({ status: z.enum(REVIEW_STATUSES).optional() }),
  },
  {
    route: 'GET /orders',
    path: '/orders',
    user: 'staff-kim',
    parameter: 'recent',
    schema: z.object({ recent: z.coerce.number().int().min(0).max(1000).optional() }),
  },
  {
    route: 'GET /reports',
    path: '/reports',
    user: 'support-center',
    parameter: 'language',
    schema: z.object({ language: z.enum(LANGUAGES).optional() }),
  },
  {
    route: 'GET /statistics',
    path: '/statistics',
    user: 'auditor-1',
    parameter: 'format',
    schema: z.object({ format: z.enum(['json', 'csv']).optional() }),
  },
  {
    route: 'GET /statistics/public',
    path: '/statistics/public',
    user: 'staff-kim',
    parameter: 'to',
    schema: z.object({ to: monthSchema.optional() }),
  },
  {
    route: 'GET /isp/blocklist/changes',
    path: '/isp/blocklist/changes',
    user: 'auditor-1',
    parameter: 'since',
    schema: blocklistChangesQuerySchema,
  },
  { route: 'GET /hashes/export', path: '/hashes/export', user: 'op-webhard', parameter: 'since', schema: hashExportQuerySchema },
];

/** shared/services/reports.ts's rule for the Idempotency-Key header. */
export const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The operators seeded at start (CONTRACT.md section 2): generated ids must not name one. */
export const SEEDED_OPERATORS = ['op-webhard', 'op-social', 'op-overseas', 'isp-kt', 'isp-skb', 'isp-lgu'] as const;

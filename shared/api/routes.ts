/**
 * The API's route registry: for every route of infra/functions.ts's manifest, what it takes (path,
 * query and body schemas, the same zod schemas its handler parses with) and what it answers (the
 * schemas of shared/api/answers.ts per status). The OpenAPI document (shared/api/openapi.ts) is
 * generated from this table, the manifest (which routes are public) and shared/domain/authz.ts
 * (which roles may call each). A unit test checks that the registry and the manifest name the same
 * routes, so a new route is one entry here (README, "Adding a route").
 */
import type { ErrorCode } from '../domain/errors';
import type { ZodObject, ZodType } from 'zod';
import { z } from 'zod';
import type { MachineScope } from '../domain/authz';
import { blocklistChangesQuerySchema } from '../domain/blocklist';
import { bulkOrdersRequestSchema } from '../domain/bulk-orders';
import { deadlineChangeRequestSchema } from '../domain/deadline-changes';
import { hashExportQuerySchema, hashMatchRequestSchema } from '../domain/hashes';
import { clientCredentialsSchema } from '../domain/machine-clients';
import {
  appealRequestSchema,
  approvalRequestSchema,
  complianceRequestSchema,
  duplicateCheckRequestSchema,
  escalationDecisionRequestSchema,
  fineDecisionSchema,
  fineOpinionSchema,
  nonComplianceRequestSchema,
  operatorInputSchema,
  operatorPatchSchema,
  publicObjectionRequestSchema,
  recusalRequestSchema,
  reinstatementRequestSchema,
  reportRequestSchema,
  voteRequestSchema,
} from '../domain/model';
import { partnerInputSchema, partnerPatchSchema } from '../domain/partners';
import { signedMessageSchema } from '../domain/referrals';
import { webhookRegistrationSchema } from '../domain/webhooks';
import { caseSearchSchema } from '../domain/search';
import { urlComplianceRequestSchema } from '../domain/url-compliance';
import * as answers from './answers';
import {
  auditQuerySchema,
  boardQuerySchema,
  followUpRequestSchema,
  operatorOrdersQuerySchema,
  reportsQuerySchema,
  reviewsQuerySchema,
  statisticsFormatSchema,
  statisticsRangeSchema,
} from './inputs';

/** Groups of the reference page, in the order it shows them. */
export const ROUTE_TAGS = [
  { name: 'Operator orders', description: "An operator's orders: list, acknowledge, report compliance, appeal (CONTRACT.md section 5)." },
  { name: 'Reports and cases', description: 'Reports filed by staff and reporters, and the cases they open (section 4).' },
  { name: 'Staff orders', description: "Staff's deadline board and acts on orders (sections 5, 7 and 9)." },
  { name: 'Operators registry', description: 'The registered operators (section 4).' },
  { name: 'Partners', description: 'Partner regulators abroad and the referrals exchanged with them (docs/referrals.md).' },
  { name: 'Committee', description: 'Post-review and appeal votes (section 6).' },
  { name: 'Policies and statistics', description: 'The published rules and the transparency figures.' },
  { name: 'Public', description: 'Routes anyone may call without a token.' },
  { name: 'Sign-in', description: 'Tokens. `POST /auth/local-token` exists only on the local runtime (`npm start`).' },
  { name: 'Webhooks', description: "An operator's endpoint for order events, signed per Standard Webhooks (docs/webhooks.md)." },
  { name: 'ISP block list', description: 'The signed list of URLs ISPs block, and its changes (docs/blocklist.md).' },
  { name: 'Hash list', description: 'Hashes of confirmed content: match uploads against it, or export it (docs/hashes.md).' },
] as const;
export type RouteTag = (typeof ROUTE_TAGS)[number]['name'];

/** An answer that is text (an export), not JSON. */
export interface TextAnswer {
  readonly mediaType: string;
  readonly description: string;
}

export interface RouteDoc {
  readonly summary: string;
  readonly tag: RouteTag;
  readonly description?: string;
  readonly query?: ZodObject;
  readonly body?: ZodType;
  /** An example body, shown on the reference page. */
  readonly example?: unknown;
  /** The JSON answers by status; a route's errors (CONTRACT.md section 3) are added by the generator. */
  readonly answers: Readonly<Record<number, ZodType>>;
  /** Text answers besides JSON (by `?format=` or `Accept`), all with status 200. */
  readonly textAnswers?: readonly TextAnswer[];
  /** A route of the local runtime only (not in the manifest, not in the cloud). */
  readonly localOnly?: boolean;
  /** Error codes beyond those its method implies (a read that can conflict with the state it reads). */
  readonly alsoAnswers?: readonly ErrorCode[];
}

/** What each scope lets a machine client do; which routes need which is authz.ts's `routeScopes`. */
export const MACHINE_SCOPE_MEANINGS: Readonly<Record<MachineScope, string>> = {
  'orders.read': "Read the operator's own orders and webhook.",
  'orders.write': "Acknowledge, report compliance on and appeal the operator's own orders; set or remove its webhook.",
  'blocklist.read': "Read the ISPs' block list and its changes.",
  'hashes.match': 'Match content hashes against the hash list.',
};

/** The routes that take new cases, which the one-machine runtime refuses while it is behind (infra/local/apigateway/admission.ts). */
const WHILE_BEHIND =
  'While the one-machine runtime (`npm start`) is behind on the cases it has taken, it answers 503 `UNAVAILABLE` with `Retry-After` (seconds) and files nothing: send the same request again then.';

export const apiRoutes: Readonly<Record<string, RouteDoc>> = {
  'GET /health': { summary: 'The API answers.', tag: 'Public', answers: { 200: answers.healthAnswerSchema } },
  'POST /reports': {
    summary: 'File a report; it opens a case awaiting approval.',
    tag: 'Reports and cases',
    description: `Optional header \`Idempotency-Key\`: the same key with the same body answers the same case (200 instead of 201); with another body, 409. ${WHILE_BEHIND}`,
    body: reportRequestSchema,
    example: {
      urls: ['https://webhard.example/v/123'],
      category: 'ILLEGAL_FILMING',
      reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0042' },
      victimConsent: true,
    },
    answers: { 201: answers.reportFiledAnswerSchema, 200: answers.reportFiledAnswerSchema },
  },
  'GET /reports': {
    summary: 'The reports this reporter filed, newest first.',
    tag: 'Reports and cases',
    query: reportsQuerySchema,
    answers: { 200: answers.reporterReportsAnswerSchema },
  },
  'POST /reports/duplicates': {
    summary: 'Before filing: which URLs are already in an open or recent case.',
    tag: 'Reports and cases',
    body: duplicateCheckRequestSchema,
    answers: { 200: answers.duplicateCheckAnswerSchema },
  },
  'GET /cases': {
    summary: 'Search cases, newest first, one page at a time.',
    tag: 'Reports and cases',
    query: caseSearchSchema,
    answers: { 200: answers.casePageAnswerSchema },
  },
  'GET /cases/{caseId}': {
    summary: 'A case with its URLs, orders, reviews, appeals and timeline.',
    tag: 'Reports and cases',
    answers: { 200: answers.caseViewSchema },
  },
  'GET /cases/{caseId}/audit': {
    summary: "The case's audit chain and whether it verifies.",
    tag: 'Reports and cases',
    query: auditQuerySchema,
    answers: { 200: answers.auditAnswerSchema },
    textAnswers: [{ mediaType: 'application/x-ndjson', description: '`?format=jsonl`: the chain as JSON Lines.' }],
  },
  'POST /cases/{caseId}/approvals': {
    summary: 'Approve or reject an urgent order (distinct staff members; not the filer).',
    tag: 'Reports and cases',
    body: approvalRequestSchema,
    example: { decision: 'APPROVE', reason: 'footage checked' },
    answers: { 200: answers.approvalAnswerSchema },
  },
  'POST /cases/{caseId}/follow-ups': {
    summary: "File a follow-up case for the case's URLs left unassigned at issuance.",
    tag: 'Reports and cases',
    body: followUpRequestSchema,
    answers: { 201: answers.followUpAnswerSchema, 200: answers.followUpAnswerSchema },
  },
  'GET /orders': {
    summary: "Staff's deadline board, or one page of an order search when a search parameter is given.",
    tag: 'Staff orders',
    query: boardQuerySchema,
    answers: { 200: answers.boardAnswerSchema },
  },
  'POST /orders/{orderId}/resend': {
    summary: "Send an undelivered order's notice again to the operator's current contacts.",
    tag: 'Staff orders',
    answers: { 200: answers.resendAnswerSchema },
  },
  'POST /orders/{orderId}/non-compliance': {
    summary: 'Act on an order whose grace period ended without compliance.',
    tag: 'Staff orders',
    body: nonComplianceRequestSchema,
    answers: { 200: answers.nonComplianceAnswerSchema },
  },
  'POST /orders/{orderId}/fine/decision': {
    summary: 'Impose, reduce or waive a proposed fine.',
    tag: 'Staff orders',
    body: fineDecisionSchema,
    answers: { 200: answers.fineDecisionAnswerSchema },
  },
  'POST /orders/{orderId}/deadline': {
    summary: "Extend, pause or resume an order's deadline.",
    tag: 'Staff orders',
    body: deadlineChangeRequestSchema,
    answers: { 200: answers.deadlineChangeAnswerSchema },
  },
  'GET /operators': { summary: 'The registered operators.', tag: 'Operators registry', answers: { 200: answers.operatorsAnswerSchema } },
  'POST /operators': {
    summary: 'Register an operator.',
    tag: 'Operators registry',
    body: operatorInputSchema,
    answers: { 201: answers.operatorSchema },
  },
  'PATCH /operators/{operatorId}': {
    summary: "Change an operator's record (contacts, domains, revenue).",
    tag: 'Operators registry',
    body: operatorPatchSchema,
    answers: { 200: answers.operatorSchema },
  },
  'GET /operators/{operatorId}/audit': {
    summary: "The operator record's audit chain.",
    tag: 'Operators registry',
    answers: { 200: answers.auditAnswerSchema },
  },
  'GET /partners': { summary: 'The registered partner regulators.', tag: 'Partners', answers: { 200: answers.partnersAnswerSchema } },
  'POST /partners': {
    summary: 'Register a partner regulator: the countries it covers and how it is reached.',
    tag: 'Partners',
    body: partnerInputSchema,
    example: {
      partnerId: 'partner-fr',
      name: 'Point de Contact',
      countries: ['FR'],
      contact: 'referrals@pointdecontact.example',
      language: 'fr',
    },
    answers: { 201: answers.partnerSchema },
  },
  'GET /partners/{partnerId}': { summary: 'A partner regulator.', tag: 'Partners', answers: { 200: answers.partnerSchema } },
  'POST /partners/referrals': {
    summary: 'A partner refers a case to us: files a report of reporter kind PARTNER that enters the normal flow.',
    tag: 'Partners',
    description:
      'No user token: the body `{"jws"}` is a compact JWS (ES256) signed with the key the partner registered, named by the header `kid`; 401 when no registered key verifies it, and nothing is filed. Payload: `{"type":"referral","referralId","reference","category","urls","hashes"?,"legalBasis","sentAt"}`, never the victim\'s identity. `referralId` is the partner\'s id of the referral: a repeated message answers 200 with the case filed the first time (docs/referrals.md). ' +
      WHILE_BEHIND,
    body: signedMessageSchema,
    answers: { 201: answers.inboundReferralAnswerSchema, 200: answers.inboundReferralAnswerSchema },
    alsoAnswers: ['UNAUTHENTICATED'],
  },
  'POST /partners/referrals/{referralId}/status': {
    summary: 'A partner reports on a referral we sent it: acknowledged, URLs removed, or declined with its reason.',
    tag: 'Partners',
    description:
      'No user token: the body `{"jws"}` is a compact JWS (ES256) signed with the key the partner registered, named by the header `kid`; 401 when no registered key verifies it. Payload: `{"type":"referral.status","status":"ACKNOWLEDGED|REMOVED|DECLINED","urls"?,"reason"?,"at"}` (docs/referrals.md).',
    body: signedMessageSchema,
    answers: { 200: answers.referralStatusAnswerSchema },
    alsoAnswers: ['UNAUTHENTICATED'],
  },
  'PATCH /partners/{partnerId}': {
    summary: "Change a partner's record; `null` removes its endpoint, key or contact.",
    tag: 'Partners',
    body: partnerPatchSchema,
    answers: { 200: answers.partnerSchema },
  },
  'GET /operator/orders': {
    summary: "The caller's own orders, newest first; filtered and paged on request, or as CSV.",
    tag: 'Operator orders',
    description:
      'Only URLs of the calling operator; never the reporter, the summary, or another operator. Without a query parameter, every order. ' +
      'With `status`, dates or `limit`, one page (at most 200) and `nextCursor` while more match. ' +
      '`Accept: text/csv`: the same orders as CSV, one row per order and URL with its reported outcome.',
    query: operatorOrdersQuerySchema,
    answers: { 200: answers.operatorOrdersAnswerSchema },
    textAnswers: [{ mediaType: 'text/csv', description: '`Accept: text/csv`: one row per order and URL (docs/operators.md).' }],
  },
  'POST /operator/orders/bulk': {
    summary: 'Acknowledge and report compliance on up to 100 orders in one call, each order on its own.',
    tag: 'Operator orders',
    description:
      'Answers 200 with one result per order named, acknowledgements first: its status, or the error that refused its act ' +
      '(the other orders still ran). Repeating the call (after a timeout) does nothing twice.',
    body: bulkOrdersRequestSchema,
    example: {
      acknowledge: ['O01JABCDEFGHJKMNPQRSTVWXYZ0-op-webhard'],
      compliance: [
        { orderId: 'O01JABCDEFGHJKMNPQRSTVWXYZ1-op-webhard', action: 'DELETED' },
        { orderId: 'O01JABCDEFGHJKMNPQRSTVWXYZ2-op-webhard', urls: [{ url: 'https://webhard.example/v/9', outcome: 'NOT_FOUND' }] },
      ],
    },
    answers: { 200: answers.bulkOrdersAnswerSchema },
  },
  'POST /operator/orders/{orderId}/acknowledge': {
    summary: 'Acknowledge receipt of an order; repeating it is harmless.',
    tag: 'Operator orders',
    answers: { 200: answers.acknowledgeAnswerSchema },
  },
  'POST /operator/orders/{orderId}/compliance': {
    summary: 'Report compliance: COMPLIED before the deadline, COMPLIED_LATE after it.',
    tag: 'Operator orders',
    body: complianceRequestSchema,
    example: { action: 'DELETED', note: 'removed at 10:12 KST' },
    answers: { 200: answers.complianceAnswerSchema },
  },
  'POST /operator/orders/{orderId}/compliance/urls': {
    summary: 'Report compliance URL by URL: DELETED, BLOCKED, NOT_FOUND, or CANNOT_COMPLY with a reason.',
    tag: 'Operator orders',
    description:
      'The order is complied with (COMPLIED, or COMPLIED_LATE after the deadline) once every URL has DELETED, BLOCKED or NOT_FOUND; ' +
      'CANNOT_COMPLY keeps it open, and staff read the reason. An ISP (BLOCK_ACCESS) cannot report DELETED. Repeating a report is ' +
      'harmless; changing an accounted URL is 409, except CANNOT_COMPLY replaced by a removal.',
    body: urlComplianceRequestSchema,
    example: {
      urls: [
        { url: 'https://webhard.example/v/1', outcome: 'DELETED' },
        { url: 'https://webhard.example/v/2', outcome: 'CANNOT_COMPLY', reason: 'held under a court preservation order' },
      ],
    },
    answers: { 200: answers.urlComplianceAnswerSchema },
  },
  'POST /operator/orders/{orderId}/appeal': {
    summary: 'Appeal an order while its appeal window is open (otherwise 409 WINDOW_CLOSED).',
    tag: 'Operator orders',
    body: appealRequestSchema,
    example: { grounds: 'The content is licensed and all people in it consented.' },
    answers: { 201: answers.appealAnswerSchema },
  },
  'POST /operator/orders/{orderId}/fine/opinion': {
    summary: 'State an opinion on a proposed fine before it is decided.',
    tag: 'Operator orders',
    body: fineOpinionSchema,
    answers: { 200: answers.fineOpinionAnswerSchema },
  },
  'POST /operator/orders/{orderId}/reinstatement': {
    summary: "Answer a lifted order's instruction to restore the content or lift the block.",
    tag: 'Operator orders',
    body: reinstatementRequestSchema,
    answers: { 200: answers.reinstatementAnswerSchema },
  },
  'GET /committee/reviews': {
    summary: "The reviews the committee votes on, with the caller's own vote.",
    tag: 'Committee',
    query: reviewsQuerySchema,
    answers: { 200: answers.committeeReviewsAnswerSchema },
  },
  'POST /committee/reviews/{reviewId}/votes': {
    summary: 'Vote on a review (once).',
    tag: 'Committee',
    body: voteRequestSchema,
    example: { decision: 'CONFIRM', reason: 'the footage is what the report says' },
    answers: { 201: answers.committeeReviewSchema },
  },
  'POST /committee/reviews/{reviewId}/recusal': {
    summary: 'Recuse oneself from a review before voting.',
    tag: 'Committee',
    body: recusalRequestSchema,
    answers: { 200: answers.committeeReviewSchema },
  },
  'POST /committee/reviews/{reviewId}/decision': {
    summary: 'Decide a review escalated to staff for want of a quorum.',
    tag: 'Committee',
    body: escalationDecisionRequestSchema,
    answers: { 200: answers.reviewAnswerSchema },
  },
  'GET /statistics': {
    summary: 'The transparency statistics by month, category, operator and year.',
    tag: 'Policies and statistics',
    query: statisticsRangeSchema.extend(statisticsFormatSchema.shape),
    answers: { 200: answers.statisticsAnswerSchema },
    textAnswers: [{ mediaType: 'text/csv', description: '`?format=csv`: the same figures as CSV.' }],
  },
  'GET /statistics/public': {
    summary: 'The public aggregate: no operator, no case; small counts suppressed.',
    tag: 'Public',
    query: statisticsRangeSchema,
    answers: { 200: answers.publicStatisticsAnswerSchema },
  },
  'GET /policies/current': {
    summary: 'The policy new cases follow, with its version.',
    tag: 'Policies and statistics',
    answers: { 200: answers.policyAnswerSchema },
  },
  'GET /policies/{version}': {
    summary: 'A policy by its version (the one an order cites).',
    tag: 'Policies and statistics',
    answers: { 200: answers.policyAnswerSchema },
  },
  'POST /public/objections': {
    summary: 'A poster objects to an order with the code from the notice on the page.',
    tag: 'Public',
    body: publicObjectionRequestSchema,
    answers: { 201: answers.posterObjectionAnswerSchema },
  },
  'GET /public/objections/{reference}': {
    summary: "A poster's objection by its reference.",
    tag: 'Public',
    answers: { 200: answers.posterObjectionAnswerSchema },
  },
  'POST /auth/local-token': {
    summary: 'Local runtime only: a token for a seeded user (CONTRACT.md section 2).',
    tag: 'Sign-in',
    localOnly: true,
    body: z.strictObject({ user: z.string().min(1) }),
    example: { user: 'op-webhard' },
    answers: { 200: answers.localTokenAnswerSchema },
  },
  'POST /auth/client-token': {
    summary: "Local runtime only: a machine client's token by its id and secret (CONTRACT.md section 12).",
    tag: 'Sign-in',
    localOnly: true,
    body: clientCredentialsSchema,
    answers: { 200: answers.clientTokenAnswerSchema },
  },
  'PUT /operator/webhook': {
    summary: 'Register the endpoint for order events, or replace it; the signing secret is answered this once.',
    tag: 'Webhooks',
    body: webhookRegistrationSchema,
    example: { url: 'https://hooks.webhard.example/orders' },
    answers: { 200: answers.webhookRegisteredAnswerSchema },
  },
  'GET /operator/webhook': {
    summary: 'Where events go and whether they still do (never the secret).',
    tag: 'Webhooks',
    answers: { 200: answers.webhookStatusAnswerSchema },
  },
  'DELETE /operator/webhook': {
    summary: 'Stop sending events; deliveries still pending fail at their next attempt.',
    tag: 'Webhooks',
    answers: { 200: answers.webhookRemovedAnswerSchema },
  },
  'GET /operator/webhook/deliveries': {
    summary: 'The latest deliveries with every attempt, newest first.',
    tag: 'Webhooks',
    answers: { 200: answers.webhookDeliveriesAnswerSchema },
  },
  'GET /isp/blocklist': {
    summary: 'Every URL ISPs block, as of one version, signed.',
    tag: 'ISP block list',
    answers: { 200: answers.blocklistAnswerSchema },
  },
  'GET /isp/blocklist/changes': {
    summary: 'What changed since a version (remove `removed`, then add `added`), signed.',
    tag: 'ISP block list',
    description: 'A version the list has not reached, or one too far behind, is 409 CONFLICT: load the full list instead.',
    query: blocklistChangesQuerySchema,
    answers: { 200: answers.blocklistChangesAnswerSchema },
    alsoAnswers: ['CONFLICT'],
  },
  'GET /isp/blocklist/key': {
    summary: "The public key (JWK) that verifies the list's signatures.",
    tag: 'ISP block list',
    answers: { 200: answers.blocklistKeyAnswerSchema },
  },
  'POST /hashes/match': {
    summary: 'The listed entries each hash matches: exactly for SHA256 and MD5, within a distance for PDQ.',
    tag: 'Hash list',
    body: hashMatchRequestSchema,
    example: { hashes: [{ algorithm: 'SHA256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }] },
    answers: { 200: answers.hashMatchAnswerSchema },
  },
  'GET /hashes/export': {
    summary: "One page of the list's changes after a cursor, oldest first: entries listed and entries removed.",
    tag: 'Hash list',
    query: hashExportQuerySchema,
    answers: { 200: answers.hashExportAnswerSchema },
  },
};

/**
 * The authorization matrix (issue 9): every route of the manifest (infra/functions.ts) × every kind
 * of caller × the resource it names (one of side A, one of side B, one that does not exist),
 * generated as one table. The expected answer of each cell comes from the rules of CONTRACT.md
 * sections 2 to 6 and 9 written once, as `expectedStatus` below, from the route's roles
 * (shared/domain/authz.ts `routeRoles`), the caller and how the caller relates to the resource.
 *
 * Each request goes over HTTP through the local API Gateway of `npm start`, started in this process
 * in front of the real handlers: it verifies the JWT (a missing, expired or foreign token is its 401,
 * as API Gateway's JWT authorizer answers in the cloud, before any handler runs), and hands the
 * handler the claims as API Gateway passes them. The handlers work on the in-process world
 * (test/support/world.ts), planted once (matrix/world-plan.ts) and restored after every act that
 * changed it; a refused act is checked to have changed nothing (section 3).
 *
 * Over every answer: none shows a ballot of a review that has not closed (section 6), and none to an
 * operator shows the reporter, the summary, or another operator's URLs (section 5). A listing shows
 * the caller what it may see and nothing else.
 */
import { calculateJwkThumbprint, CompactSign, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFunctions } from '../../../infra/functions';
import { routeRoles, routeScopes, type MachineScope } from '../../../shared/domain/authz';
import type { Role } from '../../../shared/domain/model';
import { policyById } from '../../../shared/domain/policy';
import { policyVersionOf } from '../../../shared/domain/policy-version';
import { getReview } from '../../../shared/store/repository';
import { answerOf, apiEvent } from '../../support/api-event';
import { useWorld, type WorldSnapshot } from '../../support/world';
import { startMatrixGateway, type MatrixGateway } from './matrix/gateway';
import { ballotEvidence, operatorLeaks, reporterLeaks } from './matrix/leaks';
import {
  CASES,
  caseResource,
  everything,
  MISSING,
  missingResource,
  OBJECTION_CODE,
  OBJECTION_REFERENCES,
  objectionResource,
  OPERATOR_ID,
  operatorResource,
  PARTNER_A_KEY,
  PARTNER_IDS,
  partnerResource,
  referralIdOfSide,
  orderResource,
  people,
  plantWorld,
  reviewResource,
  SENTINEL,
  type Person,
  type PlannedCase,
  type Resource,
  urlsOf,
} from './matrix/world-plan';

// ------------------------------------------------------------------------------------ the rules

/** Refusals that depend on the caller's part in the record acted on (sections 4 and 6, README). */
type Act = 'approve' | 'decideEscalated' | 'vote' | 'recuse' | 'fileFollowUp' | 'readBlocklist' | 'reportUrlsOfA';

interface Access {
  readonly isPublic: boolean;
  /** `routeRoles` of the route; undefined when the route was given none (then it is closed). */
  readonly roles: readonly Role[] | undefined;
  readonly success: 200 | 201;
  readonly act?: Act;
  /** `routeScopes` of the route: what a machine client needs; undefined: machine clients are refused. */
  readonly scope?: MachineScope;
}

interface CallerFacts {
  /** The request carries a token that API Gateway's authorizer (locally: the local gateway) accepts. */
  readonly authenticated: boolean;
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly operatorId?: string;
  /** A machine client's scopes (CONTRACT.md section 12). */
  readonly scopes?: readonly MachineScope[];
}

/**
 * Whether the caller may see the resource (section 3: a resource it may not see is 404): staff,
 * committee members and auditors see every case, order and review their routes serve; an operator
 * only its own orders; a reporter only the cases it filed.
 */
function maySee(caller: CallerFacts, resource: Resource): boolean {
  if (resource.published) return true;
  if (caller.roles.some((role) => role === 'staff' || role === 'committee' || role === 'auditor')) return true;
  if (caller.roles.includes('operator')) return resource.operatorId !== undefined && resource.operatorId === caller.operatorId;
  if (caller.roles.includes('reporter')) return resource.filedBy !== undefined && resource.filedBy === caller.userId;
  return false;
}

/** The answer the contract gives: the route's success status, or the refusal's. */
function expectedStatus(access: Access, caller: CallerFacts, resource: Resource | undefined): number {
  // A public route answers anyone; what it names either exists or is 404, as for everyone.
  if (access.isPublic) return resource !== undefined && !resource.exists ? 404 : access.success;
  // Section 2: no token, an expired one, or one the pool did not sign.
  if (!caller.authenticated) return 401;
  // Section 3: a route the caller's role may not use; a route no role was given is closed.
  const roles = access.roles ?? [];
  if (!caller.roles.some((role) => roles.includes(role))) return 403;
  // Section 2: an operator's token carries its operator id; an operator's route needs it.
  if (roles.every((role) => role === 'operator') && caller.operatorId === undefined) return 403;
  // Section 10: of the operators, only access providers (kind ISP) read the block list; the planted operators are hosts.
  if (access.act === 'readBlocklist' && !caller.roles.some((role) => role === 'staff' || role === 'auditor')) return 403;
  // Section 12: a machine client acts only on the routes its scopes cover; people's routes are not for it.
  if (caller.scopes !== undefined && (access.scope === undefined || !caller.scopes.includes(access.scope))) return 403;
  if (resource === undefined) return access.success;
  // Section 3: a resource the caller may not see does not exist for it.
  if (!resource.exists || !maySee(caller, resource)) return 404;
  const me = caller.userId;
  const among = (list: readonly string[] | undefined): boolean => list?.includes(me) ?? false;
  switch (access.act) {
    case 'approve':
      // Section 4: the filer may not approve (403); the same member approving twice is 409.
      if (resource.filedBy === me) return 403;
      if (among(resource.approvedBy)) return 409;
      break;
    case 'decideEscalated':
      // README: a staff member who filed or approved the case may not decide its escalated review.
      if (resource.filedBy === me || among(resource.approvedBy)) return 403;
      break;
    case 'vote':
      // Section 6: a second vote is 409; a member recused or not eligible may not vote.
      if (among(resource.voted)) return 409;
      if (!among(resource.eligible) || among(resource.recused)) return 403;
      break;
    case 'recuse':
      // Section 6: before voting only, once.
      if (among(resource.recused) || among(resource.voted)) return 409;
      if (!among(resource.eligible)) return 403;
      break;
    case 'fileFollowUp':
      // README: the planted cases' unassigned host (nobody.example) is claimed by no operator, and a
      // follow-up needs every unassigned host assigned first (test/unit/api/follow-ups.test.ts files one).
      return 409;
    case 'reportUrlsOfA':
      // The body names operator A's URL (one body for every cell): on operator B's own order it is no URL of the order.
      if (resource.operatorId !== OPERATOR_ID.A) return 400;
      break;
    case 'readBlocklist':
    case undefined:
      break;
  }
  return access.success;
}

const ERROR_CODE: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

// ------------------------------------------------------------------------------------ the routes

interface RouteSpec {
  readonly success: 200 | 201;
  readonly act?: Act;
  /** A valid body, so that an allowed caller is answered 2xx. */
  readonly body?: unknown;
  /** What the path parameter names: a resource of side A, one of side B, and one that does not exist. */
  readonly resources?: readonly [Resource, Resource, Resource];
  /** A listing: the caller must find in it what it may see of these, and nothing else of them. */
  readonly lists?: readonly Resource[];
  /**
   * The answer describes the API's schemas and holds no record: it names every field and value an
   * answer may have (`reporter`, `VICTIM`), so the leak checks, which look for those, do not apply.
   */
  readonly schemasOnly?: true;
  /** A valid query string (without `?`), so that an allowed caller is answered 2xx. */
  readonly query?: string;
  /** An idempotent route's answer to the same message again (the handler alone repeats the gateway's call). */
  readonly repeated?: 200;
}

const noCase = missingResource('no such case', MISSING.caseId);
const noOrder = missingResource('no such order', MISSING.orderId);
const noReview = missingResource('no such review', MISSING.reviewId);

function ordersOf(planned: PlannedCase, what: string): readonly [Resource, Resource, Resource] {
  return [orderResource(`${what} to operator A`, planned, 'A'), orderResource(`${what} to operator B`, planned, 'B'), noOrder];
}

const reportedCases = [
  caseResource('case filed by reporter A', CASES.reportedA),
  caseResource('case filed by reporter B', CASES.reportedB),
  noCase,
] as const;
const operators = [
  operatorResource("operator A's record", 'A'),
  operatorResource("operator B's record", 'B'),
  missingResource('no such operator', MISSING.operatorId),
] as const;
const partners = [
  partnerResource("a partner's record", PARTNER_IDS[0]),
  partnerResource("another partner's record", PARTNER_IDS[1]),
  missingResource('no such partner', MISSING.partnerId),
] as const;
/** A message partner A signed: public routes, whose signature is the credential. */
async function signedByPartnerA(payload: unknown): Promise<{ jws: string }> {
  return {
    jws: await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', kid: await calculateJwkThumbprint(await exportJWK(PARTNER_A_KEY.publicKey)) })
      .sign(PARTNER_A_KEY.privateKey),
  };
}
/** Partner A's word that it removed the URLs. */
const PARTNER_A_STATUS = await signedByPartnerA({ type: 'referral.status', status: 'REMOVED', at: '2026-12-01T00:00:00Z' });
/** Partner A refers a case to us. */
const PARTNER_A_REFERRAL = await signedByPartnerA({
  type: 'referral',
  referralId: 'partner-a-referral-1',
  reference: 'partner-a-case-1',
  category: 'ILLEGAL_FILMING',
  urls: ['https://operator-a.example/referred'],
  legalBasis: "the partner's law",
  sentAt: '2026-12-01T00:00:00Z',
});
const openReviews = [
  reviewResource('open review member-2 recused from', CASES.reportedA),
  reviewResource('open review without recusals', CASES.reportedB),
  noReview,
] as const;

/** Every route of the manifest must be here: a route added without deciding what it does for whom fails the matrix. */
const ROUTES: Record<string, RouteSpec> = {
  'GET /health': { success: 200 },
  'POST /reports': {
    success: 201,
    body: {
      urls: ['https://operator-a.example/new-report'],
      category: 'ILLEGAL_FILMING',
      reporter: { kind: 'VICTIM', reference: 'new reference' },
      victimConsent: true,
      summary: 'a new report',
    },
  },
  'GET /reports': { success: 200, lists: everything.cases },
  'GET /cases': { success: 200, lists: everything.cases },
  'GET /cases/{caseId}': { success: 200, resources: reportedCases },
  'GET /cases/{caseId}/audit': { success: 200, resources: reportedCases },
  'POST /cases/{caseId}/approvals': {
    success: 200,
    act: 'approve',
    body: { decision: 'APPROVE', reason: 'footage checked' },
    resources: [
      caseResource('pending case filed by staff-kim, approved by staff-lee', CASES.pendingA),
      caseResource('pending case filed by reporter B', CASES.pendingB),
      noCase,
    ],
  },
  'GET /orders': { success: 200, lists: everything.orders },
  'POST /orders/{orderId}/resend': { success: 200, resources: ordersOf(CASES.undelivered, 'undelivered order') },
  'POST /orders/{orderId}/non-compliance': {
    success: 200,
    body: { action: 'VERIFIED_REMOVAL', reason: 'checked: the page answers 404' },
    resources: ordersOf(CASES.nonCompliant, 'non-compliant order'),
  },
  'POST /orders/{orderId}/deadline': {
    success: 200,
    body: { extendBy: 'PT12H', reason: 'the operator asked for clarification' },
    resources: ordersOf(CASES.reportedA, 'open order'),
  },
  'GET /operators': { success: 200, lists: everything.operators },
  'POST /operators': {
    success: 201,
    body: {
      operatorId: 'operator-new',
      name: 'New Operator',
      domains: ['operator-new.example'],
      contactEmails: ['notices@operator-new.example'],
      jurisdiction: 'DOMESTIC',
      annualRevenue: 1_000_000,
      currency: 'KRW',
    },
  },
  'PATCH /operators/{operatorId}': { success: 200, body: { contactEmails: ['legal@contact.example'] }, resources: operators },
  'GET /operators/{operatorId}/audit': { success: 200, resources: operators },
  'GET /partners': { success: 200 },
  'POST /partners': {
    success: 201,
    body: { partnerId: 'partner-new', name: 'New Partner', countries: ['TW'], contact: 'referrals@partner-new.example', language: 'zh-TW' },
  },
  'GET /partners/{partnerId}': { success: 200, resources: partners },
  'PATCH /partners/{partnerId}': { success: 200, body: { contact: 'desk@partner.example' }, resources: partners },
  'POST /partners/referrals': { success: 201, body: PARTNER_A_REFERRAL, repeated: 200 },
  'POST /partners/referrals/{referralId}/status': {
    success: 200,
    body: PARTNER_A_STATUS,
    resources: [
      { label: 'a referral to partner A', id: referralIdOfSide('A'), exists: true },
      // Partner B's referral does not exist for partner A.
      missingResource("partner B's referral, to partner A", referralIdOfSide('B')),
      missingResource('no such referral', `X${MISSING.orderId.slice(1)}`),
    ],
  },
  'GET /operator/orders': { success: 200, lists: everything.orders },
  'POST /operator/orders/{orderId}/acknowledge': { success: 200, resources: ordersOf(CASES.reportedA, 'open order') },
  'POST /operator/orders/{orderId}/compliance': {
    success: 200,
    body: { action: 'DELETED', note: 'removed' },
    resources: ordersOf(CASES.reportedA, 'open order'),
  },
  'POST /operator/orders/{orderId}/compliance/urls': {
    success: 200,
    act: 'reportUrlsOfA',
    body: { urls: [{ url: urlsOf(CASES.reportedA)[0]?.url, outcome: 'DELETED' }] },
    resources: ordersOf(CASES.reportedA, 'open order'),
  },
  // Any operator's call is answered 200, an order it may not see refused in its result as not found (the results echo the
  // ids named, so the one named is no planted operator's: test/unit/api/operator-url-compliance.test.ts acts on real ones).
  'POST /operator/orders/bulk': { success: 200, body: { acknowledge: [`${MISSING.orderId.split('-')[0]}-operator-gone`] } },
  'POST /operator/orders/{orderId}/appeal': {
    success: 201,
    body: { grounds: 'The content is licensed and consensual.' },
    resources: ordersOf(CASES.confirmed, 'confirmed order'),
  },
  'POST /operator/orders/{orderId}/fine/opinion': {
    success: 200,
    body: { opinion: 'We removed it within the hour of reading the notice.' },
    resources: ordersOf(CASES.fineProposed, 'order with a proposed fine'),
  },
  'POST /orders/{orderId}/fine/decision': {
    success: 200,
    body: { decision: 'REDUCE', amount: 1_000_000, reason: 'the operator removed it promptly once told' },
    resources: ordersOf(CASES.fineDue, 'order whose fine is due for decision'),
  },
  'GET /committee/reviews': { success: 200, lists: everything.reviews },
  'POST /committee/reviews/{reviewId}/votes': { success: 201, act: 'vote', body: { decision: 'CONFIRM' }, resources: openReviews },
  'POST /committee/reviews/{reviewId}/recusal': {
    success: 200,
    act: 'recuse',
    body: { reason: 'I know the operator' },
    resources: openReviews,
  },
  'POST /committee/reviews/{reviewId}/decision': {
    success: 200,
    act: 'decideEscalated',
    body: { decision: 'CONFIRM', reason: 'the order stands' },
    resources: [
      reviewResource('escalated review of a case filed by staff-kim, approved by staff-lee', CASES.escalatedA),
      reviewResource('escalated review of a case filed by reporter B', CASES.escalatedB),
      noReview,
    ],
  },
  'GET /statistics': { success: 200 },
  'GET /statistics/public': { success: 200 },
  'POST /cases/{caseId}/follow-ups': { success: 201, act: 'fileFollowUp', body: {}, resources: reportedCases },
  'POST /reports/duplicates': { success: 200, body: { urls: ['https://operator-a.example/new-report'] } },
  'GET /policies/current': { success: 200 },
  'GET /policies/{version}': {
    success: 200,
    resources: [
      { label: 'the active policy version', id: policyVersionOf(policyById('kr-kcsc')), exists: true, published: true },
      missingResource('a version never stored', 'f'.repeat(64)),
      missingResource('not a version', 'kr-kcsc'),
    ],
  },
  'POST /operator/orders/{orderId}/reinstatement': {
    success: 200,
    body: { action: 'RESTORED', note: 'restored' },
    resources: ordersOf(CASES.revoked, 'revoked order'),
  },
  'PUT /operator/webhook': { success: 200, body: { url: 'https://hooks.example/urgent-deliberation' } },
  'GET /operator/webhook': { success: 200 },
  'DELETE /operator/webhook': { success: 200 },
  'GET /operator/webhook/deliveries': { success: 200 },
  'POST /public/objections': {
    success: 201,
    body: { code: OBJECTION_CODE, grounds: 'I posted this myself, with the consent of everyone in it.' },
  },
  'GET /public/objections/{reference}': {
    success: 200,
    resources: [
      objectionResource("a poster's objection", OBJECTION_REFERENCES[0]),
      objectionResource("another poster's objection to the same order", OBJECTION_REFERENCES[1]),
      missingResource('no such objection', 'OBJ-ZZZZZZZZZZZZZZZZ'),
    ],
  },
  'GET /openapi.json': { success: 200, schemasOnly: true },
  'GET /isp/blocklist': { success: 200, act: 'readBlocklist' },
  'GET /isp/blocklist/changes': { success: 200, act: 'readBlocklist', query: 'since=0' },
  'GET /isp/blocklist/key': { success: 200, act: 'readBlocklist' },
  'POST /hashes/match': { success: 200, body: { hashes: [{ algorithm: 'PDQ', value: 'ab'.repeat(32) }] } },
  'GET /hashes/export': { success: 200 },
};

const MANIFEST_ROUTES = apiFunctions.flatMap((fn) =>
  fn.routes.map((routeKey) => ({ routeKey, isPublic: fn.publicRoutes?.includes(routeKey) ?? false })),
);

// ------------------------------------------------------------------------------------ the callers

type TokenKind = 'valid' | 'none' | 'expired' | 'foreignKey';

interface CallerKind {
  readonly label: string;
  readonly token: TokenKind;
  /** Whose token (for an expired or foreign token: chosen per route, see `standIn`). */
  readonly person?: Person;
  readonly withoutGroups?: boolean;
}

const CALLERS: readonly CallerKind[] = [
  { label: 'staff (staff-park)', token: 'valid', person: people.staff },
  { label: 'staff who filed (staff-kim)', token: 'valid', person: people.staffFiler },
  { label: 'staff who approved (staff-lee)', token: 'valid', person: people.staffApprover },
  { label: 'committee member (member-1)', token: 'valid', person: people.member },
  { label: 'recused member (member-2)', token: 'valid', person: people.recusedMember },
  { label: 'operator A', token: 'valid', person: people.operatorA },
  { label: 'operator B', token: 'valid', person: people.operatorB },
  { label: 'operator token without operatorId', token: 'valid', person: people.operatorUnlinked },
  { label: 'reporter A', token: 'valid', person: people.reporterA },
  { label: 'reporter B', token: 'valid', person: people.reporterB },
  { label: 'auditor', token: 'valid', person: people.auditor },
  { label: 'token without cognito:groups', token: 'valid', person: people.noGroup, withoutGroups: true },
  { label: 'no token', token: 'none' },
  { label: 'expired token', token: 'expired' },
  { label: 'token from another key', token: 'foreignKey' },
  { label: 'machine client of operator A (orders.read, orders.write)', token: 'valid', person: people.machineA },
  { label: 'machine client of operator A (orders.read)', token: 'valid', person: people.machineAReadOnly },
];

/**
 * Whose expired or foreign token: someone the route would let in, so that the 401 is the token's
 * doing and not the role's.
 */
function standIn(roles: readonly Role[] | undefined): Person {
  const candidates: Person[] = [people.staff, people.member, people.operatorA, people.reporterA, people.auditor];
  return candidates.find((person) => person.roles.some((role) => roles?.includes(role))) ?? people.staff;
}

// ------------------------------------------------------------------------------------ the table

interface Cell {
  readonly name: string;
  readonly routeKey: string;
  readonly spec: RouteSpec;
  readonly caller: CallerKind;
  readonly person: Person | undefined;
  readonly resource: Resource | undefined;
  readonly isPublic: boolean;
  readonly expected: number;
}

function cellsOf(routeKey: string, isPublic: boolean, spec: RouteSpec): Cell[] {
  const roles = Object.hasOwn(routeRoles, routeKey) ? routeRoles[routeKey] : undefined;
  const scope = Object.hasOwn(routeScopes, routeKey) ? routeScopes[routeKey] : undefined;
  const access: Access = {
    isPublic,
    roles,
    success: spec.success,
    ...(spec.act ? { act: spec.act } : {}),
    ...(scope === undefined ? {} : { scope }),
  };
  const resources: readonly (Resource | undefined)[] = spec.resources ?? [undefined];
  return resources.flatMap((resource) =>
    CALLERS.map((caller) => {
      const person = caller.token === 'none' ? undefined : (caller.person ?? standIn(roles));
      const facts: CallerFacts = {
        authenticated: caller.token === 'valid',
        userId: person?.userId ?? '',
        roles: person?.roles ?? [],
        ...(person?.operatorId === undefined ? {} : { operatorId: person.operatorId }),
        ...(person?.scopes === undefined ? {} : { scopes: person.scopes }),
      };
      const expected = expectedStatus(access, facts, resource);
      const who = caller.person || caller.token === 'none' ? caller.label : `${caller.label} (of ${person?.userId})`;
      const name = `${who}${resource ? ` → ${resource.label}` : ''}: ${expected}`;
      return { name, routeKey, spec, caller, person, resource, isPublic, expected };
    }),
  );
}

const TABLE = MANIFEST_ROUTES.flatMap(({ routeKey, isPublic }) => {
  const spec = Object.hasOwn(ROUTES, routeKey) ? ROUTES[routeKey] : undefined;
  return spec ? [{ routeKey, cells: cellsOf(routeKey, isPublic, spec) }] : [];
});

/**
 * Cells that find a bug in the product, by `cellId`: they run as `it.fails`, each with the bug named,
 * until the product is fixed. None is known: every cell answers as the contract says.
 */
const KNOWN_BUGS: Readonly<Record<string, string>> = {};
const cellId = (cell: Cell): string => `${cell.routeKey} | ${cell.name}`;

// ------------------------------------------------------------------------------------ running a cell

const world = useWorld({ resetEachTest: false });
let gateway: MatrixGateway;
let planted: WorldSnapshot;
let plantedItems: string;
/** Whether the table may differ from the planted world (an act was let through, or not checked). */
let dirty = false;
const tokens = new Map<string, Promise<string>>();

function tokenFor(cell: Cell): Promise<string> | undefined {
  const { caller, person } = cell;
  if (caller.token === 'none' || person === undefined) return undefined;
  const key = `${caller.token}|${caller.withoutGroups === true}|${person.userId}`;
  let token = tokens.get(key);
  if (!token) {
    token = gateway.token(person, {
      expired: caller.token === 'expired',
      foreignKey: caller.token === 'foreignKey',
      withoutGroups: caller.withoutGroups === true,
    });
    tokens.set(key, token);
  }
  return token;
}

const pathOf = (cell: Cell): string =>
  (cell.routeKey.split(' ')[1] ?? '/').replace(/\{\w+\}/, () => encodeURIComponent(cell.resource?.id ?? '')) +
  (cell.spec.query === undefined ? '' : `?${cell.spec.query}`);

async function send(cell: Cell): Promise<{ status: number; body: any }> {
  const method = cell.routeKey.split(' ')[0] ?? 'GET';
  const token = await tokenFor(cell);
  const response = await fetch(`${gateway.endpoint}${pathOf(cell)}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(cell.spec.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(cell.spec.body === undefined ? {} : { body: JSON.stringify(cell.spec.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * The table's items, in a stable order, to compare with the planted world. Left out: rate-limit
 * counters (the public routes count every request they answer, allowed or not) and the block
 * list's signing key (made on its first read): neither is a record a refused request could change.
 */
async function itemsNow(): Promise<string> {
  const snapshot = await world.snapshot();
  const records = snapshot.items.filter((item) => {
    const { pk, sk } = item as { pk?: { S?: string }; sk?: { S?: string } };
    return !pk?.S?.startsWith('RATE#') && !(pk?.S === 'BLOCKLIST' && sk?.S === 'SIGNING_KEY');
  });
  return JSON.stringify(records.map((item) => JSON.stringify(item)).sort());
}

/** Fails unless every ballot the answer shows is of a closed review, or the caller's own. */
async function expectNoOpenBallot(body: unknown, person: Person | undefined, where: string): Promise<void> {
  for (const evidence of ballotEvidence(body)) {
    const review = await getReview(evidence.reviewId);
    if (review?.status === 'CLOSED') continue;
    if (evidence.ownVote !== undefined && person && review?.votes[person.userId]?.decision === evidence.ownVote) continue;
    expect.fail(`${where} shows a ballot of review ${evidence.reviewId} (${review?.status ?? 'unknown'}) at ${evidence.path}`);
  }
}

function expectListing(cell: Cell, body: unknown): void {
  const { lists } = cell.spec;
  if (!lists || !cell.person) return;
  const person = cell.person;
  const caller: CallerFacts = {
    authenticated: true,
    userId: person.userId,
    roles: person.roles,
    ...(person.operatorId === undefined ? {} : { operatorId: person.operatorId }),
  };
  const text = JSON.stringify(body);
  const shown = lists.filter((resource) => text.includes(resource.id)).map((resource) => resource.id);
  const visible = lists.filter((resource) => maySee(caller, resource)).map((resource) => resource.id);
  expect(shown.sort(), 'what the listing shows').toEqual(visible.sort());
  // An operator's orders come with its own URLs: the checks for the others' would be empty otherwise.
  const side = (['A', 'B'] as const).find((candidate) => OPERATOR_ID[candidate] === person.operatorId);
  if (side) expect(text, "the operator's own URLs").toContain(SENTINEL.url(side));
}

async function run(cell: Cell): Promise<void> {
  const mutating = !cell.routeKey.startsWith('GET ');
  if (dirty) {
    await world.restore(planted);
    dirty = false;
  }
  if (mutating) dirty = true;
  const invokedBefore = gateway.invocations();
  const logged = gateway.log.length;

  // When
  const answer = await send(cell);

  // Then the status, and the contract's error body for a refusal
  const invoked = gateway.invocations() - invokedBefore;
  const context = `${cell.routeKey} for ${cell.caller.label}: ${JSON.stringify(answer.body)}`;
  expect(gateway.log.slice(logged), 'what the gateway logged').toEqual([]);
  expect(answer.status, context).toBe(cell.expected);
  const ok = answer.status >= 200 && answer.status < 300;
  if (!ok) expect(answer.body?.error?.code, context).toBe(ERROR_CODE[cell.expected]);

  // The gateway refused a bad token without running a handler; anything else reached the route's handler
  const refusedAtTheEdge = !cell.isPublic && cell.caller.token !== 'valid';
  expect(invoked, 'handler invocations').toBe(refusedAtTheEdge ? 0 : 1);
  if (cell.caller.token === 'none') {
    // And the handler alone, without the authorizer's claims (a route left open by mistake), refuses too
    const direct = answerOf(
      await gateway.handlerOf(cell.routeKey)(
        apiEvent(cell.routeKey, {
          caller: null,
          ...(cell.resource ? { pathParameters: { [paramOf(cell.routeKey)]: cell.resource.id } } : {}),
          ...(cell.spec.body === undefined ? {} : { body: cell.spec.body }),
        }),
      ),
    );
    const repeated = cell.expected === cell.spec.success ? (cell.spec.repeated ?? cell.expected) : cell.expected;
    expect(direct.statusCode, 'the handler without claims').toBe(cell.isPublic ? repeated : 401);
  }

  // Nothing an operator may not see; no open ballot to anyone; a listing shows what the caller may see
  if (cell.caller.token === 'valid' && cell.person?.roles.includes('operator') && !cell.spec.schemasOnly) {
    expect(operatorLeaks(answer.body, cell.person.operatorId, { strict: ok }), context).toEqual([]);
  }
  if (cell.caller.token === 'valid' && cell.person?.roles.includes('reporter')) {
    expect(reporterLeaks(answer.body, cell.person.userId), context).toEqual([]);
  }
  await expectNoOpenBallot(answer.body, cell.person, context);
  if (ok) expectListing(cell, answer.body);

  // A request that fails changes nothing (section 3)
  if (mutating && (!ok || invoked === 0)) {
    if (invoked > 0) expect(await itemsNow(), 'the table after a refused request').toBe(plantedItems);
    dirty = false;
  }
}

const paramOf = (routeKey: string): string => /\{(\w+)\}/.exec(routeKey)?.[1] ?? '';

// ------------------------------------------------------------------------------------ the tests

beforeAll(async () => {
  await plantWorld();
  planted = await world.snapshot();
  plantedItems = await itemsNow();
  gateway = await startMatrixGateway();
});

afterAll(async () => {
  await gateway?.close();
});

describe('the matrix covers every route', () => {
  it('gives every route of the manifest an access decision: public, or the roles of routeRoles', () => {
    const undecided = MANIFEST_ROUTES.filter(({ routeKey, isPublic }) => !isPublic && !Object.hasOwn(routeRoles, routeKey));
    expect(undecided.map(({ routeKey }) => routeKey)).toEqual([]);
    expect(Object.keys(routeRoles).filter((routeKey) => !MANIFEST_ROUTES.some((route) => route.routeKey === routeKey))).toEqual([]);
  });

  it('has a row for every route of the manifest, and none for a route that does not exist', () => {
    expect(MANIFEST_ROUTES.filter(({ routeKey }) => !Object.hasOwn(ROUTES, routeKey)).map(({ routeKey }) => routeKey)).toEqual([]);
    expect(Object.keys(ROUTES).filter((routeKey) => !MANIFEST_ROUTES.some((route) => route.routeKey === routeKey))).toEqual([]);
  });

  it('tries each of the seventeen kinds of caller on each resource of each route', () => {
    const cells = TABLE.flatMap(({ cells: routeCells }) => routeCells);
    expect(new Set(cells.map(cellId)).size).toBe(cells.length);
    expect(CALLERS).toHaveLength(17);
    for (const { routeKey, cells: routeCells } of TABLE) {
      expect(routeCells, routeKey).toHaveLength(CALLERS.length * (ROUTES[routeKey]?.resources?.length ?? 1));
    }
  });
});

describe('the checks see what they look for', () => {
  it('finds the ballots of a closed review, which staff may read', async () => {
    const confirmed = caseResource('confirmed case', CASES.confirmed);
    const cell = cellsOf('GET /cases/{caseId}', false, { success: 200, resources: [confirmed, confirmed, confirmed] })[0] as Cell;
    const answer = await send(cell);
    expect(answer.status).toBe(200);
    const evidence = ballotEvidence(answer.body);
    expect(evidence.map((found) => found.reviewId)).toContain(reviewResource('closed', CASES.confirmed).id);
    await expectNoOpenBallot(answer.body, people.staff, 'the closed review');
  });

  it('meets the ballots of an open review in its case’s audit, sealed', async () => {
    const reported = caseResource('case filed by reporter A', CASES.reportedA);
    const staffCell = cellsOf('GET /cases/{caseId}/audit', false, { success: 200, resources: [reported, reported, reported] })[0] as Cell;
    const answer = await send(staffCell);
    expect(answer.status).toBe(200);
    const ballots = answer.body.events.filter((event: { action: string }) => event.action === 'VOTE_CAST');
    expect(ballots).toEqual([
      expect.objectContaining({ actor: 'member-3', details: { reviewId: reviewResource('open', CASES.reportedA).id, sealed: true } }),
    ]);
  });

  it('finds an open review’s ballot, a sealed ballot’s decision and a ballot’s reason', () => {
    const reviewId = reviewResource('open', CASES.reportedA).id;
    expect(ballotEvidence({ reviews: [{ reviewId, status: 'OPEN', votes: {} }] })).toHaveLength(1);
    expect(ballotEvidence({ events: [{ action: 'VOTE_CAST', details: { reviewId, decision: 'REVOKE' } }] })).toHaveLength(1);
    expect(ballotEvidence({ note: `${SENTINEL.ballot}-${reviewId}` })).toEqual([expect.objectContaining({ reviewId })]);
    expect(ballotEvidence({ events: [{ action: 'VOTE_CAST', details: { reviewId, sealed: true } }] })).toEqual([]);
  });

  it('finds what an operator or a reporter must not see', () => {
    expect(operatorLeaks({ summary: `${SENTINEL.summary}-1` }, OPERATOR_ID.A, { strict: true })).toHaveLength(1);
    expect(operatorLeaks({ urls: [`https://operator-b.example/${SENTINEL.url('B')}`] }, OPERATOR_ID.A, { strict: true })).toHaveLength(2);
    expect(operatorLeaks({ urls: [`https://operator-b.example/${SENTINEL.url('B')}`] }, OPERATOR_ID.A, { strict: false })).toHaveLength(1);
    expect(operatorLeaks({ reporter: { kind: 'POLICE' } }, undefined, { strict: false })).toHaveLength(2);
    expect(operatorLeaks({ urls: [`https://operator-a.example/${SENTINEL.url('A')}`] }, OPERATOR_ID.A, { strict: true })).toEqual([]);
    expect(reporterLeaks({ reference: `${SENTINEL.reference}-${CASES.reportedB.n}` }, people.reporterA.userId)).toHaveLength(1);
    expect(reporterLeaks({ reference: `${SENTINEL.reference}-${CASES.reportedA.n}` }, people.reporterA.userId)).toEqual([]);
  });
});

// One test per cell, named in full (route, caller, resource, expected status), so that a failure names its cell.
for (const { routeKey, cells } of TABLE) {
  describe(routeKey, () => {
    for (const cell of cells) {
      const bug = Object.hasOwn(KNOWN_BUGS, cellId(cell)) ? KNOWN_BUGS[cellId(cell)] : undefined;
      if (bug === undefined) it(cell.name, () => run(cell));
      else it.fails(`${cell.name} (known bug: ${bug})`, () => run(cell));
    }
  });
}

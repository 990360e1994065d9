/**
 * The world of the authorization matrix: who calls (one identity per caller kind) and what exists
 * (cases, orders, reviews, operators of two sides, A and B), with recognisable sentinel strings in
 * everything a caller must not see. The ids and the facts the rules need (who filed, who
 * approved, whose order, who recused or voted) are fixed here, before any test runs, so that the
 * table of cells can be generated at collection time; `plantWorld` then writes exactly this world
 * through the deciders (`plant.*`, and ballots and recusals as the review's own commands).
 */
import { exportJWK, generateKeyPair } from 'jose';
import type { MachineScope } from '../../../../shared/domain/authz';
import { orderDecider } from '../../../../shared/domain/deciders/order';
import { referralDecider } from '../../../../shared/domain/deciders/referral';
import { reviewDecider } from '../../../../shared/domain/deciders/review';
import { appealIdFor, caseIdFrom, orderIdFor, reviewIdFor, ulidFrom } from '../../../../shared/domain/ids';
import { normalizeObjectionCode, objectionCodeHash } from '../../../../shared/domain/objections';
import { referralIdOf } from '../../../../shared/domain/referrals';
import type { CaseRecord, CaseUrl, OrderRecord, Role, VoteDecision } from '../../../../shared/domain/model';
import { act } from '../../../../shared/services/acts';
import { closeReviewAtDeadline } from '../../../../shared/services/reviews';
import { refs } from '../../../../shared/store/keys';
import { putObjectionCode, putObjectionReference } from '../../../../shared/store/objections';
import { writeUrls } from '../../../../shared/store/repository';
import { putWebhookEndpoint } from '../../../../shared/store/webhooks';
import { plant } from '../../../support/given';
import { aCase, anOperator, anOrder, aProposedFine, aReview } from '../../../support/records';

export type Side = 'A' | 'B';

export interface Person {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly operatorId?: string;
  /** A machine client (client-credentials grant): the scopes granted to it. */
  readonly scopes?: readonly MachineScope[];
}

export const OPERATOR_ID: Record<Side, string> = { A: 'operator-a', B: 'operator-b' };

/** One identity per caller kind that holds a valid token. */
export const people = {
  staff: { userId: 'staff-park', roles: ['staff'] },
  staffFiler: { userId: 'staff-kim', roles: ['staff'] },
  staffApprover: { userId: 'staff-lee', roles: ['staff'] },
  member: { userId: 'member-1', roles: ['committee'] },
  recusedMember: { userId: 'member-2', roles: ['committee'] },
  operatorA: { userId: 'op-user-a', roles: ['operator'], operatorId: OPERATOR_ID.A },
  operatorB: { userId: 'op-user-b', roles: ['operator'], operatorId: OPERATOR_ID.B },
  operatorUnlinked: { userId: 'op-user-unlinked', roles: ['operator'] },
  reporterA: { userId: 'reporter-a', roles: ['reporter'] },
  reporterB: { userId: 'reporter-b', roles: ['reporter'] },
  auditor: { userId: 'auditor-1', roles: ['auditor'] },
  noGroup: { userId: 'nobody', roles: [] },
  machineA: { userId: 'operator-a-system', roles: ['operator'], operatorId: OPERATOR_ID.A, scopes: ['orders.read', 'orders.write'] },
  machineAReadOnly: { userId: 'operator-a-reader', roles: ['operator'], operatorId: OPERATOR_ID.A, scopes: ['orders.read'] },
} as const satisfies Record<string, Person>;

/** Strings that must never reach a caller who may not see them. */
export const SENTINEL = {
  summary: 'SENTINEL-SUMMARY',
  reference: 'SENTINEL-REF',
  /** In every URL of the side's operator. */
  url: (side: Side) => `SENTINEL-${side}`,
  unassigned: 'SENTINEL-UNASSIGNED',
  /** In the reason of every ballot cast in a review that is not closed: `SENTINEL-BALLOT-<reviewId>`. */
  ballot: 'SENTINEL-BALLOT',
  /** An operator's compliance note: nothing a reporter is told. */
  note: 'SENTINEL-NOTE',
} as const;

export const REPORTER_KIND = 'POLICE';

/** Far from the wall clock, so the handlers' own `now` decides nothing. */
const FAR = '2999-01-01T00:00:00.000Z';
const FAR_GRACE = '2999-01-08T00:00:00.000Z';
const day = (d: number, hour = 0): string => `2026-03-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

const minutesAfter = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** A case's id encodes when it was filed: `n` minutes into 1 March. */
function caseIdOfNumber(n: number): string {
  return caseIdFrom(ulidFrom(Date.parse(minutesAfter(day(1), n)), new Uint8Array(10).fill(n)));
}

const createdAtOf = (planned: { n: number }): string => minutesAfter(day(1), planned.n);

type OrderShape = 'open' | 'confirmed' | 'undelivered' | 'nonCompliant' | 'fineProposed' | 'fineDue' | 'revoked';

interface PlannedReview {
  readonly shape: 'open' | 'closed' | 'escalated';
  readonly ballots: readonly (readonly [member: string, decision: VoteDecision])[];
  readonly recused: readonly string[];
}

export interface PlannedCase {
  readonly n: number;
  readonly caseId: string;
  readonly status: CaseRecord['status'];
  readonly filedBy: string;
  readonly approvedBy: readonly string[];
  readonly orders?: OrderShape;
  readonly review?: PlannedReview;
}

function planned(n: number, rest: Omit<PlannedCase, 'n' | 'caseId'>): PlannedCase {
  return { n, caseId: caseIdOfNumber(n), ...rest };
}

export const CASES = {
  /** Filed by reporter A, under post-review: open orders to both operators; member-2 recused, member-3 voted. */
  reportedA: planned(1, {
    status: 'UNDER_POST_REVIEW',
    filedBy: people.reporterA.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'open',
    review: { shape: 'open', ballots: [['member-3', 'REVOKE']], recused: [people.recusedMember.userId] },
  }),
  /** Filed by reporter B, under post-review: open orders to both operators; member-4 voted. */
  reportedB: planned(2, {
    status: 'UNDER_POST_REVIEW',
    filedBy: people.reporterB.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'open',
    review: { shape: 'open', ballots: [['member-4', 'CONFIRM']], recused: [] },
  }),
  /** Confirmed, in its appeal window: both orders complied (with a note) and appealable; its review closed. */
  confirmed: planned(3, {
    status: 'APPEAL_WINDOW',
    filedBy: people.reporterA.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'confirmed',
    review: {
      shape: 'closed',
      ballots: [
        ['member-3', 'CONFIRM'],
        ['member-4', 'CONFIRM'],
        ['member-5', 'CONFIRM'],
      ],
      recused: [],
    },
  }),
  /** Orders issued whose notices did not reach either operator. */
  undelivered: planned(4, {
    status: 'ORDERS_ISSUED',
    filedBy: people.reporterB.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'undelivered',
  }),
  /** Filed by staff-kim, approved once by staff-lee: one more approval issues the orders. */
  pendingA: planned(5, { status: 'PENDING_APPROVAL', filedBy: people.staffFiler.userId, approvedBy: [people.staffApprover.userId] }),
  /** Filed by reporter B, not approved yet. */
  pendingB: planned(6, { status: 'PENDING_APPROVAL', filedBy: people.reporterB.userId, approvedBy: [] }),
  /** Filed by staff-kim, approved by staff-lee: its review found no quorum twice and waits for staff. */
  escalatedA: planned(7, {
    status: 'UNDER_POST_REVIEW',
    filedBy: people.staffFiler.userId,
    approvedBy: [people.staffApprover.userId, 'staff-choi'],
    review: { shape: 'escalated', ballots: [['member-3', 'REVOKE']], recused: [] },
  }),
  /** Filed by reporter B, approved by two other staff members: escalated too. */
  escalatedB: planned(8, {
    status: 'UNDER_POST_REVIEW',
    filedBy: people.reporterB.userId,
    approvedBy: ['staff-choi', 'staff-yoon'],
    review: { shape: 'escalated', ballots: [['member-4', 'CONFIRM']], recused: [] },
  }),
  /** Orders whose grace period ended without compliance: they wait for staff's decision. */
  nonCompliant: planned(9, {
    status: 'ORDERS_ISSUED',
    filedBy: people.reporterA.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'nonCompliant',
  }),
  /** Closed; its overdue orders carry a proposed fine whose opinion period runs far from the wall clock. */
  fineProposed: planned(10, {
    status: 'CLOSED',
    filedBy: people.reporterA.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'fineProposed',
  }),
  /** Closed; its orders' proposed fines ended their opinion period: staff may decide them. */
  fineDue: planned(11, {
    status: 'CLOSED',
    filedBy: people.reporterB.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'fineDue',
  }),
  /** Revoked by the committee after both operators removed the content: each is told to restore it. */
  revoked: planned(12, {
    status: 'REVOKED',
    filedBy: people.reporterB.userId,
    approvedBy: ['staff-lee', 'staff-choi'],
    orders: 'revoked',
  }),
} as const satisfies Record<string, PlannedCase>;

export const ALL_CASES: readonly PlannedCase[] = Object.values(CASES);

/** A case id, order id, review id and operator id that exist nowhere. */
export const MISSING_CASE_ID = caseIdOfNumber(42);
export const MISSING = {
  caseId: MISSING_CASE_ID,
  /** Addressed to operator A, so that operator A's own prefix check passes and the lookup decides. */
  orderId: orderIdFor(MISSING_CASE_ID, OPERATOR_ID.A),
  reviewId: reviewIdFor(MISSING_CASE_ID, 'POST_REVIEW'),
  operatorId: 'operator-z',
  partnerId: 'partner-z',
};

/**
 * Two partners: the registry is staff's alone, so no side of the world owns one. Partner A signs
 * its messages with `PARTNER_A_KEY`; each was referred case 1's request to operator A or B.
 */
export const PARTNER_IDS = ['partner-a', 'partner-b'] as const;
export const PARTNER_A_KEY = await generateKeyPair('ES256', { extractable: true });
const { x = '', y = '' } = await exportJWK(PARTNER_A_KEY.publicKey);
/** The referral of each side's request of case 1 (to partner A for side A, to partner B for side B). */
export const referralIdOfSide = (side: Side): string => referralIdOf(orderIdFor(CASES.reportedA.caseId, OPERATOR_ID[side]));

export const orderIdOf = (planned: PlannedCase, side: Side): string => orderIdFor(planned.caseId, OPERATOR_ID[side]);
export const reviewIdOf = (planned: PlannedCase): string => reviewIdFor(planned.caseId, 'POST_REVIEW');

/** The URLs of a case: one per operator and one that no operator claims, each with its sentinel. */
export function urlsOf(planned: PlannedCase): CaseUrl[] {
  return [
    { url: `https://operator-a.example/${SENTINEL.url('A')}/${planned.n}`, host: 'operator-a.example', operatorId: OPERATOR_ID.A },
    { url: `https://cdn.operator-b.example/${SENTINEL.url('B')}/${planned.n}`, host: 'cdn.operator-b.example', operatorId: OPERATOR_ID.B },
    { url: `https://nobody.example/${SENTINEL.unassigned}/${planned.n}`, host: 'nobody.example', operatorId: null },
  ];
}

// ------------------------------------------------------------------------------------ facts

/** What the rules know about a resource a path parameter names. */
export interface Resource {
  readonly label: string;
  readonly id: string;
  readonly exists: boolean;
  /** Orders: the operator the order is addressed to. */
  readonly operatorId?: string;
  /** Cases, and the orders and reviews of a case: who filed the case. */
  readonly filedBy?: string;
  /** Who approved the case (the urgent decision). */
  readonly approvedBy?: readonly string[];
  /** Reviews: members eligible, recused, and who voted. */
  readonly eligible?: readonly string[];
  readonly recused?: readonly string[];
  readonly voted?: readonly string[];
  /** A published document (a policy version): whoever may use its route may read it. */
  readonly published?: boolean;
}

const COMMITTEE = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'];

export function caseResource(label: string, planned: PlannedCase): Resource {
  return { label, id: planned.caseId, exists: true, filedBy: planned.filedBy, approvedBy: planned.approvedBy };
}

export function orderResource(label: string, planned: PlannedCase, side: Side): Resource {
  return { label, id: orderIdOf(planned, side), exists: true, operatorId: OPERATOR_ID[side], filedBy: planned.filedBy };
}

export function reviewResource(label: string, planned: PlannedCase): Resource {
  const review = planned.review;
  if (!review) throw new Error(`case ${planned.n} has no review`);
  return {
    label,
    id: reviewIdOf(planned),
    exists: true,
    filedBy: planned.filedBy,
    approvedBy: planned.approvedBy,
    eligible: COMMITTEE,
    recused: review.recused,
    voted: review.ballots.map(([member]) => member),
  };
}

export function operatorResource(label: string, side: Side): Resource {
  return { label, id: OPERATOR_ID[side], exists: true };
}

export function partnerResource(label: string, partnerId: string): Resource {
  return { label, id: partnerId, exists: true };
}

export function missingResource(label: string, id: string): Resource {
  return { label, id, exists: false };
}

/** Every case, order, review and operator of the world, for what a listing must and must not show. */
export const everything = {
  cases: ALL_CASES.map((c) => caseResource(`case ${c.n}`, c)),
  orders: ALL_CASES.flatMap((c) => (c.orders ? (['A', 'B'] as const).map((side) => orderResource(`order ${c.n}${side}`, c, side)) : [])),
  reviews: ALL_CASES.flatMap((c) => (c.review ? [reviewResource(`review ${c.n}`, c)] : [])),
  operators: (['A', 'B'] as const).map((side) => operatorResource(`operator ${side}`, side)),
};

// ------------------------------------------------------------------------------------ planting

function orderOf(planned: PlannedCase, side: Side, shape: OrderShape, now: number): OrderRecord {
  const base = anOrder({
    caseId: planned.caseId,
    operatorId: OPERATOR_ID[side],
    category: 'ILLEGAL_FILMING',
    urlCount: 1,
    issuedAt: day(2, 1),
    deadlineAt: FAR,
    graceEndsAt: FAR_GRACE,
  });
  switch (shape) {
    case 'open':
      return base;
    case 'confirmed':
      return {
        ...base,
        status: 'CONFIRMED',
        complianceStatus: 'COMPLIED',
        decisionStatus: 'CONFIRMED',
        acknowledgedAt: day(2, 2),
        compliedAt: day(2, 3),
        complianceAction: 'DELETED',
        complianceNote: `${SENTINEL.note}: removed, ticket ${planned.n}${side}`,
        appealDeadline: FAR,
        appealWindowOpenedAt: day(9),
      };
    case 'undelivered': {
      // Undelivered an hour ago: well inside the policy's window for resending.
      const { deadlineAt: _deadline, graceEndsAt: _grace, ...unclocked } = base;
      return {
        ...unclocked,
        status: 'UNDELIVERED',
        complianceStatus: 'UNDELIVERED',
        undeliveredAt: new Date(now - 3_600_000).toISOString(),
        undeliveredReason: 'the order notice bounced',
      };
    }
    case 'nonCompliant':
      return {
        ...base,
        status: 'OVERDUE',
        complianceStatus: 'OVERDUE',
        deadlineAt: day(3, 1),
        graceEndsAt: day(10, 1),
        overdueAt: day(3, 1),
        nonComplianceRecordedAt: day(10, 1),
      };
    case 'fineProposed':
    case 'fineDue': {
      const overdue = { ...base, status: 'CONFIRMED' as const, complianceStatus: 'OVERDUE' as const, decisionStatus: 'CONFIRMED' as const };
      return { ...overdue, fine: aProposedFine({ opinionDueAt: shape === 'fineDue' ? day(20) : FAR }) };
    }
    case 'revoked':
      return {
        ...base,
        status: 'REVOKED',
        complianceStatus: 'COMPLIED',
        decisionStatus: 'REVOKED',
        compliedAt: day(2, 3),
        complianceAction: 'DELETED',
        reinstatement: { instruction: 'REINSTATE', status: 'PENDING', instructedAt: day(9) },
      };
  }
}

async function plantReview(planned: PlannedCase, review: PlannedReview): Promise<void> {
  const reviewId = reviewIdOf(planned);
  const ref = refs.review(reviewId);
  const escalated = review.shape === 'escalated';
  await plant.review(
    aReview({
      reviewId,
      caseId: planned.caseId,
      orderIds: planned.orders ? [orderIdOf(planned, 'A'), orderIdOf(planned, 'B')].sort() : [],
      openedAt: day(2, 1),
      // An escalated review ran out of time (twice); the others close far from the wall clock.
      closesAt: escalated ? day(9, 1) : FAR,
    }),
  );
  for (const member of review.recused) {
    await act(reviewDecider, ref, { type: 'RECUSE', memberId: member, reason: `recused from ${reviewId}` }, day(3));
  }
  for (const [member, decision] of review.ballots) {
    // A ballot of a review that will be closed carries no sentinel: it may be shown once closed.
    const reason = review.shape === 'closed' ? 'the order stands' : `${SENTINEL.ballot}-${reviewId}`;
    await act(reviewDecider, ref, { type: 'VOTE', memberId: member, decision, reason }, day(3, 1));
  }
  if (escalated) {
    // No quorum at the deadline: extended once; no quorum again: escalated to staff.
    expectDecision(await closeReviewAtDeadline(reviewId, day(9, 1)), reviewId);
    expectDecision(await closeReviewAtDeadline(reviewId, '2026-04-30T00:00:00.000Z'), reviewId);
  }
}

function expectDecision(decision: { decided: boolean }, reviewId: string): void {
  if (decision.decided) throw new Error(`review ${reviewId} was decided while it was being escalated`);
}

/** The objection code of the confirmed case's order to operator A, as its notice would carry it. */
export const OBJECTION_CODE = '0123-4567-89AB-CDEF-GHJK-MNPQ';
/** Two posters' objections to the confirmed case's order to operator B, by their references. */
export const OBJECTION_REFERENCES = ['OBJ-0000000000000001', 'OBJ-0000000000000002'] as const;

export function objectionResource(label: string, reference: string): Resource {
  return { label, id: reference, exists: true };
}

async function plantObjections(): Promise<void> {
  await putObjectionCode(objectionCodeHash(normalizeObjectionCode(OBJECTION_CODE) ?? ''), {
    orderId: orderIdOf(CASES.confirmed, 'A'),
    createdAt: day(2, 1),
  });
  const orderId = orderIdOf(CASES.confirmed, 'B');
  const appealId = appealIdFor(CASES.confirmed.caseId, OPERATOR_ID.B);
  for (const reference of OBJECTION_REFERENCES) {
    await putObjectionReference(reference, { appealId, orderId });
    const grounds = `I posted this myself (${reference}).`;
    await act(orderDecider, refs.order(orderId), { type: 'OBJECT_AS_POSTER', objectionId: reference, appealId, grounds }, day(10));
  }
}

/** Writes the planned world; call on a fresh world, then snapshot it. */
export async function plantWorld(now = Date.now()): Promise<void> {
  for (const side of ['A', 'B'] as const) {
    const domain = `operator-${side.toLowerCase()}.example`;
    await plant.operator(
      anOperator({
        operatorId: OPERATOR_ID[side],
        name: `Operator ${side}`,
        domains: [domain],
        contactEmails: [`notices@${domain}`],
        // As its registration leaves it (shared/services/webhooks.ts): the endpoint below is active.
        webhookActive: true,
      }),
    );
    await putWebhookEndpoint({
      operatorId: OPERATOR_ID[side],
      url: `https://hooks.${domain}/urgent-deliberation`,
      secret: `whsec_${Buffer.from(`operator ${side}'s signing secret`).toString('base64')}`,
      status: 'ACTIVE',
      createdAt: new Date(now - 86_400_000).toISOString(),
    });
  }
  for (const partnerId of PARTNER_IDS) {
    await plant.partner({
      partnerId,
      name: `Partner ${partnerId}`,
      countries: ['FR'],
      contact: `referrals@${partnerId}.example`,
      ...(partnerId === 'partner-a' ? { publicKey: { kty: 'EC' as const, crv: 'P-256' as const, x, y } } : {}),
      language: 'fr',
      updatedAt: new Date(now - 86_400_000).toISOString(),
    });
  }
  for (const planned of ALL_CASES) {
    const urls = urlsOf(planned);
    await writeUrls(planned.caseId, urls);
    const pending = planned.status === 'PENDING_APPROVAL';
    await plant.case(
      aCase({
        caseId: planned.caseId,
        status: planned.status,
        createdAt: createdAtOf(planned),
        createdBy: planned.filedBy,
        reporter: { kind: REPORTER_KIND, reference: `${SENTINEL.reference}-${planned.n}` },
        summary: `${SENTINEL.summary}-${planned.n}: the victim asked the police for help`,
        urlCount: urls.length,
        approvals: planned.approvedBy.map((by, index) => ({ by, at: minutesAfter(createdAtOf(planned), 10 + index), decision: 'APPROVE' })),
        ...(pending ? {} : { ordersIssuedAt: day(2, 1) }),
      }),
    );
    if (planned.orders) {
      for (const side of ['A', 'B'] as const) await plant.order(orderOf(planned, side, planned.orders, now));
    }
    if (planned.review) await plantReview(planned, planned.review);
  }
  await plantObjections();
  for (const [side, partnerId] of [
    ['A', 'partner-a'],
    ['B', 'partner-b'],
  ] as const) {
    const orderId = orderIdFor(CASES.reportedA.caseId, OPERATOR_ID[side]);
    await act(referralDecider, refs.referral(referralIdOf(orderId)), {
      type: 'OPEN',
      referral: {
        referralId: referralIdOf(orderId),
        caseId: CASES.reportedA.caseId,
        orderId,
        operatorId: OPERATOR_ID[side],
        partnerId,
        country: 'FR',
        channel: 'EMAIL',
        status: 'PENDING',
        createdAt: new Date(now - 3_600_000).toISOString(),
        category: 'ILLEGAL_FILMING',
        urls: [{ url: `https://operator-${side.toLowerCase()}.example/${SENTINEL.url(side)}/referred` }],
        legalBasis: 'the legal basis at home',
        attempts: [],
      },
    });
  }
}

/**
 * The statement of reasons every order carries, in its ORDER notice and in the API: what an
 * authority's order must state under EU DSA Art. 9(2) and the TCO Regulation's Annex I template
 * (legal basis, reasons and facts, the issuing authority, the content concerned, the deadline, the
 * remedies and their time limits), and what Korea's 2015 amendment asks of a correction request
 * (the affected party told its routes of appeal). One pure function builds it, so the notice and
 * the API cannot say different things.
 *
 * Who decided is stated by role and number ("two commission staff members approved it; the
 * committee reviews it afterwards"), never by name or id: the law asks for the issuing authority,
 * not its officials, and the operator (and through it whoever posted the content) has no need of
 * the names of the staff who acted against that content, whom naming would expose to pressure.
 * Each approver's id stays on the case's audit chain, for the commission and its auditors.
 */
import type { Approval, Category, OrderAction, OrderRecord, Procedure } from './model';
import { assertNever } from './model';
import type { Policy, PolicyRemedy } from './policy';

export interface Bilingual {
  readonly ko: string;
  readonly en: string;
}

/** Who made the order: a body and, for staff, how many of them; and who reviews it afterwards. */
export type DecisionMakers =
  | { readonly body: 'COMMISSION_STAFF'; readonly members: number; readonly reviewedAfterwardsBy: 'COMMITTEE' }
  | { readonly body: 'COMMITTEE' };

export interface Remedy {
  /** OBJECTION: to the commission itself, once its committee has confirmed the order. */
  readonly kind: 'OBJECTION' | PolicyRemedy['kind'];
  readonly body: Bilingual;
  /** ISO 8601 duration; absent where the forum's own law sets it. */
  readonly window?: string;
  /** What the window counts from. */
  readonly from: 'CONFIRMATION' | 'NOTICE';
  /** The objection's last moment, once the committee has confirmed the order. */
  readonly deadline?: string;
  readonly basis?: Bilingual;
}

export interface StatementOfReasons {
  readonly orderId: string;
  readonly legalBasis: Bilingual;
  readonly issuingAuthority: { readonly name: Bilingual; readonly contact: string };
  readonly decidedBy: DecisionMakers;
  readonly facts: {
    readonly category: Category;
    readonly action: OrderAction;
    /** The approvers' reasons, in the order they were given (each wording once): the facts the order rests on. */
    readonly grounds: readonly string[];
    /** The operator's own URLs the order concerns. */
    readonly urls: readonly string[];
  };
  readonly issuedAt: string;
  /** Absent while the ORDER notice, which starts the clock, has not been accepted. */
  readonly deadlineAt?: string;
  readonly remedies: readonly Remedy[];
}

export interface StatementInput {
  readonly policy: Pick<Policy, 'legalBasis' | 'authority' | 'appealWindow' | 'remedies'>;
  readonly procedure: Procedure;
  readonly order: Pick<OrderRecord, 'orderId' | 'category' | 'action' | 'issuedAt' | 'deadlineAt' | 'appealDeadline'>;
  readonly approvals: readonly Approval[];
  /** The URLs of this order's operator only (the caller picks them). */
  readonly urls: readonly string[];
}

function decisionMakers(procedure: Procedure, approvals: readonly Approval[]): DecisionMakers {
  switch (procedure) {
    case 'interim-then-review':
      return {
        body: 'COMMISSION_STAFF',
        members: approvals.filter((approval) => approval.decision === 'APPROVE').length,
        reviewedAfterwardsBy: 'COMMITTEE',
      };
    case 'vote-first':
      return { body: 'COMMITTEE' };
    default:
      return assertNever(procedure, 'procedure');
  }
}

export function statementOfReasons(input: StatementInput): StatementOfReasons {
  const { policy, order, approvals, urls, procedure } = input;
  const objection: Remedy = {
    kind: 'OBJECTION',
    body: policy.authority.name,
    window: policy.appealWindow,
    from: 'CONFIRMATION',
    ...(order.appealDeadline === undefined ? {} : { deadline: order.appealDeadline }),
  };
  const others = policy.remedies.map(
    (remedy): Remedy => ({
      kind: remedy.kind,
      body: remedy.body,
      from: 'NOTICE',
      basis: remedy.basis,
      ...(remedy.window === undefined ? {} : { window: remedy.window }),
    }),
  );
  return {
    orderId: order.orderId,
    legalBasis: policy.legalBasis,
    issuingAuthority: { name: policy.authority.name, contact: policy.authority.replyTo },
    decidedBy: decisionMakers(procedure, approvals),
    facts: {
      category: order.category,
      action: order.action,
      // Two approvers who gave the same words state one fact: the notice says it once.
      grounds: [
        ...new Set(
          approvals.flatMap((approval) =>
            approval.decision === 'APPROVE' && approval.reason !== undefined && approval.reason.trim() !== ''
              ? [approval.reason.trim()]
              : [],
          ),
        ),
      ],
      urls: [...urls],
    },
    issuedAt: order.issuedAt,
    ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
    remedies: [objection, ...others],
  };
}

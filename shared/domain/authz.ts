/**
 * Who may do what (CONTRACT.md sections 2 to 6). A route the caller's role may not use is 403;
 * a resource the caller may not see is 404, so that its existence does not leak. Pure.
 */
import { ConflictError, ForbiddenError, NotFoundError } from './errors';
import type { CaseRecord, OrderRecord, Role } from './model';
import type { Policy } from './policy';

export interface Identity {
  userId: string;
  roles: Role[];
  operatorId?: string;
  /**
   * A machine client's granted scopes (the token's `scope` claim); absent for a person. A machine
   * client acts for its operator only, and only on the routes its scopes cover (`routeScopes`).
   */
  scopes?: MachineScope[];
}

/** What a machine client may be granted (CONTRACT.md section 12; Cognito's resource server scopes). */
export const MACHINE_SCOPES = ['orders.read', 'orders.write', 'blocklist.read', 'hashes.match'] as const;
export type MachineScope = (typeof MACHINE_SCOPES)[number];

/**
 * The scope each route needs from a machine client. A route absent here refuses machine clients
 * (403), whatever their scopes: staff, committee, reporter and auditor routes are for people. The
 * block list and hash routes (CONTRACT.md sections 10 and 11) are listed ahead of their handlers
 * so that a machine client's scopes cover them the day they are served.
 */
export const routeScopes: Readonly<Record<string, MachineScope>> = {
  'GET /operator/orders': 'orders.read',
  'GET /policies/current': 'orders.read',
  'GET /policies/{version}': 'orders.read',
  'POST /operator/orders/{orderId}/acknowledge': 'orders.write',
  'POST /operator/orders/{orderId}/compliance': 'orders.write',
  'POST /operator/orders/{orderId}/compliance/urls': 'orders.write',
  'POST /operator/orders/bulk': 'orders.write',
  'POST /operator/orders/{orderId}/appeal': 'orders.write',
  'POST /operator/orders/{orderId}/fine/opinion': 'orders.write',
  'POST /operator/orders/{orderId}/reinstatement': 'orders.write',
  'PUT /operator/webhook': 'orders.write',
  'GET /operator/webhook': 'orders.read',
  'DELETE /operator/webhook': 'orders.write',
  'GET /operator/webhook/deliveries': 'orders.read',
  'GET /isp/blocklist': 'blocklist.read',
  'GET /isp/blocklist/changes': 'blocklist.read',
  'GET /isp/blocklist/key': 'blocklist.read',
  'POST /hashes/match': 'hashes.match',
  'GET /hashes/export': 'hashes.match',
};

/**
 * A `scope` claim's scopes that this API grants. Cognito names a resource server's scope
 * `<identifier>/<scope>`; the local runtime names it plainly. Scopes of other APIs are ignored.
 */
export function parseScopes(raw: unknown): MachineScope[] {
  if (typeof raw !== 'string') return [];
  const granted = raw.split(/\s+/).map((scope) => scope.slice(scope.lastIndexOf('/') + 1));
  return MACHINE_SCOPES.filter((scope) => granted.includes(scope));
}

function assertScopeAllowed(scopes: readonly MachineScope[], routeKey: string): void {
  const needed = Object.hasOwn(routeScopes, routeKey) ? routeScopes[routeKey] : undefined;
  if (needed === undefined) throw new ForbiddenError(`${routeKey} is for people signed in, not for machine clients.`);
  if (!scopes.includes(needed)) {
    throw new ForbiddenError(`${routeKey} needs the scope ${needed}; ask the commission to grant it to this client.`);
  }
}

/**
 * Roles allowed on each route of infra/functions.ts (the domain does not import infra; a unit
 * test checks that the two lists name the same routes). `GET /health` is public.
 */
export const routeRoles: Record<string, Role[]> = {
  'POST /reports': ['staff', 'reporter'],
  'GET /reports': ['reporter'],
  'GET /cases': ['staff', 'committee', 'auditor'],
  'GET /cases/{caseId}': ['staff', 'committee', 'auditor'],
  'GET /cases/{caseId}/audit': ['staff', 'auditor'],
  'POST /cases/{caseId}/approvals': ['staff'],
  'GET /orders': ['staff', 'auditor'],
  'POST /orders/{orderId}/resend': ['staff'],
  'GET /operators': ['staff', 'auditor'],
  'POST /operators': ['staff'],
  'PATCH /operators/{operatorId}': ['staff'],
  'GET /operators/{operatorId}/audit': ['staff', 'auditor'],
  'GET /operator/orders': ['operator'],
  'POST /operator/orders/{orderId}/acknowledge': ['operator'],
  'POST /operator/orders/{orderId}/compliance': ['operator'],
  'POST /operator/orders/{orderId}/compliance/urls': ['operator'],
  'POST /operator/orders/bulk': ['operator'],
  'POST /operator/orders/{orderId}/appeal': ['operator'],
  'GET /committee/reviews': ['committee'],
  'POST /committee/reviews/{reviewId}/votes': ['committee'],
  'POST /committee/reviews/{reviewId}/recusal': ['committee'],
  'POST /committee/reviews/{reviewId}/decision': ['staff'],
  'POST /orders/{orderId}/non-compliance': ['staff'],
  'GET /statistics': ['staff', 'auditor'],
  'POST /cases/{caseId}/follow-ups': ['staff'],
  'POST /reports/duplicates': ['staff', 'reporter'],
  // A policy is the published rules (durations, votes, fines, legal basis), with no case in it:
  // an operator reads the version its order cites, or any other.
  'GET /policies/current': ['staff', 'committee', 'auditor', 'operator'],
  'GET /policies/{version}': ['staff', 'committee', 'auditor', 'operator'],
  'POST /orders/{orderId}/deadline': ['staff'],
  'POST /operator/orders/{orderId}/fine/opinion': ['operator'],
  'POST /orders/{orderId}/fine/decision': ['staff'],
  'POST /operator/orders/{orderId}/reinstatement': ['operator'],
  // Of the operators, only access providers (kind ISP): shared/domain/blocklist.ts refuses a host.
  'GET /isp/blocklist': ['staff', 'auditor', 'operator'],
  'GET /isp/blocklist/changes': ['staff', 'auditor', 'operator'],
  'GET /isp/blocklist/key': ['staff', 'auditor', 'operator'],
  // The hash list carries no case, URL or reporter (docs/hashes.md): operators filter uploads with it.
  'POST /hashes/match': ['operator'],
  'GET /hashes/export': ['operator'],
  'PUT /operator/webhook': ['operator'],
  'GET /operator/webhook': ['operator'],
  'DELETE /operator/webhook': ['operator'],
  'GET /operator/webhook/deliveries': ['operator'],
  // The partners registry says whom referrals reach and whose signatures are trusted: staff keep it.
  'GET /partners': ['staff'],
  'POST /partners': ['staff'],
  'GET /partners/{partnerId}': ['staff'],
  'PATCH /partners/{partnerId}': ['staff'],
};

export function assertRouteAllowed(identity: Identity, routeKey: string): void {
  const allowed = Object.hasOwn(routeRoles, routeKey) ? routeRoles[routeKey] : undefined;
  // A route missing from the table is closed: a new route must be given roles before it opens.
  if (!allowed) throw new ForbiddenError(`No role may use ${routeKey}.`);
  if (!identity.roles.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(`${routeKey} needs one of the roles: ${allowed.join(', ')}.`);
  }
  if (allowed.includes('operator') && allowed.length === 1 && !identity.operatorId) {
    throw new ForbiddenError('This operator account has no operator id (claim custom:operatorId); ask the commission to fix it.');
  }
  if (identity.scopes !== undefined) assertScopeAllowed(identity.scopes, routeKey);
}

type ApprovalView = Pick<CaseRecord, 'caseId' | 'status' | 'createdBy' | 'approvals'>;

/** Distinct staff members who approved, the filer excluded. */
function approvers(caseRecord: ApprovalView): Set<string> {
  return new Set(caseRecord.approvals.filter((a) => a.decision === 'APPROVE' && a.by !== caseRecord.createdBy).map((a) => a.by));
}

/** May this staff member approve or reject this case now? (An urgent order needs distinct approvers.) */
export function assertCanApprove(caseRecord: ApprovalView, identity: Identity, policy: Pick<Policy, 'urgentApprovals'>): void {
  if (!identity.roles.includes('staff')) throw new ForbiddenError('Only staff approve urgent orders.');
  if (caseRecord.status !== 'PENDING_APPROVAL' || approvalsComplete(caseRecord, policy)) {
    throw new ConflictError(`Case ${caseRecord.caseId} was already decided (status ${caseRecord.status}).`);
  }
  if (caseRecord.createdBy === identity.userId) {
    throw new ForbiddenError('You filed this report; another staff member must decide on it.');
  }
  if (caseRecord.approvals.some((a) => a.by === identity.userId)) {
    throw new ConflictError(`You already decided on case ${caseRecord.caseId}; another staff member must approve it.`);
  }
}

export function approvalsComplete(caseRecord: ApprovalView, policy: Pick<Policy, 'urgentApprovals'>): boolean {
  return approvers(caseRecord).size >= policy.urgentApprovals;
}

/** An operator sees only its own orders; any other order does not exist for it. */
export function assertOperatorOwnsOrder(identity: Identity, order: Pick<OrderRecord, 'orderId' | 'operatorId'>): void {
  if (!identity.roles.includes('operator') || identity.operatorId !== order.operatorId) {
    throw new NotFoundError(`Order ${order.orderId}`);
  }
}

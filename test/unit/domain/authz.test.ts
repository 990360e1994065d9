import { describe, expect, it } from 'vitest';
import { apiFunctions } from '../../../infra/functions';
import {
  approvalsComplete,
  assertCanApprove,
  assertOperatorOwnsOrder,
  assertRouteAllowed,
  routeRoles,
  type Identity,
} from '../../../shared/domain/authz';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../shared/domain/errors';
import { ROLES, type Approval, type CaseRecord, type Role } from '../../../shared/domain/model';
import { policyById } from '../../../shared/domain/policy';

const KR = policyById('kr-kcsc');
const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });

describe('routeRoles', () => {
  it('names every route of the manifest except the public ones, and nothing else', () => {
    const routes = apiFunctions.flatMap((f) => f.routes.filter((r) => !(f.publicRoutes ?? []).includes(r)));
    expect(Object.keys(routeRoles).sort()).toEqual([...routes].sort());
  });

  const expected: Record<string, Role[]> = {
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
    'POST /operator/orders/{orderId}/appeal': ['operator'],
    'GET /committee/reviews': ['committee'],
    'POST /committee/reviews/{reviewId}/votes': ['committee'],
    'POST /committee/reviews/{reviewId}/recusal': ['committee'],
    'POST /committee/reviews/{reviewId}/decision': ['staff'],
  };
  const table = Object.entries(expected).flatMap(([route, allowed]) => ROLES.map((role) => [route, role, allowed.includes(role)] as const));

  it.each(table)('%s as %s: allowed %s', (route, role, allowed) => {
    const identity: Identity = { userId: 'u', roles: [role], ...(role === 'operator' ? { operatorId: 'op-webhard' } : {}) };
    const act = () => assertRouteAllowed(identity, route);
    if (allowed) expect(act).not.toThrow();
    else expect(act).toThrow(ForbiddenError);
  });

  it('names the roles that may use a route', () => {
    expect(() => assertRouteAllowed(staff('s'), 'GET /reports')).toThrow('GET /reports needs one of the roles: reporter.');
  });

  it('closes a route that has no roles', () => {
    expect(() => assertRouteAllowed({ userId: 'u', roles: [...ROLES] }, 'DELETE /cases/{caseId}')).toThrow(ForbiddenError);
  });

  it('refuses an operator token without an operator id', () => {
    expect(() => assertRouteAllowed({ userId: 'u', roles: ['operator'] }, 'GET /operator/orders')).toThrow(/custom:operatorId/);
  });
});

function caseRecord(approvals: Approval[] = [], status: CaseRecord['status'] = 'PENDING_APPROVAL') {
  return { caseId: 'C01ARZ3NDEKTSV4RRFFQ69G5FAV', status, createdBy: 'staff-kim', approvals };
}
const approval = (by: string, decision: Approval['decision'] = 'APPROVE'): Approval => ({ by, at: '2026-11-24T06:00:00.000Z', decision });

describe('assertCanApprove', () => {
  it('lets another staff member approve a pending case', () => {
    expect(() => assertCanApprove(caseRecord(), staff('staff-lee'), KR)).not.toThrow();
    expect(() => assertCanApprove(caseRecord([approval('staff-lee')]), staff('staff-park'), KR)).not.toThrow();
  });

  it.each([
    ['the filer approves their own report', caseRecord(), staff('staff-kim'), ForbiddenError, 'FORBIDDEN'],
    ['a committee member approves', caseRecord(), { userId: 'member-1', roles: ['committee'] } as Identity, ForbiddenError, 'FORBIDDEN'],
    ['the same member approves twice', caseRecord([approval('staff-lee')]), staff('staff-lee'), ConflictError, 'CONFLICT'],
    ['the case was rejected', caseRecord([approval('staff-lee', 'REJECT')], 'REJECTED'), staff('staff-park'), ConflictError, 'CONFLICT'],
    ['orders were issued', caseRecord([], 'ORDERS_ISSUED'), staff('staff-park'), ConflictError, 'CONFLICT'],
    [
      'approvals are already complete',
      caseRecord([approval('staff-lee'), approval('staff-park')]),
      staff('staff-choi'),
      ConflictError,
      'CONFLICT',
    ],
  ] as const)('refuses when %s', (_label, record, identity, errorClass, code) => {
    const act = () => assertCanApprove(record, identity, KR);
    expect(act).toThrow(errorClass);
    expect(act).toThrow(expect.objectContaining({ code }));
  });
});

describe('approvalsComplete', () => {
  it.each([
    [[], 2, false],
    [[approval('staff-lee')], 2, false],
    [[approval('staff-lee'), approval('staff-lee')], 2, false],
    [[approval('staff-lee'), approval('staff-kim')], 2, false],
    [[approval('staff-lee'), approval('staff-park', 'REJECT')], 2, false],
    [[approval('staff-lee'), approval('staff-park')], 2, true],
    [[approval('staff-lee')], 1, true],
  ])('approvals %j with %d needed: complete %s', (approvals, needed, complete) => {
    expect(approvalsComplete(caseRecord(approvals), { urgentApprovals: needed })).toBe(complete);
  });
});

describe('assertOperatorOwnsOrder', () => {
  const order = { orderId: 'O01ARZ3NDEKTSV4RRFFQ69G5FAV-op-webhard', operatorId: 'op-webhard' };

  it('lets the operator see its own order', () => {
    expect(() => assertOperatorOwnsOrder({ userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' }, order)).not.toThrow();
  });

  it.each([
    ['another operator', { userId: 'op-social', roles: ['operator'], operatorId: 'op-social' }],
    ['an operator without operator id', { userId: 'x', roles: ['operator'] }],
    ['a staff member with a forged operator id', { userId: 'staff-kim', roles: ['staff'], operatorId: 'op-webhard' }],
  ] as [string, Identity][])('answers NOT_FOUND, never FORBIDDEN, to %s', (_label, identity) => {
    const act = () => assertOperatorOwnsOrder(identity, order);
    expect(act).toThrow(NotFoundError);
    expect(act).toThrow(expect.objectContaining({ code: 'NOT_FOUND', httpStatus: 404 }));
  });
});

/**
 * Machine clients (CONTRACT.md section 12): how a client-credentials token becomes an identity,
 * and what its scopes let it do. The authorization matrix tries machine tokens on every route.
 */
import { describe, expect, it } from 'vitest';
import { authenticateLocalClient, LOCAL_MACHINE_CLIENTS_SETTING } from '../../../infra/local/auth/clients';
import { assertRouteAllowed, parseScopes, routeRoles, routeScopes, type Identity } from '../../../shared/domain/authz';
import { ForbiddenError } from '../../../shared/domain/errors';
import { identityFromClaims } from '../../../shared/runtime/http';

/** What Cognito's client-credentials grant puts in an access token, as API Gateway passes it. */
const cognitoMachineClaims = {
  sub: '3example0client0id',
  client_id: '3example0client0id',
  token_use: 'access',
  scope: 'urgent-deliberation/orders.read urgent-deliberation/orders.write',
  iss: 'https://cognito-idp.ap-northeast-2.amazonaws.com/pool',
};

describe('a machine token as an identity', () => {
  it("takes the operator of a Cognito machine client from the configured mapping, and its scopes from the resource server's", () => {
    // When
    const identity = identityFromClaims(cognitoMachineClaims, () => ({ '3example0client0id': 'op-webhard' }));
    // Then
    expect(identity).toEqual({
      userId: '3example0client0id',
      roles: ['operator'],
      operatorId: 'op-webhard',
      scopes: ['orders.read', 'orders.write'],
    });
  });

  it('leaves a client that is not mapped without an operator, so that operator routes refuse it', () => {
    // When
    const identity = identityFromClaims(cognitoMachineClaims, () => ({}));
    // Then
    expect(identity.operatorId).toBeUndefined();
    expect(() => assertRouteAllowed(identity, 'GET /operator/orders')).toThrow(/no operator id/);
  });

  it('prefers the mapping to an operator id the token claims', () => {
    // Given a local-style token that claims another operator
    const claims = { ...cognitoMachineClaims, 'custom:operatorId': 'op-social' };
    // Then
    expect(identityFromClaims(claims, () => ({ '3example0client0id': 'op-webhard' })).operatorId).toBe('op-webhard');
    expect(identityFromClaims(claims, () => ({})).operatorId).toBe('op-social');
  });

  it("treats a person's access token, which names its user, as the person's", () => {
    // When
    const identity = identityFromClaims({ ...cognitoMachineClaims, username: 'op-webhard', 'cognito:groups': '[operator]' }, () => ({}));
    // Then
    expect(identity.scopes).toBeUndefined();
    expect(identity.userId).toBe('op-webhard');
  });

  it('keeps only the scopes this API grants', () => {
    expect(parseScopes('openid urgent-deliberation/hashes.match other-api/orders.read blocklist.read orders.delete')).toEqual([
      'orders.read',
      'blocklist.read',
      'hashes.match',
    ]);
    expect(parseScopes(undefined)).toEqual([]);
  });
});

describe('what a machine client may do', () => {
  const client = (scopes: Identity['scopes']): Identity => ({
    userId: 'op-webhard-system',
    roles: ['operator'],
    operatorId: 'op-webhard',
    scopes,
  });

  it('uses an operator route when its scopes cover it', () => {
    expect(() => assertRouteAllowed(client(['orders.read']), 'GET /operator/orders')).not.toThrow();
    expect(() => assertRouteAllowed(client(['orders.write']), 'POST /operator/orders/{orderId}/compliance')).not.toThrow();
  });

  it('is refused an operator route its scopes do not cover, with the scope named', () => {
    expect(() => assertRouteAllowed(client(['orders.read']), 'POST /operator/orders/{orderId}/appeal')).toThrow(
      new ForbiddenError(
        'POST /operator/orders/{orderId}/appeal needs the scope orders.write; ask the commission to grant it to this client.',
      ),
    );
  });

  it('is refused every route that is not an operator route, whatever its scopes', () => {
    const all = client(['orders.read', 'orders.write', 'blocklist.read', 'hashes.match']);
    const peoplesRoutes = Object.keys(routeRoles).filter((routeKey) => !routeRoles[routeKey]?.includes('operator'));
    expect(peoplesRoutes.length).toBeGreaterThan(10);
    for (const routeKey of peoplesRoutes) expect(() => assertRouteAllowed(all, routeKey), routeKey).toThrow(ForbiddenError);
  });

  it("gives every operator route of the manifest a scope, so that a machine client can do an operator's whole job", () => {
    const operatorRoutes = Object.keys(routeRoles).filter((routeKey) => routeRoles[routeKey]?.includes('operator'));
    expect(operatorRoutes.filter((routeKey) => !Object.hasOwn(routeScopes, routeKey))).toEqual([]);
  });
});

describe('the local machine clients', () => {
  it('signs in op-webhard-system and isp-kt-system with their secrets only', () => {
    expect(authenticateLocalClient('op-webhard-system', 'op-webhard-system-secret')?.operatorId).toBe('op-webhard');
    expect(authenticateLocalClient('isp-kt-system', 'isp-kt-system-secret')?.scopes).toContain('blocklist.read');
    expect(authenticateLocalClient('op-webhard-system', 'isp-kt-system-secret')).toBeUndefined();
    expect(authenticateLocalClient('op-webhard-system', '')).toBeUndefined();
    expect(authenticateLocalClient('nobody-system', 'nobody-system-secret')).toBeUndefined();
  });

  it('hands the handlers the same client → operator mapping', () => {
    expect(LOCAL_MACHINE_CLIENTS_SETTING).toBe('op-webhard-system=op-webhard,isp-kt-system=isp-kt');
  });
});

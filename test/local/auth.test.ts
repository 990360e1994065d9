import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/auth/tokens';
import { findLocalUser, LOCAL_COMMITTEE, LOCAL_USERS } from '../../infra/local/auth/users';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ud-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seeded local users (CONTRACT.md section 2)', () => {
  it.each([
    ['staff-kim', 'staff', undefined],
    ['staff-lee', 'staff', undefined],
    ['staff-park', 'staff', undefined],
    ['member-1', 'committee', undefined],
    ['member-5', 'committee', undefined],
    ['op-webhard', 'operator', 'op-webhard'],
    ['op-social', 'operator', 'op-social'],
    ['op-overseas', 'operator', 'op-overseas'],
    ['support-center', 'reporter', undefined],
    ['auditor-1', 'auditor', undefined],
  ])('%s gets a token with group %s like a Cognito ID token', async (id, role, operatorId) => {
    // Given the issuer of a data directory
    const issuer = await createTokenIssuer(path.join(dir, 'auth'));

    // When the user's token is issued
    const token = await issuer.issue(findLocalUser(id)!);

    // Then it verifies and carries Cognito's claims
    const claims = await issuer.verify(token);
    expect(claims['cognito:username']).toBe(id);
    expect(claims['cognito:groups']).toEqual([role]);
    expect(claims['custom:operatorId']).toBe(operatorId);
    expect(claims.token_use).toBe('id');
    expect(claims.iss).toBe(LOCAL_ISSUER);
    expect(claims.aud).toBe(LOCAL_AUDIENCE);
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(12 * 3600);
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
  });

  it('has exactly the sixteen users of the contract, five of them on the committee', () => {
    expect(LOCAL_USERS).toHaveLength(16);
    expect(LOCAL_COMMITTEE).toEqual(['member-1', 'member-2', 'member-3', 'member-4', 'member-5']);
  });

  it('keeps the same subject for the same user', async () => {
    const issuer = await createTokenIssuer(path.join(dir, 'auth'));
    const first = decodeJwt(await issuer.issue(findLocalUser('staff-lee')!));
    const second = decodeJwt(await issuer.issue(findLocalUser('staff-lee')!));
    expect(first.sub).toBe(second.sub);
  });
});

describe('the signing key', () => {
  it('is made once and kept, so tokens survive a restart', async () => {
    // Given a token from one start
    const keyDir = path.join(dir, 'restart');
    const token = await (await createTokenIssuer(keyDir)).issue(findLocalUser('staff-kim')!);

    // When the runtime starts again on the same data
    const again = await createTokenIssuer(keyDir);

    // Then the token still verifies, and the key file is private
    await expect(again.verify(token)).resolves.toMatchObject({ 'cognito:username': 'staff-kim' });
    const file = path.join(keyDir, 'signing-key.json');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).privateJwk.d).toBeTypeOf('string');
  });

  it("of another data directory does not verify this one's tokens", async () => {
    const token = await (await createTokenIssuer(path.join(dir, 'one'))).issue(findLocalUser('staff-kim')!);
    await expect((await createTokenIssuer(path.join(dir, 'two'))).verify(token)).rejects.toThrow();
  });
});

/**
 * Local sign-in: JWTs with the claims of a Cognito ID token, signed by a key pair made at first
 * start and kept under `${DATA_DIR}/auth/`, so tokens stay valid across restarts of the same data.
 * Nothing here exists in the cloud, where Cognito issues the tokens and API Gateway verifies them.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { LocalMachineClient } from './clients';
import type { LocalUser } from './users';

const ALGORITHM = 'ES256';
export const LOCAL_ISSUER = 'urn:urgent-deliberation:local-auth';
export const LOCAL_AUDIENCE = 'urgent-deliberation-local';
const TOKEN_LIFETIME = '12h';

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface LocalTokenIssuer {
  issue(user: LocalUser): Promise<string>;
  /**
   * A machine client's access token, shaped like Cognito's client-credentials tokens (`client_id`,
   * `scope`, `token_use: access`, no user), plus the operator id and group that Cognito's cannot
   * carry (the handlers map a cloud client to its operator through `MACHINE_CLIENTS`).
   */
  issueClient(client: LocalMachineClient): Promise<string>;
  /** Resolves to the token's claims; rejects when the signature, issuer, audience or expiry is wrong. */
  verify(token: string): Promise<JWTPayload>;
}

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

async function loadOrCreateKey(dir: string): Promise<StoredKey> {
  const file = path.join(dir, 'signing-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const kid = `local-${Date.now().toString(36)}`;
  const stored: StoredKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM },
  };
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return stored;
}

/** Cognito's `sub` is a UUID that never changes for a user; this one is derived from the id. */
function subjectOf(userId: string): string {
  const hex = createHash('sha256').update(`local-user:${userId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function createTokenIssuer(authDir: string): Promise<LocalTokenIssuer> {
  const stored = await loadOrCreateKey(authDir);
  const privateKey: Key = await importJWK(stored.privateJwk, ALGORITHM);
  const publicKey: Key = await importJWK(stored.publicJwk, ALGORITHM);
  const kid = stored.privateJwk.kid;

  const sign = (claims: JWTPayload, subject: string): Promise<string> =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, ...(kid === undefined ? {} : { kid }) })
      .setSubject(subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(TOKEN_LIFETIME)
      .sign(privateKey);

  return {
    issueClient(client) {
      return sign(
        {
          client_id: client.clientId,
          scope: client.scopes.join(' '),
          token_use: 'access',
          'cognito:groups': ['operator'],
          'custom:operatorId': client.operatorId,
        },
        client.clientId,
      );
    },
    issue(user) {
      const claims: JWTPayload & Record<string, unknown> = {
        'cognito:username': user.id,
        'cognito:groups': [user.role],
        token_use: 'id',
      };
      if (user.operatorId !== undefined) claims['custom:operatorId'] = user.operatorId;
      return sign(claims, subjectOf(user.id));
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALGORITHM],
      });
      return payload;
    },
  };
}

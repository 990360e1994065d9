/**
 * Local sign-in: JWTs with the claims of a Cognito ID token, signed by a key pair made at first
 * start and kept under `${DATA_DIR}/auth/`, so tokens stay valid across restarts of the same data.
 * Nothing here exists in the cloud, where Cognito issues the tokens and API Gateway verifies them.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { LocalUser } from './users';

const ALGORITHM = 'ES256';
export const LOCAL_ISSUER = 'urn:urgent-deliberation:local-auth';
export const LOCAL_AUDIENCE = 'urgent-deliberation-local';
const TOKEN_LIFETIME = '12h';

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface LocalTokenIssuer {
  issue(user: LocalUser): Promise<string>;
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

  return {
    issue(user) {
      const claims: JWTPayload & Record<string, unknown> = {
        'cognito:username': user.id,
        'cognito:groups': [user.role],
        token_use: 'id',
      };
      if (user.operatorId !== undefined) claims['custom:operatorId'] = user.operatorId;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, ...(kid === undefined ? {} : { kid }) })
        .setSubject(subjectOf(user.id))
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(privateKey);
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

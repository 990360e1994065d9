/**
 * The local API Gateway of `npm start` (infra/local/apigateway/server.ts), in this process on a
 * free port, in front of the manifest's real handlers: it routes by the manifest's route keys,
 * verifies the bearer JWT with the local sign-in's verifier (infra/local/auth/tokens.ts), and
 * hands the handler the format 2.0 event with the claims as API Gateway passes them. Tokens come
 * from the same issuer; the unusual ones (expired, without groups) are the issuer's own tokens
 * re-signed with its key, and a token "from another key" is issued by a second issuer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { apiFunctions } from '../../../../infra/functions';
import { RouteTable } from '../../../../infra/local/apigateway/routes';
import { startApiGateway, type LocalApiGateway } from '../../../../infra/local/apigateway/server';
import { createTokenIssuer, type LocalTokenIssuer } from '../../../../infra/local/auth/tokens';
import type { LocalUser } from '../../../../infra/local/auth/users';
import type { Person } from './world-plan';

export type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface MatrixGateway {
  readonly endpoint: string;
  /** The manifest's handlers by route key, to call one without the gateway. */
  readonly handlerOf: (routeKey: string) => Handler;
  /** How many times the gateway invoked a handler so far. */
  invocations(): number;
  /** What the gateway logged (a handler that threw). */
  readonly log: string[];
  token(person: Person, options?: { expired?: boolean; foreignKey?: boolean; withoutGroups?: boolean }): Promise<string>;
  close(): Promise<void>;
}

const ALGORITHM = 'ES256';

export async function startMatrixGateway(): Promise<MatrixGateway> {
  const handlers = new Map<string, Handler>();
  const byRoute = new Map<string, Handler>();
  for (const fn of apiFunctions) {
    const { handler } = (await import(/* @vite-ignore */ `../../../../${fn.entry}`)) as { handler: Handler };
    handlers.set(fn.name, handler);
    for (const routeKey of fn.routes) byRoute.set(routeKey, handler);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ud-matrix-'));
  const authDir = path.join(dir, 'auth');
  const issuer: LocalTokenIssuer = await createTokenIssuer(authDir);
  const stranger: LocalTokenIssuer = await createTokenIssuer(path.join(dir, 'another-key'));
  const stored = JSON.parse(readFileSync(path.join(authDir, 'signing-key.json'), 'utf8')) as { privateJwk: JWK };
  const signingKey = await importJWK(stored.privateJwk, ALGORITHM);

  let invocations = 0;
  const log: string[] = [];
  const gateway: LocalApiGateway = await startApiGateway({
    port: 0,
    host: '127.0.0.1',
    routes: new RouteTable(apiFunctions),
    invoke: async (functionName, event) => {
      invocations += 1;
      const handler = handlers.get(functionName);
      if (!handler) throw new Error(`no handler ${functionName}`);
      return handler(event as APIGatewayProxyEventV2);
    },
    signIn: { users: [], issue: async () => undefined, verify: (token) => issuer.verify(token) },
    publicConfig: {},
    log: (message) => log.push(message),
  });

  /** The issuer's token with some claims changed, signed again with the issuer's key. */
  async function resigned(token: string, change: (claims: JWTPayload) => JWTPayload): Promise<string> {
    const header = decodeProtectedHeader(token);
    return new SignJWT(change(decodeJwt(token))).setProtectedHeader({ ...header, alg: ALGORITHM }).sign(signingKey);
  }

  return {
    endpoint: gateway.endpoint,
    handlerOf: (routeKey) => {
      const handler = byRoute.get(routeKey);
      if (!handler) throw new Error(`no handler serves ${routeKey}`);
      return handler;
    },
    invocations: () => invocations,
    log,
    async token(person, options = {}) {
      const [role = 'staff'] = person.roles;
      const user: LocalUser = {
        id: person.userId,
        role,
        name: person.userId,
        ...(person.operatorId === undefined ? {} : { operatorId: person.operatorId }),
      };
      if (person.scopes !== undefined && person.operatorId !== undefined && !options.foreignKey && !options.expired) {
        return issuer.issueClient({ clientId: person.userId, operatorId: person.operatorId, scopes: person.scopes });
      }
      if (options.foreignKey) return stranger.issue(user);
      const token = await issuer.issue(user);
      if (options.withoutGroups) {
        return resigned(token, ({ 'cognito:groups': _groups, ...claims }) => claims);
      }
      if (options.expired) {
        // Issued 13 hours ago with the issuer's 12-hour lifetime: it expired an hour ago.
        const now = Math.floor(Date.now() / 1000);
        return resigned(token, (claims) => ({ ...claims, iat: now - 13 * 3600, exp: now - 3600 }));
      }
      return token;
    },
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

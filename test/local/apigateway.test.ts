import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiFunction } from '../../infra/functions';
import { apiFunctions } from '../../infra/functions';
import { INTAKE_ROUTES, type IntakeRefusal } from '../../infra/local/apigateway/admission';
import { RouteTable } from '../../infra/local/apigateway/routes';
import { MAX_BODY_BYTES, startApiGateway, type LocalApiGateway } from '../../infra/local/apigateway/server';
import { createTokenIssuer, type LocalTokenIssuer } from '../../infra/local/auth/tokens';
import { findLocalUser, LOCAL_USERS } from '../../infra/local/auth/users';
import type { LocalApiEvent } from '../../infra/local/apigateway/event';

interface Call {
  functionName: string;
  event: LocalApiEvent;
}

let gateway: LocalApiGateway;
let issuer: LocalTokenIssuer;
let strangerIssuer: LocalTokenIssuer;
let keyDir: string;
const calls: Call[] = [];
/** What the fake handler answers next; a function so that one test can make it throw. */
let answer: (event: LocalApiEvent) => unknown = () => ({ statusCode: 200, body: '{"ok":true}' });
/** What admission control answers next: undefined while the workflows keep up. */
let refusal: IntakeRefusal | undefined;

async function tokenFor(user: string): Promise<string> {
  return issuer.issue(findLocalUser(user)!);
}

async function call(method: string, url: string, init: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${gateway.endpoint}${url}`, { method, headers, body: init.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function lastEvent(): LocalApiEvent {
  const last = calls.at(-1);
  if (!last) throw new Error('no handler was called');
  return last.event;
}

beforeAll(async () => {
  keyDir = mkdtempSync(path.join(os.tmpdir(), 'ud-apigw-'));
  issuer = await createTokenIssuer(path.join(keyDir, 'auth'));
  strangerIssuer = await createTokenIssuer(path.join(keyDir, 'other-auth'));
  gateway = await startApiGateway({
    port: 0,
    host: '127.0.0.1',
    routes: new RouteTable(apiFunctions),
    invoke: async (functionName, event) => {
      calls.push({ functionName, event: event as LocalApiEvent });
      return answer(event as LocalApiEvent);
    },
    signIn: {
      users: LOCAL_USERS,
      issue: async (userId) => {
        const user = findLocalUser(userId);
        return user === undefined ? undefined : issuer.issue(user);
      },
      verify: (token) => issuer.verify(token),
    },
    publicConfig: { apiUrl: '', local: true, policy: { id: 'kr-kcsc', timeZone: 'Asia/Seoul', language: 'ko' } },
    log: () => undefined,
    admission: { routeKeys: INTAKE_ROUTES, refusal: () => refusal },
  });
});

afterAll(async () => {
  await gateway.close();
  rmSync(keyDir, { recursive: true, force: true });
});

describe('local API Gateway: the event a handler receives', () => {
  it('builds the payload format 2.0 event with path and query parameters and the JWT claims', async () => {
    // Given staff-kim's token
    answer = () => ({ statusCode: 200, body: '{}' });
    const token = await tokenFor('staff-kim');

    // When a case is read with a repeated query parameter
    await call('GET', '/cases/C01ABC?status=OPEN&status=CLOSED&x=1', { token, headers: { 'X-Custom': 'Yes', Cookie: 'a=1; b=2' } });

    // Then the Cases function got the event API Gateway would send
    expect(calls.at(-1)?.functionName).toBe('Cases');
    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /cases/{caseId}',
      rawPath: '/cases/C01ABC',
      rawQueryString: 'status=OPEN&status=CLOSED&x=1',
      queryStringParameters: { status: 'OPEN,CLOSED', x: '1' },
      pathParameters: { caseId: 'C01ABC' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
    });
    expect(event.body).toBeUndefined();
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers.authorization).toBe(`Bearer ${token}`);
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.requestContext).toMatchObject({
      routeKey: 'GET /cases/{caseId}',
      stage: '$default',
      http: { method: 'GET', path: '/cases/C01ABC', sourceIp: '127.0.0.1' },
    });
    expect(event.requestContext.http.userAgent).toBe(event.headers['user-agent']);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.timeEpoch).toBe('number');
    // API Gateway hands claims over as strings, arrays as "[a b]".
    expect(event.requestContext.authorizer?.jwt.scopes).toBeNull();
    expect(event.requestContext.authorizer?.jwt.claims).toMatchObject({
      'cognito:username': 'staff-kim',
      'cognito:groups': '[staff]',
      token_use: 'id',
    });
  });

  it('passes the body as text and the operator id claim', async () => {
    const token = await tokenFor('op-webhard');
    await call('POST', '/operator/orders/O1-op-webhard/compliance', {
      token,
      body: '{"action":"DELETED"}',
      headers: { 'content-type': 'application/json' },
    });
    const event = lastEvent();
    expect(event.routeKey).toBe('POST /operator/orders/{orderId}/compliance');
    expect(event.body).toBe('{"action":"DELETED"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.requestContext.authorizer?.jwt.claims['custom:operatorId']).toBe('op-webhard');
  });

  it('calls a public route without a token and without an authorizer', async () => {
    answer = () => ({ statusCode: 200, body: '{"status":"ok"}' });
    const response = await call('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
    expect(lastEvent().requestContext.authorizer).toBeUndefined();
  });
});

describe('local API Gateway: answers', () => {
  it('writes a structured result as given', async () => {
    answer = () => ({ statusCode: 201, headers: { 'X-Answer': '42', 'content-type': 'application/json' }, body: '{"caseId":"C1"}' });
    const response = await call('POST', '/reports', { token: await tokenFor('staff-kim'), body: '{}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('42');
    expect(response.json).toEqual({ caseId: 'C1' });
  });

  it.each([
    ['a string', 'plain text', 'plain text'],
    ['an object without statusCode', { a: 1 }, '{"a":1}'],
  ])('answers %s as 200 JSON', async (_label, result, body) => {
    answer = () => result;
    const response = await call('GET', '/operators', { token: await tokenFor('staff-kim') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.text).toBe(body);
  });

  it('answers 500 in the contract shape, without the stack, when the handler throws', async () => {
    answer = () => {
      throw new Error('secret internals at /work/main/shared/x.ts:12');
    };
    const response = await call('GET', '/operators', { token: await tokenFor('staff-kim') });
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe('INTERNAL');
    expect(response.text).not.toContain('secret internals');
    expect(response.text).not.toContain('.ts:');
  });
});

describe('local API Gateway: refusals', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a malformed token', 'not-a-jwt'],
  ])('answers 401 UNAUTHENTICATED for %s', async (_label, token) => {
    const before = calls.length;
    const response = await call('GET', '/cases', token === undefined ? {} : { token });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('UNAUTHENTICATED');
    expect(calls.length).toBe(before);
  });

  it('answers 401 for a token signed by another key', async () => {
    const forged = await strangerIssuer.issue(findLocalUser('staff-kim')!);
    const response = await call('GET', '/cases', { token: forged });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['GET', '/nowhere'],
    ['DELETE', '/cases/C1'],
    ['GET', '/cases/C1/extra/segments'],
  ])('answers 404 NOT_FOUND for %s %s', async (method, url) => {
    const response = await call(method, url, { token: await tokenFor('staff-kim') });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('NOT_FOUND');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit and calls no handler', async () => {
    const before = calls.length;
    const response = await call('POST', '/reports', { token: await tokenFor('staff-kim'), body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(calls.length).toBe(before);
  });

  it('accepts a body of exactly the limit, which holds the largest valid report', async () => {
    expect(MAX_BODY_BYTES).toBeGreaterThan(1000 * 2048 + 64 * 1024);
    answer = () => ({ statusCode: 204 });
    const response = await call('POST', '/reports', { token: await tokenFor('staff-kim'), body: 'x'.repeat(MAX_BODY_BYTES) });
    expect(response.status).toBe(204);
  });
});

describe('local API Gateway: admission control', () => {
  const behind: IntakeRefusal = { retryAfterSeconds: 12, message: 'The system is behind; send it again in 12 s.' };

  it.each([
    ['a report', 'staff-kim', '/reports'],
    ['a partner referral, a public route', undefined, '/partners/referrals'],
    ['a report without a token: throttled before the authorizer runs, as API Gateway does', undefined, '/reports'],
  ])('answers 503 UNAVAILABLE with Retry-After to %s while the workflows are behind, and calls no handler', async (_label, user, url) => {
    // Given workflows that are behind
    refusal = behind;
    const before = calls.length;

    // When new work arrives
    const response = await call('POST', url, { ...(user === undefined ? {} : { token: await tokenFor(user) }), body: '{}' });
    refusal = undefined;

    // Then it is refused, with when to come back, and nothing ran
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('12');
    expect(response.json.error).toEqual({ code: 'UNAVAILABLE', message: behind.message });
    expect(calls.length).toBe(before);
  });

  it.each([
    ['an approval of a case already taken', 'staff-lee', 'POST', '/cases/C1/approvals'],
    ["an operator's compliance report, which may stop a deadline", 'op-webhard', 'POST', '/operator/orders/O1/compliance'],
    ['a read', 'staff-kim', 'GET', '/reports'],
  ])('serves %s while the workflows are behind', async (_label, user, method, url) => {
    refusal = behind;
    answer = () => ({ statusCode: 200, body: '{"ok":true}' });
    const response = await call(method, url, { token: await tokenFor(user), ...(method === 'POST' ? { body: '{}' } : {}) });
    refusal = undefined;

    expect(response.status).toBe(200);
    expect(lastEvent().routeKey).toBe(`${method} ${url.replace(/C1/, '{caseId}').replace(/O1/, '{orderId}')}`);
  });

  it('files a report again once the workflows have caught up', async () => {
    refusal = undefined;
    answer = () => ({ statusCode: 201, body: '{"caseId":"C1"}' });
    const response = await call('POST', '/reports', { token: await tokenFor('staff-kim'), body: '{}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('retry-after')).toBeNull();
  });
});

describe('local-only endpoints', () => {
  it('issues a token for a seeded user', async () => {
    const response = await call('POST', '/auth/local-token', { body: '{"user":"member-3"}' });
    expect(response.status).toBe(200);
    const claims = await issuer.verify(response.json.token);
    expect(claims['cognito:username']).toBe('member-3');
  });

  it.each([
    ['an unknown user', '{"user":"mallory"}', 404, 'NOT_FOUND'],
    ['no user', '{}', 400, 'VALIDATION_FAILED'],
    ['a body that is not JSON', 'user=staff-kim', 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_label, body, status, code) => {
    const response = await call('POST', '/auth/local-token', { body });
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
  });

  it('lists the seeded users for the sign-in picker', async () => {
    const response = await call('GET', '/auth/users');
    expect(response.json.users.map((user: { id: string }) => user.id)).toContain('op-overseas');
  });

  it('serves the web UI configuration', async () => {
    const response = await call('GET', '/config.json');
    expect(response.json).toMatchObject({ apiUrl: '', local: true, policy: { id: 'kr-kcsc', timeZone: 'Asia/Seoul' } });
  });
});

describe('route selection', () => {
  const functions: ApiFunction[] = [
    { name: 'ById', entry: 'x.ts', routes: ['GET /cases/{caseId}'] },
    { name: 'Export', entry: 'y.ts', routes: ['GET /cases/export'] },
    { name: 'Files', entry: 'z.ts', routes: ['GET /files/{path+}'] },
  ];
  const table = new RouteTable(functions);

  it.each([
    ['/cases/export', 'Export', {}],
    ['/cases/C1', 'ById', { caseId: 'C1' }],
    ['/cases/a%20b', 'ById', { caseId: 'a b' }],
    ['/files/a/b/c', 'Files', { path: 'a/b/c' }],
  ])('matches %s to %s', (pathname, name, parameters) => {
    const match = table.match('GET', pathname);
    expect(match?.functionName).toBe(name);
    expect(match?.pathParameters).toEqual(parameters);
  });
});

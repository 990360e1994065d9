/** The web UI served beside the API by the local gateway. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFunctions } from '../../infra/functions';
import { RouteTable } from '../../infra/local/apigateway/routes';
import { startApiGateway, type LocalApiGateway } from '../../infra/local/apigateway/server';

const webDir = mkdtempSync(path.join(os.tmpdir(), 'ud-web-'));
let gateway: LocalApiGateway;
const invoked: string[] = [];

beforeAll(async () => {
  writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>UI</title>');
  mkdirSync(path.join(webDir, 'assets'));
  writeFileSync(path.join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
  gateway = await startApiGateway({
    port: 0,
    host: '127.0.0.1',
    routes: new RouteTable(apiFunctions),
    invoke: async (functionName) => {
      invoked.push(functionName);
      return { statusCode: 200, body: '{"status":"ok"}' };
    },
    signIn: { users: [], issue: async () => undefined, verify: async () => ({ 'cognito:username': 'x' }) },
    publicConfig: {},
    webDir,
    log: () => undefined,
  });
});

afterAll(async () => {
  await gateway.close();
  rmSync(webDir, { recursive: true, force: true });
});

/** Raw request: fetch would normalise `..` away before it reaches the server. */
function get(pathname: string, accept: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(gateway.endpoint);
    const req = request({ host: url.hostname, port: url.port, path: pathname, headers: { accept } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local web UI serving', () => {
  it.each([
    ['/', 'text/html', 200, 'text/html', '<title>UI</title>'],
    ['/index.html', 'text/html', 200, 'text/html', '<title>UI</title>'],
    ['/assets/app-1234.js', '*/*', 200, 'text/javascript', 'console.log(1)'],
    ['/some/client/route', 'text/html,application/xhtml+xml', 200, 'text/html', '<title>UI</title>'],
    ['/../../../etc/passwd', '*/*', 404, 'application/json', 'NOT_FOUND'],
    ['/assets/missing.js', '*/*', 404, 'application/json', 'NOT_FOUND'],
  ])('GET %s (Accept %s) answers %i %s', async (pathname, accept, status, type, content) => {
    const response = await get(pathname, accept);
    expect(response.status).toBe(status);
    expect(response.type).toContain(type);
    expect(response.body).toContain(content);
  });

  it('sends an API client (Accept JSON) to the API even where a page could answer', async () => {
    const before = invoked.length;
    const response = await get('/health', 'application/json');
    expect(response.status).toBe(200);
    expect(invoked.slice(before)).toEqual(['Health']);
  });
});

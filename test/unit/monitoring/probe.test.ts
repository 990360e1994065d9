/**
 * The post-monitoring probe (shared/monitoring/probe.ts) against a local HTTP server on 127.0.0.1
 * that stands in for the operators' sites: every host name resolves to it, so nothing leaves the
 * machine. It reads the status only (HEAD, or a GET cut off after `maxBytes`), follows redirects
 * to a limit and gives up after its timeout.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyStatus } from '../../../shared/domain/monitoring';
import { type ProbeOptions, probeUrl } from '../../../shared/monitoring/probe';
import { resolveEveryHostTo } from '../../../shared/monitoring/resolver';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const routes = new Map<string, Route>();
const seen: { method: string; path: string }[] = [];
let server: http.Server;
let port = 0;
/** Whether the endless body's response was closed by the client, and how much it had written. */
let endless = { closed: false, written: 0 };

const CHUNK = Buffer.alloc(256, 'x');

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '' });
    const route = routes.get(req.url ?? '');
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  routes.clear();
  seen.length = 0;
  endless = { closed: false, written: 0 };
});

const options = (overrides: Partial<ProbeOptions> = {}): ProbeOptions => ({
  timeoutMs: 2000,
  maxRedirects: 3,
  maxBytes: 1024,
  lookup: resolveEveryHostTo('127.0.0.1'),
  ...overrides,
});
/** A URL on an operator's host name, which the resolver sends to the local server. */
const at = (path: string): string => `http://webhard.example:${port}${path}`;

describe('classifying a final status', () => {
  it.each([
    [404, 'GONE'],
    [410, 'GONE'],
    [451, 'GONE'],
    [200, 'STILL_UP'],
    [206, 'STILL_UP'],
    [403, 'ERROR'],
    [429, 'ERROR'],
    [500, 'ERROR'],
    [503, 'ERROR'],
  ] as const)('%i is %s', (status, result) => {
    expect(classifyStatus(status)).toBe(result);
  });
});

describe('probing a URL', () => {
  it('answers STILL_UP from a HEAD that succeeds, without a GET', async () => {
    routes.set('/v/1', (_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end());
    // When
    const outcome = await probeUrl(at('/v/1'), options());
    // Then
    expect(outcome).toMatchObject({ result: 'STILL_UP', httpStatus: 200, bytesRead: 0 });
    expect(seen).toEqual([{ method: 'HEAD', path: '/v/1' }]);
  });

  it('answers GONE for a removed page', async () => {
    routes.set('/v/2', (_req, res) => res.writeHead(410).end());
    expect(await probeUrl(at('/v/2'), options())).toMatchObject({ result: 'GONE', httpStatus: 410 });
  });

  it('asks again with a GET where HEAD is refused (405), and reads that GET’s status', async () => {
    routes.set('/v/3', (req, res) => (req.method === 'HEAD' ? res.writeHead(405).end() : res.writeHead(200).end('short body')));
    // When
    const outcome = await probeUrl(at('/v/3'), options());
    // Then
    expect(outcome).toMatchObject({ result: 'STILL_UP', httpStatus: 200 });
    expect(seen.map((request) => request.method)).toEqual(['HEAD', 'GET']);
  });

  it('never reads a GET’s endless body past the byte limit: it closes the connection', async () => {
    routes.set('/stream', (req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(501).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => {
        endless.written += CHUNK.length;
        res.write(CHUNK);
      }, 1);
      res.on('close', () => {
        clearInterval(timer);
        endless.closed = true;
      });
    });
    // When
    const outcome = await probeUrl(at('/stream'), options({ maxBytes: 1024, timeoutMs: 5000 }));
    // Then: the status is known, at most one network read beyond the limit arrived, and the server was cut off
    expect(outcome).toMatchObject({ result: 'STILL_UP', httpStatus: 200 });
    expect(outcome.bytesRead).toBeGreaterThanOrEqual(1024);
    expect(outcome.bytesRead).toBeLessThan(1024 + 64 * 1024);
    await expect.poll(() => endless.closed).toBe(true);
  });

  it('follows redirects to where the content went, and to where it is gone', async () => {
    routes.set('/old', (_req, res) => res.writeHead(301, { location: '/moved' }).end());
    routes.set('/moved', (_req, res) => res.writeHead(302, { location: `http://cdn.webhard.example:${port}/final` }).end());
    routes.set('/final', (_req, res) => res.writeHead(200).end());
    routes.set('/removed', (_req, res) => res.writeHead(307, { location: '/nothing-here' }).end());
    // Then
    expect(await probeUrl(at('/old'), options())).toMatchObject({ result: 'STILL_UP', httpStatus: 200 });
    expect(await probeUrl(at('/removed'), options())).toMatchObject({ result: 'GONE', httpStatus: 404 });
  });

  it('gives up after the redirect limit with an ERROR, not a guess', async () => {
    routes.set('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
    // When
    const outcome = await probeUrl(at('/loop'), options({ maxRedirects: 2 }));
    // Then: the first request and two redirects followed, no more
    expect(outcome).toMatchObject({ result: 'ERROR', httpStatus: 302, reason: 'more than 2 redirects' });
    expect(seen).toHaveLength(3);
  });

  it('answers ERROR when the site does not answer in time', async () => {
    routes.set('/slow', () => {
      // never answers
    });
    // When
    const outcome = await probeUrl(at('/slow'), options({ timeoutMs: 200 }));
    // Then
    expect(outcome).toMatchObject({ result: 'ERROR', reason: 'timed out' });
    expect(outcome.httpStatus).toBeUndefined();
  });

  it('answers ERROR for a server error and for a host that cannot be reached', async () => {
    routes.set('/broken', (_req, res) => res.writeHead(503).end());
    expect(await probeUrl(at('/broken'), options())).toMatchObject({ result: 'ERROR', httpStatus: 503 });
    const refused = await probeUrl('http://webhard.example:1/v/1', options());
    expect(refused).toMatchObject({ result: 'ERROR', reason: 'request failed (ECONNREFUSED)' });
  });
});

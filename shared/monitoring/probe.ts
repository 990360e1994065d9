/**
 * Checks whether a URL still answers, reading its status only: the content is never fetched into
 * the system. HEAD first; a server that refuses HEAD (405, 501) gets a GET whose body is discarded
 * and cut off after `maxBytes`. Redirects are followed up to `maxRedirects`, and the whole check,
 * redirects included, ends after `timeoutMs`. `lookup` resolves host names: the system resolver in
 * the cloud, and in tests one that sends every host to a local server.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { classifyStatus, type MonitoringResult } from '../domain/monitoring';

export interface ProbeOptions {
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly maxBytes: number;
  readonly lookup?: LookupFunction;
}

export interface ProbeOutcome {
  readonly result: MonitoringResult;
  /** The last answer's status; absent when none came. */
  readonly httpStatus?: number;
  /** Why an ERROR is one, in words with no URL in them (they are logged). */
  readonly reason?: string;
  /** Body bytes a GET read before closing the connection (HEAD: 0). */
  readonly bytesRead: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HEAD_REFUSED = new Set([405, 501]);

interface Answer {
  status: number;
  location?: string;
  bytesRead: number;
}

/**
 * One request: resolves with the status once the headers are in; a GET's body is read and
 * dropped until `maxBytes`, then the connection is closed.
 */
function request(url: URL, method: 'HEAD' | 'GET', options: ProbeOptions, signal: AbortSignal): Promise<Answer> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method,
        signal,
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
        headers: { 'user-agent': 'urgent-deliberation-post-monitoring/1', accept: '*/*' },
        agent: false,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
        let bytesRead = 0;
        const done = (): void => resolve({ status, bytesRead, ...(location === undefined ? {} : { location }) });
        if (method === 'HEAD' || options.maxBytes === 0) {
          res.destroy();
          done();
          return;
        }
        res.on('data', (chunk: Buffer) => {
          bytesRead += chunk.length;
          if (bytesRead >= options.maxBytes) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function errorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if ((error as Error | undefined)?.name === 'AbortError' || (error as Error | undefined)?.name === 'TimeoutError') return 'timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code === undefined ? 'request failed' : `request failed (${code})`;
}

export async function probeUrl(target: string, options: ProbeOptions): Promise<ProbeOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { result: 'ERROR', reason: 'not a URL', bytesRead: 0 };
  }
  let bytesRead = 0;
  for (let redirects = 0; ; redirects += 1) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { result: 'ERROR', reason: 'redirected off http(s)', bytesRead };
    let answer: Answer;
    try {
      answer = await request(url, 'HEAD', options, signal);
      if (HEAD_REFUSED.has(answer.status)) answer = await request(url, 'GET', options, signal);
    } catch (error) {
      return { result: 'ERROR', reason: errorReason(error), bytesRead };
    }
    bytesRead += answer.bytesRead;
    if (!REDIRECTS.has(answer.status) || answer.location === undefined) {
      const result = classifyStatus(answer.status);
      return { result, httpStatus: answer.status, bytesRead, ...(result === 'ERROR' ? { reason: `answered ${answer.status}` } : {}) };
    }
    if (redirects >= options.maxRedirects) {
      return { result: 'ERROR', httpStatus: answer.status, reason: `more than ${options.maxRedirects} redirects`, bytesRead };
    }
    url = new URL(answer.location, url);
  }
}

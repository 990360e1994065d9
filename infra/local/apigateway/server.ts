/**
 * API Gateway on one machine: a node:http server that routes by the manifest's route keys,
 * verifies the bearer JWT like the HTTP API's JWT authorizer, hands the handler the same format 2.0
 * event, and answers with what the handler returns. Beside the API it serves the local sign-in,
 * the web UI's configuration and the built web UI itself.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { JWTPayload } from 'jose';
import { ERROR_STATUS, type ErrorCode } from '../../../shared/domain/errors';
import { clientCredentialsSchema } from '../../../shared/domain/machine-clients';
import { closeServer, listen } from '../net';
import type { IntakeRefusal } from './admission';
import { buildEvent, claimsAsApiGatewayPasses, toResponse, type LocalRequest, type LocalResponse } from './event';
import type { RouteTable } from './routes';
import { indexHtml, staticFile } from './static';

/**
 * Lambda's 6 MB synchronous payload is the first limit a request meets in the cloud (API Gateway's
 * own is 10 MB). The largest valid report, 1,000 URLs of 2,048 characters, is about 2 MB.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/**
 * API Gateway HTTP APIs refuse a request whose request line and header values together pass 10,240
 * bytes (a quota that cannot be raised); node:http's own limit, counted the same way plus header
 * names, is set to it so a local request too large for the cloud is refused here too.
 */
export const MAX_HEADER_BYTES = 10_240;
/** API Gateway HTTP APIs stop waiting for an integration after 30 seconds. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export interface LocalSignIn {
  /** The users a person may sign in as, for the web UI's picker. */
  readonly users: readonly unknown[];
  /** A token for a seeded user, or undefined when there is no such user. */
  issue(userId: string): Promise<string | undefined>;
  /** A machine client's token (client-credentials grant), or undefined when the credentials are wrong. */
  issueClient?(clientId: string, clientSecret: string): Promise<string | undefined>;
  verify(token: string): Promise<JWTPayload>;
}

export interface ApiGatewayOptions {
  readonly port: number;
  readonly host: string;
  readonly routes: RouteTable;
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  readonly signIn: LocalSignIn;
  /** Served at `GET /config.json` for the web UI. */
  readonly publicConfig: unknown;
  /** The built web UI; absent or missing files are answered 404. */
  readonly webDir?: string;
  readonly log?: (message: string) => void;
  readonly now?: () => number;
  /** Refuses the intake routes (route keys) while `refusal` answers one; absent, every request is served. */
  readonly admission?: {
    readonly routeKeys: ReadonlySet<string>;
    refusal(): IntakeRefusal | undefined;
  };
}

export interface LocalApiGateway {
  readonly endpoint: string;
  readonly server: Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function json(statusCode: number, value: unknown): LocalResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}

function errorResponse(code: ErrorCode, message: string): LocalResponse {
  const status = ERROR_STATUS[code];
  return json(status, { error: { code, message } });
}

/**
 * An oversized body is still read to its end, and dropped, before the 413 goes out: a client still
 * sending when the connection closes gets a broken pipe instead of the answer.
 */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  let oversized = Number(request.headers['content-length'] ?? '0') > MAX_BODY_BYTES;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (oversized) return;
      size += chunk.length;
      oversized = size > MAX_BODY_BYTES;
      if (oversized) chunks.length = 0;
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (oversized) reject(tooLarge());
      else resolve(size === 0 ? undefined : Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function tooLarge(): HttpError {
  return new HttpError('PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes; split the request.`);
}

function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function wantsHtml(request: IncomingMessage): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && (request.headers.accept ?? '').includes('text/html');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HttpError('UNAVAILABLE', 'The request took too long to handle; try again.')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createApiGatewayServer(options: ApiGatewayOptions): Server {
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;

  async function localEndpoint(method: string, pathname: string, request: IncomingMessage): Promise<LocalResponse | undefined> {
    if (method === 'GET' && pathname === '/config.json') return json(200, options.publicConfig);
    if (method === 'GET' && pathname === '/auth/users') return json(200, { users: options.signIn.users });
    if (method === 'POST' && pathname === '/auth/local-token') {
      const body = await readBody(request);
      let userId: unknown;
      try {
        userId = (JSON.parse(body ?? '') as { user?: unknown }).user;
      } catch {
        userId = undefined;
      }
      if (typeof userId !== 'string' || userId === '') {
        return errorResponse('VALIDATION_FAILED', 'Send {"user":"<id>"} with the id of a seeded user (GET /auth/users lists them).');
      }
      const token = await options.signIn.issue(userId);
      if (token === undefined) return errorResponse('NOT_FOUND', `User ${userId} was not found; GET /auth/users lists the seeded users.`);
      return json(200, { token });
    }
    if (method === 'POST' && pathname === '/auth/client-token' && options.signIn.issueClient) {
      const credentials = clientCredentialsSchema.safeParse(parseJson(await readBody(request)));
      if (!credentials.success) {
        return errorResponse('VALIDATION_FAILED', 'Send {"clientId":"<id>","clientSecret":"<secret>"} of a machine client.');
      }
      const token = await options.signIn.issueClient(credentials.data.clientId, credentials.data.clientSecret);
      // Which of the two was wrong is not said: that would tell a guesser which client ids exist.
      if (token === undefined) return errorResponse('UNAUTHENTICATED', 'The client id or secret is wrong.');
      return json(200, { token });
    }
    return undefined;
  }

  async function handle(request: IncomingMessage): Promise<LocalResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const pathname = url.split('?')[0] ?? '/';

    const local = await localEndpoint(method, pathname, request);
    if (local) return local;

    // A browser opening a client route (`/cases/C…`) asks for HTML; API clients ask for JSON.
    if (wantsHtml(request) && options.webDir !== undefined) {
      const page = (await staticFile(options.webDir, pathname)) ?? (await indexHtml(options.webDir));
      if (page) return page;
    }

    const route = options.routes.match(method, pathname);
    if (!route) {
      if ((method === 'GET' || method === 'HEAD') && options.webDir !== undefined) {
        const file = await staticFile(options.webDir, pathname);
        if (file) return file;
      }
      return errorResponse('NOT_FOUND', `No route serves ${method} ${pathname}.`);
    }

    const body = await readBody(request);
    // Before the token is checked, as API Gateway throttles before its authorizer runs.
    const refusal = options.admission?.routeKeys.has(route.routeKey) ? options.admission.refusal() : undefined;
    if (refusal !== undefined) {
      const answer = errorResponse('UNAVAILABLE', refusal.message);
      return { ...answer, headers: { ...answer.headers, 'retry-after': String(refusal.retryAfterSeconds) } };
    }
    let claims: Record<string, string> | undefined;
    if (!route.isPublic) {
      const token = bearerToken(request);
      if (token === undefined) return errorResponse('UNAUTHENTICATED', 'Sign in: send "Authorization: Bearer <token>".');
      try {
        claims = claimsAsApiGatewayPasses(await options.signIn.verify(token));
      } catch {
        return errorResponse('UNAUTHENTICATED', 'The token is invalid or has expired; sign in again.');
      }
    }

    const localRequest: LocalRequest = {
      method,
      url,
      headers: request.headers,
      body,
      sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    };
    const event = buildEvent(localRequest, route, claims, now());
    try {
      return toResponse(await withTimeout(options.invoke(route.functionName, event), INTEGRATION_TIMEOUT_MS));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      // The caller gets no stack trace or internal message; the console gets what is needed to fix it.
      const failure = error as Error;
      log(
        `${route.functionName} failed on ${route.routeKey} (request ${event.requestContext.requestId}): ${failure?.stack ?? String(error)}`,
      );
      return errorResponse('INTERNAL', `The server could not handle the request (request id ${event.requestContext.requestId}).`);
    }
  }

  function send(request: IncomingMessage, response: ServerResponse, answer: LocalResponse): void {
    if (!response.headersSent) {
      response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(answer.body.length) });
    }
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    handle(request).then(
      (answer) => send(request, response, answer),
      (error: unknown) => {
        if (error instanceof HttpError) {
          send(request, response, errorResponse(error.code, error.message));
          return;
        }
        log(`The local API gateway failed on ${request.method} ${request.url}: ${(error as Error)?.stack ?? String(error)}`);
        send(request, response, errorResponse('INTERNAL', 'The server could not handle the request.'));
      },
    );
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerUnparsable(error, socket));
  return server;
}

/**
 * A request node:http cannot parse never reaches the handler; it still gets the contract's JSON
 * error rather than a bare status line, so a client sees which limit it met.
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return;
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? errorResponse(
          'PAYLOAD_TOO_LARGE',
          `The request line and headers together are larger than ${MAX_HEADER_BYTES} bytes, API Gateway's limit; send a shorter path, query or header.`,
        )
      : errorResponse('VALIDATION_FAILED', 'The request is not well-formed HTTP.');
  const head = [
    `HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode] ?? ''}`,
    ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${answer.body.length}`,
    'connection: close',
  ];
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), answer.body]));
}

export async function startApiGateway(options: ApiGatewayOptions): Promise<LocalApiGateway> {
  const server = createApiGatewayServer(options);
  const endpoint = await listen(server, options.port, options.host, 'PORT');
  return { endpoint, server, close: () => closeServer(server) };
}

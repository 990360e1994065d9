/**
 * The API Gateway HTTP API payload (format 2.0) that a Lambda handler receives in the cloud, built
 * from a local request, and the handler's answer turned back into an HTTP response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { LOCAL_ACCOUNT } from '../lambda';

export interface LocalRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/cases?status=CLOSED`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string | undefined;
  readonly sourceIp: string;
}

export interface RouteInfo {
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
}

/** A JWT-authorized route carries `authorizer.jwt`; a public route has no authorizer at all. */
export type LocalApiEvent = Omit<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'> & {
  requestContext: Omit<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'], 'authorizer'> & {
    authorizer?: APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'];
  };
};

/**
 * API Gateway's JWT authorizer hands every claim to the integration as a string: an array becomes
 * `[a b]`, a number its decimal form. Handlers must cope with that shape, so locally they get it too.
 */
export function claimsAsApiGatewayPasses(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` as API Gateway writes it: `12/Mar/2020:19:03:58 +0000`. */
export function apiGatewayTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export function buildEvent(
  request: LocalRequest,
  route: RouteInfo,
  claims: Record<string, string> | undefined,
  epochMs: number,
): LocalApiEvent {
  const questionMark = request.url.indexOf('?');
  const rawPath = questionMark < 0 ? request.url : request.url.slice(0, questionMark);
  const rawQueryString = questionMark < 0 ? '' : request.url.slice(questionMark + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    // Format 2.0 moves cookies out of the headers into their own array.
    if (lower === 'cookie') {
      cookies = (Array.isArray(value) ? value.join('; ') : value)
        .split(';')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      continue;
    }
    headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }

  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    // Repeated parameters arrive comma-joined in format 2.0.
    query[name] = name in query ? `${query[name]},${value}` : value;
  }

  const host = headers.host ?? '127.0.0.1';
  const event: LocalApiEvent = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: apiGatewayTime(epochMs),
      timeEpoch: epochMs,
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined && cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (Object.keys(route.pathParameters).length > 0) event.pathParameters = route.pathParameters;
  if (request.body !== undefined && request.body !== '') event.body = request.body;
  if (claims !== undefined) event.requestContext.authorizer = { jwt: { claims, scopes: null } };
  return event;
}

export interface LocalResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Format 2.0 response rules: an object with `statusCode` is taken as the response; anything else
 * (a string, an object without `statusCode`) is a 200 JSON body.
 */
export function toResponse(result: unknown): LocalResponse {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (structured.cookies !== undefined && structured.cookies.length > 0) headers['set-cookie'] = structured.cookies;
    const text = structured.body ?? '';
    const body = structured.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    if (headers['content-type'] === undefined && body.length > 0) headers['content-type'] = 'application/json';
    return { statusCode: structured.statusCode ?? 200, headers, body };
  }
  const body = Buffer.from(typeof result === 'string' ? result : (JSON.stringify(result) ?? ''), 'utf8');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
}

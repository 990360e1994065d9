import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ZodError, type ZodType } from 'zod';
import { assertRouteAllowed, parseScopes, type Identity } from '../domain/authz';
import { roleSchema, type Role } from '../domain/model';
import {
  DomainError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
  type ErrorDetail,
} from '../domain/errors';
import { config } from './config';
import { correlationKeys, invocation } from './invocation';
import { logger } from './logger';
import { isTransientAwsError } from './transient';

/** Lambda's synchronous payload limit; a report of 1,000 URLs of 2,048 characters fits well below it. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface ApiRequest {
  readonly routeKey: string;
  readonly identity: Identity;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string | undefined;
  /** The client's address as API Gateway saw it (`requestContext.http.sourceIp`); for rate limits, never logged. */
  readonly sourceIp?: string;
}

export interface ApiResult {
  readonly statusCode: number;
  readonly body: unknown;
  /** A body that is text of this media type, sent as it is; absent: the body is sent as JSON. */
  readonly contentType?: string;
  /** With `contentType`: the text is a file offered for download under this name. */
  readonly fileName?: string;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResult>;

type Claims = Record<string, unknown>;

function claimsOf(event: APIGatewayProxyEventV2): Claims | undefined {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } };
  return context.authorizer?.jwt?.claims;
}

/** API Gateway hands `cognito:groups` over as an array, a JSON string, or "[staff committee]". */
export function parseGroups(raw: unknown): Role[] {
  let values: unknown[] = [];
  if (Array.isArray(raw)) values = raw;
  else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[') && text.includes('"')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed)) values = parsed;
      } catch {
        values = [];
      }
    } else {
      values = text.replace(/^\[|\]$/g, '').split(/[\s,]+/);
    }
  }
  return values.flatMap((value) => {
    const role = roleSchema.safeParse(value);
    return role.success ? [role.data] : [];
  });
}

/**
 * A token of the client-credentials grant: Cognito's names the app client (`client_id`, also its
 * `sub`) and no user, and carries no custom attributes nor groups, so the client's operator comes
 * from `machineClients` (configuration: client id → operator id); the local runtime's tokens carry
 * it as `custom:operatorId` as well. A user's access token also names its client, and its user.
 */
function machineIdentity(claims: Claims, machineClients: () => Readonly<Record<string, string>>): Identity | undefined {
  const clientId = claims.client_id;
  if (typeof clientId !== 'string' || clientId === '' || claims.username !== undefined || claims['cognito:username'] !== undefined) {
    return undefined;
  }
  const claimed = claims['custom:operatorId'];
  const mapping = machineClients();
  const operatorId = Object.hasOwn(mapping, clientId) ? mapping[clientId] : typeof claimed === 'string' ? claimed : undefined;
  const groups = parseGroups(claims['cognito:groups']);
  return {
    userId: clientId,
    roles: groups.length > 0 ? groups : ['operator'],
    ...(operatorId ? { operatorId } : {}),
    scopes: parseScopes(claims.scope),
  };
}

/** `machineClients` is read only for a machine's token: a person's request needs no configuration. */
export function identityFromClaims(
  claims: Claims | undefined,
  machineClients: () => Readonly<Record<string, string>> = () => ({}),
): Identity {
  if (!claims) throw new UnauthenticatedError();
  const machine = machineIdentity(claims, machineClients);
  if (machine) return machine;
  const userId = [claims['cognito:username'], claims.username, claims.sub].find(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  if (!userId) throw new UnauthenticatedError('The token names no user; sign in again.');
  const operatorId = claims['custom:operatorId'];
  return {
    userId,
    roles: parseGroups(claims['cognito:groups']),
    ...(typeof operatorId === 'string' && operatorId ? { operatorId } : {}),
  };
}

function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Parses a JSON body with a schema; a bad body is a 400 naming each bad field. */
export function parseBody<T>(request: ApiRequest, schema: ZodType<T>): T {
  let json: unknown;
  try {
    json = request.rawBody === undefined || request.rawBody === '' ? {} : JSON.parse(request.rawBody);
  } catch {
    throw new ValidationError('The body is not valid JSON.');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ValidationError('The request does not match the expected fields; see details.', zodDetails(result.error));
  }
  return result.data;
}

export function parseQuery<T>(request: ApiRequest, schema: ZodType<T>): T {
  const result = schema.safeParse(request.query);
  if (!result.success) {
    throw new ValidationError('A query parameter is not valid; see details.', zodDetails(result.error));
  }
  return result.data;
}

export function ok(body: unknown, statusCode = 200): ApiResult {
  return { statusCode, body };
}

/** A 200 whose body is text of `contentType` (an export), not JSON; with `fileName`, a download. */
export function text(body: string, contentType: string, fileName?: string): ApiResult {
  return { statusCode: 200, body, contentType, ...(fileName === undefined ? {} : { fileName }) };
}

function respond(statusCode: number, body: unknown, extraHeaders: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extraHeaders },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: unknown): APIGatewayProxyResultV2 {
  if (error instanceof DomainError) {
    return respond(
      error.httpStatus,
      { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
      error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {},
    );
  }
  if (error instanceof ZodError) {
    return respond(400, {
      error: { code: 'VALIDATION_FAILED', message: 'The request is not valid; see details.', details: zodDetails(error) },
    });
  }
  if (isTransientAwsError(error)) {
    logger.warn('transient failure answered 503', { errorName: (error as Error).name });
    return respond(503, { error: { code: 'UNAVAILABLE', message: 'The service is busy; try again in a few seconds.' } });
  }
  logger.error('unexpected error', { errorName: error instanceof Error ? error.name : typeof error });
  return respond(500, { error: { code: 'INTERNAL', message: 'Something went wrong on our side; try again shortly.' } });
}

function bodyOf(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is larger than ${MAX_BODY_BYTES} bytes; split the report.`);
  }
  return text;
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

/**
 * One Lambda serves several routes: it authenticates, checks the caller's role for the route,
 * dispatches on `routeKey`, and turns typed errors into the contract's error body.
 */
export function apiHandler(routes: Readonly<Record<string, RouteHandler>>) {
  return (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyResultV2> =>
    invocation(context, correlationKeys(event.pathParameters), () => answer(routes, event, 'signed-in'));
}

/** Nobody signed in: who calls a public route (infra/functions.ts `publicRoutes`) is not asked. */
const ANONYMOUS: Identity = { userId: 'anonymous', roles: [] };

/**
 * Routes anyone may call without a token (infra/functions.ts `publicRoutes`): the same parsing and
 * error bodies as `apiHandler`, without authentication; a token sent along is ignored.
 */
export function publicApiHandler(routes: Readonly<Record<string, RouteHandler>>) {
  return (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyResultV2> =>
    invocation(context, correlationKeys(event.pathParameters), () => answer(routes, event, 'public'));
}

/** Authenticates and authorizes (unless public), dispatches; every error becomes the contract's error body. */
async function answer(
  routes: Readonly<Record<string, RouteHandler>>,
  event: APIGatewayProxyEventV2,
  access: 'signed-in' | 'public',
): Promise<APIGatewayProxyResultV2> {
  try {
    const route = routes[event.routeKey];
    if (!route) return errorResponse(new DomainError('NOT_FOUND', `No route ${event.routeKey}.`));
    const identity = access === 'public' ? ANONYMOUS : identityFromClaims(claimsOf(event), () => config().machineClients);
    if (access === 'signed-in') assertRouteAllowed(identity, event.routeKey);
    const result = await route({
      routeKey: event.routeKey,
      identity,
      pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
      query: (event.queryStringParameters ?? {}) as Record<string, string>,
      headers: lowerCaseHeaders(event.headers),
      rawBody: bodyOf(event),
      ...(event.requestContext?.http?.sourceIp === undefined ? {} : { sourceIp: event.requestContext.http.sourceIp }),
    });
    if (result.contentType !== undefined) {
      return {
        statusCode: result.statusCode,
        headers: {
          'content-type': result.contentType,
          ...(result.fileName === undefined ? {} : { 'content-disposition': `attachment; filename="${result.fileName}"` }),
          'cache-control': 'no-store',
        },
        body: String(result.body),
      };
    }
    return respond(result.statusCode, result.body);
  } catch (error) {
    return errorResponse(error);
  }
}

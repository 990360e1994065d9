/**
 * API Gateway HTTP API (payload 2.0) events for handler tests, with the JWT claims where API
 * Gateway's authorizer puts them, and a parsed view of the handler's answer.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Role } from '../../shared/domain/model';

export interface Caller {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly operatorId?: string;
}

export const callers = {
  staffKim: { userId: 'staff-kim', roles: ['staff'] },
  staffLee: { userId: 'staff-lee', roles: ['staff'] },
  staffPark: { userId: 'staff-park', roles: ['staff'] },
  member1: { userId: 'member-1', roles: ['committee'] },
  member2: { userId: 'member-2', roles: ['committee'] },
  webhard: { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' },
  social: { userId: 'op-social', roles: ['operator'], operatorId: 'op-social' },
  supportCenter: { userId: 'support-center', roles: ['reporter'] },
  auditor: { userId: 'auditor-1', roles: ['auditor'] },
} as const satisfies Record<string, Caller>;

export interface EventInput {
  /** `null`: no authorizer context at all (no token). */
  readonly caller: Caller | null;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  readonly body?: unknown;
}

/** `routeKey` is e.g. `POST /cases/{caseId}/approvals`; the raw path fills in the parameters. */
export function apiEvent(routeKey: string, input: EventInput): APIGatewayProxyEventV2 {
  const [method = 'GET', template = '/'] = routeKey.split(' ');
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) => input.pathParameters?.[name] ?? name);
  const body = input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const claims =
    input.caller === null
      ? undefined
      : {
          sub: `sub-${input.caller.userId}`,
          'cognito:username': input.caller.userId,
          // API Gateway passes an array claim as "[a b]".
          'cognito:groups': `[${input.caller.roles.join(' ')}]`,
          ...(input.caller.operatorId ? { 'custom:operatorId': input.caller.operatorId } : {}),
        };
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...input.headers },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'request-1',
      routeKey,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  } as APIGatewayProxyEventV2;
}

export interface Answer {
  readonly statusCode: number;
  readonly body: any;
}

export function answerOf(result: APIGatewayProxyResultV2): Answer {
  if (typeof result === 'string') return { statusCode: 200, body: JSON.parse(result) };
  return { statusCode: result.statusCode ?? 200, body: result.body === undefined ? undefined : JSON.parse(result.body) };
}

/** A body just over the edge's limit, to see 413. */
export function oversizedBody(): string {
  return JSON.stringify({ padding: 'x'.repeat(6 * 1024 * 1024 + 1) });
}

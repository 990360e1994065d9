/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route registry (shared/api/routes.ts),
 * the manifest's public routes (infra/functions.ts) and the roles of shared/domain/authz.ts: the
 * schemas are the ones the handlers parse with, so the document cannot say something else.
 * `GET /openapi.json` serves it; the web UI's `#/api` page renders it.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ApiFunction } from '../../infra/functions';
import { routeRoles, routeScopes } from '../domain/authz';
import { ERROR_STATUS, type ErrorCode } from '../domain/errors';
import { errorAnswerSchema } from './answers';
import { apiRoutes, MACHINE_SCOPE_MEANINGS, ROUTE_TAGS, type RouteDoc } from './routes';

/** The document's own route, public; it describes itself too. */
export const OPENAPI_ROUTE = 'GET /openapi.json';

/** Extensions the reference page reads: who may call a route, and whether it exists only locally. */
export const ROLES_EXTENSION = 'x-roles';
export const LOCAL_ONLY_EXTENSION = 'x-local-only';

type Method = RouteConfig['method'];

function splitRouteKey(routeKey: string): { method: Method; path: string } {
  const [method = '', path = ''] = routeKey.split(' ');
  return { method: method.toLowerCase() as Method, path };
}

/** The error codes a route may answer with, by status (CONTRACT.md section 3). */
function errorCodesOf(routeKey: string, isPublic: boolean, alsoAnswers: readonly ErrorCode[] = []): Map<number, ErrorCode[]> {
  const { method, path } = splitRouteKey(routeKey);
  // Any request may be too large (a body, or a path of thousands of characters).
  const codes: ErrorCode[] = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'INTERNAL', 'UNAVAILABLE'];
  if (!isPublic) codes.push('UNAUTHENTICATED', 'FORBIDDEN');
  // What a path or a body names (an order, an objection code, a user) may not exist.
  if (path.includes('{') || method !== 'get') codes.push('NOT_FOUND');
  if (method !== 'get') codes.push('CONFLICT', 'WINDOW_CLOSED');
  // The public routes that take input are rate limited per client address.
  if (isPublic) codes.push('RATE_LIMITED');
  codes.push(...alsoAnswers);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return byStatus;
}

function pathParametersOf(path: string) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  return names.length === 0 ? undefined : z.object(Object.fromEntries(names.map((name) => [name, z.string().min(1)])));
}

function rolesOf(routeKey: string, isPublic: boolean): string[] {
  return isPublic ? [] : [...(routeRoles[routeKey] ?? [])];
}

function operationOf(routeKey: string, route: RouteDoc, isPublic: boolean): RouteConfig {
  const { method, path } = splitRouteKey(routeKey);
  const roles = rolesOf(routeKey, isPublic);
  const params = pathParametersOf(path);
  const access = isPublic ? 'Public: no token.' : `Roles: ${roles.join(', ')}.`;
  const scope = Object.hasOwn(routeScopes, routeKey) ? routeScopes[routeKey] : undefined;
  const responses: RouteConfig['responses'] = {};
  for (const [status, schema] of Object.entries(route.answers)) {
    const text = Number(status) === 200 ? (route.textAnswers ?? []) : [];
    responses[status] = {
      description: route.summary,
      content: {
        'application/json': { schema },
        ...Object.fromEntries(text.map((answer) => [answer.mediaType, { schema: z.string().meta({ description: answer.description }) }])),
      },
    };
  }
  for (const [status, codes] of errorCodesOf(routeKey, isPublic, route.alsoAnswers)) {
    responses[String(status)] = {
      description: `Error: ${codes.join(' or ')}.`,
      content: { 'application/json': { schema: errorAnswerSchema } },
    };
  }
  return {
    method,
    path,
    operationId: routeKey
      .replace(/[{}]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/_$/, ''),
    summary: route.summary,
    description: [access, route.description].filter((part) => part !== undefined).join('\n\n'),
    tags: [route.tag],
    security: isPublic ? [] : [{ bearer: [] }, ...(scope === undefined ? [] : [{ machineClient: [scope] }])],
    request: {
      ...(params === undefined ? {} : { params }),
      ...(route.query === undefined ? {} : { query: route.query }),
      ...(route.body === undefined
        ? {}
        : {
            body: {
              required: true,
              content: { 'application/json': { schema: route.body, ...(route.example === undefined ? {} : { example: route.example }) } },
            },
          }),
    },
    responses,
    [ROLES_EXTENSION]: roles,
    ...(route.localOnly ? { [LOCAL_ONLY_EXTENSION]: true } : {}),
  };
}

/** What the document's own route answers: the document is JSON, described loosely so as not to describe itself twice. */
const openApiRoute: RouteDoc = {
  summary: 'This OpenAPI 3.1 document.',
  tag: 'Public',
  answers: {
    200: z.object({
      openapi: z.string(),
      info: z.object({ title: z.string(), version: z.string() }),
      paths: z.record(z.string(), z.unknown()),
    }),
  },
};

/** The route keys the document describes: every manifest route, and the local runtime's own. */
export function documentedRoutes(manifest: readonly ApiFunction[]): { routeKey: string; route: RouteDoc; isPublic: boolean }[] {
  const publicRoutes = new Set(manifest.flatMap((fn) => fn.publicRoutes ?? []));
  const manifestRoutes = manifest.flatMap((fn) => fn.routes);
  const localOnly = Object.keys(apiRoutes).filter((routeKey) => apiRoutes[routeKey]?.localOnly);
  return [...manifestRoutes, ...localOnly].flatMap((routeKey) => {
    const route = routeKey === OPENAPI_ROUTE ? openApiRoute : apiRoutes[routeKey];
    // A manifest route missing from the registry is left out here; the manifest test names it.
    return route === undefined ? [] : [{ routeKey, route, isPublic: publicRoutes.has(routeKey) || route.localOnly === true }];
  });
}

export function openApiDocument(manifest: readonly ApiFunction[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A person's token: Cognito user pool in the cloud, `POST /auth/local-token` locally. Roles in the claim `cognito:groups` (staff, committee, operator, reporter, auditor); an operator's token carries `custom:operatorId`.",
  });
  registry.registerComponent('securitySchemes', 'machineClient', {
    type: 'oauth2',
    description:
      "An operator system's token by the client-credentials grant: Cognito's token endpoint in the cloud, `POST /auth/client-token` locally. It acts for its operator only, within the scopes of its `scope` claim. Send it as `Authorization: Bearer <token>`.",
    flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: { ...MACHINE_SCOPE_MEANINGS } } },
  });
  for (const { routeKey, route, isPublic } of documentedRoutes(manifest)) registry.registerPath(operationOf(routeKey, route, isPublic));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Urgent deliberation API',
      version: '1',
      description:
        'Reports of digital sex crime content, urgent deletion orders, operator compliance, committee review and appeals. Errors: `{"error":{"code","message","details"}}` (CONTRACT.md section 3). Timestamps are ISO 8601 in UTC.',
    },
    servers: [{ url: '/' }],
    tags: ROUTE_TAGS.map((tag) => ({ ...tag })),
  });
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

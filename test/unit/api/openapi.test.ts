/**
 * The OpenAPI document (issue 13): `GET /openapi.json` answers it without a token, it is a valid
 * OpenAPI 3.1 document, it describes every route of the manifest with the roles of authz.ts, and
 * the answers the handlers give match it (the e2e suite checks every answer it sees the same way).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { handler as operatorOrdersHandler } from '../../../functions/api/operator-orders';
import { handler } from '../../../functions/api/openapi';
import { apiFunctions } from '../../../infra/functions';
import { apiRoutes } from '../../../shared/api/routes';
import { routeRoles, routeScopes } from '../../../shared/domain/authz';
import { COMPLIANCE_ACTIONS } from '../../../shared/domain/model';
import { writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers } from '../../support/api-event';
import { plant } from '../../support/given';
import { answerMismatch } from '../../support/openapi-answers';
import { aCase, anOrder, CASE_ID, CASE_URLS, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';

useWorld();

interface Operation {
  security: Record<string, string[]>[];
  'x-roles': string[];
  'x-local-only'?: boolean;
  requestBody?: { content: Record<string, { schema: { properties: Record<string, { enum?: string[] }> } }> };
  responses: Record<string, unknown>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function servedDocument(): Promise<Document> {
  const answer = answerOf(await handler(apiEvent('GET /openapi.json', { caller: null })));
  expect(answer.statusCode).toBe(200);
  return answer.body as Document;
}

function operationsOf(document: Document): Map<string, Operation> {
  return new Map(
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const),
    ),
  );
}

const manifestRoutes = apiFunctions.flatMap((fn) =>
  fn.routes.map((routeKey) => ({ routeKey, isPublic: fn.publicRoutes?.includes(routeKey) ?? false })),
);

describe('GET /openapi.json', () => {
  it('answers a valid OpenAPI 3.1 document to a caller without a token', async () => {
    // Given no token; When the document is asked for
    const document = await servedDocument();

    // Then it validates as OpenAPI 3.1
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every route of the manifest, and no route the cloud does not have except the local ones marked so', async () => {
    // Given the manifest; When the document is read
    const operations = operationsOf(await servedDocument());

    // Then each manifest route is there, and each other route is local only
    expect(manifestRoutes.filter(({ routeKey }) => !operations.has(routeKey)).map(({ routeKey }) => routeKey)).toEqual([]);
    const extra = [...operations].filter(([routeKey]) => !manifestRoutes.some((route) => route.routeKey === routeKey));
    expect(extra.filter(([, operation]) => operation['x-local-only'] !== true).map(([routeKey]) => routeKey)).toEqual([]);
    // and the registry has no entry for a route that no longer exists
    const registryOnly = Object.keys(apiRoutes).filter((routeKey) => !operations.has(routeKey));
    expect(registryOnly).toEqual([]);
  });

  it("gives each route the roles of authz.ts, a token requirement unless public, and the contract's errors", async () => {
    const operations = operationsOf(await servedDocument());

    for (const { routeKey, isPublic } of manifestRoutes) {
      const operation = operations.get(routeKey) as Operation;
      if (isPublic) {
        expect(operation.security, routeKey).toEqual([]);
        expect(operation['x-roles'], routeKey).toEqual([]);
        // A public route answers 401 only when a credential of its own (a partner's signature) fails.
        const signed = apiRoutes[routeKey]?.alsoAnswers?.includes('UNAUTHENTICATED') ?? false;
        expect(Object.keys(operation.responses).includes('401'), routeKey).toBe(signed);
      } else {
        expect(operation['x-roles'], routeKey).toEqual(routeRoles[routeKey]);
        expect(operation.security[0], routeKey).toEqual({ bearer: [] });
        expect(Object.keys(operation.responses), routeKey).toEqual(expect.arrayContaining(['400', '401', '403', '500', '503']));
      }
      if (routeKey.includes('{')) expect(Object.keys(operation.responses), routeKey).toContain('404');
    }
  });

  it("lets an operator's machine client use its order routes with the scopes they need", async () => {
    const operations = operationsOf(await servedDocument());

    expect(operations.get('GET /operator/orders')?.security).toContainEqual({ machineClient: ['orders.read'] });
    expect(operations.get('POST /operator/orders/{orderId}/compliance')?.security).toContainEqual({ machineClient: ['orders.write'] });
    // Staff routes take no machine token
    expect(operations.get('GET /cases')?.security).toEqual([{ bearer: [] }]);
  });

  it('names for each route the scope authz.ts lets a machine client call it with, and none for the others', async () => {
    // Given authz.ts's scopes per route; When the document is read
    const operations = operationsOf(await servedDocument());

    // Then every operation's machine-client requirement is that scope, or absent
    for (const [routeKey, operation] of operations) {
      const machineClient = operation.security.flatMap((requirement) => requirement.machineClient ?? []);
      const scope = Object.hasOwn(routeScopes, routeKey) ? routeScopes[routeKey] : undefined;
      expect(machineClient, routeKey).toEqual(scope === undefined ? [] : [scope]);
    }
    expect(operations.get('GET /isp/blocklist')?.security).toContainEqual({ machineClient: ['blocklist.read'] });
  });

  it('describes a body with the schema the handler parses it with', async () => {
    const operations = operationsOf(await servedDocument());

    const body = operations.get('POST /operator/orders/{orderId}/compliance')?.requestBody?.content['application/json']?.schema;
    expect(body?.properties.action?.enum).toEqual([...COMPLIANCE_ACTIONS]);
  });
});

describe("the handlers' answers match the document", () => {
  it("an operator's order list, with its statement of reasons, matches what the document says of it", async () => {
    // Given an order issued to op-webhard with its URLs
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await plant.order(anOrder({ deadlineAt: '2999-01-01T00:00:00.000Z', graceEndsAt: '2999-01-08T00:00:00.000Z' }));

    // When the operator lists its orders and acknowledges one
    const list = answerOf(await operatorOrdersHandler(apiEvent('GET /operator/orders', { caller: callers.webhard })));
    const ack = answerOf(
      await operatorOrdersHandler(
        apiEvent('POST /operator/orders/{orderId}/acknowledge', { caller: callers.webhard, pathParameters: { orderId: WEBHARD_ORDER_ID } }),
      ),
    );

    // Then both answers match the document
    expect(list.body.orders).toHaveLength(1);
    expect(answerMismatch('GET', '/operator/orders', list.statusCode, 'application/json', list.body)).toBeUndefined();
    expect(
      answerMismatch('POST', `/operator/orders/${WEBHARD_ORDER_ID}/acknowledge`, ack.statusCode, 'application/json', ack.body),
    ).toBeUndefined();
  });

  it('names the route, the status and the wrong field when an answer does not match', () => {
    // A status missing a required field, an undocumented status, a route that does not exist
    const wrong = answerMismatch('GET', '/operator/orders', 200, 'application/json', { orders: [{ orderId: 'O1' }] });
    expect(wrong).toMatch(/^GET \/operator\/orders answered 200, which does not match the OpenAPI document: .*caseId/);
    expect(answerMismatch('GET', '/operator/orders', 418, 'application/json', {})).toMatch(/does not list status 418/);
    expect(answerMismatch('GET', '/nowhere', 200, 'application/json', {})).toMatch(/has no such route/);
    expect(answerMismatch('GET', '/cases/C1/audit', 200, 'text/csv', 'a,b')).toMatch(/the document lists application\/json/);
  });

  it("accepts the contract's error body on any documented error status, and nothing else there", () => {
    const error = { error: { code: 'NOT_FOUND', message: 'Order O1 was not found.' } };
    expect(answerMismatch('POST', '/operator/orders/O1/acknowledge', 404, 'application/json; charset=utf-8', error)).toBeUndefined();
    expect(answerMismatch('POST', '/operator/orders/O1/acknowledge', 404, 'application/json', { message: 'no' })).toMatch(/error/);
  });
});

import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { apiFunctions } from '../../../infra/functions';
import { answerOf, apiEvent } from '../../support/api-event';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

// Public routes (infra/functions.ts `publicRoutes`) answer anyone; the authorization matrix covers them.
const routes = apiFunctions.flatMap((fn) =>
  fn.routes.filter((routeKey) => !(fn.publicRoutes ?? []).includes(routeKey)).map((routeKey) => [fn.entry, routeKey] as const),
);

describe('every API route of the manifest', () => {
  it.each(routes)('%s serves %s behind authentication and roles', async (entry, routeKey) => {
    // Prepare
    const { handler } = (await import(`../../../${entry}`)) as { handler: Handler };

    // Act: a caller with no role at all
    const answer = answerOf(await handler(apiEvent(routeKey, { caller: { userId: 'nobody', roles: [] } })));

    // Assess: the role check answered, so the route is dispatched (an unknown route would be 404)
    expect(answer).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});

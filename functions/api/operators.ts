import { operatorInputSchema, operatorPatchSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import { createOperator, listOperators, updateOperator } from '../../shared/services/operators';
import { getOperatorAudit } from '../../shared/services/views';

export const handler = apiHandler({
  'GET /operators': async () => ok({ operators: await listOperators() }),
  'POST /operators': async (request) =>
    ok(await createOperator(parseBody(request, operatorInputSchema), nowIso(), request.identity.userId), 201),
  'PATCH /operators/{operatorId}': async (request) =>
    ok(
      await updateOperator(
        request.pathParameters.operatorId ?? '',
        parseBody(request, operatorPatchSchema),
        nowIso(),
        request.identity.userId,
      ),
    ),
  'GET /operators/{operatorId}/audit': async (request) => ok(await getOperatorAudit(request.pathParameters.operatorId ?? '')),
});

import { appealRequestSchema, complianceRequestSchema, fineOpinionSchema, reinstatementRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import {
  acknowledgeOrder,
  fileAppeal,
  listOperatorOrders,
  recordCompliance,
  submitFineOpinion,
  reportReinstatement,
} from '../../shared/services/operator-orders';

export const handler = apiHandler({
  'GET /operator/orders': async (request) => ok({ orders: await listOperatorOrders(request.identity) }),
  'POST /operator/orders/{orderId}/acknowledge': async (request) =>
    ok(await acknowledgeOrder(request.identity, request.pathParameters.orderId ?? '', nowIso())),
  'POST /operator/orders/{orderId}/compliance': async (request) => {
    const body = parseBody(request, complianceRequestSchema);
    return ok(await recordCompliance(request.identity, request.pathParameters.orderId ?? '', body, nowIso()));
  },
  'POST /operator/orders/{orderId}/appeal': async (request) => {
    const body = parseBody(request, appealRequestSchema);
    return ok(await fileAppeal(request.identity, request.pathParameters.orderId ?? '', body, nowIso()), 201);
  },
  'POST /operator/orders/{orderId}/fine/opinion': async (request) => {
    const body = parseBody(request, fineOpinionSchema);
    return ok(await submitFineOpinion(request.identity, request.pathParameters.orderId ?? '', body, nowIso()));
  },
  'POST /operator/orders/{orderId}/reinstatement': async (request) => {
    const body = parseBody(request, reinstatementRequestSchema);
    return ok(await reportReinstatement(request.identity, request.pathParameters.orderId ?? '', body, nowIso()));
  },
});

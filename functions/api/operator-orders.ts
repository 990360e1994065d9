import { operatorOrdersQuerySchema } from '../../shared/api/inputs';
import { bulkOrdersRequestSchema } from '../../shared/domain/bulk-orders';
import { appealRequestSchema, complianceRequestSchema, fineOpinionSchema, reinstatementRequestSchema } from '../../shared/domain/model';
import { isOrderSearch } from '../../shared/domain/order-search';
import { urlComplianceRequestSchema } from '../../shared/domain/url-compliance';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody, parseQuery, text } from '../../shared/runtime/http';
import {
  acknowledgeOrder,
  bulkOrders,
  fileAppeal,
  listOperatorOrders,
  operatorOrdersCsv,
  recordCompliance,
  reportUrlCompliance,
  searchOperatorOrders,
  submitFineOpinion,
  reportReinstatement,
} from '../../shared/services/operator-orders';

export const handler = apiHandler({
  // Without a filter or paging parameter, the contract's whole list; CSV on `Accept: text/csv`.
  'GET /operator/orders': async (request) => {
    const query = parseQuery(request, operatorOrdersQuerySchema);
    const page = isOrderSearch(query)
      ? await searchOperatorOrders(request.identity, query)
      : { orders: await listOperatorOrders(request.identity) };
    if ((request.headers.accept ?? '').includes('text/csv')) {
      return text(operatorOrdersCsv(page.orders), 'text/csv; charset=utf-8', 'orders.csv');
    }
    return ok(page);
  },
  'POST /operator/orders/bulk': async (request) => {
    const body = parseBody(request, bulkOrdersRequestSchema);
    return ok(await bulkOrders(request.identity, body, nowIso()));
  },
  'POST /operator/orders/{orderId}/acknowledge': async (request) =>
    ok(await acknowledgeOrder(request.identity, request.pathParameters.orderId ?? '', nowIso())),
  'POST /operator/orders/{orderId}/compliance': async (request) => {
    const body = parseBody(request, complianceRequestSchema);
    return ok(await recordCompliance(request.identity, request.pathParameters.orderId ?? '', body, nowIso()));
  },
  'POST /operator/orders/{orderId}/compliance/urls': async (request) => {
    const body = parseBody(request, urlComplianceRequestSchema);
    return ok(await reportUrlCompliance(request.identity, request.pathParameters.orderId ?? '', body, nowIso()));
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

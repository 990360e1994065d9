import { deadlineChangeRequestSchema } from '../../shared/domain/deadline-changes';
import { fineDecisionSchema, nonComplianceRequestSchema } from '../../shared/domain/model';
import { isOrderSearch } from '../../shared/domain/order-search';
import { boardQuerySchema } from '../../shared/api/inputs';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody, parseQuery } from '../../shared/runtime/http';
import { changeDeadline, decideFine, resendOrderNotice, resolveNonCompliance } from '../../shared/services/staff-orders';
import { listDeadlineBoard, searchDeadlineBoard } from '../../shared/services/views';

/**
 * The staff's deadline board (an extension of the contract for the web UI) and its search, resending an undelivered
 * order, acting on an order whose grace period ended without compliance, changing its deadline, and deciding a proposed fine.
 */
export const handler = apiHandler({
  // No search parameter: the contract's board, as its clients know it; any: one page of a search.
  'GET /orders': async (request) => {
    const { recent, ...search } = parseQuery(request, boardQuerySchema);
    return ok(isOrderSearch(search) ? await searchDeadlineBoard(search) : { orders: await listDeadlineBoard(recent) });
  },
  'POST /orders/{orderId}/resend': async (request) =>
    ok(await resendOrderNotice(request.identity, request.pathParameters.orderId ?? '', nowIso())),
  'POST /orders/{orderId}/non-compliance': async (request) =>
    ok(
      await resolveNonCompliance(
        request.identity,
        request.pathParameters.orderId ?? '',
        parseBody(request, nonComplianceRequestSchema),
        nowIso(),
      ),
    ),
  'POST /orders/{orderId}/deadline': async (request) =>
    ok(
      await changeDeadline(
        request.identity,
        request.pathParameters.orderId ?? '',
        parseBody(request, deadlineChangeRequestSchema),
        nowIso(),
      ),
    ),
  'POST /orders/{orderId}/fine/decision': async (request) =>
    ok(await decideFine(request.identity, request.pathParameters.orderId ?? '', parseBody(request, fineDecisionSchema), nowIso())),
});

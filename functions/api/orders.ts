import { z } from 'zod';
import { fineDecisionSchema, nonComplianceRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody, parseQuery } from '../../shared/runtime/http';
import { decideFine, resendOrderNotice, resolveNonCompliance } from '../../shared/services/staff-orders';
import { DEFAULT_RECENT_ORDERS, listDeadlineBoard } from '../../shared/services/views';

const boardQuery = z.object({ recent: z.coerce.number().int().min(0).max(1000).default(DEFAULT_RECENT_ORDERS) });

/**
 * The staff's deadline board (an extension of the contract for the web UI), resending an undelivered
 * order, acting on an order whose grace period ended without compliance, and deciding a proposed fine.
 */
export const handler = apiHandler({
  'GET /orders': async (request) => ok({ orders: await listDeadlineBoard(parseQuery(request, boardQuery).recent) }),
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
  'POST /orders/{orderId}/fine/decision': async (request) =>
    ok(await decideFine(request.identity, request.pathParameters.orderId ?? '', parseBody(request, fineDecisionSchema), nowIso())),
});

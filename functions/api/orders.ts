import { z } from 'zod';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseQuery } from '../../shared/runtime/http';
import { resendOrderNotice } from '../../shared/services/staff-orders';
import { DEFAULT_RECENT_ORDERS, listDeadlineBoard } from '../../shared/services/views';

const boardQuery = z.object({ recent: z.coerce.number().int().min(0).max(1000).default(DEFAULT_RECENT_ORDERS) });

/** The staff's deadline board (an extension of the contract for the web UI), and resending an undelivered order. */
export const handler = apiHandler({
  'GET /orders': async (request) => ok({ orders: await listDeadlineBoard(parseQuery(request, boardQuery).recent) }),
  'POST /orders/{orderId}/resend': async (request) =>
    ok(await resendOrderNotice(request.identity, request.pathParameters.orderId ?? '', nowIso())),
});

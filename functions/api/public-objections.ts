import { publicObjectionRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { ok, parseBody, publicApiHandler, type ApiRequest } from '../../shared/runtime/http';
import { filePosterObjection, posterObjectionStatus } from '../../shared/services/public-objections';

/** API Gateway always gives the source address; a request without one is counted as one unknown client. */
const clientAddress = (request: ApiRequest): string => request.sourceIp ?? 'unknown';

/**
 * `POST /public/objections` and `GET /public/objections/{reference}` (no sign-in): a poster objects
 * with the code from the order notice, and looks the objection up by the reference it was given.
 */
export const handler = publicApiHandler({
  'POST /public/objections': async (request) =>
    ok(await filePosterObjection(parseBody(request, publicObjectionRequestSchema), clientAddress(request), nowIso()), 201),
  'GET /public/objections/{reference}': async (request) =>
    ok(await posterObjectionStatus(request.pathParameters.reference ?? '', clientAddress(request), nowIso())),
});

import { followUpRequestSchema } from '../../shared/api/inputs';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import { fileFollowUp } from '../../shared/services/follow-ups';

export const handler = apiHandler({
  'POST /cases/{caseId}/follow-ups': async (request) => {
    parseBody(request, followUpRequestSchema);
    const filed = await fileFollowUp(request.identity, request.pathParameters.caseId ?? '', nowIso());
    return ok(filed, filed.created ? 201 : 200);
  },
});

import { z } from 'zod';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import { fileFollowUp } from '../../shared/services/follow-ups';

/** The follow-up takes every unassigned URL of the case: there is nothing to choose. */
const followUpRequestSchema = z.strictObject({});

export const handler = apiHandler({
  'POST /cases/{caseId}/follow-ups': async (request) => {
    parseBody(request, followUpRequestSchema);
    const filed = await fileFollowUp(request.identity, request.pathParameters.caseId ?? '', nowIso());
    return ok(filed, filed.created ? 201 : 200);
  },
});

import { z } from 'zod';
import { caseStatusSchema } from '../../shared/domain/model';
import { apiHandler, ok, parseQuery } from '../../shared/runtime/http';
import { getCaseAudit, getCaseView, listCaseSummaries } from '../../shared/services/views';

const casesQuery = z.object({ status: caseStatusSchema.optional() });

export const handler = apiHandler({
  'GET /cases': async (request) => ok({ cases: await listCaseSummaries(parseQuery(request, casesQuery)) }),
  'GET /cases/{caseId}': async (request) => ok(await getCaseView(request.pathParameters.caseId ?? '')),
  'GET /cases/{caseId}/audit': async (request) => ok(await getCaseAudit(request.pathParameters.caseId ?? '')),
});

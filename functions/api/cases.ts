import { caseSearchSchema } from '../../shared/domain/search';
import { apiHandler, ok, parseQuery } from '../../shared/runtime/http';
import { getCaseAudit, getCaseView, findCases } from '../../shared/services/views';

export const handler = apiHandler({
  'GET /cases': async (request) => ok(await findCases(parseQuery(request, caseSearchSchema))),
  'GET /cases/{caseId}': async (request) => ok(await getCaseView(request.pathParameters.caseId ?? '')),
  'GET /cases/{caseId}/audit': async (request) => ok(await getCaseAudit(request.pathParameters.caseId ?? '')),
});

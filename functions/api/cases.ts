import { auditQuerySchema } from '../../shared/api/inputs';
import { caseSearchSchema } from '../../shared/domain/search';
import { apiHandler, ok, parseQuery, text } from '../../shared/runtime/http';
import { findCases, getCaseAudit, getCaseAuditJsonLines, getCaseView } from '../../shared/services/views';

export const handler = apiHandler({
  'GET /cases': async (request) => ok(await findCases(parseQuery(request, caseSearchSchema))),
  'GET /cases/{caseId}': async (request) => ok(await getCaseView(request.pathParameters.caseId ?? '')),
  'GET /cases/{caseId}/audit': async (request) => {
    const caseId = request.pathParameters.caseId ?? '';
    return parseQuery(request, auditQuerySchema).format === 'jsonl'
      ? text(await getCaseAuditJsonLines(caseId), 'application/x-ndjson; charset=utf-8')
      : ok(await getCaseAudit(caseId));
  },
});

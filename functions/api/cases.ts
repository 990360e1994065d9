import { z } from 'zod';
import { caseSearchSchema } from '../../shared/domain/search';
import { apiHandler, ok, parseQuery, text } from '../../shared/runtime/http';
import { findCases, getCaseAudit, getCaseAuditJsonLines, getCaseView } from '../../shared/services/views';

/** `jsonl`: the chain as JSON Lines, to verify outside this system (docs/audit.md). */
const auditQuery = z.object({ format: z.enum(['json', 'jsonl']).optional() });

export const handler = apiHandler({
  'GET /cases': async (request) => ok(await findCases(parseQuery(request, caseSearchSchema))),
  'GET /cases/{caseId}': async (request) => ok(await getCaseView(request.pathParameters.caseId ?? '')),
  'GET /cases/{caseId}/audit': async (request) => {
    const caseId = request.pathParameters.caseId ?? '';
    return parseQuery(request, auditQuery).format === 'jsonl'
      ? text(await getCaseAuditJsonLines(caseId), 'application/x-ndjson; charset=utf-8')
      : ok(await getCaseAudit(caseId));
  },
});

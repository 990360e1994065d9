import { z } from 'zod';
import { caseStatusSchema } from '../../shared/domain/model';
import { apiHandler, ok, parseQuery, text } from '../../shared/runtime/http';
import { getCaseAudit, getCaseAuditJsonLines, getCaseView, listCaseSummaries } from '../../shared/services/views';

const casesQuery = z.object({ status: caseStatusSchema.optional() });
/** `jsonl`: the chain as JSON Lines, to verify outside this system (docs/audit.md). */
const auditQuery = z.object({ format: z.enum(['json', 'jsonl']).optional() });

export const handler = apiHandler({
  'GET /cases': async (request) => ok({ cases: await listCaseSummaries(parseQuery(request, casesQuery)) }),
  'GET /cases/{caseId}': async (request) => ok(await getCaseView(request.pathParameters.caseId ?? '')),
  'GET /cases/{caseId}/audit': async (request) => {
    const caseId = request.pathParameters.caseId ?? '';
    return parseQuery(request, auditQuery).format === 'jsonl'
      ? text(await getCaseAuditJsonLines(caseId), 'application/x-ndjson; charset=utf-8')
      : ok(await getCaseAudit(caseId));
  },
});

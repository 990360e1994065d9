import { reportsQuerySchema } from '../../shared/api/inputs';
import { duplicateCheckRequestSchema, reportRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody, parseQuery } from '../../shared/runtime/http';
import { findDuplicates, urlsAlreadyHandled } from '../../shared/services/duplicates';
import { fileReport, listOwnReports } from '../../shared/services/reports';

export const handler = apiHandler({
  'POST /reports': async (request) => {
    const body = parseBody(request, reportRequestSchema);
    const now = nowIso();
    const filed = await fileReport(request.identity, body, request.headers['idempotency-key'], now);
    const answer = { caseId: filed.caseId, status: filed.status };
    // Other people's cases are staff's business: a reporter is not told what else was reported.
    const shown = request.identity.roles.includes('staff')
      ? { ...answer, duplicates: await findDuplicates(filed.caseId, body.urls, now) }
      : answer;
    return ok(shown, filed.created ? 201 : 200);
  },
  // Before filing: which URLs are already in an open or recent case. Staff see the cases; a
  // reporter only that a URL is being handled, never what anyone else reported.
  'POST /reports/duplicates': async (request) => {
    const { urls } = parseBody(request, duplicateCheckRequestSchema);
    const duplicates = await findDuplicates(null, urls, nowIso());
    const handled = urlsAlreadyHandled(urls, duplicates);
    return ok(request.identity.roles.includes('staff') ? { urls: handled, duplicates } : { urls: handled });
  },
  'GET /reports': async (request) => {
    const { language } = parseQuery(request, reportsQuerySchema);
    return ok({ reports: await listOwnReports(request.identity, language) });
  },
});

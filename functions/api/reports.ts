import { z } from 'zod';
import { LANGUAGES, reportRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody, parseQuery } from '../../shared/runtime/http';
import { findDuplicates } from '../../shared/services/duplicates';
import { fileReport, listOwnReports } from '../../shared/services/reports';

const reportsQuery = z.object({ language: z.enum(LANGUAGES).optional() });

export const handler = apiHandler({
  'POST /reports': async (request) => {
    const body = parseBody(request, reportRequestSchema);
    const now = nowIso();
    const filed = await fileReport(request.identity, body, request.headers['idempotency-key'], now);
    const duplicates = await findDuplicates(filed.caseId, body.urls, now);
    return ok({ caseId: filed.caseId, status: filed.status, duplicates }, filed.created ? 201 : 200);
  },
  'GET /reports': async (request) => {
    const { language } = parseQuery(request, reportsQuery);
    return ok({ reports: await listOwnReports(request.identity, language) });
  },
});

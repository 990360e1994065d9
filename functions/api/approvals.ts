import { approvalRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import { decideApproval } from '../../shared/services/approvals';

export const handler = apiHandler({
  'POST /cases/{caseId}/approvals': async (request) =>
    ok(await decideApproval(request.identity, request.pathParameters.caseId ?? '', parseBody(request, approvalRequestSchema), nowIso())),
});

import { partnerInputSchema, partnerPatchSchema } from '../../shared/domain/partners';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody } from '../../shared/runtime/http';
import { createPartner, listPartners, readPartner, updatePartner } from '../../shared/services/partners';

export const handler = apiHandler({
  'GET /partners': async () => ok({ partners: await listPartners() }),
  'POST /partners': async (request) =>
    ok(await createPartner(parseBody(request, partnerInputSchema), nowIso(), request.identity.userId), 201),
  'GET /partners/{partnerId}': async (request) => ok(await readPartner(request.pathParameters.partnerId ?? '')),
  'PATCH /partners/{partnerId}': async (request) =>
    ok(
      await updatePartner(
        request.pathParameters.partnerId ?? '',
        parseBody(request, partnerPatchSchema),
        nowIso(),
        request.identity.userId,
      ),
    ),
});

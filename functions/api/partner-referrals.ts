import { signedMessageSchema } from '../../shared/domain/referrals';
import { nowIso } from '../../shared/runtime/clock';
import { ok, parseBody, publicApiHandler } from '../../shared/runtime/http';
import { fileInboundReferral } from '../../shared/services/inbound-referrals';
import { recordPartnerStatus } from '../../shared/services/referrals';

/**
 * Partner regulators' machine endpoint (docs/referrals.md): no user token, each message signed
 * (JWS, ES256) with the key the partner registered, and refused with 401 when no registered key verifies it.
 */
export const handler = publicApiHandler({
  'POST /partners/referrals': async (request) => {
    const filed = await fileInboundReferral(parseBody(request, signedMessageSchema).jws, nowIso());
    return ok({ caseId: filed.caseId, reference: filed.reference }, filed.created ? 201 : 200);
  },
  'POST /partners/referrals/{referralId}/status': async (request) =>
    ok(await recordPartnerStatus(request.pathParameters.referralId ?? '', parseBody(request, signedMessageSchema).jws, nowIso())),
});

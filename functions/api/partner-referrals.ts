import { signedMessageSchema } from '../../shared/domain/referrals';
import { nowIso } from '../../shared/runtime/clock';
import { ok, parseBody, publicApiHandler } from '../../shared/runtime/http';
import { recordPartnerStatus } from '../../shared/services/referrals';

/**
 * Partner regulators' machine endpoint (docs/referrals.md): no user token, each message signed
 * (JWS, ES256) with the key the partner registered, and refused with 401 when no registered key verifies it.
 */
export const handler = publicApiHandler({
  'POST /partners/referrals/{referralId}/status': async (request) =>
    ok(await recordPartnerStatus(request.pathParameters.referralId ?? '', parseBody(request, signedMessageSchema).jws, nowIso())),
});

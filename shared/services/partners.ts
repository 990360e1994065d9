/**
 * The partners registry (docs/referrals.md): partner regulators and hotlines abroad, the countries
 * they cover, and how they are reached. Staff register and change them; start-up seeds the local
 * ones. Every change goes through the partner decider, so the partner's stream audits it.
 */
import { importJWK } from 'jose';
import { partnerDecider } from '../domain/deciders/partner';
import { NotFoundError, ValidationError } from '../domain/errors';
import { partnerIdSchema, type Partner, type PartnerInput, type PartnerPatch, type PartnerPublicKey } from '../domain/partners';
import { assertWebhookUrl } from '../domain/webhooks';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getPartner, listPartners as listStoredPartners } from '../store/repository';
import { act } from './acts';

/** The signing algorithm of every message between partners (and of the block list). */
export const PARTNER_SIGNING_ALGORITHM = 'ES256';

export const listPartners = (): Promise<Partner[]> => listStoredPartners();

export async function readPartner(partnerId: string): Promise<Partner> {
  const partner = partnerIdSchema.safeParse(partnerId).success ? await getPartner(partnerId) : undefined;
  if (!partner) throw new NotFoundError(`Partner ${partnerId}`);
  return partner;
}

/** An endpoint is held to the webhooks' rule: https, plain http to loopback only where the runtime allows it. */
function checkedEndpoint(raw: string): string {
  try {
    return assertWebhookUrl(raw, { allowLoopbackHttp: config().webhooks.allowLoopbackHttp });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError("The partner's endpoint cannot be used.", [{ field: 'endpoint', message: error.message }]);
  }
}

/** A key whose coordinates are not a point of P-256 passes the schema but could verify nothing: refused now, not at the first message. */
async function assertUsableKey(publicKey: PartnerPublicKey): Promise<void> {
  try {
    await importJWK(publicKey, PARTNER_SIGNING_ALGORITHM);
  } catch {
    throw new ValidationError("The partner's public key cannot verify signatures.", [
      { field: 'publicKey', message: 'x and y are not a point of the curve P-256' },
    ]);
  }
}

async function checked<Fields extends Pick<PartnerPatch, 'endpoint' | 'publicKey'>>(fields: Fields): Promise<Fields> {
  if (fields.publicKey) await assertUsableKey(fields.publicKey);
  return fields.endpoint ? { ...fields, endpoint: checkedEndpoint(fields.endpoint) } : fields;
}

/** Registers a partner; 409 when the id is taken. */
export async function createPartner(input: PartnerInput, now: string, by: string): Promise<Partner> {
  const partner: Partner = { ...(await checked(input)), countries: [...new Set(input.countries)], updatedAt: now };
  const { state } = await act(partnerDecider, refs.partner(partner.partnerId), { type: 'REGISTER', by, partner }, now);
  logger.info('partner registered', { partnerId: partner.partnerId });
  return state ?? partner;
}

/** Registers a partner unless it exists (start-up seeding): true when it was created now. */
export async function ensurePartner(input: PartnerInput, now: string): Promise<boolean> {
  if (await getPartner(input.partnerId)) return false;
  await createPartner(input, now, 'system');
  return true;
}

export async function updatePartner(partnerId: string, patch: PartnerPatch, now: string, by: string): Promise<Partner> {
  const existing = await readPartner(partnerId);
  const countries = patch.countries === undefined ? {} : { countries: [...new Set(patch.countries)] };
  const { state } = await act(
    partnerDecider,
    refs.partner(partnerId),
    { type: 'UPDATE', by, patch: { ...(await checked(patch)), ...countries } },
    now,
  );
  logger.info('partner updated', { partnerId });
  return state ?? existing;
}

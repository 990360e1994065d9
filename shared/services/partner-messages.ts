/**
 * Messages from partner regulators (docs/referrals.md) are compact JWS (ES256) signed with the
 * partner's key. The JWS header's `kid` names the key: the `kid` the partner registered with its
 * public key, or, without one, the key's JWK thumbprint (RFC 7638), which is how this system names
 * its own key. A message verified by no registered key is refused with 401, before anything is read.
 */
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import type { z } from 'zod';
import { UnauthenticatedError, ValidationError } from '../domain/errors';
import type { Partner } from '../domain/partners';
import { listPartners } from '../store/repository';
import { PARTNER_SIGNING_ALGORITHM } from './partners';

const REFUSED =
  'The message is not signed by a registered partner: sign it (ES256) with the key registered with us, naming it in the JWS header `kid`.';

async function keyIdOf(partner: Partner): Promise<string | undefined> {
  if (partner.publicKey === undefined) return undefined;
  return partner.publicKey.kid ?? calculateJwkThumbprint(partner.publicKey);
}

/** The partner that signed the message, and its payload parsed by `schema` (400 naming the field when it does not fit). */
export async function verifiedPartnerMessage<Schema extends z.ZodType>(
  jws: string,
  schema: Schema,
): Promise<{ partner: Partner; message: z.infer<Schema> }> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== PARTNER_SIGNING_ALGORITHM) throw new UnauthenticatedError(REFUSED);
    kid = header.kid;
  } catch {
    throw new UnauthenticatedError(REFUSED);
  }
  const partners = await listPartners();
  const ids = await Promise.all(partners.map(keyIdOf));
  const partner = partners.find((_, index) => kid !== undefined && ids[index] === kid);
  if (partner?.publicKey === undefined) throw new UnauthenticatedError(REFUSED);
  let payload: unknown;
  try {
    const { payload: bytes } = await compactVerify(jws, await importJWK(partner.publicKey, PARTNER_SIGNING_ALGORITHM));
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new UnauthenticatedError(REFUSED);
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      'The signed message does not say what this route takes (docs/referrals.md).',
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(message)', message: issue.message })),
    );
  }
  return { partner, message: parsed.data };
}

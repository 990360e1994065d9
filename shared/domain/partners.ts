/**
 * The partners registry (docs/referrals.md): regulators and hotlines abroad that the commission
 * refers cases to, and that refer cases to it. A partner covers countries; it is reached by a
 * machine endpoint, whose messages are signed (JWS, ES256) and verified with the public key it
 * registered, or, without one, by e-mail to its contact. Pure.
 */
import { z } from 'zod';
import { countryCodeSchema } from './countries';
import { operatorIdSchema } from './model';
import { singleLineText } from './text';

/** Partner ids look like operator ids (`partner-fr`): lower-case letters, digits and hyphens. */
export const partnerIdSchema = operatorIdSchema;

const base64urlCoordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a P-256 coordinate: 43 base64url characters');

/**
 * The partner's public signing key, a JWK of the curve ES256 signs with. A key holding `d` is the
 * private half, which must never leave the partner: it is refused rather than stored.
 */
export const partnerPublicKeySchema = z
  .looseObject({
    kty: z.literal('EC', 'ES256 keys are elliptic-curve keys: kty must be EC'),
    crv: z.literal('P-256', 'ES256 keys are on the curve P-256'),
    x: base64urlCoordinate,
    y: base64urlCoordinate,
    kid: singleLineText(200).optional(),
  })
  .refine((key) => !('d' in key), { message: 'this is a private key (it has d): register the public key only', path: ['d'] })
  .transform(({ kty, crv, x, y, kid }) => ({ kty, crv, x, y, ...(kid === undefined ? {} : { kid }) }));
export type PartnerPublicKey = z.infer<typeof partnerPublicKeySchema>;

/** A language tag (BCP 47's common shape: `fr`, `zh-TW`, `en-AU`): the language a partner's people read. */
const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as fr, zh-TW or en-AU');

const partnerFields = z.strictObject({
  partnerId: partnerIdSchema,
  name: singleLineText(200).pipe(z.string().min(1, "give the partner's name")),
  countries: z.array(countryCodeSchema).min(1, 'a partner covers at least one country').max(60),
  /** https (loopback http only where the runtime allows it, as for webhooks). */
  endpoint: z.string().min(1).max(2048).optional(),
  publicKey: partnerPublicKeySchema.optional(),
  contact: z.email().max(254).optional(),
  language: languageTag,
});

export interface Partner {
  partnerId: string;
  name: string;
  countries: string[];
  endpoint?: string;
  publicKey?: PartnerPublicKey;
  contact?: string;
  language: string;
  updatedAt: string;
}

/**
 * The field error of a partner that could not be reached or trusted, or null: a referral goes to
 * the endpoint or, without one, to the contact; whatever comes from the endpoint's side is signed,
 * so an endpoint needs the key that verifies it. A PATCH checks the partner it would leave.
 */
export function unreachablePartner(
  partner: Pick<Partner, 'endpoint' | 'publicKey' | 'contact'>,
): { field: string; message: string } | null {
  if (partner.endpoint !== undefined && partner.publicKey === undefined) {
    return { field: 'publicKey', message: 'a partner with an endpoint needs its public key: its messages are verified with it' };
  }
  if (partner.endpoint === undefined && partner.contact === undefined) {
    return { field: 'contact', message: 'give an endpoint (with its public key) or an e-mail contact: referrals go to one of them' };
  }
  return null;
}

export const partnerInputSchema = partnerFields.superRefine((input, context) => {
  const refusal = unreachablePartner(input);
  if (refusal !== null) context.addIssue({ code: 'custom', path: [refusal.field], message: refusal.message });
});
export type PartnerInput = z.infer<typeof partnerInputSchema>;

/** `null` removes an optional field (a partner that drops its endpoint for e-mail). */
export const partnerPatchSchema = z.strictObject({
  name: partnerFields.shape.name.optional(),
  countries: partnerFields.shape.countries.optional(),
  endpoint: partnerFields.shape.endpoint.nullable(),
  publicKey: partnerFields.shape.publicKey.nullable(),
  contact: partnerFields.shape.contact.nullable(),
  language: languageTag.optional(),
});
export type PartnerPatch = z.infer<typeof partnerPatchSchema>;

/** The partner that covers a country, if any: the first registered one when several do. */
export function partnerCovering(country: string, partners: readonly Partner[]): Partner | undefined {
  return partners.find((partner) => partner.countries.includes(country));
}

import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/partners';
import { refs } from '../../../shared/store/keys';
import { getPartner } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { expectConsistentStream, storedEvents } from '../../support/given';
import { useWorld } from '../../support/world';

const GET_ONE = 'GET /partners/{partnerId}';
const PATCH = 'PATCH /partners/{partnerId}';

let publicKey: { kty: string; crv: string; x: string; y: string };
let privateJwk: JWK;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const { kty = '', crv = '', x = '', y = '' } = await exportJWK(pair.publicKey);
  publicKey = { kty, crv, x, y };
  privateJwk = await exportJWK(pair.privateKey);
});

const byEmail = { partnerId: 'partner-tw', name: 'NCC', countries: ['TW'], contact: 'referrals@ncc.example', language: 'zh-TW' };
const withEndpoint = () => ({
  partnerId: 'partner-fr',
  name: 'Point de Contact',
  countries: ['FR', 'BE'],
  endpoint: 'https://referrals.pointdecontact.example/api',
  publicKey,
  language: 'fr',
});

async function call(routeKey: string, caller: Caller | null, body?: unknown, partnerId?: string) {
  return answerOf(
    await handler(
      apiEvent(routeKey, { caller, ...(body === undefined ? {} : { body }), ...(partnerId ? { pathParameters: { partnerId } } : {}) }),
    ),
  );
}

const partnerActions = async (partnerId: string) => (await storedEvents(refs.partner(partnerId).root.pk)).map((event) => event.action);

useWorld();

describe('POST /partners', () => {
  it('answers 201 with a partner reached by its endpoint, audited as registered by the caller', async () => {
    const answer = await call('POST /partners', callers.staffKim, withEndpoint());
    expect(answer).toEqual({ statusCode: 201, body: { ...withEndpoint(), updatedAt: expect.stringMatching(/Z$/) } });
    expect(await getPartner('partner-fr')).toEqual(answer.body);
    expect(await storedEvents(refs.partner('partner-fr').root.pk)).toEqual([
      expect.objectContaining({
        seq: 1,
        action: 'PARTNER_REGISTERED',
        actor: 'staff-kim',
        details: expect.objectContaining({ partnerId: 'partner-fr' }),
      }),
    ]);
    await expectConsistentStream(refs.partner('partner-fr').root);
  });

  it('registers a partner reached by e-mail only, and lists it', async () => {
    expect((await call('POST /partners', callers.staffKim, byEmail)).statusCode).toBe(201);
    expect((await call('POST /partners', callers.staffKim, withEndpoint())).statusCode).toBe(201);
    const listed = await call('GET /partners', callers.staffKim);
    expect(listed.body.partners.map((partner: { partnerId: string }) => partner.partnerId)).toEqual(['partner-fr', 'partner-tw']);
  });

  it('answers 409 for an id taken, and keeps the partner as it was', async () => {
    await call('POST /partners', callers.staffKim, byEmail);
    const answer = await call('POST /partners', callers.staffLee, { ...byEmail, name: 'Another' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await getPartner('partner-tw')).toMatchObject({ name: 'NCC' });
    expect(await partnerActions('partner-tw')).toEqual(['PARTNER_REGISTERED']);
  });

  it.each([
    ['a code the standard does not assign', () => ({ ...byEmail, countries: ['UK'] }), 'countries.0'],
    ['a lower-case code', () => ({ ...byEmail, countries: ['fr'] }), 'countries.0'],
    ['no country', () => ({ ...byEmail, countries: [] }), 'countries'],
    ['neither endpoint nor contact', () => ({ ...byEmail, contact: undefined }), 'contact'],
    ['an endpoint without its key', () => ({ ...withEndpoint(), publicKey: undefined }), 'publicKey'],
    ['a private key', () => ({ ...withEndpoint(), publicKey: privateJwk }), 'publicKey.d'],
    ['a key of another curve', () => ({ ...withEndpoint(), publicKey: { ...publicKey, crv: 'P-384' } }), 'publicKey.crv'],
    ['a key off the curve', () => ({ ...withEndpoint(), publicKey: { ...publicKey, y: publicKey.x } }), 'publicKey'],
    ['a plain-http endpoint', () => ({ ...withEndpoint(), endpoint: 'http://referrals.pointdecontact.example' }), 'endpoint'],
    ['a bad language tag', () => ({ ...byEmail, language: 'French' }), 'language'],
  ])('answers 400 naming the field for %s, and registers nothing', async (_, body, field) => {
    const answer = await call('POST /partners', callers.staffKim, body());
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await call('GET /partners', callers.staffKim)).body.partners).toEqual([]);
  });

  it.each([callers.auditor, callers.webhard, callers.member1])('answers 403 to $userId, and registers nothing', async (caller) => {
    expect(await call('POST /partners', caller, byEmail)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await getPartner('partner-tw')).toBeUndefined();
  });
});

describe(GET_ONE, () => {
  it('answers 200 with the partner, and 404 for one not registered or a malformed id', async () => {
    await call('POST /partners', callers.staffKim, byEmail);
    expect(await call(GET_ONE, callers.staffKim, undefined, 'partner-tw')).toMatchObject({ statusCode: 200, body: byEmail });
    expect((await call(GET_ONE, callers.staffKim, undefined, 'partner-xx')).statusCode).toBe(404);
    expect((await call(GET_ONE, callers.staffKim, undefined, 'Not_An_Id')).statusCode).toBe(404);
  });
});

describe(PATCH, () => {
  it('moves a partner from its endpoint to e-mail (null removes), and audits each field from → to', async () => {
    await call('POST /partners', callers.staffKim, withEndpoint());
    const answer = await call(PATCH, callers.staffLee, { endpoint: null, contact: 'referrals@pointdecontact.example' }, 'partner-fr');
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toHaveProperty('endpoint');
    expect(answer.body).toMatchObject({ contact: 'referrals@pointdecontact.example', publicKey });
    expect(await getPartner('partner-fr')).toEqual(answer.body);
    const [, updated] = await storedEvents(refs.partner('partner-fr').root.pk);
    expect(updated).toMatchObject({
      action: 'PARTNER_UPDATED',
      actor: 'staff-lee',
      details: {
        changes: {
          endpoint: { from: withEndpoint().endpoint, to: null },
          contact: { from: null, to: 'referrals@pointdecontact.example' },
        },
      },
    });
    await expectConsistentStream(refs.partner('partner-fr').root);
  });

  it('answers 400 for a change that leaves the partner unreachable, and changes nothing', async () => {
    await call('POST /partners', callers.staffKim, byEmail);
    const answer = await call(PATCH, callers.staffKim, { contact: null }, 'partner-tw');
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'contact' }] } } });
    expect(await partnerActions('partner-tw')).toEqual(['PARTNER_REGISTERED']);
  });

  it('records nothing for a change to the values it has, and answers 404 for a partner not registered', async () => {
    await call('POST /partners', callers.staffKim, byEmail);
    expect((await call(PATCH, callers.staffKim, { countries: ['TW'] }, 'partner-tw')).statusCode).toBe(200);
    expect(await partnerActions('partner-tw')).toEqual(['PARTNER_REGISTERED']);
    expect((await call(PATCH, callers.staffKim, { countries: ['TW'] }, 'partner-xx')).statusCode).toBe(404);
  });
});

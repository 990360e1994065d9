import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/operators';
import { GENESIS_HASH, verifyChain } from '../../../shared/domain/audit';
import type { Operator } from '../../../shared/domain/model';
import { refs } from '../../../shared/store/keys';
import { claimDomain, getOperator } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { expectConsistentStream, plant, storedEvents } from '../../support/given';
import { anOperator } from '../../support/records';
import { useWorld } from '../../support/world';

const input = {
  operatorId: 'op-overseas',
  name: 'Overseas Host Ltd',
  domains: ['overseas.example'],
  contactEmails: ['abuse@overseas.example'],
  jurisdiction: 'OVERSEAS',
  annualRevenue: 1_000_000,
  currency: 'USD',
};
const PATCH = 'PATCH /operators/{operatorId}';
const AUDIT = 'GET /operators/{operatorId}/audit';
/** The fields of an audit event as the contract shows it; anything else is internal. */
const AUDIT_FIELDS = ['action', 'actor', 'at', 'details', 'hash', 'prevHash', 'seq'];
const SOCIAL = anOperator({
  operatorId: 'op-social',
  name: 'Social Inc.',
  domains: ['social.example'],
  contactEmails: ['abuse@social.example'],
});

async function call(routeKey: string, caller: Caller | null, body?: unknown, operatorId?: string) {
  return answerOf(
    await handler(
      apiEvent(routeKey, { caller, ...(body === undefined ? {} : { body }), ...(operatorId ? { pathParameters: { operatorId } } : {}) }),
    ),
  );
}

/** The actions of an operator's chain, oldest first. */
async function operatorActions(operatorId: string): Promise<string[]> {
  return (await storedEvents(refs.operator(operatorId).root.pk)).map((event) => event.action);
}

/** A registered operator, holding its domains as the registry does. */
async function givenOperator(operator: Operator): Promise<void> {
  await plant.operator(operator);
  for (const domain of operator.domains) expect(await claimDomain(domain, operator.operatorId)).toEqual({ claimed: true });
}

useWorld();

/** The registry holds op-webhard (registered by the system) and its domain. */
const givenWebhard = () => givenOperator(anOperator());

describe('GET /operators', () => {
  beforeEach(givenWebhard);

  it.each([callers.staffKim, callers.auditor])('answers 200 with the registry to $userId', async (caller) => {
    await givenOperator(SOCIAL);
    const answer = await call('GET /operators', caller);
    expect(answer).toEqual({ statusCode: 200, body: { operators: [SOCIAL, anOperator()] } });
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await call('GET /operators', caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /operators', null)).statusCode).toBe(401);
  });
});

describe('POST /operators', () => {
  it('answers 201 with the operator, in English for an overseas one, and registers it on behalf of the caller', async () => {
    // When
    const answer = await call('POST /operators', callers.staffKim, input);

    // Then
    expect(answer).toEqual({
      statusCode: 201,
      body: { ...input, language: 'en', kind: 'HOST', webhookActive: false, updatedAt: expect.stringMatching(/Z$/) },
    });
    expect(await getOperator('op-overseas')).toEqual(answer.body);
    const events = await storedEvents(refs.operator('op-overseas').root.pk);
    expect(events).toEqual([
      expect.objectContaining({
        seq: 1,
        action: 'OPERATOR_REGISTERED',
        actor: 'staff-kim',
        details: {
          operatorId: 'op-overseas',
          fields: {
            name: input.name,
            domains: input.domains,
            contactEmails: input.contactEmails,
            jurisdiction: 'OVERSEAS',
            language: 'en',
            annualRevenue: input.annualRevenue,
            currency: 'USD',
            kind: 'HOST',
            webhookActive: false,
          },
        },
      }),
    ]);
    await expectConsistentStream(refs.operator('op-overseas').root);
  });

  it('makes the id from the name and answers in Korean for a domestic operator when neither is given', async () => {
    const { operatorId: _id, ...withoutId } = input;
    const answer = await call('POST /operators', callers.staffKim, { ...withoutId, jurisdiction: 'DOMESTIC' });
    expect(answer).toMatchObject({ statusCode: 201, body: { operatorId: 'overseas-host-ltd', language: 'ko' } });
    expect(await getOperator('overseas-host-ltd')).toMatchObject({ name: 'Overseas Host Ltd' });
  });

  it('answers 409 for an existing id, and leaves it as it was', async () => {
    await givenWebhard();
    const answer = await call('POST /operators', callers.staffKim, { ...input, operatorId: 'op-webhard' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await getOperator('op-webhard')).toEqual(anOperator());
    expect(await operatorActions('op-webhard')).toEqual(['OPERATOR_REGISTERED']);
  });

  it('answers 409 naming the operator that holds a domain, and keeps none of the other domains', async () => {
    // Given
    await givenWebhard();

    // When one of the domains belongs to op-webhard
    const answer = await call('POST /operators', callers.staffKim, { ...input, domains: ['overseas.example', 'webhard.example'] });

    // Then
    expect(answer).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'CONFLICT', message: expect.stringContaining('op-webhard') } },
    });
    expect(await getOperator('op-overseas')).toBeUndefined();
    // And the domain claimed on the way was given back: another operator can have it
    expect((await call('POST /operators', callers.staffKim, { ...input, operatorId: 'op-other' })).statusCode).toBe(201);
  });

  it('claims the domains: a later operator with one of them is refused, naming the holder', async () => {
    expect((await call('POST /operators', callers.staffKim, input)).statusCode).toBe(201);
    const answer = await call('POST /operators', callers.staffKim, { ...input, operatorId: 'op-other' });
    expect(answer).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'CONFLICT', message: expect.stringContaining('op-overseas') } },
    });
  });

  it.each([
    ['an upper-case domain', { ...input, domains: ['Overseas.Example'] }, 'domains.0'],
    ['no domain', { ...input, domains: [] }, 'domains'],
    ['a bad e-mail', { ...input, contactEmails: ['abuse'] }, 'contactEmails.0'],
    ['an unknown jurisdiction', { ...input, jurisdiction: 'MARS' }, 'jurisdiction'],
    ['a country the standard does not assign', { ...input, country: 'UK' }, 'country'],
    ['a negative revenue', { ...input, annualRevenue: -1 }, 'annualRevenue'],
    ['a bad id', { ...input, operatorId: 'Op_1' }, 'operatorId'],
    ['an unknown field', { ...input, colour: 'blue' }, '(body)'],
    ['a name that makes no id', { ...input, operatorId: undefined, name: '웹하드' }, 'operatorId'],
  ])('answers 400 naming the field for %s, and registers nothing', async (_, body, field) => {
    const answer = await call('POST /operators', callers.staffKim, body);
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await call('GET /operators', callers.staffKim)).body.operators).toEqual([]);
  });

  it('registers where an overseas host is established, which routes its referrals', async () => {
    const answer = await call('POST /operators', callers.staffKim, { ...input, country: 'FR' });
    expect(answer).toMatchObject({ statusCode: 201, body: { operatorId: 'op-overseas', country: 'FR' } });
    expect(await getOperator('op-overseas')).toEqual(answer.body);
    const moved = await call(PATCH, callers.staffKim, { country: 'TW' }, 'op-overseas');
    expect(moved).toMatchObject({ statusCode: 200, body: { country: 'TW' } });
  });

  it('registers an ISP without domains (an ISP hosts nothing)', async () => {
    // Given an access provider with no domains
    const isp = { ...input, operatorId: 'isp-new', name: 'New ISP', domains: [], jurisdiction: 'DOMESTIC', kind: 'ISP' };
    // When staff register it
    const answer = await call('POST /operators', callers.staffKim, isp);
    // Then it is an ISP, in Korean by default
    expect(answer).toMatchObject({ statusCode: 201, body: { operatorId: 'isp-new', kind: 'ISP', domains: [], language: 'ko' } });
    expect(await getOperator('isp-new')).toEqual(answer.body);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call('POST /operators', callers.staffKim, oversizedBody())).statusCode).toBe(413);
  });

  it.each([callers.auditor, callers.webhard])('answers 403 to $userId', async (caller) => {
    expect(await call('POST /operators', caller, input)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await getOperator('op-overseas')).toBeUndefined();
  });

  it('answers 401 without a token', async () => {
    expect((await call('POST /operators', null, input)).statusCode).toBe(401);
  });
});

describe(PATCH, () => {
  beforeEach(givenWebhard);

  it('answers 200 with the changed operator, and records OPERATOR_UPDATED with what changed, by whom', async () => {
    // When staff-kim changes the contact addresses
    const answer = await call(PATCH, callers.staffKim, { contactEmails: ['new@webhard.example'] }, 'op-webhard');

    // Then
    expect(answer).toEqual({
      statusCode: 200,
      body: { ...anOperator(), contactEmails: ['new@webhard.example'], updatedAt: expect.stringMatching(/Z$/) },
    });
    expect(answer.body.updatedAt).not.toBe(anOperator().updatedAt);
    expect(await getOperator('op-webhard')).toEqual(answer.body);
    const events = await storedEvents(refs.operator('op-webhard').root.pk);
    expect(events.map((event) => event.action)).toEqual(['OPERATOR_REGISTERED', 'OPERATOR_UPDATED']);
    expect(events[1]).toMatchObject({
      actor: 'staff-kim',
      at: answer.body.updatedAt,
      details: { operatorId: 'op-webhard', changes: { contactEmails: { from: ['notices@webhard.example'], to: ['new@webhard.example'] } } },
    });
    await expectConsistentStream(refs.operator('op-webhard').root);
  });

  it('records only the fields that changed', async () => {
    // When the patch repeats the name and changes the revenue
    const answer = await call(PATCH, callers.staffPark, { name: 'Webhard Co.', annualRevenue: 12_000_000_000 }, 'op-webhard');

    // Then
    expect(answer).toMatchObject({ statusCode: 200, body: { annualRevenue: 12_000_000_000 } });
    const events = await storedEvents(refs.operator('op-webhard').root.pk);
    expect(events[1]).toMatchObject({ actor: 'staff-park' });
    expect(events[1]?.details).toEqual({
      operatorId: 'op-webhard',
      changes: { annualRevenue: { from: 10_000_000_000, to: 12_000_000_000 } },
    });
  });

  it('answers 200 with the operator as it is, recording nothing, when nothing changes', async () => {
    const answer = await call(PATCH, callers.staffKim, { name: 'Webhard Co.', domains: ['webhard.example'] }, 'op-webhard');
    expect(answer).toEqual({ statusCode: 200, body: anOperator() });
    expect(await operatorActions('op-webhard')).toEqual(['OPERATOR_REGISTERED']);
  });

  it('moves the domain claims with the domains', async () => {
    // When op-webhard's domain is replaced
    const answer = await call(PATCH, callers.staffKim, { domains: ['webhard2.example'] }, 'op-webhard');

    // Then the new domain is its own, and the old one is free for another operator
    expect(answer).toMatchObject({ statusCode: 200, body: { domains: ['webhard2.example'] } });
    expect(await call('POST /operators', callers.staffKim, { ...input, domains: ['webhard2.example'] })).toMatchObject({ statusCode: 409 });
    expect((await call('POST /operators', callers.staffKim, { ...input, domains: ['webhard.example'] })).statusCode).toBe(201);
  });

  it.each(['op-nobody', 'Op_1'])('answers 404 for the unknown operator %s', async (operatorId) => {
    expect(await call(PATCH, callers.staffKim, { name: 'x' }, operatorId)).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it('answers 409 naming the holder of a domain of another operator, and changes nothing', async () => {
    // Given
    await givenOperator(SOCIAL);

    // When
    const answer = await call(PATCH, callers.staffKim, { domains: ['webhard.example', 'social.example'] }, 'op-webhard');

    // Then
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT', message: expect.stringContaining('op-social') } } });
    expect(await getOperator('op-webhard')).toEqual(anOperator());
    expect(await operatorActions('op-webhard')).toEqual(['OPERATOR_REGISTERED']);
  });

  it.each([
    ['a changed id', { operatorId: 'op-new' }, '(body)'],
    ['an unknown field', { colour: 'blue' }, '(body)'],
    ['a bad currency', { currency: 'won' }, 'currency'],
    ['no domain', { domains: [] }, 'domains'],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    const answer = await call(PATCH, callers.staffKim, body, 'op-webhard');
    expect(answer).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field })]) } },
    });
    expect(await getOperator('op-webhard')).toEqual(anOperator());
  });

  it('lets an ISP drop its domains, and refuses to make a domain-less operator a host', async () => {
    // Given a host turned into an ISP that gives up its domains
    const turned = await call(PATCH, callers.staffKim, { kind: 'ISP', domains: [] }, 'op-webhard');
    expect(turned).toMatchObject({ statusCode: 200, body: { kind: 'ISP', domains: [] } });
    // When staff try to make it a host again without domains
    const refused = await call(PATCH, callers.staffKim, { kind: 'HOST' }, 'op-webhard');
    // Then 400 names the domains, and it stays an ISP
    expect(refused).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'domains' })] } },
    });
    expect(await getOperator('op-webhard')).toMatchObject({ kind: 'ISP', domains: [] });
  });

  it('answers 403 to an auditor and to an operator, and 401 without a token', async () => {
    expect((await call(PATCH, callers.auditor, { name: 'x' }, 'op-webhard')).statusCode).toBe(403);
    expect((await call(PATCH, callers.webhard, { name: 'x' }, 'op-webhard')).statusCode).toBe(403);
    expect((await call(PATCH, null, { name: 'x' }, 'op-webhard')).statusCode).toBe(401);
    expect(await getOperator('op-webhard')).toEqual(anOperator());
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(PATCH, callers.staffKim, oversizedBody(), 'op-webhard')).statusCode).toBe(413);
  });
});

describe(AUDIT, () => {
  beforeEach(givenWebhard);

  it.each([callers.staffKim, callers.auditor])(
    'answers 200 with the verified chain of the registration and its changes to $userId',
    async (caller) => {
      // Given staff-lee changed the contact addresses
      expect((await call(PATCH, callers.staffLee, { contactEmails: ['new@webhard.example'] }, 'op-webhard')).statusCode).toBe(200);

      // When
      const answer = await call(AUDIT, caller, undefined, 'op-webhard');

      // Then
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toEqual({
        verified: true,
        events: [
          {
            seq: 1,
            at: anOperator().updatedAt,
            actor: 'system',
            action: 'OPERATOR_REGISTERED',
            details: { operatorId: 'op-webhard', fields: expect.objectContaining({ contactEmails: ['notices@webhard.example'] }) },
            prevHash: GENESIS_HASH,
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
          {
            seq: 2,
            at: expect.stringMatching(/Z$/),
            actor: 'staff-lee',
            action: 'OPERATOR_UPDATED',
            details: {
              operatorId: 'op-webhard',
              changes: { contactEmails: { from: ['notices@webhard.example'], to: ['new@webhard.example'] } },
            },
            prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        ],
      });
      // And the chain checks out on what was answered, field for field
      expect(verifyChain(answer.body.events)).toEqual({ verified: true });
      for (const event of answer.body.events) expect(Object.keys(event).sort()).toEqual(AUDIT_FIELDS);
    },
  );

  it('answers the chain of the operator asked for only', async () => {
    await givenOperator(SOCIAL);
    const answer = await call(AUDIT, callers.auditor, undefined, 'op-social');
    expect(answer.body.events).toEqual([
      expect.objectContaining({ action: 'OPERATOR_REGISTERED', details: expect.objectContaining({ operatorId: 'op-social' }) }),
    ]);
  });

  it.each([callers.webhard, callers.member1, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await call(AUDIT, caller, undefined, 'op-webhard')).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it.each(['op-nobody', 'Op_1'])('answers 404 for the unknown operator %s', async (operatorId) => {
    expect(await call(AUDIT, callers.auditor, undefined, operatorId)).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it('answers 401 without a token', async () => {
    expect((await call(AUDIT, null, undefined, 'op-webhard')).statusCode).toBe(401);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/operators';
import { operatorItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { givenItems, resetAws } from '../../support/fake-table';
import { anOperator } from '../../support/records';

const input = {
  operatorId: 'op-overseas',
  name: 'Overseas Host Ltd',
  domains: ['overseas.example'],
  contactEmails: ['abuse@overseas.example'],
  jurisdiction: 'OVERSEAS',
  annualRevenue: 1_000_000,
  currency: 'USD',
};

async function call(routeKey: string, caller: Caller | null, body?: unknown, operatorId?: string) {
  return answerOf(
    await handler(apiEvent(routeKey, { caller, ...(body === undefined ? {} : { body }), ...(operatorId ? { pathParameters: { operatorId } } : {}) })),
  );
}
const PATCH = 'PATCH /operators/{operatorId}';

beforeEach(() => {
  resetAws();
  givenItems(operatorItem(anOperator()), { pk: 'DOMAIN#webhard.example', sk: 'DOMAIN', operatorId: 'op-webhard' });
});

describe('GET /operators', () => {
  it.each([callers.staffKim, callers.auditor])('answers 200 with the registry to $userId', async (caller) => {
    const answer = await call('GET /operators', caller);
    expect(answer).toEqual({ statusCode: 200, body: { operators: [anOperator()] } });
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect((await call('GET /operators', caller)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET /operators', null)).statusCode).toBe(401);
  });
});

describe('POST /operators', () => {
  it('answers 201 with the operator, in English for an overseas one', async () => {
    const answer = await call('POST /operators', callers.staffKim, input);
    expect(answer).toMatchObject({ statusCode: 201, body: { ...input, language: 'en', updatedAt: expect.stringMatching(/Z$/) } });
  });

  it('answers 409 for an existing id', async () => {
    const answer = await call('POST /operators', callers.staffKim, { ...input, operatorId: 'op-webhard' });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('answers 409 naming the operator that holds a domain', async () => {
    const answer = await call('POST /operators', callers.staffKim, { ...input, domains: ['webhard.example'] });
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT', message: expect.stringContaining('op-webhard') } } });
  });

  it.each([
    ['an upper-case domain', { ...input, domains: ['Overseas.Example'] }, 'domains.0'],
    ['no domain', { ...input, domains: [] }, 'domains'],
    ['a bad e-mail', { ...input, contactEmails: ['abuse'] }, 'contactEmails.0'],
    ['an unknown jurisdiction', { ...input, jurisdiction: 'MARS' }, 'jurisdiction'],
    ['a negative revenue', { ...input, annualRevenue: -1 }, 'annualRevenue'],
    ['a bad id', { ...input, operatorId: 'Op_1' }, 'operatorId'],
  ])('answers 400 for %s', async (_, body, field) => {
    const answer = await call('POST /operators', callers.staffKim, body);
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call('POST /operators', callers.staffKim, oversizedBody())).statusCode).toBe(413);
  });

  it.each([callers.auditor, callers.webhard])('answers 403 to $userId', async (caller) => {
    expect((await call('POST /operators', caller, input)).statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await call('POST /operators', null, input)).statusCode).toBe(401);
  });
});

describe('PATCH /operators/{operatorId}', () => {
  it('answers 200 with the changed operator', async () => {
    const answer = await call(PATCH, callers.staffKim, { contactEmails: ['new@webhard.example'] }, 'op-webhard');
    expect(answer).toMatchObject({ statusCode: 200, body: { operatorId: 'op-webhard', contactEmails: ['new@webhard.example'] } });
  });

  it('answers 404 for an unknown operator', async () => {
    expect((await call(PATCH, callers.staffKim, { name: 'x' }, 'op-nobody')).statusCode).toBe(404);
  });

  it('answers 409 for a domain of another operator', async () => {
    givenItems({ pk: 'DOMAIN#social.example', sk: 'DOMAIN', operatorId: 'op-social' });
    const answer = await call(PATCH, callers.staffKim, { domains: ['social.example'] }, 'op-webhard');
    expect(answer).toMatchObject({ statusCode: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it.each([
    ['a changed id', { operatorId: 'op-new' }],
    ['an unknown field', { colour: 'blue' }],
    ['a bad currency', { currency: 'won' }],
  ])('answers 400 for %s', async (_, body) => {
    expect((await call(PATCH, callers.staffKim, body, 'op-webhard')).statusCode).toBe(400);
  });

  it('answers 403 to an auditor and 401 without a token', async () => {
    expect((await call(PATCH, callers.auditor, { name: 'x' }, 'op-webhard')).statusCode).toBe(403);
    expect((await call(PATCH, null, { name: 'x' }, 'op-webhard')).statusCode).toBe(401);
  });

  it('answers 413 for an oversized body', async () => {
    expect((await call(PATCH, callers.staffKim, oversizedBody(), 'op-webhard')).statusCode).toBe(413);
  });
});

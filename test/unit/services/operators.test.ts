import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import type { OperatorInput } from '../../../shared/domain/model';
import { createOperator, ensureOperator, listOperators, operatorIdFromName, updateOperator } from '../../../shared/services/operators';
import { operatorItem } from '../../../shared/store/repository';
import { givenItems, givenStaleReadOnce, resetAws, storedItem } from '../../support/fake-table';
import { anOperator } from '../../support/records';

const NOW = '2026-03-02T09:00:00.000Z';
const social: OperatorInput = {
  name: 'Social Example Inc.',
  domains: ['social.example', 'img.social.example'],
  contactEmails: ['legal@social.example'],
  jurisdiction: 'DOMESTIC',
  annualRevenue: 5_000_000_000,
  currency: 'KRW',
};
const domainOwner = (domain: string) => storedItem(`DOMAIN#${domain}`, 'DOMAIN')?.operatorId;

function givenWebhard(): void {
  givenItems(operatorItem(anOperator()), { pk: 'DOMAIN#webhard.example', sk: 'DOMAIN', operatorId: 'op-webhard' });
}

beforeEach(() => resetAws());

describe('operatorIdFromName', () => {
  it.each([
    ['Social Example Inc.', 'social-example-inc'],
    ['  Ça Marche! ', 'ca-marche'],
    ['웹하드', ''],
  ])('makes %j into %j', (name, id) => {
    expect(operatorIdFromName(name)).toBe(id);
  });
});

describe('createOperator', () => {
  it('registers an operator under a slug of its name, claims its domains, and defaults the language', async () => {
    // Act
    const operator = await createOperator(social, NOW);

    // Assess
    expect(operator).toEqual({ ...social, operatorId: 'social-example-inc', language: 'ko', updatedAt: NOW });
    expect(storedItem('OPERATOR#social-example-inc', 'OPERATOR')).toMatchObject({ gsi1pk: 'OPERATORS', name: social.name });
    expect(domainOwner('social.example')).toBe('social-example-inc');
    expect(domainOwner('img.social.example')).toBe('social-example-inc');
  });

  it.each([
    ['DOMESTIC', undefined, 'ko'],
    ['OVERSEAS', undefined, 'en'],
    ['OVERSEAS', 'ko', 'ko'],
  ] as const)('gives a %s operator with language %s the language %s', async (jurisdiction, language, expected) => {
    const operator = await createOperator({ ...social, operatorId: 'op-x', jurisdiction, ...(language ? { language } : {}) }, NOW);
    expect(operator.language).toBe(expected);
  });

  it('refuses an existing id', async () => {
    // Prepare
    givenWebhard();

    // Act
    const creating = createOperator({ ...social, operatorId: 'op-webhard' }, NOW);

    // Assess
    await expect(creating).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a domain of another operator, naming it, and keeps none of its claims', async () => {
    // Prepare
    givenWebhard();

    // Act
    const creating = createOperator({ ...social, domains: ['social.example', 'webhard.example'] }, NOW);

    // Assess
    await expect(creating).rejects.toThrow(/webhard\.example belongs to operator op-webhard/);
    expect(domainOwner('social.example')).toBeUndefined();
    expect(domainOwner('webhard.example')).toBe('op-webhard');
    expect(storedItem('OPERATOR#social-example-inc', 'OPERATOR')).toBeUndefined();
  });

  it('asks for an id when the name gives none', async () => {
    await expect(createOperator({ ...social, name: '소셜' }, NOW)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('ensureOperator', () => {
  it('creates a missing operator and leaves an existing one as staff changed it', async () => {
    // Prepare
    givenItems(operatorItem(anOperator({ contactEmails: ['changed@webhard.example'] })));

    // Act
    const createdSocial = await ensureOperator({ ...social, operatorId: 'op-social' }, NOW);
    const createdWebhard = await ensureOperator({ ...social, operatorId: 'op-webhard', domains: ['webhard.example'] }, NOW);

    // Assess
    expect([createdSocial, createdWebhard]).toEqual([true, false]);
    expect(storedItem('OPERATOR#op-webhard', 'OPERATOR')).toMatchObject({ contactEmails: ['changed@webhard.example'] });
  });
});

describe('listOperators', () => {
  it('lists the registered operators', async () => {
    givenWebhard();
    expect(await listOperators()).toEqual([anOperator()]);
  });
});

describe('updateOperator', () => {
  it('changes fields, claims added domains and releases removed ones', async () => {
    // Prepare
    givenWebhard();

    // Act
    const updated = await updateOperator('op-webhard', { domains: ['webhard2.example'], contactEmails: ['new@webhard.example'] }, NOW);

    // Assess
    expect(updated).toMatchObject({ domains: ['webhard2.example'], contactEmails: ['new@webhard.example'], updatedAt: NOW, name: 'Webhard Co.' });
    expect(domainOwner('webhard2.example')).toBe('op-webhard');
    expect(domainOwner('webhard.example')).toBeUndefined();
  });

  it('refuses a domain of another operator and changes nothing', async () => {
    // Prepare
    givenWebhard();
    givenItems({ pk: 'DOMAIN#social.example', sk: 'DOMAIN', operatorId: 'op-social' });

    // Act
    const updating = updateOperator('op-webhard', { domains: ['webhard.example', 'new.example', 'social.example'] }, NOW);

    // Assess
    await expect(updating).rejects.toThrow(/social\.example belongs to operator op-social/);
    expect(storedItem('OPERATOR#op-webhard', 'OPERATOR')).toMatchObject({ domains: ['webhard.example'] });
    expect(domainOwner('new.example')).toBeUndefined();
  });

  it('refuses an edit that raced another, releasing its new claims', async () => {
    // Prepare
    givenItems(operatorItem(anOperator({ updatedAt: '2026-03-02T08:59:59.000Z' })));
    givenStaleReadOnce(operatorItem(anOperator()));

    // Act
    const updating = updateOperator('op-webhard', { domains: ['webhard.example', 'new.example'] }, NOW);

    // Assess
    await expect(updating).rejects.toBeInstanceOf(ConflictError);
    expect(domainOwner('new.example')).toBeUndefined();
  });

  it.each(['op-nobody', 'Not An Id'])('answers NotFound for %j', async (operatorId) => {
    await expect(updateOperator(operatorId, { name: 'x' }, NOW)).rejects.toBeInstanceOf(NotFoundError);
  });
});

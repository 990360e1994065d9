import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import type { OperatorInput } from '../../../shared/domain/model';
import { createOperator, ensureOperator, listOperators, operatorIdFromName, updateOperator } from '../../../shared/services/operators';
import { refs } from '../../../shared/store/keys';
import { claimDomain, getOperator } from '../../../shared/store/repository';
import { expectConsistentStream, plant } from '../../support/given';
import { anOperator } from '../../support/records';
import { asTheTablesOnlyWriter } from '../../support/single-writer';
import { useWorld } from '../../support/world';
import { chainOfOperator, domainOwner } from './world-steps';

const NOW = '2026-03-02T09:00:00.000Z';
const LATER = '2026-03-03T09:00:00.000Z';
const social: OperatorInput = {
  name: 'Social Example Inc.',
  domains: ['social.example', 'img.social.example'],
  contactEmails: ['legal@social.example'],
  jurisdiction: 'DOMESTIC',
  annualRevenue: 5_000_000_000,
  currency: 'KRW',
};

const world = useWorld();
/** op-webhard registered, holding the claim on its domain. */
async function givenWebhard(): Promise<void> {
  await plant.operator(anOperator());
  await claimDomain('webhard.example', 'op-webhard');
}
const actionsOfOperator = async (operatorId: string) => (await chainOfOperator(operatorId)).map((event) => event.action);

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
  it('registers an operator under a slug of its name, claims its domains, defaults the language and the kind (HOST), says it has no webhook, and audits it on its own chain', async () => {
    // When
    const operator = await createOperator(social, NOW, 'staff-kim');

    // Then
    const expected = { ...social, operatorId: 'social-example-inc', language: 'ko', kind: 'HOST', webhookActive: false, updatedAt: NOW };
    expect(operator).toEqual(expected);
    expect(await getOperator('social-example-inc')).toEqual(expected);
    expect(await listOperators()).toEqual([expected]);
    expect(await domainOwner('social.example')).toBe('social-example-inc');
    expect(await domainOwner('img.social.example')).toBe('social-example-inc');
    const [event, ...more] = await chainOfOperator('social-example-inc');
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      seq: 1,
      action: 'OPERATOR_REGISTERED',
      actor: 'staff-kim',
      at: NOW,
      details: {
        operatorId: 'social-example-inc',
        fields: {
          name: social.name,
          domains: social.domains,
          contactEmails: social.contactEmails,
          jurisdiction: 'DOMESTIC',
          language: 'ko',
          annualRevenue: 5_000_000_000,
          currency: 'KRW',
        },
      },
    });
    await expectConsistentStream(refs.operator('social-example-inc').root);
  });

  it.each([
    ['DOMESTIC', undefined, 'ko'],
    ['OVERSEAS', undefined, 'en'],
    ['OVERSEAS', 'ko', 'ko'],
  ] as const)('gives a %s operator with language %s the language %s', async (jurisdiction, language, expected) => {
    const operator = await createOperator(
      { ...social, operatorId: 'op-x', jurisdiction, ...(language ? { language } : {}) },
      NOW,
      'staff-kim',
    );
    expect(operator.language).toBe(expected);
    expect((await getOperator('op-x'))?.language).toBe(expected);
  });

  it('refuses an existing id with 409, changing nothing', async () => {
    // Given
    await givenWebhard();

    // When
    const creating = createOperator({ ...social, operatorId: 'op-webhard' }, NOW, 'staff-kim');

    // Then
    await expect(creating).rejects.toBeInstanceOf(ConflictError);
    expect(await getOperator('op-webhard')).toEqual(anOperator());
    expect(await actionsOfOperator('op-webhard')).toEqual(['OPERATOR_REGISTERED']);
    expect(await domainOwner('social.example')).toBeUndefined();
  });

  it('refuses with 409 a domain owned by another operator, naming it, and keeps none of its claims', async () => {
    // Given
    await givenWebhard();

    // When
    const creating = createOperator({ ...social, domains: ['social.example', 'webhard.example'] }, NOW, 'staff-kim');

    // Then
    await expect(creating).rejects.toThrow(ConflictError);
    await expect(creating).rejects.toThrow(/webhard\.example belongs to operator op-webhard/);
    expect(await domainOwner('social.example')).toBeUndefined();
    expect(await domainOwner('webhard.example')).toBe('op-webhard');
    expect(await getOperator('social-example-inc')).toBeUndefined();
    expect(await chainOfOperator('social-example-inc')).toEqual([]);
  });

  it('takes over a domain claim left by a registration that failed half-way', async () => {
    // Given a claim on social.example held by an operator that was never registered
    await claimDomain('social.example', 'op-ghost');

    // When
    const operator = await createOperator(social, NOW, 'staff-kim');

    // Then
    expect(operator.domains).toEqual(social.domains);
    expect(await domainOwner('social.example')).toBe('social-example-inc');
  });

  it('takes over a domain claim its holder no longer lists', async () => {
    // Given op-webhard holds a claim on a domain its record does not list (a removal that stopped half-way)
    await givenWebhard();
    await claimDomain('old.webhard.example', 'op-webhard');

    // When
    await createOperator({ ...social, domains: ['old.webhard.example'] }, NOW, 'staff-kim');

    // Then
    expect(await domainOwner('old.webhard.example')).toBe('social-example-inc');
    expect(await domainOwner('webhard.example')).toBe('op-webhard');
  });

  it('asks for an id when the name gives none', async () => {
    await expect(createOperator({ ...social, name: '소셜' }, NOW, 'staff-kim')).rejects.toBeInstanceOf(ValidationError);
    expect(await listOperators()).toEqual([]);
  });
});

describe('ensureOperator', () => {
  it('creates a missing operator and leaves an existing one as staff changed it', async () => {
    // Given
    await plant.operator(anOperator({ contactEmails: ['changed@webhard.example'] }));

    // When
    const createdSocial = await ensureOperator({ ...social, operatorId: 'op-social' }, NOW);
    const createdWebhard = await ensureOperator({ ...social, operatorId: 'op-webhard', domains: ['webhard.example'] }, NOW);

    // Then
    expect([createdSocial, createdWebhard]).toEqual([true, false]);
    expect(await getOperator('op-webhard')).toMatchObject({ contactEmails: ['changed@webhard.example'] });
    expect(await chainOfOperator('op-social')).toMatchObject([{ action: 'OPERATOR_REGISTERED', actor: 'system' }]);
    expect(await actionsOfOperator('op-webhard')).toEqual(['OPERATOR_REGISTERED']);
  });
});

describe('listOperators', () => {
  it('lists the registered operators by id', async () => {
    await givenWebhard();
    await plant.operator(anOperator({ operatorId: 'op-social', domains: ['social.example'] }));
    expect(await listOperators()).toEqual([anOperator({ operatorId: 'op-social', domains: ['social.example'] }), anOperator()]);
  });

  describe("in the process that is the table's only writer (npm start)", () => {
    asTheTablesOnlyWriter();

    it('reads them once until an operator changes, and a caller changing its copy changes nothing', async () => {
      // Given two operators, listed once
      await givenWebhard();
      await plant.operator(anOperator({ operatorId: 'op-social', domains: ['social.example'] }));
      const first = await listOperators();
      Object.assign(first[0] ?? expect.unreachable('two operators'), { name: 'scribbled' });

      // When they are listed again, then once more after an operator's contact changed, and after a restore
      const [again, readsAgain] = await world.faults.callsOf(listOperators);
      await updateOperator('op-webhard', { contactEmails: ['changed@webhard.example'] }, NOW, 'staff-lee');
      const [changed, readsChanged] = await world.faults.callsOf(listOperators);
      await world.restore(await world.snapshot());
      const restored = await listOperators();

      // Then the second listing read nothing and is the table's; the third read the index and has the change
      expect(readsAgain).toEqual([]);
      expect(again).toEqual([anOperator({ operatorId: 'op-social', domains: ['social.example'] }), anOperator()]);
      expect(readsChanged).toEqual(['DynamoDB QueryCommand']);
      expect(changed.find((operator) => operator.operatorId === 'op-webhard')?.contactEmails).toEqual(['changed@webhard.example']);
      expect(world.faults.log).toEqual(['DynamoDB QueryCommand']);
      expect(restored).toEqual(changed);
    });
  });
});

describe('updateOperator', () => {
  it('changes fields, claims added domains, releases removed ones, and audits each change from and to', async () => {
    // Given
    await givenWebhard();

    // When
    const updated = await updateOperator(
      'op-webhard',
      { domains: ['webhard2.example'], contactEmails: ['new@webhard.example'] },
      NOW,
      'staff-lee',
    );

    // Then
    expect(updated).toEqual(anOperator({ domains: ['webhard2.example'], contactEmails: ['new@webhard.example'], updatedAt: NOW }));
    expect(await getOperator('op-webhard')).toEqual(updated);
    expect(await domainOwner('webhard2.example')).toBe('op-webhard');
    expect(await domainOwner('webhard.example')).toBeUndefined();
    expect((await chainOfOperator('op-webhard')).at(-1)).toMatchObject({
      seq: 2,
      action: 'OPERATOR_UPDATED',
      actor: 'staff-lee',
      at: NOW,
      details: {
        operatorId: 'op-webhard',
        changes: {
          domains: { from: ['webhard.example'], to: ['webhard2.example'] },
          contactEmails: { from: ['notices@webhard.example'], to: ['new@webhard.example'] },
        },
      },
    });
    await expectConsistentStream(refs.operator('op-webhard').root);
  });

  it('audits only the fields that changed, and nothing when nothing did', async () => {
    // Given
    await givenWebhard();

    // When the same name is sent with a new revenue, then the same values again
    await updateOperator('op-webhard', { name: 'Webhard Co.', annualRevenue: 12_000_000_000 }, NOW, 'staff-lee');
    const unchanged = await updateOperator('op-webhard', { name: 'Webhard Co.', annualRevenue: 12_000_000_000 }, LATER, 'staff-lee');

    // Then
    const chain = await chainOfOperator('op-webhard');
    expect(chain.map((event) => event.action)).toEqual(['OPERATOR_REGISTERED', 'OPERATOR_UPDATED']);
    expect(chain[1]?.details.changes).toEqual({ annualRevenue: { from: 10_000_000_000, to: 12_000_000_000 } });
    expect(unchanged.updatedAt).toBe(NOW);
  });

  it('lets two edits sent at once both land, each audited', async () => {
    // Given
    await givenWebhard();

    // When
    await Promise.all([
      updateOperator('op-webhard', { name: 'Webhard Corporation' }, NOW, 'staff-lee'),
      updateOperator('op-webhard', { contactEmails: ['legal@webhard.example'] }, NOW, 'staff-park'),
    ]);

    // Then
    expect(await getOperator('op-webhard')).toMatchObject({ name: 'Webhard Corporation', contactEmails: ['legal@webhard.example'] });
    const updates = (await chainOfOperator('op-webhard')).filter((event) => event.action === 'OPERATOR_UPDATED');
    expect(updates.map((event) => Object.keys(event.details.changes as object)).sort()).toEqual([['contactEmails'], ['name']]);
    await expectConsistentStream(refs.operator('op-webhard').root);
  });

  it('refuses with 409 a domain owned by another operator and changes nothing', async () => {
    // Given
    await givenWebhard();
    await plant.operator(anOperator({ operatorId: 'op-social', domains: ['social.example'] }));
    await claimDomain('social.example', 'op-social');

    // When
    const updating = updateOperator('op-webhard', { domains: ['webhard.example', 'new.example', 'social.example'] }, NOW, 'staff-lee');

    // Then
    await expect(updating).rejects.toThrow(ConflictError);
    await expect(updating).rejects.toThrow(/social\.example belongs to operator op-social/);
    expect(await getOperator('op-webhard')).toEqual(anOperator());
    expect(await domainOwner('new.example')).toBeUndefined();
    expect(await domainOwner('social.example')).toBe('op-social');
    expect(await actionsOfOperator('op-webhard')).toEqual(['OPERATOR_REGISTERED']);
  });

  it.each(['op-nobody', 'Not An Id'])('answers NotFound for %j', async (operatorId) => {
    await expect(updateOperator(operatorId, { name: 'x' }, NOW, 'staff-lee')).rejects.toBeInstanceOf(NotFoundError);
  });
});

/**
 * Registering and changing an operator (shared/services/operators.ts) on the world: a domain no
 * operator may hold (a public suffix, an IP address) is refused with 400 naming `domains.i` (as every list field), and
 * nothing is claimed or written.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import type { OperatorInput } from '../../../shared/domain/model';
import { createOperator, updateOperator } from '../../../shared/services/operators';
import { getOperator } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import { anOperator } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfOperator, domainOwner } from './world-steps';

const NOW = '2026-03-02T09:00:00.000Z';
const input = (domains: string[]): OperatorInput => ({
  operatorId: 'op-new',
  name: 'New Host',
  domains,
  contactEmails: ['legal@new.example'],
  jurisdiction: 'DOMESTIC',
  annualRevenue: 1_000_000,
  currency: 'KRW',
});

useWorld();
describe('operator domains', () => {
  it.each([
    [['co.kr'], ['domains.0']],
    [['webhard.co.kr', 'github.io'], ['domains.1']],
    [
      ['blogspot.com', 'new.example', '198.51.100.4'],
      ['domains.0', 'domains.2'],
    ],
  ])('createOperator refuses %j with 400 naming %j, and claims nothing', async (domains, fields) => {
    // When
    const created = createOperator(input(domains), NOW, 'staff-kim');

    // Then
    await expect(created).rejects.toBeInstanceOf(ValidationError);
    const error = (await created.catch((e: unknown) => e)) as ValidationError;
    expect(error.httpStatus).toBe(400);
    expect((error.details ?? []).map((detail) => detail.field)).toEqual(fields);
    for (const detail of error.details ?? []) expect(detail.message).toMatch(/public suffix|IP address/);
    expect(await getOperator('op-new')).toBeUndefined();
    for (const domain of domains) expect(await domainOwner(domain)).toBeUndefined();
  });

  it.each([
    ['webhard.co.kr', 'a domain registered under co.kr'],
    ['a.github.io', "one user's site under github.io"],
    ['webhard.example', 'a plain domain'],
  ])('createOperator accepts %s (%s) and claims it', async (domain) => {
    await createOperator(input([domain]), NOW, 'staff-kim');
    expect(await domainOwner(domain)).toBe('op-new');
  });

  it('updateOperator refuses a public suffix added to an operator with 400 naming it, and changes nothing', async () => {
    // Given op-webhard with its domain
    await plant.operator(anOperator());
    const chain = await chainOfOperator('op-webhard');

    // When staff add github.io to it
    const updated = updateOperator('op-webhard', { domains: ['webhard.example', 'github.io'] }, NOW, 'staff-kim');

    // Then
    await expect(updated).rejects.toMatchObject({ httpStatus: 400, details: [{ field: 'domains.1' }] });
    expect((await getOperator('op-webhard'))?.domains).toEqual(['webhard.example']);
    expect(await chainOfOperator('op-webhard')).toEqual(chain);
    expect(await domainOwner('github.io')).toBeUndefined();
  });

  it('updateOperator keeps a public suffix an operator held before the rule: its contacts stay changeable', async () => {
    // Given an operator registered, before the rule, with a public suffix among its domains
    await plant.operator(anOperator({ domains: ['webhard.example', 'co.kr'] }));

    // When staff change its contact only
    const updated = await updateOperator('op-webhard', { contactEmails: ['new-legal@webhard.example'] }, NOW, 'staff-kim');

    // Then the change lands, and the domains it held stay as they were
    expect(updated.contactEmails).toEqual(['new-legal@webhard.example']);
    expect(updated.domains).toEqual(['webhard.example', 'co.kr']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../shared/domain/audit';
import { operatorDecider, type OperatorCommand, type OperatorFields } from '../../../../shared/domain/deciders/operator';
import { ConflictError, DomainError } from '../../../../shared/domain/errors';
import type { Operator } from '../../../../shared/domain/model';
import { anOperator } from '../../../support/records';
import { ctx, decided, resolveWhen, RUNS, step, whenArb } from './support';

const NOW = '2026-03-02T09:00:00.000Z';
const LATER = '2026-03-05T09:00:00.000Z';
const STAFF = 'staff-kim';
const { operatorId: _id, updatedAt: _at, ...FIELDS } = anOperator();

describe('operatorDecider: REGISTER', () => {
  it('registers an operator with every field in the details, and stamps updatedAt with now', () => {
    // Given a new operator (its own updatedAt is ignored)
    const operator = anOperator({ updatedAt: '2020-01-01T00:00:00.000Z' });
    // When staff register it
    const { event, followUps, after } = decided(operatorDecider, { type: 'REGISTER', by: STAFF, operator }, undefined, ctx(NOW));
    // Then OPERATOR_REGISTERED by that staff member lists the fields; the record's updatedAt is now
    expect(event).toEqual({
      action: 'OPERATOR_REGISTERED',
      at: NOW,
      actor: STAFF,
      details: { operatorId: 'op-webhard', fields: FIELDS },
      data: { ...operator, updatedAt: NOW },
    });
    expect(followUps).toBeUndefined();
    expect(after).toEqual({ ...operator, updatedAt: NOW });
  });

  it('refuses to register an operator id that exists with CONFLICT', () => {
    expect(() =>
      operatorDecider.decide({ type: 'REGISTER', by: STAFF, operator: anOperator({ name: 'Another' }) }, anOperator(), ctx(NOW)),
    ).toThrow(ConflictError);
  });
});

describe('operatorDecider: UPDATE', () => {
  it('records each changed field with its old and new value, and moves updatedAt', () => {
    // Given a registered operator
    const operator = anOperator();
    // When staff change its contact addresses and revenue, and repeat its name unchanged
    const patch = { contactEmails: ['legal@webhard.example'], annualRevenue: 12_000_000_000, name: operator.name };
    const { event, after } = decided(operatorDecider, { type: 'UPDATE', by: 'staff-lee', patch }, operator, ctx(LATER));
    // Then only the changed fields are in the event, from and to
    expect(event).toEqual({
      action: 'OPERATOR_UPDATED',
      at: LATER,
      actor: 'staff-lee',
      details: {
        operatorId: 'op-webhard',
        changes: {
          contactEmails: { from: ['notices@webhard.example'], to: ['legal@webhard.example'] },
          annualRevenue: { from: 10_000_000_000, to: 12_000_000_000 },
        },
      },
    });
    expect(after).toEqual({ ...operator, contactEmails: ['legal@webhard.example'], annualRevenue: 12_000_000_000, updatedAt: LATER });
  });

  it.each<[string, Partial<OperatorFields>]>([
    ['an empty patch', {}],
    ['the same values', { name: 'Webhard Co.', domains: ['webhard.example'], jurisdiction: 'DOMESTIC' }],
    ['only undefined fields', { name: undefined, language: undefined }],
  ])('answers null to %s', (_label, patch) => {
    expect(operatorDecider.decide({ type: 'UPDATE', by: STAFF, patch }, anOperator(), ctx(LATER))).toBeNull();
  });

  it('counts a reordered list as a change (lists are compared as written)', () => {
    const operator = anOperator({ domains: ['a.example', 'b.example'] });
    const { event } = decided(
      operatorDecider,
      { type: 'UPDATE', by: STAFF, patch: { domains: ['b.example', 'a.example'] } },
      operator,
      ctx(LATER),
    );
    expect(event.action === 'OPERATOR_UPDATED' && event.details.changes).toEqual({
      domains: { from: ['a.example', 'b.example'], to: ['b.example', 'a.example'] },
    });
  });

  it('refuses an update of an operator that does not exist, as a defect', () => {
    const act = () => operatorDecider.decide({ type: 'UPDATE', by: STAFF, patch: { name: 'x' } }, undefined, ctx(NOW));
    expect(act).toThrow(/No such operator/);
    expect(act).not.toThrow(DomainError);
  });
});

// ---------------------------------------------------------------- property

const patchArb: fc.Arbitrary<Partial<OperatorFields>> = fc.record(
  {
    name: fc.constantFrom('Webhard Co.', 'Webhard Ltd.', 'WH'),
    domains: fc.constantFrom(['webhard.example'], ['webhard.example', 'cdn.webhard.example'], ['wh.example']),
    contactEmails: fc.constantFrom(['notices@webhard.example'], ['legal@webhard.example']),
    jurisdiction: fc.constantFrom<Operator['jurisdiction']>('DOMESTIC', 'OVERSEAS'),
    language: fc.constantFrom<Operator['language']>('ko', 'en'),
    annualRevenue: fc.constantFrom(10_000_000_000, 0, 12_345),
    currency: fc.constantFrom('KRW', 'USD'),
  },
  { requiredKeys: [] },
);
const commandArb: fc.Arbitrary<OperatorCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('staff-kim', 'staff-lee'), patchArb)
      .map(([by, patch]): OperatorCommand => ({ type: 'UPDATE', by, patch })),
  },
  { weight: 1, arbitrary: fc.constant<OperatorCommand>({ type: 'REGISTER', by: STAFF, operator: anOperator() }) },
);

describe('operatorDecider: property over random command sequences', () => {
  it('applies exactly the changed fields, answers null to no change, and moves updatedAt with each change', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(whenArb([]), commandArb), { maxLength: 20, size: 'max' }), (script) => {
        let now = NOW;
        let state = decided(operatorDecider, { type: 'REGISTER', by: STAFF, operator: anOperator() }, undefined, ctx(now)).after;
        for (const [when, command] of script) {
          now = resolveWhen(when, now, {});
          const before = state;
          const result = step(operatorDecider, command, before, ctx(now));
          if (command.type === 'REGISTER') {
            // The operator exists: registering it again is a CONFLICT, never a silent overwrite.
            expect(result.kind === 'refused' && result.error).toBeInstanceOf(ConflictError);
            continue;
          }
          const changed = Object.entries(command.patch).filter(
            ([field, to]) => to !== undefined && canonicalJson(before[field as keyof Operator]) !== canonicalJson(to),
          );
          if (changed.length === 0) {
            expect(result.kind, 'an update with no change').toBe('null');
            continue;
          }
          expect(result.kind).toBe('event');
          if (result.kind !== 'event') continue;
          const { decision, after } = result;
          state = after;
          // The event names exactly the changed fields, from and to, by whom and when.
          expect(decision.event).toMatchObject({ action: 'OPERATOR_UPDATED', at: now, actor: command.by });
          expect(decision.event.action === 'OPERATOR_UPDATED' && decision.event.details.changes).toEqual(
            Object.fromEntries(changed.map(([field, to]) => [field, { from: before[field as keyof Operator], to }])),
          );
          // The record takes the new values, keeps its id, and its updatedAt follows the change.
          expect(after).toEqual({ ...before, ...Object.fromEntries(changed), updatedAt: now });
          expect(after.operatorId).toBe('op-webhard');
          // The same update again answers null.
          expect(operatorDecider.decide(command, after, ctx(now))).toBeNull();
        }
      }),
      RUNS,
    );
  });
});

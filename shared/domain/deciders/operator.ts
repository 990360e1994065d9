/**
 * The operators registry's decider: registering an operator and changing it. Every change is
 * audited field by field (from, to): contact addresses decide where legal notices go and the
 * revenue decides fines, so who changed them, and when, must be provable.
 */
import type { Decider, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { ConflictError, ValidationError } from '../errors';
import type { Operator } from '../model';
import { assertNever, hostWithoutDomains } from '../model';
import { canonicalJson } from '../audit';

/** The registry fields a person may change (the id is fixed; `updatedAt` follows every change). */
export type OperatorFields = Omit<Operator, 'operatorId' | 'updatedAt'>;
type FieldChange = { from: unknown; to: unknown };

export type OperatorCommand =
  | { readonly type: 'REGISTER'; readonly by: string; readonly operator: Operator }
  | { readonly type: 'UPDATE'; readonly by: string; readonly patch: Partial<OperatorFields> };

export type OperatorEvent =
  | WithData<RecordEvent<'OPERATOR_REGISTERED', { operatorId: string; fields: OperatorFields }>, Operator>
  | RecordEvent<'OPERATOR_UPDATED', { operatorId: string; changes: Partial<Record<keyof OperatorFields, FieldChange>> }>;

function fieldsOf({ operatorId: _id, updatedAt: _at, ...fields }: Operator): OperatorFields {
  return fields;
}

function definedFields(patch: Partial<OperatorFields>): Partial<OperatorFields> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

export const operatorDecider: Decider<Operator, OperatorCommand, OperatorEvent> = {
  kind: 'operator',

  decide(command, operator, { now }) {
    switch (command.type) {
      case 'REGISTER':
        if (operator !== undefined) throw new ConflictError(`Operator ${operator.operatorId} already exists; change it with PATCH.`);
        return {
          event: {
            action: 'OPERATOR_REGISTERED',
            at: now,
            actor: command.by,
            details: { operatorId: command.operator.operatorId, fields: fieldsOf(command.operator) },
            data: { ...command.operator, updatedAt: now },
          },
        };
      case 'UPDATE': {
        if (operator === undefined) throw missing('operator');
        const current = fieldsOf(operator);
        const refusal = hostWithoutDomains({ ...current, ...definedFields(command.patch) });
        if (refusal !== null) {
          throw new ValidationError('This change would leave a host without domains.', [{ field: 'domains', message: refusal }]);
        }
        const changes: Partial<Record<keyof OperatorFields, FieldChange>> = {};
        for (const [field, to] of Object.entries(command.patch) as [keyof OperatorFields, unknown][]) {
          if (to === undefined || canonicalJson(current[field]) === canonicalJson(to)) continue;
          changes[field] = { from: current[field], to };
        }
        if (Object.keys(changes).length === 0) return null;
        const contacts = changes.contactEmails;
        return {
          event: { action: 'OPERATOR_UPDATED', at: now, actor: command.by, details: { operatorId: operator.operatorId, changes } },
          // Where legal notices go changed: the old contacts learn it too, so a hijacked change is noticed.
          followUps:
            contacts === undefined
              ? []
              : [
                  {
                    type: 'NOTIFY_CONTACT_CHANGE',
                    operatorId: operator.operatorId,
                    eventKey: `contacts-changed:${now}`,
                    before: current.contactEmails,
                    after: contacts.to as string[],
                  },
                ],
        };
      }
      default:
        return assertNever(command, 'operator command');
    }
  },

  evolve(operator, event) {
    if (event.action === 'OPERATOR_REGISTERED') return event.data;
    if (operator === undefined) throw missing('operator');
    const changed = Object.fromEntries(Object.entries(event.details.changes).map(([field, change]) => [field, change.to]));
    return { ...operator, ...changed, updatedAt: event.at };
  },
};

/**
 * The partners registry's decider: registering a partner and changing it, each change audited
 * field by field (from, to). Where referrals go and which key verifies what a partner sends decide
 * whom victim-adjacent case data reaches, so who changed them, and when, must be provable.
 */
import { canonicalJson } from '../audit';
import type { Decider, RecordEvent, WithData } from '../decider';
import { missing } from '../decider';
import { ConflictError, ValidationError } from '../errors';
import { assertNever } from '../model';
import { unreachablePartner, type Partner, type PartnerPatch } from '../partners';

export type PartnerFields = Omit<Partner, 'partnerId' | 'updatedAt'>;
/** `to: null`: the field was removed. */
type FieldChange = { from: unknown; to: unknown };

export type PartnerCommand =
  | { readonly type: 'REGISTER'; readonly by: string; readonly partner: Partner }
  | { readonly type: 'UPDATE'; readonly by: string; readonly patch: PartnerPatch };

export type PartnerEvent =
  | WithData<RecordEvent<'PARTNER_REGISTERED', { partnerId: string; fields: PartnerFields }>, Partner>
  | RecordEvent<'PARTNER_UPDATED', { partnerId: string; changes: Partial<Record<keyof PartnerFields, FieldChange>> }>;

function fieldsOf({ partnerId: _id, updatedAt: _at, ...fields }: Partner): PartnerFields {
  return fields;
}

/** The partner with the changes applied: a change to `null` removes the field. */
function applied(partner: Partner, changes: Readonly<Record<string, FieldChange>>): Partner {
  const next: Record<string, unknown> = { ...partner };
  for (const [field, { to }] of Object.entries(changes)) {
    if (to === null) delete next[field];
    else next[field] = to;
  }
  return next as unknown as Partner;
}

export const partnerDecider: Decider<Partner, PartnerCommand, PartnerEvent> = {
  kind: 'partner',

  decide(command, partner, { now }) {
    switch (command.type) {
      case 'REGISTER':
        if (partner !== undefined) throw new ConflictError(`Partner ${partner.partnerId} already exists; change it with PATCH.`);
        return {
          event: {
            action: 'PARTNER_REGISTERED',
            at: now,
            actor: command.by,
            details: { partnerId: command.partner.partnerId, fields: fieldsOf(command.partner) },
            data: { ...command.partner, updatedAt: now },
          },
        };
      case 'UPDATE': {
        if (partner === undefined) throw missing('partner');
        const current: Record<string, unknown> = { ...fieldsOf(partner) };
        const changes: Partial<Record<keyof PartnerFields, FieldChange>> = {};
        for (const [field, to] of Object.entries(command.patch) as [keyof PartnerFields, unknown][]) {
          const from = current[field] ?? null;
          if (to === undefined || canonicalJson(from) === canonicalJson(to)) continue;
          changes[field] = { from, to };
        }
        if (Object.keys(changes).length === 0) return null;
        const refusal = unreachablePartner(applied(partner, changes));
        if (refusal !== null) throw new ValidationError('This change would leave a partner that referrals cannot reach.', [refusal]);
        return { event: { action: 'PARTNER_UPDATED', at: now, actor: command.by, details: { partnerId: partner.partnerId, changes } } };
      }
      default:
        return assertNever(command, 'partner command');
    }
  },

  evolve(partner, event) {
    if (event.action === 'PARTNER_REGISTERED') return event.data;
    if (partner === undefined) throw missing('partner');
    return { ...applied(partner, event.details.changes), updatedAt: event.at };
  },
};

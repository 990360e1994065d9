/**
 * An operator's fines of one cap period (docs/fines.md, "The cap per period"): the running total
 * that keeps their sum within the statutory cap. Each fine takes its room here before it is
 * proposed; the ledger's own conditional write (one event per version) serializes two cases
 * closing at once, so they cannot both take the same room. A fine staff reduce or waive gives
 * its room back.
 */
import type { Decider, RecordEvent } from '../decider';
import { missing } from '../decider';
import { assertNever } from '../model';
import { SYSTEM_ACTOR } from './case';

export interface FineLedger {
  operatorId: string;
  /** `capPeriodOf`: `2026`, or `2026-03` with monthly periods. */
  period: string;
  currency: string;
  /** The sum of `fines`. */
  total: number;
  /** Per order: its fine's current amount, and what the period held before it took its room. */
  fines: Record<string, { amount: number; finedBefore: number }>;
}

export type FineLedgerCommand =
  /** `requested`: the fine within the statutory cap alone; `cap`: ⌊capRate × revenue⌋. */
  | {
      readonly type: 'RESERVE';
      readonly operatorId: string;
      readonly period: string;
      readonly currency: string;
      readonly orderId: string;
      readonly requested: number;
      readonly cap: number;
    }
  /** Staff decided a lower amount (a reduction, or 0 for a waiver). */
  | { readonly type: 'RELEASE'; readonly orderId: string; readonly amount: number };

type Ids = { operatorId: string; period: string; orderId: string };

export type FineLedgerEvent =
  | RecordEvent<'FINE_ROOM_RESERVED', Ids & { currency: string; requested: number; amount: number; finedBefore: number; cap: number }>
  | RecordEvent<'FINE_ROOM_RELEASED', Ids & { from: number; amount: number }>;

export const fineLedgerDecider: Decider<FineLedger, FineLedgerCommand, FineLedgerEvent> = {
  kind: 'fineLedger',

  decide(command, ledger, { now }) {
    switch (command.type) {
      case 'RESERVE': {
        if (ledger?.fines[command.orderId] !== undefined) return null;
        const finedBefore = ledger?.total ?? 0;
        const amount = Math.min(command.requested, Math.max(0, command.cap - finedBefore));
        const { operatorId, period, orderId, currency, requested, cap } = command;
        return {
          event: {
            action: 'FINE_ROOM_RESERVED',
            at: now,
            actor: SYSTEM_ACTOR,
            details: { operatorId, period, orderId, currency, requested, amount, finedBefore, cap },
          },
        };
      }
      case 'RELEASE': {
        if (ledger === undefined) throw missing('fineLedger');
        const held = ledger.fines[command.orderId];
        if (held === undefined || command.amount >= held.amount) return null;
        return {
          event: {
            action: 'FINE_ROOM_RELEASED',
            at: now,
            actor: SYSTEM_ACTOR,
            details: {
              operatorId: ledger.operatorId,
              period: ledger.period,
              orderId: command.orderId,
              from: held.amount,
              amount: command.amount,
            },
          },
        };
      }
      default:
        return assertNever(command, 'fine ledger command');
    }
  },

  evolve(ledger, event) {
    switch (event.action) {
      case 'FINE_ROOM_RESERVED': {
        const { operatorId, period, currency, orderId, amount, finedBefore } = event.details;
        const base = ledger ?? { operatorId, period, currency, total: 0, fines: {} };
        return { ...base, total: base.total + amount, fines: { ...base.fines, [orderId]: { amount, finedBefore } } };
      }
      case 'FINE_ROOM_RELEASED': {
        if (ledger === undefined) throw missing('fineLedger');
        const { orderId, from, amount } = event.details;
        const held = ledger.fines[orderId] ?? { amount: from, finedBefore: 0 };
        return { ...ledger, total: ledger.total - from + amount, fines: { ...ledger.fines, [orderId]: { ...held, amount } } };
      }
      default:
        return assertNever(event, 'fine ledger event');
    }
  },
};

/**
 * The fine procedure on the order (docs/fines.md, "Procedure"): a fine is PROPOSED from stored
 * inputs that recompute to it, the operator may state its opinion within the opinion period, and
 * staff then IMPOSE, REDUCE or WAIVE it with a reason; the fine ledger keeps an operator's fines
 * of a period within the cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FineLedger, fineLedgerDecider } from '../../../../shared/domain/deciders/fine-ledger';
import { orderDecider } from '../../../../shared/domain/deciders/order';
import { ConflictError, ValidationError, WindowClosedError } from '../../../../shared/domain/errors';
import { recomputeFine } from '../../../../shared/domain/fines';
import type { OrderRecord } from '../../../../shared/domain/model';
import { orderStatus } from '../../../../shared/domain/orders';
import { aFineAssessment, anOrder, WEBHARD_ORDER_ID } from '../../../support/records';
import { ctx, DAY, decided, plus, step } from './support';

const PROPOSED_AT = '2026-03-20T00:00:00.000Z';
const OPINION_DUE = plus(PROPOSED_AT, 10 * DAY);
const AFTER_DUE = plus(OPINION_DUE, 1);
const OPINION = 'We removed it as soon as the notice reached the right team.';

const lateOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({ complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED', status: orderStatus('OVERDUE', 'CONFIRMED'), ...overrides });

function proposed(): OrderRecord {
  return decided(orderDecider, { type: 'ASSESS_FINE', inputs: aFineAssessment() }, lateOrder(), ctx(PROPOSED_AT)).after;
}

describe('orderDecider: proposing a fine (ASSESS_FINE)', () => {
  it('proposes the amount its stored inputs recompute to, with the opinion period, and tells operator and staff', () => {
    // Given a confirmed order that let its deadline pass
    // When its fine is assessed
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'ASSESS_FINE', inputs: aFineAssessment() },
      lateOrder(),
      ctx(PROPOSED_AT),
    );
    // Then it is PROPOSED, recomputable, open to an opinion for the policy's P10D
    expect(event.action).toBe('FINE_ASSESSED');
    expect(after.fine).toMatchObject({ status: 'PROPOSED', opinionDueAt: OPINION_DUE, proposedAt: PROPOSED_AT });
    expect(after.fine?.inputs && recomputeFine(after.fine.inputs).amount).toBe(after.fine?.amount);
    expect(followUps?.map((f) => f.type)).toEqual(['NOTIFY_OPERATOR', 'NOTIFY_STAFF']);
  });

  it('never fines an order whose action does not bind its operator', () => {
    const request = lateOrder({ action: 'DELETE_REQUEST' as OrderRecord['action'] });
    expect(orderDecider.decide({ type: 'ASSESS_FINE', inputs: aFineAssessment() }, request, ctx(PROPOSED_AT))).toBeNull();
  });

  it('stores inputs that recompute to the stored amount, whatever the inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 13 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.constantFrom('ILLEGAL_FILMING', 'SYNTHETIC_SEXUAL_IMAGERY', 'CHILD_SEXUAL_EXPLOITATION'),
        (revenue, lateHours, finedBefore, category) => {
          const base = aFineAssessment({ lateHours, order: { category, urlCount: 3 } });
          const inputs = { ...base, revenue: { ...base.revenue, amount: revenue }, period: { ...base.period, finedBefore } };
          const { after } = decided(orderDecider, { type: 'ASSESS_FINE', inputs }, lateOrder(), ctx(PROPOSED_AT));
          const stored = JSON.parse(JSON.stringify(after.fine));
          expect(recomputeFine(stored.inputs).amount).toBe(stored.amount);
        },
      ),
    );
  });
});

describe('orderDecider: the operator’s opinion (SUBMIT_FINE_OPINION)', () => {
  it('records the opinion within the period, once, and alerts staff; the text stays out of the audit details', () => {
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'SUBMIT_FINE_OPINION', by: 'op-webhard-user', opinion: OPINION },
      proposed(),
      ctx(plus(PROPOSED_AT, DAY)),
    );
    expect(event).toMatchObject({ action: 'FINE_OPINION_SUBMITTED', details: { orderId: WEBHARD_ORDER_ID, characters: OPINION.length } });
    expect(JSON.stringify(event.details)).not.toContain(OPINION);
    expect(after.fine?.opinion).toEqual({ at: plus(PROPOSED_AT, DAY), by: 'op-webhard-user', text: OPINION });
    expect(followUps?.map((f) => f.type)).toEqual(['NOTIFY_STAFF']);
    // The same opinion again (a retry) does nothing; another one is refused
    expect(
      orderDecider.decide({ type: 'SUBMIT_FINE_OPINION', by: 'op-webhard-user', opinion: OPINION }, after, ctx(OPINION_DUE)),
    ).toBeNull();
    expect(
      step(orderDecider, { type: 'SUBMIT_FINE_OPINION', by: 'op-webhard-user', opinion: `${OPINION}!` }, after, ctx(OPINION_DUE)),
    ).toMatchObject({
      kind: 'refused',
      error: expect.any(ConflictError),
    });
  });

  it('refuses an opinion once the period ended, and on an order without a proposed fine', () => {
    expect(step(orderDecider, { type: 'SUBMIT_FINE_OPINION', by: 'u', opinion: OPINION }, proposed(), ctx(AFTER_DUE))).toMatchObject({
      kind: 'refused',
      error: expect.any(WindowClosedError),
    });
    expect(step(orderDecider, { type: 'SUBMIT_FINE_OPINION', by: 'u', opinion: OPINION }, lateOrder(), ctx(PROPOSED_AT))).toMatchObject({
      kind: 'refused',
      error: expect.any(ConflictError),
    });
  });
});

describe('orderDecider: staff decide the fine (DECIDE_FINE)', () => {
  const decide = (decision: 'IMPOSE' | 'REDUCE' | 'WAIVE', amount?: number) =>
    ({
      type: 'DECIDE_FINE',
      by: 'staff-kim',
      decision,
      reason: 'heard the operator',
      ...(amount === undefined ? {} : { amount }),
    }) as const;

  it('waits for the opinion period, or the opinion, before a decision', () => {
    expect(step(orderDecider, decide('IMPOSE'), proposed(), ctx(plus(PROPOSED_AT, DAY)))).toMatchObject({
      kind: 'refused',
      error: expect.any(ConflictError),
    });
    const heard = decided(
      orderDecider,
      { type: 'SUBMIT_FINE_OPINION', by: 'op', opinion: OPINION },
      proposed(),
      ctx(plus(PROPOSED_AT, DAY)),
    ).after;
    expect(decided(orderDecider, decide('IMPOSE'), heard, ctx(plus(PROPOSED_AT, 2 * DAY))).after.fine?.status).toBe('IMPOSED');
  });

  it.each([
    ['IMPOSE', undefined, 'IMPOSED'],
    ['REDUCE', 1_000_000, 'REDUCED'],
    ['WAIVE', undefined, 'WAIVED'],
  ] as const)('%s sets the status and the amount, sends the decision, and gives room back when lower', (decision, amount, status) => {
    const before = proposed();
    const proposedAmount = before.fine?.amount ?? 0;
    const { event, followUps, after } = decided(orderDecider, decide(decision, amount), before, ctx(AFTER_DUE));
    const expected = decision === 'IMPOSE' ? proposedAmount : (amount ?? 0);
    expect(event).toMatchObject({
      action: 'FINE_DECIDED',
      actor: 'staff-kim',
      details: { decision, status, amount: expected, proposedAmount },
    });
    expect(after.fine).toMatchObject({
      status,
      amount: expected,
      proposedAmount,
      decision: { decision, by: 'staff-kim', reason: 'heard the operator' },
    });
    expect(after.fine?.breakdown.reduce((sum, line) => sum + line.amount, 0)).toBe(expected);
    expect(followUps?.[0]).toMatchObject({ type: 'NOTIFY_OPERATOR', notice: { kind: 'FINE_DECISION' } });
    expect(followUps?.slice(1)).toEqual(
      decision === 'IMPOSE'
        ? []
        : [
            {
              type: 'RUN',
              command: {
                kind: 'fineLedger',
                operatorId: 'op-webhard',
                period: '2026',
                command: { type: 'RELEASE', orderId: WEBHARD_ORDER_ID, amount: expected },
              },
            },
          ],
    );
    // The same decision again does nothing; another one is refused
    expect(orderDecider.decide(decide(decision, amount), after, ctx(AFTER_DUE))).toBeNull();
    expect(step(orderDecider, decide(decision === 'WAIVE' ? 'IMPOSE' : 'WAIVE'), after, ctx(AFTER_DUE))).toMatchObject({
      kind: 'refused',
    });
  });

  it('refuses a "reduction" that is not lower than the proposal', () => {
    const before = proposed();
    expect(step(orderDecider, decide('REDUCE', before.fine?.amount), before, ctx(AFTER_DUE))).toMatchObject({
      kind: 'refused',
      error: expect.any(ValidationError),
    });
  });
});

describe('orderDecider: staff reminded of a fine due for decision (REMIND_FINE_DECISION)', () => {
  const REMIND = { type: 'REMIND_FINE_DECISION' } as const;

  it('alerts staff once, after the opinion period ended, saying whether an opinion came', () => {
    // Given a proposed fine whose operator stated an opinion
    const heard = decided(
      orderDecider,
      { type: 'SUBMIT_FINE_OPINION', by: 'op-webhard', opinion: OPINION },
      proposed(),
      ctx(PROPOSED_AT),
    ).after;
    // When the sweeper asks within the period: nothing
    expect(orderDecider.decide(REMIND, heard, ctx(OPINION_DUE))).toBeNull();
    // When it asks after the period ended
    const { event, followUps, after } = decided(orderDecider, REMIND, heard, ctx(AFTER_DUE));
    // Then the reminder is on the chain and staff are told, under a key of its own
    expect(event).toMatchObject({
      action: 'FINE_DECISION_DUE',
      actor: 'system',
      details: { orderId: WEBHARD_ORDER_ID, opinionDueAt: OPINION_DUE, opinionStated: true },
    });
    expect(followUps).toEqual([expect.objectContaining({ type: 'NOTIFY_STAFF', eventKey: `fine-decision-due:${WEBHARD_ORDER_ID}` })]);
    expect(after.fine).toMatchObject({ status: 'PROPOSED', decisionReminderAt: AFTER_DUE });
    // And asking again sends nothing more
    expect(orderDecider.decide(REMIND, after, ctx(plus(AFTER_DUE, DAY)))).toBeNull();
  });

  it('sends nothing for a fine already decided, nor for an order without a fine', () => {
    const waived = decided(
      orderDecider,
      { type: 'DECIDE_FINE', by: 'staff-lee', decision: 'WAIVE', reason: 'removed at once' },
      proposed(),
      ctx(AFTER_DUE),
    ).after;
    expect(orderDecider.decide(REMIND, waived, ctx(plus(AFTER_DUE, DAY)))).toBeNull();
    expect(orderDecider.decide(REMIND, lateOrder(), ctx(AFTER_DUE))).toBeNull();
  });
});

describe('fineLedgerDecider', () => {
  const reserve = (orderId: string, requested: number) =>
    ({ type: 'RESERVE', operatorId: 'op-webhard', period: '2026', currency: 'KRW', orderId, requested, cap: 100 }) as const;

  it('grants each order the room left, once, and takes released room back', () => {
    let ledger: FineLedger | undefined;
    for (const [orderId, requested] of [
      ['O-1', 70],
      ['O-2', 70],
      ['O-3', 10],
    ] as const) {
      ledger = decided(fineLedgerDecider, reserve(orderId, requested), ledger, ctx(PROPOSED_AT)).after;
    }
    expect(ledger).toMatchObject({
      total: 100,
      fines: { 'O-1': { amount: 70, finedBefore: 0 }, 'O-2': { amount: 30, finedBefore: 70 }, 'O-3': { amount: 0, finedBefore: 100 } },
    });
    expect(fineLedgerDecider.decide(reserve('O-1', 5), ledger, ctx(PROPOSED_AT))).toBeNull();
    const released = decided(fineLedgerDecider, { type: 'RELEASE', orderId: 'O-1', amount: 20 }, ledger, ctx(PROPOSED_AT)).after;
    expect(released).toMatchObject({ total: 50, fines: { 'O-1': { amount: 20, finedBefore: 0 } } });
    expect(fineLedgerDecider.decide({ type: 'RELEASE', orderId: 'O-1', amount: 20 }, released, ctx(PROPOSED_AT))).toBeNull();
  });

  it('never holds more than the cap, whatever is reserved and released', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.boolean()), { maxLength: 40 }), (requests) => {
        let ledger: FineLedger | undefined;
        requests.forEach(([requested, release], index) => {
          ledger = decided(fineLedgerDecider, reserve(`O-${index}`, requested), ledger, ctx(PROPOSED_AT)).after;
          if (release) {
            const decision = fineLedgerDecider.decide({ type: 'RELEASE', orderId: `O-${index}`, amount: 0 }, ledger, ctx(PROPOSED_AT));
            if (decision) ledger = fineLedgerDecider.evolve(ledger, decision.event);
          }
          expect(ledger?.total).toBeLessThanOrEqual(100);
          expect(Object.values(ledger?.fines ?? {}).reduce((sum, fine) => sum + fine.amount, 0)).toBe(ledger?.total);
        });
      }),
    );
  });
});

/**
 * A lifted order (revoked in post-review, overturned on appeal) tells its operator to restore the
 * content or lift the block, once, and records the operator's answer.
 */
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../../../shared/domain/deciders/order';
import { ConflictError, ValidationError } from '../../../../shared/domain/errors';
import type { OrderRecord } from '../../../../shared/domain/model';
import { anOrder, POST_REVIEW_ID } from '../../../support/records';
import { ctx, DAY, decided, plus } from './support';

const NOW = '2026-03-09T00:00:00.000Z';
const complied: Partial<OrderRecord> = {
  complianceStatus: 'COMPLIED',
  compliedAt: '2026-03-02T03:00:00.000Z',
  complianceAction: 'DELETED',
};

function lifted(changes: Partial<OrderRecord> = {}): OrderRecord {
  const { after } = decided(
    orderDecider,
    { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
    anOrder({ ...complied, ...changes }),
    ctx(NOW),
  );
  return after;
}

describe('the instruction of a lifted order', () => {
  it.each([
    ['DELETE', 'REINSTATE'],
    ['BLOCK_ACCESS', 'UNBLOCK'],
  ] as const)('a revoked %s order is instructed to %s, and the operator is told once', (action, instruction) => {
    // Given an order the operator complied with
    const order = anOrder({ ...complied, action });
    // When the committee revokes it
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
      order,
      ctx(NOW),
    );
    // Then the order records the pending instruction and its notice is a follow-up with its own key
    expect(event.action).toBe('ORDER_REVOKED');
    expect(after.reinstatement).toEqual({ instruction, status: 'PENDING', instructedAt: NOW });
    expect(followUps).toContainEqual({
      type: 'NOTIFY_OPERATOR',
      orderId: order.orderId,
      notice: { kind: 'REINSTATE' },
      eventKey: `reinstate:${order.orderId}`,
    });
    // And deciding again sends nothing more
    expect(orderDecider.decide({ type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' }, after, ctx(NOW))).toBeNull();
  });

  it('an appeal granted instructs the same way; an appeal rejected does not', () => {
    const appealed = anOrder({ ...complied, decisionStatus: 'APPEALED', status: 'APPEALED', appealId: 'A1' });
    const granted = decided(
      orderDecider,
      { type: 'DECIDE_APPEAL', reviewId: 'R1', appealId: 'A1', outcome: 'REVOKED' },
      appealed,
      ctx(NOW),
    );
    expect(granted.event.action).toBe('APPEAL_GRANTED_ORDER_OVERTURNED');
    expect(granted.after.reinstatement?.status).toBe('PENDING');
    expect(granted.followUps).toContainEqual(
      expect.objectContaining({ notice: { kind: 'REINSTATE' }, eventKey: `reinstate:${appealed.orderId}` }),
    );

    const upheld = decided(
      orderDecider,
      { type: 'DECIDE_APPEAL', reviewId: 'R1', appealId: 'A1', outcome: 'CONFIRMED' },
      appealed,
      ctx(NOW),
    );
    expect(upheld.after.reinstatement).toBeUndefined();
    expect(upheld.followUps).not.toContainEqual(expect.objectContaining({ notice: { kind: 'REINSTATE' } }));
  });

  it('a confirmed order gives no instruction', () => {
    const { after, followUps } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' },
      anOrder(complied),
      ctx(NOW),
    );
    expect(after.reinstatement).toBeUndefined();
    expect(followUps).not.toContainEqual(expect.objectContaining({ notice: { kind: 'REINSTATE' } }));
  });
});

describe("the operator's answer", () => {
  it('records RESTORED with its note off the chain; the same answer again does nothing', () => {
    const order = lifted();
    const later = plus(NOW, DAY);
    const { event, after } = decided(
      orderDecider,
      { type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'RESTORED', note: 'back online' },
      order,
      ctx(later),
    );
    expect(event).toMatchObject({
      action: 'REINSTATEMENT_REPORTED',
      actor: 'op-webhard',
      details: { orderId: order.orderId, action: 'RESTORED' },
    });
    expect(JSON.stringify(event.details)).not.toContain('back online');
    expect(after.reinstatement).toEqual({
      instruction: 'REINSTATE',
      status: 'DONE',
      instructedAt: NOW,
      doneAt: later,
      action: 'RESTORED',
      note: 'back online',
    });
    expect(orderDecider.decide({ type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'RESTORED' }, after, ctx(later))).toBeNull();
  });

  it('refuses another answer after the first, an answer that does not fit the instruction, and an order that gave none', () => {
    const done = decided(
      orderDecider,
      { type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'NOT_APPLICABLE' },
      lifted(),
      ctx(NOW),
    ).after;
    expect(() => orderDecider.decide({ type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'RESTORED' }, done, ctx(NOW))).toThrow(
      ConflictError,
    );
    expect(() => orderDecider.decide({ type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'UNBLOCKED' }, lifted(), ctx(NOW))).toThrow(
      ValidationError,
    );
    expect(() =>
      orderDecider.decide({ type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'RESTORED' }, anOrder(complied), ctx(NOW)),
    ).toThrow(ConflictError);
  });

  it('reminds an operator that has not answered once, after the policy duration', () => {
    const order = lifted();
    expect(orderDecider.decide({ type: 'REMIND_REINSTATEMENT' }, order, ctx(plus(NOW, 2 * DAY)))).toBeNull();
    const { event, followUps, after } = decided(orderDecider, { type: 'REMIND_REINSTATEMENT' }, order, ctx(plus(NOW, 3 * DAY + 1000)));
    expect(event.action).toBe('REINSTATEMENT_REMINDED');
    expect(followUps).toEqual([
      {
        type: 'NOTIFY_OPERATOR',
        orderId: order.orderId,
        notice: { kind: 'REINSTATE', reminder: true },
        eventKey: `reinstate-reminder:${order.orderId}`,
      },
    ]);
    expect(orderDecider.decide({ type: 'REMIND_REINSTATEMENT' }, after, ctx(plus(NOW, 4 * DAY)))).toBeNull();
  });
});

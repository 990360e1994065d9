/**
 * Staff's acts on an order whose grace period ended without compliance (RESOLVE_NON_COMPLIANCE):
 * escalate, record a verified removal, or re-issue; and how each leaves the fine.
 */
import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand } from '../../../../shared/domain/deciders/order';
import { orderDeadlines } from '../../../../shared/domain/deadlines';
import { ConflictError } from '../../../../shared/domain/errors';
import type { DecisionStatus, NonComplianceAction, NoticeRecord, OrderRecord } from '../../../../shared/domain/model';
import { inGracePeriod, isFinable, isNonCompliant, orderNoticeKey } from '../../../../shared/domain/orders';
import { anOrder, WEBHARD_ORDER_ID } from '../../../support/records';
import { ctx, DAY, decided, KR, plus, step } from './support';

const DEADLINE = '2026-03-03T01:00:00.000Z';
const GRACE_END = '2026-03-10T01:00:00.000Z';
const RECORDED_AT = plus(GRACE_END, 1);
const NOW = plus(GRACE_END, DAY);
const STAFF = 'staff-lee';

/** Given an order whose grace period ended without compliance, recorded by the workflow. */
function nonCompliantOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return anOrder({
    status: 'OVERDUE',
    complianceStatus: 'OVERDUE',
    deadlineAt: DEADLINE,
    graceEndsAt: GRACE_END,
    overdueAt: DEADLINE,
    acknowledgedAt: '2026-03-02T02:00:00.000Z',
    nonComplianceRecordedAt: RECORDED_AT,
    ...overrides,
  });
}

const resolve = (action: NonComplianceAction, reason = 'checked on 11 March'): OrderCommand => ({
  type: 'RESOLVE_NON_COMPLIANCE',
  by: STAFF,
  action,
  reason,
});

describe('orderDecider: staff act on non-compliance (RESOLVE_NON_COMPLIANCE)', () => {
  it('escalates: the referral and its reason on the case record, staff alerted, the order off the NON_COMPLIANT list and still fined', () => {
    // Given a non-compliant order
    const order = nonCompliantOrder();
    expect(isNonCompliant(order)).toBe(true);
    // When staff escalate it
    const { event, followUps, after } = decided(orderDecider, resolve('ESCALATE', 'content still online on 11 March'), order, ctx(NOW));
    // Then
    expect(event).toEqual({
      action: 'NON_COMPLIANCE_ESCALATED',
      at: NOW,
      actor: STAFF,
      details: { orderId: WEBHARD_ORDER_ID, reason: 'content still online on 11 March' },
    });
    expect(followUps).toEqual([expect.objectContaining({ type: 'NOTIFY_STAFF', eventKey: `escalated:${WEBHARD_ORDER_ID}:0` })]);
    expect(after).toMatchObject({
      status: 'OVERDUE',
      complianceStatus: 'OVERDUE',
      nonComplianceResolution: { action: 'ESCALATE', at: NOW, by: STAFF, reason: 'content still online on 11 March' },
    });
    expect(isNonCompliant(after)).toBe(false);
    expect(isFinable(after)).toBe(true);
  });

  it('records a verified removal: no notice, the order stays OVERDUE (the missed deadline is fined), off the list', () => {
    const { event, followUps, after } = decided(
      orderDecider,
      resolve('VERIFIED_REMOVAL', 'URL answers 404'),
      nonCompliantOrder(),
      ctx(NOW),
    );
    expect(event).toMatchObject({
      action: 'REMOVAL_VERIFIED',
      actor: STAFF,
      details: { orderId: WEBHARD_ORDER_ID, reason: 'URL answers 404' },
    });
    expect(followUps).toEqual([]);
    expect(after).toMatchObject({ status: 'OVERDUE', nonComplianceResolution: { action: 'VERIFIED_REMOVAL', at: NOW } });
    expect(isNonCompliant(after)).toBe(false);
    expect(isFinable(after)).toBe(true);
  });

  it('re-issues: a new ORDER notice, the order ISSUED again without a clock until the notice is accepted, the missed clock kept for the fine', () => {
    // Given a non-compliant order confirmed by the committee
    const order = nonCompliantOrder({ decisionStatus: 'CONFIRMED' });
    // When staff re-issue it
    const { event, followUps, after } = decided(orderDecider, resolve('REISSUE', 'new contact found'), order, ctx(NOW));
    // Then a new ORDER notice, keyed as the order's next one
    expect(event).toEqual({
      action: 'ORDER_REISSUED',
      at: NOW,
      actor: STAFF,
      details: { orderId: WEBHARD_ORDER_ID, reason: 'new contact found', resends: 1, missedDeadlineAt: DEADLINE },
    });
    expect(followUps).toEqual([
      { type: 'NOTIFY_OPERATOR', orderId: WEBHARD_ORDER_ID, notice: { kind: 'ORDER' }, eventKey: `order:${WEBHARD_ORDER_ID}:resend-1` },
    ]);
    expect(after).toMatchObject({
      status: 'CONFIRMED',
      complianceStatus: 'ISSUED',
      decisionStatus: 'CONFIRMED',
      resends: 1,
      reissuedAt: NOW,
      missedClock: { deadlineAt: DEADLINE, graceEndsAt: GRACE_END },
    });
    for (const cleared of ['deadlineAt', 'graceEndsAt', 'overdueAt', 'acknowledgedAt', 'nonComplianceRecordedAt'] as const) {
      expect(after[cleared]).toBeUndefined();
    }
    expect(isFinable(after)).toBe(true);

    // When SES accepts the new notice / Then the new clock starts from it, per policy
    const acceptedAt = plus(NOW, 5_000);
    const notice: NoticeRecord = {
      eventKey: orderNoticeKey(after),
      kind: 'ORDER',
      to: ['notices@webhard.example'],
      messageId: 'm-2',
      sentAt: acceptedAt,
      status: 'SENT',
    };
    const clocked = decided(orderDecider, { type: 'RECORD_NOTICE', notice }, after, ctx(acceptedAt)).after;
    const expected = orderDeadlines(KR, acceptedAt);
    expect(clocked).toMatchObject({ deadlineAt: expected.deadlineAt, graceEndsAt: expected.graceEndsAt, complianceStatus: 'ISSUED' });

    // And compliance with the new notice on time is COMPLIED; the first missed clock still makes it finable
    const complied = decided(orderDecider, { type: 'COMPLY', by: 'op-webhard', action: 'DELETED' }, clocked, ctx(plus(acceptedAt, 60_000)));
    expect(complied.after.complianceStatus).toBe('COMPLIED');
    expect(isFinable(complied.after)).toBe(true);
  });

  it('keeps the first missed clock over a second re-issue', () => {
    // Given an order re-issued once, whose new clock ran out too
    const first = { deadlineAt: '2026-02-01T00:00:00.000Z', graceEndsAt: '2026-02-08T00:00:00.000Z' };
    const order = nonCompliantOrder({ resends: 1, reissuedAt: '2026-02-09T00:00:00.000Z', missedClock: first });
    // When it is re-issued again / Then the fine still counts the first breach
    const { after, followUps } = decided(orderDecider, resolve('REISSUE'), order, ctx(NOW));
    expect(after.missedClock).toEqual(first);
    expect(after.resends).toBe(2);
    expect(followUps).toEqual([expect.objectContaining({ eventKey: `order:${WEBHARD_ORDER_ID}:resend-2` })]);
  });

  it.each<NonComplianceAction>(['ESCALATE', 'VERIFIED_REMOVAL', 'REISSUE'])(
    'does nothing when the same %s is repeated (a retry)',
    (action) => {
      const once = decided(orderDecider, resolve(action), nonCompliantOrder(), ctx(NOW)).after;
      expect(orderDecider.decide(resolve(action), once, ctx(plus(NOW, 1_000)))).toBeNull();
    },
  );

  it.each<[string, Partial<OrderRecord>]>([
    ['open (ISSUED)', { status: 'ISSUED', complianceStatus: 'ISSUED', overdueAt: undefined, nonComplianceRecordedAt: undefined }],
    ['overdue, still in its grace period', { nonComplianceRecordedAt: undefined }],
    ['complied late', { status: 'COMPLIED_LATE', complianceStatus: 'COMPLIED_LATE', nonComplianceRecordedAt: undefined }],
    ['revoked', { status: 'REVOKED', decisionStatus: 'REVOKED' as DecisionStatus }],
  ])('refuses any act on an order %s with 409 and a reason', (_what, overrides) => {
    const order = nonCompliantOrder(overrides);
    for (const action of ['ESCALATE', 'VERIFIED_REMOVAL', 'REISSUE'] as const) {
      const result = step(orderDecider, resolve(action), order, ctx(NOW));
      expect(result.kind).toBe('refused');
      if (result.kind === 'refused') {
        expect(result.error).toBeInstanceOf(ConflictError);
        expect(result.error.message).toMatch(/not waiting for a non-compliance decision: it is [A-Z_]+/);
      }
    }
  });

  it('refuses a different act once staff chose one, naming it', () => {
    const escalated = decided(orderDecider, resolve('ESCALATE'), nonCompliantOrder(), ctx(NOW)).after;
    const result = step(orderDecider, resolve('REISSUE'), escalated, ctx(plus(NOW, 1_000)));
    expect(result.kind).toBe('refused');
    if (result.kind === 'refused') expect(result.error.message).toContain(`staff already chose ESCALATE for it at ${NOW}`);
  });

  it('puts an overdue order in its grace period apart from a non-compliant one', () => {
    expect(inGracePeriod(nonCompliantOrder({ nonComplianceRecordedAt: undefined }))).toBe(true);
    expect(inGracePeriod(nonCompliantOrder())).toBe(false);
    expect(isNonCompliant(nonCompliantOrder({ nonComplianceRecordedAt: undefined }))).toBe(false);
  });
});

/**
 * The order decider's post-monitoring (shared/domain/deciders/order.ts, shared/domain/monitoring.ts):
 * a round is recorded once per due time; a URL still up asks for the reopening as an act of its
 * own; the reopening happens once, not on a lifted order nor one already waiting for staff; the
 * schedule keeps to the policy's intervals whenever the rounds run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../../../shared/domain/deciders/order';
import { firstCheckAt, nextCheckAfter, type UrlProbe } from '../../../../shared/domain/monitoring';
import type { OrderRecord } from '../../../../shared/domain/model';
import { durationToMs } from '../../../../shared/domain/policy';
import { isNonCompliant, monitoringDue } from '../../../../shared/domain/orders';
import { anOrder } from '../../../support/records';
import { ctx, DAY, decided, HOUR, KR, plus, step } from './support';

const COMPLIED_AT = '2026-03-02T12:00:00.000Z';
const URL_A = 'https://webhard.example/v/1';
const URL_B = 'https://webhard.example/v/2';

/** A DELETE order complied with at COMPLIED_AT, its first round due an hour later. */
const complied = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({
    status: 'COMPLIED',
    complianceStatus: 'COMPLIED',
    compliedAt: COMPLIED_AT,
    complianceAction: 'DELETED',
    monitoring: { since: COMPLIED_AT, nextCheckAt: plus(COMPLIED_AT, HOUR), rounds: 0, urls: [] },
    ...overrides,
  });

const round = (probes: UrlProbe[], dueAt = plus(COMPLIED_AT, HOUR)) => ({ type: 'RECORD_URL_CHECKS' as const, dueAt, probes });

describe('recording a round', () => {
  it('keeps each URL’s result with its time, moves to the next interval, and does nothing when repeated', () => {
    const now = plus(COMPLIED_AT, HOUR + 30_000);
    // When
    const { event, followUps, after } = decided(
      orderDecider,
      round([
        { url: URL_A, result: 'GONE', httpStatus: 404 },
        { url: URL_B, result: 'ERROR' },
      ]),
      complied(),
      ctx(now),
    );
    // Then: counts on the chain, URLs off it
    expect(event).toMatchObject({
      action: 'URLS_CHECKED',
      details: { gone: 1, stillUp: 0, errors: 1, nextCheckAt: plus(COMPLIED_AT, DAY) },
    });
    expect(JSON.stringify(event.details)).not.toContain('webhard.example');
    expect(followUps).toEqual([]);
    expect(after.monitoring?.urls).toEqual([
      { url: URL_A, checks: [{ at: now, result: 'GONE', httpStatus: 404 }] },
      { url: URL_B, checks: [{ at: now, result: 'ERROR' }] },
    ]);
    expect(isNonCompliant(after)).toBe(false);
    // A retry of the same round finds it done
    expect(step(orderDecider, round([{ url: URL_A, result: 'STILL_UP', httpStatus: 200 }]), after, ctx(now))).toEqual({ kind: 'null' });
  });

  it('a URL still up asks for the reopening, which records non-compliance once with its cause and tells both sides', () => {
    const now = plus(COMPLIED_AT, HOUR);
    const checked = decided(orderDecider, round([{ url: URL_A, result: 'STILL_UP', httpStatus: 200 }]), complied(), ctx(now));
    expect(checked.followUps).toEqual([
      {
        type: 'RUN',
        command: {
          kind: 'order',
          orderId: complied().orderId,
          command: { type: 'RECORD_NON_COMPLIANCE', cause: 'POST_MONITORING', checkedAt: now },
        },
      },
    ]);
    const reopen = { type: 'RECORD_NON_COMPLIANCE' as const, cause: 'POST_MONITORING' as const, checkedAt: now };
    // When
    const { event, followUps, after } = decided(orderDecider, reopen, checked.after, ctx(now));
    // Then
    expect(event).toMatchObject({ action: 'NON_COMPLIANCE_RECORDED', details: { cause: 'POST_MONITORING', stillUp: 1 } });
    expect(followUps?.map((followUp) => followUp.type)).toEqual(['NOTIFY_OPERATOR', 'NOTIFY_STAFF']);
    expect(after).toMatchObject({ complianceStatus: 'COMPLIED', nonComplianceCause: 'POST_MONITORING', nonComplianceRecordedAt: now });
    expect(isNonCompliant(after)).toBe(true);
    expect(monitoringDue(after)).toBe(false);
    expect(step(orderDecider, reopen, after, ctx(plus(now, 1000)))).toEqual({ kind: 'null' });
  });

  it('neither records a round of nor reopens an order the committee lifted', () => {
    const lifted = complied({ decisionStatus: 'REVOKED', status: 'REVOKED' });
    const now = plus(COMPLIED_AT, HOUR);
    expect(step(orderDecider, round([{ url: URL_A, result: 'STILL_UP' }]), lifted, ctx(now))).toEqual({ kind: 'null' });
    expect(monitoringDue(lifted)).toBe(false);
  });
});

describe('the schedule', () => {
  it('has no round for a policy that checks nothing, and none after the last interval', () => {
    expect(firstCheckAt({ ...KR, postMonitoring: { ...KR.postMonitoring, checksAfter: [] } }, COMPLIED_AT)).toBeUndefined();
    expect(nextCheckAfter(KR, COMPLIED_AT, plus(COMPLIED_AT, 7 * DAY))).toBeUndefined();
  });

  it('whenever a round runs, the next is the first interval after it, and always later than the run', () => {
    const intervals = KR.postMonitoring.checksAfter.map((after) => plus(COMPLIED_AT, durationToMs(after)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 * DAY }), (offset) => {
        const checkedAt = plus(COMPLIED_AT, offset);
        const next = nextCheckAfter(KR, COMPLIED_AT, checkedAt);
        const expected = intervals.find((at) => Date.parse(at) > Date.parse(checkedAt));
        expect(next).toBe(expected);
        if (next !== undefined) expect(Date.parse(next)).toBeGreaterThan(Date.parse(checkedAt));
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand } from '../../../../shared/domain/deciders/order';
import { deadlineChangeRequestSchema, deadlineMoveOf, type DeadlineMove } from '../../../../shared/domain/deadline-changes';
import { ConflictError } from '../../../../shared/domain/errors';
import type { OrderRecord } from '../../../../shared/domain/model';
import { canAcceptCompliance, complianceOpen } from '../../../../shared/domain/orders';
import { indexKeysOf } from '../../../../shared/store/indexes';
import { anOrder, CASE_ID, WEBHARD_ORDER_ID } from '../../../support/records';
import { ctx, decided, HOUR, MINUTE, plus, step } from './support';

const ID = WEBHARD_ORDER_ID;
const DEADLINE = '2026-03-03T01:00:00.000Z';
const BEFORE_DEADLINE = '2026-03-02T20:00:00.000Z';
const STAFF = 'staff-kim';
const REASON = 'The operator reported a data-centre outage (force majeure).';

const change = (move: DeadlineMove, reason = REASON): OrderCommand => ({ type: 'CHANGE_DEADLINE', by: STAFF, move, reason });
const EXTEND_12H = change({ kind: 'EXTEND', extendBy: 'PT12H' });
const PAUSE = change({ kind: 'PAUSE' });
const RESUME = change({ kind: 'RESUME' });

describe('order decider: staff extend a deadline', () => {
  it('moves the deadline and its grace period, keeps the history, tells the operator and wakes the compliance wait', () => {
    // Given an order whose deadline runs
    const order = anOrder();
    // When staff extend it by 12 hours, with a reason
    const { event, followUps, after } = decided(orderDecider, EXTEND_12H, order, ctx(BEFORE_DEADLINE));
    // Then the deadline is 12 hours later, and so is the end of the grace period
    expect(event).toEqual({
      action: 'DEADLINE_EXTENDED',
      at: BEFORE_DEADLINE,
      actor: STAFF,
      details: {
        orderId: ID,
        reason: REASON,
        previousDeadlineAt: DEADLINE,
        extendBy: 'PT12H',
        deadlineAt: '2026-03-03T13:00:00.000Z',
        graceEndsAt: '2026-03-10T13:00:00.000Z',
      },
    });
    expect(after).toMatchObject({ deadlineAt: '2026-03-03T13:00:00.000Z', graceEndsAt: '2026-03-10T13:00:00.000Z' });
    expect(after.deadlineChanges).toEqual([
      {
        change: 'EXTENDED',
        at: BEFORE_DEADLINE,
        by: STAFF,
        reason: REASON,
        extendBy: 'PT12H',
        previousDeadlineAt: DEADLINE,
        deadlineAt: '2026-03-03T13:00:00.000Z',
      },
    ]);
    expect(followUps).toEqual([
      {
        type: 'NOTIFY_OPERATOR',
        orderId: ID,
        notice: { kind: 'DEADLINE_CHANGED', change: after.deadlineChanges?.[0] },
        eventKey: `deadline:${ID}:1`,
      },
      { type: 'COMPLETE_WAIT', caseId: CASE_ID, purpose: `COMPLIANCE#${ID}`, output: { outcome: 'DEADLINE_CHANGED' } },
    ]);
    // And compliance after the old deadline but before the new one is on time
    expect(canAcceptCompliance(after, plus(DEADLINE, HOUR))).toBe('COMPLIED');
  });

  it('gives every further change its own notice', () => {
    const once = decided(orderDecider, EXTEND_12H, anOrder(), ctx(BEFORE_DEADLINE)).after;
    const again = change({ kind: 'EXTEND', extendBy: 'PT12H' }, 'The operator asked for clarification of the URLs.');
    const twice = decided(orderDecider, again, once, ctx(plus(BEFORE_DEADLINE, MINUTE)));
    expect(twice.after.deadlineAt).toBe('2026-03-04T01:00:00.000Z');
    expect(twice.followUps).toContainEqual(expect.objectContaining({ eventKey: `deadline:${ID}:2` }));
  });

  it('takes the same change by the same person with the same reason within 15 minutes as a retry, never extending twice', () => {
    // Given a deadline extended, whose answer the client lost
    const once = decided(orderDecider, EXTEND_12H, anOrder(), ctx(BEFORE_DEADLINE)).after;
    // When the client sends the same request again, it does nothing
    expect(orderDecider.decide(EXTEND_12H, once, ctx(plus(BEFORE_DEADLINE, 15 * MINUTE)))).toBeNull();
    // But the same words later, or by someone else, are a new extension
    expect(step(orderDecider, EXTEND_12H, once, ctx(plus(BEFORE_DEADLINE, 15 * MINUTE + 1))).kind).toBe('event');
    const byLee: OrderCommand = { ...EXTEND_12H, by: 'staff-lee' } as OrderCommand;
    expect(step(orderDecider, byLee, once, ctx(plus(BEFORE_DEADLINE, MINUTE))).kind).toBe('event');
  });
});

describe('order decider: staff pause and resume a deadline', () => {
  it('stops the clock while paused, and resumes it later by the time it was paused', () => {
    // Given an order paused 5 hours before its deadline
    const paused = decided(orderDecider, PAUSE, anOrder(), ctx(BEFORE_DEADLINE));
    expect(paused.event).toMatchObject({ action: 'DEADLINE_PAUSED', details: { previousDeadlineAt: DEADLINE } });
    expect(paused.event.details).not.toHaveProperty('deadlineAt');
    // Then no deadline runs: not among the open deadlines, and compliance meanwhile is on time
    expect(paused.after.deadlineAt).toBeUndefined();
    expect(paused.after.deadlinePausedAt).toBe(BEFORE_DEADLINE);
    expect(complianceOpen(paused.after)).toBe(false);
    expect(indexKeysOf('order', paused.after, BEFORE_DEADLINE).gsi2sk).toBe(`~PAUSED#${BEFORE_DEADLINE}#${ID}`);
    expect(canAcceptCompliance(paused.after, plus(DEADLINE, HOUR))).toBe('COMPLIED');
    expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, paused.after, ctx(plus(DEADLINE, HOUR)))).toBeNull();

    // When staff resume it 30 hours later
    const resumedAt = plus(BEFORE_DEADLINE, 30 * HOUR);
    const resumed = decided(orderDecider, RESUME, paused.after, ctx(resumedAt));
    // Then the deadline is the old one plus the 30 hours paused, with 5 hours left as before
    expect(resumed.after.deadlineAt).toBe(plus(DEADLINE, 30 * HOUR));
    expect(resumed.after.graceEndsAt).toBe(plus('2026-03-10T01:00:00.000Z', 30 * HOUR));
    expect(resumed.after.deadlinePausedAt).toBeUndefined();
    expect(resumed.after.pausedClock).toBeUndefined();
    expect(resumed.after.deadlineChanges?.map((c) => c.change)).toEqual(['PAUSED', 'RESUMED']);
    expect(resumed.followUps).toContainEqual(expect.objectContaining({ type: 'COMPLETE_WAIT', output: { outcome: 'DEADLINE_CHANGED' } }));
  });

  it('rounds a resumed deadline up to the whole second, in the operator favour', () => {
    const paused = decided(orderDecider, PAUSE, anOrder(), ctx(BEFORE_DEADLINE)).after;
    const resumed = decided(orderDecider, RESUME, paused, ctx(plus(BEFORE_DEADLINE, HOUR + 1))).after;
    expect(resumed.deadlineAt).toBe(plus(DEADLINE, HOUR + 1000));
  });

  it('keeps the time left: resuming after any pause leaves exactly what was left when paused (to the second)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 * HOUR }), fc.integer({ min: 0, max: 30 * 24 * HOUR }), (beforeMs, pauseMs) => {
        const pausedAt = plus(DEADLINE, -beforeMs - 1);
        const paused = decided(orderDecider, PAUSE, anOrder(), ctx(pausedAt)).after;
        const resumedAt = plus(pausedAt, pauseMs);
        const resumed = decided(orderDecider, RESUME, paused, ctx(resumedAt)).after;
        const left = Date.parse(resumed.deadlineAt ?? '') - Date.parse(resumedAt);
        expect(left - (Date.parse(DEADLINE) - Date.parse(pausedAt))).toBeGreaterThanOrEqual(0);
        expect(left - (Date.parse(DEADLINE) - Date.parse(pausedAt))).toBeLessThan(1000);
      }),
    );
  });
});

describe('order decider: deadline changes that make no sense are refused with 409', () => {
  const paused = (): OrderRecord => decided(orderDecider, PAUSE, anOrder(), ctx(BEFORE_DEADLINE)).after;
  it.each<[string, () => OrderRecord, OrderCommand, RegExp]>([
    [
      'complied',
      () => anOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: BEFORE_DEADLINE }),
      EXTEND_12H,
      /complied with/,
    ],
    ['lifted', () => anOrder({ decisionStatus: 'REVOKED', status: 'REVOKED' }), PAUSE, /was lifted/],
    ['overdue', () => anOrder({ complianceStatus: 'OVERDUE', status: 'OVERDUE' }), EXTEND_12H, /overdue/],
    ['already paused', paused, change({ kind: 'PAUSE' }, 'Another reason'), /is paused since/],
    ['paused, then extended', paused, EXTEND_12H, /resume it first/],
    ['not paused', () => anOrder(), RESUME, /not paused/],
    [
      'undelivered',
      () => anOrder({ complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED', deadlineAt: undefined, graceEndsAt: undefined }),
      EXTEND_12H,
      /no running deadline/,
    ],
  ])('an order %s', (_what, order, command, message) => {
    const result = step(orderDecider, command, order(), ctx(BEFORE_DEADLINE));
    expect(result.kind).toBe('refused');
    if (result.kind === 'refused') {
      expect(result.error).toBeInstanceOf(ConflictError);
      expect(result.error.message).toMatch(message);
    }
  });

  it('refuses a deadline that already passed, even before it is marked overdue', () => {
    const result = step(orderDecider, EXTEND_12H, anOrder(), ctx(plus(DEADLINE, 1)));
    expect(result.kind).toBe('refused');
  });
});

describe('POST /orders/{orderId}/deadline body', () => {
  it.each([
    [
      { extendBy: 'PT12H', reason: REASON },
      { kind: 'EXTEND', extendBy: 'PT12H' },
    ],
    [{ pause: true, reason: REASON }, { kind: 'PAUSE' }],
    [{ resume: true, reason: REASON }, { kind: 'RESUME' }],
  ])('reads %j', (body, move) => {
    expect(deadlineMoveOf(deadlineChangeRequestSchema.parse(body))).toEqual(move);
  });

  it.each([
    [{ extendBy: 'PT12H' }, 'reason'],
    [{ extendBy: 'PT12H', reason: '' }, 'reason'],
    [{ extendBy: 'PT0S', reason: REASON }, 'extendBy'],
    [{ extendBy: 'P1Y', reason: REASON }, 'extendBy'],
    [{ extendBy: 'P400D', reason: REASON }, 'extendBy'],
    [{ pause: true, resume: true, reason: REASON }, 'extendBy'],
    [{ reason: REASON }, 'extendBy'],
    [{ pause: false, reason: REASON }, 'pause'],
    [{ extendBy: 'PT1H', reason: REASON, by: 'someone' }, ''],
  ])('refuses %j, naming %s', (body, field) => {
    const result = deadlineChangeRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});

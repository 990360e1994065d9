import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  appealWindowClosesAt,
  approvalSlaAt,
  isPast,
  lateHours,
  orderDeadlines,
  reviewClosesAt,
  reviewExtendedClosesAt,
  secondsBefore,
  secondsUntil,
} from '../../../shared/domain/deadlines';
import { formatForPeople } from '../../../shared/domain/time-for-people';
import { builtInPolicies, durationToMs, policyById, resolvePolicy } from '../../../shared/domain/policy';

/** The Korean profile counting days exactly: the Civil Act's count has its own tests (day-count.test.ts). */
const KR = resolvePolicy({ dayCount: 'EXACT' });
const ISSUED = '2026-11-24T06:00:00.000Z';

const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString());

describe('addDuration', () => {
  it.each([
    ['2026-11-24T06:00:00.000Z', 'PT24H', '2026-11-25T06:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 'PT0.001S', '2027-01-01T00:00:00.000Z'],
    ['2026-02-28T12:00:00Z', 'P1D', '2026-03-01T12:00:00.000Z'],
    ['2026-03-08T01:00:00.000Z', 'PT24H', '2026-03-09T01:00:00.000Z'],
    ['2026-11-24T15:00:00.000+09:00', 'PT1H', '2026-11-24T07:00:00.000Z'],
  ])('%s + %s = %s (UTC, milliseconds, Z)', (at, duration, expected) => {
    expect(addDuration(at, duration)).toBe(expected);
  });

  it.each([['2026-11-24T06:00:00'], ['yesterday'], ['2026-13-01T00:00:00Z']])('refuses the timestamp %j', (at) => {
    expect(() => addDuration(at, 'PT1H')).toThrow(RangeError);
  });
});

describe('orderDeadlines', () => {
  it('gives the Korean deadline, grace and reminders', () => {
    expect(orderDeadlines(KR, ISSUED)).toEqual({
      deadlineAt: '2026-11-25T06:00:00.000Z',
      graceEndsAt: '2026-12-02T06:00:00.000Z',
      reminderAts: ['2026-11-24T18:00:00.000Z', '2026-11-25T04:00:00.000Z'],
    });
  });

  it('skips reminders that would fall at or before issuance and duplicates', () => {
    const policy = resolvePolicy({ complianceDeadline: 'PT1H', reminders: ['PT2H', 'PT1H', 'PT30M', 'PT1800S', 'PT10M'] });
    expect(orderDeadlines(policy, ISSUED).reminderAts).toEqual(['2026-11-24T06:30:00.000Z', '2026-11-24T06:50:00.000Z']);
  });

  it("rounds a deadline up to the whole second, in the operator's favour", () => {
    expect(orderDeadlines(KR, '2026-11-24T06:00:00.001Z').deadlineAt).toBe('2026-11-25T06:00:01.000Z');
  });

  it('keeps at least the policy duration (plus under a second) between issuance and deadline, and reminders strictly inside', () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...Object.values(builtInPolicies)),
        fc.array(fc.integer({ min: 1, max: 200_000_000 }), { maxLength: 5 }),
        (issuedAt, base, reminderMs) => {
          const policy = { ...base, reminders: reminderMs.map((ms) => `PT${ms / 1000}S`) };
          const d = orderDeadlines(policy, issuedAt);
          const issued = Date.parse(issuedAt);
          const deadline = Date.parse(d.deadlineAt);
          // Whole seconds, never earlier than the policy's duration and less than a second later.
          expect(deadline % 1000).toBe(0);
          expect(deadline - issued - durationToMs(policy.complianceDeadline)).toBeGreaterThanOrEqual(0);
          expect(deadline - issued - durationToMs(policy.complianceDeadline)).toBeLessThan(1000);
          // The grace period is a day window: never shorter, and exact unless the Civil Act counts it.
          const grace = Date.parse(d.graceEndsAt) - deadline - durationToMs(policy.lateComplianceGrace);
          expect(grace).toBeGreaterThanOrEqual(0);
          if (policy.dayCount === 'EXACT') expect(grace).toBeLessThan(1000);
          const reminders = d.reminderAts.map(Date.parse);
          expect([...reminders].sort((a, b) => a - b)).toEqual(reminders);
          expect(new Set(reminders).size).toBe(reminders.length);
          for (const r of reminders) {
            expect(r).toBeGreaterThan(issued);
            expect(r).toBeLessThan(deadline);
          }
          for (const at of [d.deadlineAt, d.graceEndsAt, ...d.reminderAts]) expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        },
      ),
    );
  });
});

describe('review and appeal windows', () => {
  it.each([
    ['POST_REVIEW', '2026-12-01T06:00:00.000Z', '2026-12-08T06:00:00.000Z'],
    ['PRIOR_REVIEW', '2026-12-01T06:00:00.000Z', '2026-12-08T06:00:00.000Z'],
    ['APPEAL', '2026-12-09T06:00:00.000Z', '2026-12-24T06:00:00.000Z'],
  ] as const)('%s opened at 2026-11-24T06:00Z closes at %s, and once extended at %s', (kind, closes, extended) => {
    const closesAt = reviewClosesAt(KR, kind, ISSUED);
    expect(closesAt).toBe(closes);
    expect(reviewExtendedClosesAt(KR, kind, closesAt, closesAt)).toBe(extended);
  });

  it('counts an extension from the old close, unless it is decided so late that it would already be over', () => {
    const closesAt = reviewClosesAt(KR, 'POST_REVIEW', ISSUED);
    expect(reviewExtendedClosesAt(KR, 'POST_REVIEW', closesAt, '2026-12-03T00:00:00.000Z')).toBe('2026-12-08T06:00:00.000Z');
    expect(reviewExtendedClosesAt(KR, 'POST_REVIEW', closesAt, '2026-12-20T00:00:00.000Z')).toBe('2026-12-27T00:00:00.000Z');
  });

  it('gives the approval SLA and the appeal window from the policy', () => {
    expect(approvalSlaAt(KR, ISSUED)).toBe('2026-11-24T08:00:00.000Z');
    expect(appealWindowClosesAt(KR, ISSUED)).toBe('2026-12-09T06:00:00.000Z');
    expect(appealWindowClosesAt(policyById('demo'), ISSUED)).toBe('2026-11-24T06:03:00.000Z');
  });
});

describe('secondsUntil', () => {
  it.each([
    ['2026-11-24T06:00:10.000Z', ISSUED, 10],
    ['2026-11-24T06:00:10.001Z', ISSUED, 11],
    ['2026-11-24T06:00:00.001Z', ISSUED, 1],
    [ISSUED, ISSUED, 1],
    ['2026-11-24T05:00:00.000Z', ISSUED, 1],
    ['2026-11-25T06:00:00.000Z', ISSUED, 86_400],
  ])('from now to %s (now %s) is %d s', (target, now, seconds) => {
    expect(secondsUntil(target, now)).toBe(seconds);
  });

  it('is always a positive integer and never ends early', () => {
    fc.assert(
      fc.property(instant, instant, (target, now) => {
        const s = secondsUntil(target, now);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(1);
        expect(Date.parse(now) + s * 1000).toBeGreaterThanOrEqual(Date.parse(target));
      }),
    );
  });
});

describe('secondsBefore', () => {
  it.each([
    ['2026-11-24T06:00:10.000Z', ISSUED, 10],
    ['2026-11-24T06:00:10.999Z', ISSUED, 10],
    ['2026-11-24T06:00:00.500Z', ISSUED, 1],
    ['2026-11-24T05:00:00.000Z', ISSUED, 1],
  ])('from now to %s (now %s) is %d s', (target, now, seconds) => {
    expect(secondsBefore(target, now)).toBe(seconds);
  });

  it('never ends later than the target when at least a second remains', () => {
    fc.assert(
      fc.property(instant, instant, (target, now) => {
        const s = secondsBefore(target, now);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(1);
        if (Date.parse(target) - Date.parse(now) >= 1000) {
          expect(Date.parse(now) + s * 1000).toBeLessThanOrEqual(Date.parse(target));
        }
      }),
    );
  });
});

describe('lateHours and isPast', () => {
  it.each([
    [ISSUED, '2026-11-24T05:59:59.999Z', 0],
    [ISSUED, ISSUED, 0],
    [ISSUED, '2026-11-24T06:00:00.001Z', 1],
    [ISSUED, '2026-11-24T07:00:00.000Z', 1],
    [ISSUED, '2026-11-24T07:00:00.001Z', 2],
    [ISSUED, '2026-12-01T06:00:00.000Z', 168],
  ])('deadline %s, complied %s: %d hours late', (deadline, at, hours) => {
    expect(lateHours(deadline, at)).toBe(hours);
  });

  it('never falls as time passes', () => {
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: 0, max: 10_000_000 }), (deadline, at, more) => {
        const later = new Date(Date.parse(at) + more).toISOString();
        expect(lateHours(deadline, later)).toBeGreaterThanOrEqual(lateHours(deadline, at));
      }),
    );
  });

  it('says whether a moment has come', () => {
    expect(isPast(ISSUED, ISSUED)).toBe(true);
    expect(isPast(ISSUED, '2026-11-24T05:59:59.999Z')).toBe(false);
  });
});

describe('formatForPeople', () => {
  it.each([
    ['2026-11-25T06:00:00.000Z', 'Asia/Seoul', 'ko', '2026년 11월 25일 오후 3:00 (한국 표준시)'],
    ['2026-11-25T06:00:00.000Z', 'Asia/Seoul', 'en', '25 Nov 2026, 15:00 (Korean Standard Time)'],
    ['2026-11-24T15:05:00.000Z', 'Asia/Seoul', 'ko', '2026년 11월 25일 오전 12:05 (한국 표준시)'],
    ['2026-11-25T03:30:00.000Z', 'Asia/Seoul', 'ko', '2026년 11월 25일 오후 12:30 (한국 표준시)'],
    ['2026-07-01T10:00:00.000Z', 'Europe/Brussels', 'en', '1 Jul 2026, 12:00 (Central European Summer Time)'],
    ['2026-01-01T10:00:00.000Z', 'America/New_York', 'en', '1 Jan 2026, 05:00 (Eastern Standard Time)'],
  ] as const)('%s in %s (%s) reads %j', (at, zone, language, text) => {
    expect(formatForPeople(at, zone, language)).toBe(text);
  });
});

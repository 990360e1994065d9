import fc from 'fast-check';
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { addDuration, appealWindowClosesAt, dayWindowEnd, orderDeadlines, reviewClosesAt } from '../../../shared/domain/deadlines';
import { builtInPolicies, policyById, resolvePolicy } from '../../../shared/domain/policy';

const KR = policyById('kr-kcsc');
const SEOUL_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' });
const SEOUL_TIME = new Intl.DateTimeFormat('en', {
  timeZone: 'Asia/Seoul',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dayBefore = (at: string): string => SEOUL_DATE.format(new Date(Date.parse(at) - 1));

describe('dayWindowEnd under the Civil Act (Korean profile)', () => {
  it.each([
    // Given a 7-day window that starts on Friday 18 Sep 2026, 14:00 in Seoul
    // Then day 1 is the 19th, day 7 the 25th: Chuseok (24-26), then Sunday 27: it ends on Monday the 28th, 24:00
    ['a last day on Chuseok 2026 moves past Chuseok and the weekend', '2026-09-18T05:00:00.000Z', 'P7D', '2026-09-28T15:00:00.000Z'],
    // Day 1 is Sunday 22 Nov, day 7 Saturday 28 Nov: the end moves past the weekend to Monday the 30th, 24:00
    ['a last day on a Saturday moves to the next working day', '2026-11-21T03:00:00.000Z', 'P7D', '2026-11-30T15:00:00.000Z'],
    // Starting at 00:00 on Tuesday 24 Nov, that day counts: day 7 is Monday 30 Nov, ending at 24:00
    ['a window starting at 00:00 counts its first day', '2026-11-23T15:00:00.000Z', 'P7D', '2026-11-30T15:00:00.000Z'],
    // Starting a second later, the first day is left out: day 7 is Tuesday 1 Dec
    ['a window starting after 00:00 leaves out its first day', '2026-11-23T15:00:01.000Z', 'P7D', '2026-12-01T15:00:00.000Z'],
    // Day 7 is Tuesday 17 Feb 2026, Seollal (16-18): the next working day is Thursday the 19th
    ['a last day in Seollal 2026 moves past all three days of it', '2026-02-10T01:00:00.000Z', 'P7D', '2026-02-19T15:00:00.000Z'],
    // Day 15 is Saturday 3 Oct 2026 (National Foundation Day), then Sunday, then its substitute on Monday the 5th
    ['a substitute holiday counts as a holiday', '2026-09-18T05:00:00.000Z', 'P15D', '2026-10-06T15:00:00.000Z'],
  ])('%s', (_why, start, window, end) => {
    expect(dayWindowEnd(KR, start, window)).toBe(end);
  });

  it('leaves windows that are not whole days exact', () => {
    expect(dayWindowEnd(KR, '2026-11-24T06:00:00.000Z', 'PT36H')).toBe('2026-11-25T18:00:00.000Z');
  });

  it('counts every day window of the Korean profile by the rule: reviews, appeals and grace', () => {
    // Given an order notice accepted on Friday 18 Sep 2026 at 14:00 in Seoul, its deadline 24 h later
    const { deadlineAt, graceEndsAt } = orderDeadlines(KR, '2026-09-18T05:00:00.000Z');
    expect(deadlineAt).toBe('2026-09-19T05:00:00.000Z');
    // Then the 7-day grace ends after Chuseok and its weekend, not on Saturday the 26th
    expect(graceEndsAt).toBe('2026-09-28T15:00:00.000Z');
    expect(reviewClosesAt(KR, 'POST_REVIEW', '2026-09-18T05:00:00.000Z')).toBe('2026-09-28T15:00:00.000Z');
    expect(appealWindowClosesAt(KR, '2026-09-18T05:00:00.000Z')).toBe('2026-10-06T15:00:00.000Z');
  });

  it('keeps the other profiles exact, and a policy file can choose either rule', () => {
    for (const id of ['eu-tco', 'au-esafety', 'us-take-it-down', 'demo']) expect(policyById(id).dayCount).toBe('EXACT');
    const exact = resolvePolicy({ dayCount: 'EXACT' });
    expect(dayWindowEnd(exact, '2026-09-18T05:00:00.000Z', 'P7D')).toBe('2026-09-25T05:00:00.000Z');
    expect(() => resolvePolicy({ dayCount: 'CALENDAR' })).toThrow(/policy\.dayCount/);
  });
});

describe('dayWindowEnd properties', () => {
  const start = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString());
  const days = fc.integer({ min: 1, max: 40 });
  const holidays = new Holidays('KR', { timezone: 'Asia/Seoul', types: ['public'] });

  it('never ends before the exact end, always at midnight in Seoul, and never on a Saturday, Sunday or public holiday', () => {
    fc.assert(
      fc.property(start, days, (at, n) => {
        const end = dayWindowEnd(KR, at, `P${n}D`);
        expect(Date.parse(end)).toBeGreaterThanOrEqual(Date.parse(addDuration(at, `P${n}D`)));
        expect(SEOUL_TIME.format(new Date(end))).toBe('00:00:00');
        const lastDay = dayBefore(end);
        const weekday = new Date(`${lastDay}T00:00:00Z`).getUTCDay();
        expect([0, 6]).not.toContain(weekday);
        // Seollal's days as the library lists them, less the day it adds after them (see deadlines.ts)
        const listed = holidays.isHoliday(new Date(`${lastDay}T03:00:00Z`)) || [];
        const holiday = listed.some((h) => h.name !== '설날' || SEOUL_DATE.format(new Date(h.end.getTime() - 1)) !== lastDay);
        expect(holiday).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('ends no later than the exact end plus the days the rule may add (first day, weekend, longest holiday run)', () => {
    fc.assert(
      fc.property(start, days, (at, n) => {
        const end = Date.parse(dayWindowEnd(KR, at, `P${n}D`));
        expect(end - Date.parse(addDuration(at, `P${n}D`))).toBeLessThanOrEqual(10 * 86_400_000);
      }),
    );
  });

  it('is the exact end for every built-in profile that is not Korean', () => {
    const others = Object.values(builtInPolicies).filter((p) => p.dayCount === 'EXACT');
    expect(others.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(start, days, fc.constantFrom(...others), (at, n, policy) => {
        expect(dayWindowEnd(policy, at, `P${n}D`)).toBe(addDuration(at, `P${n}D`));
      }),
    );
  });
});

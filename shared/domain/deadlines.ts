/**
 * The one place where legal times are computed. Every input and output is an ISO 8601 UTC string
 * with milliseconds and `Z`; the caller passes "now", so the rules never read a clock.
 */
import Holidays from 'date-holidays';
import { dateTimeFormat, WALL_CLOCK } from './formatters';
import type { Policy } from './policy';
import { durationToMs } from './policy';
import type { ReviewKind } from './model';
import { assertNever } from './model';
import { toMs } from './timestamp';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function addDuration(at: string, duration: string): string {
  return toIso(toMs(at) + durationToMs(duration));
}

/** When staff should have approved (or rejected) an urgent case. */
export function approvalSlaAt(policy: Policy, createdAt: string): string {
  return addDuration(createdAt, policy.approvalSla);
}

export interface OrderDeadlines {
  deadlineAt: string;
  /** Late compliance is accepted (and measured for the fine) until then. */
  graceEndsAt: string;
  /** Strictly after issuance and before the deadline, earliest first, no duplicates. */
  reminderAts: string[];
}

/**
 * Rounds up to the next whole second. Legal deadlines are whole seconds, a fraction later than the
 * exact duration and so in the operator's favour, because Step Functions waits on a timestamp to
 * the second: a deadline with milliseconds could not be enforced exactly at its instant.
 */
function toWholeSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

export function orderDeadlines(policy: Policy, issuedAt: string): OrderDeadlines {
  const issued = toMs(issuedAt);
  const deadline = toWholeSecond(issued + durationToMs(policy.complianceDeadline));
  const reminders = new Set<number>();
  for (const before of policy.reminders) {
    const at = deadline - durationToMs(before);
    if (at > issued && at < deadline) reminders.add(at);
  }
  return {
    deadlineAt: toIso(deadline),
    graceEndsAt: graceEndsFor(policy, toIso(deadline)),
    reminderAts: [...reminders].sort((a, b) => a - b).map(toIso),
  };
}

/** The end of the grace period after a compliance deadline (a day window), on a whole second. */
export function graceEndsFor(policy: Policy, deadlineAt: string): string {
  return toIso(toWholeSecond(toMs(dayWindowEnd(policy, deadlineAt, policy.lateComplianceGrace))));
}

/** A clock that staff moved: the new deadline (on a whole second) and the grace period after it. */
export function movedClock(policy: Policy, deadlineAt: string, byMs: number): { deadlineAt: string; graceEndsAt: string } {
  const moved = toIso(toWholeSecond(toMs(deadlineAt) + byMs));
  return { deadlineAt: moved, graceEndsAt: graceEndsFor(policy, moved) };
}

/** Milliseconds from `from` to `to`. */
export function elapsedMs(from: string, to: string): number {
  return toMs(to) - toMs(from);
}

function reviewWindow(policy: Policy, kind: ReviewKind): string {
  switch (kind) {
    case 'POST_REVIEW':
    case 'PRIOR_REVIEW':
      return policy.postReviewWindow;
    case 'APPEAL':
      return policy.appealReviewWindow;
    default:
      return assertNever(kind, 'review kind');
  }
}

export function reviewClosesAt(policy: Policy, kind: ReviewKind, openedAt: string): string {
  return dayWindowEnd(policy, openedAt, reviewWindow(policy, kind));
}

/**
 * A review without quorum is extended once by the same window, counted from its old close. An
 * extension decided so late (the system was down) that it would already be over is counted from
 * when it is decided instead, so that members still get a window to vote in.
 */
export function reviewExtendedClosesAt(policy: Policy, kind: ReviewKind, closesAt: string, decidedAt: string): string {
  const window = reviewWindow(policy, kind);
  const fromClose = dayWindowEnd(policy, closesAt, window);
  return toMs(fromClose) > toMs(decidedAt) ? fromClose : dayWindowEnd(policy, decidedAt, window);
}

export function appealWindowClosesAt(policy: Policy, confirmedAt: string): string {
  return dayWindowEnd(policy, confirmedAt, policy.appealWindow);
}

// ---------------------------------------------------------------- day windows (Civil Act)

type DayCountPolicy = Pick<Policy, 'dayCount' | 'timeZone' | 'jurisdiction'>;
/** A calendar day in the policy's time zone, as the UTC midnight of the same date (day arithmetic only). */
type LocalDay = number;

function wallClockOffsetMs(at: number, timeZone: string): number {
  const parts = dateTimeFormat('en', timeZone, WALL_CLOCK).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

function localDayOf(at: number, timeZone: string): LocalDay {
  const wall = at + wallClockOffsetMs(at, timeZone);
  return wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The instant a local day begins (00:00 there), found by correcting a guess with the zone's offset. */
function startOfLocalDay(day: LocalDay, timeZone: string): number {
  let at = day - wallClockOffsetMs(day, timeZone);
  at = day - wallClockOffsetMs(at, timeZone);
  return at;
}

const isoDate = (day: LocalDay): string => new Date(day).toISOString().slice(0, 10);

/**
 * date-holidays 3.37 anchors Seollal's three days at the lunar new year itself (`korean 01-0-01 P3D`),
 * leaving out the eve and adding the day after the holidays (commenthol/date-holidays#640): its
 * days are moved back by one. Its substitute days are anchored correctly already.
 */
const SEOLLAL_ANCHORED_ONE_DAY_LATE = 'korean 01-0-01 P3D';

const publicHolidayCache = new Map<string, ReadonlySet<string>>();

/** The public holidays (`YYYY-MM-DD`, local) of a jurisdiction in a year, every day of multi-day ones. */
function publicHolidays(jurisdiction: string, timeZone: string, year: number): ReadonlySet<string> {
  const key = `${jurisdiction}|${timeZone}|${year}`;
  const cached = publicHolidayCache.get(key);
  if (cached) return cached;
  const days = new Set<string>();
  const calendar = new Holidays(jurisdiction, { timezone: timeZone, types: ['public'] });
  for (const holiday of calendar.getHolidays(year)) {
    if (holiday.type !== 'public') continue;
    const shift = holiday.rule === SEOLLAL_ANCHORED_ONE_DAY_LATE ? -DAY_MS : 0;
    const first = localDayOf(holiday.start.getTime(), timeZone);
    const last = localDayOf(holiday.end.getTime() - 1, timeZone);
    for (let day = first; day <= last; day += DAY_MS) days.add(isoDate(day + shift));
  }
  publicHolidayCache.set(key, days);
  return days;
}

/** Saturdays, Sundays (a public holiday under the Regulation on Holidays of Government Offices) and public holidays. */
function isWorkingDay(day: LocalDay, policy: DayCountPolicy): boolean {
  const weekday = new Date(day).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const date = isoDate(day);
  const year = Number(date.slice(0, 4));
  // A holiday that spans New Year is listed under the year it starts in.
  return (
    !publicHolidays(policy.jurisdiction, policy.timeZone, year).has(date) &&
    !publicHolidays(policy.jurisdiction, policy.timeZone, year - 1).has(date)
  );
}

/**
 * The end of a window of `window` starting at `startAt`. EXACT: start plus the duration. Under
 * KR_CIVIL_ACT a window of whole days is counted in the policy's time zone as Korea's Civil Act
 * counts a period: the first day is left out unless the period starts at 00:00 (Art. 157), the
 * period ends at 24:00 of its last day (Art. 159), and a last day that is a Saturday or a public
 * holiday moves the end to the next working day (Art. 161). A window that is not whole days stays exact.
 */
export function dayWindowEnd(policy: DayCountPolicy, startAt: string, window: string): string {
  const start = toMs(startAt);
  const length = durationToMs(window);
  if (policy.dayCount === 'EXACT' || length % DAY_MS !== 0) return toIso(start + length);
  const startDay = localDayOf(start, policy.timeZone);
  const firstDay = startOfLocalDay(startDay, policy.timeZone) === start ? startDay : startDay + DAY_MS;
  let lastDay = firstDay + length - DAY_MS;
  while (!isWorkingDay(lastDay, policy)) lastDay += DAY_MS;
  return toIso(startOfLocalDay(lastDay + DAY_MS, policy.timeZone));
}

/**
 * The end of the objection window, counted from the ORDER notice's acceptance. The one place the
 * day-count rule applies to it: a calendar rule (the Civil Act's) replaces this sum here.
 */
export function objectionWindowClosesAt(policy: Pick<Policy, 'objectionWindow'>, noticeAcceptedAt: string): string {
  return addDuration(noticeAcceptedAt, policy.objectionWindow);
}

/**
 * Whole seconds from `now` to `target`, rounded up and at least 1: it feeds a state machine's
 * TimeoutSecondsPath, which must be a positive integer, and a deadline already past must still
 * time out (at once) rather than fail the execution.
 */
export function secondsUntil(target: string, now: string): number {
  return Math.max(1, Math.ceil((toMs(target) - toMs(now)) / 1000));
}

/**
 * Whole seconds from `now` to `target`, rounded down and at least 1: a TimeoutSecondsPath that
 * ends at or just before `target`, for a wait that a Wait on the exact timestamp then finishes.
 */
export function secondsBefore(target: string, now: string): number {
  return Math.max(1, Math.floor((toMs(target) - toMs(now)) / 1000));
}

/** Hours started after the deadline (1 ms late is 1 hour); 0 when on time. */
export function lateHours(deadlineAt: string, at: string): number {
  const late = toMs(at) - toMs(deadlineAt);
  return late <= 0 ? 0 : Math.ceil(late / HOUR_MS);
}

export function isPast(target: string, now: string): boolean {
  return toMs(now) >= toMs(target);
}

/**
 * Whether a period that includes its last instant (a compliance deadline, a grace period) is
 * over: only after that instant. Compliance reported at the deadline itself is on time, so the
 * deadline can be enforced only after it, never at the same instant.
 */
export function hasEnded(periodEnd: string, now: string): boolean {
  return toMs(now) > toMs(periodEnd);
}

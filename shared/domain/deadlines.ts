/**
 * The one place where legal times are computed. Every input and output is an ISO 8601 UTC string
 * with milliseconds and `Z`; the caller passes "now", so the rules never read a clock.
 */
import type { Policy } from './policy';
import { durationToMs } from './policy';
import type { ReviewKind } from './model';
import { assertNever, type LANGUAGES } from './model';

const HOUR_MS = 3_600_000;

function toMs(at: string): number {
  // Date.parse would read a zone-less string as local time: a legal time must name its zone.
  if (!/(?:Z|[+-]\d{2}:\d{2})$/.test(at)) throw new RangeError(`a timestamp must end with Z or an offset: ${at}`);
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 timestamp: ${at}`);
  return ms;
}

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
    graceEndsAt: toIso(toWholeSecond(deadline + durationToMs(policy.lateComplianceGrace))),
    reminderAts: [...reminders].sort((a, b) => a - b).map(toIso),
  };
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
  return addDuration(openedAt, reviewWindow(policy, kind));
}

/**
 * A review without quorum is extended once by the same window, counted from its old close. An
 * extension decided so late (the system was down) that it would already be over is counted from
 * when it is decided instead, so that members still get a window to vote in.
 */
export function reviewExtendedClosesAt(policy: Policy, kind: ReviewKind, closesAt: string, decidedAt: string): string {
  const window = reviewWindow(policy, kind);
  const fromClose = addDuration(closesAt, window);
  return toMs(fromClose) > toMs(decidedAt) ? fromClose : addDuration(decidedAt, window);
}

export function appealWindowClosesAt(policy: Policy, confirmedAt: string): string {
  return addDuration(confirmedAt, policy.appealWindow);
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

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time as a person in `timeZone` reads it, with the zone's name:
 * "2026년 11월 25일 오후 3:00 (한국 표준시)" / "25 Nov 2026, 15:00 (Korean Standard Time)", or with
 * the seconds ("오후 3:00:07").
 * The date and time are assembled here, not by ICU's patterns, which change between ICU
 * versions (ICU 78 prints "PM" in Korean); only the zone's name comes from Intl.
 */
export function formatForPeople(
  at: string,
  timeZone: string,
  language: (typeof LANGUAGES)[number],
  /** A legal notice states its deadline to the second; a screen may round to the minute. */
  precision: 'minute' | 'second' = 'minute',
): string {
  const date = new Date(toMs(at));
  const parts = new Intl.DateTimeFormat('en', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
  const [year, month, day, hour, minute] = [part('year'), part('month'), part('day'), part('hour'), part('minute')];
  const zoneName =
    new Intl.DateTimeFormat(language, { timeZone, timeZoneName: 'long' }).formatToParts(date).find((p) => p.type === 'timeZoneName')
      ?.value ?? timeZone;
  const mm = `${String(minute).padStart(2, '0')}${precision === 'second' ? `:${String(part('second')).padStart(2, '0')}` : ''}`;
  switch (language) {
    case 'ko': {
      const h12 = hour % 12 === 0 ? 12 : hour % 12;
      return `${year}년 ${month}월 ${day}일 ${hour < 12 ? '오전' : '오후'} ${h12}:${mm} (${zoneName})`;
    }
    case 'en':
      return `${day} ${EN_MONTHS[month - 1] ?? month} ${year}, ${String(hour).padStart(2, '0')}:${mm} (${zoneName})`;
    default:
      return assertNever(language, 'language');
  }
}

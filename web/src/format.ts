/**
 * The UTC instant shown on hover beside a local time (shared/domain/deadlines.ts formatForPeople
 * writes the local one, as the notices do), and countdowns. Pure: the caller passes the time.
 */
import type { Lang } from './i18n';

export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
}

const UNITS: Record<Lang, { d: string; h: string; m: string; s: string; sep: string }> = {
  en: { d: 'd', h: 'h', m: 'm', s: 's', sep: ' ' },
  ko: { d: '일', h: '시간', m: '분', s: '초', sep: ' ' },
};

/** "1d 02h 03m" for long spans, "2h 03m 04s" under a day; always the absolute value. */
export function formatDuration(ms: number, lang: Lang): string {
  const u = UNITS[lang];
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (days > 0) return [`${days}${u.d}`, `${pad(hours)}${u.h}`, `${pad(minutes)}${u.m}`].join(u.sep);
  if (hours > 0) return [`${hours}${u.h}`, `${pad(minutes)}${u.m}`, `${pad(seconds)}${u.s}`].join(u.sep);
  return [`${minutes}${u.m}`, `${pad(seconds)}${u.s}`].join(u.sep);
}

export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 7)}…${id.slice(-6)}` : id;
}

const compactFormatters = new Map<string, Intl.DateTimeFormat>();

/** A moment's calendar date and 24-hour clock, as parts. */
const WALL_CLOCK = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
} as const satisfies Intl.DateTimeFormatOptions;

/** "2026-11-25 15:00:07 GMT+9": for lists and timelines, where the long legal form is too wide. */
export function formatCompact(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = compactFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, ...WALL_CLOCK, timeZoneName: 'short' });
    compactFormatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/** How far `timeZone`'s clock is ahead of UTC at the instant `at` (ms). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, ...WALL_CLOCK }).formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)]),
  );
  const part = (name: string): number => parts[name] ?? 0;
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - (at - (at % 1000));
}

/** The instant a calendar day (`YYYY-MM-DD`) starts in `timeZone`, or with `end` its last millisecond. */
export function dayBoundaryIn(day: string, timeZone: string, end = false): string {
  const wall = Date.parse(`${day}T00:00:00.000Z`) + (end ? 24 * 3600 * 1000 - 1 : 0);
  return new Date(wall - zoneOffsetMs(wall, timeZone)).toISOString();
}

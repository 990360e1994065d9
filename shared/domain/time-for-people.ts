/**
 * Times as people read them, for notices and screens. Apart from deadlines.ts, whose Civil Act
 * day count needs the holiday calendar: the web UI imports this and must not carry that calendar.
 */
import { dateTimeFormat, WALL_CLOCK, ZONE_NAME } from './formatters';
import { assertNever, type LANGUAGES } from './model';
import { toMs } from './timestamp';

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
  const parts = dateTimeFormat('en', timeZone, WALL_CLOCK).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
  const [year, month, day, hour, minute] = [part('year'), part('month'), part('day'), part('hour'), part('minute')];
  const zoneName =
    dateTimeFormat(language, timeZone, ZONE_NAME)
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
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

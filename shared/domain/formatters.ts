/**
 * Intl formatters, each built once. Building one costs far more than using it: a notice's dates and
 * amounts cost 0.3 ms a call when each built its own (docs/benchmarks.md), and the server renders
 * every notice, timeline and statistic with them. `options` must be one constant object per use:
 * its identity is the key, so that finding the formatter costs a lookup and no key to build.
 */
import { heldOrCreated } from './held';

const dateTimeFormats = new WeakMap<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();
const numberFormats = new WeakMap<Intl.NumberFormatOptions, Map<string, Intl.NumberFormat>>();

/** The formatter for `options` (by identity) and `key`, built the first time. */
const held = <Options extends object, Format>(
  formats: WeakMap<Options, Map<string, Format>>,
  options: Options,
  key: string,
  build: () => Format,
): Format =>
  heldOrCreated(
    heldOrCreated(formats, options, () => new Map<string, Format>()),
    key,
    build,
  );

/** A date formatter for `locale` in `timeZone`, with the constant `options` of its use. */
export function dateTimeFormat(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return held(dateTimeFormats, options, `${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { ...options, timeZone }));
}

/** A number formatter for `locale`, with the constant `options` of its use. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return held(numberFormats, options, locale, () => new Intl.NumberFormat(locale, options));
}

/** A year and month as `YYYY-MM` (en-CA's order), for the month a thing is counted in. */
export const YEAR_MONTH: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit' };

/** A zone's wall clock to the second, every part a number (24-hour). */
export const WALL_CLOCK: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
};

/** The zone's long name alone ("Korean Standard Time", "한국 표준시"). */
export const ZONE_NAME: Intl.DateTimeFormatOptions = { timeZoneName: 'long' };

/**
 * The Intl formatters of shared/domain/formatters.ts: built once per locale, zone and use, and
 * formatting with the zone they were asked for.
 */
import { describe, expect, it } from 'vitest';
import { dateTimeFormat, numberFormat, WALL_CLOCK, YEAR_MONTH } from '../../../shared/domain/formatters';

const AT = new Date('2026-12-31T15:30:00.000Z');
const PERCENT: Intl.NumberFormatOptions = { style: 'percent' };

describe('formatters', () => {
  it('hands out the one formatter built for a locale, zone and use', () => {
    expect(dateTimeFormat('en', 'Asia/Seoul', WALL_CLOCK)).toBe(dateTimeFormat('en', 'Asia/Seoul', WALL_CLOCK));
    expect(numberFormat('ko', PERCENT)).toBe(numberFormat('ko', PERCENT));
    expect(numberFormat('ko', PERCENT).format(0.25)).toBe('25%');
  });

  it.each([
    ['Asia/Seoul', '1/1/2027, 00:30:00'],
    ['Europe/Paris', '12/31/2026, 16:30:00'],
  ])('formats in the zone asked for: %s', (zone, wall) => {
    expect(dateTimeFormat('en', zone, WALL_CLOCK).format(AT)).toBe(wall);
  });

  it('builds another formatter for another locale, zone or use', () => {
    const seoul = dateTimeFormat('en', 'Asia/Seoul', WALL_CLOCK);
    expect(dateTimeFormat('en', 'Europe/Paris', WALL_CLOCK)).not.toBe(seoul);
    expect(dateTimeFormat('ko', 'Asia/Seoul', WALL_CLOCK)).not.toBe(seoul);
    expect(dateTimeFormat('en-CA', 'Asia/Seoul', YEAR_MONTH).format(AT)).toBe('2027-01');
  });
});

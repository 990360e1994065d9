import { describe, expect, it } from 'vitest';
import { money } from '../../../web/src/components/common';

describe('money on screen', () => {
  it('reads amounts as minor units of their currency', () => {
    expect(money(12_345, 'KRW', 'en')).toBe('₩12,345');
    expect(money(12_345, 'USD', 'en')).toBe('US$123.45');
    expect(money(5, 'EUR', 'en')).toBe('€0.05');
    expect(money(-1_500, 'AUD', 'en')).toBe('-A$15.00');
  });

  it('keeps every unit of the largest amount the API sends', () => {
    expect(money(Number.MAX_SAFE_INTEGER, 'USD', 'en')).toBe('US$90,071,992,547,409.91');
    expect(money(Number.MAX_SAFE_INTEGER, 'KRW', 'ko')).toBe('₩9,007,199,254,740,991');
  });
});

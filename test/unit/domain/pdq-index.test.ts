import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPdqIndex, PDQ_WORDS, pdqHex, pdqWords, scanPdq } from '../../../shared/domain/pdq-index';
import { pdqVariant, randomPdqWords, seededRandom } from '../../support/pdq';

describe('the PDQ index', () => {
  it('finds a listed hash from a variant 20 bits away, and not from one 40 bits away', () => {
    // Given 1,000 listed hashes
    const random = seededRandom(12);
    const listed = randomPdqWords(1000, random);
    const index = buildPdqIndex(listed);
    const target = listed.slice(417 * PDQ_WORDS, 418 * PDQ_WORDS);
    // When it is asked for variants of hash 417 within 31 bits
    const near = index.search(pdqVariant(target, 20, random), 31);
    const far = index.search(pdqVariant(target, 40, random), 31);
    // Then the near variant finds it at distance 20; the far one finds nothing
    expect(near).toEqual([{ ordinal: 417, distance: 20 }]);
    expect(far).toEqual([]);
  });

  it('answers what a linear scan answers, for random sets, queries and radii', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 80 }),
        fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 8 }),
        (seed, size, radius, flips) => {
          const random = seededRandom(seed);
          const listed = randomPdqWords(size, random);
          const index = buildPdqIndex(listed);
          for (const bits of flips) {
            // Near variants of listed hashes (when there are some) and random hashes alike.
            const ordinal = Math.floor(random() * size);
            const query =
              size > 0 && bits % 3 !== 0 ? pdqVariant(listed.slice(ordinal * 8, ordinal * 8 + 8), bits, random) : randomPdqWords(1, random);
            expect(index.search(query, radius)).toEqual(scanPdq(listed, query, radius));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds every copy of a hash listed twice, nearest first', () => {
    const random = seededRandom(7);
    const hash = randomPdqWords(1, random);
    const near = pdqVariant(hash, 3, random);
    const listed = new Uint32Array([...randomPdqWords(50, random), ...near, ...hash]);
    expect(buildPdqIndex(listed).search(hash, 31)).toEqual([
      { ordinal: 51, distance: 0 },
      { ordinal: 50, distance: 3 },
    ]);
  });

  it('reads and writes hex big-endian, and refuses what is not 256 bits of hex', () => {
    const hex = `80${'0'.repeat(60)}0f`;
    const words = pdqWords(hex.toUpperCase());
    expect(words[0]).toBe(0x80000000);
    expect(words[7]).toBe(0x0f);
    expect(pdqHex(words)).toBe(hex);
    expect(() => pdqWords('ab'.repeat(31))).toThrow(/64 hexadecimal/);
    expect(() => pdqWords(`${'a'.repeat(63)}g`)).toThrow(/64 hexadecimal/);
  });

  it('answers nothing from an empty list', () => {
    expect(buildPdqIndex(new Uint32Array(0)).search(randomPdqWords(1, seededRandom(1)), 31)).toEqual([]);
  });
});

/**
 * PDQ hashes for tests and the benchmark: random ones from a seeded generator, and variants a
 * chosen number of bits away, so that a distance in a test is exact rather than hoped for.
 */
import { PDQ_WORDS, pdqHex } from '../../shared/domain/pdq-index';

/** mulberry32: a small seeded generator; the same seed gives the same hashes on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random hashes, 8 words each, in one array. */
export function randomPdqWords(count: number, random: () => number): Uint32Array {
  const words = new Uint32Array(count * PDQ_WORDS);
  for (let index = 0; index < words.length; index += 1) words[index] = Math.floor(random() * 0x100000000) >>> 0;
  return words;
}

/** The hash with exactly `bits` distinct bits flipped (chosen by `random`). */
export function pdqVariant(hash: Uint32Array, bits: number, random: () => number): Uint32Array {
  const variant = Uint32Array.from(hash);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(random() * PDQ_WORDS * 32));
  for (const bit of chosen) variant[bit >> 5]! ^= 1 << (bit & 31);
  return variant;
}

/** A random PDQ hash in hex, and its variant `bits` away in hex. */
export function pdqHexPair(bits: number, random: () => number): { hash: string; variant: string } {
  const hash = randomPdqWords(1, random);
  return { hash: pdqHex(hash), variant: pdqHex(pdqVariant(hash, bits, random)) };
}

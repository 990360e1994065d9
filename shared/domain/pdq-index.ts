/**
 * Hamming search over PDQ hashes (256 bits) by multi-index hashing (Norouzi, Punjani and Fleet,
 * "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012). Each hash is cut into 16
 * substrings of 16 bits. Two hashes within distance r differ, by pigeonhole, in at most
 * floor(r / 16) bits of at least one substring; so each substring's table is probed with every
 * 16-bit key within that radius of the query's substring (17 keys for r = 31), and the candidates
 * found are verified with a popcount of the whole hash.
 *
 * Memory-lean for a Lambda holding a million hashes: one Uint32Array of 8 words a hash, and per
 * substring a table in compressed-row form (an offset for each of the 65,536 keys, then the hash
 * ordinals in key order): about 100 bytes a hash in all, no object per hash. Pure: no I/O.
 * Typed-array reads carry `!`: every index is in bounds by construction, and a check per read
 * would cost the hot loop.
 */

/** 32-bit words a PDQ hash holds (256 bits). */
export const PDQ_WORDS = 8;
const SUBSTRINGS = 16;
const SUBSTRING_BITS = 16;
const KEYS = 1 << SUBSTRING_BITS;

const PDQ_HEX = /^[0-9a-f]{64}$/;

/** The hash's 8 words, big-endian (the first hex digit is the highest bit of the first word). */
export function pdqWords(hex: string): Uint32Array {
  const value = hex.toLowerCase();
  if (!PDQ_HEX.test(value)) throw new Error('A PDQ hash is 64 hexadecimal characters (256 bits).');
  const words = new Uint32Array(PDQ_WORDS);
  for (let word = 0; word < PDQ_WORDS; word += 1) words[word] = Number.parseInt(value.slice(word * 8, word * 8 + 8), 16);
  return words;
}

/** The hex form of the hash at `ordinal` of a word array. */
export function pdqHex(words: Uint32Array, ordinal = 0): string {
  let hex = '';
  for (let word = 0; word < PDQ_WORDS; word += 1) hex += words[ordinal * PDQ_WORDS + word]!.toString(16).padStart(8, '0');
  return hex;
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** Hamming distance between hash `ordinal` of `words` and `query`, or more than `limit` once it exceeds it. */
function distanceWithin(words: Uint32Array, ordinal: number, query: Uint32Array, limit: number): number {
  const base = ordinal * PDQ_WORDS;
  let distance = 0;
  for (let word = 0; word < PDQ_WORDS && distance <= limit; word += 1) distance += popcount32((words[base + word]! ^ query[word]!) >>> 0);
  return distance;
}

const substringOf = (words: Uint32Array, base: number, substring: number): number =>
  (substring & 1) === 0 ? words[base + (substring >> 1)]! >>> 16 : words[base + (substring >> 1)]! & 0xffff;

export interface PdqMatch {
  /** The listed hash's position in the word array the index was built from. */
  readonly ordinal: number;
  readonly distance: number;
}

export interface PdqIndex {
  readonly size: number;
  /** Every listed hash within `radius` bits of `query` (8 words), nearest first. */
  search(query: Uint32Array, radius: number): PdqMatch[];
  /** Bytes the index holds in typed arrays (the hashes included). */
  readonly bytes: number;
}

/** Every 16-bit key within `radius` bits of `key` (the key itself first). */
function keysWithin(key: number, radius: number): number[] {
  const found = [key];
  const flip = (from: number, value: number, left: number): void => {
    for (let bit = from; bit < SUBSTRING_BITS; bit += 1) {
      const flipped = value ^ (1 << bit);
      found.push(flipped);
      if (left > 1) flip(bit + 1, flipped, left - 1);
    }
  };
  if (radius > 0) flip(0, key, Math.min(radius, SUBSTRING_BITS));
  return found;
}

/** Builds the index over `words` (8 words a hash, as `pdqWords` gives); the array is kept, not copied. */
export function buildPdqIndex(words: Uint32Array): PdqIndex {
  if (words.length % PDQ_WORDS !== 0) throw new Error('The word array must hold whole PDQ hashes (8 words each).');
  const size = words.length / PDQ_WORDS;
  // Per substring: offsets[key]..offsets[key + 1] delimit the ordinals whose substring is `key`.
  const offsets = new Uint32Array(SUBSTRINGS * (KEYS + 1));
  const ordinals = new Uint32Array(SUBSTRINGS * size);
  for (let substring = 0; substring < SUBSTRINGS; substring += 1) {
    const offsetBase = substring * (KEYS + 1);
    for (let ordinal = 0; ordinal < size; ordinal += 1) offsets[offsetBase + substringOf(words, ordinal * PDQ_WORDS, substring) + 1]! += 1;
    for (let key = 0; key < KEYS; key += 1) offsets[offsetBase + key + 1]! += offsets[offsetBase + key]!;
    const fill = offsets.slice(offsetBase, offsetBase + KEYS);
    const ordinalBase = substring * size;
    for (let ordinal = 0; ordinal < size; ordinal += 1) {
      const key = substringOf(words, ordinal * PDQ_WORDS, substring);
      ordinals[ordinalBase + fill[key]!] = ordinal;
      fill[key]! += 1;
    }
  }
  function search(query: Uint32Array, radius: number): PdqMatch[] {
    if (query.length !== PDQ_WORDS) throw new Error('A PDQ query is 8 words (256 bits).');
    // A candidate found in two tables is verified twice rather than marked as seen: a mark would
    // cost a second random memory access for every candidate, and repeats are rare but for matches.
    const found = new Map<number, number>();
    if (size === 0 || radius < 0) return [];
    const substringRadius = Math.floor(radius / SUBSTRINGS);
    for (let substring = 0; substring < SUBSTRINGS; substring += 1) {
      const offsetBase = substring * (KEYS + 1);
      const ordinalBase = substring * size;
      for (const key of keysWithin(substringOf(query, 0, substring), substringRadius)) {
        const end = offsets[offsetBase + key + 1]!;
        for (let at = offsets[offsetBase + key]!; at < end; at += 1) {
          const ordinal = ordinals[ordinalBase + at]!;
          const distance = distanceWithin(words, ordinal, query, radius);
          if (distance <= radius) found.set(ordinal, distance);
        }
      }
    }
    return [...found]
      .map(([ordinal, distance]) => ({ ordinal, distance }))
      .sort((a, b) => a.distance - b.distance || a.ordinal - b.ordinal);
  }

  return { size, search, bytes: words.byteLength + offsets.byteLength + ordinals.byteLength };
}

/** The same answer by comparing the query with every hash: the reference the index is tested and measured against. */
export function scanPdq(words: Uint32Array, query: Uint32Array, radius: number): PdqMatch[] {
  const matches: PdqMatch[] = [];
  const size = words.length / PDQ_WORDS;
  for (let ordinal = 0; ordinal < size; ordinal += 1) {
    const distance = distanceWithin(words, ordinal, query, radius);
    if (distance <= radius) matches.push({ ordinal, distance });
  }
  return matches.sort((a, b) => a.distance - b.distance || a.ordinal - b.ordinal);
}

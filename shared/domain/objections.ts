/**
 * Objections to an order by the operator or by the poster of the content (docs/objections.md):
 * who may object until when, the objection code an ORDER notice carries for the poster, the
 * reference a poster keeps, and the rate limit of the public route. Pure: the caller supplies the
 * random bytes and the time.
 */
import { createHash } from 'node:crypto';
import { objectionWindowClosesAt } from './deadlines';
import { CROCKFORD } from './ids';
import type { OrderRecord } from './model';
import type { Policy } from './policy';

/** 120 random bits: 24 base32 characters, written in six groups of four. */
export const OBJECTION_CODE_BYTES = 15;
/** 80 bits behind the reference's prefix. */
const OBJECTION_REFERENCE_BYTES = 10;
const REFERENCE_PREFIX = 'OBJ-';
const REFERENCE_RE = /^OBJ-[0-9A-HJKMNP-TV-Z]{16}$/;

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD.charAt((value << (5 - bits)) & 31);
  return out;
}

/** A new objection code, for a person to copy: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`. */
export function objectionCodeFrom(random: Uint8Array): string {
  if (random.length !== OBJECTION_CODE_BYTES) throw new RangeError(`an objection code needs ${OBJECTION_CODE_BYTES} random bytes`);
  return (base32(random).match(/.{4}/g) ?? []).join('-');
}

/**
 * A code as a person typed it, in its one stored form: case, spaces and hyphens ignored, and the
 * letters Crockford's base32 reads as digits (I, L → 1; O → 0) read so. Null when it cannot be a code.
 */
export function normalizeObjectionCode(typed: string): string | null {
  const compact = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{24}$/.test(compact) ? compact : null;
}

/**
 * What is stored of a code: its SHA-256. A code has 120 random bits, so a fast hash is enough: no
 * one can try the codes one by one, and the table never holds a code a reader could use.
 */
export function objectionCodeHash(normalizedCode: string): string {
  return createHash('sha256').update(`objection-code:${normalizedCode}`).digest('hex');
}

/**
 * The reference a poster keeps to look the objection up; it names nothing else. It is derived from
 * the code's hash and what the poster sent, so a request sent again after its answer was lost is the
 * same objection, not a second one; without the code nobody can derive it.
 */
export function objectionReferenceOf(codeHash: string, grounds: string, contact: string | undefined): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(['objection-reference', codeHash, grounds, contact ?? null]))
    .digest();
  return REFERENCE_PREFIX + base32(digest.subarray(0, OBJECTION_REFERENCE_BYTES));
}

export function isObjectionReference(value: string): boolean {
  return REFERENCE_RE.test(value);
}

/**
 * Until when the order can be objected to, or undefined when it cannot now. Before the committee's
 * post-review decision: the objection window from the ORDER notice's acceptance (no notice
 * accepted, nothing to object to yet). After a confirmation: the appeal window of CONTRACT.md
 * section 5, unchanged. A revoked or overturned order has nothing left to object to.
 */
export function objectionOpenUntil(
  order: Pick<OrderRecord, 'decisionStatus' | 'noticeAcceptedAt' | 'appealDeadline'>,
  policy: Pick<Policy, 'objectionWindow'>,
): string | undefined {
  switch (order.decisionStatus) {
    case 'PENDING':
      return order.noticeAcceptedAt === undefined ? undefined : objectionWindowClosesAt(policy, order.noticeAcceptedAt);
    case 'CONFIRMED':
    case 'APPEALED':
      return order.appealDeadline;
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------ rate limits

/** At most `limit` requests in each fixed window of `windowSeconds`. */
export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The fixed window `now` falls in: its start (the counter's key) and its end. */
export function rateWindow(rule: RateLimit, now: string): { startsAt: string; endsAt: string } {
  const size = rule.windowSeconds * 1000;
  const start = Math.floor(Date.parse(now) / size) * size;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + size).toISOString() };
}

/**
 * Whether the request that brought its window's count to `count` may go on; when not, how many
 * whole seconds until the window ends (Retry-After, at least 1).
 */
export function rateVerdict(
  rule: RateLimit,
  count: number,
  now: string,
): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
  if (count <= rule.limit) return { allowed: true };
  const { endsAt } = rateWindow(rule, now);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(endsAt) - Date.parse(now)) / 1000)) };
}

/** What a rate counter keys a client address by: its hash (an address is personal data). */
export function clientAddressHash(address: string): string {
  return createHash('sha256').update(`client-address:${address}`).digest('hex');
}

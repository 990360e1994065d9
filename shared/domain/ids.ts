/**
 * Ids of docs/architecture.md "Ids". A case's ULID is made once; every other id is derived from
 * it, so a retried Lambda computes the same order, review or appeal id and lands on the same
 * item. Pure: the caller supplies the time and the random bytes.
 */
import type { ReviewKind } from './model';
import { assertNever } from './model';

export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';
const ULID_RE = new RegExp(`^${ULID_PATTERN}$`);
// Operator ids follow operatorIdSchema in model.ts.
const OPERATOR_PATTERN = '[a-z0-9][a-z0-9-]{1,62}';
// A status update's key: its kind, then the order's operator and issue where it has one (`removed-op-fr-0`).
const UPDATE_KEY_PATTERN = '[a-z][a-z0-9-]{1,100}';
const ANY_ID_RE = new RegExp(
  `^(?:C(${ULID_PATTERN})|O(${ULID_PATTERN})-(${OPERATOR_PATTERN})|A(${ULID_PATTERN})-(${OPERATOR_PATTERN})|R(${ULID_PATTERN})-(?:POST|PRIOR|APPEAL-(${OPERATOR_PATTERN}))|X(${ULID_PATTERN})-${OPERATOR_PATTERN}|U(${ULID_PATTERN})-${UPDATE_KEY_PATTERN})$`,
);

const MAX_TIME = 2 ** 48 - 1;

/** A ULID: 48-bit millisecond time (10 characters) then 80 random bits (16 characters). */
export function ulidFrom(timeMs: number, random: Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > MAX_TIME) {
    throw new RangeError(`a ULID time must be an integer between 0 and 2^48-1 milliseconds, got ${timeMs}`);
  }
  if (random.length !== 10) {
    throw new RangeError(`a ULID needs exactly 10 random bytes, got ${random.length}`);
  }
  let time = '';
  let t = timeMs;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  // 80 bits = 16 groups of 5 bits, read big-endian.
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let rand = '';
  for (let i = 0; i < 16; i += 1) {
    rand = CROCKFORD.charAt(Number(bits & 31n)) + rand;
    bits >>= 5n;
  }
  return time + rand;
}

/** The time (ms since the epoch) encoded in a ULID. */
export function ulidTime(ulid: string): number {
  requireUlid(ulid);
  let t = 0;
  for (const ch of ulid.slice(0, 10)) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}

function requireUlid(ulid: string): void {
  if (!ULID_RE.test(ulid)) throw new RangeError(`not a ULID (26 Crockford base32 characters): ${ulid}`);
}

function ulidOfCase(caseId: string): string {
  const ulid = caseId.slice(1);
  if (!caseId.startsWith('C') || !ULID_RE.test(ulid)) {
    throw new RangeError(`not a case id ("C" + ULID): ${caseId}`);
  }
  return ulid;
}

function requireOperatorId(operatorId: string): void {
  if (!new RegExp(`^${OPERATOR_PATTERN}$`).test(operatorId)) {
    throw new RangeError(`not an operator id: ${operatorId}`);
  }
}

export function caseIdFrom(ulid: string): string {
  requireUlid(ulid);
  return `C${ulid}`;
}

export function orderIdFor(caseId: string, operatorId: string): string {
  requireOperatorId(operatorId);
  return `O${ulidOfCase(caseId)}-${operatorId}`;
}

/** `operatorId` is required for an APPEAL review: one appeal review per appealed order. */
export function reviewIdFor(caseId: string, kind: ReviewKind, operatorId?: string): string {
  const ulid = ulidOfCase(caseId);
  switch (kind) {
    case 'POST_REVIEW':
      return `R${ulid}-POST`;
    case 'PRIOR_REVIEW':
      return `R${ulid}-PRIOR`;
    case 'APPEAL':
      if (operatorId === undefined) throw new RangeError('an APPEAL review id needs the operator id');
      requireOperatorId(operatorId);
      return `R${ulid}-APPEAL-${operatorId}`;
    default:
      return assertNever(kind, 'review kind');
  }
}

/** A status update sent back to the partner that referred the case (`U<ulid>-<key>`): one per change, so a retry lands on it. */
export function partnerUpdateIdFor(caseId: string, key: string): string {
  if (!new RegExp(`^${UPDATE_KEY_PATTERN}$`).test(key)) throw new RangeError(`not a status update key: ${key}`);
  return `U${ulidOfCase(caseId)}-${key}`;
}

export function appealIdFor(caseId: string, operatorId: string): string {
  requireOperatorId(operatorId);
  return `A${ulidOfCase(caseId)}-${operatorId}`;
}

/**
 * The case an id belongs to, or `null` when the id is malformed: a path parameter that is not
 * one of our ids names nothing, so the API answers 404 instead of 500.
 */
export function caseIdOf(id: string): string | null {
  const m = ANY_ID_RE.exec(id);
  if (!m) return null;
  const ulid = m[1] ?? m[2] ?? m[4] ?? m[6] ?? m[8] ?? m[9];
  return ulid === undefined ? null : `C${ulid}`;
}

/** The operator named by an order id, or `null` when it is not an order id. */
export function operatorIdOfOrder(orderId: string): string | null {
  const m = ANY_ID_RE.exec(orderId);
  return m?.[3] ?? null;
}

/** The operator named by an appeal id, or `null` when it is not an appeal id. */
export function operatorIdOfAppeal(appealId: string): string | null {
  const m = ANY_ID_RE.exec(appealId);
  return m?.[5] ?? null;
}

/** The kind of review an id names, or `null` when it is not a review id. */
export function reviewKindOf(reviewId: string): ReviewKind | null {
  const m = ANY_ID_RE.exec(reviewId);
  if (!m?.[6]) return null;
  if (m[7] !== undefined) return 'APPEAL';
  return reviewId.endsWith('-POST') ? 'POST_REVIEW' : 'PRIOR_REVIEW';
}

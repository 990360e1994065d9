import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appealIdFor,
  caseIdFrom,
  caseIdOf,
  operatorIdOfAppeal,
  operatorIdOfOrder,
  orderIdFor,
  reviewIdFor,
  reviewKindOf,
  ulidFrom,
  ulidTime,
} from '../../../shared/domain/ids';

const ZEROS = new Uint8Array(10);
const CASE = caseIdFrom(ulidFrom(1_764_000_000_000, ZEROS));
const ULID = CASE.slice(1);

describe('ulidFrom', () => {
  it('encodes the time in the first 10 and the random bytes in the last 16 Crockford characters', () => {
    // Prepare/Act
    const ulid = ulidFrom(0, new Uint8Array(10).fill(0xff));
    // Assess: the ULID spec's extremes
    expect(ulid).toBe('0000000000ZZZZZZZZZZZZZZZZ');
    expect(ulidFrom(2 ** 48 - 1, ZEROS)).toBe('7ZZZZZZZZZ0000000000000000');
  });

  it('is ordered by time and round-trips the time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 2 }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        (t, r1, r2) => {
          const a = ulidFrom(t, r1);
          const b = ulidFrom(t + 1, r2);
          expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
          expect(a < b).toBe(true);
          expect(ulidTime(a)).toBe(t);
        },
      ),
    );
  });

  it.each([
    ['a negative time', -1, 10],
    ['a time beyond 48 bits', 2 ** 48, 10],
    ['a fractional time', 1.5, 10],
    ['9 random bytes', 0, 9],
    ['11 random bytes', 0, 11],
  ])('refuses %s', (_label, time, bytes) => {
    expect(() => ulidFrom(time, new Uint8Array(bytes))).toThrow(RangeError);
  });
});

describe('derived ids', () => {
  it('derive every id from the case ULID so a retry computes the same id', () => {
    expect(orderIdFor(CASE, 'op-webhard')).toBe(`O${ULID}-op-webhard`);
    expect(reviewIdFor(CASE, 'POST_REVIEW')).toBe(`R${ULID}-POST`);
    expect(reviewIdFor(CASE, 'PRIOR_REVIEW')).toBe(`R${ULID}-PRIOR`);
    expect(reviewIdFor(CASE, 'APPEAL', 'op-social')).toBe(`R${ULID}-APPEAL-op-social`);
    expect(appealIdFor(CASE, 'op-social')).toBe(`A${ULID}-op-social`);
  });

  it.each([
    ['an order id from a non-case id', () => orderIdFor(`O${ULID}-op-x`, 'op-x')],
    ['an order id for a bad operator id', () => orderIdFor(CASE, 'Op_X')],
    ['an appeal review id without operator', () => reviewIdFor(CASE, 'APPEAL')],
    ['a case id from a short ULID', () => caseIdFrom('01ABC')],
    ['a case id with the letter U', () => caseIdFrom('U'.repeat(26))],
  ])('refuse %s', (_label, make) => {
    expect(make).toThrow(RangeError);
  });
});

describe('caseIdOf and parsers', () => {
  it.each([
    [CASE, CASE],
    [`O${ULID}-op-webhard`, CASE],
    [`R${ULID}-POST`, CASE],
    [`R${ULID}-PRIOR`, CASE],
    [`R${ULID}-APPEAL-op-social`, CASE],
    [`A${ULID}-op-social`, CASE],
  ])('finds the case of %s', (id, expected) => {
    expect(caseIdOf(id)).toBe(expected);
  });

  it.each([
    [''],
    ['C'],
    [`X${ULID}`],
    [`${CASE}x`],
    [`c${ULID}`],
    [`O${ULID}`],
    [`O${ULID}-`],
    [`O${ULID}-OP`],
    [`R${ULID}-APPEAL`],
    [`R${ULID}-OTHER`],
    [`A${ULID}`],
    ['../etc/passwd'],
    [`C${ULID.slice(1)}I`],
  ])('answers null for the malformed id %j', (id) => {
    expect(caseIdOf(id)).toBeNull();
  });

  it('reads the operator of an order and of an appeal, and the kind of a review', () => {
    expect(operatorIdOfOrder(orderIdFor(CASE, 'op-webhard'))).toBe('op-webhard');
    expect(operatorIdOfOrder(appealIdFor(CASE, 'op-webhard'))).toBeNull();
    expect(operatorIdOfOrder('garbage')).toBeNull();
    expect(operatorIdOfAppeal(appealIdFor(CASE, 'op-social'))).toBe('op-social');
    expect(operatorIdOfAppeal(orderIdFor(CASE, 'op-social'))).toBeNull();
    expect(reviewKindOf(reviewIdFor(CASE, 'POST_REVIEW'))).toBe('POST_REVIEW');
    expect(reviewKindOf(reviewIdFor(CASE, 'PRIOR_REVIEW'))).toBe('PRIOR_REVIEW');
    expect(reviewKindOf(reviewIdFor(CASE, 'APPEAL', 'op-post'))).toBe('APPEAL');
    expect(reviewKindOf(CASE)).toBeNull();
  });

  it('parses back whatever it builds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,62}$/),
        (t, r, operatorId) => {
          const caseId = caseIdFrom(ulidFrom(t, r));
          for (const id of [
            orderIdFor(caseId, operatorId),
            appealIdFor(caseId, operatorId),
            reviewIdFor(caseId, 'APPEAL', operatorId),
            reviewIdFor(caseId, 'POST_REVIEW'),
          ]) {
            expect(caseIdOf(id)).toBe(caseId);
          }
          expect(operatorIdOfOrder(orderIdFor(caseId, operatorId))).toBe(operatorId);
        },
      ),
    );
  });
});

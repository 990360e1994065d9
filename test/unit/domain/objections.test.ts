import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectionWindowClosesAt } from '../../../shared/domain/deadlines';
import {
  clientAddressHash,
  isObjectionReference,
  normalizeObjectionCode,
  OBJECTION_CODE_BYTES,
  objectionCodeFrom,
  objectionCodeHash,
  objectionOpenUntil,
  objectionReferenceOf,
  rateVerdict,
  rateWindow,
} from '../../../shared/domain/objections';
import { policyById } from '../../../shared/domain/policy';
import { WEBHARD_ORDER_ID } from '../../support/records';

const KR = policyById('kr-kcsc');
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

describe('objection codes', () => {
  it('are six groups of four base32 characters that read back, whatever case, spacing or look-alike letters the poster types', () => {
    fc.assert(
      fc.property(bytes(OBJECTION_CODE_BYTES), (random) => {
        const code = objectionCodeFrom(random);
        expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
        const stored = normalizeObjectionCode(code);
        expect(stored).toBe(code.replace(/-/g, ''));
        expect(normalizeObjectionCode(` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe(stored);
        expect(normalizeObjectionCode(code.replace(/1/g, 'l').replace(/0/g, 'O'))).toBe(stored);
      }),
    );
  });

  it('differ for different random bytes: each byte counts', () => {
    const zero = new Uint8Array(OBJECTION_CODE_BYTES);
    const one = new Uint8Array(OBJECTION_CODE_BYTES);
    one[OBJECTION_CODE_BYTES - 1] = 1;
    expect(objectionCodeFrom(zero)).not.toBe(objectionCodeFrom(one));
  });

  it('are stored as a hash that is neither the code nor the order id, the same for the same code', () => {
    const code = normalizeObjectionCode(objectionCodeFrom(new Uint8Array(OBJECTION_CODE_BYTES).fill(42))) as string;
    const hash = objectionCodeHash(code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(objectionCodeHash(code));
    expect(hash).not.toContain(code.toLowerCase());
    expect(hash).not.toContain(WEBHARD_ORDER_ID);
    const neighbour = `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
    expect(objectionCodeHash(neighbour)).not.toBe(hash);
  });

  it.each(['', 'ABCD', WEBHARD_ORDER_ID, 'UUUU-UUUU-UUUU-UUUU-UUUU-UUUU', `${'A'.repeat(25)}`])('refuses %j as a code', (typed) => {
    expect(normalizeObjectionCode(typed)).toBeNull();
  });

  it('needs exactly the random bytes it is made of', () => {
    expect(() => objectionCodeFrom(new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('objection references', () => {
  it('are OBJ- and 16 base32 characters, the same for the same objection sent again, another for anything else', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 10 }), fc.option(fc.emailAddress(), { nil: undefined }), (code, grounds, contact) => {
        const codeHash = objectionCodeHash(code);
        const reference = objectionReferenceOf(codeHash, grounds, contact);
        expect(isObjectionReference(reference)).toBe(true);
        expect(objectionReferenceOf(codeHash, grounds, contact)).toBe(reference);
        expect(objectionReferenceOf(codeHash, `${grounds}.`, contact)).not.toBe(reference);
        expect(objectionReferenceOf(objectionCodeHash(`${code}x`), grounds, contact)).not.toBe(reference);
      }),
    );
    expect(isObjectionReference(WEBHARD_ORDER_ID)).toBe(false);
    expect(isObjectionReference('OBJ-0123')).toBe(false);
  });
});

describe('client addresses', () => {
  it('are counted by a hash, never as themselves', () => {
    expect(clientAddressHash('203.0.113.7')).not.toContain('203.0.113.7');
    expect(clientAddressHash('203.0.113.7')).not.toBe(clientAddressHash('203.0.113.8'));
  });
});

describe('objectionOpenUntil', () => {
  const accepted = '2026-03-02T01:00:05.000Z';
  it('runs the objection window from the notice while the committee has not decided', () => {
    expect(objectionOpenUntil({ decisionStatus: 'PENDING', noticeAcceptedAt: accepted }, KR)).toBe(objectionWindowClosesAt(KR, accepted));
    expect(objectionWindowClosesAt(KR, accepted)).toBe('2026-03-17T01:00:05.000Z');
  });
  it('is closed while no notice was accepted, and once the order fell or was decided on appeal', () => {
    expect(objectionOpenUntil({ decisionStatus: 'PENDING' }, KR)).toBeUndefined();
    for (const decisionStatus of ['REVOKED', 'UPHELD', 'OVERTURNED'] as const) {
      expect(
        objectionOpenUntil({ decisionStatus, noticeAcceptedAt: accepted, appealDeadline: '2026-04-01T00:00:00.000Z' }, KR),
      ).toBeUndefined();
    }
  });
  it("follows the contract's appeal window once the order is confirmed", () => {
    const appealDeadline = '2026-03-25T01:00:00.000Z';
    expect(objectionOpenUntil({ decisionStatus: 'CONFIRMED', noticeAcceptedAt: accepted, appealDeadline }, KR)).toBe(appealDeadline);
    expect(objectionOpenUntil({ decisionStatus: 'APPEALED', noticeAcceptedAt: accepted, appealDeadline }, KR)).toBe(appealDeadline);
  });
});

describe('rate limits (fixed windows)', () => {
  const rule = { limit: 3, windowSeconds: 3600 };
  it('allows up to the limit in a window and refuses the next, until the window ends', () => {
    const now = '2026-03-02T10:15:00.000Z';
    expect(rateWindow(rule, now)).toEqual({ startsAt: '2026-03-02T10:00:00.000Z', endsAt: '2026-03-02T11:00:00.000Z' });
    expect(rateVerdict(rule, 3, now)).toEqual({ allowed: true });
    expect(rateVerdict(rule, 4, now)).toEqual({ allowed: false, retryAfterSeconds: 45 * 60 });
  });
  it('never asks to wait less than a second, nor beyond the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
        fc.integer({ min: 4, max: 1000 }),
        (at, count) => {
          const verdict = rateVerdict(rule, count, new Date(at).toISOString());
          if (verdict.allowed) throw new Error('over the limit must be refused');
          expect(verdict.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          expect(verdict.retryAfterSeconds).toBeLessThanOrEqual(rule.windowSeconds);
        },
      ),
    );
  });
});

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashAuditEvent, nextAuditEvent, verifyChain } from '../../../shared/domain/audit';
import type { AuditEvent } from '../../../shared/domain/model';

function chainOf(inputs: { at: string; actor: string; action: string; details: Record<string, unknown> }[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const input of inputs) events.push(nextAuditEvent(events.at(-1) ?? null, input));
  return events;
}

const eventInput = fc.record({
  at: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString()),
  actor: fc.constantFrom('staff-kim', 'staff-lee', 'member-1', 'op-webhard', 'system'),
  action: fc.constantFrom('CASE_FILED', 'APPROVED', 'ORDER_ISSUED', 'VOTE_CAST', 'ORDER_OVERDUE'),
  details: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [3, { d: null, c: 'x' }] }, '{"a":[3,{"c":"x","d":null}],"b":1}'],
    [{ a: undefined, b: 2 }, '{"b":2}'],
    [[undefined, 1], '[null,1]'],
    [{ nested: { z: { y: 1, x: 2 } } }, '{"nested":{"z":{"x":2,"y":1}}}'],
    ['한국어 "quoted"', '"한국어 \\"quoted\\""'],
    [{ at: new Date('2026-11-24T06:00:00.000Z') }, '{"at":"2026-11-24T06:00:00.000Z"}'],
    [null, 'null'],
    [1.5, '1.5'],
  ])('%j is %s', (value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it('does not depend on the order in which keys were added', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
        expect(JSON.parse(canonicalJson(object))).toEqual(JSON.parse(JSON.stringify(object)));
      }),
    );
  });
});

describe('hashAuditEvent and nextAuditEvent', () => {
  it('starts from the genesis hash and counts from 1', () => {
    // Act
    const first = nextAuditEvent(null, { at: '2026-11-24T06:00:00.000Z', actor: 'staff-kim', action: 'CASE_FILED', details: { urls: 2 } });
    // Assess: SHA-256 of the canonical event, computed independently
    const expected = createHash('sha256')
      .update(
        `{"action":"CASE_FILED","actor":"staff-kim","at":"2026-11-24T06:00:00.000Z","details":{"urls":2},"prevHash":"${'0'.repeat(64)}","seq":1}`,
      )
      .digest('hex');
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, hash: expected });
    expect(hashAuditEvent(first)).toBe(expected);
  });

  it('links each event to the previous one', () => {
    const [a, b] = chainOf([
      { at: '2026-11-24T06:00:00.000Z', actor: 'staff-kim', action: 'CASE_FILED', details: {} },
      { at: '2026-11-24T06:01:00.000Z', actor: 'staff-lee', action: 'APPROVED', details: {} },
    ]);
    expect(b).toMatchObject({ seq: 2, prevHash: a?.hash });
    expect(b?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verifyChain', () => {
  it('verifies an empty and an untouched chain', () => {
    expect(verifyChain([])).toEqual({ verified: true });
    fc.assert(
      fc.property(fc.array(eventInput, { maxLength: 12 }), (inputs) => {
        const events = chainOf(inputs);
        expect(verifyChain(events)).toEqual({ verified: true });
        expect(verifyChain(events, { seq: events.length, hash: events.at(-1)?.hash })).toEqual({ verified: true });
      }),
    );
  });

  const chain = fc.array(eventInput, { minLength: 2, maxLength: 10 }).map(chainOf);

  it.each([
    ['actor', (e: AuditEvent) => ({ ...e, actor: `${e.actor}x` })],
    ['action', (e: AuditEvent) => ({ ...e, action: 'FORGED' })],
    ['at', (e: AuditEvent) => ({ ...e, at: '1999-01-01T00:00:00.000Z' })],
    ['details', (e: AuditEvent) => ({ ...e, details: { ...e.details, forged: true } })],
    ['hash', (e: AuditEvent) => ({ ...e, hash: 'f'.repeat(64) })],
    ['prevHash', (e: AuditEvent) => ({ ...e, prevHash: 'f'.repeat(64) })],
    ['seq', (e: AuditEvent) => ({ ...e, seq: e.seq + 100 })],
    // A forger who recomputes the changed event's own hash is still caught by the next link or the head.
    [
      'details, rehashed',
      (e: AuditEvent) => {
        const f = { ...e, details: { forged: 1 } };
        return { ...f, hash: hashAuditEvent(f) };
      },
    ],
  ])('detects a change to %s of any single event', (_field, mutate) => {
    fc.assert(
      fc.property(chain, fc.nat(), (events, pick) => {
        const i = pick % events.length;
        const tampered = events.map((e, j) => (j === i ? mutate(e) : e));
        const head = { seq: events.length, hash: events.at(-1)?.hash };
        const result = verifyChain(tampered, head);
        expect(result.verified).toBe(false);
        expect(result.firstBadSeq).toBeLessThanOrEqual(i + 2);
        expect(result.problem).toBeTruthy();
      }),
    );
  });

  it('detects a removed event (the last one through the recorded head)', () => {
    fc.assert(
      fc.property(chain, fc.nat(), (events, pick) => {
        const i = pick % events.length;
        const shorter = events.filter((_, j) => j !== i);
        const result = verifyChain(shorter, { seq: events.length, hash: events.at(-1)?.hash });
        expect(result).toMatchObject({ verified: false, firstBadSeq: i + 1 });
        if (i < events.length - 1) expect(verifyChain(shorter).verified).toBe(false);
      }),
    );
  });

  it('detects two events swapped', () => {
    fc.assert(
      fc.property(chain, fc.nat(), (events, pick) => {
        const i = pick % (events.length - 1);
        const swapped = [...events];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
        expect(verifyChain(swapped)).toMatchObject({ verified: false, firstBadSeq: i + 1 });
      }),
    );
  });

  it('detects an inserted event', () => {
    fc.assert(
      fc.property(chain, fc.nat(), eventInput, (events, pick, extra) => {
        const i = pick % events.length;
        const forged = nextAuditEvent(events[i - 1] ?? null, extra);
        const longer = [...events.slice(0, i), forged, ...events.slice(i)];
        expect(verifyChain(longer).verified).toBe(false);
      }),
    );
  });

  it('names the problem', () => {
    const events = chainOf([
      { at: '2026-11-24T06:00:00.000Z', actor: 'a', action: 'X', details: {} },
      { at: '2026-11-24T06:01:00.000Z', actor: 'b', action: 'Y', details: {} },
    ]);
    expect(verifyChain([events[0]!, { ...events[1]!, actor: 'c' }])).toEqual({
      verified: false,
      firstBadSeq: 2,
      problem: 'event 2 was changed after it was recorded',
    });
    expect(verifyChain([events[1]!])).toMatchObject({ firstBadSeq: 1, problem: expect.stringMatching(/removed, inserted or moved/) });
    expect(verifyChain([events[0]!], { seq: 2 })).toMatchObject({ verified: false, firstBadSeq: 2 });
  });
});

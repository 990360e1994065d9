import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appealDecider, type AppealCommand } from '../../../../shared/domain/deciders/appeal';
import { SYSTEM_ACTOR } from '../../../../shared/domain/deciders/case';
import { DomainError } from '../../../../shared/domain/errors';
import type { AppealRecord } from '../../../../shared/domain/model';
import { anAppeal, WEBHARD_ORDER_ID } from '../../../support/records';
import { ctx, decided, resolveWhen, RUNS, step, whenArb } from './support';

const NOW = '2026-03-12T00:00:00.000Z';
const LATER = '2026-03-20T00:00:00.000Z';
const APPEAL_REVIEW_ID = 'R01KJNXGE000W3GE1R70W3GE1R7-APPEAL-op-webhard';

describe('appealDecider: FILE', () => {
  it('files the appeal once, at its filing time, with the grounds only in data', () => {
    // Given the appeal an order's ORDER_APPEALED follow-up carries
    const appeal = anAppeal();
    // When it is filed
    const { event, followUps, after } = decided(appealDecider, { type: 'FILE', appeal }, undefined, ctx(NOW));
    // Then APPEAL_FILED by the system names the appeal, order and operator; the grounds stay out of the chain
    expect(event).toEqual({
      action: 'APPEAL_FILED',
      at: appeal.filedAt,
      actor: SYSTEM_ACTOR,
      details: { appealId: appeal.appealId, orderId: WEBHARD_ORDER_ID, operatorId: 'op-webhard' },
      data: appeal,
    });
    expect(JSON.stringify(event.details)).not.toContain(appeal.grounds);
    expect(followUps).toBeUndefined();
    expect(after).toEqual(appeal);
    // And filing it again answers null
    expect(
      appealDecider.decide({ type: 'FILE', appeal: { ...appeal, grounds: 'other grounds, sent again' } }, after, ctx(LATER)),
    ).toBeNull();
  });

  it('refuses any other command on an appeal that does not exist, as a defect', () => {
    const act = () => appealDecider.decide({ type: 'SETTLE', result: 'UPHELD' }, undefined, ctx(NOW));
    expect(act).toThrow(/No such appeal/);
    expect(act).not.toThrow(DomainError);
  });
});

describe('appealDecider: START_REVIEW', () => {
  it('puts a filed appeal under review once', () => {
    const appeal = anAppeal();
    const { event, after } = decided(appealDecider, { type: 'START_REVIEW', reviewId: APPEAL_REVIEW_ID }, appeal, ctx(NOW));
    expect(event).toEqual({
      action: 'APPEAL_UNDER_REVIEW',
      at: NOW,
      actor: SYSTEM_ACTOR,
      details: { appealId: appeal.appealId, orderId: WEBHARD_ORDER_ID, reviewId: APPEAL_REVIEW_ID },
    });
    expect(after).toEqual({ ...appeal, status: 'UNDER_REVIEW', reviewId: APPEAL_REVIEW_ID });
    expect(appealDecider.decide({ type: 'START_REVIEW', reviewId: APPEAL_REVIEW_ID }, after, ctx(LATER))).toBeNull();
  });

  it.each<AppealRecord['status']>(['UNDER_REVIEW', 'UPHELD', 'OVERTURNED'])('answers null for an appeal already %s', (status) => {
    expect(appealDecider.decide({ type: 'START_REVIEW', reviewId: APPEAL_REVIEW_ID }, anAppeal({ status }), ctx(NOW))).toBeNull();
  });
});

describe('appealDecider: SETTLE', () => {
  it.each<[AppealRecord['status'], 'UPHELD' | 'OVERTURNED']>([
    ['UNDER_REVIEW', 'UPHELD'],
    ['UNDER_REVIEW', 'OVERTURNED'],
    ['FILED', 'UPHELD'],
  ])('settles an appeal %s as %s, once', (status, result) => {
    // Given an appeal (under review, or filed when the review's outcome arrives first)
    const appeal = anAppeal({ status, ...(status === 'UNDER_REVIEW' ? { reviewId: APPEAL_REVIEW_ID } : {}) });
    // When the order's appeal outcome settles it
    const { event, after } = decided(appealDecider, { type: 'SETTLE', result }, appeal, ctx(NOW));
    // Then APPEAL_SETTLED with the result, and settling again (even otherwise) answers null
    expect(event).toEqual({
      action: 'APPEAL_SETTLED',
      at: NOW,
      actor: SYSTEM_ACTOR,
      details: { appealId: appeal.appealId, orderId: WEBHARD_ORDER_ID, result },
    });
    expect(after).toEqual({ ...appeal, status: result });
    expect(appealDecider.decide({ type: 'SETTLE', result: result === 'UPHELD' ? 'OVERTURNED' : 'UPHELD' }, after, ctx(LATER))).toBeNull();
    expect(appealDecider.decide({ type: 'START_REVIEW', reviewId: APPEAL_REVIEW_ID }, after, ctx(LATER))).toBeNull();
  });
});

// ---------------------------------------------------------------- property

const RANK: Record<AppealRecord['status'], number> = { FILED: 0, UNDER_REVIEW: 1, UPHELD: 2, OVERTURNED: 2 };
const commandArb: fc.Arbitrary<AppealCommand> = fc.oneof(
  fc.constant<AppealCommand>({ type: 'START_REVIEW', reviewId: APPEAL_REVIEW_ID }),
  fc.constantFrom<'UPHELD' | 'OVERTURNED'>('UPHELD', 'OVERTURNED').map((result): AppealCommand => ({ type: 'SETTLE', result })),
  fc.constant<AppealCommand>({ type: 'FILE', appeal: anAppeal({ grounds: 'a second filing' }) }),
);

describe('appealDecider: property over random command sequences', () => {
  it('moves forward only, settles once, and answers null to what already happened', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(whenArb([]), commandArb), { maxLength: 12, size: 'max' }), (script) => {
        const filed = anAppeal();
        let now = filed.filedAt;
        let state = decided(appealDecider, { type: 'FILE', appeal: filed }, undefined, ctx(now)).after;
        let settled = 0;
        for (const [when, command] of script) {
          now = resolveWhen(when, now, {});
          const before = state;
          const result = step(appealDecider, command, before, ctx(now));
          // Nothing refuses: every command either moves the appeal forward or answers null.
          expect(result.kind).not.toBe('refused');
          if (result.kind !== 'event') continue;
          const { decision, after } = result;
          state = after;
          expect(decision.event).toMatchObject({ at: now, actor: SYSTEM_ACTOR });
          expect(JSON.stringify(decision.event.details)).not.toContain(filed.grounds);
          // Status forward only; a settled appeal stays settled; the grounds and ids never change.
          expect(RANK[after.status]).toBeGreaterThan(RANK[before.status]);
          if (decision.event.action === 'APPEAL_SETTLED') settled += 1;
          expect(settled).toBeLessThanOrEqual(1);
          expect({ ...after, status: undefined, reviewId: undefined }).toEqual({ ...filed, status: undefined, reviewId: undefined });
          if (before.reviewId !== undefined) expect(after.reviewId).toBe(before.reviewId);
          // The same command right away answers null.
          expect(appealDecider.decide(command, after, ctx(now))).toBeNull();
        }
      }),
      RUNS,
    );
  });
});

/**
 * Every act of a person under every fault (test/support/faults.ts): the act lands whole (state,
 * audit event, follow-ups) or not at all; a retry never does it twice; the sweeper finishes what a
 * crash left; the answer is success only when the act took effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../shared/domain/errors';
import type { VoteRecord } from '../../shared/domain/model';
import { tokenPurpose } from '../../shared/domain/waits';
import { castVote } from '../../shared/services/reviews';
import { refs } from '../../shared/store/keys';
import { getReview, storeTaskToken } from '../../shared/store/repository';
import { finalAnswer, underEveryFault } from '../support/faults';
import { actionsOf, plant } from '../support/given';
import { aCase, aReview, CASE_ID, POST_REVIEW_ID } from '../support/records';
import { startWorld, type World } from '../support/world';

const NOW = '2026-03-03T00:00:00.000Z';
const SWEEP_AT = '2026-03-03T00:10:00.000Z';
const member = (userId: string) => ({ userId, roles: ['committee' as const] });
const ballot = (decision: VoteRecord['decision']): VoteRecord => ({ decision, at: '2026-03-02T12:00:00.000Z' });

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** A wait of the workflow that holds a live token. */
async function givenWait(purpose: string, token: string): Promise<void> {
  await storeTaskToken(CASE_ID, purpose, token, NOW);
  world.liveToken(token);
}

const count = (items: readonly string[], wanted: string) => items.filter((item) => item === wanted).length;

describe('a vote under every fault', () => {
  it('is counted once, closes the review it decides once, and completes the wait once', async () => {
    const runs = await underEveryFault(
      world,
      {
        given: async () => {
          await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
          await plant.review(aReview({ votes: { 'member-2': ballot('CONFIRM'), 'member-3': ballot('CONFIRM') } }));
          await givenWait(tokenPurpose.review(POST_REVIEW_ID), 'live-review');
        },
        act: () => castVote(member('member-1'), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW),
        streams: () => [refs.case(CASE_ID).root],
        expectAfter: async (outcome) => {
          const answer = finalAnswer(outcome);
          // Success, or a retry told that the first attempt's vote stands
          if (!answer.ok) expect(answer.error).toBeInstanceOf(ConflictError);
          const review = await getReview(POST_REVIEW_ID);
          expect(review?.votes['member-1']?.decision).toBe('CONFIRM');
          expect(review).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED' });
          const actions = await actionsOf(CASE_ID);
          expect(count(actions, 'VOTE_CAST')).toBe(1);
          expect(count(actions, 'REVIEW_CLOSED')).toBe(1);
          expect(world.completedWaits).toEqual([{ token: 'live-review', output: { decided: true, outcome: 'CONFIRMED' } }]);
        },
      },
      { now: NOW, sweepAt: SWEEP_AT },
    );
    expect(runs).toBeGreaterThan(10);
  });
});

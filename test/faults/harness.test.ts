/**
 * The fault harness itself (test/support/faults.ts, world.ts): the shortcuts that keep the sweeps
 * fast run no fault case fewer than they cover, and put back exactly the world each run starts from.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { config } from '../../shared/runtime/config';
import { documentClient } from '../../shared/store/client';
import { shareOf, underEveryFault } from '../support/faults';
import type { Fault } from '../support/world';
import { useWorld } from '../support/world';

const CLOCK = { now: '2026-03-03T00:00:00.000Z', sweepAt: '2026-03-03T00:10:00.000Z' };

const world = useWorld({ resetEachTest: false });

const put = (sk: string, text = 'planted') =>
  documentClient.send(new PutCommand({ TableName: config().tableName, Item: { pk: 'HARNESS', sk, text } }));

/** An act of two writes, the second made even when the first fails (`carryOn`) or not; the faults it ran under. */
function twoWrites(carryOn: boolean) {
  const armed: (Fault | undefined)[] = [];
  const act = async () => {
    armed.push(world.faults.fault);
    await put('first').catch((error: unknown) => {
      if (!carryOn) throw error;
    });
    await put('second');
  };
  return { armed, subject: { given: async () => undefined, act, streams: () => [], expectAfter: async () => undefined } };
}

describe('underEveryFault', () => {
  it('runs a crash at a call once more only when the act would have gone on after that call', async () => {
    // Given an act that gives up at a failed call: a crash there fails nothing a passing fault does not
    const givingUp = twoWrites(false);
    // When it runs under every fault
    const cases = await underEveryFault(world, givingUp.subject, CLOCK);
    // Then every case is covered (clean, then before, after and crash at each of the 2 calls), and no
    // crash was run: each faulted run is a first attempt and its retry
    expect(cases).toBe(7);
    expect(givingUp.armed.filter((fault) => fault?.crash)).toEqual([]);
    expect(givingUp.armed).toHaveLength(1 + 4 * 2);

    // Given an act that goes on past a failed call: a crash there fails its later call too
    const carryingOn = twoWrites(true);
    expect(await underEveryFault(world, carryingOn.subject, CLOCK)).toBe(7);
    // Then the crash at its first call is run (a first attempt and its retry); at its last call, nothing comes after
    const crashAtFirstCall = { at: 1, when: 'before', crash: true };
    expect(carryingOn.armed.filter((fault) => fault?.crash)).toEqual([crashAtFirstCall, crashAtFirstCall]);
  });
});

describe('the world', () => {
  it('restores a snapshot in place: items added since are gone, those changed or deleted are back', async () => {
    // Given a snapshot of three items
    await world.reset();
    for (const sk of ['kept', 'changed', 'deleted']) await put(sk);
    const planted = await world.snapshot();
    // When one is changed, one deleted and one added, then the snapshot restored
    await put('changed', 'changed since');
    await documentClient.send(new DeleteCommand({ TableName: config().tableName, Key: { pk: 'HARNESS', sk: 'deleted' } }));
    await put('added');
    await world.restore(planted);
    // Then the table holds the snapshot's items again, and nothing else
    const byKey = (items: (typeof planted)['items']) => items.map((item) => JSON.stringify(item)).sort();
    expect(byKey((await world.snapshot()).items)).toEqual(byKey(planted.items));
    expect(planted.items).toHaveLength(3);
  });
});

describe('shareOf', () => {
  const subjects = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const shares = (weightOf?: (subject: string) => number) => [1, 2, 3].map((part) => shareOf(subjects, part, 3, weightOf));

  it('deals alike subjects round-robin, in the order of the list', () => {
    expect(shares()).toEqual([
      ['a', 'd', 'g'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
  });

  it('keeps heavy subjects apart, and gives every subject exactly one share', () => {
    const weights: Record<string, number> = { a: 5, d: 4, g: 3 };
    const dealt = shares((subject) => weights[subject] ?? 1);
    expect(dealt).toEqual([
      ['a', 'f'],
      ['c', 'd'],
      ['b', 'e', 'g'],
    ]);
    expect(dealt.flat().sort()).toEqual(subjects);
  });
});

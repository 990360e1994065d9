/**
 * Runs one act under every fault the world can inject: for each AWS call k the act makes, the
 * call fails before or after the service acted, once or as a crash (every later call fails too).
 * After the fault the caller does what a caller does (a client retries an act that failed; the
 * workflow retries a task), then the sweeper runs; the test's own `expectAfter` says what must
 * hold, and the write model's invariants are checked on every stream the act touched.
 */
import { existsSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { sweep } from '../../shared/services/sweeper';
import type { ItemKey } from '../../shared/store/keys';
import { expectConsistentStream } from './given';
import type { Fault, World, WorldSnapshot } from './world';

export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface Outcome<T> {
  readonly fault: Fault | null;
  /** What the first attempt answered. */
  readonly first: Settled<T>;
  /** What the retry answered, when the first attempt failed. */
  readonly retry?: Settled<T>;
}

export interface ActUnderFaults<T> {
  /** Plants what the act starts from (the world is empty before). */
  readonly given: () => Promise<void>;
  readonly act: () => Promise<T>;
  /** The streams whose invariants must hold afterwards. */
  readonly streams: () => readonly ItemKey[];
  /** What must hold after the act, its retry and a sweep, whatever the fault. */
  readonly expectAfter: (outcome: Outcome<T>) => Promise<void>;
  /** The policy the world runs with. */
  readonly policy?: object;
  /**
   * How long after a failed first attempt the retry comes: a person retries at once; the state
   * machine's Retry backs off over about a minute (2+4+8+16+32 s).
   */
  readonly retryAfterMs?: number;
  /**
   * How long its sweep runs beside a typical subject's (1 unless said): the files that run a list
   * of subjects in shares balance on it (see shareOf).
   */
  readonly weight?: number;
}

async function settled<T>(work: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface FaultRunOptions {
  /** The clock while the act runs. */
  readonly now: string;
  /** The clock when the sweeper runs: late enough for it to take what a fault left. */
  readonly sweepAt: string;
}

async function runOnce<T>(
  world: World,
  subject: ActUnderFaults<T>,
  fault: Fault | null,
  options: FaultRunOptions,
  start: WorldSnapshot | undefined,
): Promise<{ calls: number; start: WorldSnapshot }> {
  vi.setSystemTime(new Date(options.now));
  if (start === undefined) {
    await world.reset(subject.policy);
    await subject.given();
  } else {
    await world.restore(start, subject.policy);
  }
  const given = start ?? (await world.snapshot());
  if (fault === null) world.faults.reset();
  else world.faults.arm(fault);
  const first = await settled(subject.act);
  const calls = world.faults.calls;
  world.faults.disarm();
  // SES publishes its events whatever became of the sender: a message it accepted is recorded on
  // its notice's claim before the retry comes (the workflow's a minute later, a person's at once).
  await world.publishSends();
  vi.setSystemTime(new Date(Date.parse(options.now) + (subject.retryAfterMs ?? 0)));
  const retry = first.ok ? undefined : await settled(subject.act);
  vi.setSystemTime(new Date(options.sweepAt));
  const counts = await sweep(options.sweepAt);
  expect(counts.failed, 'sweep failures').toBe(0);
  await subject.expectAfter({ fault, first, ...(retry === undefined ? {} : { retry }) });
  for (const stream of subject.streams()) await expectConsistentStream(stream);
  return { calls, start: given };
}

/**
 * Calls that only read: the service does nothing, so losing the answer after it acted leaves the
 * caller exactly where failing before it does (the same error, at the same point, the same state).
 */
const READS = new Set([
  'DynamoDB GetItemCommand',
  'DynamoDB BatchGetItemCommand',
  'DynamoDB QueryCommand',
  'DynamoDB ScanCommand',
  'SFN DescribeExecution',
]);

/** Runs the act with `fault` armed; answers how many AWS calls its first attempt made, the struck one included. */
async function runWithFault<T>(
  world: World,
  subject: ActUnderFaults<T>,
  fault: Fault,
  options: FaultRunOptions,
  start: WorldSnapshot,
): Promise<number> {
  try {
    return (await runOnce(world, subject, fault, options, start)).calls;
  } catch (error) {
    // The message alone: an AWS error's own fields would bury it in a screenful of socket state.
    throw new Error(`with fault ${JSON.stringify(fault)}: ${(error as Error).message}`);
  }
}

/**
 * Runs the act without a fault (counting its AWS calls), then once per fault: at every call, a
 * passing fault before the service acted and one after it (its answer lost; not for a read, where
 * it is the fault before again), and a crash before it. (A crash after call k leaves what a crash
 * before call k+1 leaves, so it is not run twice.) A crash differs from a passing fault only in the
 * calls after the struck one: when the passing fault's first attempt made none (the act gave up at
 * the fault), the crash there is that same run, and is not run again. Answers how many fault cases
 * it covered, the clean run among them: each run, or shown to be a run made.
 */
export async function underEveryFault<T>(world: World, subject: ActUnderFaults<T>, options: FaultRunOptions): Promise<number> {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    // The clean run plants the given state; every faulted run starts from a copy of it.
    const { calls, start } = await runOnce(world, subject, null, options, undefined);
    expect(calls, 'AWS calls of the act').toBeGreaterThan(0);
    let cases = 1;
    for (let at = 1; at <= calls; at += 1) {
      const callsWithPassingFault = await runWithFault(world, subject, { at, when: 'before', crash: false }, options, start);
      // The call the fault struck, as this run made it (a run that took another path may not reach call k).
      const struck = world.faults.struck?.service;
      cases += 1;
      if (struck === undefined || !READS.has(struck)) {
        await runWithFault(world, subject, { at, when: 'after', crash: false }, options, start);
        cases += 1;
      }
      if (callsWithPassingFault > at) await runWithFault(world, subject, { at, when: 'before', crash: true }, options, start);
      cases += 1;
    }
    return cases;
  } finally {
    vi.useRealTimers();
  }
}

/**
 * The `part`-th of `parts` shares of a list of fault subjects (1-based). Vitest runs files, not
 * tests, in parallel: a fault sweep takes from seconds to minutes a subject, so a long list runs as
 * several files, each one share, for the forks to balance. The subjects are dealt heaviest first
 * (`weightOf`, 1 unless said), each to the share that weighs least so far (the first of equals):
 * alike subjects are dealt round-robin, and two heavy ones do not end in one file. Every subject
 * falls in exactly one share, wherever in the list it is added.
 */
export function shareOf<T>(subjects: readonly T[], part: number, parts: number, weightOf: (subject: T) => number = () => 1): T[] {
  const loads = Array.from({ length: parts }, () => 0);
  const shareOfIndex = new Map<number, number>();
  // Array.prototype.sort is stable: of equal weights, the earlier in the list is dealt first.
  const heaviestFirst = subjects.map((subject, index) => ({ index, weight: weightOf(subject) })).sort((a, b) => b.weight - a.weight);
  for (const { index, weight } of heaviestFirst) {
    const lightest = loads.indexOf(Math.min(...loads));
    loads[lightest] = (loads[lightest] ?? 0) + weight;
    shareOfIndex.set(index, lightest);
  }
  return subjects.filter((_subject, index) => shareOfIndex.get(index) === part - 1);
}

/**
 * The files `name-1.test.ts` to `name-<parts>.test.ts` beside `first` exist, and no `name-<parts+1>`:
 * a share without its file would silently not run.
 */
export function expectShareFiles(first: URL, parts: number): void {
  const shareFile = (share: number) => new URL(first.href.replace(/-1\.test\.ts$/, `-${share}.test.ts`));
  for (let share = 1; share <= parts; share += 1) expect(existsSync(shareFile(share)), shareFile(share).pathname).toBe(true);
  expect(existsSync(shareFile(parts + 1)), shareFile(parts + 1).pathname).toBe(false);
}

/** The answer of a run: the retry's when the first attempt failed. */
export function finalAnswer<T>(outcome: Outcome<T>): Settled<T> {
  return outcome.retry ?? outcome.first;
}

/**
 * E-mails whose subject matches were sent once, wherever the fault struck: between SES accepting
 * one and its sender recording it too, since SES's Send event records it on the notice's claim.
 */
export function expectMailedOnce(world: World, subject: RegExp): void {
  expect(world.mails.filter((mail) => subject.test(mail.subject)).length, `mails matching ${String(subject)}`).toBe(1);
}

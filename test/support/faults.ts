/**
 * Runs one act under every fault the world can inject: for each AWS call k the act makes, the
 * call fails before or after the service acted, once or as a crash (every later call fails too).
 * After the fault the caller does what a caller does (a client retries an act that failed; the
 * workflow retries a task), then the sweeper runs; the test's own `expectAfter` says what must
 * hold, and the write model's invariants are checked on every stream the act touched.
 */
import { expect, vi } from 'vitest';
import { sweep } from '../../shared/services/sweeper';
import type { ItemKey } from '../../shared/store/keys';
import { expectConsistentStream } from './given';
import type { Fault, World } from './world';

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

async function runOnce<T>(world: World, subject: ActUnderFaults<T>, fault: Fault | null, options: FaultRunOptions): Promise<number> {
  vi.setSystemTime(new Date(options.now));
  await world.reset(subject.policy);
  await subject.given();
  if (fault === null) world.faults.reset();
  else world.faults.arm(fault);
  const first = await settled(subject.act);
  const calls = world.faults.calls;
  world.faults.disarm();
  const retry = first.ok ? undefined : await settled(subject.act);
  vi.setSystemTime(new Date(options.sweepAt));
  const counts = await sweep(options.sweepAt);
  expect(counts.failed, 'sweep failures').toBe(0);
  await subject.expectAfter({ fault, first, ...(retry === undefined ? {} : { retry }) });
  for (const stream of subject.streams()) await expectConsistentStream(stream);
  return calls;
}

/**
 * Runs the act without a fault (counting its AWS calls), then once per fault: at every call, a
 * passing fault before the service acted and one after it (its answer lost), and a crash before
 * it. (A crash after call k leaves what a crash before call k+1 leaves, so it is not run twice.)
 * Answers how many runs it made.
 */
export async function underEveryFault<T>(world: World, subject: ActUnderFaults<T>, options: FaultRunOptions): Promise<number> {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    const calls = await runOnce(world, subject, null, options);
    expect(calls, 'AWS calls of the act').toBeGreaterThan(0);
    let runs = 1;
    for (let at = 1; at <= calls; at += 1) {
      const faults: Fault[] = [
        { at, when: 'before', crash: false },
        { at, when: 'after', crash: false },
        { at, when: 'before', crash: true },
      ];
      for (const fault of faults) {
        try {
          await runOnce(world, subject, fault, options);
        } catch (error) {
          throw new Error(`with fault ${JSON.stringify(fault)}: ${(error as Error).message}`, { cause: error });
        }
        runs += 1;
      }
    }
    return runs;
  } finally {
    vi.useRealTimers();
  }
}

/** The answer of a run: the retry's when the first attempt failed. */
export function finalAnswer<T>(outcome: Outcome<T>): Settled<T> {
  return outcome.retry ?? outcome.first;
}

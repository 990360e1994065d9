import { describe, expect, it } from 'vitest';
import { workflowFunctions } from '../../infra/functions';
import {
  createLambdaInvoker,
  definitionSubstitutions,
  functionArn,
  functionNameOf,
  manifestFunctions,
  substituteDefinition,
  withConcurrencyLimit,
} from '../../infra/local/lambda';

const invoker = createLambdaInvoker({
  functions: new Map([
    ['Echo', 'test/local/fixtures/handlers.ts'],
    ['Broken', 'test/local/fixtures/no-handler.ts'],
  ]),
  defaultTimeoutMs: 60_000,
});

describe('local Lambda invoker', () => {
  it.each([
    ['Echo', 'Echo'],
    ['arn:aws:lambda:us-east-1:000000000000:function:Echo', 'Echo'],
    ['arn:aws:lambda:us-east-1:000000000000:function:Echo:$LATEST', 'Echo'],
    ['000000000000:function:Echo', 'Echo'],
  ])('finds the function from %s', (given, expected) => {
    expect(functionNameOf(given)).toBe(expected);
  });

  it('calls the handler with the payload and a Lambda-like context', async () => {
    // Given a payload, When the function is invoked by ARN
    const result = (await invoker.invoke(functionArn('Echo'), { caseId: 'C1' })) as Record<string, unknown>;

    // Then the handler saw the payload and a context naming the function
    expect(result.event).toEqual({ caseId: 'C1' });
    expect(result.functionName).toBe('Echo');
    expect(result.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:Echo');
    expect(result.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(60_000);
  });

  it('lets a thrown error keep its name, which the engine turns into the ASL error', async () => {
    await expect(invoker.invoke('Echo', { fail: 'TransientError' })).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('answers an unknown function as the Lambda service does', async () => {
    await expect(invoker.invoke('Nope', {})).rejects.toMatchObject({ name: 'Lambda.ResourceNotFoundException' });
  });

  it('says when the entry file exports no handler', async () => {
    await expect(invoker.invoke('Broken', {})).rejects.toThrow(/does not export a function named handler/);
  });

  it('knows every function of the manifest', () => {
    const functions = manifestFunctions();
    for (const name of [...Object.keys(workflowFunctions), 'Health', 'Reports', 'Sweeper', 'DeliveryEvents']) {
      expect(functions.has(name), name).toBe(true);
    }
  });
});

describe('state machine definition substitution', () => {
  it('replaces each ${XFunctionArn} with the local function ARN', () => {
    const text = JSON.stringify({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${OpenCaseFunctionArn}' } });
    const substituted = JSON.parse(substituteDefinition(text, definitionSubstitutions())) as { Parameters: { FunctionName: string } };
    expect(substituted.Parameters.FunctionName).toBe('arn:aws:lambda:us-east-1:000000000000:function:OpenCase');
  });

  it('refuses a name the manifest does not define', () => {
    expect(() => substituteDefinition('{"a":"${MissingFunctionArn}"}', definitionSubstitutions())).toThrow(/MissingFunctionArn/);
  });
});

describe('the concurrency limit of task Lambdas', () => {
  it('runs at most the limit at once, queues the rest in order, and passes answers and failures through', async () => {
    // Given a call that stays open until released, under a limit of 3
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const call = async (n: number): Promise<number> => {
      running += 1;
      most = Math.max(most, running);
      started.push(n);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      if (n === 4) throw new Error('call 4 failed');
      return n * 10;
    };
    const limited = withConcurrencyLimit(call, 3);

    // When ten calls are made at once and released as they start
    const answers = Array.from({ length: 10 }, (_, n) => limited(n).catch((error: Error) => error.message));
    for (let released = 0, turn = 0; turn < 200 && released < 10; turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      const release = releases.shift();
      if (release) {
        release();
        released += 1;
      }
    }

    // Then never more than three ran at once, each started in the order it was made, and each answered its own
    expect(await Promise.all(answers)).toEqual([0, 10, 20, 30, 'call 4 failed', 50, 60, 70, 80, 90]);
    expect(most).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  /** One slot, and calls by name that record their start and hold the slot until released, in lanes by `laneOf`. */
  function oneHeldSlot(laneOf: (name: string) => number, lanes: number, aging: { now?: () => number; agingMs?: number } = {}) {
    const started: string[] = [];
    const releases: Array<() => void> = [];
    const limited = withConcurrencyLimit(
      async (name: string) => {
        started.push(name);
        await new Promise<void>((resolve) => releases.push(resolve));
      },
      1,
      { laneOf, lanes, ...aging },
    );
    return { limited, started, releases };
  }

  it('starts the waiting calls lane by lane, lane 0 first, each lane in the order its calls were made', async () => {
    // Given one slot, held, and calls whose lane is their first letter: D(eadline) 0, N(otice) 1, the rest 2
    const { limited, started, releases } = oneHeldSlot((name) => ({ D: 0, N: 1 })[name[0] as 'D' | 'N'] ?? 2, 3);
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    // When calls of every lane queue behind the first, mixed
    const calls = ['o1', 'o2', 'N1', 'D1', 'o3', 'N2', 'D2'].map((name) => limited(name));
    await settle();
    for (let turn = 0; turn < 7; turn += 1) {
      releases.shift()?.();
      await settle();
    }
    await Promise.all(calls);

    // Then each free slot went to the first lane with a call waiting, before calls that waited longer
    expect(started).toEqual(['o1', 'D1', 'D2', 'N1', 'N2', 'o2', 'o3']);
  });

  it.each([
    [-1, 0],
    [7, 1],
    [0.6, 0],
  ])('puts a call whose lane is %d in lane %i of two', async (lane, expected) => {
    const { limited, started, releases } = oneHeldSlot((name) => (name === 'probe' ? lane : name === 'first' ? 0 : 1 - expected), 2);
    // The probe and a call of the other lane queue behind a held slot: the probe goes first only in lane 0
    const calls = [limited('first'), limited('other'), limited('probe')];
    for (let turn = 0; turn < 3; turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    await Promise.all(calls);
    expect(started[1]).toBe(expected === 0 ? 'probe' : 'other');
  });

  it.each([
    // A call of the last lane that has waited the aging time goes before a newer deadline's.
    { waitedMs: 60_000, order: ['first', 'o1', 'D1', 'D2'] },
    // Short of it, the lanes decide.
    { waitedMs: 59_999, order: ['first', 'D1', 'D2', 'o1'] },
  ])('starts a call that waited $waitedMs ms in the order $order, with 60 s aging', async ({ waitedMs, order }) => {
    // Given one slot, held, and a clock the test moves
    let clock = 0;
    const { limited, started, releases } = oneHeldSlot((name) => (name.startsWith('D') ? 0 : 2), 3, { now: () => clock, agingMs: 60_000 });
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    // When an ordinary call waits, and deadlines' calls queue after it once it has waited
    const calls = [limited('first'), limited('o1')];
    clock = waitedMs;
    calls.push(limited('D1'), limited('D2'));
    for (let turn = 0; turn < 4; turn += 1) {
      await settle();
      releases.shift()?.();
    }
    await Promise.all(calls);

    // Then the slots went in that order: aging only lets it pass calls newer than itself
    expect(started).toEqual(order);
  });

  it('gives the slot back when a call throws before it returns a promise', async () => {
    const limited = withConcurrencyLimit((fail: boolean) => {
      if (fail) throw new Error('thrown at once');
      return Promise.resolve('done');
    }, 1);
    await expect(limited(true)).rejects.toThrow('thrown at once');
    expect(await limited(false)).toBe('done');
  });

  it('counts the longest wait across both lanes', async () => {
    let clock = 0;
    const releases: Array<() => void> = [];
    const limited = withConcurrencyLimit((_urgent: boolean) => new Promise<void>((resolve) => releases.push(resolve)), 1, {
      now: () => clock,
      laneOf: (urgent) => (urgent ? 0 : 1),
      lanes: 2,
    });
    const calls = [limited(false)];
    clock = 1_000;
    calls.push(limited(false));
    clock = 3_000;
    calls.push(limited(true));
    clock = 4_000;
    await new Promise((resolve) => setImmediate(resolve));
    // The urgent call goes next, but the ordinary one behind it has waited longest.
    expect(limited.backlog()).toEqual({ waiting: 2, oldestWaitMs: 3_000 });
    for (let n = 0; n < 3; n += 1) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(calls);
    expect(limited.backlog()).toEqual({ waiting: 0, oldestWaitMs: 0 });
  });

  it('tells how many calls wait for a slot and how long the first in line has waited', async () => {
    // Given one slot, held, and a clock the test moves
    let clock = 1_000;
    const releases: Array<() => void> = [];
    const limited = withConcurrencyLimit(() => new Promise<void>((resolve) => releases.push(resolve)), 1, { now: () => clock });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    expect(limited.backlog()).toEqual({ waiting: 0, oldestWaitMs: 0 });

    // When three calls are made 2 s apart
    const calls = [limited()];
    clock += 2_000;
    calls.push(limited());
    clock += 2_000;
    calls.push(limited());
    await settle();
    clock += 1_000;

    // Then the two behind the running one wait, the first of them for 3 s
    expect(limited.backlog()).toEqual({ waiting: 2, oldestWaitMs: 3_000 });

    // And as each gets its turn the wait is the next one's
    releases.shift()?.();
    await settle();
    expect(limited.backlog()).toEqual({ waiting: 1, oldestWaitMs: 1_000 });
    releases.shift()?.();
    await settle();
    expect(limited.backlog()).toEqual({ waiting: 0, oldestWaitMs: 0 });
    releases.shift()?.();
    await Promise.all(calls);
  });
});

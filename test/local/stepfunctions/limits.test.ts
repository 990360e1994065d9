import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  INLINE_MAP_MAX_CONCURRENCY,
  MAX_EXECUTION_MS,
  MAX_HISTORY_EVENTS,
  MAX_PAYLOAD_BYTES,
} from '../../../infra/local/stepfunctions/limits';
import { fnArn, harnessPerTest, LAMBDA_TASK_STATE_EVENTS, type Handler } from './harness';

/**
 * AWS's limits on a Standard execution, and the ways AWS fails, as the local engine enforces them
 * (infra/local/stepfunctions/limits.ts cites the documentation of each).
 */
const harness = harnessPerTest();
afterEach(() => {
  vi.useRealTimers();
});

const single = (state: object) => ({ StartAt: 'S', States: { S: { ...state, End: true } } });
/** A Catch on States.ALL that goes to `next`, and that state; state names are unique in a whole definition. */
const catchAll = (next = 'Caught') => ({ Catch: [{ ErrorEquals: ['States.ALL'], Next: next }] });
const caught = (name = 'Caught') => ({ [name]: { Type: 'Pass', Result: 'caught', End: true } });

describe('an inline Map runs at most 40 iterations at once', () => {
  /** A Lambda that counts how many of its calls are in flight, each ending on a later turn. */
  function countingWork() {
    const seen = { inFlight: 0, most: 0, calls: 0 };
    const work: Handler = async (payload) => {
      seen.calls++;
      seen.most = Math.max(seen.most, ++seen.inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.inFlight--;
      return payload;
    };
    return { seen, work };
  }
  const mapOf = (concurrency: object) => ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ...concurrency,
        ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Task', Resource: fnArn('work'), End: true } } },
        End: true,
      },
    },
  });
  const items = Array.from({ length: 100 }, (_, i) => i);

  it.each<[string, object, Record<string, unknown>, number]>([
    ['MaxConcurrency absent', {}, {}, INLINE_MAP_MAX_CONCURRENCY],
    ['MaxConcurrency 0 (no limit of its own)', { MaxConcurrency: 0 }, {}, INLINE_MAP_MAX_CONCURRENCY],
    ['MaxConcurrency 100', { MaxConcurrency: 100 }, {}, INLINE_MAP_MAX_CONCURRENCY],
    ['MaxConcurrencyPath selecting 1000', { MaxConcurrencyPath: '$.most' }, { most: 1000 }, INLINE_MAP_MAX_CONCURRENCY],
    ['MaxConcurrency 5 (below the limit)', { MaxConcurrency: 5 }, {}, 5],
  ])('%s', async (_label, concurrency, extra, most) => {
    const { seen, work } = countingWork();
    const r = await harness({ work }).run(
      { ...mapOf(concurrency), States: { M: { ...mapOf(concurrency).States.M, ItemsPath: '$.items' } } },
      {
        items,
        ...extra,
      },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output ?? 'null')).toEqual(items);
    expect(seen.calls).toBe(100);
    expect(seen.most).toBe(most);
  });
});

describe('25,000 history events per execution', () => {
  it('counts the events AWS records for one Lambda task', async () => {
    const h = harness({ quick: () => 'done' });
    const r = await h.run(single({ Type: 'Task', Resource: fnArn('quick') }));
    expect(h.engine.getExecutionHistory(r.arn).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      ...LAMBDA_TASK_STATE_EVENTS,
      'ExecutionSucceeded',
    ]);
  });

  // A Map of n Pass items records 4n + 6 events: ExecutionStarted, MapStateEntered, MapStateStarted,
  // per item MapIterationStarted, PassStateEntered, PassStateExited, MapIterationSucceeded, then
  // MapStateSucceeded, MapStateExited and the execution's end.
  const passMap = {
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
  };

  it('runs a history of 24,998 events to the end', async () => {
    const h = harness();
    const r = await h.run(
      passMap,
      Array.from({ length: 6248 }, (_, i) => i),
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(h.engine.getExecutionHistory(r.arn)).toHaveLength(4 * 6248 + 6);
  });

  it('fails an execution whose history would pass 25,000 events, with the failure as event 25,000', async () => {
    const h = harness();
    const r = await h.run(
      passMap,
      Array.from({ length: 6249 }, (_, i) => i),
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining('25000') });
    const history = h.engine.getExecutionHistory(r.arn);
    expect(history).toHaveLength(MAX_HISTORY_EVENTS);
    expect(history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('ends a loop that never ends (no Catch can keep it going)', async () => {
    const h = harness();
    const loop = {
      StartAt: 'Again',
      States: {
        Again: { Type: 'Pass', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.done', IsPresent: true, Next: 'Done' }], Default: 'Again' },
        Done: { Type: 'Succeed' },
      },
    };
    const r = await h.run(loop, {});
    expect(r.status).toBe('FAILED');
    expect(h.engine.getExecutionHistory(r.arn)).toHaveLength(MAX_HISTORY_EVENTS);
  });
});

describe('256 KB for every state input, output, task payload and result', () => {
  // A JSON string of n characters is n + 2 bytes.
  const exactly = 'a'.repeat(MAX_PAYLOAD_BYTES - 2);
  const task = (rest: object = {}) => ({ Type: 'Task', Resource: fnArn('big'), ...rest });

  it('takes a result of exactly 262,144 bytes', async () => {
    const r = await harness({ big: () => exactly }).run(single(task()));
    expect(r.status).toBe('SUCCEEDED');
  });

  it('fails a 257 KB result with States.DataLimitExceeded, which neither Retry nor Catch on States.ALL takes, even around a Map', async () => {
    const h = harness({ big: () => `${exactly}a` });
    const retried = task({
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3, IntervalSeconds: 1 }],
      ...catchAll('CaughtInside'),
      End: true,
    });
    const definition = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemProcessor: { StartAt: 'S', States: { S: retried, ...caught('CaughtInside') } }, ...catchAll(), End: true },
        ...caught(),
      },
    };
    const r = await h.run(definition, [1]);
    expect(r).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'S' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
    expect(h.calls).toHaveLength(1);
    expect(h.statusEvents.map((e) => e.detail.status)).toEqual(['FAILED']);
  });

  it('fails a task whose parameters pass the limit before its Lambda is called', async () => {
    const h = harness({ big: () => 'unused' });
    const r = await h.run(single(task({ Parameters: { 'a.$': '$.s', 'b.$': '$.s' } })), { s: 'b'.repeat(150_000) });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining('has parameters') });
    expect(h.calls).toHaveLength(0);
  });

  it('fails a state whose output passes the limit', async () => {
    const r = await harness().run(single({ Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' } }), { s: 'c'.repeat(150_000) });
    expect(r).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining('has an output') });
  });
});

describe('one year for a Standard execution, on the engine’s clock', () => {
  const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-01-01T00:00:00Z') });

  it.each([
    ['no TimeoutSeconds', {}],
    ['a TimeoutSeconds of two years', { TimeoutSeconds: 2 * 365 * 24 * 3600 }],
  ])('times out after one year with %s, and raises the status change', async (_label, timeout) => {
    fakeClock();
    const h = harness();
    const arn = h.engine.createStateMachine('year', JSON.stringify({ ...single({ Type: 'Wait', Seconds: 99_999_999 }), ...timeout }));
    const { executionArn } = h.engine.startExecution(arn, 'long', '{}');
    await vi.advanceTimersByTimeAsync(MAX_EXECUTION_MS - 1000);
    expect(h.engine.describeExecution(executionArn).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await h.engine.waitForExecution(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(h.statusEvents.map((e) => e.detail.status)).toEqual(['TIMED_OUT']);
  });

  it('waits for a timestamp to the second: AWS drops its milliseconds (state-wait.html)', async () => {
    fakeClock();
    const h = harness();
    const arn = h.engine.createStateMachine('stamp', JSON.stringify(single({ Type: 'Wait', Timestamp: '2026-01-01T00:00:01.900Z' })));
    const { executionArn } = h.engine.startExecution(arn, 'stamp', '{}');
    await vi.advanceTimersByTimeAsync(999);
    expect(h.engine.describeExecution(executionArn).status).toBe('RUNNING');
    await vi.advanceTimersByTimeAsync(1);
    expect((await h.engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });
});

/**
 * Recorded AWS behaviour, each row with the page that documents it; this engine must give AWS's
 * answer (aws-local-stepfunctions differs on several, see differential.test.ts).
 */
describe('fails the way AWS fails', () => {
  const ERRORS = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
  const WAIT = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html';
  const MAP = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html';
  const INTRINSICS = 'https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html';
  const wait = (field: object) => single({ Type: 'Wait', ...field });
  const mapWith = (field: object) =>
    single({ Type: 'Map', ItemsPath: '$.items', ...field, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } });
  const add = (expression: string) => single({ Type: 'Pass', Parameters: { 'v.$': expression } });
  const runtime = { status: 'FAILED', error: 'States.Runtime' };

  it.each<[string, object, unknown, Record<string, unknown>, string]>([
    [
      'a runtime error names the state and the event that entered it',
      single({ Type: 'Pass', Parameters: { 'v.$': '$.missing' } }),
      { a: 1 },
      { ...runtime, cause: expect.stringMatching(/^An error occurred while executing the state 'S' \(entered at the event id #2\)\. /) },
      ERRORS,
    ],
    ['SecondsPath selecting a fraction', wait({ SecondsPath: '$.s' }), { s: 1.5 }, runtime, WAIT],
    ['SecondsPath selecting a negative number', wait({ SecondsPath: '$.s' }), { s: -1 }, runtime, WAIT],
    ['SecondsPath selecting 0', wait({ SecondsPath: '$.s' }), { s: 0 }, { status: 'SUCCEEDED' }, WAIT],
    ['Timestamp with a lower-case t', wait({ Timestamp: '2020-01-01t00:00:00Z' }), {}, runtime, WAIT],
    ['TimestampPath with a lower-case z', wait({ TimestampPath: '$.at' }), { at: '2020-01-01T00:00:00z' }, runtime, WAIT],
    [
      'TimestampPath in the past, upper case',
      wait({ TimestampPath: '$.at' }),
      { at: '2020-01-01T00:00:00.5Z' },
      { status: 'SUCCEEDED' },
      WAIT,
    ],
    ['MaxConcurrencyPath selecting a fraction', mapWith({ MaxConcurrencyPath: '$.m' }), { items: [1], m: 2.5 }, runtime, MAP],
    ['MaxConcurrencyPath selecting a negative number', mapWith({ MaxConcurrencyPath: '$.m' }), { items: [1], m: -1 }, runtime, MAP],
    ['MaxConcurrencyPath selecting a string', mapWith({ MaxConcurrencyPath: '$.m' }), { items: [1], m: '2' }, runtime, MAP],
    ['MaxConcurrencyPath selecting 0', mapWith({ MaxConcurrencyPath: '$.m' }), { items: [1], m: 0 }, { status: 'SUCCEEDED' }, MAP],
    ['MathAdd rounds 1.5 up', add('States.MathAdd($.n, 1)'), { n: 1.5 }, { status: 'SUCCEEDED', output: '{"v":3}' }, INTRINSICS],
    [
      'MathAdd rounds -1.5 toward +∞, as Java does',
      add('States.MathAdd($.n, 0)'),
      { n: -1.5 },
      { status: 'SUCCEEDED', output: '{"v":-1}' },
      INTRINSICS,
    ],
    ['MathAdd rounds 2.4 down', add('States.MathAdd($.n, 0)'), { n: 2.4 }, { status: 'SUCCEEDED', output: '{"v":2}' }, INTRINSICS],
    ['MathAdd refuses a string', add('States.MathAdd($.n, 1)'), { n: '1' }, runtime, INTRINSICS],
    [
      'a failed intrinsic is States.Runtime, which a Catch on States.ALL does not take',
      {
        StartAt: 'Around',
        States: { Around: { Type: 'Parallel', Branches: [add('States.ArrayGetItem($.a, 9)')], ...catchAll(), End: true }, ...caught() },
      },
      { a: [] },
      runtime,
      ERRORS,
    ],
    [
      'no Choice rule matching is States.Runtime, which a Catch on States.ALL does not take',
      {
        StartAt: 'S',
        States: {
          S: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'C',
                States: { C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'E' }] }, E: { Type: 'Succeed' } },
              },
            ],
            ...catchAll(),
            End: true,
          },
          ...caught(),
        },
      },
      { n: 2 },
      runtime,
      ERRORS,
    ],
  ])('%s', async (_label, definition, input, awsAnswer) => {
    expect(await harness().run(definition, input)).toMatchObject(awsAnswer);
  });
});

describe('the EventBridge event of an execution that ends', () => {
  it('is raised as AWS raises it for a failed execution (eventbridge-integration.html)', async () => {
    const h = harness();
    const r = await h.run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Broken', Cause: 'on purpose' } } }, { a: 1 }, 'ends');
    await vi.waitFor(() => expect(h.statusEvents).toHaveLength(1));
    expect(h.statusEvents[0]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'us-east-1',
      resources: [r.arn],
      detail: {
        executionArn: r.arn,
        stateMachineArn: expect.stringMatching(/:stateMachine:sm1$/),
        name: 'ends',
        status: 'FAILED',
        startDate: r.startDate.getTime(),
        stopDate: r.stopDate?.getTime(),
        input: '{"a":1}',
        output: null,
        inputDetails: { included: true },
        outputDetails: null,
        error: 'Broken',
        cause: 'on purpose',
      },
    });
  });
});

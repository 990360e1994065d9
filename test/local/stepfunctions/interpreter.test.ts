import { describe, expect, it } from 'vitest';
import { evaluateRule, matchesPattern } from '../../../infra/local/stepfunctions/choice';
import { evaluateIntrinsic } from '../../../infra/local/stepfunctions/intrinsics';
import { fnArn, harnessPerTest } from './harness';

const harness = harnessPerTest();

class TransientError extends Error {
  override name = 'TransientError';
}

const pass = (extra: object = {}) => ({ Type: 'Pass', End: true, ...extra });
const one = (state: object, name = 'S') => ({ StartAt: name, States: { [name]: state } });
const output = (r: { output?: string }): unknown => JSON.parse(r.output ?? 'null');

describe('input and output processing', () => {
  it.each([
    ['InputPath', pass({ InputPath: '$.a' }), { a: { b: 1 } }, { b: 1 }],
    ['InputPath null', pass({ InputPath: null }), { a: 1 }, {}],
    [
      'Parameters with paths and context',
      pass({ Parameters: { 'x.$': '$.a', fixed: 2, 'name.$': '$$.Execution.Name', 'st.$': '$$.State.Name' } }),
      { a: 1 },
      { x: 1, fixed: 2, name: 'run1', st: 'S' },
    ],
    ['Result', pass({ Result: { r: true } }), { a: 1 }, { r: true }],
    ['Result false replaces the input', pass({ Result: false }), { a: 1 }, false],
    ['ResultPath into the input', pass({ Result: 5, ResultPath: '$.b.c' }), { a: 1 }, { a: 1, b: { c: 5 } }],
    ['ResultPath null keeps the input', pass({ Result: 5, ResultPath: null }), { a: 1 }, { a: 1 }],
    ['OutputPath', pass({ Result: { x: { y: 3 } }, OutputPath: '$.x' }), {}, { y: 3 }],
    ['wildcard over missing data is []', pass({ Parameters: { 'v.$': '$.items[*].id' } }), {}, { v: [] }],
  ])('%s', async (_name, state, input, expected) => {
    const r = await harness().run(one(state), input);
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual(expected);
  });

  it('gives the context object: Execution.Input, StartTime, Id and State.EnteredTime', async () => {
    const input = { q: 1 };
    const r = await harness().run(
      one(
        pass({
          Parameters: {
            'i.$': '$$.Execution.Input',
            't.$': '$$.Execution.StartTime',
            'id.$': '$$.Execution.Id',
            'e.$': '$$.State.EnteredTime',
          },
        }),
      ),
      input,
    );
    const out = output(r) as { i: unknown; t: string; id: string; e: string };
    expect(out.i).toEqual(input);
    expect(out.id).toBe(r.executionArn);
    expect(Date.parse(out.t)).not.toBeNaN();
    expect(Date.parse(out.e)).not.toBeNaN();
  });

  it('fails with States.Runtime when a Parameters path is missing', async () => {
    const r = await harness().run(one(pass({ Parameters: { 'x.$': '$.missing' } })), {});
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
});

describe('Choice', () => {
  const input = { n: 5, s: 'report-42.pdf', b: true, t: '2026-01-01T00:00:00Z', nil: null, other: 7, star: 'a*b' };
  it.each([
    [{ Variable: '$.n', NumericEquals: 5 }, true],
    [{ Variable: '$.n', NumericLessThan: 5 }, false],
    [{ Variable: '$.n', NumericGreaterThanEquals: 5 }, true],
    [{ Variable: '$.n', NumericLessThanPath: '$.other' }, true],
    [{ Variable: '$.s', StringEquals: 'report-42.pdf' }, true],
    [{ Variable: '$.s', StringGreaterThan: 'a' }, true],
    [{ Variable: '$.s', StringMatches: 'report-*.pdf' }, true],
    [{ Variable: '$.s', StringMatches: 'report-4?.pdf' }, false],
    [{ Variable: '$.star', StringMatches: 'a\\*b' }, true],
    [{ Variable: '$.s', StringMatches: 'a\\*b' }, false],
    [{ Variable: '$.n', StringMatches: '*' }, false],
    [{ Variable: '$.b', BooleanEquals: true }, true],
    [{ Variable: '$.t', TimestampLessThan: '2026-06-01T00:00:00Z' }, true],
    [{ Variable: '$.t', TimestampEquals: '2026-01-01T00:00:00.000Z' }, true],
    [{ Variable: '$.missing', IsPresent: false }, true],
    [{ Variable: '$.n', IsPresent: false }, false],
    [{ Variable: '$.nil', IsNull: true }, true],
    [{ Variable: '$.n', IsNull: false }, true],
    [{ Variable: '$.s', IsString: true }, true],
    [{ Variable: '$.n', IsNumeric: true }, true],
    [{ Variable: '$.b', IsBoolean: true }, true],
    [{ Variable: '$.t', IsTimestamp: true }, true],
    [{ Variable: '$.s', IsTimestamp: true }, false],
    [
      {
        And: [
          { Variable: '$.n', NumericEquals: 5 },
          { Variable: '$.b', BooleanEquals: true },
        ],
      },
      true,
    ],
    [
      {
        Or: [
          { Variable: '$.n', NumericEquals: 6 },
          { Variable: '$.b', BooleanEquals: false },
        ],
      },
      false,
    ],
    [{ Not: { Variable: '$.n', NumericEquals: 6 } }, true],
  ])('%j is %s', (rule, expected) => {
    expect(evaluateRule(rule, input, {})).toBe(expected);
  });

  it('treats only * as a wildcard', () => {
    expect(matchesPattern('a.b', 'a?b')).toBe(false);
    expect(matchesPattern('a?b', 'a?b')).toBe(true);
  });

  it('goes to Default, and fails with States.Runtime without one (AWS reports no match so)', async () => {
    const def = (withDefault: boolean) => ({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'One' }], ...(withDefault ? { Default: 'Other' } : {}) },
        One: pass({ Result: 'one' }),
        ...(withDefault ? { Other: pass({ Result: 'other' }) } : {}),
      },
    });
    expect(output(await harness().run(def(true), { n: 1 }))).toBe('one');
    expect(output(await harness().run(def(true), { n: 2 }))).toBe('other');
    expect((await harness().run(def(false), { n: 2 })).error).toBe('States.Runtime');
  });
});

describe('intrinsic functions', () => {
  const input = { a: [1, 2, 2, 3], s: 'a,b;;c', o: { x: 1 }, n: 1.5 };
  it.each([
    ["States.Format('Hello {} and {}', $.s, 2)", 'Hello a,b;;c and 2'],
    ["States.Format('{}', $.o)", '{x=1}'],
    ["States.Format('lit \\{\\} {}', 'x')", 'lit {} x'],
    ["States.Format('it\\'s {} \\\\', 'ok')", "it's ok \\"],
    ['States.StringToJson(\'{"k":1}\')', { k: 1 }],
    ["States.StringToJson('')", null],
    ['States.JsonToString($.o)', '{"x":1}'],
    ["States.Array(1, 'two', $.o)", [1, 'two', { x: 1 }]],
    ['States.ArrayPartition($.a, 3)', [[1, 2, 2], [3]]],
    ['States.ArrayContains($.a, 3)', true],
    ['States.ArrayRange(1, 9, 3)', [1, 4, 7]],
    ['States.ArrayGetItem($.a, 3)', 3],
    ['States.ArrayLength($.a)', 4],
    ['States.ArrayUnique($.a)', [1, 2, 3]],
    ["States.Base64Encode('hi')", 'aGk='],
    ["States.Base64Decode('aGk=')", 'hi'],
    ["States.Hash('abc', 'SHA-256')", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['States.JsonMerge($.o, States.StringToJson(\'{"y":2}\'), false)', { x: 1, y: 2 }],
    ['States.MathAdd($.n, 1)', 3],
    ['States.MathAdd(-1, 1)', 0],
    ["States.StringSplit($.s, ',;')", ['a', 'b', 'c']],
    ['States.ArrayLength(States.Array(1, 2))', 2],
  ])('%s', (expression, expected) => {
    expect(evaluateIntrinsic(expression, input, {})).toEqual(expected);
  });

  it('makes random numbers in range and UUIDs', () => {
    const n = evaluateIntrinsic('States.MathRandom(1, 10)', {}, {}) as number;
    expect(n >= 1 && n < 10).toBe(true);
    expect(evaluateIntrinsic('States.UUID()', {}, {})).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails with States.Runtime on bad arguments (AWS reports a failed intrinsic so)', async () => {
    const r = await harness().run(one(pass({ Parameters: { 'x.$': 'States.ArrayGetItem($.a, 9)' } })), { a: [] });
    expect(r.error).toBe('States.Runtime');
  });
});

describe('Task, Retry and Catch', () => {
  it('returns the lambda:invoke envelope and a function ARN result as is', async () => {
    const h = harness({ echo: (p) => ({ got: p }) });
    const r = await h.run({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('echo'), Payload: { k: 1 } },
          ResultPath: '$.a',
          Next: 'B',
        },
        B: { Type: 'Task', Resource: fnArn('echo'), Parameters: { k: 2 }, ResultPath: '$.b', End: true },
      },
    });
    const out = output(r) as { a: { Payload: unknown; StatusCode: number }; b: unknown };
    expect(out.a.Payload).toEqual({ got: { k: 1 } });
    expect(out.a.StatusCode).toBe(200);
    expect(out.b).toEqual({ got: { k: 2 } });
  });

  it('retries a named error, then succeeds', async () => {
    let calls = 0;
    const h = harness({
      flaky: () => {
        calls++;
        if (calls < 3) throw new TransientError('throttled');
        return 'ok';
      },
    });
    const r = await h.run(
      one({
        Type: 'Task',
        Resource: fnArn('flaky'),
        Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 0, MaxAttempts: 3, JitterStrategy: 'NONE' }],
        End: true,
      }),
    );
    expect(output(r)).toBe('ok');
    expect(calls).toBe(3);
  });

  it('catches after MaxAttempts with the error and a Lambda-style cause', async () => {
    const h = harness({
      bad: () => {
        throw new TransientError('still down');
      },
    });
    const r = await h.run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: fnArn('bad'),
            Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 0, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Done' }],
            End: true,
          },
          Done: pass(),
        },
      },
      { k: 1 },
    );
    const out = output(r) as { k: number; err: { Error: string; Cause: string } };
    expect(out.err.Error).toBe('TransientError');
    expect(JSON.parse(out.err.Cause)).toEqual({ errorMessage: 'still down', errorType: 'TransientError' });
    expect(h.calls).toHaveLength(2);
  });

  it('times out a task with States.Timeout, caught by name', async () => {
    const h = harness({ hang: () => new Promise(() => undefined) });
    const r = await h.run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: fnArn('hang'),
            TimeoutSecondsPath: '$.t',
            Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }],
            End: true,
          },
          Late: pass(),
        },
      },
      { t: 1 },
    );
    expect((output(r) as { Error: string }).Error).toBe('States.Timeout');
    expect(h.engine.getExecutionHistory(r.arn).map((e) => e.type)).toContain('LambdaFunctionTimedOut');
  });

  it('times out a waitForTaskToken task without heartbeat (States.HeartbeatTimeout)', async () => {
    const h = harness({ store: () => ({}) });
    const r = await h.run(
      one({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fnArn('store'), Payload: { 'token.$': '$$.Task.Token' } },
        HeartbeatSeconds: 1,
        End: true,
      }),
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.HeartbeatTimeout');
  });

  it('completes a waitForTaskToken task with SendTaskSuccess output; tokens are unique per task', async () => {
    const tokens: string[] = [];
    const h = harness({
      store: (p) => {
        tokens.push((p as { token: string }).token);
        return {};
      },
    });
    const wait = (next: object) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fnArn('store'), Payload: { 'token.$': '$$.Task.Token' } },
      ...next,
    });
    const arn = h.engine.createStateMachine(
      'cb',
      JSON.stringify({ StartAt: 'A', States: { A: wait({ ResultPath: '$.a', Next: 'B' }), B: wait({ End: true }) } }),
    );
    const { executionArn } = h.engine.startExecution(arn, 'cb1', '{}');
    await until(() => tokens.length === 1);
    h.engine.sendTaskSuccess(tokens[0]!, '{"first":true}');
    expect(() => h.engine.sendTaskSuccess(tokens[0]!, '{}')).toThrow(/Task Timed Out/);
    await until(() => tokens.length === 2);
    expect(tokens[1]).not.toBe(tokens[0]);
    h.engine.sendTaskFailure(tokens[1]!, 'Rejected', 'no');
    const done = await h.engine.waitForExecution(executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Rejected');
    expect(() => h.engine.sendTaskSuccess('not-a-token', '{}')).toThrow(/Invalid Token/);
  });
});

describe('Wait, Fail, Parallel, Map', () => {
  it.each([
    ['Seconds', { Seconds: 1 }],
    ['SecondsPath', { SecondsPath: '$.s' }],
    ['Timestamp in the past', { Timestamp: '2020-01-01T00:00:00Z' }],
    ['TimestampPath', { TimestampPath: '$.at' }],
  ])('waits with %s, then passes its input on', async (_name, wait) => {
    const input = { s: 0, at: new Date(Date.now() + 500).toISOString() };
    const r = await harness().run(one({ Type: 'Wait', ...wait, End: true }), input);
    expect(output(r)).toEqual(input);
  });

  it('fails with Error/Cause and ErrorPath/CausePath', async () => {
    expect((await harness().run(one({ Type: 'Fail', Error: 'E', Cause: 'C' }))).cause).toBe('C');
    const r = await harness().run(one({ Type: 'Fail', ErrorPath: '$.e', CausePath: "States.Format('bad {}', $.n)" }), {
      e: 'Custom',
      n: 3,
    });
    expect([r.error, r.cause]).toEqual(['Custom', 'bad 3']);
  });

  it('runs Parallel branches and catches a failing branch', async () => {
    const r = await harness().run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [one(pass({ Result: 1 }), 'B1'), one({ Type: 'Fail', Error: 'BranchFailed', Cause: 'x' }, 'B2')],
            Catch: [{ ErrorEquals: ['BranchFailed'], ResultPath: '$.caught', Next: 'Done' }],
            End: true,
          },
          Done: pass(),
        },
      },
      {},
    );
    expect((output(r) as { caught: { Error: string } }).caught.Error).toBe('BranchFailed');
  });

  it('runs a Map with ItemSelector, MaxConcurrency and ResultSelector', async () => {
    let running = 0;
    let peak = 0;
    const h = harness({
      slow: async (p) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return (p as { v: number }).v * 10;
      },
    });
    const r = await h.run(
      one({
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index', 'tag.$': '$.tag' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'T',
          States: { T: { Type: 'Task', Resource: fnArn('slow'), End: true } },
        },
        ResultSelector: { 'all.$': '$' },
        ResultPath: '$.out',
        End: true,
      }),
      { items: [1, 2, 3, 4, 5], tag: 't' },
    );
    expect((output(r) as { out: { all: number[] } }).out.all).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
    expect(h.calls[0]?.payload).toEqual({ v: 1, i: 0, tag: 't' });
  });

  it('runs a Map with legacy Iterator and Parameters over an empty array', async () => {
    const r = await harness().run(
      one({ Type: 'Map', Parameters: { 'x.$': '$$.Map.Item.Value' }, Iterator: one(pass(), 'Item'), End: true }),
      [],
    );
    expect(output(r)).toEqual([]);
  });
});

describe('definitions the engine refuses', () => {
  it.each([
    ['JSONata', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', End: true } } }, /JSONata/],
    [
      'DynamoDB integration',
      one({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: {}, End: true }),
      /State "S".*dynamodb:putItem/,
    ],
    [
      'an integration other than Lambda and child executions',
      one({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: {}, End: true }),
      /sqs:sendMessage/,
    ],
    [
      'distributed Map',
      one({
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'X', States: { X: pass() } },
        End: true,
      }),
      /DISTRIBUTED/,
    ],
    [
      'ItemReader',
      one({
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: {} },
        ItemProcessor: { StartAt: 'X', States: { X: pass() } },
        End: true,
      }),
      /ItemReader|Invalid State Machine/,
    ],
    ['unknown type', one({ Type: 'Teleport', End: true }), /Teleport|Invalid State Machine/],
    ['a missing Next target', { StartAt: 'S', States: { S: { Type: 'Pass', Next: 'Nowhere' } } }, /Invalid State Machine/],
  ])('refuses %s with InvalidDefinition', (_name, definition, message) => {
    const h = harness();
    expect(() => h.engine.createStateMachine('bad', JSON.stringify(definition))).toThrow(message);
    try {
      h.engine.createStateMachine('bad', JSON.stringify(definition));
    } catch (error) {
      expect((error as { type: string }).type).toBe('InvalidDefinition');
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('payload size', () => {
  it('reports the largest state input or output seen', async () => {
    const h = harness();
    await h.run(one(pass({ Parameters: { 'big.$': "States.Format('{}', $.s)" } })), { s: 'x'.repeat(5000) });
    expect(h.engine.largestPayload.largestBytes).toBeGreaterThan(5000);
    expect(h.engine.largestPayload.stateName).toBe('S');
  });
});

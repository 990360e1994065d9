import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaInvokeResult } from '../../../infra/local/stepfunctions';
import type { Json } from '../../../infra/local/stepfunctions/paths';
import { workflowFunctions } from '../../../infra/functions';
import { bindArns } from '../../../statemachines/builder';
import { EngineHarness, fnArn } from './harness';

/**
 * The same definitions, inputs and stub Lambdas through this project's engine and through
 * aws-local-stepfunctions; their outcomes must agree, except where aws-local-stepfunctions is
 * known to differ from AWS (../shared/STACK.md), where each engine's own answer is asserted.
 */
type Stub = (payload: Json) => Json | Promise<Json>;
interface Stubs {
  /** Plain Lambdas, by function name. */
  lambdas?: Record<string, Stub>;
  /** Lambdas behind `.waitForTaskToken`: what the person's answer (SendTaskSuccess output) is. */
  callbacks?: Record<string, Stub>;
}
interface Outcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: Json;
  error?: string;
  cause?: string;
}

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});

const nameOf = (arn: unknown): string => String(arn).split(':').pop() ?? '';
const EXECUTION_NAME = 'diff';
/** aws-local-stepfunctions has a static context object: give it what ours computes. */
const theirContext = (input: Json) => ({
  Execution: {
    Id: `arn:aws:states:us-east-1:123456789012:execution:sm1:${EXECUTION_NAME}`,
    Name: EXECUTION_NAME,
    Input: input,
    StartTime: '2026-01-01T00:00:00Z',
  },
  Task: { Token: 'static-token' },
  // The count of the current state's retries: a batch's child is named after it, and no start is retried here.
  State: { RetryCount: 0 },
});

/** The child state machines a definition starts (startExecution.sync:2), by name: registered with ours, run inline by theirs. */
type Children = Record<string, object>;

async function runOurs(definition: object, input: Json, makeStubs: () => Stubs, children: Children = {}): Promise<Outcome> {
  const { lambdas = {}, callbacks = {} } = makeStubs();
  const handlers: Record<string, (payload: unknown) => unknown> = { ...lambdas } as never;
  const h = new EngineHarness(handlers);
  harnesses.push(h);
  for (const [name, answer] of Object.entries(callbacks)) {
    handlers[name] = async (payload) => {
      const p = payload as { taskToken?: string; token?: string };
      const output = await answer(payload as Json);
      // Like the project's StoreTaskToken when the awaited act already happened: completes its own token.
      setImmediate(() => h.engine.sendTaskSuccess(String(p.taskToken ?? p.token), JSON.stringify(output)));
      return {};
    };
  }
  for (const [name, child] of Object.entries(children)) h.engine.createStateMachine(name, JSON.stringify(child));
  const r = await h.run(definition, input, EXECUTION_NAME);
  return r.status === 'SUCCEEDED'
    ? { status: 'SUCCEEDED', output: JSON.parse(r.output ?? 'null') as Json }
    : { status: 'FAILED', error: r.error ?? '', cause: r.cause ?? '' };
}

function taskStates(scope: { States: Record<string, Record<string, unknown>> }, out: Record<string, Record<string, unknown>> = {}) {
  for (const [name, state] of Object.entries(scope.States)) {
    if (state.Type === 'Task') out[name] = state;
    for (const branch of (state.Branches as never[] | undefined) ?? []) taskStates(branch, out);
    const processor = (state.ItemProcessor ?? state.Iterator) as never;
    if (processor) taskStates(processor, out);
  }
  return out;
}

async function runTheirs(
  definition: object,
  input: Json,
  makeStubs: () => Stubs,
  waits: string[] = [],
  children: Children = {},
): Promise<Outcome> {
  const { lambdas = {}, callbacks = {} } = makeStubs();
  const overrides: Record<string, (input: Json) => Promise<Json>> = {};
  const runOptions = () => ({
    context: theirContext(input) as never,
    overrides: { taskResourceLocalHandlers: overrides as never, waitTimeOverrides: Object.fromEntries(waits.map((w) => [w, 0])) },
  });
  // aws-local-stepfunctions runs Lambda tasks only: a child execution runs its definition inline, with the same stubs.
  const childMachines = Object.fromEntries(
    Object.entries(children).map(([name, child]) => [
      name,
      new StateMachine(child as never, { validationOptions: { checkArn: true, checkPaths: true } }),
    ]),
  );
  const machines = [definition, ...Object.values(children)];
  for (const [stateName, state] of machines.flatMap((machine) => Object.entries(taskStates(machine as never)))) {
    const resource = String(state.Resource);
    overrides[stateName] = async (taskInput) => {
      if (resource.startsWith('arn:aws:states:::states:startExecution')) {
        const { StateMachineArn, Input } = taskInput as { StateMachineArn: string; Input: Json };
        const child = childMachines[nameOf(StateMachineArn)];
        if (!child) throw new Error(`No child state machine ${StateMachineArn}`);
        return { Output: (await child.run(Input as never, runOptions()).result) as Json, Status: 'SUCCEEDED' };
      }
      if (!resource.startsWith('arn:aws:states:::')) return lambdas[nameOf(resource)]!(taskInput);
      const { FunctionName, Payload } = taskInput as { FunctionName: string; Payload: Json };
      if (resource.endsWith('.waitForTaskToken')) return callbacks[nameOf(FunctionName)]!(Payload);
      return lambdaInvokeResult(await lambdas[nameOf(FunctionName)]!(Payload));
    };
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  try {
    const output = await machine.run(input as never, runOptions()).result;
    return { status: 'SUCCEEDED', output: output as Json };
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    return { status: 'FAILED', error: cause?.name ?? 'unknown', cause: cause?.message ?? '' };
  }
}

class TransientError extends Error {
  override name = 'TransientError';
}

const invoke = (fn: string, extra: object) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fnArn(fn), 'Payload.$': '$' },
  ...extra,
});
const PAST = '2020-01-01T00:00:00Z';

const CASES: Array<{ name: string; definition: object; inputs: Json[]; stubs?: () => Stubs; waits?: string[] }> = [
  {
    name: 'paths: InputPath, Parameters, ResultSelector, ResultPath, OutputPath, context',
    definition: {
      StartAt: 'Shape',
      States: {
        Shape: {
          Type: 'Pass',
          InputPath: '$.order',
          Parameters: { 'id.$': '$.id', 'exec.$': '$$.Execution.Name', fixed: [1, { 'n.$': '$.n' }] },
          ResultPath: '$.shaped',
          Next: 'Call',
        },
        Call: invoke('double', {
          InputPath: '$.shaped',
          ResultSelector: { 'doubled.$': '$.Payload.n', 'code.$': '$.StatusCode' },
          ResultPath: '$.call',
          Next: 'Trim',
        }),
        Trim: { Type: 'Pass', OutputPath: '$.call', Next: 'Keep' },
        Keep: { Type: 'Pass', Result: 'ignored', ResultPath: null, End: true },
      },
    },
    inputs: [{ order: { id: 'O1', n: 4 } }],
    stubs: () => ({ lambdas: { double: (p) => ({ n: (p as { fixed: [number, { n: number }] }).fixed[1].n * 2 }) } }),
  },
  {
    name: 'choice: comparison operators, And/Or/Not, Path variants, Default',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.n', NumericGreaterThan: 1 },
                { Variable: '$.n', NumericLessThanEqualsPath: '$.max' },
                { Not: { Variable: '$.s', StringEquals: 'x' } },
              ],
              Next: 'A',
            },
            {
              Or: [
                { Variable: '$.s', StringMatches: 'rep*.pdf' },
                { Variable: '$.t', TimestampGreaterThan: '2025-01-01T00:00:00Z' },
              ],
              Next: 'B',
            },
            { Variable: '$.b', BooleanEquals: true, Next: 'C2' },
            { Variable: '$.nil', IsNull: true, Next: 'D' },
            { Variable: '$.s', IsString: true, Next: 'E' },
          ],
          Default: 'F',
        },
        A: { Type: 'Pass', Result: 'A', End: true },
        B: { Type: 'Pass', Result: 'B', End: true },
        C2: { Type: 'Pass', Result: 'C', End: true },
        D: { Type: 'Pass', Result: 'D', End: true },
        E: { Type: 'Pass', Result: 'E', End: true },
        F: { Type: 'Pass', Result: 'F', End: true },
      },
    },
    inputs: [
      { n: 2, max: 3, s: 'y' },
      { n: 5, max: 3, s: 'report.pdf' },
      { n: 0, max: 3, s: 'x', t: '2026-01-01T00:00:00Z' },
      { n: 0, max: 3, s: 'x', t: '2020-01-01T00:00:00Z', b: true },
      { n: 0, max: 3, s: 'x', t: '2020-01-01T00:00:00Z', b: false, nil: null },
      { n: 0, max: 3, s: 'x', t: '2020-01-01T00:00:00Z', b: false, nil: 1 },
    ],
  },
  {
    name: 'intrinsic functions',
    definition: {
      StartAt: 'I',
      States: {
        I: {
          Type: 'Pass',
          Parameters: {
            'format.$': "States.Format('Order {} of case {}', $.id, $.n)",
            'json.$': 'States.StringToJson($.text)',
            'text.$': 'States.JsonToString($.obj)',
            'array.$': "States.Array($.id, 'x', $.n)",
            'parts.$': 'States.ArrayPartition($.list, 2)',
            'has.$': 'States.ArrayContains($.list, 3)',
            'range.$': 'States.ArrayRange(1, 9, 2)',
            'item.$': 'States.ArrayGetItem($.list, 1)',
            'length.$': 'States.ArrayLength($.list)',
            'unique.$': 'States.ArrayUnique($.dups)',
            'b64.$': 'States.Base64Encode($.id)',
            'plain.$': "States.Base64Decode('aGVsbG8=')",
            'hash.$': "States.Hash($.id, 'SHA-256')",
            'merged.$': 'States.JsonMerge($.obj, $.more, false)',
            'sum.$': 'States.MathAdd($.n, 2)',
            'split.$': "States.StringSplit($.csv, ',')",
          },
          End: true,
        },
      },
    },
    inputs: [
      {
        id: 'O-1',
        n: 3,
        text: '{"a":[1,2]}',
        obj: { a: 1 },
        more: { b: 2 },
        list: [1, 2, 3, 4, 5],
        dups: [1, 1, 'a', 'a', 2],
        csv: 'a,b,c',
      },
    ],
  },
  {
    name: 'retry then catch, with error names from handlers',
    definition: {
      StartAt: 'Flaky',
      States: {
        Flaky: invoke('flaky', {
          Retry: [
            {
              ErrorEquals: ['TransientError'],
              IntervalSeconds: 1,
              MaxAttempts: 2,
              BackoffRate: 1,
              MaxDelaySeconds: 1,
              JitterStrategy: 'NONE',
            },
          ],
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Recovered' }],
          ResultSelector: { 'ok.$': '$.Payload' },
          End: true,
        }),
        Recovered: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true },
      },
    },
    inputs: [{ failures: 1 }, { failures: 5 }],
    stubs: () => {
      let calls = 0;
      return {
        lambdas: {
          flaky: (p) => {
            calls++;
            if (calls <= (p as { failures: number }).failures) throw new TransientError(`failure ${calls}`);
            return calls;
          },
        },
      };
    },
  },
  {
    name: 'wait with Timestamp and SecondsPath, then Fail with Error and Cause',
    definition: {
      StartAt: 'W1',
      States: {
        W1: { Type: 'Wait', Timestamp: PAST, Next: 'W2' },
        W2: { Type: 'Wait', SecondsPath: '$.seconds', Next: 'W3' },
        W3: { Type: 'Wait', TimestampPath: '$.at', Next: 'Boom' },
        Boom: { Type: 'Fail', Error: 'Case.Failed', Cause: 'the case could not continue' },
      },
    },
    inputs: [{ seconds: 0, at: PAST }],
    waits: ['W1', 'W2', 'W3'],
  },
  {
    name: 'parallel and inline map (ItemSelector, legacy Parameters, MaxConcurrency, Map context)',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'M1',
              States: {
                M1: {
                  Type: 'Map',
                  ItemsPath: '$.ids',
                  MaxConcurrency: 2,
                  ItemSelector: { 'caseId.$': '$.caseId', 'id.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
                  ItemProcessor: {
                    ProcessorConfig: { Mode: 'INLINE' },
                    StartAt: 'Work',
                    States: { Work: invoke('tag', { ResultSelector: { 'tagged.$': '$.Payload' }, End: true }) },
                  },
                  End: true,
                },
              },
            },
            {
              StartAt: 'M2',
              States: {
                M2: {
                  Type: 'Map',
                  ItemsPath: '$.ids',
                  Parameters: { 'v.$': '$$.Map.Item.Value' },
                  Iterator: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
                  ResultPath: '$.echoed',
                  End: true,
                },
              },
            },
          ],
          ResultSelector: { 'tags.$': '$[0]', 'echo.$': '$[1].echoed' },
          End: true,
        },
      },
    },
    inputs: [
      { caseId: 'C1', ids: ['a', 'b', 'c'] },
      { caseId: 'C2', ids: [] },
    ],
    stubs: () => ({
      lambdas: { tag: (p) => `${(p as { caseId: string }).caseId}/${(p as { id: string }).id}#${(p as { index: number }).index}` },
    }),
  },
  {
    name: 'task timeout caught as States.Timeout; a function ARN resource',
    definition: {
      StartAt: 'Direct',
      States: {
        Direct: { Type: 'Task', Resource: fnArn('direct'), Parameters: { 'x.$': '$.x' }, ResultPath: '$.direct', Next: 'Slow' },
        Slow: invoke('hang', {
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Done' }],
          End: true,
        }),
        Done: { Type: 'Pass', Parameters: { 'direct.$': '$.direct', 'error.$': '$.timedOut.Error' }, End: true },
      },
    },
    inputs: [{ x: 1 }],
    stubs: () => ({ lambdas: { direct: (p) => ({ got: p }), hang: () => new Promise<Json>(() => undefined) } }),
  },
];

describe('differential: this engine and aws-local-stepfunctions agree', () => {
  const rows = CASES.flatMap((c) => c.inputs.map((input, i) => [`${c.name} #${i + 1}`, c, input] as const));
  it.each(rows)('%s', async (_label, c, input) => {
    const stubs = c.stubs ?? (() => ({}));
    const [ours, theirs] = await Promise.all([runOurs(c.definition, input, stubs), runTheirs(c.definition, input, stubs, c.waits)]);
    if (ours.status === 'FAILED') {
      // Runtime-error causes are worded differently by each engine; the error names must agree.
      expect({ status: theirs.status, error: theirs.error }).toEqual({ status: ours.status, error: ours.error });
    } else expect(theirs).toEqual(ours);
  });
});

const STATE_MACHINES = join(__dirname, '..', '..', '..', 'statemachines');
const BATCH_MACHINE = 'case-batch';

/** One of the project's state machines with every `${XFunctionArn}` bound to a stub function `X`, and its child's ARN. */
function projectMachine(file: string): object {
  const text = bindArns(readFileSync(join(STATE_MACHINES, file), 'utf8'), {
    function: fnArn,
    stateMachine: () => `arn:aws:states:us-east-1:123456789012:stateMachine:${BATCH_MACHINE}`,
  });
  return JSON.parse(text) as object;
}
const caseWorkflow = () => projectMachine('case-workflow.asl.json');
const caseBatch = () => projectMachine('case-batch.asl.json');

/**
 * aws-local-stepfunctions reads TimeoutSecondsPath from the task's Parameters instead of the
 * state input (a known divergence, asserted below); the stubs answer at once, so its copy of the
 * workflow goes without those timeouts.
 */
const withoutTimeoutPaths = (definition: object): object =>
  JSON.parse(JSON.stringify(definition, (key, value: unknown) => (key === 'TimeoutSecondsPath' ? undefined : value))) as object;

/** Stub tasks that walk one path of the case timeline. */
type CasePath = {
  procedure: string;
  decision: string;
  reviewOutcome: string;
  appeals: string[];
  /** What SendOrderNotice answers for O1-op-b, call after call (then the last again); O1-op-a is DELIVERED. */
  notices?: string[];
};
const caseStubs = (path: CasePath) => (): Stubs => {
  const noticeCalls = new Map<string, number>();
  return {
    lambdas: {
      OpenCase: () => ({ procedure: path.procedure, secondsToApprovalSla: 7200 }),
      EscalateApprovalSla: () => ({ alerted: true }),
      IssueOrders: () => ({ orderBatches: [0] }),
      ListBatch: (p) => ({ ids: (p as { kind: string }).kind === 'ORDERS' ? ['O1-op-a', 'O1-op-b'] : path.appeals }),
      SendOrderNotice: (p) => {
        const orderId = String((p as { orderId: string }).orderId);
        const call = noticeCalls.get(orderId) ?? 0;
        noticeCalls.set(orderId, call + 1);
        const states = orderId === 'O1-op-b' && path.notices ? path.notices : ['DELIVERED'];
        const state = states[Math.min(call, states.length - 1)] as string;
        return { state, secondsToDeadline: 86_400, deadlineAt: PAST, secondsToWait: 1 };
      },
      MarkUndelivered: () => ({ state: 'GIVEN_UP', secondsToDeadline: 1, deadlineAt: null, secondsToWait: 1 }),
      EnforceDeadline: () => ({ outcome: 'COMPLIED_LATE', secondsToGraceEnd: 10 }),
      GraceExpired: () => ({ outcome: 'OVERDUE' }),
      OpenReview: (p) => ({ reviewId: `R-${String((p as { kind: string }).kind)}`, secondsToClose: 600 }),
      ReviewDeadlinePassed: (p) => ({ reviewId: (p as { reviewId: string }).reviewId, decided: true, secondsToClose: 0 }),
      ApplyReviewOutcome: () => ({ outcome: path.reviewOutcome }),
      OpenAppealWindow: () => ({ closesAt: PAST, waitUntil: PAST }),
      CollectAppeals: () => ({ appealBatches: path.appeals.length > 0 ? [0] : [] }),
      AssessFines: () => ({ fined: 0 }),
      CloseCase: () => ({ status: 'CLOSED' }),
      RecordFailure: () => ({ status: 'FAILED' }),
    },
    callbacks: {
      StoreTaskToken: (p): Json => {
        const purpose = String((p as { purpose: string }).purpose);
        if (purpose === 'APPROVAL') return { decision: path.decision };
        if (purpose.startsWith('COMPLIANCE#')) return { outcome: 'COMPLIED' };
        if (purpose.startsWith('DELIVERY#')) return { deliverable: true };
        return { outcome: path.reviewOutcome };
      },
    },
  };
};

describe('differential: the case workflow with stub tasks', () => {
  it('binds every task of the workflow to a function of the manifest', () => {
    const functions = new Set(
      Object.values({ ...taskStates(caseWorkflow() as never), ...taskStates(caseBatch() as never) })
        .filter((s) => !String(s.Resource).startsWith('arn:aws:states:::states:'))
        .map((s) => nameOf((s.Parameters as { FunctionName: string }).FunctionName)),
    );
    expect([...functions].every((f) => f in workflowFunctions)).toBe(true);
  });

  it.each([
    [
      'approved, orders complied, post-review confirmed, one appeal',
      { procedure: 'interim-then-review', decision: 'APPROVED', reviewOutcome: 'CONFIRMED', appeals: ['A1-op-a'] },
    ],
    ['approved, post-review revoked', { procedure: 'interim-then-review', decision: 'APPROVED', reviewOutcome: 'REVOKED', appeals: [] }],
    ['rejected at approval', { procedure: 'interim-then-review', decision: 'REJECTED', reviewOutcome: 'CONFIRMED', appeals: [] }],
    ['vote first, confirmed, no appeals', { procedure: 'vote-first', decision: 'APPROVED', reviewOutcome: 'CONFIRMED', appeals: [] }],
    [
      "one order's notice retried, undelivered, resent and delivered",
      {
        procedure: 'interim-then-review',
        decision: 'APPROVED',
        reviewOutcome: 'CONFIRMED',
        appeals: [],
        notices: ['RETRY', 'UNDELIVERED', 'DELIVERED'],
      },
    ],
    [
      "one order's notice undelivered and given up, the other complied with",
      {
        procedure: 'interim-then-review',
        decision: 'APPROVED',
        reviewOutcome: 'CONFIRMED',
        appeals: [],
        notices: ['UNDELIVERED', 'GIVEN_UP'],
      },
    ],
    [
      'an unexpected approval answer goes to RecordFailure',
      { procedure: 'interim-then-review', decision: 'MAYBE', reviewOutcome: 'CONFIRMED', appeals: [] },
    ],
  ] as [string, CasePath][])('%s', async (_label, path) => {
    const definition = caseWorkflow();
    const input = { caseId: 'C01TESTCASE' };
    const [ours, theirs] = await Promise.all([
      runOurs(definition, input, caseStubs(path), { [BATCH_MACHINE]: caseBatch() }),
      runTheirs(withoutTimeoutPaths(definition), input, caseStubs(path), ['AwaitAppealWindow', 'WaitToSendAgain'], {
        [BATCH_MACHINE]: withoutTimeoutPaths(caseBatch()),
      }),
    ]);
    expect(ours.status).not.toBe('RUNNING');
    // An order's notice retried, undelivered or given up holds up nothing else: the case completes.
    if (path.notices) expect(ours).toMatchObject({ status: 'SUCCEEDED' });
    expect(theirs).toEqual(ours);
  });
});

describe('known divergences: aws-local-stepfunctions differs from AWS, this engine follows AWS', () => {
  const single = (state: object) => ({ StartAt: 'S', States: { S: { ...state, End: true } } });
  const choose = (rule: object) => ({
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'yes', End: true },
      No: { Type: 'Pass', Result: 'no', End: true },
    },
  });
  it.each<[string, object, Json, Outcome, Partial<Outcome>]>([
    [
      'StringMatches: ? is not a wildcard',
      choose({ Variable: '$.s', StringMatches: 'a?c' }),
      { s: 'abc' },
      { status: 'SUCCEEDED', output: 'no' },
      { status: 'SUCCEEDED', output: 'yes' },
    ],
    [
      'IsNull false on a non-null field',
      choose({ Variable: '$.s', IsNull: false }),
      { s: 'abc' },
      { status: 'SUCCEEDED', output: 'yes' },
      { status: 'SUCCEEDED', output: 'no' },
    ],
    [
      'StringMatches on a number is false',
      choose({ Variable: '$.n', StringMatches: '*' }),
      { n: 1 },
      { status: 'SUCCEEDED', output: 'no' },
      { status: 'FAILED' },
    ],
    [
      'TimeoutSecondsPath reads the state input, not the Parameters',
      single({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: fnArn('quick'), Payload: {} },
        TimeoutSecondsPath: '$.timeout',
        ResultSelector: { 'ok.$': '$.Payload' },
      }),
      { timeout: 5 },
      { status: 'SUCCEEDED', output: { ok: 'done' } },
      { status: 'FAILED', error: 'States.Runtime' },
    ],
    [
      'Pass with Result false',
      single({ Type: 'Pass', Result: false }),
      { a: 1 },
      { status: 'SUCCEEDED', output: false },
      { status: 'SUCCEEDED', output: { a: 1 } },
    ],
    [
      'StringSplit splits on each delimiter character',
      single({ Type: 'Pass', Parameters: { 'v.$': "States.StringSplit($.s, ',;')" } }),
      { s: 'a,b;;c' },
      { status: 'SUCCEEDED', output: { v: ['a', 'b', 'c'] } },
      { status: 'SUCCEEDED', output: { v: ['a,b;;c'] } },
    ],
    [
      'MathAdd rounds its arguments',
      single({ Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, 1)' } }),
      { n: 1.5 },
      { status: 'SUCCEEDED', output: { v: 3 } },
      { status: 'SUCCEEDED', output: { v: 2.5 } },
    ],
    [
      'StringToJson of an empty string is null',
      single({ Type: 'Pass', Parameters: { 'v.$': 'States.StringToJson($.s)' } }),
      { s: '' },
      { status: 'SUCCEEDED', output: { v: null } },
      { status: 'FAILED' },
    ],
    [
      'Format renders an object argument',
      single({ Type: 'Pass', Parameters: { 'v.$': "States.Format('x={}', $.o)" } }),
      { o: { Arg1: 1, Arg2: [] } },
      { status: 'SUCCEEDED', output: { v: 'x={Arg1=1, Arg2=[]}' } },
      { status: 'FAILED' },
    ],
    [
      'a wildcard path over missing data is []',
      single({ Type: 'Pass', Parameters: { 'v.$': '$.items[*].id' } }),
      {},
      { status: 'SUCCEEDED', output: { v: [] } },
      { status: 'FAILED', error: 'States.Runtime' },
    ],
  ])('%s', async (_label, definition, input, awsAnswer, theirAnswer) => {
    const stubs = (): Stubs => ({ lambdas: { quick: () => 'done' } });
    const [ours, theirs] = await Promise.all([runOurs(definition, input, stubs), runTheirs(definition, input, stubs)]);
    expect(ours).toEqual(awsAnswer);
    expect(theirs).toMatchObject(theirAnswer);
  });
});

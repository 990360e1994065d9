import { describe, expect, it } from 'vitest';
import { type EngineHarness, fnArn, harnessPerTest } from './harness';

/**
 * `states:startExecution` tasks on a state machine of the same engine, answered as AWS's Step
 * Functions integration answers (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html).
 */
const harness = harnessPerTest();
const START = 'arn:aws:states:::states:startExecution';
const child = (states: object) => JSON.stringify({ StartAt: 'C', States: states });
const parent = (resource: string, childArn: string, rest: object = {}) => ({
  StartAt: 'Run',
  States: {
    Run: { Type: 'Task', Resource: resource, Parameters: { StateMachineArn: childArn, Input: { 'n.$': '$.n' } }, End: true, ...rest },
  },
});

describe('child executions', () => {
  it('.sync:2 answers with the child’s description, its output parsed', async () => {
    const h = harness();
    const childArn = h.engine.createStateMachine(
      'child',
      child({ C: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } }),
    );
    const r = await h.run(
      parent(`${START}.sync:2`, childArn, { ResultSelector: { 'output.$': '$.Output', 'status.$': '$.Status', 'input.$': '$.Input' } }),
      { n: 2 },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output ?? 'null')).toEqual({ output: { doubled: 4 }, status: 'SUCCEEDED', input: { n: 2 } });
  });

  it('.sync answers with the output as a JSON text', async () => {
    const h = harness();
    const childArn = h.engine.createStateMachine('child', child({ C: { Type: 'Pass', Result: { done: true }, End: true } }));
    const r = await h.run(parent(`${START}.sync`, childArn, { ResultSelector: { 'output.$': '$.Output' } }), { n: 1 });
    expect(JSON.parse(r.output ?? 'null')).toEqual({ output: '{"done":true}' });
  });

  it('a child that fails fails the task with States.TaskFailed, which a Catch takes', async () => {
    const h = harness();
    const childArn = h.engine.createStateMachine('child', child({ C: { Type: 'Fail', Error: 'ChildBroke', Cause: 'on purpose' } }));
    const definition = parent(`${START}.sync:2`, childArn, {
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Handled' }],
    });
    const r = await h.run({ ...definition, States: { ...definition.States, Handled: { Type: 'Pass', End: true } } }, { n: 1 });
    const failure = JSON.parse(r.output ?? 'null').failure as { Error: string; Cause: string };
    expect(failure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(failure.Cause)).toMatchObject({ Status: 'FAILED', Error: 'ChildBroke', Cause: 'on purpose' });
  });

  // AWS's integration fails the task with States.TaskFailed whatever way the child did not succeed.
  it.each([
    ['ABORTED', {}, (h: EngineHarness, execution: string) => h.engine.stopExecution(execution, 'Stopped', 'by staff')],
    ['TIMED_OUT', { TimeoutSeconds: 1 }, () => undefined],
  ] as const)(
    'a child that ends %s fails the task with States.TaskFailed too, its description as the cause',
    async (status, limits, end) => {
      const h = harness();
      h.handlers.park = () => ({});
      const park = {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fnArn('park'), Payload: {} },
        End: true,
      };
      const childArn = h.engine.createStateMachine('child', JSON.stringify({ StartAt: 'C', ...limits, States: { C: park } }));
      const definition = parent(`${START}.sync:2`, childArn, {
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Handled' }],
      });
      const run = h.run({ ...definition, States: { ...definition.States, Handled: { Type: 'Pass', End: true } } }, { n: 1 });
      await expect.poll(() => h.engine.listExecutions(childArn).length).toBe(1);
      end(h, h.engine.listExecutions(childArn)[0]?.executionArn ?? '');
      const failure = JSON.parse((await run).output ?? 'null').failure as { Error: string; Cause: string };
      expect(failure.Error).toBe('States.TaskFailed');
      expect(JSON.parse(failure.Cause)).toMatchObject({ Status: status });
    },
  );

  it("a start with a closed child's name fails the task with StepFunctions.ExecutionAlreadyExistsException, as AWS answers", async () => {
    // Given a child that ran to its end under a name
    const h = harness();
    const childArn = h.engine.createStateMachine('child', child({ C: { Type: 'Pass', End: true } }));
    const start = (next: object) => ({
      Type: 'Task',
      Resource: `${START}.sync:2`,
      Parameters: { StateMachineArn: childArn, Name: 'batch-0', Input: { 'n.$': '$.n' } },
      ResultPath: null,
      ...next,
    });
    // When a later task starts that name again, with the same input
    const r = await h.run(
      {
        StartAt: 'First',
        States: {
          First: start({ Next: 'Again' }),
          Again: start({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Handled' }], End: true }),
          Handled: { Type: 'Pass', End: true },
        },
      },
      { n: 1 },
    );
    // Then AWS's StartExecution refuses it (idempotent only while the execution runs), and no second child runs
    const failure = JSON.parse(r.output ?? 'null').failure as { Error: string };
    expect(failure.Error).toBe('StepFunctions.ExecutionAlreadyExistsException');
    expect(h.engine.listExecutions(childArn)).toHaveLength(1);
  });

  it('a retry that names its child after the retry count starts a new child where the ended one would be refused', async () => {
    const h = harness();
    const childArn = h.engine.createStateMachine('child', child({ C: { Type: 'Fail', Error: 'ChildBroke', Cause: 'on purpose' } }));
    const retried = (name: object) =>
      parent(`${START}.sync:2`, childArn, {
        Parameters: { StateMachineArn: childArn, ...name, Input: {} },
        Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 1 }],
      });
    const fixed = await h.run(retried({ Name: 'batch-0' }));
    const counted = await h.run(retried({ 'Name.$': "States.Format('batch-1-{}', $$.State.RetryCount)" }));
    expect(fixed.error).toBe('StepFunctions.ExecutionAlreadyExistsException');
    expect(counted.error).toBe('States.TaskFailed');
    expect(
      h.engine
        .listExecutions(childArn)
        .map((e) => e.name)
        .sort(),
    ).toEqual(['batch-0', 'batch-1-0', 'batch-1-1']);
  });

  it('startExecution starts the child and goes on at once', async () => {
    const h = harness();
    const childArn = h.engine.createStateMachine(
      'child',
      child({
        C: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fnArn('park'), Payload: {} },
          End: true,
        },
      }),
    );
    h.handlers.park = () => ({});
    const r = await h.run(parent(START, childArn), { n: 1 });
    const { ExecutionArn } = JSON.parse(r.output ?? 'null') as { ExecutionArn: string };
    expect(h.engine.describeExecution(ExecutionArn).status).toBe('RUNNING');
  });

  it('after a restart, the same attempt finds its child instead of starting a second one', async () => {
    const h = harness();
    let token = '';
    h.handlers.park = (payload) => {
      token = (payload as { token: string }).token;
      return {};
    };
    const park = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fnArn('park'), Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    };
    const childArn = h.engine.createStateMachine('child', child({ C: park }));
    const parentArn = h.engine.createStateMachine(
      'parent',
      JSON.stringify(parent(`${START}.sync:2`, childArn, { ResultSelector: { 'output.$': '$.Output' } })),
    );
    const { executionArn } = h.engine.startExecution(parentArn, 'once', '{"n":1}');
    await expect.poll(() => token).not.toBe('');

    // The child's task has its token; the parent's task runs again and must wait for that same child.
    const engine = await h.reopen();
    engine.sendTaskSuccess(token, '{"answer":42}');
    expect(JSON.parse((await engine.waitForExecution(executionArn)).output ?? 'null')).toEqual({ output: { answer: 42 } });
    expect(engine.listExecutions(childArn)).toHaveLength(1);
  });
});

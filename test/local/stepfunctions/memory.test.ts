import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness, fnArn, LAMBDA_TASK_STATE_EVENTS } from './harness';

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});

const RUNS = 200;
const definition = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Task', Resource: fnArn('double'), ResultPath: '$.doubled', Next: 'Done' },
    Done: { Type: 'Pass', End: true },
  },
};
const parkDefinition = {
  StartAt: 'Park',
  States: {
    Park: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fnArn('park'), Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};
const EVENTS = ['ExecutionStarted', ...LAMBDA_TASK_STATE_EVENTS, 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'];

describe('finished executions leave memory', () => {
  it('keeps only RUNNING executions whole; finished histories come back from disk, also after a restart', async () => {
    // Prepare: one execution parked on a task token, and many small ones run to completion.
    const tokens: string[] = [];
    const h = new EngineHarness({
      double: (p) => (p as { n: number }).n * 2,
      park: (p) => void tokens.push((p as { token: string }).token),
    });
    harnesses.push(h);
    const parkArn = h.engine.createStateMachine('park', JSON.stringify(parkDefinition));
    const parked = h.engine.startExecution(parkArn, 'parked', '{}').executionArn;
    const smArn = h.engine.createStateMachine('small', JSON.stringify(definition));

    // Act
    const arns: string[] = [];
    for (let n = 0; n < RUNS; n++) {
      const { executionArn } = h.engine.startExecution(smArn, `run${n}`, JSON.stringify({ n }));
      arns.push(executionArn);
      expect((await h.engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    }

    // Assess: only the parked execution is held whole; the rest answer as before, from disk.
    const assess = (): void => {
      expect(h.engine.executionsHeldWhole).toBe(1);
      expect(h.engine.listExecutions(smArn, 'SUCCEEDED')).toHaveLength(RUNS);
      arns.forEach((arn, n) => {
        expect(h.engine.getExecutionHistory(arn).map((e) => e.type)).toEqual(EVENTS);
        expect(JSON.parse(h.engine.describeExecution(arn).output ?? 'null')).toEqual({ n, doubled: 2 * n });
      });
      expect(() => h.engine.startExecution(smArn, 'run0', JSON.stringify({ n: 0 }))).toThrow(/Execution Already Exists/);
      expect(h.engine.describeExecution(parked).status).toBe('RUNNING');
    };
    assess();
    h.reopen();
    assess();
    h.engine.sendTaskSuccess(tokens[0]!, '{"ok":true}');
    expect((await h.engine.waitForExecution(parked)).status).toBe('SUCCEEDED');
    expect(h.engine.executionsHeldWhole).toBe(0);
    expect(h.engine.getExecutionHistory(parked).at(-1)?.type).toBe('ExecutionSucceeded');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness, fnArn, LAMBDA_TASK_STATE_EVENTS, parentWaitingForParkedChild, parkState, untilSettled } from './harness';

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
const parkDefinition = { StartAt: 'Park', States: { Park: parkState() } };
const PARKED_EVENTS = ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted'];
const EVENTS = ['ExecutionStarted', ...LAMBDA_TASK_STATE_EVENTS, 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'];

describe('finished and waiting executions leave memory', () => {
  it('keeps no finished or waiting execution whole, nor the summary of a finished one; their histories come back from disk, also after a restart', async () => {
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

    // Assess: nothing is held whole (the parked execution waits on disk); all answer as before, from disk.
    const assess = (): void => {
      expect(h.engine.executionsHeldWhole).toBe(0);
      // Of the ended ones not even a summary: only the parked one is known in memory.
      expect(h.engine.executionsSummarised).toBe(1);
      expect(h.engine.listExecutions(smArn, 'SUCCEEDED')).toHaveLength(RUNS);
      arns.forEach((arn, n) => {
        expect(h.engine.getExecutionHistory(arn).map((e) => e.type)).toEqual(EVENTS);
        expect(JSON.parse(h.engine.describeExecution(arn).output ?? 'null')).toEqual({ n, doubled: 2 * n });
      });
      expect(() => h.engine.startExecution(smArn, 'run0', JSON.stringify({ n: 0 }))).toThrow(/Execution Already Exists/);
      expect(h.engine.describeExecution(parked).status).toBe('RUNNING');
      expect(h.engine.getExecutionHistory(parked).map((e) => e.type)).toEqual(PARKED_EVENTS);
    };
    assess();
    await h.reopen();
    assess();
    h.engine.sendTaskSuccess(tokens[0]!, '{"ok":true}');
    expect((await h.engine.waitForExecution(parked)).status).toBe('SUCCEEDED');
    expect(h.engine.executionsHeldWhole).toBe(0);
    expect(h.engine.getExecutionHistory(parked).at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('holds at most the idle executions it is told to, the most recently used, and resumes the others from disk', async () => {
    // Prepare: an engine that holds two idle executions, and five executions parked on their tokens
    const tokens = new Map<string, string>();
    const h = new EngineHarness({ park: (p) => void tokens.set((p as { name: string }).name, (p as { token: string }).token) }, 2);
    harnesses.push(h);
    const parkArn = h.engine.createStateMachine('park', JSON.stringify(namedParkDefinition));
    const names = ['p0', 'p1', 'p2', 'p3', 'p4'];
    const arns = names.map((name) => h.engine.startExecution(parkArn, name, JSON.stringify({ name })).executionArn);
    await untilSettled(() => tokens.size === names.length);
    await h.engine.durable();
    expect(h.engine.executionsHeldWhole).toBe(2);

    // Act: complete every token, the ones on disk first
    for (const name of names) h.engine.sendTaskSuccess(tokens.get(name)!, JSON.stringify({ done: name }));

    // Assess: each ran to its end once, with the history of a run held whole, and none is held any more
    for (const [n, arn] of arns.entries()) {
      const ended = await h.engine.waitForExecution(arn);
      expect(ended.status).toBe('SUCCEEDED');
      expect(JSON.parse(ended.output ?? 'null')).toEqual({ done: names[n] });
      expect(h.engine.getExecutionHistory(arn).map((e) => e.type)).toEqual([
        ...PARKED_EVENTS,
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
    }
    expect(h.engine.executionsHeldWhole).toBe(0);
  });

  it('keeps no parent whole while its .sync task waits for its child, and answers the parent when the child ends', async () => {
    // Prepare: a parent whose .sync:2 task waits for a child parked on its token (a case workflow waits so for as long as the case is open)
    const { h, tokens, parentArn, childArn } = await parentWaitingForParkedChild(harnesses);

    // Assess: neither is held whole while they wait
    expect(h.engine.executionsHeldWhole).toBe(0);

    // Act: the child's token ends the child
    h.engine.sendTaskSuccess(tokens[0]!, '{"parked":"done"}');

    // Assess: the parent, read back from disk, ends with the child's output, once
    expect((await h.engine.waitForExecution(childArn)).status).toBe('SUCCEEDED');
    const parent = await h.engine.waitForExecution(parentArn);
    expect([parent.status, JSON.parse(parent.output ?? 'null')]).toEqual(['SUCCEEDED', { parked: 'done' }]);
    expect(h.engine.getExecutionHistory(parentArn).filter((event) => event.type === 'TaskSucceeded')).toHaveLength(1);
    expect(h.engine.executionsHeldWhole).toBe(0);
  });
});

const namedParkDefinition = { StartAt: 'Park', States: { Park: parkState({ 'name.$': '$.name' }) } };

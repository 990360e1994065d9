import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DurableFileWriter } from '../../../infra/local/stepfunctions/store';
import { fnArn, harnessPerTest, holdWrites, untilSettled } from './harness';

const open = harnessPerTest();
afterEach(() => vi.restoreAllMocks());

const oneTask = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: fnArn('work'), End: true } } };

/** The index's lines that name keys about to be written: one per group. */
const pendingLines = (dataDir: string): string[][] =>
  readFileSync(join(dataDir, 'executions.index'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"pending"'))
    .map((line) => (JSON.parse(line) as { pending: string[] }).pending);

describe('the engine writes the turns of a moment together, and acts on none before it is written', () => {
  it('writes executions started in one stretch as one group: one pending line, one fsync of the index', async () => {
    // Given an engine
    const h = open({ work: () => ({ done: true }) });
    const sm = h.engine.createStateMachine('group', JSON.stringify(oneTask));

    // When five executions start in one synchronous stretch
    const arns = ['a', 'b', 'c', 'd', 'e'].map((name) => h.engine.startExecution(sm, name, '{}').executionArn);
    await h.engine.durable();

    // Then their first write was one group naming all five
    expect(pendingLines(h.dataDir)[0]?.sort()).toEqual([...arns].sort());
    for (const arn of arns) expect((await h.engine.waitForExecution(arn)).status).toBe('SUCCEEDED');
  });

  it("starts a turn's Lambda calls, tells who waits and resolves durable() only once its files are on disk", async () => {
    // Given an engine whose execution files are slow to write
    const h = open({ work: () => ({ done: true }) });
    const sm = h.engine.createStateMachine('slow', JSON.stringify(oneTask));
    const writes = holdWrites();

    // When an execution starts, and its write is held
    const { executionArn } = h.engine.startExecution(sm, 'slow', '{}');
    let durable = false;
    void h.engine.durable().then(() => (durable = true));
    await untilSettled(() => writes.held() === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Then nothing has acted on it: no Lambda call, durable() unresolved, yet the event loop ran on
    expect(h.calls).toHaveLength(0);
    expect(durable).toBe(false);

    // And once the write lands, the call is made and the execution runs to its end
    writes.release();
    expect((await h.engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    expect(durable).toBe(true);
    expect(h.calls).toHaveLength(1);
  });

  it('a failed write answers its waiters with the error, acts on nothing, and is written with the turns since at the next attempt', async () => {
    // Given an engine whose next execution write fails (a full disk)
    const h = open({ work: () => ({ done: true }) });
    const sm = h.engine.createStateMachine('full', JSON.stringify(oneTask));
    vi.spyOn(DurableFileWriter.prototype, 'write').mockImplementationOnce(() =>
      Promise.reject(new Error('ENOSPC: no space left on device')),
    );

    // When an execution starts
    const first = h.engine.startExecution(sm, 'first', '{}').executionArn;

    // Then its waiters hear of the failure, and its Lambda is not called
    await expect(h.engine.durable()).rejects.toThrow(/ENOSPC/);
    expect(h.calls).toHaveLength(0);

    // When the disk has room again and another turn comes: both are written, each Lambda called once
    const second = h.engine.startExecution(sm, 'second', '{}').executionArn;
    await h.engine.durable();
    for (const arn of [first, second]) expect((await h.engine.waitForExecution(arn)).status).toBe('SUCCEEDED');
    expect(h.calls.map((call) => call.functionArn)).toEqual([fnArn('work'), fnArn('work')]);
  });

  it('StopExecution of an execution that ended in a turn not yet written (its summary still RUNNING) leaves it as it ended', async () => {
    // Given an execution that ends in its first turn, its write held
    const h = open();
    const sm = h.engine.createStateMachine('quick', JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }));
    const writes = holdWrites();
    const { executionArn } = h.engine.startExecution(sm, 'quick', '{}');

    // When it is stopped before that write lands
    h.engine.stopExecution(executionArn, 'Late', 'stopped after it ended');
    writes.release();

    // Then it succeeded, as it ended, and its history ends there
    expect((await h.engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    expect(h.engine.getExecutionHistory(executionArn).at(-1)?.type).toBe('ExecutionSucceeded');
  });
});

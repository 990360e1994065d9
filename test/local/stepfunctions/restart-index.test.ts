import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DurableFileWriter, EndedExecutions, ExecutionIndex, JsonStore } from '../../../infra/local/stepfunctions/store';
import { EngineHarness, fnArn, parentWaitingForParkedChild, parkState, untilSettled } from './harness';

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});

/** Parks on a task token, or waits until `$.until`, or calls a Lambda that has not answered yet, by `$.kind`. */
const definition = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'token', Next: 'Park' },
        { Variable: '$.kind', StringEquals: 'wait', Next: 'Hold' },
      ],
      Default: 'Work',
    },
    Park: parkState({ 'name.$': '$$.Execution.Name' }),
    Hold: { Type: 'Wait', TimestampPath: '$.until', End: true },
    Work: { Type: 'Task', Resource: fnArn('work'), End: true },
  },
};

/** An engine with three parked executions, two waiting for a time, and one whose Lambda has not answered. */
async function busyEngine(waitUntil: string) {
  const tokens = new Map<string, string>();
  let answerWork: ((value: unknown) => void) | undefined;
  const h = new EngineHarness({
    park: (p) => void tokens.set((p as { name: string }).name, (p as { token: string }).token),
    // The first call never answers (the process dies with it in flight); the call after the restart does.
    work: () => (answerWork === undefined ? new Promise((resolve) => (answerWork = resolve)) : { worked: true }),
  });
  harnesses.push(h);
  const sm = h.engine.createStateMachine('busy', JSON.stringify(definition));
  const start = (name: string, input: object): string => h.engine.startExecution(sm, name, JSON.stringify(input)).executionArn;
  const arns = {
    parked0: start('parked0', { kind: 'token' }),
    parked1: start('parked1', { kind: 'token' }),
    parked2: start('parked2', { kind: 'token' }),
    wait0: start('wait0', { kind: 'wait', until: waitUntil }),
    wait1: start('wait1', { kind: 'wait', until: waitUntil }),
    working: start('working', { kind: 'work' }),
  };
  await untilSettled(() => tokens.size === 3 && answerWork !== undefined);
  // As a process that has answered every call so far: what it answered is on disk.
  await h.engine.durable();
  answerWork = () => undefined;
  return { h, tokens, arns };
}

/** As the engine's writer appends it. */
const appendPending = (index: ExecutionIndex<unknown>, keys: string[]): void => {
  const { file, text } = index.pending(keys);
  appendFileSync(file, text);
};

describe("the engine's index of executions", () => {
  it('restarts from the index: only the execution that was doing something is read back, the waiting ones keep their timers and tokens', async () => {
    // Given six running executions, two of whose waits fall due while the engine is down
    const { h, tokens, arns } = await busyEngine(new Date(Date.now() + 300).toISOString());
    await h.engine.close();
    await new Promise((resolve) => setTimeout(resolve, 400));

    // When the engine starts again over the same directory, after the waits' time
    const reads = vi.spyOn(JsonStore.prototype, 'load');
    const engine = await h.reopen();

    // Then the start read only the working execution's record; the due waits then fired and ended
    expect(reads.mock.calls.map(([, key]) => key)).toEqual(['busy:working']);
    expect((await engine.waitForExecution(arns.working)).status).toBe('SUCCEEDED');
    expect((await engine.waitForExecution(arns.wait0)).status).toBe('SUCCEEDED');
    expect((await engine.waitForExecution(arns.wait1)).status).toBe('SUCCEEDED');
    // And the parked ones' tokens, known from the index alone, still complete them
    for (const name of ['parked0', 'parked1', 'parked2'] as const) engine.sendTaskSuccess(tokens.get(name)!, JSON.stringify({ name }));
    for (const name of ['parked0', 'parked1', 'parked2'] as const) {
      const ended = await engine.waitForExecution(arns[name]);
      expect([ended.status, JSON.parse(ended.output ?? 'null')]).toEqual(['SUCCEEDED', { name }]);
    }
  });

  it('reads an execution from its file when the crash came between its file and its index line', async () => {
    // Given a parked execution whose completion is written to its file, but the process dies before its index line
    const { h, tokens, arns } = await busyEngine(new Date(Date.now() + 3_600_000).toISOString());
    vi.spyOn(ExecutionIndex.prototype, 'record').mockImplementation(() => {
      throw new Error('killed between the file and the index line');
    });
    h.engine.sendTaskSuccess(tokens.get('parked0')!, '{"done":true}');
    await expect(h.engine.durable()).rejects.toThrow(/killed/);
    await expect(h.engine.close()).rejects.toThrow(/killed/);
    vi.restoreAllMocks();

    // When the engine starts again
    const engine = await h.reopen();

    // Then the execution is as its file says: succeeded, its token closed; the others wait on
    expect(engine.describeExecution(arns.parked0).status).toBe('SUCCEEDED');
    expect(() => engine.sendTaskSuccess(tokens.get('parked0')!, '{}')).toThrow(/Task Timed Out/);
    expect(engine.describeExecution(arns.wait0).status).toBe('RUNNING');
    engine.sendTaskSuccess(tokens.get('parked1')!, '{}');
    expect((await engine.waitForExecution(arns.parked1)).status).toBe('SUCCEEDED');
  });

  it('skips a line torn by a crash, and rebuilds the index from the files when it is missing', async () => {
    const { h, tokens, arns } = await busyEngine(new Date(Date.now() + 3_600_000).toISOString());
    const indexFile = join(h.dataDir, 'executions.index');

    // A torn line at the end: the start still reads every entry before it, and rewrites the file whole
    appendFileSync(indexFile, '{"key":"arn:aws:states:us-east-1:123456789012:execution:busy:parked0","entry":{"status":"SUCC');
    let engine = await h.reopen();
    expect(engine.listExecutions(arns.parked0.replace(':execution:', ':stateMachine:').replace(/:parked0$/, ''))).toHaveLength(6);
    for (const line of readFileSync(indexFile, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();

    // No index at all (a data directory from before it): every file is read, and it works as before
    await engine.close();
    rmSync(indexFile);
    engine = await h.reopen();
    engine.sendTaskSuccess(tokens.get('parked2')!, '{}');
    expect((await engine.waitForExecution(arns.parked2)).status).toBe('SUCCEEDED');
    expect(engine.describeExecution(arns.wait1).status).toBe('RUNNING');
    expect(readFileSync(indexFile, 'utf8')).toContain('parked2');
  });

  it('a parent waiting for its child is not read at a restart: it waits for the child again, and goes on when the child ends', async () => {
    // Given a parent whose .sync:2 task waits for a child parked on a task token
    const { h, tokens, parentArn, childArn } = await parentWaitingForParkedChild(harnesses);

    // When the engine starts again
    await h.engine.close();
    const reads = vi.spyOn(JsonStore.prototype, 'load');
    const engine = await h.reopen();

    // Then neither record was read; completing the child's token ends the child, then the parent with the child's output
    expect(reads).not.toHaveBeenCalled();
    engine.sendTaskSuccess(tokens[0]!, '{"parked":"done"}');
    expect((await engine.waitForExecution(childArn)).status).toBe('SUCCEEDED');
    const parent = await engine.waitForExecution(parentArn);
    expect([parent.status, JSON.parse(parent.output ?? 'null')]).toEqual(['SUCCEEDED', { parked: 'done' }]);
  });

  it('a parent whose child never reached the disk runs its task again at a restart, and so starts the child', async () => {
    // Given a parent that started a child, and a crash that kept the parent's step but lost the child's files
    const { h, tokens, parentArn, childArn } = await parentWaitingForParkedChild(harnesses);
    await h.engine.close();
    const childKey = childArn.split(':').slice(-2).join(':');
    rmSync(join(h.dataDir, 'executions', `${encodeURIComponent(childKey)}.json`));
    const indexFile = join(h.dataDir, 'executions.index');
    const lines = readFileSync(indexFile, 'utf8').split('\n');
    writeFileSync(indexFile, lines.filter((line) => !line.includes(`"key":"${childArn}"`)).join('\n'));

    // When the engine starts again, the parent's task starts the child again, which parks; its token ends both
    const engine = await h.reopen();
    await untilSettled(() => tokens.length === 2);
    expect(engine.describeExecution(childArn).status).toBe('RUNNING');
    engine.sendTaskSuccess(tokens[1]!, '{"parked":"again"}');
    const parent = await engine.waitForExecution(parentArn);
    expect([parent.status, JSON.parse(parent.output ?? 'null')]).toEqual(['SUCCEEDED', { parked: 'again' }]);
  });

  it("keeps ended executions in a file of their own, out of memory and the index; a crash that loses that file's last lines loses none of them", async () => {
    // Given two of the six executions ended, and a power cut that left of the ended file's lines (never synced) one torn in mid-write
    const { h, tokens, arns } = await busyEngine(new Date(Date.now() + 3_600_000).toISOString());
    const busy = arns.parked0.replace(':execution:', ':stateMachine:').replace(/:parked0$/, '');
    for (const name of ['parked0', 'parked1'] as const) {
      h.engine.sendTaskSuccess(tokens.get(name)!, JSON.stringify({ name }));
      expect((await h.engine.waitForExecution(arns[name])).status).toBe('SUCCEEDED');
    }
    expect(h.engine.executionsSummarised).toBe(4);
    await h.engine.close();
    const endedFile = join(h.dataDir, 'executions.ended');
    writeFileSync(endedFile, '{"key":"arn:aws:states:us-east-1:123456789012:execution:busy:parked0","entry":{"status":"SUCC');

    // When the engine starts again: the index still names them, so they are appended again, durably before the index drops them
    const synced = vi.spyOn(EndedExecutions.prototype, 'sync');
    const rewritten = vi.spyOn(ExecutionIndex.prototype, 'rewrite');
    let engine = await h.reopen();
    expect(synced.mock.invocationCallOrder[0]).toBeLessThan(rewritten.mock.invocationCallOrder[0]!);
    const indexed = [...(rewritten.mock.calls[0]![0] as Map<string, { name: string }>).values()].map((entry) => entry.name);
    expect(indexed.sort()).toEqual(['parked2', 'wait0', 'wait1', 'working']);
    expect((await engine.waitForExecution(arns.working)).status).toBe('SUCCEEDED');

    // Then, across restarts: each execution is listed once, as it stands
    engine.sendTaskSuccess(tokens.get('parked2')!, '{}');
    expect((await engine.waitForExecution(arns.parked2)).status).toBe('SUCCEEDED');
    for (let start = 0; start < 2; start += 1) {
      engine = await h.reopen();
      expect(engine.executionsSummarised).toBe(2);
      const listed = engine.listExecutions(busy).map((e) => `${e.name}:${e.status}`);
      expect(listed.sort()).toEqual(
        ['parked0:SUCCEEDED', 'parked1:SUCCEEDED', 'parked2:SUCCEEDED', 'wait0:RUNNING', 'wait1:RUNNING', 'working:SUCCEEDED'].sort(),
      );
      expect(engine.listExecutions(busy, 'SUCCEEDED')).toHaveLength(4);
      // An ended one answers from its file: described, its name not free again, its token closed
      expect(JSON.parse(engine.describeExecution(arns.parked1).output ?? 'null')).toEqual({ name: 'parked1' });
      expect(() => engine.startExecution(busy, 'parked0', JSON.stringify({ kind: 'token' }))).toThrow(/Execution Already Exists/);
      expect(() => engine.sendTaskSuccess(tokens.get('parked0')!, '{}')).toThrow(/Task Timed Out/);
    }
  });

  it('a parent whose child ended just before a crash reads the child from its file at the restart, and goes on', async () => {
    // Given a parent waiting for its child, and a crash right after the child's end was written, before the parent's turn
    const { h, tokens, parentArn, childArn } = await parentWaitingForParkedChild(harnesses);
    h.engine.sendTaskSuccess(tokens[0]!, '{"parked":"done"}');
    await h.engine.durable();
    // The process dies before it writes the parent's turn (started, if at all, after this)
    vi.spyOn(DurableFileWriter.prototype, 'write').mockRejectedValue(new Error('killed before the parent was written'));
    await h.engine.close().catch(() => undefined);
    vi.restoreAllMocks();
    const reads = vi.spyOn(JsonStore.prototype, 'load');

    // When the engine starts again
    const engine = await h.reopen();

    // Then the ended child is read from its file before the parent, which waits for it again (not runs its task again) and goes on
    const parent = await engine.waitForExecution(parentArn);
    expect([parent.status, JSON.parse(parent.output ?? 'null')]).toEqual(['SUCCEEDED', { parked: 'done' }]);
    const key = (arn: string): string => arn.split(':').slice(-2).join(':');
    expect(reads.mock.calls.map(([, read]) => read)).toEqual([key(childArn), key(parentArn)]);
    expect(tokens).toHaveLength(1);
  });

  it('rewrites the index when it has grown to many lines per execution', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-index-'));
    try {
      const index = new ExecutionIndex<{ n: number }>(dir);
      for (let n = 0; n < 1500; n += 1) {
        appendPending(index, ['a']);
        index.record([['a', { n }]]);
      }
      expect(index.outgrew(1)).toBe(true);
      index.rewrite(new Map([['a', { n: 1499 }]]));
      expect(index.outgrew(1)).toBe(false);
      expect(index.read()).toEqual(new Map([['a', { n: 1499 }]]));
      expect(index.isTidy).toBe(true);
      appendPending(index, ['a']);
      index.read();
      expect(index.isTidy).toBe(false);
      index.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

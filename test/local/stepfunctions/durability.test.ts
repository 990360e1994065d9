import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { sfnClient, until } from './sfn-client';

const fn = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const invoke = (name: string, payload: object, extra: object) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fn(name), Payload: payload },
  ResultPath: null,
  ...extra,
});

const definition = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'token', Next: 'Count' },
        { Variable: '$.kind', StringEquals: 'wait', Next: 'Hold' },
      ],
      Default: 'Hang',
    },
    Count: invoke('count', { 'run.$': '$$.Execution.Name' }, { Next: 'AwaitToken' }),
    AwaitToken: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn('storeToken'), Payload: { 'run.$': '$$.Execution.Name', 'token.$': '$$.Task.Token' } },
      ResultPath: '$.decision',
      End: true,
    },
    Hold: { Type: 'Wait', TimestampPath: '$.until', End: true },
    Hang: invoke('hang', { 'run.$': '$$.Execution.Name' }, { End: true }),
  },
};

const dir = mkdtempSync(join(tmpdir(), 'sfn-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the engine in a child process; resolves with its endpoint. */
function startEngine(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'engine-process.ts'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\S+)/.exec(out);
      if (match) resolve({ child, endpoint: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`engine process exited with ${code}`)));
  });
}

const calls = (): string[] => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);

describe('the engine survives kill -9', () => {
  it('resumes executions: in-flight tasks run again, due waits fire, old tokens still work, finished tasks do not rerun', async () => {
    // Prepare: one execution per kind, each stopped at a different point when the engine dies.
    writeFileSync(join(dir, 'hang'), '');
    const first = await startEngine();
    let sfn = sfnClient(first.endpoint);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'crash', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/x' }),
    );
    const waitUntil = new Date(Date.now() + 1500).toISOString();
    const start = async (name: string, input: object) =>
      (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }))).executionArn!;
    const tokenRun = await start('token-run', { kind: 'token' });
    const waitRun = await start('wait-run', { kind: 'wait', until: waitUntil });
    const hangRun = await start('hang-run', { kind: 'hang' });
    await until(() => existsSync(join(dir, 'token-token-run')) && calls().includes('hang-start hang-run'));
    await until(async () => {
      const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: waitRun }));
      return events?.some((e) => e.type === 'WaitStateEntered');
    });
    const token = readFileSync(join(dir, 'token-token-run'), 'utf8');

    // Act: crash, let the wait come due while nothing runs, start again on the same data.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await until(() => Date.now() > Date.parse(waitUntil));
    rmSync(join(dir, 'hang'));
    const second = await startEngine();
    sfn = sfnClient(second.endpoint);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    const finished = async (executionArn: string) =>
      until(async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return d.status === 'RUNNING' ? undefined : d;
      });

    // Assess
    const tokenResult = await finished(tokenRun);
    expect(tokenResult.status).toBe('SUCCEEDED');
    expect(JSON.parse(tokenResult.output!)).toEqual({ kind: 'token', decision: { approved: true } });
    expect(calls().filter((c) => c === 'count token-run')).toHaveLength(1);
    expect(calls().filter((c) => c === 'storeToken token-run')).toHaveLength(1);

    const waitResult = await finished(waitRun);
    expect(waitResult.status).toBe('SUCCEEDED');
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: waitRun }));
    const exited = events!.find((e) => e.type === 'WaitStateExited')!;
    expect(exited.timestamp!.getTime()).toBeGreaterThanOrEqual(Date.parse(waitUntil));

    const hangResult = await finished(hangRun);
    expect(hangResult.status).toBe('SUCCEEDED');
    expect(calls().filter((c) => c === 'hang-start hang-run')).toHaveLength(2);
    expect(calls().filter((c) => c === 'hang-done hang-run')).toHaveLength(1);
    second.child.kill('SIGKILL');
  });
});

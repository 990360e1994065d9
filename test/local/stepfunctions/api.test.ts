import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../../infra/local/stepfunctions';
import { holdWrites } from './harness';
import { sfnClient, until } from './sfn-client';

const fn = 'arn:aws:lambda:us-east-1:123456789012:function:store';
const callback = {
  StartAt: 'Await',
  States: {
    Await: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn, Payload: { 'token.$': '$$.Task.Token', 'name.$': '$$.Execution.Name' } },
      End: true,
    },
  },
};

describe('the SFN HTTP API through @aws-sdk/client-sfn', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sfn-api-'));
  const tokens = new Map<string, string>();
  let local: LocalStepFunctions;
  let sfn: SFNClient;
  let stateMachineArn: string;

  beforeAll(async () => {
    local = await startLocalStepFunctions({
      dataDir,
      port: 0,
      invokeLambda: async (_arn, payload) => {
        const { token, name } = payload as { token: string; name: string };
        tokens.set(name, token);
        return {};
      },
    });
    sfn = sfnClient(local.endpoint);
    ({ stateMachineArn } = (await sfn.send(
      new CreateStateMachineCommand({ name: 'api', definition: JSON.stringify(callback), roleArn: 'arn:aws:iam::123456789012:role/r' }),
    )) as { stateMachineArn: string });
  });
  afterAll(async () => {
    await local.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (name: string, input = '{}') =>
    (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }))).executionArn!;

  it('describes and lists state machines', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect([described.name, described.status, described.type]).toEqual(['api', 'ACTIVE', 'STANDARD']);
    expect(described.creationDate).toBeInstanceOf(Date);
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((s) => s.name)).toContain('api');
  });

  it('runs a callback task to success and records AWS history event types', async () => {
    const executionArn = await start('ok', '{"a":1}');
    const token = await until(() => tokens.get('ok'));
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"done":true}' }));
    const described = await until(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'SUCCEEDED' ? d : undefined;
    });
    expect(JSON.parse(described.output!)).toEqual({ done: true });
    expect(described.stopDate).toBeInstanceOf(Date);
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events?.[1]?.stateEnteredEventDetails).toEqual({ name: 'Await', input: '{"a":1}', inputDetails: { truncated: false } });
    expect(events?.[6]?.stateExitedEventDetails?.output).toBe('{"done":true}');
    expect(events?.every((e, i) => e.id === i + 1 && e.timestamp instanceof Date)).toBe(true);
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('fails a task with SendTaskFailure', async () => {
    const executionArn = await start('failing');
    const token = await until(() => tokens.get('failing'));
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Refused', cause: 'because' }));
    const d = await until(async () => {
      const x = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return x.status === 'FAILED' ? x : undefined;
    });
    expect([d.error, d.cause]).toEqual(['Refused', 'because']);
  });

  it('reuses a running execution for the same name and input, refuses a different input', async () => {
    const first = await start('same', '{"x":1}');
    expect(await start('same', '{ "x": 1 }')).toBe(first);
    await expect(start('same', '{"x":2}')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('stops an execution and filters executions by status', async () => {
    const executionArn = await start('stopme');
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Manual', cause: 'test' }));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('ABORTED');
    // The stop's date is the one the execution records, also when it is asked again after the end.
    expect(stopped.stopDate).toEqual(described.stopDate);
    expect((await sfn.send(new StopExecutionCommand({ executionArn }))).stopDate).toEqual(described.stopDate);
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'ABORTED' }));
    expect(executions?.map((e) => e.name)).toEqual(['stopme']);
  });

  it.each([
    [
      'InvalidDefinition',
      () =>
        sfn.send(
          new CreateStateMachineCommand({
            name: 'bad',
            roleArn: 'arn:aws:iam::123456789012:role/r',
            definition: JSON.stringify({
              StartAt: 'S',
              States: { S: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true } },
            }),
          }),
        ),
      InvalidDefinition,
    ],
    [
      'StateMachineDoesNotExist',
      () => sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' })),
      StateMachineDoesNotExist,
    ],
    [
      'ExecutionDoesNotExist',
      () => sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:api:nope' })),
      ExecutionDoesNotExist,
    ],
    ['InvalidToken', () => sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })), InvalidToken],
    [
      'TaskDoesNotExist',
      () => sfn.send(new SendTaskSuccessCommand({ taskToken: Buffer.from('{"e":"arn:x"}').toString('base64url'), output: '{}' })),
      TaskDoesNotExist,
    ],
  ])('raises %s as a typed exception', async (_name, call, type) => {
    await expect(call()).rejects.toBeInstanceOf(type);
  });

  it('names the state and the feature when it refuses a definition', async () => {
    const error = await sfn
      .send(
        new CreateStateMachineCommand({
          name: 'bad2',
          roleArn: 'arn:aws:iam::123456789012:role/r',
          definition: JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', End: true } } }),
        }),
      )
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message).toMatch(/JSONata/);
  });

  it("answers a call only once what it changed is on disk: StartExecution waits for its execution's write", async () => {
    // Given a writer whose batches are held
    const writes = holdWrites();

    // When an execution is started over HTTP
    let answered = false;
    const started = start('held').then((arn) => {
      answered = true;
      return arn;
    });
    await until(() => writes.held() === 1 || undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Then no answer comes while its write is held, and one comes once it lands
    expect(answered).toBe(false);
    writes.release();
    expect(await started).toMatch(/:execution:api:held$/);
    vi.restoreAllMocks();
  });

  it('deletes a state machine', async () => {
    const { stateMachineArn: arn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'temp',
        definition: JSON.stringify({ StartAt: 'S', States: { S: { Type: 'Pass', End: true } } }),
        roleArn: 'arn:aws:iam::123456789012:role/r',
      }),
    );
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach, expect, vi } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepFunctionsEngine, type ExecutionDescription } from '../../../infra/local/stepfunctions/engine';
import type { ExecutionStatusChangeEvent } from '../../../infra/local/stepfunctions/status-event';
import { DurableFileWriter } from '../../../infra/local/stepfunctions/store';

export type Handler = (payload: unknown) => unknown;

/**
 * The events AWS records for one Task state that calls a Lambda by its ARN and succeeds at once
 * (each counts toward the 25,000 of a history).
 */
export const LAMBDA_TASK_STATE_EVENTS = [
  'TaskStateEntered',
  'LambdaFunctionScheduled',
  'LambdaFunctionStarted',
  'LambdaFunctionSucceeded',
  'TaskStateExited',
];

/** Holds every batch the engine's writer thread is given until `release` is called; `held` counts them. */
export function holdWrites(): { release: () => void; held: () => number } {
  const write = DurableFileWriter.prototype.write;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  vi.spyOn(DurableFileWriter.prototype, 'write').mockImplementation(async function (this: DurableFileWriter, ...args) {
    held += 1;
    await gate;
    return write.apply(this, args);
  });
  return { release, held: () => held };
}

/** Lambda ARNs the test definitions name; the handler map says what each does. */
export const fnArn = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/**
 * Lets the engine's writes (on libuv's threads) and its Lambda calls settle until `done` holds;
 * fails the test if it never does.
 */
export async function untilSettled(done: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 5_000;
  while (!done() && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(done()).toBe(true);
}

/** A task that hands its token (and `payload`'s other fields) to the stub `park` and waits for it: the state ends the execution. */
export const parkState = (payload: Record<string, string> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: fnArn('park'), Payload: { 'token.$': '$$.Task.Token', ...payload } },
  End: true,
});

/** An in-process engine on a temporary data directory, with stub Lambdas. */
export class EngineHarness {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'sfn-test-'));
  readonly calls: Array<{ functionArn: string; payload: unknown }> = [];
  /** The EventBridge events the engine raised as executions ended. */
  readonly statusEvents: ExecutionStatusChangeEvent[] = [];
  engine: StepFunctionsEngine;
  private count = 0;

  constructor(
    readonly handlers: Record<string, Handler> = {},
    /** Every execution that waits goes back to disk unless told otherwise, so each test also checks that one read back resumes alike. */
    private readonly idleExecutionsHeld = 0,
  ) {
    this.engine = this.open();
  }

  /** A fresh engine over the same data directory, as after a restart. */
  async reopen(): Promise<StepFunctionsEngine> {
    await this.engine.close();
    this.engine = this.open();
    return this.engine;
  }

  async run(definition: object, input: unknown = {}, name?: string): Promise<ExecutionDescription & { arn: string }> {
    const arn = this.engine.createStateMachine(`sm${++this.count}`, JSON.stringify(definition));
    const { executionArn } = this.engine.startExecution(arn, name ?? `run${this.count}`, JSON.stringify(input));
    return { ...(await this.engine.waitForExecution(executionArn)), arn: executionArn };
  }

  async dispose(): Promise<void> {
    await this.engine.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private open(): StepFunctionsEngine {
    const engine = new StepFunctionsEngine({
      dataDir: this.dataDir,
      idleExecutionsHeld: this.idleExecutionsHeld,
      invokeLambda: async (functionArn, payload) => {
        this.calls.push({ functionArn, payload });
        const name = functionArn.split(':').pop() ?? '';
        const handler = this.handlers[name];
        if (!handler) throw new Error(`No stub handler for ${functionArn}`);
        return handler(payload);
      },
      onExecutionEnded: (event) => {
        this.statusEvents.push(event);
      },
    });
    engine.load();
    engine.resume();
    return engine;
  }
}

/** Harnesses for the tests of one file, each disposed after the test that opened it. */
export function harnessPerTest(): (handlers?: Record<string, Handler>) => EngineHarness {
  const open: EngineHarness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.dispose()));
  });
  return (handlers = {}) => {
    const h = new EngineHarness(handlers);
    open.push(h);
    return h;
  };
}

/**
 * A new engine (added to `harnesses`, to be disposed) with a parent whose `.sync:2` task waits for
 * a child parked on its task token (`tokens`); the parent answers the child's output.
 */
export async function parentWaitingForParkedChild(harnesses: EngineHarness[]) {
  const tokens: string[] = [];
  const h = new EngineHarness({ park: (p) => void tokens.push((p as { token: string }).token) });
  harnesses.push(h);
  const childMachine = h.engine.createStateMachine('child', JSON.stringify({ StartAt: 'Park', States: { Park: parkState() } }));
  const parentMachine = h.engine.createStateMachine(
    'parent',
    JSON.stringify({
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: childMachine, Name: 'the-child', Input: {} },
          OutputPath: '$.Output',
          End: true,
        },
      },
    }),
  );
  const parentArn = h.engine.startExecution(parentMachine, 'the-parent', '{}').executionArn;
  await untilSettled(() => tokens.length === 1);
  await h.engine.durable();
  return { h, tokens, parentArn, childArn: `${childMachine.replace(':stateMachine:', ':execution:')}:the-child` };
}

import { createHash, randomUUID } from 'node:crypto';
import { START_EXECUTION, isFunctionArn, isStartExecution, parseDefinition, scopeAt, type Definition } from './definition';
import { SfnApiError } from './errors';
import { Interpreter, lambdaErrorOutcome, readToken, type Host, type TaskOutcome } from './interpreter';
import type { ExecutionRecord, ExecutionStatus, HistoryEvent, StateMachineRecord } from './model';
import { isObject, type Json } from './paths';
import { Scheduler } from './scheduler';
import { executionStatusChangeEvent, type EndedExecution, type ExecutionStatusChangeEvent } from './status-event';
import { JsonStore } from './store';

export type InvokeLambda = (functionArn: string, payload: unknown) => Promise<unknown>;

export interface EngineLogger {
  info(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface EngineOptions {
  dataDir: string;
  invokeLambda: InvokeLambda;
  logger?: EngineLogger;
  region?: string;
  accountId?: string;
  /**
   * Called with the EventBridge event AWS raises when an execution ends (SUCCEEDED, FAILED,
   * TIMED_OUT or ABORTED), once the end is on disk. Best effort, as on AWS: a failure is logged.
   */
  onExecutionEnded?: (event: ExecutionStatusChangeEvent) => void | Promise<void>;
}

/** The largest state input or output seen since start (the benchmark reports it). */
export interface PayloadStats {
  largestBytes: number;
  executionArn?: string;
  stateName?: string;
}

export type ExecutionDescription = EndedExecution;

/**
 * All that stays in memory of a finished execution: what DescribeExecution, ListExecutions and the
 * name-reuse rule of StartExecution need. Its history and threads are read from disk on demand, so
 * that a long-running engine does not grow by one full history per execution it ever ran.
 */
type ExecutionSummary = Pick<
  ExecutionRecord,
  'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'input' | 'output' | 'error' | 'cause' | 'startDate' | 'stopDate' | 'startedBy'
>;

const NAME = /^[A-Za-z0-9_.~-]{1,80}$/;
/** An execution's file name: `<state machine>:<execution>`, unique per engine. */
const fileKey = (executionArn: string): string => executionArn.split(':').slice(-2).join(':');
const sameJson = (a: string, b: string): boolean => JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));

/**
 * The local Step Functions service: state machines, executions, task tokens, timers, and the
 * disk. Every public call is one "turn": it changes records in memory, writes the changed
 * executions to disk, and only then starts the Lambda invocations the turn asked for, so that
 * nothing outside the engine ever sees a state that a crash could take back.
 */
export class StepFunctionsEngine {
  private readonly store: JsonStore;
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  /** RUNNING executions, whole; they move to `finished` once their final record is on disk. */
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly finished = new Map<string, ExecutionSummary>();
  private readonly definitions = new Map<string, Definition>();
  private readonly tokens = new Map<string, { executionArn: string; threadId: string }>();
  private readonly waiters = new Map<string, Array<(d: ExecutionDescription) => void>>();
  private readonly dirty = new Set<ExecutionRecord>();
  private readonly invocations: Array<{ execution: ExecutionRecord; threadId: string; attemptId: string }> = [];
  private readonly scheduler: Scheduler;
  private readonly interpreter: Interpreter;
  private readonly region: string;
  private readonly accountId: string;
  private payload: PayloadStats = { largestBytes: 0 };
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    this.store = new JsonStore(options.dataDir);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.scheduler = new Scheduler((key) => this.onTimer(key));
    const host: Host = {
      now: () => Date.now(),
      definitionOf: (execution) => this.definitionOf(execution),
      schedule: (key, due) => this.scheduler.schedule(key, due),
      cancel: (key) => this.scheduler.cancel(key),
      invoke: (execution, threadId, attemptId) => this.invocations.push({ execution, threadId, attemptId }),
      tokenIssued: (token, execution, threadId) => this.tokens.set(token, { executionArn: execution.executionArn, threadId }),
      tokenRevoked: (token) => this.tokens.delete(token),
      payloadSeen: (bytes, execution, stateName) => {
        if (bytes > this.payload.largestBytes) this.payload = { largestBytes: bytes, executionArn: execution.executionArn, stateName };
      },
      finished: (execution) => {
        const waiting = this.waiters.get(execution.executionArn) ?? [];
        this.waiters.delete(execution.executionArn);
        // Resolved after the turn's write, so a waiter reads what is on disk.
        queueMicrotask(() => {
          const description = this.describe(execution);
          for (const resolve of waiting) resolve(description);
          this.raiseStatusChange(description);
        });
      },
    };
    this.interpreter = new Interpreter(host);
  }

  /** Reads everything on disk. Call `resume()` once the HTTP API listens. */
  load(): void {
    for (const sm of this.store.loadAll<StateMachineRecord>('state-machines')) this.stateMachines.set(sm.stateMachineArn, sm);
    for (const execution of this.store.loadAll<ExecutionRecord>('executions')) {
      if (execution.status !== 'RUNNING') {
        this.finished.set(execution.executionArn, summary(execution));
        continue;
      }
      this.executions.set(execution.executionArn, execution);
      for (const thread of Object.values(execution.threads)) {
        if (thread.step.kind === 'task' && thread.step.token)
          this.tokens.set(thread.step.token, { executionArn: execution.executionArn, threadId: thread.id });
      }
    }
  }

  /** Picks up every RUNNING execution where it stood; timers that came due meanwhile fire now. */
  resume(): void {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    this.turn(() => {
      for (const execution of running) this.interpreter.resume(this.touch(execution));
    });
    if (running.length > 0) this.options.logger?.info('Resumed Step Functions executions', { count: running.length });
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    this.scheduler.stop();
  }

  get largestPayload(): PayloadStats {
    return { ...this.payload };
  }

  /** How many executions are held whole in memory (tests check that finished ones are not). */
  get executionsHeldWhole(): number {
    return this.executions.size;
  }

  // ---- state machines ----

  /**
   * Creates a state machine, or, when one of that name exists, gives it this definition (new
   * executions use it; running ones finish on the version they started with). The HTTP API's
   * CreateStateMachine keeps AWS's stricter rule (see `api.ts`).
   */
  createStateMachine(name: string, definition: string, roleArn = `arn:aws:iam::${this.accountId}:role/local-stepfunctions`): string {
    if (!NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid state machine name '${name}': use 1-80 letters, digits, - or _.`);
    const parsed = parseDefinition(definition);
    const stateMachineArn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    const existing = this.stateMachines.get(stateMachineArn);
    const record: StateMachineRecord = {
      stateMachineArn,
      name,
      definition,
      roleArn,
      type: 'STANDARD',
      creationDate: existing?.creationDate ?? new Date().toISOString(),
    };
    this.stateMachines.set(stateMachineArn, record);
    this.definitions.set(definition, parsed);
    this.store.save('state-machines', name, record);
    return stateMachineArn;
  }

  describeStateMachine(stateMachineArn: string): StateMachineRecord {
    const sm = this.stateMachines.get(stateMachineArn);
    if (!sm) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return sm;
  }

  listStateMachines(): StateMachineRecord[] {
    return [...this.stateMachines.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteStateMachine(stateMachineArn: string): void {
    const sm = this.stateMachines.get(stateMachineArn);
    if (!sm) return;
    this.stateMachines.delete(stateMachineArn);
    this.store.remove('state-machines', sm.name);
  }

  // ---- executions ----

  /** `startedBy`: the parent's task attempt, for a child execution (ExecutionRecord.startedBy). */
  startExecution(
    stateMachineArn: string,
    name: string = randomUUID(),
    input = '{}',
    startedBy?: string,
  ): { executionArn: string; startDate: Date } {
    const sm = this.describeStateMachine(stateMachineArn);
    if (!NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid execution name '${name}': use 1-80 letters, digits, - or _.`);
    try {
      JSON.parse(input);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'The execution input must be a JSON text.');
    }
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${sm.name}:${name}`;
    const existing = this.executions.get(executionArn) ?? this.finished.get(executionArn);
    if (existing) {
      // AWS Standard: the same name and input while it runs is the same request; anything else conflicts.
      if (existing.status === 'RUNNING' && sameJson(existing.input, input)) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input,
      startDate: new Date().toISOString(),
      roleArn: sm.roleArn,
      definition: sm.definition,
      ...(startedBy === undefined ? {} : { startedBy }),
      seq: 0,
      threads: {},
      history: [],
    };
    this.executions.set(executionArn, execution);
    this.turn(() => this.interpreter.start(this.touch(execution)));
    return { executionArn, startDate: new Date(execution.startDate) };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    return this.describe(this.execution(executionArn));
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): ExecutionDescription[] {
    this.describeStateMachine(stateMachineArn);
    return [...this.executions.values(), ...this.finished.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (statusFilter === undefined || e.status === statusFilter))
      .sort((a, b) => b.startDate.localeCompare(a.startDate))
      .map((e) => this.describe(e));
  }

  getExecutionHistory(executionArn: string): HistoryEvent[] {
    const execution = this.execution(executionArn);
    return 'history' in execution ? execution.history : this.store.load<ExecutionRecord>('executions', fileKey(executionArn)).history;
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
    const execution = this.execution(executionArn);
    if ('history' in execution) this.turn(() => this.interpreter.stop(this.touch(execution), error, cause));
    return { stopDate: new Date(execution.stopDate ?? Date.now()) };
  }

  /** Resolves when the execution stops (at once if it already has). */
  waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    const execution = this.execution(executionArn);
    if (execution.status !== 'RUNNING') return Promise.resolve(this.describe(execution));
    return new Promise((resolve) => {
      const list = this.waiters.get(executionArn) ?? [];
      list.push(resolve);
      this.waiters.set(executionArn, list);
    });
  }

  // ---- task tokens ----

  sendTaskSuccess(token: string, output: string): void {
    let value: Json;
    try {
      value = JSON.parse(output) as Json;
    } catch {
      throw new SfnApiError('InvalidOutput', 'The task output must be a JSON text.');
    }
    this.completeToken(token, { ok: true, value });
  }

  sendTaskFailure(token: string, error = '', cause = ''): void {
    this.completeToken(token, { ok: false, error, cause });
  }

  sendTaskHeartbeat(token: string): void {
    const { execution, threadId } = this.openTask(token);
    this.turn(() => this.interpreter.heartbeat(this.touch(execution), threadId));
  }

  private completeToken(token: string, outcome: TaskOutcome): void {
    const { execution, threadId } = this.openTask(token);
    this.turn(() => this.interpreter.tokenOutcome(this.touch(execution), threadId, outcome));
  }

  private openTask(token: string): { execution: ExecutionRecord; threadId: string } {
    const open = this.tokens.get(token);
    const execution = open && this.executions.get(open.executionArn);
    if (open && execution) return { execution, threadId: open.threadId };
    const named = readToken(token);
    if (!named) throw new SfnApiError('InvalidToken', 'Invalid Token: the task token is malformed.');
    if (!this.executions.has(named.executionArn) && !this.finished.has(named.executionArn))
      throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist: no execution holds this task token.');
    throw new SfnApiError('TaskTimedOut', 'Task Timed Out: the task of this token has already finished, failed or timed out.');
  }

  // ---- the turn: change, write, then act ----

  private turn(change: () => void): void {
    try {
      change();
    } finally {
      this.flush();
    }
  }

  private touch(execution: ExecutionRecord): ExecutionRecord {
    this.dirty.add(execution);
    return execution;
  }

  private flush(): void {
    if (this.closed) return;
    for (const execution of this.dirty) {
      this.store.save('executions', fileKey(execution.executionArn), execution);
      if (execution.status !== 'RUNNING') {
        this.executions.delete(execution.executionArn);
        this.finished.set(execution.executionArn, summary(execution));
      }
    }
    this.dirty.clear();
    for (const call of this.invocations.splice(0)) this.launch(call.execution, call.threadId, call.attemptId);
  }

  private launch(execution: ExecutionRecord, threadId: string, attemptId: string): void {
    const thread = execution.threads[threadId];
    // A task the turn started before the execution ended (at the history limit) never runs.
    if (execution.status !== 'RUNNING' || thread?.step.kind !== 'task') return;
    const settle = (outcome: TaskOutcome): void => {
      if (this.closed || !this.executions.has(execution.executionArn)) return;
      this.turn(() => this.interpreter.taskOutcome(this.touch(execution), threadId, attemptId, outcome));
    };
    const resource = String(scopeAt(this.definitionOf(execution), thread.scope).States[thread.stateName]?.Resource);
    if (isStartExecution(resource)) {
      this.childExecution(resource, thread.step.parameters, `${execution.executionArn}#${attemptId}`).then(settle, (error: unknown) =>
        settle(lambdaErrorOutcome(error)),
      );
      return;
    }
    const { functionArn, payload } = this.target(resource, thread.step.parameters);
    let call: Promise<unknown>;
    try {
      call = this.options.invokeLambda(functionArn, payload);
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (value) => settle({ ok: true, value: JSON.parse(JSON.stringify(value ?? null)) as Json }),
      (error: unknown) => {
        this.options.logger?.error('Task Lambda failed', { functionArn, error: error instanceof Error ? error.name : 'Error' });
        settle(lambdaErrorOutcome(error));
      },
    );
  }

  /** lambda:invoke names the function in its Parameters; a function ARN resource is the function. */
  private target(resource: string, parameters: Json): { functionArn: string; payload: Json } {
    if (isFunctionArn(resource)) return { functionArn: resource, payload: parameters };
    const fields = isObject(parameters) ? parameters : {};
    return { functionArn: String(fields.FunctionName ?? ''), payload: fields.Payload ?? {} };
  }

  /**
   * A `states:startExecution` task: starts the child (named after the attempt unless the
   * Parameters name it), then answers as AWS does: `{ExecutionArn, StartDate}` at once, or the
   * child's DescribeExecution once it ends for `.sync` (Output a JSON text) and `.sync:2` (Output
   * parsed); a child that did not succeed (FAILED, TIMED_OUT or ABORTED) fails the task with
   * States.TaskFailed and that description as its cause. The start follows AWS's StartExecution:
   * the name and input of a running execution start nothing and answer that execution, and the
   * name of a closed one fails the task with StepFunctions.ExecutionAlreadyExistsException. Only
   * the same attempt run again after a restart (which AWS never does) waits for the child it
   * started, even one that has ended meanwhile, instead of starting a second one.
   */
  private async childExecution(resource: string, parameters: Json, attempt: string): Promise<TaskOutcome> {
    // Out of the turn that started the task: the child's own turns must not nest in it.
    await Promise.resolve();
    const fields = isObject(parameters) ? parameters : {};
    const stateMachineArn = String(fields.StateMachineArn ?? '');
    const name = typeof fields.Name === 'string' ? fields.Name : createHash('sha256').update(attempt).digest('hex').slice(0, 32);
    const input = typeof fields.Input === 'string' ? fields.Input : JSON.stringify(fields.Input ?? {});
    let executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const existing = this.executions.get(executionArn) ?? this.finished.get(executionArn);
      if (existing?.startedBy !== attempt) executionArn = this.startExecution(stateMachineArn, name, input, attempt).executionArn;
    } catch (error) {
      if (!(error instanceof SfnApiError)) throw error;
      return { ok: false, error: `StepFunctions.${error.type}Exception`, cause: error.message };
    }
    const started = this.describeExecution(executionArn);
    if (resource === START_EXECUTION)
      return { ok: true, value: { ExecutionArn: executionArn, StartDate: started.startDate.toISOString() } };
    const ended = await this.waitForExecution(executionArn);
    const parse = (text: string | undefined): Json =>
      resource.endsWith(':2') && text !== undefined ? (JSON.parse(text) as Json) : (text ?? null);
    const described: Json = {
      ExecutionArn: ended.executionArn,
      StateMachineArn: ended.stateMachineArn,
      Name: ended.name,
      Status: ended.status,
      StartDate: ended.startDate.getTime(),
      StopDate: ended.stopDate?.getTime() ?? null,
      Input: parse(ended.input),
      InputDetails: { Included: true },
      ...(ended.output === undefined ? {} : { Output: parse(ended.output), OutputDetails: { Included: true } }),
      ...(ended.error === undefined ? {} : { Error: ended.error }),
      ...(ended.cause === undefined ? {} : { Cause: ended.cause }),
    };
    return ended.status === 'SUCCEEDED'
      ? { ok: true, value: described }
      : { ok: false, error: 'States.TaskFailed', cause: JSON.stringify(described) };
  }

  private raiseStatusChange(description: ExecutionDescription): void {
    const hook = this.options.onExecutionEnded;
    if (!hook) return;
    const failed = (error: unknown): void =>
      this.options.logger?.error('Execution status change handler failed', {
        executionArn: description.executionArn,
        error: error instanceof Error ? error.name : 'Error',
      });
    try {
      void Promise.resolve(hook(executionStatusChangeEvent(description, this.region, this.accountId))).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  private onTimer(key: string): void {
    const cut = key.lastIndexOf('#');
    const execution = this.executions.get(key.slice(0, cut));
    if (execution?.status !== 'RUNNING') return;
    this.turn(() => this.interpreter.timer(this.touch(execution), key.slice(cut + 1)));
  }

  private definitionOf(execution: ExecutionRecord): Definition {
    let parsed = this.definitions.get(execution.definition);
    if (!parsed) {
      parsed = JSON.parse(execution.definition) as Definition;
      this.definitions.set(execution.definition, parsed);
    }
    return parsed;
  }

  private execution(executionArn: string): ExecutionRecord | ExecutionSummary {
    const execution = this.executions.get(executionArn) ?? this.finished.get(executionArn);
    if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  private describe(e: ExecutionSummary): ExecutionDescription {
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: new Date(e.startDate),
      ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
      input: e.input,
      ...(e.output !== undefined ? { output: e.output } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    };
  }
}

function summary(e: ExecutionRecord): ExecutionSummary {
  const { executionArn, stateMachineArn, name, status, input, output, error, cause, startDate, stopDate, startedBy } = e;
  return {
    executionArn,
    stateMachineArn,
    name,
    status,
    input,
    startDate,
    ...(startedBy !== undefined ? { startedBy } : {}),
    ...(stopDate !== undefined ? { stopDate } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(cause !== undefined ? { cause } : {}),
  };
}

import { createHash, randomUUID } from 'node:crypto';
import type { AcceptedDefinitions } from './accepted-definitions';
import { START_EXECUTION, isFunctionArn, isStartExecution, parseDefinition, scopeAt, type Definition } from './definition';
import { SfnApiError } from './errors';
import {
  Interpreter,
  lambdaErrorOutcome,
  readToken,
  restartPlan,
  timerKey,
  type Host,
  type RestartPlan,
  type TaskOutcome,
} from './interpreter';
import type { ExecutionRecord, ExecutionStatus, HistoryEvent, StateMachineRecord, ThreadRecord } from './model';
import { isObject, type Json } from './paths';
import { Scheduler } from './scheduler';
import { executionStatusChangeEvent, type EndedExecution, type ExecutionStatusChangeEvent } from './status-event';
import { DurableFileWriter, EndedExecutions, ExecutionIndex, JsonStore } from './store';

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
  /**
   * How many running executions with nothing in flight stay whole in memory, the most recently
   * used (a token or timer then resumes them without a read). The rest wait on disk.
   */
  idleExecutionsHeld?: number;
  /**
   * Definitions accepted in earlier runs on this machine, whose structural check is skipped.
   * @default none: every definition this data directory has not run is checked
   */
  acceptedDefinitions?: AcceptedDefinitions;
}

/**
 * More than the cases a busy runtime moves at once (the benchmarks keep 20 in flight), so that a
 * token sent right after a task rarely needs a read; a case workflow's record takes some 40 KB
 * of heap, so this bound costs about 1.3 MB however many cases are open.
 */
const IDLE_EXECUTIONS_HELD = 32;

/** The largest state input or output seen since start (the benchmark reports it). */
export interface PayloadStats {
  largestBytes: number;
  executionArn?: string;
  stateName?: string;
}

export type ExecutionDescription = EndedExecution;

/** What ListExecutions answers of each execution. */
export type ExecutionListItem = Pick<
  ExecutionDescription,
  'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'
>;

/**
 * All that stays in memory of a running execution that is not being worked on: what
 * ListExecutions answers, its input (DescribeExecution and the name-reuse rule of StartExecution
 * need it) and what a restart must arm for it. Its history and threads are read from disk on
 * demand, so that the engine does not grow by one full record per execution waiting on a task
 * token or a timer. The same summary is the execution's line in the index on disk, so that a
 * start reads these instead of every record. An ended execution's summary leaves memory for a
 * file of its own (`EndedExecutions`), so that the engine does not grow by one summary per
 * execution it ever ran.
 */
type ExecutionSummary = Pick<
  ExecutionRecord,
  'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate' | 'startedBy'
> & {
  /** Only while it runs. */
  input?: string;
  /** Only while it runs. */
  restart?: ExecutionRestart;
};

/** What starting a child answers: the task's outcome at once, or the child its `.sync` task waits for. */
type ChildStart = { readonly outcome: TaskOutcome } | { readonly childArn: string };

/**
 * A parent's `.sync` task waiting for its child execution: the engine waits for the child from
 * this alone, without holding or reading the parent's record, once the child is started and again
 * after a restart (a case workflow waits so for its order batch for as long as the case is open).
 */
interface ChildWait {
  readonly threadId: string;
  readonly attemptId: string;
  readonly resource: string;
  readonly childArn: string;
}

/** What a restart must do for a running execution without reading its record (interpreter.ts `restartPlan`). */
interface ExecutionRestart {
  readonly timers: RestartPlan['timers'];
  readonly tokens: RestartPlan['tokens'];
  readonly childWaits: readonly ChildWait[];
  /** It must be read and run again: a state to enter, or a call in flight other than a wait for a child. */
  readonly run: boolean;
}

/** Executions resumed per turn after a restart: each turn's are held whole until it is written. */
const RESUME_BATCH = 50;

/** After a failed write (a full disk), the next attempt: the turns meanwhile are held, and nothing acts on them. */
const WRITE_RETRY_MS = 1_000;
const NAME = /^[A-Za-z0-9_.~-]{1,80}$/;
/** An execution's file name: `<state machine>:<execution>`, unique per engine. */
const fileKey = (executionArn: string): string => executionArn.split(':').slice(-2).join(':');
const sameJson = (a: string, b: string): boolean => JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));

/**
 * The local Step Functions service: state machines, executions, task tokens, timers, and the
 * disk. Every public call is one "turn": it changes records in memory. The turns of a moment are
 * written to disk together (group commit: one fsync of the index and one per execution changed,
 * off the event loop, instead of a synchronous write at every turn), and only once they are
 * durable does the engine start the Lambda invocations they asked for, resolve those who wait,
 * or let the HTTP API answer (`durable()`), so that nothing outside the engine ever sees a state
 * that a crash could take back.
 */
export class StepFunctionsEngine {
  private readonly store: JsonStore;
  private readonly writer = new DurableFileWriter();
  private readonly index: ExecutionIndex<ExecutionSummary>;
  private readonly ended: EndedExecutions<ExecutionSummary>;
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  /** Every running execution, as of its last record on disk; an ended one is on disk alone. */
  private readonly summaries = new Map<string, ExecutionSummary>();
  /**
   * RUNNING executions held whole, least recently used first: those with a task in flight (its
   * Lambda, or the start of its child execution, answers to this very record) and at most
   * `idleExecutionsHeld` others.
   */
  private readonly held = new Map<string, ExecutionRecord>();
  /** Tasks in flight per execution: such an execution stays held. */
  private readonly inFlight = new Map<string, number>();
  /** Executions on disk that `resume()` reads and runs again: those that were doing something, not only waiting. */
  private pendingResume: string[] = [];
  private readonly definitions = new Map<string, Definition>();
  private readonly tokens = new Map<string, { executionArn: string; threadId: string }>();
  private readonly waiters = new Map<string, Array<(d: ExecutionDescription) => void>>();
  /** Executions changed by turns whose write has not started; each group of turns takes them all. */
  private readonly dirty = new Set<ExecutionRecord>();
  private readonly invocations: Array<{ execution: ExecutionRecord; threadId: string; attemptId: string }> = [];
  /** What the turns asked to happen once their changes are durable: executions that ended tell their waiters. */
  private readonly afterWrite: Array<() => void> = [];
  /** Callers of `durable()`, answered when the turns before their call are written. */
  private readonly durableWaiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  /** The groups being written, one after another, while turns go on; `undefined` when all is written. */
  private writing: Promise<void> | undefined;
  private readonly scheduler: Scheduler;
  private readonly interpreter: Interpreter;
  private readonly region: string;
  private readonly accountId: string;
  private readonly idleExecutionsHeld: number;
  private payload: PayloadStats = { largestBytes: 0 };
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    this.store = new JsonStore(options.dataDir);
    this.index = new ExecutionIndex(options.dataDir);
    this.ended = new EndedExecutions(options.dataDir);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.idleExecutionsHeld = options.idleExecutionsHeld ?? IDLE_EXECUTIONS_HELD;
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
      // Told after the turn's write, so a waiter reads what is on disk.
      finished: (execution) =>
        this.afterWrite.push(() => {
          const waiting = this.waiters.get(execution.executionArn) ?? [];
          this.waiters.delete(execution.executionArn);
          const description = this.describe(execution);
          for (const resolve of waiting) resolve(description);
          this.raiseStatusChange(description);
        }),
    };
    this.interpreter = new Interpreter(host);
  }

  /**
   * Reads the state machines and the executions' index (each execution's record only where the
   * index may be behind it, or where there is no index yet), then rewrites the index compactly,
   * with the running executions alone.
   * Call `resume()` once the HTTP API listens.
   */
  load(): void {
    for (const sm of this.store.loadAll<StateMachineRecord>('state-machines')) this.stateMachines.set(sm.stateMachineArn, sm);
    const index = this.index.read();
    // An ended one the index still names had its line appended unsynced, which a power cut may have lost: it is appended again.
    let ended = 0;
    const place = (executionArn: string, summary: ExecutionSummary): void => {
      if (summary.status === 'RUNNING') this.summaries.set(executionArn, summary);
      else {
        this.ended.append([[executionArn, summary]]);
        ended += 1;
      }
    };
    if (index === undefined) {
      this.store.forEach<ExecutionRecord>('executions', (execution) => place(execution.executionArn, this.summaryOf(execution)));
    } else {
      for (const [executionArn, entry] of index) {
        const known = entry ?? this.readSummary(executionArn);
        if (known) place(executionArn, known);
      }
    }
    if (ended > 0 || !this.index.isTidy || this.summaries.size !== index?.size) this.rewriteIndex();
    for (const { executionArn, restart } of this.summaries.values()) {
      if (!restart) continue;
      for (const [token, threadId] of restart.tokens) this.tokens.set(token, { executionArn, threadId });
      if (restart.run) this.pendingResume.push(executionArn);
    }
  }

  /**
   * Picks up every RUNNING execution where it stood; timers that came due meanwhile fire now. One
   * that only waits needs nothing but its timers, from its summary; one that was doing something
   * is read and run again.
   */
  resume(): void {
    let waiting = 0;
    for (const { executionArn, status, restart } of this.summaries.values()) {
      if (status !== 'RUNNING' || !restart || restart.run) continue;
      // A child whose start never reached the disk is started by running its parent's task again.
      if (restart.childWaits.some((wait) => !this.exists(wait.childArn))) {
        this.pendingResume.push(executionArn);
        continue;
      }
      for (const [threadId, due] of restart.timers) this.scheduler.schedule(timerKey(executionArn, threadId), due);
      for (const wait of restart.childWaits) this.awaitChild(executionArn, wait);
      waiting += 1;
    }
    const running = this.pendingResume.filter((arn) => this.summaries.get(arn)?.status === 'RUNNING');
    this.pendingResume = [];
    if (running.length + waiting > 0)
      this.options.logger?.info('Resumed Step Functions executions', { count: running.length + waiting, readFromDisk: running.length });
    this.resumeInBatches(running).catch((error: unknown) =>
      this.options.logger?.error('Resuming Step Functions executions failed', { error: error instanceof Error ? error.message : 'Error' }),
    );
  }

  /** A few at a time, read again from disk, each batch written (and so let go) before the next is read: all at once would hold them all whole. */
  private async resumeInBatches(running: readonly string[]): Promise<void> {
    for (let first = 0; first < running.length; first += RESUME_BATCH) {
      this.turn(() => {
        for (const arn of running.slice(first, first + RESUME_BATCH))
          if (this.summaries.get(arn)?.status === 'RUNNING') this.interpreter.resume(this.touch(this.running(arn)));
      });
      await this.durable();
    }
  }

  private exists(executionArn: string): boolean {
    return this.summaries.has(executionArn) || this.store.has('executions', fileKey(executionArn));
  }

  /** An execution's whole record from disk (a running one may be newer in memory). */
  private stored(executionArn: string): ExecutionRecord {
    try {
      return this.store.load<ExecutionRecord>('executions', fileKey(executionArn));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw doesNotExist(executionArn);
      throw error;
    }
  }

  /** Rewrites the index with the running executions alone, once the ended ones it drops are durable in their own file. */
  private rewriteIndex(): void {
    this.ended.sync();
    this.index.rewrite(this.summaries);
  }

  /** An execution's summary from its file; `undefined` when its first write never finished (nobody was told it started). */
  private readSummary(executionArn: string): ExecutionSummary | undefined {
    try {
      return this.summaryOf(this.store.load<ExecutionRecord>('executions', fileKey(executionArn)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Writes what the turns left, then stops; throws when that write fails (the turns not written are lost). */
  async close(): Promise<void> {
    try {
      if (!this.closed) await this.durable();
    } finally {
      // Also after a failed write: a closed engine writes nothing more, as a process that died.
      this.closed = true;
      this.scheduler.stop();
      this.index.close();
      this.ended.close();
      await this.writer.close();
    }
  }

  get largestPayload(): PayloadStats {
    return { ...this.payload };
  }

  /** How many executions are held whole in memory (tests check that finished and idle ones are not). */
  get executionsHeldWhole(): number {
    return this.held.size;
  }

  /** How many executions the engine keeps a summary of in memory (tests check that ended ones are not among them). */
  get executionsSummarised(): number {
    return this.summaries.size;
  }

  // ---- state machines ----

  /**
   * Creates a state machine, or, when one of that name exists, gives it this definition (new
   * executions use it; running ones finish on the version they started with). The HTTP API's
   * CreateStateMachine keeps AWS's stricter rule (see `api.ts`).
   */
  createStateMachine(name: string, definition: string, roleArn = `arn:aws:iam::${this.accountId}:role/local-stepfunctions`): string {
    if (!NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid state machine name '${name}': use 1-80 letters, digits, - or _.`);
    const validatedBefore = this.store.holdsDefinition(definition) || (this.options.acceptedDefinitions?.has(definition) ?? false);
    const parsed = parseDefinition(definition, validatedBefore);
    if (!validatedBefore) this.options.acceptedDefinitions?.add(definition);
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
    if (this.exists(executionArn)) {
      // AWS Standard: the same name and input while it runs is the same request; anything else conflicts.
      const running = this.summaries.get(executionArn);
      if (running?.input !== undefined && sameJson(running.input, input)) {
        return { executionArn, startDate: new Date(running.startDate) };
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
    this.summaries.set(executionArn, this.summaryOf(execution));
    this.held.set(executionArn, execution);
    this.turn(() => this.interpreter.start(this.touch(execution)));
    return { executionArn, startDate: new Date(execution.startDate) };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    // A running execution has no output, error or cause yet; an ended one is on disk alone.
    const running = this.summaries.get(executionArn);
    return this.describe(running?.input === undefined ? this.stored(executionArn) : { ...running, input: running.input });
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): ExecutionListItem[] {
    this.describeStateMachine(stateMachineArn);
    const listed: ExecutionSummary[] = [];
    const take = (summary: ExecutionSummary): void => {
      if (summary.stateMachineArn === stateMachineArn && (statusFilter === undefined || summary.status === statusFilter))
        listed.push(summary);
    };
    // The ended ones from their file (each once), the running ones from memory: never both for one execution.
    for (const [, summary] of this.ended.all()) take(summary);
    for (const summary of this.summaries.values()) take(summary);
    return listed.sort((a, b) => b.startDate.localeCompare(a.startDate)).map(listItem);
  }

  getExecutionHistory(executionArn: string): HistoryEvent[] {
    return (this.held.get(executionArn) ?? this.stored(executionArn)).history;
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
    // A running one is stopped in memory, and its record has the date; an ended one is on disk alone.
    let execution: ExecutionRecord;
    if (this.summaries.has(executionArn)) {
      execution = this.running(executionArn);
      this.turn(() => this.interpreter.stop(this.touch(execution), error, cause));
    } else {
      execution = this.stored(executionArn);
    }
    return { stopDate: new Date(execution.stopDate ?? Date.now()) };
  }

  /** Resolves when the execution stops (at once if it already has). */
  waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    if (!this.summaries.has(executionArn)) return Promise.resolve(this.describeExecution(executionArn));
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
    if (open && this.summaries.get(open.executionArn)?.status === 'RUNNING')
      return { execution: this.running(open.executionArn), threadId: open.threadId };
    const named = readToken(token);
    if (!named) throw new SfnApiError('InvalidToken', 'Invalid Token: the task token is malformed.');
    if (!this.exists(named.executionArn))
      throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist: no execution holds this task token.');
    throw new SfnApiError('TaskTimedOut', 'Task Timed Out: the task of this token has already finished, failed or timed out.');
  }

  // ---- the turn: change; then, for a group of turns: write, then act ----

  private turn(change: () => void): void {
    try {
      change();
    } finally {
      this.scheduleWrite();
    }
  }

  /**
   * Resolves once every turn before this call is on disk (at once when there is nothing to
   * write); rejects when that write failed. The HTTP API answers only then.
   */
  durable(): Promise<void> {
    if (this.writing === undefined && this.dirty.size === 0) return Promise.resolve();
    const written = new Promise<void>((resolve, reject) => this.durableWaiters.push({ resolve, reject }));
    // After a failed write nothing may be under way: this call starts the next attempt.
    this.scheduleWrite();
    return written;
  }

  /** Starts a group in the next turn of the event loop, so that the turns of this one join it; a group being written is followed by the next. */
  private scheduleWrite(): void {
    if (this.writing !== undefined || this.closed) return;
    this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeGroups());
  }

  private async writeGroups(): Promise<void> {
    try {
      while (this.dirty.size > 0 || this.invocations.length > 0 || this.afterWrite.length > 0 || this.durableWaiters.length > 0)
        await this.writeGroup();
    } catch (error) {
      this.options.logger?.error('Writing Step Functions executions failed; retrying', {
        error: error instanceof Error ? error.message : 'Error',
      });
      setTimeout(() => this.scheduleWrite(), WRITE_RETRY_MS).unref();
    }
    // In the same synchronous stretch as the loop's last test: a turn after it starts a new group.
    this.writing = undefined;
  }

  /**
   * Writes what the turns so far changed: the keys as pending in the index (fsync), each changed
   * execution's file (fsync, rename), then their index lines; then acts on those turns. A failed
   * write puts everything back for the next attempt, and fails those waiting on it.
   */
  private async writeGroup(): Promise<void> {
    const written = [...this.dirty];
    this.dirty.clear();
    const invocations = this.invocations.splice(0);
    const after = this.afterWrite.splice(0);
    const waiters = this.durableWaiters.splice(0);
    try {
      // Taken now: the records go on changing in memory while their files are written.
      const texts = written.map((execution) => this.store.textOf('executions', execution));
      const entries = written.map((execution) => [execution.executionArn, this.summaryOf(execution)] as const);
      if (written.length > 0) {
        await this.writer.write(
          this.index.pending(written.map((execution) => execution.executionArn)),
          written.map((execution, i) => ({ file: this.store.pathOf('executions', fileKey(execution.executionArn)), text: texts[i]! })),
        );
      }
      for (const [executionArn, entry] of entries) {
        if (entry.status === 'RUNNING') this.summaries.set(executionArn, entry);
        else {
          this.summaries.delete(executionArn);
          this.held.delete(executionArn);
        }
      }
      // Not fsync'ed: until the index is rewritten without them, their index lines or their pending keys stand.
      this.ended.append(entries.filter(([, entry]) => entry.status !== 'RUNNING'));
      this.index.record(entries);
      if (this.index.outgrew(this.summaries.size)) this.rewriteIndex();
    } catch (error) {
      for (const execution of written) this.dirty.add(execution);
      this.invocations.unshift(...invocations);
      this.afterWrite.unshift(...after);
      for (const waiter of waiters) waiter.reject(error);
      throw error;
    }
    for (const call of invocations) this.launch(call.execution, call.threadId, call.attemptId);
    for (const run of after) run();
    for (const waiter of waiters) waiter.resolve();
    this.releaseIdle();
  }

  private touch(execution: ExecutionRecord): ExecutionRecord {
    this.dirty.add(execution);
    return execution;
  }

  /** A RUNNING execution whole: held in memory, or read from disk and held from now on. */
  private running(executionArn: string): ExecutionRecord {
    let execution = this.held.get(executionArn);
    if (execution) {
      // Most recently used last: the idle ones trimmed first are those untouched longest.
      this.held.delete(executionArn);
    } else {
      execution = this.store.load<ExecutionRecord>('executions', fileKey(executionArn));
    }
    this.held.set(executionArn, execution);
    return execution;
  }

  /**
   * Lets go of the least recently used executions with nothing in flight beyond
   * `idleExecutionsHeld`: they wait on disk. One changed since the last write is newer than its
   * file, so it stays.
   */
  private releaseIdle(): void {
    const idle = (executionArn: string, execution: ExecutionRecord): boolean =>
      !this.inFlight.has(executionArn) && !this.dirty.has(execution);
    let count = 0;
    for (const [executionArn, execution] of this.held) if (idle(executionArn, execution)) count += 1;
    for (const [executionArn, execution] of this.held) {
      if (count <= this.idleExecutionsHeld) return;
      if (!idle(executionArn, execution)) continue;
      this.held.delete(executionArn);
      count -= 1;
    }
  }

  private launch(execution: ExecutionRecord, threadId: string, attemptId: string): void {
    const thread = execution.threads[threadId];
    // A task the turn started before the execution ended (at the history limit) never runs.
    if (execution.status !== 'RUNNING' || thread?.step.kind !== 'task') return;
    const executionArn = execution.executionArn;
    this.inFlight.set(executionArn, (this.inFlight.get(executionArn) ?? 0) + 1);
    /** The call is no longer in flight; answers whether its outcome still goes to this execution. */
    const release = (): boolean => {
      const left = (this.inFlight.get(executionArn) ?? 1) - 1;
      if (left > 0) this.inFlight.set(executionArn, left);
      else this.inFlight.delete(executionArn);
      return !this.closed && this.held.get(executionArn) === execution;
    };
    const settle = (outcome: TaskOutcome): void => {
      if (release()) this.turn(() => this.interpreter.taskOutcome(this.touch(this.running(executionArn)), threadId, attemptId, outcome));
    };
    const resource = this.resourceOf(execution, thread);
    if (isStartExecution(resource)) {
      this.startChild(resource, thread.step.parameters, `${execution.executionArn}#${attemptId}`).then(
        (started) => {
          if ('outcome' in started) settle(started.outcome);
          // A `.sync` wait lasts as long as the child (a case's whole life): the parent waits on disk meanwhile, as after a restart.
          else if (release()) this.awaitChild(executionArn, { threadId, attemptId, resource, childArn: started.childArn });
        },
        (error: unknown) => settle(lambdaErrorOutcome(error)),
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
   * Parameters name it), then answers as AWS does: `{ExecutionArn, StartDate}` at once, or, for
   * `.sync` and `.sync:2`, the child to wait for (`awaitChild`). The start follows AWS's
   * StartExecution: the name and input of a running execution start nothing and answer that
   * execution, and the name of a closed one fails the task with
   * StepFunctions.ExecutionAlreadyExistsException. Only the same attempt run again after a restart
   * (which AWS never does) waits for the child it started, even one that has ended meanwhile,
   * instead of starting a second one.
   */
  private async startChild(resource: string, parameters: Json, attempt: string): Promise<ChildStart> {
    // Out of the turn that started the task: the child's own turns must not nest in it.
    await Promise.resolve();
    const fields = isObject(parameters) ? parameters : {};
    const input = typeof fields.Input === 'string' ? fields.Input : JSON.stringify(fields.Input ?? {});
    const { stateMachineArn, name, executionArn } = childOf(parameters, attempt);
    try {
      // An ended child is on disk alone; a new one is on neither.
      const existing = this.exists(executionArn) ? (this.summaries.get(executionArn) ?? this.readSummary(executionArn)) : undefined;
      if (existing?.startedBy !== attempt) this.startExecution(stateMachineArn, name, input, attempt);
      // The child on disk before the parent can record it started: a crash must not keep the parent's record alone.
      await this.durable();
    } catch (error) {
      if (!(error instanceof SfnApiError)) throw error;
      return { outcome: { ok: false, error: `StepFunctions.${error.type}Exception`, cause: error.message } };
    }
    if (resource !== START_EXECUTION) return { childArn: executionArn };
    const started = this.describeExecution(executionArn);
    return { outcome: { ok: true, value: { ExecutionArn: executionArn, StartDate: started.startDate.toISOString() } } };
  }

  /**
   * A parent's `.sync` task waits for its child, once started or again after a restart. The
   * parent's record is read only once the child ends, which answers the task with the child's
   * DescribeExecution (`.sync`: Output a JSON text; `.sync:2`: Output parsed); a child that did not
   * succeed (FAILED, TIMED_OUT or ABORTED) fails the task with States.TaskFailed and that
   * description as its cause.
   */
  private awaitChild(parentArn: string, wait: ChildWait): void {
    void this.waitForExecution(wait.childArn).then((ended) => {
      if (this.closed || this.summaries.get(parentArn)?.status !== 'RUNNING') return;
      this.turn(() =>
        this.interpreter.taskOutcome(
          this.touch(this.running(parentArn)),
          wait.threadId,
          wait.attemptId,
          childOutcome(wait.resource, ended),
        ),
      );
    });
  }

  private summaryOf(execution: ExecutionRecord): ExecutionSummary {
    const { executionArn, stateMachineArn, name, status, input, startDate, stopDate, startedBy } = execution;
    return {
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate,
      ...(startedBy !== undefined ? { startedBy } : {}),
      ...(stopDate !== undefined ? { stopDate } : {}),
      ...(status === 'RUNNING' ? { input, restart: this.restartOf(execution) } : {}),
    };
  }

  private restartOf(execution: ExecutionRecord): ExecutionRestart {
    const { timers, tokens, entering, calls } = restartPlan(execution);
    const childWaits: ChildWait[] = [];
    for (const { thread, attemptId } of calls) {
      const resource = this.resourceOf(execution, thread);
      if (thread.step.kind === 'task' && isStartExecution(resource) && resource !== START_EXECUTION) {
        const { executionArn: childArn } = childOf(thread.step.parameters, `${execution.executionArn}#${attemptId}`);
        childWaits.push({ threadId: thread.id, attemptId, resource, childArn });
      }
    }
    return { timers, tokens, childWaits, run: entering || childWaits.length < calls.length };
  }

  private resourceOf(execution: ExecutionRecord, thread: ThreadRecord): string {
    return String(scopeAt(this.definitionOf(execution), thread.scope).States[thread.stateName]?.Resource);
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
    const executionArn = key.slice(0, cut);
    if (this.summaries.get(executionArn)?.status !== 'RUNNING') return;
    this.turn(() => this.interpreter.timer(this.touch(this.running(executionArn)), key.slice(cut + 1)));
  }

  private definitionOf(execution: ExecutionRecord): Definition {
    let parsed = this.definitions.get(execution.definition);
    if (!parsed) {
      parsed = JSON.parse(execution.definition) as Definition;
      this.definitions.set(execution.definition, parsed);
    }
    return parsed;
  }

  private describe(e: Pick<ExecutionRecord, keyof ExecutionListItem | 'input' | 'output' | 'error' | 'cause'>): ExecutionDescription {
    return {
      ...listItem(e),
      input: e.input,
      ...(e.output !== undefined ? { output: e.output } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    };
  }
}

const doesNotExist = (executionArn: string): SfnApiError =>
  new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);

/** What a `.sync` (Output a JSON text) or `.sync:2` (Output parsed) task answers of its child once it has ended. */
function childOutcome(resource: string, ended: ExecutionDescription): TaskOutcome {
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

/** The child a startExecution task starts: named by its Parameters, or after the parent's attempt. */
function childOf(parameters: Json, attempt: string): { stateMachineArn: string; name: string; executionArn: string } {
  const fields = isObject(parameters) ? parameters : {};
  const stateMachineArn = String(fields.StateMachineArn ?? '');
  const name = typeof fields.Name === 'string' ? fields.Name : createHash('sha256').update(attempt).digest('hex').slice(0, 32);
  return { stateMachineArn, name, executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}` };
}

/** What ListExecutions answers of an execution, and what DescribeExecution answers first. */
function listItem(e: Pick<ExecutionRecord, keyof ExecutionListItem>): ExecutionListItem {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
  };
}

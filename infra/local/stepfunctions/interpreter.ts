import { randomBytes } from 'node:crypto';
import { evaluateRule, parseTimestamp } from './choice';
import {
  LAMBDA_INVOKE,
  isFunctionArn,
  isWaitForToken,
  scopeAt,
  type Catcher,
  type Definition,
  type Retrier,
  type StateDef,
} from './definition';
import { StatesError, runtimeError } from './errors';
import { INLINE_MAP_MAX_CONCURRENCY, MAX_EXECUTION_MS, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES } from './limits';
import type { ExecutionRecord, ThreadRecord } from './model';
import { applyResultPath, filterPath, mustRead, type Json } from './paths';
import { evaluateExpression, evaluateTemplate } from './template';

/** What the interpreter needs from the engine around it. */
export interface Host {
  now(): number;
  definitionOf(execution: ExecutionRecord): Definition;
  /** One timer per key; scheduling again replaces the due time. */
  schedule(key: string, dueMs: number): void;
  cancel(key: string): void;
  /** Queues a Lambda invocation, started once the current state is on disk. */
  invoke(execution: ExecutionRecord, threadId: string, attemptId: string): void;
  tokenIssued(token: string, execution: ExecutionRecord, threadId: string): void;
  tokenRevoked(token: string): void;
  payloadSeen(bytes: number, execution: ExecutionRecord, stateName: string): void;
  finished(execution: ExecutionRecord): void;
}

export type TaskOutcome = { ok: true; value: Json } | { ok: false; error: string; cause: string };

const EVENT_PREFIX: Record<StateDef['Type'], string> = {
  Task: 'TaskState',
  Pass: 'PassState',
  Choice: 'ChoiceState',
  Wait: 'WaitState',
  Succeed: 'SucceedState',
  Fail: 'FailState',
  Parallel: 'ParallelState',
  Map: 'MapState',
};
const REGION = 'us-east-1';
/** RFC 3339 as a Wait accepts it: upper-case T and Z only (state-wait.html). */
const WAIT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A timer's key: the execution's own timeout has the empty thread id. */
export const timerKey = (executionArn: string, threadId: string): string => `${executionArn}#${threadId}`;
export const threadTimerKey = (execution: ExecutionRecord, threadId: string): string => timerKey(execution.executionArn, threadId);
export const executionTimerKey = (execution: ExecutionRecord): string => timerKey(execution.executionArn, '');

/**
 * What a restart must do for a RUNNING execution, read from its record: the timers to arm (by
 * thread id, '' for the execution's own timeout), the task tokens that stay open, whether a state
 * was about to be entered, and the tasks whose call was in flight. An execution with neither of
 * the last two only waits, so its timers and tokens are all a restart needs of it, and the engine
 * can keep this plan instead of reading the whole record back (engine.ts).
 */
export interface RestartPlan {
  readonly timers: readonly (readonly [threadId: string, dueMs: number])[];
  readonly tokens: readonly (readonly [token: string, threadId: string])[];
  readonly entering: boolean;
  readonly calls: readonly { readonly thread: ThreadRecord; readonly attemptId: string }[];
}

export function restartPlan(execution: ExecutionRecord): RestartPlan {
  const timers: [string, number][] = [['', executionTimeoutMs(execution)]];
  const tokens: [string, string][] = [];
  const calls: { thread: ThreadRecord; attemptId: string }[] = [];
  let entering = false;
  for (const thread of Object.values(execution.threads)) {
    const step = thread.step;
    if (step.kind === 'enter') entering = true;
    if (step.kind === 'wait' || step.kind === 'retry') timers.push([thread.id, Date.parse(step.dueAt)]);
    if (step.kind === 'task') {
      if (step.token) tokens.push([step.token, thread.id]);
      const due = taskTimerDue(step);
      if (due !== undefined) timers.push([thread.id, due]);
      if (!step.submitted) calls.push({ thread, attemptId: step.attemptId });
    }
  }
  return { timers, tokens, entering, calls };
}

/** Executions recorded before the one-year limit was enforced get it now. */
const executionTimeoutMs = (execution: ExecutionRecord): number =>
  execution.timeoutAt === undefined ? Date.parse(execution.startDate) + MAX_EXECUTION_MS : Date.parse(execution.timeoutAt);

/** When a task times out or misses its heartbeat, whichever comes first. */
function taskTimerDue(step: { timeoutAt?: string; heartbeatAt?: string }): number | undefined {
  const times = [step.timeoutAt, step.heartbeatAt].filter((t): t is string => t !== undefined).map(Date.parse);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** The shape AWS's optimized Lambda integration returns for `lambda:invoke`. */
export function lambdaInvokeResult(payload: Json): Json {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: {}, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: '00000000-0000-0000-0000-000000000000' },
    StatusCode: 200,
  };
}

/** A thrown handler error, as Lambda reports it: errorType is the Error's name. */
export function lambdaErrorOutcome(error: unknown): TaskOutcome {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  return { ok: false, error: errorType, cause: JSON.stringify({ errorMessage, errorType }) };
}

/** A task token names its task, so the engine can tell a closed task from a made-up token. */
export function makeToken(executionArn: string, threadId: string, attemptId: string): string {
  const body = JSON.stringify({ e: executionArn, t: threadId, a: attemptId, n: randomBytes(16).toString('hex') });
  return Buffer.from(body, 'utf8').toString('base64url');
}
export function readToken(token: string): { executionArn: string } | undefined {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { e?: unknown };
    return typeof body.e === 'string' ? { executionArn: body.e } : undefined;
  } catch {
    return undefined;
  }
}

function errorMatches(names: readonly string[], error: string): boolean {
  const timeout = error === 'States.Timeout' || error === 'States.HeartbeatTimeout';
  return names.some(
    (name) =>
      name === error ||
      name === 'States.ALL' ||
      (name === 'States.TaskFailed' && !timeout) ||
      (name === 'States.Timeout' && error === 'States.HeartbeatTimeout'),
  );
}

const uncatchable = (error: string): boolean => error === 'States.Runtime' || error === 'States.DataLimitExceeded';

const json = (value: unknown): Json => JSON.parse(JSON.stringify(value ?? null)) as Json;

/**
 * Runs executions one transition at a time over plain records, so that every record can be
 * written to disk between transitions and picked up again after a restart. A thread is one path
 * through a `States` collection: the execution's own, or a Parallel branch, or a Map item.
 */
export class Interpreter {
  private readonly runnable: Array<[ExecutionRecord, string]> = [];

  constructor(private readonly host: Host) {}

  start(execution: ExecutionRecord): void {
    const definition = this.host.definitionOf(execution);
    this.event(execution, undefined, 'ExecutionStarted', 'executionStartedEventDetails', {
      input: execution.input,
      inputDetails: { truncated: false },
      roleArn: execution.roleArn,
    });
    const started = Date.parse(execution.startDate);
    const due = started + Math.min(definition.TimeoutSeconds === undefined ? Infinity : definition.TimeoutSeconds * 1000, MAX_EXECUTION_MS);
    execution.timeoutAt = new Date(due).toISOString();
    this.host.schedule(executionTimerKey(execution), due);
    const root = this.newThread(execution, [], definition.StartAt, JSON.parse(execution.input) as Json);
    root.lastEventId = 1;
    this.run();
  }

  /** After a restart: re-arm timers, re-run tasks that were in flight, keep tokens waiting. */
  resume(execution: ExecutionRecord): void {
    execution.timeoutAt ??= new Date(executionTimeoutMs(execution)).toISOString();
    const plan = restartPlan(execution);
    for (const [threadId, due] of plan.timers) this.host.schedule(timerKey(execution.executionArn, threadId), due);
    for (const [token, threadId] of plan.tokens) this.host.tokenIssued(token, execution, threadId);
    for (const thread of Object.values(execution.threads)) if (thread.step.kind === 'enter') this.runnable.push([execution, thread.id]);
    for (const { thread, attemptId } of plan.calls) this.host.invoke(execution, thread.id, attemptId);
    this.run();
  }

  taskOutcome(execution: ExecutionRecord, threadId: string, attemptId: string, outcome: TaskOutcome): void {
    const thread = execution.threads[threadId];
    if (execution.status !== 'RUNNING' || !thread || thread.step.kind !== 'task' || thread.step.attemptId !== attemptId) return;
    const step = thread.step;
    const state = this.stateOf(execution, thread);
    const resource = String(state.Resource);
    if (outcome.ok && isWaitForToken(resource)) {
      step.submitted = true;
      this.event(execution, thread, 'TaskSubmitted', 'taskSubmittedEventDetails', {
        ...this.taskResource(resource),
        output: JSON.stringify(outcome.value),
      });
      return;
    }
    const result = outcome.ok && resource === LAMBDA_INVOKE ? { ok: true as const, value: lambdaInvokeResult(outcome.value) } : outcome;
    this.finishTask(execution, thread, result);
    this.run();
  }

  /** SendTaskSuccess / SendTaskFailure on the token of a waiting task. */
  tokenOutcome(execution: ExecutionRecord, threadId: string, outcome: TaskOutcome): void {
    const thread = execution.threads[threadId];
    if (thread?.step.kind !== 'task') return;
    this.finishTask(execution, thread, outcome);
    this.run();
  }

  heartbeat(execution: ExecutionRecord, threadId: string): void {
    const thread = execution.threads[threadId];
    if (thread?.step.kind !== 'task' || thread.step.heartbeatSeconds === undefined) return;
    thread.step.heartbeatAt = new Date(this.host.now() + thread.step.heartbeatSeconds * 1000).toISOString();
    this.armTaskTimer(execution, thread);
  }

  /** A timer of this execution came due (the engine does not know which: the records say). */
  timer(execution: ExecutionRecord, threadId: string): void {
    if (execution.status !== 'RUNNING') return;
    const now = this.host.now();
    if (threadId === '') {
      if (execution.timeoutAt && Date.parse(execution.timeoutAt) <= now) {
        const yearLong = Date.parse(execution.timeoutAt) - Date.parse(execution.startDate) >= MAX_EXECUTION_MS;
        this.endExecution(execution, 'TIMED_OUT', 'ExecutionTimedOut', 'executionTimedOutEventDetails', {
          error: 'States.Timeout',
          cause: yearLong
            ? 'The execution ran for one year, the longest a Standard execution may run.'
            : 'The execution ran longer than the TimeoutSeconds of its state machine.',
        });
      }
      return;
    }
    const thread = execution.threads[threadId];
    if (!thread) return;
    const step = thread.step;
    if (step.kind === 'wait' && Date.parse(step.dueAt) <= now) {
      this.guard(execution, thread, () => {
        const state = this.stateOf(execution, thread);
        this.exit(
          execution,
          thread,
          state,
          filterPath(state.OutputPath, step.effectiveInput, this.context(execution, thread), 'OutputPath'),
        );
      });
    } else if (step.kind === 'retry' && Date.parse(step.dueAt) <= now) {
      this.guard(execution, thread, () => this.attempt(execution, thread, this.stateOf(execution, thread)));
    } else if (step.kind === 'task') {
      const resource = String(this.stateOf(execution, thread).Resource);
      const timedOut = (error: string, cause: string): void => {
        const type = isFunctionArn(resource) ? 'LambdaFunctionTimedOut' : 'TaskTimedOut';
        const key = isFunctionArn(resource) ? 'lambdaFunctionTimedOutEventDetails' : 'taskTimedOutEventDetails';
        this.event(execution, thread, type, key, { ...(isFunctionArn(resource) ? {} : this.taskResource(resource)), error, cause });
        this.dropTask(execution, thread);
        this.handleError(execution, thread, error, cause);
      };
      if (step.timeoutAt && Date.parse(step.timeoutAt) <= now) timedOut('States.Timeout', 'The task ran longer than its TimeoutSeconds.');
      else if (step.heartbeatAt && Date.parse(step.heartbeatAt) <= now) {
        timedOut('States.HeartbeatTimeout', 'The task sent no heartbeat within its HeartbeatSeconds.');
      } else this.armTaskTimer(execution, thread);
    }
    this.run();
  }

  stop(execution: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    this.endExecution(execution, 'ABORTED', 'ExecutionAborted', 'executionAbortedEventDetails', {
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  // ---- transitions ----

  private run(): void {
    for (let next = this.runnable.shift(); next; next = this.runnable.shift()) {
      const [execution, threadId] = next;
      const thread = execution.threads[threadId];
      if (execution.status === 'RUNNING' && thread?.step.kind === 'enter') {
        this.guard(execution, thread, () => this.enter(execution, thread));
      }
    }
  }

  /** Runs `fn`; an ASL error it raises goes to the state's Retry/Catch. */
  private guard(execution: ExecutionRecord, thread: ThreadRecord, fn: () => void): void {
    try {
      fn();
    } catch (caught) {
      const error = caught instanceof StatesError ? caught : runtimeError(caught instanceof Error ? caught.message : String(caught));
      if (execution.threads[thread.id]) this.handleError(execution, thread, error.error, this.causeOf(thread, error));
    }
  }

  private enter(execution: ExecutionRecord, thread: ThreadRecord): void {
    const state = this.stateOf(execution, thread);
    thread.enteredAt = new Date(this.host.now()).toISOString();
    this.event(execution, thread, `${EVENT_PREFIX[state.Type]}Entered`, 'stateEnteredEventDetails', {
      name: thread.stateName,
      input: this.measure(execution, thread, thread.input, 'has an input'),
      inputDetails: { truncated: false },
    });
    thread.enteredEventId = thread.lastEventId;
    const context = this.context(execution, thread);
    switch (state.Type) {
      case 'Pass': {
        const effective = filterPath(state.InputPath, thread.input, context, 'InputPath');
        let result = state.Parameters === undefined ? effective : evaluateTemplate(state.Parameters, effective, context);
        if (state.Result !== undefined) result = state.Result;
        return this.completeState(execution, thread, state, result, false);
      }
      case 'Choice': {
        const effective = filterPath(state.InputPath, thread.input, context, 'InputPath');
        const rule = (state.Choices ?? []).find((r) => evaluateRule(r, effective, context));
        const next = rule?.Next ?? state.Default;
        // AWS reports this as States.Runtime (States.NoChoiceMatched is "reserved for future use"): concepts-error-handling.html.
        if (!next) throw runtimeError(`No Choice rule matched and there is no Default in state '${thread.stateName}'.`);
        return this.exit(
          execution,
          thread,
          { ...state, Next: next, End: false },
          filterPath(state.OutputPath, effective, context, 'OutputPath'),
        );
      }
      case 'Wait': {
        const effective = filterPath(state.InputPath, thread.input, context, 'InputPath');
        const due = this.waitDue(state, effective, context);
        thread.step = { kind: 'wait', dueAt: new Date(due).toISOString(), effectiveInput: effective };
        this.host.schedule(threadTimerKey(execution, thread.id), due);
        return;
      }
      case 'Succeed': {
        const effective = filterPath(state.InputPath, thread.input, context, 'InputPath');
        return this.exit(execution, thread, { ...state, End: true }, filterPath(state.OutputPath, effective, context, 'OutputPath'));
      }
      case 'Fail': {
        const text = (value: string | undefined, path: string | undefined, field: string): string | undefined => {
          if (path === undefined) return value;
          const v = evaluateExpression(path, thread.input, context, field);
          return typeof v === 'string' ? v : JSON.stringify(v);
        };
        const error = text(state.Error, state.ErrorPath, 'ErrorPath') ?? '';
        const cause = text(state.Cause, state.CausePath, 'CausePath') ?? '';
        return this.failThread(execution, thread, error, cause);
      }
      default:
        return this.attempt(execution, thread, state);
    }
  }

  /** One attempt of a Task, Parallel or Map state (a Retry runs it again). */
  private attempt(execution: ExecutionRecord, thread: ThreadRecord, state: StateDef): void {
    const attemptId = `a${execution.seq++}`;
    const waitForToken = state.Type === 'Task' && isWaitForToken(String(state.Resource));
    const token = waitForToken ? makeToken(execution.executionArn, thread.id, attemptId) : undefined;
    const context = this.context(execution, thread, token === undefined ? {} : { Task: { Token: token } });
    const effective = filterPath(state.InputPath, thread.input, context, 'InputPath');
    if (state.Type === 'Task') return this.startTask(execution, thread, state, attemptId, token, effective, context);
    if (state.Type === 'Parallel') {
      const branches = state.Branches ?? [];
      const input = state.Parameters === undefined ? effective : evaluateTemplate(state.Parameters, effective, context);
      this.event(execution, thread, 'ParallelStateStarted', undefined, undefined);
      return this.startBranches(
        execution,
        thread,
        branches.map(() => input),
        0,
      );
    }
    const items = mustRead(state.ItemsPath ?? '$', effective, context, 'ItemsPath');
    if (!Array.isArray(items))
      throw runtimeError(`The ItemsPath of Map state '${thread.stateName}' must select an array; it selected ${JSON.stringify(items)}.`);
    const selector = state.ItemSelector ?? state.Parameters;
    const inputs = items.map((value, index) =>
      selector === undefined
        ? value
        : evaluateTemplate(selector, effective, { ...(context as object), Map: { Item: { Index: index, Value: value } } }),
    );
    const maxConcurrency = state.MaxConcurrencyPath
      ? mustRead(state.MaxConcurrencyPath, effective, context, 'MaxConcurrencyPath')
      : (state.MaxConcurrency ?? 0);
    // AWS refuses anything but a non-negative integer here (a fraction, a string, a negative number).
    if (typeof maxConcurrency !== 'number' || !Number.isInteger(maxConcurrency) || maxConcurrency < 0)
      throw runtimeError(
        `The MaxConcurrencyPath '${state.MaxConcurrencyPath}' must select a non-negative integer; it selected ${JSON.stringify(maxConcurrency)}.`,
      );
    this.event(execution, thread, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
    return this.startBranches(execution, thread, inputs, maxConcurrency);
  }

  private startTask(
    execution: ExecutionRecord,
    thread: ThreadRecord,
    state: StateDef,
    attemptId: string,
    token: string | undefined,
    effective: Json,
    context: Json,
  ): void {
    const parameters = state.Parameters === undefined ? effective : evaluateTemplate(state.Parameters, effective, context);
    this.measure(execution, thread, parameters, 'has parameters');
    const seconds = (fixed: number | undefined, path: string | undefined, field: string): number | undefined => {
      if (path === undefined) return fixed;
      const value = mustRead(path, effective, context, field);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw runtimeError(
          `${field} '${path}' of state '${thread.stateName}' must select a positive integer; it selected ${JSON.stringify(value)}.`,
        );
      }
      return value;
    };
    const timeoutSeconds = seconds(state.TimeoutSeconds, state.TimeoutSecondsPath, 'TimeoutSecondsPath');
    const heartbeatSeconds = seconds(state.HeartbeatSeconds, state.HeartbeatSecondsPath, 'HeartbeatSecondsPath');
    const now = this.host.now();
    const resource = String(state.Resource);
    if (isFunctionArn(resource)) {
      this.event(execution, thread, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource,
        input: JSON.stringify(parameters),
        inputDetails: { truncated: false },
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
      });
      this.event(execution, thread, 'LambdaFunctionStarted', undefined, undefined);
    } else {
      this.event(execution, thread, 'TaskScheduled', 'taskScheduledEventDetails', {
        ...this.taskResource(resource),
        region: REGION,
        parameters: JSON.stringify(parameters),
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        ...(heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: heartbeatSeconds }),
      });
      this.event(execution, thread, 'TaskStarted', 'taskStartedEventDetails', this.taskResource(resource));
    }
    thread.step = {
      kind: 'task',
      attemptId,
      parameters,
      submitted: false,
      ...(token === undefined ? {} : { token }),
      ...(timeoutSeconds === undefined ? {} : { timeoutAt: new Date(now + timeoutSeconds * 1000).toISOString() }),
      ...(heartbeatSeconds === undefined ? {} : { heartbeatSeconds, heartbeatAt: new Date(now + heartbeatSeconds * 1000).toISOString() }),
    };
    if (token) this.host.tokenIssued(token, execution, thread.id);
    this.armTaskTimer(execution, thread);
    this.host.invoke(execution, thread.id, attemptId);
  }

  private finishTask(execution: ExecutionRecord, thread: ThreadRecord, outcome: TaskOutcome): void {
    const state = this.stateOf(execution, thread);
    const resource = String(state.Resource);
    const lambda = isFunctionArn(resource);
    this.dropTask(execution, thread);
    if (!outcome.ok) {
      if (lambda)
        this.event(execution, thread, 'LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', {
          error: outcome.error,
          cause: outcome.cause,
        });
      else
        this.event(execution, thread, 'TaskFailed', 'taskFailedEventDetails', {
          ...this.taskResource(resource),
          error: outcome.error,
          cause: outcome.cause,
        });
      this.handleError(execution, thread, outcome.error, outcome.cause);
      return;
    }
    const output = JSON.stringify(outcome.value);
    if (lambda)
      this.event(execution, thread, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', {
        output,
        outputDetails: { truncated: false },
      });
    else
      this.event(execution, thread, 'TaskSucceeded', 'taskSucceededEventDetails', {
        ...this.taskResource(resource),
        output,
        outputDetails: { truncated: false },
      });
    this.guard(execution, thread, () => {
      this.measure(execution, thread, outcome.value, 'returned a result');
      this.completeState(execution, thread, state, outcome.value, true);
    });
  }

  private startBranches(execution: ExecutionRecord, thread: ThreadRecord, inputs: Json[], maxConcurrency: number): void {
    thread.step = { kind: 'branches', inputs, results: inputs.map(() => null), started: 0, finished: 0, maxConcurrency };
    if (inputs.length === 0) return this.branchesDone(execution, thread);
    this.startMoreBranches(execution, thread);
  }

  private startMoreBranches(execution: ExecutionRecord, parent: ThreadRecord): void {
    const step = parent.step;
    if (step.kind !== 'branches') return;
    const state = this.stateOf(execution, parent);
    const requested = step.maxConcurrency > 0 ? step.maxConcurrency : Infinity;
    const limit = state.Type === 'Map' ? Math.min(requested, INLINE_MAP_MAX_CONCURRENCY) : requested;
    // The history limit can end the execution while this loop records events: start nothing more then.
    while (execution.status === 'RUNNING' && step.started < step.inputs.length && step.started - step.finished < limit) {
      const slot = step.started++;
      const base = [...parent.scope, 'States', parent.stateName];
      const scope = state.Type === 'Parallel' ? [...base, 'Branches', slot] : [...base, state.ItemProcessor ? 'ItemProcessor' : 'Iterator'];
      const start = scopeAt(this.host.definitionOf(execution), scope).StartAt;
      const child = this.newThread(execution, scope, start, step.inputs[slot] ?? null, { threadId: parent.id, slot });
      child.lastEventId = parent.lastEventId;
      if (state.Type === 'Map')
        this.event(execution, child, 'MapIterationStarted', 'mapIterationStartedEventDetails', { name: parent.stateName, index: slot });
    }
  }

  private branchesDone(execution: ExecutionRecord, thread: ThreadRecord): void {
    const state = this.stateOf(execution, thread);
    const step = thread.step;
    if (step.kind !== 'branches') return;
    this.event(execution, thread, state.Type === 'Map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded', undefined, undefined);
    this.completeState(execution, thread, state, step.results, true);
  }

  /** ResultSelector (when the state has one), ResultPath, OutputPath, then on to the next state. */
  private completeState(execution: ExecutionRecord, thread: ThreadRecord, state: StateDef, result: Json, selectable: boolean): void {
    const context = this.context(execution, thread);
    const selected = selectable && state.ResultSelector !== undefined ? evaluateTemplate(state.ResultSelector, result, context) : result;
    const combined = applyResultPath(state.ResultPath, thread.input, selected);
    this.exit(execution, thread, state, filterPath(state.OutputPath, combined, context, 'OutputPath'));
  }

  private exit(execution: ExecutionRecord, thread: ThreadRecord, state: StateDef, output: Json): void {
    this.event(execution, thread, `${EVENT_PREFIX[state.Type]}Exited`, 'stateExitedEventDetails', {
      name: thread.stateName,
      output: this.measure(execution, thread, output, 'has an output'),
      outputDetails: { truncated: false },
    });
    if (state.End || !state.Next) return this.finishThread(execution, thread, output);
    this.goTo(execution, thread, state.Next, output);
  }

  private goTo(execution: ExecutionRecord, thread: ThreadRecord, next: string, input: Json): void {
    thread.stateName = next;
    thread.input = input;
    thread.retryCounts = [];
    thread.step = { kind: 'enter' };
    this.runnable.push([execution, thread.id]);
  }

  private handleError(execution: ExecutionRecord, thread: ThreadRecord, error: string, cause: string): void {
    const state = this.stateOf(execution, thread);
    if (!uncatchable(error)) {
      const retriers: Retrier[] = state.Retry ?? [];
      const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
      const retrier = retriers[index];
      const count = thread.retryCounts[index] ?? 0;
      if (retrier && count < (retrier.MaxAttempts ?? 3)) {
        thread.retryCounts[index] = count + 1;
        let delay = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** count;
        if (retrier.MaxDelaySeconds !== undefined) delay = Math.min(delay, retrier.MaxDelaySeconds);
        if (retrier.JitterStrategy === 'FULL') delay = Math.random() * delay;
        const due = this.host.now() + delay * 1000;
        thread.step = { kind: 'retry', dueAt: new Date(due).toISOString() };
        this.host.schedule(threadTimerKey(execution, thread.id), due);
        return;
      }
      const catcher: Catcher | undefined = (state.Catch ?? []).find((c) => errorMatches(c.ErrorEquals, error));
      if (catcher) {
        try {
          const output = applyResultPath(catcher.ResultPath === undefined ? '$' : catcher.ResultPath, thread.input, {
            Error: error,
            Cause: cause,
          });
          this.event(execution, thread, `${EVENT_PREFIX[state.Type]}Exited`, 'stateExitedEventDetails', {
            name: thread.stateName,
            output: this.measure(execution, thread, output, 'has an output'),
            outputDetails: { truncated: false },
          });
          return this.goTo(execution, thread, catcher.Next, output);
        } catch (caught) {
          const failure = caught instanceof StatesError ? caught : runtimeError(String(caught));
          return this.failThread(execution, thread, failure.error, this.causeOf(thread, failure));
        }
      }
    }
    this.failThread(execution, thread, error, cause);
  }

  private finishThread(execution: ExecutionRecord, thread: ThreadRecord, output: Json): void {
    this.removeThread(execution, thread);
    const parent = thread.parent && execution.threads[thread.parent.threadId];
    if (!thread.parent || !parent) {
      this.endExecution(execution, 'SUCCEEDED', 'ExecutionSucceeded', 'executionSucceededEventDetails', {
        output: JSON.stringify(output),
        outputDetails: { truncated: false },
      });
      execution.output = JSON.stringify(output);
      return;
    }
    const step = parent.step;
    if (step.kind !== 'branches') return;
    step.results[thread.parent.slot] = output;
    step.finished++;
    if (this.stateOf(execution, parent).Type === 'Map') {
      this.event(execution, thread, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', {
        name: parent.stateName,
        index: thread.parent.slot,
      });
    }
    if (step.finished === step.inputs.length) {
      this.guard(execution, parent, () => this.branchesDone(execution, parent));
    } else this.startMoreBranches(execution, parent);
  }

  private failThread(execution: ExecutionRecord, thread: ThreadRecord, error: string, cause: string): void {
    this.removeThread(execution, thread);
    const parent = thread.parent && execution.threads[thread.parent.threadId];
    if (!thread.parent || !parent) {
      this.endExecution(execution, 'FAILED', 'ExecutionFailed', 'executionFailedEventDetails', { error, cause });
      return;
    }
    const parentState = this.stateOf(execution, parent);
    if (parentState.Type === 'Map') {
      this.event(execution, thread, 'MapIterationFailed', 'mapIterationFailedEventDetails', {
        name: parent.stateName,
        index: thread.parent.slot,
      });
    }
    for (const sibling of Object.values(execution.threads))
      if (this.isDescendant(execution, sibling, parent.id)) this.removeThread(execution, sibling);
    this.event(execution, parent, parentState.Type === 'Map' ? 'MapStateFailed' : 'ParallelStateFailed', undefined, undefined);
    this.handleError(execution, parent, error, cause);
  }

  private endExecution(
    execution: ExecutionRecord,
    status: ExecutionRecord['status'],
    type: string,
    key: string,
    details: Record<string, unknown>,
  ): void {
    if (execution.status !== 'RUNNING') return;
    for (const thread of Object.values(execution.threads)) this.removeThread(execution, thread);
    this.host.cancel(executionTimerKey(execution));
    this.event(execution, undefined, type, key, details);
    execution.status = status;
    execution.stopDate = new Date(this.host.now()).toISOString();
    if (typeof details.error === 'string') execution.error = details.error;
    if (typeof details.cause === 'string') execution.cause = details.cause;
    this.host.finished(execution);
  }

  // ---- helpers ----

  private newThread(
    execution: ExecutionRecord,
    scope: (string | number)[],
    stateName: string,
    input: Json,
    parent?: { threadId: string; slot: number },
  ): ThreadRecord {
    const thread: ThreadRecord = {
      id: `t${execution.seq++}`,
      ...(parent ? { parent } : {}),
      scope,
      stateName,
      input,
      enteredAt: new Date(this.host.now()).toISOString(),
      lastEventId: 0,
      retryCounts: [],
      step: { kind: 'enter' },
    };
    execution.threads[thread.id] = thread;
    this.runnable.push([execution, thread.id]);
    return thread;
  }

  private removeThread(execution: ExecutionRecord, thread: ThreadRecord): void {
    this.dropTask(execution, thread);
    this.host.cancel(threadTimerKey(execution, thread.id));
    delete execution.threads[thread.id];
  }

  private dropTask(execution: ExecutionRecord, thread: ThreadRecord): void {
    if (thread.step.kind === 'task' && thread.step.token) this.host.tokenRevoked(thread.step.token);
    if (thread.step.kind === 'task') this.host.cancel(threadTimerKey(execution, thread.id));
    thread.step = { kind: 'enter' };
  }

  private isDescendant(execution: ExecutionRecord, thread: ThreadRecord, ancestorId: string): boolean {
    for (let p = thread.parent; p; p = execution.threads[p.threadId]?.parent) if (p.threadId === ancestorId) return true;
    return false;
  }

  private armTaskTimer(execution: ExecutionRecord, thread: ThreadRecord): void {
    if (thread.step.kind !== 'task') return;
    const due = taskTimerDue(thread.step);
    if (due !== undefined) this.host.schedule(threadTimerKey(execution, thread.id), due);
  }

  private waitDue(state: StateDef, input: Json, context: Json): number {
    if (state.Seconds !== undefined) return this.host.now() + state.Seconds * 1000;
    if (state.Timestamp !== undefined) return this.timestamp(state.Timestamp, 'Timestamp');
    if (state.SecondsPath !== undefined) {
      const seconds = mustRead(state.SecondsPath, input, context, 'SecondsPath');
      // AWS refuses a fraction of a second as well as a negative or non-numeric value (States.Runtime).
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
        throw runtimeError(
          `SecondsPath '${state.SecondsPath}' must select a non-negative integer; it selected ${JSON.stringify(seconds)}.`,
        );
      return this.host.now() + seconds * 1000;
    }
    const path = state.TimestampPath ?? '$';
    return this.timestamp(mustRead(path, input, context, 'TimestampPath'), 'TimestampPath');
  }

  /**
   * A Wait's timestamp: RFC 3339 with an upper-case T and Z, and AWS waits to the second, dropping
   * milliseconds (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
   */
  private timestamp(value: Json, field: string): number {
    const ms = typeof value === 'string' && WAIT_TIMESTAMP.test(value) ? parseTimestamp(value) : undefined;
    if (ms === undefined)
      throw runtimeError(`${field} must be an ISO 8601 timestamp such as 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}.`);
    return Math.floor(ms / 1000) * 1000;
  }

  private taskResource(resource: string): { resourceType: string; resource: string } {
    const [, service = 'lambda', action = 'invoke'] = /^arn:aws:states:::([^:]+):(.+)$/.exec(resource) ?? [];
    return { resourceType: service, resource: action };
  }

  private stateOf(execution: ExecutionRecord, thread: ThreadRecord): StateDef {
    const state = scopeAt(this.host.definitionOf(execution), thread.scope).States[thread.stateName];
    if (!state) throw runtimeError(`State '${thread.stateName}' does not exist.`);
    return state;
  }

  private context(execution: ExecutionRecord, thread: ThreadRecord, extra: Record<string, Json> = {}): Json {
    const smName = execution.stateMachineArn.split(':').pop() ?? '';
    return {
      Execution: {
        Id: execution.executionArn,
        Name: execution.name,
        Input: JSON.parse(execution.input) as Json,
        StartTime: execution.startDate,
        RoleArn: execution.roleArn,
        RedriveCount: 0,
      },
      StateMachine: { Id: execution.stateMachineArn, Name: smName },
      State: { Name: thread.stateName, EnteredTime: thread.enteredAt, RetryCount: thread.retryCounts.reduce((a, b) => a + (b ?? 0), 0) },
      ...extra,
    };
  }

  /** The JSON text of a state's data, refused past AWS's payload limit (see limits.ts). */
  private measure(execution: ExecutionRecord, thread: ThreadRecord, value: Json, what: string): string {
    const text = JSON.stringify(value);
    const bytes = Buffer.byteLength(text, 'utf8');
    this.host.payloadSeen(bytes, execution, thread.stateName);
    if (bytes > MAX_PAYLOAD_BYTES)
      throw new StatesError(
        'States.DataLimitExceeded',
        `The state/task '${thread.stateName}' ${what} with a size exceeding the maximum number of bytes service limit.`,
      );
    return text;
  }

  /** AWS names the state and the event that entered it in the cause of a States.Runtime error. */
  private causeOf(thread: ThreadRecord, error: StatesError): string {
    if (error.error !== 'States.Runtime') return error.errorCause;
    const enteredAt = thread.enteredEventId ?? thread.lastEventId;
    return `An error occurred while executing the state '${thread.stateName}' (entered at the event id #${enteredAt}). ${error.errorCause}`;
  }

  private event(
    execution: ExecutionRecord,
    thread: ThreadRecord | undefined,
    type: string,
    detailsKey: string | undefined,
    details: Record<string, unknown> | undefined,
  ): void {
    // Nothing is recorded once the execution has ended (the history limit can end it mid-transition).
    if (execution.status !== 'RUNNING') return;
    // The last of the 25,000 events is the execution's failure: an event that would take its place ends it.
    if (execution.history.length >= MAX_HISTORY_EVENTS - 1 && !type.startsWith('Execution')) {
      this.endExecution(execution, 'FAILED', 'ExecutionFailed', 'executionFailedEventDetails', {
        error: 'States.Runtime',
        cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
      });
      return;
    }
    const previous = execution.history[execution.history.length - 1];
    const id = (previous?.id ?? 0) + 1;
    execution.history.push({
      id,
      previousEventId: thread ? thread.lastEventId : (previous?.id ?? 0),
      timestamp: new Date(this.host.now()).toISOString(),
      type,
      ...(detailsKey && details ? { [detailsKey]: json(details) } : {}),
    });
    if (thread) thread.lastEventId = id;
  }
}

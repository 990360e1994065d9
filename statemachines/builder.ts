/**
 * A small typed builder for Amazon States Language in JSONPath: the workflow says what each state
 * does, and the builder adds the house policy, puts the fields in ASL order and refuses, while
 * the definition is being built, mistakes that AWS would report only at deploy time or never.
 *
 * The house policy, stated once here:
 * - every Lambda call retries what a retry can fix (`HOUSE_RETRY`), waits for people included;
 * - every state of the top level that can fail (Task, Parallel, Map) catches any error that is
 *   left into the machine's `onError` state, with the error at `$.error`. States inside a
 *   branch or a Map do not catch: their error ends the branch and reaches the enclosing
 *   top-level state, which catches it (a transition cannot leave its branch).
 *
 * Plain TypeScript, not CDK's Step Functions constructs: those render only inside a Stack, with
 * their own field order and their own default Lambda retry, whereas this renders the file that
 * both the CDK stack and the local engine read, and `npm run asl` needs no Stack to write it.
 * JSONPath only: the test engine (aws-local-stepfunctions) accepts JSONata and silently does not
 * evaluate it, so the types here have no `QueryLanguage`.
 */
import type { WorkflowFunctionName } from '../infra/functions';
import { INLINE_MAP_CONCURRENCY } from '../shared/domain/batches';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
/** A reference path: into the state's input (`$.`) or into the context object (`$$.`). */
export type Path = `$.${string}` | `$$.${string}`;
export type IntrinsicCall = `States.${string}(${string})`;
/** Parameters, ResultSelector, ItemSelector: a field named `x.$` takes its value from a path or an intrinsic function. */
export type Template = { readonly [field: `${string}.$`]: Path | IntrinsicCall } & { readonly [field: string]: Json };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
  readonly MaxAttempts: number;
}
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath: Path | null;
  readonly Next: string;
}

type Transition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };
/** Where a state goes when it is done: the state named `next`, or the end of its scope. */
export type Then = { readonly next: string; readonly end?: never } | { readonly end: true; readonly next?: never };

export type TaskState = Transition & {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters: Template;
  readonly TimeoutSecondsPath?: Path;
  readonly ResultSelector?: Template;
  readonly ResultPath?: Path | null;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
};
export type Condition =
  | { readonly Variable: Path; readonly StringEquals: string }
  | { readonly Variable: Path; readonly BooleanEquals: boolean }
  | { readonly Or: readonly Condition[] };
export type ChoiceRule = Condition & { readonly Next: string };
export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}
export type WaitState = Transition & { readonly Type: 'Wait'; readonly Comment?: string } & (
    | { readonly TimestampPath: Path; readonly SecondsPath?: never }
    | { readonly SecondsPath: Path; readonly TimestampPath?: never }
  );
export type PassState = Transition & { readonly Type: 'Pass'; readonly Result?: Json; readonly ResultPath?: Path | null };
export interface Scope {
  readonly StartAt: string;
  readonly States: States;
}
export type ParallelState = Transition & {
  readonly Type: 'Parallel';
  readonly Branches: readonly Scope[];
  readonly ResultPath?: Path | null;
  readonly Catch?: readonly Catcher[];
};
export type MapState = Transition & {
  readonly Type: 'Map';
  readonly Comment?: string;
  readonly ItemsPath: Path;
  readonly ItemSelector: Template;
  readonly ItemProcessor: Scope & { readonly ProcessorConfig: { readonly Mode: 'INLINE' } };
  readonly MaxConcurrency: number;
  readonly ResultPath?: Path | null;
  readonly Catch?: readonly Catcher[];
};
export interface SucceedState {
  readonly Type: 'Succeed';
}
export interface FailState {
  readonly Type: 'Fail';
  readonly Error: string;
  readonly Cause: string;
}
export type State = TaskState | ChoiceState | WaitState | PassState | ParallelState | MapState | SucceedState | FailState;
export type States = { readonly [name: string]: State };
export interface AslDefinition extends Scope {
  readonly Comment: string;
}

// ---- the house policy

/**
 * Every transient Lambda fault AWS lists (Step Functions' "Handle Lambda service exceptions", the
 * set CDK's LambdaInvoke retries by default, and throttling), and `TransientError`, which handlers
 * throw for SES throttling and DynamoDB throughput errors.
 */
export const HOUSE_RETRY: Retrier = {
  ErrorEquals: [
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
    'TransientError',
  ],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
};
/** Where the house catch puts the error (`{Error, Cause}`) for the `onError` state to read. */
export const ERROR_PATH: Path = '$.error';
const houseCatch = (onError: string): Catcher => ({ ErrorEquals: ['States.ALL'], ResultPath: ERROR_PATH, Next: onError });
/** Where a timeout caught by `onTimeout` is kept, out of the way of the state's data. */
const TIMEOUT_PATH: Path = '$.timeout';

// ---- tasks

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const TASK_TOKEN: Path = '$$.Task.Token';
/** The function that serves every wait for a person: it stores the token where the person's act will find it. */
const TOKEN_KEEPER: WorkflowFunctionName = 'StoreTaskToken';

/** The placeholder the stack and the local runtime replace with the function's ARN (infra/functions.ts). */
const functionArnOf = (name: WorkflowFunctionName): string => `\${${name}FunctionArn}`;

/** Seconds the state may take, read from its input; with `onTimeout`, the state to go to then (without: an error like any other). */
type Timeout =
  | { readonly timeoutSecondsPath?: never; readonly onTimeout?: never }
  | { readonly timeoutSecondsPath: Path; readonly onTimeout?: string };

export type TaskOptions = Timeout & {
  /** Fields of the answer that the state keeps (its ResultSelector); none: nothing is selected. */
  readonly select?: readonly string[];
  readonly resultPath: Path | null;
  /**
   * Inside a branch or a Map, the state any error goes to, so that the error stays with this
   * branch's item instead of ending the whole branch (the top level has the house catch).
   */
  readonly onError?: string;
};

function transition(then: Then): Transition {
  return then.end ? { End: true } : { Next: then.next };
}

function selector(fields: readonly string[] | undefined, from: '$.Payload' | '$'): Pick<TaskState, 'ResultSelector'> {
  if (!fields?.length) return {};
  return { ResultSelector: Object.fromEntries(fields.map((field) => [`${field}.$`, `${from}.${field}`])) as Template };
}

function invoke(
  resource: string,
  fn: WorkflowFunctionName,
  payload: Template,
  options: TaskOptions & Then,
  answerAt: '$.Payload' | '$',
): TaskState {
  const { select, resultPath, timeoutSecondsPath, onTimeout, onError } = options;
  const catchers: Catcher[] = [
    ...(onTimeout ? [{ ErrorEquals: ['States.Timeout'], ResultPath: TIMEOUT_PATH, Next: onTimeout }] : []),
    ...(onError ? [{ ErrorEquals: ['States.ALL'], ResultPath: ERROR_PATH, Next: onError }] : []),
  ];
  return {
    Type: 'Task',
    Resource: resource,
    Parameters: { FunctionName: functionArnOf(fn), Payload: payload },
    ...(timeoutSecondsPath ? { TimeoutSecondsPath: timeoutSecondsPath } : {}),
    ...selector(select, answerAt),
    ResultPath: resultPath,
    Retry: [HOUSE_RETRY],
    ...(catchers.length > 0 ? { Catch: catchers } : {}),
    ...transition(options),
  } as TaskState;
}

/** The placeholder the stack and the local runtime replace with a state machine's ARN. */
export const stateMachineArnOf = (name: string): string => `\${${name}StateMachineArn}`;

/** Replaces every placeholder of a rendered definition (functionArnOf, stateMachineArnOf) as the stack's substitutions do. */
export function bindArns(
  text: string,
  arnOf: { readonly function: (name: string) => string; readonly stateMachine: (name: string) => string },
): string {
  return text.replace(/\$\{(\w+?)(Function|StateMachine)Arn\}/g, (_, name: string, kind: string) =>
    kind === 'Function' ? arnOf.function(name) : arnOf.stateMachine(name),
  );
}
export const START_CHILD_EXECUTION = 'arn:aws:states:::states:startExecution.sync:2';

export interface ChildExecutionOptions {
  /** The state machine's name in its ARN placeholder (stateMachineArnOf). */
  readonly stateMachine: string;
  /**
   * The child's execution name (at most 80 characters), new for each attempt: it ends with
   * `$$.State.RetryCount`. AWS refuses the name of a closed execution (ExecutionAlreadyExists,
   * for 90 days), so a retry under the same name would fail the case should its child have ended
   * already. The retried errors are Step Functions refusing or failing the start; should that
   * start have run a child after all, the two run the same batch, whose acts are idempotent.
   */
  readonly name: IntrinsicCall;
  readonly input: Template;
  readonly resultPath: Path | null;
}

/**
 * Runs a child execution and waits for it to end (`.sync:2`): its own history, so that the
 * parent's grows by a few events per child. A child that does not succeed fails this state.
 */
export function childExecution(options: ChildExecutionOptions & Then): TaskState {
  return {
    Type: 'Task',
    Resource: START_CHILD_EXECUTION,
    Parameters: { StateMachineArn: stateMachineArnOf(options.stateMachine), 'Name.$': options.name, Input: options.input },
    ResultPath: options.resultPath,
    Retry: [CHILD_EXECUTION_RETRY],
    ...transition(options),
  } as TaskState;
}

/** What a retry can fix when a child execution is started or watched: Step Functions' own throttling and faults. */
const CHILD_EXECUTION_RETRY: Retrier = {
  ErrorEquals: ['StepFunctions.SdkClientException', 'StepFunctions.AWSStepFunctionsException', 'StepFunctions.ThrottlingException'],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
};

/** Calls a workflow function and waits for its answer; `select` picks fields of the answer (`$.Payload`). */
export function lambdaTask(fn: WorkflowFunctionName, payload: Template, options: TaskOptions & Then): TaskState {
  return invoke(LAMBDA_INVOKE, fn, payload, options, '$.Payload');
}

/** A purpose made at run time: `format` with `{}` replaced by the value at `of`. */
export interface FormattedText {
  readonly format: string;
  readonly of: Path;
}

export function formatted(format: string, of: Path): FormattedText {
  // States.Format would read a quote, a backslash or another brace as syntax.
  const [before, after, ...more] = format.split('{}');
  if (after === undefined || more.length > 0 || /['\\{}]/.test(`${before}${after}`)) {
    throw new DefinitionError(`The format "${format}" must hold exactly one {} and no other brace, no quote, no backslash.`);
  }
  return { format, of };
}

/**
 * Waits for a person: StoreTaskToken keeps the task token under the case and the purpose, and
 * the person's act (through the API) sends the token's success; `select` picks fields of what
 * that act sent.
 */
export function waitForPerson(purpose: string | FormattedText, options: TaskOptions & Then): TaskState {
  const payload: Template = {
    'caseId.$': '$.caseId',
    ...(typeof purpose === 'string' ? { purpose } : { 'purpose.$': `States.Format('${purpose.format}', ${purpose.of})` as IntrinsicCall }),
    'taskToken.$': TASK_TOKEN,
  };
  return invoke(LAMBDA_CALLBACK, TOKEN_KEEPER, payload, options, '$');
}

// ---- flow

export const stringEquals = (variable: Path, value: string): Condition => ({ Variable: variable, StringEquals: value });
export const booleanEquals = (variable: Path, value: boolean): Condition => ({ Variable: variable, BooleanEquals: value });
export const when = (condition: Condition, next: string): ChoiceRule => ({ ...condition, Next: next });

export function choice(choices: readonly ChoiceRule[], otherwise: string): ChoiceState {
  return { Type: 'Choice', Choices: choices, Default: otherwise };
}

/** Goes to `routes[value]` for the text at `variable`, tried in the order written; anything else to `otherwise`. */
export function choiceOn(variable: Path, routes: { readonly [value: string]: string }, otherwise: string): ChoiceState {
  return choice(
    Object.entries(routes).map(([value, next]) => when(stringEquals(variable, value), next)),
    otherwise,
  );
}

/** Waits until the timestamp at `timestampPath`: a deadline stored once, not a countdown. */
export function waitUntil(timestampPath: Path, then: Then, comment?: string): WaitState {
  return { Type: 'Wait', ...(comment ? { Comment: comment } : {}), TimestampPath: timestampPath, ...transition(then) } as WaitState;
}

/** Waits the number of seconds found at `secondsPath`. */
export function waitFor(secondsPath: Path, then: Then): WaitState {
  return { Type: 'Wait', SecondsPath: secondsPath, ...transition(then) } as WaitState;
}

export function pass(then: Then, result?: { readonly value: Json; readonly resultPath: Path | null }): PassState {
  return { Type: 'Pass', ...(result ? { Result: result.value, ResultPath: result.resultPath } : {}), ...transition(then) } as PassState;
}

export const succeed = (): SucceedState => ({ Type: 'Succeed' });
export const fail = (error: string, cause: string): FailState => ({ Type: 'Fail', Error: error, Cause: cause });

export const branch = (startAt: string, states: States): Scope => ({ StartAt: startAt, States: states });

export function parallel(branches: readonly Scope[], options: { readonly resultPath: Path | null } & Then): ParallelState {
  return { Type: 'Parallel', Branches: branches, ResultPath: options.resultPath, ...transition(options) } as ParallelState;
}

export interface InlineMapOptions {
  readonly comment?: string;
  readonly itemsPath: Path;
  /**
   * How many iterations run at once, stated in every Map (AWS's default, 0, means "as many as
   * AWS allows", which is 40 for an inline Map): 1 to INLINE_MAP_CONCURRENCY.
   */
  readonly maxConcurrency: number;
  /** The input of each iteration; `$$.Map.Item.Value` is the item. */
  readonly itemSelector: Template;
  readonly iteration: Scope;
  readonly resultPath: Path | null;
}

/** Runs `iteration` for every item, inline, at most `maxConcurrency` at once. */
export function inlineMap(options: InlineMapOptions & Then): MapState {
  const { maxConcurrency } = options;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > INLINE_MAP_CONCURRENCY) {
    throw new DefinitionError(
      `An inline Map's MaxConcurrency must be a whole number from 1 to ${INLINE_MAP_CONCURRENCY} (AWS runs no more at once), not ${maxConcurrency}.`,
    );
  }
  return {
    Type: 'Map',
    ...(options.comment ? { Comment: options.comment } : {}),
    ItemsPath: options.itemsPath,
    ItemSelector: options.itemSelector,
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...options.iteration },
    MaxConcurrency: maxConcurrency,
    ResultPath: options.resultPath,
    ...transition(options),
  } as MapState;
}

// ---- the machine

export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

export interface StateMachineSpec {
  readonly comment: string;
  readonly startAt: string;
  readonly states: States;
  /**
   * The state that every error left at the top level goes to (the house catch); it catches
   * nothing itself. None: an error ends the execution, for the parent that started it to catch.
   */
  readonly onError?: string;
}

/** The definition with the house catch attached, in ASL field order, checked (throws DefinitionError). */
export function stateMachine(spec: StateMachineSpec): AslDefinition {
  const states = Object.fromEntries(
    Object.entries(spec.states).map(([name, state]) => [
      name,
      spec.onError === undefined || name === spec.onError ? state : withHouseCatch(state, spec.onError),
    ]),
  );
  const definition: AslDefinition = { Comment: spec.comment, ...inAslOrder({ StartAt: spec.startAt, States: states }) };
  check(definition);
  return definition;
}

function withHouseCatch(state: State, onError: string): State {
  if (state.Type !== 'Task' && state.Type !== 'Parallel' && state.Type !== 'Map') return state;
  return { ...state, Catch: [...(state.Catch ?? []), houseCatch(onError)] };
}

/** The rendered file: two-space JSON and a final newline, so that the committed file diffs well. */
export function render(definition: AslDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

/** Visits every state at any depth, with the states of its scope (transitions stay within a scope). */
export function forEachState(scope: Scope, visit: (name: string, state: State, scope: Scope) => void): void {
  for (const [name, state] of Object.entries(scope.States)) {
    visit(name, state, scope);
    for (const inner of nestedScopes(state)) forEachState(inner, visit);
  }
}

function nestedScopes(state: State): readonly Scope[] {
  if (state.Type === 'Parallel') return state.Branches;
  if (state.Type === 'Map') return [state.ItemProcessor];
  return [];
}

// ASL's order of fields, as AWS's console and the spec list them: a reviewer reads a state top down.
const FIELD_ORDER = [
  'Type',
  'Comment',
  'Resource',
  'Parameters',
  'ItemsPath',
  'ItemSelector',
  'ItemProcessor',
  'MaxConcurrency',
  'Branches',
  'TimeoutSecondsPath',
  'TimestampPath',
  'SecondsPath',
  'Result',
  'ResultSelector',
  'ResultPath',
  'Retry',
  'Catch',
  'Choices',
  'Default',
  'Error',
  'Cause',
  'Next',
  'End',
];

function inAslOrder<S extends Scope>(scope: S): S {
  const states = Object.fromEntries(
    Object.entries(scope.States).map(([name, state]) => {
      const unknown = Object.keys(state).filter((field) => !FIELD_ORDER.includes(field));
      if (unknown.length) throw new DefinitionError(`State '${name}' has fields this builder does not know: ${unknown.join(', ')}.`);
      const ordered: Record<string, unknown> = {};
      for (const field of FIELD_ORDER) if (field in state) ordered[field] = (state as Record<string, unknown>)[field];
      if (state.Type === 'Parallel') ordered.Branches = state.Branches.map((inner) => inAslOrder(inner));
      if (state.Type === 'Map') ordered.ItemProcessor = inAslOrder(state.ItemProcessor);
      return [name, ordered as State];
    }),
  );
  return { ...scope, States: states };
}

// ---- checks made while building, so that a mistake fails `npm run asl` and the tests, not a deploy

/** The states a state can go to: Next, a choice's targets and default, its catchers' targets. */
function successorsOf(state: State): string[] {
  const next: string[] = [];
  if ('Next' in state && state.Next) next.push(state.Next);
  if (state.Type === 'Choice') {
    next.push(...state.Choices.map((rule) => rule.Next));
    if (state.Default) next.push(state.Default);
  }
  if ('Catch' in state) next.push(...(state.Catch ?? []).map((catcher) => catcher.Next));
  return next;
}

function check(definition: AslDefinition): void {
  const names = new Set<string>();
  forEachState(definition, (name) => {
    // AWS refuses a definition that uses a state name twice, even in different branches.
    if (names.has(name))
      throw new DefinitionError(`The state name '${name}' is used twice; state names must be unique in the whole machine.`);
    names.add(name);
  });
  checkScope(definition, 'the top level');
}

function checkScope(scope: Scope, where: string): void {
  const named = (target: string) => Object.hasOwn(scope.States, target);
  if (!named(scope.StartAt)) throw new DefinitionError(`StartAt of ${where} names '${scope.StartAt}', which is no state of ${where}.`);
  for (const [name, state] of Object.entries(scope.States)) {
    for (const target of successorsOf(state)) {
      if (!named(target)) {
        throw new DefinitionError(
          `State '${name}' goes to '${target}', which is no state of ${where} (a transition cannot leave its branch or Map).`,
        );
      }
    }
    if (state.Type === 'Task' && state.Resource.endsWith('.waitForTaskToken') && !passesTaskToken(state.Parameters)) {
      throw new DefinitionError(
        `State '${name}' waits for a task token, but its Parameters do not pass '${TASK_TOKEN}': nothing could ever complete it.`,
      );
    }
    if (state.Type === 'Parallel') {
      for (const [index, inner] of state.Branches.entries()) checkScope(inner, `branch ${index + 1} of '${name}'`);
    }
    if (state.Type === 'Map') checkScope(state.ItemProcessor, `the iteration of '${name}'`);
  }
  const reached = new Set<string>();
  const toVisit = [scope.StartAt];
  for (let name = toVisit.pop(); name !== undefined; name = toVisit.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    toVisit.push(...successorsOf(scope.States[name] as State));
  }
  const unreachable = Object.keys(scope.States).filter((name) => !reached.has(name));
  if (unreachable.length) {
    throw new DefinitionError(`No transition of ${where} reaches ${unreachable.map((name) => `'${name}'`).join(', ')}.`);
  }
}

function passesTaskToken(template: Json): boolean {
  if (Array.isArray(template)) return template.some(passesTaskToken);
  if (template === null || typeof template !== 'object') return false;
  return Object.entries(template).some(([field, value]) => (field.endsWith('.$') && value === TASK_TOKEN) || passesTaskToken(value));
}

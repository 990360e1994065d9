import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { deadlineTasks, noticeTasks, taskLane, workflowFunctions } from '../../infra/functions';
import {
  bindArns,
  forEachState,
  LAMBDA_CALLBACK,
  LAMBDA_INVOKE,
  render,
  START_CHILD_EXECUTION,
  type State,
  type TaskState,
} from '../../statemachines/builder';
import { batchNumbers } from '../../shared/domain/batches';
import { caseBatch, caseWorkflow } from '../../statemachines/case-workflow';
import { ASL_PATH, BATCH_ASL_PATH } from './harness';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const definition = caseWorkflow();
const batchDefinition = caseBatch();
const text = render(definition);
const batchText = render(batchDefinition);
/** The states of both machines: the builder keeps every name unique across them, so a state is found by its name. */
const states: Record<string, State> = {};
for (const machine of [definition, batchDefinition]) {
  forEachState(machine, (name, state) => {
    expect(states[name], name).toBeUndefined();
    states[name] = state;
  });
}
const allTasks = Object.entries(states).filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');
const childTasks = allTasks.filter(([, task]) => task.Resource === START_CHILD_EXECUTION);
const tasks = allTasks.filter(([, task]) => task.Resource !== START_CHILD_EXECUTION);
/** docs/architecture.md: "Retries on every Lambda task": every transient Lambda error AWS lists, and ours. */
const TRANSIENT_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
];

describe('the case workflow and its batches (statemachines/case-workflow.ts)', () => {
  it.each([
    [ASL_PATH, text],
    [BATCH_ASL_PATH, batchText],
  ])('is what %s holds, byte for byte', (file, rendered) => {
    // Given the file that the stack and the local runtime read
    const committed = readFileSync(file, 'utf8');
    // Then it is what the builder renders now
    const stale = `${file} is not what statemachines/case-workflow.ts renders: edit the .ts, run \`npm run asl\`, commit both`;
    expect(committed, stale).toBe(rendered);
  });

  it.each([
    ['case workflow', text],
    ['case batch', batchText],
  ])('is valid ASL for asl-validator: the %s', (_machine, rendered) => {
    // Given the definition with its substitutions made as the stack makes them
    const substituted = JSON.parse(
      bindArns(rendered, {
        function: (name) => `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`,
        stateMachine: (name) => `arn:aws:states:ap-northeast-2:000000000000:stateMachine:${name}`,
      }),
    ) as unknown;
    // When it is validated
    const { isValid, errorsText } = aslValidator(substituted);
    // Then it is valid
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('uses JSONPath only, and a substitution for every workflow function of the manifest and no other', () => {
    const both = `${text}${batchText}`;
    expect(both).not.toMatch(/JSONata|"QueryLanguage"|\{%/);
    const named = new Set([...both.matchAll(/\$\{(\w+)FunctionArn\}/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual(Object.keys(workflowFunctions).sort());
    expect([...both.matchAll(/\$\{(\w+)StateMachineArn\}/g)].map((m) => m[1])).toEqual(['CaseBatch', 'CaseBatch']);
  });

  it('names the states of docs/architecture.md', () => {
    expect(Object.keys(states)).toEqual(
      expect.arrayContaining([
        'OpenCase',
        'ChooseProcedure',
        'AwaitApprovals',
        'EscalateApprovalSla',
        'AwaitApprovalsAfterEscalation',
        'CaseRejected',
        'OpenPriorReview',
        'AwaitPriorReview',
        'PriorReviewDeadlinePassed',
        'ApplyPriorReviewOutcome',
        'IssueOrders',
        'Tracks',
        'PerOrderBatch',
        'RunOrderBatch',
        'BatchKind',
        'ListOrderBatch',
        'PerOrder',
        'SendOrderNotice',
        'AwaitCompliance',
        'EnforceDeadline',
        'AwaitLateCompliance',
        'GraceExpired',
        'OpenPostReview',
        'AwaitPostReview',
        'PostReviewDeadlinePassed',
        'ApplyPostReviewOutcome',
        'OpenAppealWindow',
        'AwaitAppealWindow',
        'CollectAppeals',
        'AppealReviews',
        'RunAppealBatch',
        'ListAppealBatch',
        'PerAppeal',
        'OpenAppealReview',
        'AwaitAppealReview',
        'AppealDeadlinePassed',
        'ApplyAppealOutcome',
        'AssessFines',
        'CloseCase',
        'Closed',
        'RecordFailure',
        'Failed',
      ]),
    );
  });

  it('invokes a Lambda with a payload in every task, and retries the transient errors there', () => {
    expect(tasks.length).toBeGreaterThan(20);
    for (const [name, state] of tasks) {
      expect([LAMBDA_INVOKE, LAMBDA_CALLBACK], name).toContain(state.Resource);
      expect(state.Parameters.FunctionName, name).toMatch(/^\$\{\w+FunctionArn\}$/);
      expect(state.Parameters.Payload, name).toBeTypeOf('object');
      expect(state.Retry, name).toEqual([{ ErrorEquals: TRANSIENT_ERRORS, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6 }]);
    }
  });

  it("picks every Lambda task's result from $.Payload, where lambda:invoke puts the function's answer", () => {
    for (const [name, state] of tasks.filter(([, task]) => task.Resource === LAMBDA_INVOKE)) {
      const selected = Object.values(state.ResultSelector ?? {});
      expect(selected.length, name).toBeGreaterThan(0);
      for (const path of selected) expect(path, name).toMatch(/^\$\.Payload\./);
    }
  });

  it('hands StoreTaskToken the case, the purpose and the task token in every wait for a person', () => {
    const waits = tasks.filter(([, task]) => task.Resource === LAMBDA_CALLBACK);
    expect(waits.map(([name]) => name).sort()).toEqual([
      'AwaitAppealReview',
      'AwaitApprovals',
      'AwaitApprovalsAfterEscalation',
      'AwaitCompliance',
      'AwaitDeadlineResumed',
      'AwaitDelivery',
      'AwaitLateCompliance',
      'AwaitPostReview',
      'AwaitPriorReview',
    ]);
    for (const [name, state] of waits) {
      expect(state.Parameters.FunctionName, name).toBe('${StoreTaskTokenFunctionArn}');
      const payload = state.Parameters.Payload as Record<string, string>;
      expect(payload['caseId.$'], name).toBe('$.caseId');
      expect(payload['taskToken.$'], name).toBe('$$.Task.Token');
      expect(payload.purpose ?? payload['purpose.$'], name).toMatch(
        /^(APPROVAL|States\.Format\('(COMPLIANCE|REVIEW|DELIVERY)#\{\}', \$\.[\w.]+\))$/,
      );
    }
  });

  it("catches every error of a top-level task and of the parallel tracks into RecordFailure, and inside the tracks only an order notice's", () => {
    // A state inside a track that caught States.ALL would keep the error from Tracks' catch, and the case from FAILED:
    // only the order notice does, on purpose, so that one operator's notice failing marks its own order UNDELIVERED.
    const topLevel = Object.entries(definition.States).filter(
      ([name, state]) => (state.Type === 'Task' || state.Type === 'Parallel') && name !== 'RecordFailure',
    );
    expect(topLevel.length).toBeGreaterThan(10);
    for (const [name, state] of topLevel) {
      expect('Catch' in state && state.Catch?.at(-1), name).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'RecordFailure',
      });
    }
    // The batch machine catches nothing: an error ends the child, and the task that started it fails in the case workflow.
    const nested = Object.entries(states).filter(([name]) => !(name in definition.States));
    const catchingAll = nested.filter(
      ([, state]) => 'Catch' in state && (state.Catch ?? []).some((catcher) => catcher.ErrorEquals.includes('States.ALL')),
    );
    expect(catchingAll.map(([name, state]) => [name, 'Catch' in state ? state.Catch?.at(-1)?.Next : undefined])).toEqual([
      ['SendOrderNotice', 'MarkUndelivered'],
    ]);
  });

  it('waits for people until a stored deadline, and for the appeal window until a timestamp', () => {
    const timeoutOf = (name: string) => (states[name] as TaskState | undefined)?.TimeoutSecondsPath;
    expect(timeoutOf('AwaitApprovals')).toBe('$.open.secondsToApprovalSla');
    expect(timeoutOf('AwaitCompliance')).toBe('$.notice.secondsToDeadline');
    expect(timeoutOf('AwaitLateCompliance')).toBe('$.enforcement.secondsToGraceEnd');
    for (const review of ['AwaitPriorReview', 'AwaitPostReview', 'AwaitAppealReview']) {
      expect(timeoutOf(review)).toBe('$.review.secondsToClose');
    }
    expect(states.AwaitAppealWindow).toMatchObject({ Type: 'Wait', TimestampPath: '$.appealWindow.waitUntil' });
  });

  it("starts the runtime's deadline tasks, and only those, when a deadline falls due", () => {
    // The waits on a deadline (the previous test), and where each leads when it runs out.
    const DEADLINES = [
      '$.open.secondsToApprovalSla',
      '$.notice.secondsToDeadline',
      '$.notice.deadlineAt',
      '$.enforcement.secondsToGraceEnd',
      '$.review.secondsToClose',
      '$.appealWindow.waitUntil',
    ];
    const ranOut = (state: State): string | undefined => {
      if (state.Type === 'Wait') return state.Next;
      return state.Type === 'Task' ? state.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next : undefined;
    };
    const started = new Set<string>();
    for (const [name, state] of Object.entries(states)) {
      const deadline = state.Type === 'Wait' ? state.TimestampPath : state.Type === 'Task' ? state.TimeoutSecondsPath : undefined;
      if (deadline === undefined || !DEADLINES.includes(deadline)) continue;
      // A wait for the deadline's own instant comes between a timeout and the task.
      let next = ranOut(state);
      while (next !== undefined && states[next]?.Type === 'Wait') next = ranOut(states[next] as State);
      const task = next === undefined ? undefined : states[next];
      expect(task?.Type, `${name} runs out into a task`).toBe('Task');
      started.add(String((task as TaskState).Parameters.FunctionName).replace(/^\$\{(\w+)FunctionArn\}$/, '$1'));
    }
    expect([...started].sort()).toEqual([...deadlineTasks].sort());
  });

  it("names the tasks between the last approval and the order's notice, and puts them before all but a deadline's", () => {
    // The approval's way: IssueOrders, the batch's child execution, its list, each order's notice
    const functionOf = (name: string) =>
      String((states[name] as TaskState).Parameters.FunctionName).replace(/^\$\{(\w+)FunctionArn\}$/, '$1');
    const decision = states.ApprovalDecision as Extract<State, { Type: 'Choice' }>;
    expect(decision.Choices.map((choice) => choice.Next)).toContain('IssueOrders');
    expect(states.IssueOrders).toMatchObject({ Type: 'Task', Next: 'Tracks' });
    expect(batchDefinition.StartAt).toBe('BatchKind');
    expect(states.ListOrderBatch).toMatchObject({ Type: 'Task', Next: 'PerOrder' });
    expect((states.PerOrder as Extract<State, { Type: 'Map' }>).ItemProcessor.StartAt).toBe('SendOrderNotice');
    const onTheWay = ['IssueOrders', 'ListOrderBatch', 'SendOrderNotice'].map(functionOf);
    expect(onTheWay.sort()).toEqual([...noticeTasks].sort());

    // And the lanes: a deadline's task, then these, then every other task of the manifest
    for (const name of deadlineTasks) expect(taskLane(name), name).toBe(0);
    for (const name of noticeTasks) expect(taskLane(name), name).toBe(1);
    for (const name of Object.keys(workflowFunctions).filter((name) => !deadlineTasks.has(name) && !noticeTasks.has(name)))
      expect(taskLane(name), name).toBe(2);
  });

  it.each([
    [
      'orders',
      'PerOrderBatch',
      '$.orders.orderBatches',
      'RunOrderBatch',
      'ListOrderBatch',
      'ORDERS',
      'PerOrder',
      'orderId',
      'SendOrderNotice',
    ],
    [
      'appeals',
      'AppealReviews',
      '$.appeals.appealBatches',
      'RunAppealBatch',
      'ListAppealBatch',
      'APPEALS',
      'PerAppeal',
      'appealId',
      'OpenAppealReview',
    ],
  ])(
    'runs every one of the %s at once: batches of 40, each a child execution that reads its ids and runs them as a Map',
    (_what, outer, batches, run, list, kind, inner, idField, first) => {
      // AWS runs at most 40 iterations of an inline Map at once, whatever MaxConcurrency says above it
      expect(states[outer]).toMatchObject({
        Type: 'Map',
        ItemsPath: batches,
        ItemSelector: { 'caseId.$': '$.caseId', 'batch.$': '$$.Map.Item.Value' },
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: run },
        MaxConcurrency: 40,
      });
      // the batch's own history: a child named caseId-kind-batch-retry, so that a retried start is
      // never refused for the name of a child that has ended (AWS: ExecutionAlreadyExists)
      expect(states[run]).toEqual({
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: {
          StateMachineArn: '${CaseBatchStateMachineArn}',
          'Name.$': `States.Format('{}-${kind}-{}-{}', $.caseId, $.batch, $$.State.RetryCount)`,
          Input: { 'caseId.$': '$.caseId', kind, 'batch.$': '$.batch' },
        },
        ResultPath: null,
        Retry: [expect.objectContaining({ ErrorEquals: expect.arrayContaining(['StepFunctions.ThrottlingException']) })],
        End: true,
      });
      expect(batchDefinition.States.BatchKind).toMatchObject({
        Choices: expect.arrayContaining([{ Variable: '$.kind', StringEquals: kind, Next: list }]),
      });
      expect(states[list]).toMatchObject({
        Parameters: { FunctionName: '${ListBatchFunctionArn}', Payload: { 'caseId.$': '$.caseId', kind, 'batch.$': '$.batch' } },
        ResultSelector: { 'ids.$': '$.Payload.ids' },
        ResultPath: '$.batch',
        Next: inner,
      });
      expect(states[inner]).toMatchObject({
        Type: 'Map',
        ItemsPath: '$.batch.ids',
        ItemSelector: { 'caseId.$': '$.caseId', [`${idField}.$`]: '$$.Map.Item.Value' },
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: first },
        MaxConcurrency: 40,
      });
    },
  );

  it('runs no child execution but the batches', () => {
    expect(childTasks.map(([name]) => name).sort()).toEqual(['RunAppealBatch', 'RunOrderBatch']);
  });

  it("retries a child's start on Step Functions' faults only, never a child that did not succeed (States.TaskFailed)", () => {
    // AWS fails a .sync:2 task with States.TaskFailed whether the child ended FAILED, TIMED_OUT or
    // ABORTED: its batch ran, so running it again is no repair; the house catch records the case.
    for (const [name, task] of childTasks) {
      const retried = (task.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      expect(retried, name).not.toEqual(expect.arrayContaining(['States.TaskFailed']));
      expect(retried, name).not.toEqual(expect.arrayContaining(['States.ALL']));
      expect(
        retried.every((error) => error.startsWith('StepFunctions.')),
        name,
      ).toBe(true);
    }
  });

  it("names every child within AWS's 80 characters: the longest case id, the last batch of 1,000 appeals, the last retry", () => {
    const longest = { caseId: `C${'Z'.repeat(26)}`, batch: Math.max(...batchNumbers(1000)) };
    for (const [name, task] of childTasks) {
      const [, format = '', args = ''] = /^States\.Format\('(.*)', (.*)\)$/.exec(String(task.Parameters['Name.$'])) ?? [];
      const lastRetry = Math.max(...(task.Retry ?? []).map((retrier) => retrier.MaxAttempts ?? 3));
      const values = args
        .split(', ')
        .map((arg) =>
          arg === '$.caseId' ? longest.caseId : arg === '$.batch' ? longest.batch : arg === '$$.State.RetryCount' ? lastRetry : arg,
        );
      const rendered = values.reduce<string>((text, value) => text.replace('{}', String(value)), format);
      expect(rendered, name).toMatch(/^CZ{26}-(ORDERS|APPEALS)-24-6$/);
      expect(rendered.length, name).toBeLessThanOrEqual(80);
    }
  });

  it('states MaxConcurrency in every Map, never above the 40 AWS runs at once', () => {
    const maps = Object.entries(states).filter(([, state]) => state.Type === 'Map');
    expect(maps.map(([name]) => name).sort()).toEqual(['AppealReviews', 'PerAppeal', 'PerOrder', 'PerOrderBatch']);
    for (const [name, state] of maps) expect(state.Type === 'Map' && state.MaxConcurrency, name).toBe(40);
  });

  it('carries no ids in the state that nothing reads: the tasks that start the Maps answer batch numbers only', () => {
    expect((states.IssueOrders as TaskState).ResultSelector).toEqual({ 'orderBatches.$': '$.Payload.orderBatches' });
    expect((states.CollectAppeals as TaskState).ResultSelector).toEqual({ 'appealBatches.$': '$.Payload.appealBatches' });
  });

  it('hands RecordFailure and MarkUndelivered the whole error, whose Cause may be absent', () => {
    // A path to $.error.Cause would itself fail the state (States.Runtime) on an error without a cause
    expect((states.RecordFailure as TaskState).Parameters.Payload).toEqual({ 'caseId.$': '$.caseId', 'error.$': '$.error' });
    expect((states.MarkUndelivered as TaskState).Parameters.Payload).toEqual({ 'orderId.$': '$.orderId', 'error.$': '$.error' });
    expect(`${text}${batchText}`).not.toContain('$.error.Cause');
  });
});

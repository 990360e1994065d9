import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { workflowFunctions } from '../../infra/functions';
import { forEachState, LAMBDA_CALLBACK, LAMBDA_INVOKE, render, type State, type TaskState } from '../../statemachines/builder';
import { caseWorkflow } from '../../statemachines/case-workflow';
import { ASL_PATH } from './harness';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const definition = caseWorkflow();
const text = render(definition);
const states: Record<string, State> = {};
forEachState(definition, (name, state) => {
  states[name] = state;
});
const tasks = Object.entries(states).filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');
/** docs/architecture.md: "Retries on every Lambda task". */
const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
];

describe('the case workflow (statemachines/case-workflow.ts)', () => {
  it('is what statemachines/case-workflow.asl.json holds, byte for byte', () => {
    // Given the file that the stack and the local runtime read
    const committed = readFileSync(ASL_PATH, 'utf8');
    // Then it is what the builder renders now
    const stale =
      'statemachines/case-workflow.asl.json is not what statemachines/case-workflow.ts renders: edit the .ts, run `npm run asl`, commit both';
    expect(committed, stale).toBe(text);
  });

  it('is valid ASL for asl-validator', () => {
    // Given the definition with its substitutions made as the stack makes them
    const substituted = JSON.parse(
      text.replace(/\$\{(\w+)FunctionArn\}/g, (_, name: string) => `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`),
    ) as unknown;
    // When it is validated
    const { isValid, errorsText } = aslValidator(substituted);
    // Then it is valid
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('uses JSONPath only, and a substitution for every workflow function of the manifest and no other', () => {
    expect(text).not.toMatch(/JSONata|"QueryLanguage"|\{%/);
    const named = new Set([...text.matchAll(/\$\{(\w+)FunctionArn\}/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual(Object.keys(workflowFunctions).sort());
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
    expect(states.PerOrderBatch).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.orders.orderBatches',
      ItemSelector: { 'caseId.$': '$.caseId', 'orderIds.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'PerOrder' },
    });
    expect(states.PerOrder).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.orderIds',
      ItemSelector: { 'caseId.$': '$.caseId', 'orderId.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } },
    });
  });
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { workflowFunctions } from '../../infra/functions';
import { ASL_PATH, taskStates } from './harness';

type Json = Record<string, any>;
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const text = readFileSync(ASL_PATH, 'utf8');
const substituted = JSON.parse(
  text.replace(/\$\{(\w+)FunctionArn\}/g, (_, name: string) => `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`),
) as Json;

function allStates(states: Record<string, Json>, into: Record<string, Json> = {}): Record<string, Json> {
  for (const [name, state] of Object.entries(states)) {
    if (into[name]) throw new Error(`state name ${name} is used twice`);
    into[name] = state;
    for (const branch of state.Branches ?? []) allStates(branch.States, into);
    if (state.ItemProcessor) allStates(state.ItemProcessor.States, into);
  }
  return into;
}
const states = allStates(substituted.States);
const RETRIED = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
];

describe('case-workflow.asl.json', () => {
  it('is valid ASL for asl-validator', () => {
    // Given the definition with its substitutions made as the stack makes them
    // When it is validated
    const { isValid, errorsText } = aslValidator(structuredClone(substituted));
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
        'OpenCase', 'ChooseProcedure', 'AwaitApprovals', 'EscalateApprovalSla', 'AwaitApprovalsAfterEscalation', 'CaseRejected',
        'OpenPriorReview', 'AwaitPriorReview', 'PriorReviewDeadlinePassed', 'ApplyPriorReviewOutcome',
        'IssueOrders', 'Tracks', 'PerOrder', 'SendOrderNotice', 'AwaitCompliance', 'EnforceDeadline', 'AwaitLateCompliance',
        'GraceExpired', 'OpenPostReview', 'AwaitPostReview', 'PostReviewDeadlinePassed', 'ApplyPostReviewOutcome',
        'OpenAppealWindow', 'AwaitAppealWindow', 'CollectAppeals', 'AppealReviews', 'OpenAppealReview', 'AwaitAppealReview',
        'AppealDeadlinePassed', 'ApplyAppealOutcome', 'AssessFines', 'CloseCase', 'Closed', 'RecordFailure', 'Failed',
      ]),
    );
  });

  const tasks = taskStates(substituted).map(({ name }) => [name, states[name] as Json] as const);

  it.each(tasks)('%s invokes a Lambda with a payload and retries the transient errors', (_name, state) => {
    expect(['arn:aws:states:::lambda:invoke', 'arn:aws:states:::lambda:invoke.waitForTaskToken']).toContain(state.Resource);
    expect(state.Parameters.FunctionName).toMatch(/:function:\w+$/);
    expect(state.Parameters.Payload).toBeTypeOf('object');
    expect(state.Retry).toEqual([
      { ErrorEquals: RETRIED, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6 },
    ]);
  });

  it.each(tasks.filter(([, s]) => s.Resource === 'arn:aws:states:::lambda:invoke'))(
    '%s picks its result from $.Payload',
    (_name, state) => {
      const selected = Object.values(state.ResultSelector ?? {}) as string[];
      expect(selected.length).toBeGreaterThan(0);
      for (const path of selected) expect(path).toMatch(/^\$\.Payload\./);
    },
  );

  it.each(tasks.filter(([, s]) => s.Resource.endsWith('.waitForTaskToken')))(
    '%s hands StoreTaskToken the case, the purpose and the task token',
    (_name, state) => {
      expect(state.Parameters.FunctionName).toMatch(/:function:StoreTaskToken$/);
      const payload = state.Parameters.Payload;
      expect(payload['caseId.$']).toBe('$.caseId');
      expect(payload['taskToken.$']).toBe('$$.Task.Token');
      expect(payload.purpose ?? payload['purpose.$']).toMatch(/^(APPROVAL|States\.Format\('(COMPLIANCE|REVIEW)#\{\}', \$\.[\w.]+\))$/);
    },
  );

  it('catches every error of a top-level task and of the parallel tracks into RecordFailure', () => {
    const topLevel = Object.entries(substituted.States as Record<string, Json>).filter(
      ([name, state]) => (state.Type === 'Task' || state.Type === 'Parallel') && name !== 'RecordFailure',
    );
    expect(topLevel.length).toBeGreaterThan(10);
    for (const [name, state] of topLevel) {
      expect(state.Catch?.at(-1), name).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' });
    }
  });

  it('waits for people until a stored deadline, and for the appeal window until a timestamp', () => {
    expect(states.AwaitApprovals?.TimeoutSecondsPath).toBe('$.open.secondsToApprovalSla');
    expect(states.AwaitCompliance?.TimeoutSecondsPath).toBe('$.notice.secondsToDeadline');
    expect(states.AwaitLateCompliance?.TimeoutSecondsPath).toBe('$.enforcement.secondsToGraceEnd');
    for (const review of ['AwaitPriorReview', 'AwaitPostReview', 'AwaitAppealReview']) {
      expect(states[review]?.TimeoutSecondsPath).toBe('$.review.secondsToClose');
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

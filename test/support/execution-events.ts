/** AWS's EventBridge events about Step Functions executions, as the rule hands them to ExecutionEnded. */

const REGION = 'ap-northeast-2';
const ACCOUNT = '123456789012';
export const CASE_WORKFLOW_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:ud-case-workflow`;

/**
 * A "Step Functions Execution Status Change" event of the case workflow's execution named after
 * the case (the shape of AWS's EventBridge reference): `error` and `cause` are null unless given,
 * as AWS sends them for a timeout or an abort without a reason.
 */
export function executionStatusChange(
  caseId: string,
  status: string,
  ended: { readonly error?: string; readonly cause?: string } = {},
): Record<string, unknown> {
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:ud-case-workflow:${caseId}`;
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: ACCOUNT,
    time: '2026-03-03T02:00:00Z',
    region: REGION,
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn: CASE_WORKFLOW_ARN,
      name: caseId,
      status,
      startDate: 1_772_416_800_000,
      stopDate: status === 'RUNNING' ? null : 1_772_503_200_000,
      input: JSON.stringify({ caseId }),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: ended.error ?? null,
      cause: ended.cause ?? null,
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { ExecutionStatus } from './model';

/** What the engine knows of an execution that ended. */
export interface EndedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

/**
 * The event AWS puts on the default EventBridge bus when an execution's status changes
 * (https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html,
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html): dates in epoch
 * milliseconds, absent output, error and cause as null.
 */
export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionStatus;
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    inputDetails: { included: boolean };
    outputDetails: { included: boolean } | null;
    error: string | null;
    cause: string | null;
  };
}

export function executionStatusChangeEvent(execution: EndedExecution, region: string, account: string): ExecutionStatusChangeEvent {
  const at = execution.stopDate ?? new Date();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    // EventBridge times are to the second.
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      input: execution.input,
      output: execution.output ?? null,
      inputDetails: { included: true },
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}

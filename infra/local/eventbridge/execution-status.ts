import { UNSUCCESSFUL_ENDS } from '../../../shared/services/workflow-payloads';
import type { EventSource } from '../../functions';
import type { ExecutionStatusChangeEvent } from '../stepfunctions';

export interface ExecutionStatusRule {
  /** The case workflow and the state machine of its batches: the cloud rule matches their executions only. */
  stateMachineArns: readonly string[];
  /** The manifest's event functions; those of source `sfn-execution-status` are the rule's targets. */
  functions: readonly { name: string; source: EventSource }[];
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
}

/**
 * The cloud's EventBridge rule on Step Functions execution status changes, on one machine: an
 * execution of the case workflow or of one of its batches that ended FAILED, TIMED_OUT or ABORTED reaches every
 * `sfn-execution-status` function with the event AWS raises (the engine's `onExecutionEnded`).
 */
export async function deliverExecutionStatusChange(event: ExecutionStatusChangeEvent, rule: ExecutionStatusRule): Promise<void> {
  const status: string = event.detail.status;
  const matches = rule.stateMachineArns.includes(event.detail.stateMachineArn) && (UNSUCCESSFUL_ENDS as readonly string[]).includes(status);
  if (!matches) return;
  const targets = rule.functions.filter((fn) => fn.source === 'sfn-execution-status');
  await Promise.all(targets.map((fn) => rule.invoke(fn.name, event)));
}

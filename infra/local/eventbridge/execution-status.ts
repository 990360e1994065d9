import { UNSUCCESSFUL_ENDS } from '../../../shared/services/workflow-payloads';
import type { EventSource } from '../../functions';
import type { ExecutionStatusChangeEvent } from '../stepfunctions';

export interface ExecutionStatusRule {
  /**
   * The case workflow: the cloud rule matches its executions only. A batch's child execution that
   * does not succeed fails the parent's task, where the parent's Catch records it.
   */
  stateMachineArn: string;
  /** The manifest's event functions; those of source `sfn-execution-status` are the rule's targets. */
  functions: readonly { name: string; source: EventSource }[];
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
}

/**
 * The cloud's EventBridge rule on Step Functions execution status changes, on one machine: an
 * execution of the case workflow that ended FAILED, TIMED_OUT or ABORTED reaches every
 * `sfn-execution-status` function with the event AWS raises (the engine's `onExecutionEnded`).
 */
export async function deliverExecutionStatusChange(event: ExecutionStatusChangeEvent, rule: ExecutionStatusRule): Promise<void> {
  const status: string = event.detail.status;
  const matches = event.detail.stateMachineArn === rule.stateMachineArn && (UNSUCCESSFUL_ENDS as readonly string[]).includes(status);
  if (!matches) return;
  const targets = rule.functions.filter((fn) => fn.source === 'sfn-execution-status');
  await Promise.all(targets.map((fn) => rule.invoke(fn.name, event)));
}

import { workflowTask } from '../../shared/runtime/workflow-task';
import { enforceDeadline } from '../../shared/services/deadlines';
import { enforcementPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('EnforceDeadline', enforcementPayload, ({ orderId, deadlineAt }, now) =>
  enforceDeadline(orderId, now, deadlineAt ?? undefined),
);

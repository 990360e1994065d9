import { workflowTask } from '../../shared/runtime/workflow-task';
import { enforceDeadline } from '../../shared/services/deadlines';
import { orderPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('EnforceDeadline', orderPayload, ({ orderId }, now) => enforceDeadline(orderId, now));

import { workflowTask } from '../../shared/runtime/workflow-task';
import { graceExpired } from '../../shared/services/deadlines';
import { orderPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('GraceExpired', orderPayload, ({ orderId }, now) => graceExpired(orderId, now));

import { workflowTask } from '../../shared/runtime/workflow-task';
import { sendOrderNotice } from '../../shared/services/order-workflow';
import { orderPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('SendOrderNotice', orderPayload, ({ orderId }, now) => sendOrderNotice(orderId, now));

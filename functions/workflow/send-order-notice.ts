import { nowIso } from '../../shared/runtime/clock';
import { workflowTask } from '../../shared/runtime/workflow-task';
import { sendOrderNotice } from '../../shared/services/order-workflow';
import { orderPayload } from '../../shared/services/workflow-payloads';

// The clock, not the task's start time: the wait is counted from after the notice went out.
export const handler = workflowTask('SendOrderNotice', orderPayload, ({ orderId }) => sendOrderNotice(orderId, nowIso));

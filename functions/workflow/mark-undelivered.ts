import { workflowTask } from '../../shared/runtime/workflow-task';
import { markUndelivered } from '../../shared/services/order-workflow';
import { orderFailurePayload } from '../../shared/services/workflow-payloads';

/** Sending an order's notice failed for good: that order is UNDELIVERED, and the rest of the case goes on. */
export const handler = workflowTask('MarkUndelivered', orderFailurePayload, ({ orderId, error }, now) =>
  markUndelivered(orderId, error.error, error.cause, now),
);

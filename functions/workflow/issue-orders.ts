import { workflowTask } from '../../shared/runtime/workflow-task';
import { issueOrders } from '../../shared/services/order-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('IssueOrders', casePayload, ({ caseId }, now) => issueOrders(caseId, now));

import { workflowTask } from '../../shared/runtime/workflow-task';
import { assessFines } from '../../shared/services/order-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('AssessFines', casePayload, ({ caseId }, now) => assessFines(caseId, now));

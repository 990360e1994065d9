import { workflowTask } from '../../shared/runtime/workflow-task';
import { collectAppeals } from '../../shared/services/order-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('CollectAppeals', casePayload, ({ caseId }, now) => collectAppeals(caseId, now));

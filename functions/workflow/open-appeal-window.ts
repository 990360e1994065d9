import { workflowTask } from '../../shared/runtime/workflow-task';
import { openAppealWindow } from '../../shared/services/order-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('OpenAppealWindow', casePayload, ({ caseId }, now) => openAppealWindow(caseId, now));

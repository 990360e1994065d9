import { workflowTask } from '../../shared/runtime/workflow-task';
import { openCase } from '../../shared/services/case-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('OpenCase', casePayload, ({ caseId }, now) => openCase(caseId, now));

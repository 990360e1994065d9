import { workflowTask } from '../../shared/runtime/workflow-task';
import { closeCase } from '../../shared/services/case-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('CloseCase', casePayload, ({ caseId }, now) => closeCase(caseId, now));

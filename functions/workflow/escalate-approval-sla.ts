import { workflowTask } from '../../shared/runtime/workflow-task';
import { escalateApprovalSla } from '../../shared/services/case-workflow';
import { casePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('EscalateApprovalSla', casePayload, ({ caseId }, now) => escalateApprovalSla(caseId, now));

import { workflowTask } from '../../shared/runtime/workflow-task';
import { recordFailure } from '../../shared/services/case-workflow';
import { failurePayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('RecordFailure', failurePayload, ({ caseId, error }, now) =>
  recordFailure(caseId, error.error, error.cause, now),
);

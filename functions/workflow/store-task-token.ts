import { workflowTask } from '../../shared/runtime/workflow-task';
import { storeAndCheckTaskToken } from '../../shared/services/task-tokens';
import { taskTokenPayload } from '../../shared/services/workflow-payloads';

/** Serves every `.waitForTaskToken` state: stores the token, completes it at once if the act already happened. */
export const handler = workflowTask('StoreTaskToken', taskTokenPayload, ({ caseId, purpose, taskToken }, now) =>
  storeAndCheckTaskToken(caseId, purpose, taskToken, now),
);

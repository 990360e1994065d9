import { workflowTask } from '../../shared/runtime/workflow-task';
import { listBatch } from '../../shared/services/order-workflow';
import { batchPayload } from '../../shared/services/workflow-payloads';

/** The ids of one batch of the case's orders or appeals, for the workflow's inner Map (shared/domain/batches.ts). */
export const handler = workflowTask('ListBatch', batchPayload, ({ caseId, kind, batch }) => listBatch(caseId, kind, batch));

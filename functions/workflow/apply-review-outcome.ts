import { workflowTask } from '../../shared/runtime/workflow-task';
import { applyReviewOutcome } from '../../shared/services/review-outcomes';
import { reviewPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('ApplyReviewOutcome', reviewPayload, ({ reviewId }, now) => applyReviewOutcome(reviewId, now));

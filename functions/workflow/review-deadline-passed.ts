import { workflowTask } from '../../shared/runtime/workflow-task';
import { closeReviewAtDeadline } from '../../shared/services/reviews';
import { reviewPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('ReviewDeadlinePassed', reviewPayload, async ({ reviewId }, now) => ({
  reviewId,
  ...(await closeReviewAtDeadline(reviewId, now)),
}));

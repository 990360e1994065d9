import { workflowTask } from '../../shared/runtime/workflow-task';
import { openReview } from '../../shared/services/reviews';
import { openReviewPayload } from '../../shared/services/workflow-payloads';

export const handler = workflowTask('OpenReview', openReviewPayload, async (input, now) => {
  const { review, secondsToClose } = await openReview(input, now);
  return { reviewId: review.reviewId, secondsToClose };
});

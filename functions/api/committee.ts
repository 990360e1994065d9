import { reviewsQuerySchema } from '../../shared/api/inputs';
import { escalationDecisionRequestSchema, recusalRequestSchema, voteRequestSchema } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { apiHandler, ok, parseBody, parseQuery } from '../../shared/runtime/http';
import { castVote, decideEscalatedReview, recuse, voteRulesOf } from '../../shared/services/reviews';
import { committeeReviewView, listCommitteeReviews, reviewView } from '../../shared/services/views';

export const handler = apiHandler({
  'GET /committee/reviews': async (request) =>
    ok({ reviews: await listCommitteeReviews(request.identity, parseQuery(request, reviewsQuerySchema)) }),
  'POST /committee/reviews/{reviewId}/votes': async (request) => {
    const body = parseBody(request, voteRequestSchema);
    const { review } = await castVote(request.identity, request.pathParameters.reviewId ?? '', body, nowIso());
    return ok(committeeReviewView(review, request.identity.userId, await voteRulesOf(review)), 201);
  },
  'POST /committee/reviews/{reviewId}/recusal': async (request) => {
    const body = parseBody(request, recusalRequestSchema);
    const { review } = await recuse(request.identity, request.pathParameters.reviewId ?? '', body, nowIso());
    return ok(committeeReviewView(review, request.identity.userId, await voteRulesOf(review)));
  },
  'POST /committee/reviews/{reviewId}/decision': async (request) => {
    const body = parseBody(request, escalationDecisionRequestSchema);
    const { review } = await decideEscalatedReview(request.identity, request.pathParameters.reviewId ?? '', body, nowIso());
    return ok(reviewView(review, await voteRulesOf(review)));
  },
});

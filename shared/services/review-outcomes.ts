/**
 * What a closed review does to the case and its orders (the workflow's Apply*Outcome states).
 * Orders change first and the case last, so a case in its new status says the whole outcome was
 * applied; each act answers `null` when done, so a retry finishes what a crash left undone.
 */
import { caseDecider } from '../domain/deciders/case';
import { orderDecider } from '../domain/deciders/order';
import type { ReviewOutcome } from '../domain/model';
import { refs } from '../store/keys';
import { listOrdersOfCase } from '../store/repository';
import { act } from './acts';
import { requireReview } from './records';

export async function applyReviewOutcome(reviewId: string, now: string): Promise<{ outcome: ReviewOutcome }> {
  const review = await requireReview(reviewId);
  const { outcome } = review;
  if (review.status !== 'CLOSED' || outcome === undefined) {
    throw new Error(`Review ${reviewId} is ${review.status} without an outcome; only a closed review can be applied.`);
  }
  const caseRef = refs.case(review.caseId);
  switch (review.kind) {
    case 'PRIOR_REVIEW':
      // vote-first: the committee decided before any order; a confirmation starts the legal clock.
      await act(caseDecider, caseRef, { type: 'APPLY_PRIOR_REVIEW', reviewId, outcome, decidedAt: review.closedAt ?? now }, now);
      break;
    case 'POST_REVIEW':
      for (const { orderId } of await listOrdersOfCase(review.caseId)) {
        await act(orderDecider, refs.order(orderId), { type: 'DECIDE', reviewId, outcome }, now);
      }
      await act(caseDecider, caseRef, { type: 'APPLY_POST_REVIEW', reviewId, outcome }, now);
      break;
    case 'APPEAL': {
      const [orderId] = review.orderIds;
      if (review.appealId === undefined || orderId === undefined) {
        throw new Error(`Review ${reviewId} names no appealed order; an APPEAL review needs one.`);
      }
      await act(orderDecider, refs.order(orderId), { type: 'DECIDE_APPEAL', reviewId, appealId: review.appealId, outcome }, now);
      break;
    }
  }
  return { outcome };
}

/**
 * What a closed review does to the case and its orders (the workflow's Apply*Outcome states).
 * Orders change first and the case last, so a case in its new status says the whole outcome was
 * applied; every step is conditional and keyed, so a retry finishes what a crash left undone.
 */
import type { AppealRecord, ReviewOutcome, ReviewRecord } from '../domain/model';
import { notifyOperator } from '../notices/index';
import { tokenPurpose } from '../store/keys';
import { appendAudit, ConditionFailedError, getAppeal, getReview, listOrdersOfCase, updateAppeal } from '../store/repository';
import { completeWaitingTask } from '../workflow/client';
import { changeOrder, moveCase, SYSTEM_ACTOR } from './transitions';

async function closedReview(reviewId: string): Promise<ReviewRecord & { outcome: ReviewOutcome }> {
  const review = await getReview(reviewId);
  if (!review) throw new Error(`Review ${reviewId} does not exist; OpenReview must run before its outcome is applied.`);
  const { outcome } = review;
  if (review.status !== 'CLOSED' || outcome === undefined) {
    throw new Error(`Review ${reviewId} is ${review.status} without an outcome; only a closed review can be applied.`);
  }
  return { ...review, outcome };
}

export async function applyReviewOutcome(reviewId: string, now: string): Promise<{ outcome: ReviewOutcome }> {
  const review = await closedReview(reviewId);
  switch (review.kind) {
    case 'PRIOR_REVIEW':
      await applyPriorReview(review, now);
      break;
    case 'POST_REVIEW':
      await applyPostReview(review, now);
      break;
    case 'APPEAL':
      await applyAppeal(review, now);
      break;
  }
  return { outcome: review.outcome };
}

/** vote-first: the committee decided before any order; a confirmation starts the legal clock. */
async function applyPriorReview(review: ReviewRecord & { outcome: ReviewOutcome }, now: string): Promise<void> {
  const details = { reviewId: review.reviewId, outcome: review.outcome };
  if (review.outcome === 'CONFIRMED') {
    await moveCase(review.caseId, ['UNDER_PRIOR_REVIEW'], 'ORDERS_ISSUED', now, { action: 'ORDERS_APPROVED_BY_COMMITTEE', details }, {
      ordersIssuedAt: review.closedAt ?? now,
    });
  } else {
    await moveCase(review.caseId, ['UNDER_PRIOR_REVIEW'], 'REJECTED', now, { action: 'REJECTED_BY_COMMITTEE', details });
  }
}

async function applyPostReview(review: ReviewRecord & { outcome: ReviewOutcome }, now: string): Promise<void> {
  const orders = await listOrdersOfCase(review.caseId);
  const decision = review.outcome === 'CONFIRMED' ? 'CONFIRMED' : 'REVOKED';
  for (const { orderId } of orders) {
    const { order } = await changeOrder(orderId, (current) =>
      current.decisionStatus === 'PENDING' ? { decisionStatus: decision } : null,
    );
    await appendAudit(review.caseId, {
      key: `order-decision:${orderId}`,
      at: now,
      actor: SYSTEM_ACTOR,
      action: decision === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_REVOKED',
      details: { orderId, reviewId: review.reviewId, orderStatus: order.status },
    });
    if (decision === 'REVOKED') {
      await notifyOperator(order, { kind: 'REVOKED' }, `revoked:${orderId}`);
      await completeWaitingTask(review.caseId, tokenPurpose.compliance(orderId), { outcome: 'REVOKED' });
    }
  }
  const details = { reviewId: review.reviewId, outcome: review.outcome };
  await moveCase(review.caseId, ['UNDER_POST_REVIEW'], decision, now, {
    action: decision === 'CONFIRMED' ? 'CASE_CONFIRMED' : 'CASE_REVOKED',
    details,
  });
}

async function applyAppeal(review: ReviewRecord & { outcome: ReviewOutcome }, now: string): Promise<void> {
  const appeal = review.appealId ? await getAppeal(review.appealId) : undefined;
  if (!appeal) throw new Error(`Review ${review.reviewId} names no filed appeal; an APPEAL review needs one.`);
  const result: 'UPHELD' | 'OVERTURNED' = review.outcome === 'CONFIRMED' ? 'UPHELD' : 'OVERTURNED';
  const { order } = await changeOrder(appeal.orderId, (current) =>
    current.decisionStatus === 'CONFIRMED' || current.decisionStatus === 'APPEALED' ? { decisionStatus: result } : null,
  );
  await settleAppeal(appeal, result);
  await appendAudit(review.caseId, {
    key: `appeal-decided:${appeal.appealId}`,
    at: now,
    actor: SYSTEM_ACTOR,
    action: result === 'UPHELD' ? 'APPEAL_REJECTED_ORDER_UPHELD' : 'APPEAL_GRANTED_ORDER_OVERTURNED',
    details: { appealId: appeal.appealId, orderId: appeal.orderId, reviewId: review.reviewId, orderStatus: order.status },
  });
  await notifyOperator(order, { kind: 'APPEAL_OUTCOME', outcome: result }, `appeal-outcome:${appeal.appealId}`);
  if (result === 'OVERTURNED') {
    await completeWaitingTask(review.caseId, tokenPurpose.compliance(appeal.orderId), { outcome: 'REVOKED' });
  }
}

async function settleAppeal(appeal: AppealRecord, result: 'UPHELD' | 'OVERTURNED'): Promise<void> {
  try {
    await updateAppeal(appeal, {
      set: { status: result },
      condition: '#status IN (:filed, :underReview)',
      names: { '#status': 'status' },
      values: { ':filed': 'FILED', ':underReview': 'UNDER_REVIEW' },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const current = await getAppeal(appeal.appealId);
    if (current?.status !== result) {
      throw new Error(`Appeal ${appeal.appealId} is ${current?.status ?? 'missing'}; it cannot become ${result}.`);
    }
  }
}

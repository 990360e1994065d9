/**
 * Reading the records a workflow task works on. A task names its record by an id the workflow
 * made, so a record that is missing is a defect of the workflow, not a person's mistake (an API
 * answers 404 itself, before it gets here).
 */
import type { AppealRecord, CaseRecord, OrderRecord, ReviewRecord } from '../domain/model';
import { getAppeal, getCase, getOrder, getReview } from '../store/repository';

async function required<T>(read: Promise<T | undefined>, what: string, why: string): Promise<T> {
  const record = await read;
  if (record === undefined) throw new Error(`${what} does not exist; ${why}.`);
  return record;
}

export const requireCase = (caseId: string): Promise<CaseRecord> =>
  required(getCase(caseId), `Case ${caseId}`, 'the workflow was started for a case that was never filed');

export const requireOrder = (orderId: string): Promise<OrderRecord> =>
  required(getOrder(orderId), `Order ${orderId}`, 'IssueOrders must run before its tasks');

export const requireReview = (reviewId: string): Promise<ReviewRecord> =>
  required(getReview(reviewId), `Review ${reviewId}`, 'OpenReview must run before the review is used');

export const requireAppeal = (appealId: string): Promise<AppealRecord> =>
  required(getAppeal(appealId), `Appeal ${appealId}`, 'an appeal review needs a filed appeal');

/**
 * What the workflow waits for when it waits for a person (a `.waitForTaskToken` state): the
 * purpose names the wait, and a stored token is found by it. Pure.
 */
import type { CaseRecord, OrderRecord, ReviewOutcome, ReviewRecord } from './model';
import { isLifted, isUndelivered } from './orders';
export const tokenPurpose = {
  approval: () => 'APPROVAL',
  compliance: (orderId: string) => `COMPLIANCE#${orderId}`,
  review: (reviewId: string) => `REVIEW#${reviewId}`,
  delivery: (orderId: string) => `DELIVERY#${orderId}`,
} as const;

/**
 * How long the workflow waits for staff to decide what was escalated to them (a review, a late
 * approval): their decision completes the wait, so it never needs to end by itself; a year, the
 * longest a Standard execution runs, so it never ends before the execution (whose end the
 * ExecutionEnded rule records). A shorter wait would loop, adding history events for as long as
 * staff leave it undecided; the sweeper completes a wait whose completion was lost.
 */
export const ESCALATED_WAIT_SECONDS = 365 * 24 * 60 * 60;

export type Purpose =
  | { readonly kind: 'APPROVAL' }
  | { readonly kind: 'COMPLIANCE'; readonly orderId: string }
  | { readonly kind: 'REVIEW'; readonly reviewId: string }
  | { readonly kind: 'DELIVERY'; readonly orderId: string };

/** Reads a purpose written by `tokenPurpose`; null for anything else. */
export function parsePurpose(purpose: string): Purpose | null {
  if (purpose === tokenPurpose.approval()) return { kind: 'APPROVAL' };
  const [kind, id, ...rest] = purpose.split('#');
  if (!id || rest.length > 0) return null;
  if (kind === 'COMPLIANCE' && purpose === tokenPurpose.compliance(id)) return { kind, orderId: id };
  if (kind === 'REVIEW' && purpose === tokenPurpose.review(id)) return { kind, reviewId: id };
  if (kind === 'DELIVERY' && purpose === tokenPurpose.delivery(id)) return { kind, orderId: id };
  return null;
}

/**
 * What a wait receives once its act has happened, read from the record: the same answer whether
 * the act's own follow-up completes the wait or the wait, starting late, finds the act done.
 */
export type WaitOutput =
  | { readonly decision: 'APPROVED' | 'REJECTED' }
  | { readonly outcome: 'COMPLIED' | 'COMPLIED_LATE' | 'REVOKED' | 'UNDELIVERED' }
  | { readonly decided: true; readonly outcome: ReviewOutcome }
  | { readonly deliverable: true };

export function approvalWaitOutput(record: Pick<CaseRecord, 'status' | 'ordersIssuedAt'>): WaitOutput | null {
  if (record.status === 'REJECTED') return { decision: 'REJECTED' };
  return record.ordersIssuedAt === undefined ? null : { decision: 'APPROVED' };
}

export function complianceWaitOutput(order: Pick<OrderRecord, 'complianceStatus' | 'decisionStatus'>): WaitOutput | null {
  if (isLifted(order)) return { outcome: 'REVOKED' };
  switch (order.complianceStatus) {
    case 'COMPLIED':
    case 'COMPLIED_LATE':
    case 'UNDELIVERED':
      return { outcome: order.complianceStatus };
    default:
      return null;
  }
}

/** An UNDELIVERED order's wait ends once it no longer waits for a resend (sent again, complied, or lifted). */
export function deliveryWaitOutput(order: Pick<OrderRecord, 'complianceStatus' | 'decisionStatus'>): WaitOutput | null {
  return isUndelivered(order) ? null : { deliverable: true };
}

export function reviewWaitOutput(review: Pick<ReviewRecord, 'status' | 'outcome'>): WaitOutput | null {
  return review.status === 'CLOSED' && review.outcome !== undefined ? { decided: true, outcome: review.outcome } : null;
}

/**
 * The workflow's waits for people. The token is stored first and the awaited fact read second:
 * a person's act either lands before the read (and the wait completes itself here) or after the
 * store (and the act's handler finds the token). Either way no act is lost to a race.
 */
import { tokenPurpose } from '../store/keys';
import { getCase, getOrder, getReview, storeTaskToken } from '../store/repository';
import { sendTaskSuccess } from '../workflow/client';
import { isLifted } from './transitions';

export type WaitOutput =
  | { decision: 'APPROVED' | 'REJECTED' }
  | { outcome: 'COMPLIED' | 'COMPLIED_LATE' | 'REVOKED' }
  | { decided: true; outcome: 'CONFIRMED' | 'REVOKED' };

export type Purpose =
  | { kind: 'APPROVAL' }
  | { kind: 'COMPLIANCE'; orderId: string }
  | { kind: 'REVIEW'; reviewId: string };

/** Reads a purpose written by keys.ts `tokenPurpose`; null for anything else. */
export function parsePurpose(purpose: string): Purpose | null {
  if (purpose === tokenPurpose.approval()) return { kind: 'APPROVAL' };
  const [kind, id, ...rest] = purpose.split('#');
  if (!id || rest.length > 0) return null;
  if (purpose === tokenPurpose.compliance(id)) return kind === 'COMPLIANCE' ? { kind, orderId: id } : null;
  if (purpose === tokenPurpose.review(id)) return kind === 'REVIEW' ? { kind, reviewId: id } : null;
  return null;
}

/** The output the wait would receive if what it waits for has already happened; null otherwise. */
export async function alreadyHappened(caseId: string, purpose: Purpose): Promise<WaitOutput | null> {
  switch (purpose.kind) {
    case 'APPROVAL': {
      const record = await getCase(caseId);
      if (!record) throw new Error(`Case ${caseId} does not exist.`);
      if (record.status === 'REJECTED') return { decision: 'REJECTED' };
      return record.ordersIssuedAt === undefined ? null : { decision: 'APPROVED' };
    }
    case 'COMPLIANCE': {
      const order = await getOrder(purpose.orderId);
      if (!order) throw new Error(`Order ${purpose.orderId} does not exist.`);
      if (isLifted(order)) return { outcome: 'REVOKED' };
      if (order.complianceStatus === 'COMPLIED' || order.complianceStatus === 'COMPLIED_LATE') {
        return { outcome: order.complianceStatus };
      }
      return null;
    }
    case 'REVIEW': {
      const review = await getReview(purpose.reviewId);
      if (!review) throw new Error(`Review ${purpose.reviewId} does not exist.`);
      return review.status === 'CLOSED' && review.outcome ? { decided: true, outcome: review.outcome } : null;
    }
  }
}

/** Stores the wait's token, then completes it at once when the awaited act already happened. */
export async function storeAndCheckTaskToken(
  caseId: string,
  purpose: string,
  token: string,
  now: string,
): Promise<{ completedAtOnce: boolean }> {
  const parsed = parsePurpose(purpose);
  if (!parsed) throw new Error(`Unknown wait purpose "${purpose}"; see tokenPurpose in shared/store/keys.ts.`);
  await storeTaskToken(caseId, purpose, token, now);
  const output = await alreadyHappened(caseId, parsed);
  if (output === null) return { completedAtOnce: false };
  return { completedAtOnce: await sendTaskSuccess(token, output, { caseId, purpose }) };
}

/**
 * The workflow's waits for people. The token is stored first and the awaited fact read second:
 * a person's act either lands before the read (and the wait completes itself here) or after the
 * store (and the act's follow-up finds the token). Either way no act is lost to a race.
 */
import { assertNever } from '../domain/model';
import {
  approvalWaitOutput,
  complianceWaitOutput,
  deliveryWaitOutput,
  parsePurpose,
  reviewWaitOutput,
  type Purpose,
  type WaitOutput,
} from '../domain/waits';
import { forgetTaskToken, getCase, listTaskTokens, storeTaskToken } from '../store/repository';
import { sendTaskSuccess } from '../workflow/client';
import { requireCase, requireOrder, requireReview } from './records';

/** The output the wait would receive if what it waits for has already happened; null otherwise. */
export async function alreadyHappened(caseId: string, purpose: Purpose): Promise<WaitOutput | null> {
  switch (purpose.kind) {
    case 'APPROVAL':
      return approvalWaitOutput(await requireCase(caseId));
    case 'COMPLIANCE':
      return complianceWaitOutput(await requireOrder(purpose.orderId));
    case 'REVIEW':
      return reviewWaitOutput(await requireReview(purpose.reviewId));
    case 'DELIVERY':
      return deliveryWaitOutput(await requireOrder(purpose.orderId));
    default:
      return assertNever(purpose, 'wait purpose');
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
  if (!parsed) throw new Error(`Unknown wait purpose "${purpose}"; see tokenPurpose in shared/domain/waits.ts.`);
  await storeTaskToken(caseId, purpose, token, now);
  const output = await alreadyHappened(caseId, parsed);
  if (output === null) return { completedAtOnce: false };
  return { completedAtOnce: await sendTaskSuccess(token, output, { caseId, purpose }) };
}

/**
 * Completes every wait of the case that holds a token and whose act has happened (the sweeper's
 * reconciliation of a running execution); answers how many it completed.
 */
export async function recompleteWaits(caseId: string): Promise<number> {
  if (!(await getCase(caseId))) return 0;
  let completed = 0;
  for (const { purpose, token } of await listTaskTokens(caseId)) {
    const parsed = parsePurpose(purpose);
    const output = parsed === null ? null : await alreadyHappened(caseId, parsed);
    if (output === null) continue;
    if (await sendTaskSuccess(token, output, { caseId, purpose })) completed += 1;
    await forgetTaskToken(caseId, purpose, token);
  }
  return completed;
}

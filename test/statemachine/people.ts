/**
 * People's acts in the state-machine tests, through the same services as the API handlers:
 * a report filed, staff approving, operators complying and appealing, members voting.
 */
import type { Identity } from '../../shared/domain/authz';
import type { ReportRequest, VoteDecision } from '../../shared/domain/model';
import { nowIso } from '../../shared/runtime/clock';
import { decideApproval } from '../../shared/services/approvals';
import { acknowledgeOrder, fileAppeal, recordCompliance } from '../../shared/services/operator-orders';
import { fileReport } from '../../shared/services/reports';
import { castVote, decideEscalatedReview } from '../../shared/services/reviews';
import { COMMITTEE } from './harness';

export const reporter: Identity = { userId: 'support-center', roles: ['reporter'] };
export const staff = {
  kim: { userId: 'staff-kim', roles: ['staff'] },
  lee: { userId: 'staff-lee', roles: ['staff'] },
  park: { userId: 'staff-park', roles: ['staff'] },
} satisfies Record<string, Identity>;
export const operator = (operatorId: string): Identity => ({ userId: operatorId, roles: ['operator'], operatorId });
export const member = (index: number): Identity => ({ userId: COMMITTEE[index] ?? 'member-x', roles: ['committee'] });

export function reportOf(urls: string[], overrides: Partial<ReportRequest> = {}): ReportRequest {
  return {
    urls,
    category: 'ILLEGAL_FILMING',
    reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-TEST-1' },
    victimConsent: true,
    summary: 'Victim named in the support centre file',
    ...overrides,
  };
}

export async function file(urls: string[], overrides: Partial<ReportRequest> = {}): Promise<string> {
  const { caseId } = await fileReport(reporter, reportOf(urls, overrides), undefined, nowIso());
  return caseId;
}

export async function approve(caseId: string): Promise<void> {
  await decideApproval(staff.kim, caseId, { decision: 'APPROVE', reason: 'footage checked' }, nowIso());
  await decideApproval(staff.lee, caseId, { decision: 'APPROVE', reason: 'footage checked' }, nowIso());
}

export async function reject(caseId: string): Promise<void> {
  await decideApproval(staff.park, caseId, { decision: 'REJECT', reason: 'not illegal content' }, nowIso());
}

export async function comply(operatorId: string, orderId: string): Promise<string> {
  await acknowledgeOrder(operator(operatorId), orderId, nowIso());
  return (await recordCompliance(operator(operatorId), orderId, { action: 'DELETED' }, nowIso())).status;
}

export async function appeal(operatorId: string, orderId: string): Promise<string> {
  return (await fileAppeal(operator(operatorId), orderId, { grounds: 'The content is a licensed film, not illegal filming.' }, nowIso()))
    .appealId;
}

/** Members vote in order (member-1 first, or from `firstMember`); answers whether the review closed. */
export async function vote(reviewId: string, decisions: VoteDecision[], firstMember = 0): Promise<boolean> {
  let closed = false;
  for (const [index, decision] of decisions.entries()) {
    closed = (await castVote(member(firstMember + index), reviewId, { decision }, nowIso())).closed;
  }
  return closed;
}

export async function staffDecide(reviewId: string, decision: 'CONFIRM' | 'REVOKE'): Promise<void> {
  await decideEscalatedReview(staff.park, reviewId, { decision, reason: 'The committee could not meet.' }, nowIso());
}

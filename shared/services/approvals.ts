/**
 * Staff approval of an urgent order (CONTRACT.md section 4): distinct approvers, the filer
 * excluded; the approval that completes the count starts the legal clock in the same event, and
 * its follow-up tells the waiting workflow.
 */
import type { Identity } from '../domain/authz';
import { caseDecider } from '../domain/deciders/case';
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { Approval, ApprovalRequest, CaseStatus } from '../domain/model';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase } from '../store/repository';
import { actOnRequest } from './acts';

export interface ApprovalAnswer {
  caseId: string;
  status: CaseStatus;
  approvals: { by: string; at: string; decision: Approval['decision'] }[];
}

export async function decideApproval(identity: Identity, caseId: string, body: ApprovalRequest, now: string): Promise<ApprovalAnswer> {
  if (caseIdOf(caseId) !== caseId || !(await getCase(caseId))) throw new NotFoundError(`Case ${caseId}`);
  // An approval sent again after its answer was lost is refused, and finishes what the first left undone.
  const { state } = await actOnRequest(
    caseDecider,
    refs.case(caseId),
    { type: 'DECIDE_APPROVAL', identity, decision: body.decision, ...(body.reason === undefined ? {} : { reason: body.reason }) },
    now,
  );
  if (!state) throw new NotFoundError(`Case ${caseId}`);
  logger.info('approval recorded', { caseId, decision: body.decision, status: state.status });
  return { caseId, status: state.status, approvals: state.approvals.map(({ by, at, decision }) => ({ by, at, decision })) };
}

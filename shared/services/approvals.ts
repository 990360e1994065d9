/**
 * Staff approval of an urgent order (CONTRACT.md section 4): distinct approvers, the filer
 * excluded; the approval that completes the count starts the legal clock in the same event, and
 * its follow-up tells the waiting workflow.
 */
import type { Identity } from '../domain/authz';
import { caseDecider } from '../domain/deciders/case';
import { ConflictError, NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { Approval, ApprovalRequest, CaseStatus } from '../domain/model';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase } from '../store/repository';
import { act, finishUnsettledOf } from './acts';

export interface ApprovalAnswer {
  caseId: string;
  status: CaseStatus;
  approvals: { by: string; at: string; decision: Approval['decision'] }[];
}

/**
 * A refused approval is often the same request sent again after its answer was lost, when the
 * first one may have died between its commit and its follow-ups (the workflow's hand-over): those
 * are finished now, for the person waiting, instead of at the sweeper's next pass. The refusal
 * still stands.
 */
async function finishingLeftoversOnConflict<T>(caseId: string, decide: () => Promise<T>): Promise<T> {
  try {
    return await decide();
  } catch (error) {
    if (error instanceof ConflictError) await finishUnsettledOf(refs.case(caseId).root.pk);
    throw error;
  }
}

export async function decideApproval(identity: Identity, caseId: string, body: ApprovalRequest, now: string): Promise<ApprovalAnswer> {
  if (caseIdOf(caseId) !== caseId || !(await getCase(caseId))) throw new NotFoundError(`Case ${caseId}`);
  const { state } = await finishingLeftoversOnConflict(caseId, () =>
    act(
      caseDecider,
      refs.case(caseId),
      { type: 'DECIDE_APPROVAL', identity, decision: body.decision, ...(body.reason === undefined ? {} : { reason: body.reason }) },
      now,
    ),
  );
  if (!state) throw new NotFoundError(`Case ${caseId}`);
  logger.info('approval recorded', { caseId, decision: body.decision, status: state.status });
  return { caseId, status: state.status, approvals: state.approvals.map(({ by, at, decision }) => ({ by, at, decision })) };
}

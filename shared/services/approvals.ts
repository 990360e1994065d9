/**
 * Staff approval of an urgent order (CONTRACT.md section 4): distinct approvers, the filer
 * excluded; the approval that completes the count starts the legal clock in the same write.
 */
import { approvalsComplete, assertCanApprove, type Identity } from '../domain/authz';
import { ConflictError, NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import type { Approval, ApprovalRequest, CaseRecord, CaseStatus } from '../domain/model';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { tokenPurpose } from '../store/keys';
import { appendAudit, ConditionFailedError, getCase, updateCase } from '../store/repository';
import { completeWaitingTask } from '../workflow/client';

export interface ApprovalAnswer {
  caseId: string;
  status: CaseStatus;
  approvals: { by: string; at: string; decision: Approval['decision'] }[];
}

/** Another writer changed the case between our read and our write at most this often before we give up. */
const MAX_ATTEMPTS = 5;

/**
 * What follows a recorded approval: its audit events (keyed, so a second run adds none) and, once
 * the case is decided, the news to the workflow waiting for it (harmless when already delivered).
 */
async function announceDecision(record: CaseRecord, approval: Approval): Promise<void> {
  const { caseId, status } = record;
  await appendAudit(caseId, {
    key: `APPROVAL#${approval.by}`,
    at: approval.at,
    actor: approval.by,
    action: approval.decision === 'APPROVE' ? 'APPROVAL_GIVEN' : 'APPROVAL_REFUSED',
    details: { decision: approval.decision, approvalsSoFar: record.approvals.findIndex((given) => given.by === approval.by) + 1 },
  });
  if (status === 'PENDING_APPROVAL') return;
  const decidedBy = record.approvals.at(-1);
  if (decidedBy?.by !== approval.by) return;
  await appendAudit(caseId, {
    key: `APPROVAL_DECIDED`,
    at: approval.at,
    actor: approval.by,
    action: status === 'REJECTED' ? 'CASE_REJECTED' : 'ORDERS_AUTHORIZED',
    details: { status, ...(record.ordersIssuedAt === undefined ? {} : { ordersIssuedAt: record.ordersIssuedAt }) },
  });
  await completeWaitingTask(caseId, tokenPurpose.approval(), { decision: status === 'REJECTED' ? 'REJECTED' : 'APPROVED' });
}

export async function decideApproval(
  identity: Identity,
  caseId: string,
  body: ApprovalRequest,
  now: string,
): Promise<ApprovalAnswer> {
  if (caseIdOf(caseId) !== caseId) throw new NotFoundError(`Case ${caseId}`);
  const { policy } = config();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const record = await getCase(caseId);
    if (!record) throw new NotFoundError(`Case ${caseId}`);
    const mine = record.approvals.find((given) => given.by === identity.userId);
    // A request retried after its decision was written but before the workflow heard of it
    // (a crash in between) finishes that work before being told it already decided.
    if (mine && record.status !== 'PENDING_APPROVAL') await announceDecision(record, mine);
    // On a retry after a lost race this names what the other writer did (decided, or you twice).
    assertCanApprove(record, identity, policy);

    const approval: Approval = {
      by: identity.userId,
      at: now,
      decision: body.decision,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    };
    const approvals = [...record.approvals, approval];
    const complete = body.decision === 'APPROVE' && approvalsComplete({ ...record, approvals }, policy);
    const status: CaseStatus = body.decision === 'REJECT' ? 'REJECTED' : complete ? 'ORDERS_ISSUED' : 'PENDING_APPROVAL';

    let updated;
    try {
      updated = await updateCase(caseId, {
        append: { approvals: [approval], approvers: [identity.userId] },
        set: { status, ...(complete ? { ordersIssuedAt: now } : {}) },
        // The approval count must be the one we read: two approvers racing could otherwise both
        // see "one more needed" and leave a case with enough approvals that never issues orders.
        condition:
          '#status = :pending AND size(#approvals) = :count AND (attribute_not_exists(#approvers) OR NOT contains(#approvers, :me))',
        names: { '#status': 'status', '#approvals': 'approvals', '#approvers': 'approvers' },
        values: { ':pending': 'PENDING_APPROVAL', ':count': record.approvals.length, ':me': identity.userId },
      });
    } catch (error) {
      if (error instanceof ConditionFailedError) continue;
      throw error;
    }

    await announceDecision(updated, approval);
    logger.info('approval recorded', { caseId, decision: body.decision, status });
    return {
      caseId,
      status: updated.status,
      approvals: updated.approvals.map(({ by, at, decision }) => ({ by, at, decision })),
    };
  }
  throw new ConflictError(`Case ${caseId} kept changing while your decision was recorded; look at it again and retry.`);
}

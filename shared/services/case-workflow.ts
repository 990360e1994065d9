/**
 * The case-level steps of the workflow: starting, escalating a late approval, closing, and
 * recording a failure.
 */
import { approvalSlaAt, secondsUntil } from '../domain/deadlines';
import type { CaseStatus, Procedure } from '../domain/model';
import { CASE_STATUSES } from '../domain/model';
import { approvalsComplete } from '../domain/authz';
import { notifyStaff } from '../notices/index';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { appendAudit, ConditionFailedError, getCase, updateCase } from '../store/repository';
import { moveCase, requireCase, SYSTEM_ACTOR } from './transitions';

/** Stores the approval deadline once (a legal time is a fact stored once) and says how to proceed. */
export async function openCase(
  caseId: string,
  now: string,
): Promise<{ procedure: Procedure; secondsToApprovalSla: number }> {
  let record = await requireCase(caseId);
  if (record.approvalDeadlineAt === undefined) {
    try {
      record = await updateCase(caseId, {
        set: { approvalDeadlineAt: approvalSlaAt(config().policy, record.createdAt) },
        condition: 'attribute_not_exists(#deadline)',
        names: { '#deadline': 'approvalDeadlineAt' },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      record = await requireCase(caseId);
    }
  }
  await appendAudit(caseId, {
    key: 'workflow-started',
    at: now,
    actor: SYSTEM_ACTOR,
    action: 'WORKFLOW_STARTED',
    details: { procedure: record.procedure, approvalDeadlineAt: record.approvalDeadlineAt },
  });
  const deadline = record.approvalDeadlineAt ?? approvalSlaAt(config().policy, record.createdAt);
  return { procedure: record.procedure, secondsToApprovalSla: secondsUntil(deadline, now) };
}

/** The approval SLA passed with the case still pending: tell staff (once). */
export async function escalateApprovalSla(caseId: string, now: string): Promise<{ alerted: boolean }> {
  const record = await requireCase(caseId);
  if (record.status !== 'PENDING_APPROVAL') return { alerted: false };
  const { policy } = config();
  const approvals = record.approvals.filter((approval) => approval.decision === 'APPROVE').length;
  await appendAudit(caseId, {
    key: 'approval-sla-missed',
    at: now,
    actor: SYSTEM_ACTOR,
    action: 'APPROVAL_SLA_MISSED',
    details: { approvalDeadlineAt: record.approvalDeadlineAt, approvals, needed: policy.urgentApprovals },
  });
  await notifyStaff(
    caseId,
    {
      subject: `Urgent case ${caseId} is still waiting for approval`,
      lines: [
        `It should have been decided by ${record.approvalDeadlineAt ?? approvalSlaAt(policy, record.createdAt)}.`,
        `Approvals so far: ${approvals} of ${policy.urgentApprovals}${approvalsComplete(record, policy) ? ' (complete)' : ''}.`,
        'Approve or reject it now: every hour online spreads the content further.',
      ],
    },
    'approval-sla',
  );
  return { alerted: true };
}

/** A case ends CLOSED, or keeps REVOKED / REJECTED, which are already final; `closedAt` either way. */
export async function closeCase(caseId: string, now: string): Promise<{ status: CaseStatus }> {
  const record = await requireCase(caseId);
  if (record.status === 'REVOKED' || record.status === 'REJECTED') {
    let closedAt = record.closedAt;
    if (closedAt === undefined) {
      try {
        closedAt = (
          await updateCase(caseId, {
            set: { closedAt: now },
            condition: 'attribute_not_exists(#closedAt)',
            names: { '#closedAt': 'closedAt' },
          })
        ).closedAt;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        closedAt = (await requireCase(caseId)).closedAt;
      }
    }
    await appendAudit(caseId, {
      key: 'case-closed',
      at: closedAt ?? now,
      actor: SYSTEM_ACTOR,
      action: 'CASE_CLOSED',
      details: { status: record.status },
    });
    return { status: record.status };
  }
  const open = CASE_STATUSES.filter((status) => !['CLOSED', 'FAILED', 'REVOKED', 'REJECTED'].includes(status));
  const closed = await moveCase(caseId, open, 'CLOSED', now, { action: 'CASE_CLOSED' }, { closedAt: now });
  return { status: closed.status };
}

const MAX_ERROR_CHARS = 100;
const MAX_CAUSE_CHARS = 500;

/**
 * What of a task's error may be stored and e-mailed: Lambda's JSON cause reduced to its type and
 * message, URLs and e-mail addresses removed (a reported URL can identify a victim), truncated.
 */
export function sanitizeFailure(error: string, cause: string): { error: string; cause: string } {
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') {
      text = typeof parsed.errorType === 'string' ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
    }
  } catch {
    // Not JSON: Step Functions' own causes are plain text.
  }
  const scrub = (value: string, max: number) =>
    value
      .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
      .replace(/[^\s@<>()"']+@[^\s@<>()"']+\.[a-z]{2,}/gi, '[e-mail]')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, max);
  return { error: scrub(error, MAX_ERROR_CHARS) || 'Unknown', cause: scrub(text, MAX_CAUSE_CHARS) };
}

/** The workflow stopped on an error: the case becomes FAILED and staff are told. */
export async function recordFailure(caseId: string, error: string, cause: string, now: string): Promise<{ status: CaseStatus }> {
  const failure = { at: now, ...sanitizeFailure(error, cause) };
  const record = await getCase(caseId);
  if (!record) {
    logger.error('workflow failed for a case that does not exist', { caseId, error: failure.error });
    return { status: 'FAILED' };
  }
  if (record.status !== 'FAILED') {
    try {
      await updateCase(caseId, {
        set: { status: 'FAILED', failure },
        condition: '#status = :seen',
        names: { '#status': 'status' },
        values: { ':seen': record.status },
      });
    } catch (failed) {
      if (!(failed instanceof ConditionFailedError)) throw failed;
      // The case moved meanwhile: try again from its new status (the task is retried).
      return recordFailure(caseId, error, cause, now);
    }
  }
  const stored = (await requireCase(caseId)).failure ?? failure;
  await appendAudit(caseId, {
    key: 'workflow-failed',
    at: stored.at,
    actor: SYSTEM_ACTOR,
    action: 'WORKFLOW_FAILED',
    details: { error: stored.error, failedFrom: record.status === 'FAILED' ? undefined : record.status },
  });
  await notifyStaff(
    caseId,
    {
      subject: `The workflow of case ${caseId} stopped on an error`,
      lines: [`Error: ${stored.error}`, `Cause: ${stored.cause}`, 'The case is FAILED; check it and act on its orders by hand.'],
    },
    'workflow-failed',
  );
  logger.error('case workflow failed', { caseId, error: stored.error });
  return { status: 'FAILED' };
}

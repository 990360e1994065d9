/**
 * The case-level steps of the workflow: starting, escalating a late approval, closing, and
 * recording a failure.
 */
import { caseDecider } from '../domain/deciders/case';
import { approvalSlaAt, secondsUntil } from '../domain/deadlines';
import type { CaseStatus, Procedure } from '../domain/model';
import { ESCALATED_WAIT_SECONDS } from '../domain/waits';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase } from '../store/repository';
import { act } from './acts';
import { policyOf } from './policies';
import { requireCase } from './records';
import type { UnsuccessfulEnd } from './workflow-payloads';

/** Records that the workflow runs, and says how to proceed and how long approvals may take. */
export async function openCase(caseId: string, now: string): Promise<{ procedure: Procedure; secondsToApprovalSla: number }> {
  await requireCase(caseId);
  const { state } = await act(caseDecider, refs.case(caseId), { type: 'START_WORKFLOW' }, now);
  const record = state ?? (await requireCase(caseId));
  const deadline = record.approvalDeadlineAt ?? approvalSlaAt(await policyOf(record), record.createdAt);
  return { procedure: record.procedure, secondsToApprovalSla: secondsUntil(deadline, now) };
}

/**
 * The approval SLA passed: staff are told once, while the case is still pending. The workflow
 * then waits for the decision as long as its execution may run (ESCALATED_WAIT_SECONDS): the
 * decision completes the wait, and a wait that ended now and then to look again would add
 * history events for as long as the case stays undecided.
 */
export async function escalateApprovalSla(caseId: string, now: string): Promise<{ alerted: boolean; secondsToWait: number }> {
  await requireCase(caseId);
  const { state } = await act(caseDecider, refs.case(caseId), { type: 'MISS_APPROVAL_SLA' }, now);
  return { alerted: state?.approvalSlaMissedAt !== undefined, secondsToWait: ESCALATED_WAIT_SECONDS };
}

/** A case ends CLOSED, or keeps REVOKED / REJECTED, which are already final; `closedAt` either way. */
export async function closeCase(caseId: string, now: string): Promise<{ status: CaseStatus }> {
  await requireCase(caseId);
  const { state } = await act(caseDecider, refs.case(caseId), { type: 'CLOSE' }, now);
  return { status: (state ?? (await requireCase(caseId))).status };
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
  const failure = sanitizeFailure(error, cause);
  if (!(await getCase(caseId))) {
    logger.error('workflow failed for a case that does not exist', { caseId, error: failure.error });
    return { status: 'FAILED' };
  }
  await act(caseDecider, refs.case(caseId), { type: 'FAIL', ...failure }, now);
  logger.error('case workflow failed', { caseId, error: failure.error });
  return { status: 'FAILED' };
}

/** What is recorded when Step Functions names no error of its own for the way the execution ended. */
const ENDED_WITHOUT_ERROR: Record<UnsuccessfulEnd, { readonly error: string; readonly cause: string }> = {
  FAILED: { error: 'ExecutionFailed', cause: 'The case workflow failed, and Step Functions gave no error.' },
  TIMED_OUT: { error: 'States.Timeout', cause: 'The case workflow ran past its time limit: a Standard execution runs at most one year.' },
  ABORTED: { error: 'ExecutionAborted', cause: 'The case workflow was stopped before it finished.' },
};

/**
 * The case workflow's execution ended FAILED, TIMED_OUT or ABORTED (Step Functions' execution
 * status change): the same record as RecordFailure, for the ends no Catch sees (States.Runtime,
 * a payload or history limit, the one-year cap, an abort). When RecordFailure has run already the
 * case is FAILED, and nothing is recorded or sent twice.
 */
export async function recordExecutionEnd(
  caseId: string,
  ended: { readonly status: UnsuccessfulEnd; readonly error?: string | null; readonly cause?: string | null },
  now: string,
): Promise<{ status: CaseStatus }> {
  const fallback = ENDED_WITHOUT_ERROR[ended.status];
  return recordFailure(caseId, ended.error || fallback.error, ended.cause || fallback.cause, now);
}

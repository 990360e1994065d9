/**
 * Every way the case workflow ends other than success is recorded once: RecordFailure with the
 * whole error the Catch caught (its Cause may be absent), and ExecutionEnded for the ends no Catch
 * sees (AWS's "Step Functions Execution Status Change" event: States.Runtime, the history or
 * payload limits, the one-year cap, an abort), idempotent with RecordFailure having already run.
 */
import { describe, expect, it } from 'vitest';
import { handler as executionEnded } from '../../../functions/events/execution-ended';
import { handler as recordFailure } from '../../../functions/workflow/record-failure';
import { getCase } from '../../../shared/store/repository';
import { executionStatusChange } from '../../support/execution-events';
import { actionsOf, plant } from '../../support/given';
import { aCase, CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const world = useWorld();
const givenRunningCase = () => plant.case(aCase({ status: 'UNDER_APPEAL', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
const failureAlerts = () => world.mails.filter((mail) => /stopped on an error/.test(mail.subject));
const failuresRecorded = async () => (await actionsOf(CASE_ID)).filter((action) => action === 'WORKFLOW_FAILED').length;

describe('RecordFailure', () => {
  it.each([
    [
      'an error with its cause',
      { Error: 'Lambda.Unknown', Cause: 'Task timed out after 60.00 seconds' },
      'Lambda.Unknown',
      'Task timed out after 60.00 seconds',
    ],
    ['an error without a cause', { Error: 'States.TaskFailed' }, 'States.TaskFailed', ''],
    ['an error object with neither', {}, 'Unknown', ''],
  ])('records %s: the case FAILED, staff told', async (_what, error, recordedError, recordedCause) => {
    // Given a running case
    await givenRunningCase();
    // When the workflow's Catch hands RecordFailure the whole error
    expect(await recordFailure({ caseId: CASE_ID, error })).toEqual({ status: 'FAILED' });
    // Then
    expect((await getCase(CASE_ID))?.failure).toMatchObject({ error: recordedError, cause: recordedCause });
    expect(failureAlerts()).toHaveLength(1);
  });
});

describe('ExecutionEnded (EventBridge: Step Functions Execution Status Change)', () => {
  it.each([
    [
      'FAILED with a runtime error',
      'FAILED',
      { error: 'States.Runtime', cause: "The JSONPath '$.review.reviewId' could not be found" },
      'States.Runtime',
    ],
    ['TIMED_OUT at the one-year cap', 'TIMED_OUT', {}, 'States.Timeout'],
    ['ABORTED', 'ABORTED', {}, 'ExecutionAborted'],
    [
      'FAILED past the history limit',
      'FAILED',
      { error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (25000).' },
      'States.Runtime',
    ],
  ])('marks the case FAILED and alerts staff once when its execution ended %s', async (_what, status, ended, recordedError) => {
    // Given a running case whose execution ended in a way no Catch sees
    await givenRunningCase();
    // When the event arrives, and again (EventBridge delivers at least once)
    await executionEnded(executionStatusChange(CASE_ID, status, ended));
    await executionEnded(executionStatusChange(CASE_ID, status, ended));
    // Then the case is FAILED with the error, once, and staff were told once
    const record = await getCase(CASE_ID);
    expect(record?.status).toBe('FAILED');
    expect(record?.failure?.error).toBe(recordedError);
    expect(record?.failure?.cause).not.toBe('');
    expect(await failuresRecorded()).toBe(1);
    expect(failureAlerts()).toHaveLength(1);
  });

  it('changes nothing when RecordFailure has already recorded the failure (the execution then ends FAILED too)', async () => {
    // Given a case whose workflow caught its error and recorded it
    await givenRunningCase();
    await recordFailure({ caseId: CASE_ID, error: { Error: 'Lambda.Unknown', Cause: 'out of memory' } });
    // When the execution's end (its Fail state, CaseFailed) arrives
    await executionEnded(executionStatusChange(CASE_ID, 'FAILED', { error: 'CaseFailed', cause: 'The case workflow stopped on an error' }));
    // Then the first record stands, alone
    expect((await getCase(CASE_ID))?.failure?.error).toBe('Lambda.Unknown');
    expect(await failuresRecorded()).toBe(1);
    expect(failureAlerts()).toHaveLength(1);
  });

  it.each([
    ['a success', executionStatusChange(CASE_ID, 'SUCCEEDED')],
    ['an execution that starts', executionStatusChange(CASE_ID, 'RUNNING')],
    ['an execution not named after a case', executionStatusChange('not-a-case', 'FAILED')],
    ['another kind of event', { source: 'aws.ses', 'detail-type': 'Email Bounced', detail: {} }],
  ])('records nothing for %s', async (_what, event) => {
    await givenRunningCase();
    await executionEnded(event);
    expect((await getCase(CASE_ID))?.status).toBe('UNDER_APPEAL');
    expect(failureAlerts()).toHaveLength(0);
  });

  it('leaves a case that ended well alone', async () => {
    // Given a closed case (an abort after the close, say)
    await plant.case(aCase({ status: 'CLOSED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await executionEnded(executionStatusChange(CASE_ID, 'ABORTED'));
    expect((await getCase(CASE_ID))?.status).toBe('CLOSED');
    expect(failureAlerts()).toHaveLength(0);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { deliverExecutionStatusChange, scheduledEvent, startScheduler } from '../../infra/local/eventbridge';
import { executionStatusChangeEvent } from '../../infra/local/stepfunctions/status-event';

describe('local EventBridge schedule', () => {
  it('sends the scheduled event a rule sends', () => {
    const event = scheduledEvent('SweeperSchedule', new Date('2026-03-01T10:00:00.123Z'));
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-03-01T10:00:00Z',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/SweeperSchedule'],
      detail: {},
    });
  });

  it('calls the function again and again, keeps going after a failure, and logs a repeated failure once', async () => {
    // Given a function that fails on its first two runs
    const calls: unknown[] = [];
    const logged: string[] = [];
    const scheduler = startScheduler({
      schedules: [{ name: 'Sweeper', everySeconds: 0.01 }],
      invoke: async (_name, event) => {
        calls.push(event);
        if (calls.length <= 2) throw new Error('table not ready');
      },
      log: (message) => logged.push(message),
    });

    // When it has run a few times
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    await scheduler.stop();
    const afterStop = calls.length;

    // Then it kept running, logged the failure once, and stopped calling
    expect(logged).toEqual(['Scheduled Sweeper failed: Error: table not ready']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.length).toBe(afterStop);
  });
});

describe('local EventBridge rule on Step Functions execution status changes', () => {
  const caseWorkflow = 'arn:aws:states:us-east-1:123456789012:stateMachine:case-workflow';
  const ended = (status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED', stateMachineArn = caseWorkflow) =>
    executionStatusChangeEvent(
      {
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:case-1`,
        stateMachineArn,
        name: 'case-1',
        status,
        startDate: new Date('2026-03-01T10:00:00.123Z'),
        stopDate: new Date('2026-03-01T10:05:00.456Z'),
        input: '{}',
        ...(status === 'SUCCEEDED' ? { output: '{}' } : { error: 'States.Runtime', cause: 'broken' }),
      },
      'us-east-1',
      '123456789012',
    );
  const functions = [
    { name: 'DeliveryEvents', source: 'ses-delivery-events' as const },
    { name: 'ExecutionEnded', source: 'sfn-execution-status' as const },
  ];

  it.each([
    ['FAILED', caseWorkflow, ['ExecutionEnded']],
    ['TIMED_OUT', caseWorkflow, ['ExecutionEnded']],
    ['ABORTED', caseWorkflow, ['ExecutionEnded']],
    ['SUCCEEDED', caseWorkflow, []],
    ['FAILED', 'arn:aws:states:us-east-1:123456789012:stateMachine:another', []],
    // A batch's child execution: its failure fails the parent's task, which the parent records.
    ['FAILED', 'arn:aws:states:us-east-1:123456789012:stateMachine:case-batch', []],
  ] as const)('an execution that ended %s (%s) reaches %j', async (status, stateMachineArn, expected) => {
    const invoked: Array<[string, unknown]> = [];
    const event = ended(status, stateMachineArn);
    await deliverExecutionStatusChange(event, {
      stateMachineArn: caseWorkflow,
      functions,
      invoke: async (name, sent) => invoked.push([name, sent]),
    });
    expect(invoked).toEqual(expected.map((name) => [name, event]));
  });

  it('sends the dates as AWS does: epoch milliseconds, the event time to the second', () => {
    const event = ended('SUCCEEDED');
    expect(event).toMatchObject({
      time: '2026-03-01T10:05:00Z',
      detail: {
        startDate: Date.parse('2026-03-01T10:00:00.123Z'),
        stopDate: Date.parse('2026-03-01T10:05:00.456Z'),
        output: '{}',
        error: null,
      },
    });
    expect(event.detail.outputDetails).toEqual({ included: true });
  });
});

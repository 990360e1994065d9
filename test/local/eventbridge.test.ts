import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverExecutionStatusChange, scheduledEvent, startScheduler } from '../../infra/local/eventbridge';
import { executionStatusChangeEvent } from '../../infra/local/stepfunctions/status-event';

const dirs: string[] = [];
const stateDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ud-eventbridge-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A runtime's scheduler with a one-minute sweeper over `dir`, recording the seconds since `t0` of each run. */
function sweeperOver(dir: string, t0: number, runs: number[], invoke: () => Promise<unknown> = async () => undefined) {
  return startScheduler({
    schedules: [{ name: 'Sweeper', everySeconds: 60 }],
    invoke: () => {
      runs.push((Date.now() - t0) / 1000);
      return invoke();
    },
    log: () => undefined,
    stateDir: dir,
  });
}

/** `kill -9` of the runtime: its timers die with it, and it writes nothing more. */
function kill9(): void {
  const now = Date.now();
  // Clearing the fake timers also winds their clock back to where it started.
  vi.clearAllTimers();
  vi.setSystemTime(now);
}
/** Time passes while the runtime is down: no timer of it can fire. */
const down = (ms: number): void => void vi.setSystemTime(Date.now() + ms);

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
      stateDir: stateDir(),
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

  it('keeps to its schedule when the runtime is killed more often than the interval: the sweeper still runs every minute', async () => {
    // Given a runtime killed after 40 s of each life and down 10 s, six times over (the soak's kills)
    vi.useFakeTimers();
    const dir = stateDir();
    const t0 = Date.now();
    const runs: number[] = [];
    for (let life = 0; life < 6; life += 1) {
      sweeperOver(dir, t0, runs);
      await vi.advanceTimersByTimeAsync(40_000);
      kill9();
      down(10_000);
    }

    // Then the sweeper ran a minute after the first start and every minute after, across the kills
    // (timed from each start instead, it never ran: no life lasted a minute)
    expect(runs).toEqual([60, 120, 180, 240]);
  });

  it('runs at once at start a run that fell due while down, or that a kill cut short, and then keeps the interval', async () => {
    // Given a sweep in progress (its function has not answered) when the runtime is killed
    vi.useFakeTimers();
    const dir = stateDir();
    const t0 = Date.now();
    const runs: number[] = [];
    sweeperOver(dir, t0, runs, () => new Promise(() => undefined));
    await vi.advanceTimersByTimeAsync(60_000);
    kill9();
    down(5_000);

    // When the runtime starts again and runs a while
    const scheduler = sweeperOver(dir, t0, runs);
    await vi.advanceTimersByTimeAsync(61_000);
    await scheduler.stop();

    // Then the cut-short sweep was made again as soon as it started, and the next one a minute later
    expect(runs).toEqual([60, 65, 125]);
  });

  it('runs every schedule at start when its file of next runs cannot be read (a power cut can leave it empty)', async () => {
    // Given a data directory whose file of next runs is empty
    vi.useFakeTimers();
    const dir = stateDir();
    writeFileSync(join(dir, 'schedules.json'), '');
    const runs: number[] = [];

    // When the runtime starts
    const scheduler = sweeperOver(dir, Date.now(), runs);
    await vi.advanceTimersByTimeAsync(0);
    await scheduler.stop();

    // Then the sweep ran at once rather than the start failing or putting it off
    expect(runs).toEqual([0]);
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

import { describe, expect, it, vi } from 'vitest';
import { scheduledEvent, startScheduler } from '../../infra/local/eventbridge';

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

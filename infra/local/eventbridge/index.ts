/**
 * EventBridge on one machine: each scheduled function of the manifest runs every `everySeconds`
 * with the event a schedule rule sends. Runs never overlap: the next one is timed from the end of
 * the last, as a slow sweep must not pile up behind itself.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../lambda';

export { deliverExecutionStatusChange, type ExecutionStatusRule } from './execution-status';

export interface Schedule {
  readonly name: string;
  readonly everySeconds: number;
}

export interface LocalScheduler {
  stop(): Promise<void>;
}

export function scheduledEvent(ruleName: string, at: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

export function startScheduler(options: {
  schedules: readonly Schedule[];
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  log: (message: string) => void;
}): LocalScheduler {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  for (const schedule of options.schedules) {
    let lastFailure = '';
    const run = (): void => {
      const done = options
        .invoke(schedule.name, scheduledEvent(`${schedule.name}Schedule`, new Date()))
        .then(
          () => {
            lastFailure = '';
          },
          (error: unknown) => {
            // A failure that repeats every second (a handler not written yet) is logged once.
            const message = `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
            if (message !== lastFailure) options.log(`Scheduled ${schedule.name} failed: ${message}`);
            lastFailure = message;
          },
        )
        .finally(() => {
          running.delete(done);
          if (!stopped) plan();
        });
      running.add(done);
    };
    const plan = (): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, schedule.everySeconds * 1000);
      timers.add(timer);
    };
    plan();
  }

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}

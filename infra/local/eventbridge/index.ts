/**
 * EventBridge on one machine: each scheduled function of the manifest runs every `everySeconds`
 * with the event a schedule rule sends. Runs never overlap: the next one is timed from the end of
 * the last, as a slow sweep must not pile up behind itself.
 *
 * In the cloud the schedule belongs to EventBridge, which a crash of the functions does not touch.
 * Here it dies with the runtime, so each schedule's next run is kept in the data directory and a
 * start keeps to it: a run that fell due while the runtime was down, or that a `kill -9` cut
 * short, runs at once. Timed from each start instead, a runtime restarted more often than the
 * interval never swept, and the acts whose follow-ups a kill had cut off (a case's workflow never
 * started, an approval never handed to its wait) waited for the sweeper until the restarts
 * stopped (the soak, figure 12).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

/** Each schedule's next run (epoch ms) by name, as the last start or run planned it. */
type DueTimes = Record<string, number>;

/**
 * The next runs kept by an earlier start; `{}` in a new data directory. A file that cannot be read
 * (a power cut can leave it empty) counts as every run due now: an extra sweep does no harm,
 * a missed one leaves a fault unrepaired for longer.
 */
function readDueTimes(file: string, schedules: readonly Schedule[]): DueTimes {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return JSON.parse(text) as DueTimes;
  } catch {
    return Object.fromEntries(schedules.map((schedule) => [schedule.name, 0]));
  }
}

/**
 * Replaces the file whole (a crash leaves the old one or the new one). Not fsync'ed: a write a
 * power cut loses leaves an earlier time, and the next start only runs that schedule sooner.
 */
function writeDueTimes(file: string, due: DueTimes): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(due));
  renameSync(`${file}.tmp`, file);
}

/** `stateDir`: where the schedules' next runs are kept across starts (a folder of DATA_DIR). */
export function startScheduler(options: {
  schedules: readonly Schedule[];
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  log: (message: string) => void;
  stateDir: string;
}): LocalScheduler {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  mkdirSync(options.stateDir, { recursive: true });
  const file = path.join(options.stateDir, 'schedules.json');
  const due = readDueTimes(file, options.schedules);

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
          if (!stopped) plan(Date.now() + schedule.everySeconds * 1000);
        });
      running.add(done);
    };
    // A run's due time stays in the file until it ends and plans the next: a run cut short is still due at the next start.
    const plan = (at: number): void => {
      due[schedule.name] = at;
      writeDueTimes(file, due);
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          run();
        },
        Math.max(0, at - Date.now()),
      );
      timers.add(timer);
    };
    // A new data directory starts the interval now; an interval shorter than the last start's applies at once.
    plan(Math.min(due[schedule.name] ?? Number.POSITIVE_INFINITY, Date.now() + schedule.everySeconds * 1000));
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

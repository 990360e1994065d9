/** What every benchmark figure module exports, and the stack settings they share. */
import path from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../support/local-stack';

export interface FigureResult {
  /** One line for the table. */
  summary: string;
  /** Everything measured, for results/latest.json. */
  details: Record<string, unknown>;
  /** How it was measured, and what to keep in mind reading it. */
  notes?: string[];
  /**
   * Set when the figure found the system wrong, not merely slow (a case lost, a notice sent twice):
   * the table shows the figure FAILED with this message, and its details are kept.
   */
  failure?: string;
}

/** A figure module's export: its name, title and time budget live in `figures.ts`. */
export interface Figure {
  run(): Promise<FigureResult>;
}

/**
 * The Korean profile with no reminders: with its 24-hour deadlines nothing but the path being
 * measured runs during a figure.
 */
export const QUIET_POLICY = { id: 'kr-bench-quiet', reminders: [] } as const;

/**
 * Only the compliance deadline matters: reviews and the grace period are far away and reminders
 * off, so the deadline's enforcement is all that runs after the notice.
 */
export const deadlinePolicy = (id: string, deadlineSeconds: number) => ({
  id,
  complianceDeadline: `PT${deadlineSeconds}S`,
  reminders: [],
  lateComplianceGrace: 'P7D',
  postReviewWindow: 'P7D',
});

/** The sweeper at its cloud period (EventBridge, 60 s), so figures measure the workflow's own timers. */
export const CLOUD_SWEEP = { SWEEP_INTERVAL_SECONDS: '60' } as const;

/**
 * Node options for the runtime under measurement, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
 * see where its time goes (docs/benchmarks.md, "Profiling"); the bench's own process is unaffected.
 */
const RUNTIME_NODE_OPTIONS = process.env.BENCH_RUNTIME_NODE_OPTIONS ?? '';

/** Starts a stack, runs `body`, and always stops the stack; a failed figure's data is kept to be examined. */
export async function withStack<T>(options: LocalStackOptions, body: (stack: LocalStack) => Promise<T>): Promise<T> {
  const stack = await startLocalStack(
    RUNTIME_NODE_OPTIONS === '' ? options : { ...options, env: { ...options.env, NODE_OPTIONS: RUNTIME_NODE_OPTIONS } },
  );
  const keep = (): void => {
    stack.keepDataDir();
    const policyFile = path.join(path.dirname(stack.dataDir), 'policy.json');
    progress(`the failed run's data is kept: DATA_DIR=${stack.dataDir} POLICY_FILE=${policyFile} npm start`);
  };
  try {
    const result = await body(stack);
    // A figure that measured its way to a failure (the soak's checks) answers one rather than throwing.
    if ((result as Partial<FigureResult> | undefined)?.failure !== undefined) keep();
    return result;
  } catch (error) {
    keep();
    throw error;
  } finally {
    await stack.stop();
  }
}

export const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
export const seconds = (valueMs: number): string => (Number.isFinite(valueMs) ? `${(valueMs / 1000).toFixed(1)} s` : 'n/a');

const started = Date.now();
/** A progress line on stderr: the runner shows the last ones when a figure fails or overruns. */
export function progress(message: string): void {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}\n`);
}

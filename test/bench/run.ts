/**
 * `npm run bench`: runs each figure in its own process against its own local stack (127.0.0.1
 * only), prints a table, and writes every figure with the machine's description to
 * test/bench/results/latest.json. It reports; it never fails a build on a number. A figure that
 * fails or overruns its budget shows as failed in the table and the others still run.
 *
 * `npm run bench -- time-to-notice cold-start` runs only the named figures, and merges them into the
 * last run's results (each with its own date and load) rather than replacing them. A figure marked
 * `onlyWhenNamed` (the soak) runs only so, with its own budget outside the whole run's.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURES, type FigureEntry } from './figures';
import { describeMachine } from './lib/machine';
import { previousFigures, previousLine, type PreviousFigure } from './lib/previous';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.resolve(BENCH_DIR, '..', '..');
const RESULTS_FILE = path.join(BENCH_DIR, 'results', 'latest.json');
/** The whole run stays under 10 minutes on the 2-core reference machine. */
const TOTAL_BUDGET_SECONDS = 570;

interface FigureOutcome {
  id: string;
  title: string;
  ok: boolean;
  seconds: number;
  summary?: string;
  details?: Record<string, unknown>;
  notes?: string[];
  error?: string;
}

/** The figure running now, so that Ctrl-C stops it (and its stacks) too: it sits in a process group of its own. */
let current: number | undefined;
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => {
    if (current !== undefined) {
      try {
        process.kill(-current, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    process.exit(130);
  });
}

function runFigure(entry: FigureEntry, budgetSeconds: number): Promise<FigureOutcome> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ud-bench-'));
  const resultFile = path.join(scratch, 'result.json');
  const started = Date.now();
  return new Promise((resolve) => {
    // Its own process group, so an overrun takes the figure and the stack it started down together.
    const child = spawn(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx'), [path.join(BENCH_DIR, 'figure.ts'), entry.id, resultFile], {
      cwd: ROOT_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    current = child.pid;
    let log = '';
    const keep = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let overran = false;
    const signal = (name: NodeJS.Signals): void => {
      try {
        process.kill(-(child.pid as number), name);
      } catch {
        // Already gone.
      }
    };
    let lastResort: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      overran = true;
      // SIGTERM first: the figure then stops the stacks it started, which live in process groups of their own.
      signal('SIGTERM');
      lastResort = setTimeout(() => signal('SIGKILL'), 10_000);
    }, budgetSeconds * 1000);
    child.once('exit', () => {
      clearTimeout(timer);
      clearTimeout(lastResort);
      current = undefined;
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      let outcome: FigureOutcome;
      try {
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<FigureOutcome, 'id' | 'title' | 'seconds'>;
        outcome = { id: entry.id, title: entry.title, seconds, ...result };
      } catch {
        outcome = {
          id: entry.id,
          title: entry.title,
          seconds,
          ok: false,
          error: overran
            ? `Stopped after its budget of ${budgetSeconds} s.\n${log.slice(-4000)}`
            : `The figure's process ended without a result.\n${log.slice(-4000)}`,
        };
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve(outcome);
    });
  });
}

function lastLines(text: string, count: number): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count);
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim().slice(0, 160);
}

/** Each figure, and under it the previous run's, so that a change shows at a glance. */
function printTable(outcomes: readonly FigureOutcome[], previous: ReadonlyMap<string, PreviousFigure>, load: unknown): void {
  const rows = outcomes.flatMap((o) => [
    [o.title, `${o.ok ? (o.summary ?? '') : `FAILED: ${firstLine(o.error ?? '')}`} (load ${String(load)})`, `${o.seconds} s`],
    ['', previousLine(previous.get(o.id)), ''],
  ]);
  const header = ['figure', 'result', 'took'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/**
 * Figures run alone join the last whole run's results instead of replacing them, each stamped with
 * its own date and load, so that the file keeps every figure.
 */
function readLastRun(): { figures?: Record<string, object> } {
  try {
    return JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
  } catch {
    // No earlier run.
    return {};
  }
}

function mergedIntoLastRun(figures: Record<string, object>, machine: ReturnType<typeof describeMachine>): Record<string, unknown> {
  const last = readLastRun();
  const stamped = Object.fromEntries(
    Object.entries(figures).map(([id, figure]) => [
      id,
      { ...figure, measuredAt: machine.date, loadAverage1mAtStart: machine.loadAverage1mAtStart },
    ]),
  );
  return { machine, partial: true, ...last, figures: { ...last.figures, ...stamped } };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = only.filter((id) => !FIGURES.some((f) => f.id === id));
  if (unknown.length > 0) {
    console.error(`Unknown figure(s): ${unknown.join(', ')}. Known: ${FIGURES.map((f) => f.id).join(', ')}`);
    process.exit(2);
  }
  const selected = only.length > 0 ? FIGURES.filter((f) => only.includes(f.id)) : FIGURES.filter((f) => f.onlyWhenNamed !== true);
  const machine = describeMachine();
  const previous = previousFigures(readLastRun());
  console.log(
    `Benchmark on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, load ${machine.loadAverage1mAtStart}`,
  );
  const runStarted = Date.now();
  /** Time taken by figures that run outside the whole run's budget. */
  let outsideBudgetMs = 0;
  const outcomes: FigureOutcome[] = [];
  for (const entry of selected) {
    const outsideBudget = entry.onlyWhenNamed === true;
    const left = TOTAL_BUDGET_SECONDS - (Date.now() - runStarted - outsideBudgetMs) / 1000;
    if (!outsideBudget && left < 10) {
      outcomes.push({
        id: entry.id,
        title: entry.title,
        ok: false,
        seconds: 0,
        error: 'Not run: the whole run reached its 10-minute budget.',
      });
      continue;
    }
    process.stdout.write(`${entry.title} ... `);
    const started = Date.now();
    const outcome = await runFigure(entry, outsideBudget ? entry.budgetSeconds : Math.min(entry.budgetSeconds, Math.floor(left)));
    if (outsideBudget) outsideBudgetMs += Date.now() - started;
    console.log(outcome.ok ? `${outcome.seconds} s` : `FAILED after ${outcome.seconds} s`);
    if (!outcome.ok) console.log(`  ${lastLines(outcome.error ?? '', 12).join('\n  ')}`);
    outcomes.push(outcome);
  }
  console.log('');
  printTable(outcomes, previous, machine.loadAverage1mAtStart);

  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  const figures = Object.fromEntries(outcomes.map(({ id, ...rest }) => [id, rest]));
  const report =
    only.length > 0
      ? mergedIntoLastRun(figures, machine)
      : {
          machine,
          partial: false,
          loadAverage1mAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
          totalSeconds: Math.round((Date.now() - runStarted) / 100) / 10,
          figures,
        };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWritten: ${path.relative(ROOT_DIR, RESULTS_FILE)} (${report.totalSeconds} s)`);
}

await main();

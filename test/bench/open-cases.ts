/**
 * Figure 10, open cases: the runtime's resident memory per open case (filed, approved, its order
 * issued and waiting out its 24-hour deadline), and how long the runtime takes to be ready again
 * with those cases on disk. 10,000 open cases would take most of an hour to file here, so the
 * figure opens a few hundred and extrapolates linearly to 10,000, and says so.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { LocalStack } from '../support/local-stack';
import { CLOUD_SWEEP, ms, progress, QUIET_POLICY, withStack, type Figure, type FigureResult } from './lib/figure';
import { copyOpenCase, engineRestartWith } from './lib/engine-restart';
import { inPool } from './lib/stats';
import { Api, Mailbox, orderId, RUNTIME_RSS_COUNTS, runtimeRss, SEEDED_HOSTS } from './lib/system';

const OPEN_CASES = 200;
const IN_FLIGHT = 20;
const WARM_UP = 10;
/** The goal is stated for this many open cases. */
const GOAL_CASES = 10_000;

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const kib = (bytes: number): number => Math.round(bytes / 1024);

/** Files `count` cases and waits for each one's order notice: each stays open for 24 hours. */
async function openCases(stack: LocalStack, count: number, tag: string): Promise<void> {
  const api = new Api(stack);
  const mailbox = new Mailbox(stack).start();
  try {
    await inPool(
      Array.from({ length: count }, (_, i) => i),
      IN_FLIGHT,
      async (i) => {
        const operator = SEEDED_HOSTS[i % SEEDED_HOSTS.length] as (typeof SEEDED_HOSTS)[number];
        const caseId = await api.fileReport([`https://${operator.domain}/bench/open/${tag}/${i}`]);
        await api.approve(caseId);
        await mailbox.waitForSubject(orderId(caseId, operator.operatorId), 120_000);
      },
    );
  } finally {
    mailbox.stop();
  }
}

/** The runtime's memory once it has settled: the largest of a few samples a second apart. */
async function settledRss(stack: LocalStack): Promise<number> {
  let largest = 0;
  for (let sample = 0; sample < 3; sample += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    largest = Math.max(largest, runtimeRss(stack) ?? 0);
  }
  return largest;
}

/** Stops the runtime cleanly, then times its start on the same DATA_DIR to "ready", and reads its settled memory. */
async function timedRestart(stack: LocalStack): Promise<{ readyMs: number; rss: number }> {
  await stack.stop();
  const started = Date.now();
  await stack.restart();
  const readyMs = Date.now() - started;
  return { readyMs, rss: await settledRss(stack) };
}

export const figure: Figure = {
  run: () =>
    withStack({ policy: QUIET_POLICY, env: CLOUD_SWEEP }, async (stack): Promise<FigureResult> => {
      // A fresh runtime with no case yet: what a restart with open cases on disk is compared with.
      const rssFresh = await settledRss(stack);
      await openCases(stack, WARM_UP, 'warm-up');
      const rssBefore = await settledRss(stack);
      progress(`opening ${OPEN_CASES} cases`);
      const openStarted = Date.now();
      await openCases(stack, OPEN_CASES, 'open');
      const openSeconds = (Date.now() - openStarted) / 1000;
      const rssOpen = await settledRss(stack);
      const perCase = Math.max(0, rssOpen - rssBefore) / OPEN_CASES;

      progress('restarting with the open cases on disk');
      const { readyMs, rss: rssRestarted } = await timedRestart(stack);
      const openAfterRestart = OPEN_CASES + WARM_UP;
      progress(`starting the engine alone with ${GOAL_CASES.toLocaleString('en')} open cases on disk`);
      // A waiting case's files do not change while the runtime runs, and each is replaced whole by a rename.
      const engine = await engineRestartWith(path.join(stack.dataDir, 'stepfunctions'), GOAL_CASES);

      // The whole runtime with as many more open cases' executions on disk: the first start reads
      // every record (their copies are not in the index) and writes the index; the second is timed.
      progress(`restarting the runtime with ${GOAL_CASES.toLocaleString('en')} more open cases on disk`);
      await stack.stop();
      const stepFunctionsDir = path.join(stack.dataDir, 'stepfunctions');
      copyOpenCase(stepFunctionsDir, stepFunctionsDir, GOAL_CASES);
      rmSync(path.join(stepFunctionsDir, 'executions.index'));
      await stack.restart();
      const { readyMs: readyWithManyMs, rss: rssWithMany } = await timedRestart(stack);
      const openWithMany = openAfterRestart + GOAL_CASES;
      const keptPerCaseWithMany = (rssWithMany - rssFresh) / openWithMany;

      const extrapolatedMiB = mib(rssBefore + perCase * GOAL_CASES);
      const keptPerCase = (rssRestarted - rssFresh) / openAfterRestart;
      return {
        summary:
          `${kib(perCase)} KiB RSS per open case (runtime and DynamoDB processes: ${mib(rssBefore)} → ${mib(rssOpen)} MiB over ${OPEN_CASES}); ` +
          `~${extrapolatedMiB} MiB at ${GOAL_CASES.toLocaleString('en')} (extrapolated); ` +
          `ready in ${ms(readyMs)} with ${openAfterRestart} on disk, then ${mib(rssRestarted)} MiB ` +
          `(a fresh runtime: ${mib(rssFresh)} MiB, so ${kib(keptPerCase)} KiB kept per open case); ` +
          `engine alone with ${GOAL_CASES.toLocaleString('en')} on disk: ready in ${ms(engine.fromIndexMs)} from its index ` +
          `(${ms(engine.withoutIndexMs)} reading every record), ${kib(engine.heapPerOpenCaseBytes)} KiB heap per case ` +
          `(${engine.heapPerClosedCaseBytes} bytes per case with as many closed cases instead); ` +
          `the whole runtime with ${openWithMany.toLocaleString('en')} on disk: ready in ${ms(readyWithManyMs)}, then ${mib(rssWithMany)} MiB, ` +
          `${kib(keptPerCaseWithMany)} KiB kept per open case`,
        details: {
          openCases: OPEN_CASES,
          inFlight: IN_FLIGHT,
          openedInSeconds: Math.round(openSeconds * 10) / 10,
          rssMiB: {
            freshStart: mib(rssFresh),
            beforeOpening: mib(rssBefore),
            withOpenCases: mib(rssOpen),
            afterRestart: mib(rssRestarted),
          },
          rssKeptPerOpenCaseKiB: kib(keptPerCase),
          rssPerOpenCaseKiB: kib(perCase),
          extrapolatedRssMiBAt10000: extrapolatedMiB,
          readyAfterRestartMs: readyMs,
          openCasesOnDiskAtRestart: openAfterRestart,
          engineAloneAt10000: engine,
          runtimeWithManyOnDisk: {
            openCasesOnDisk: openWithMany,
            readyAfterRestartMs: readyWithManyMs,
            rssMiB: mib(rssWithMany),
            rssKeptPerOpenCaseKiB: kib(keptPerCaseWithMany),
          },
        },
        notes: [
          `Each case: POST /reports, two approvals, then the workflow to the order's notice; it then waits out its 24-hour deadline (Korean policy, no reminders).`,
          `${RUNTIME_RSS_COUNTS} The largest of three samples a second apart once the cases are open. It includes memory the garbage collector has not yet handed back, so it overstates what the cases keep.`,
          `Per case: the growth over ${OPEN_CASES} cases divided by ${OPEN_CASES}. The ${GOAL_CASES.toLocaleString('en')}-case figure is that slope extrapolated linearly, not measured.`,
          'Kept per open case: the restarted runtime (holding the open cases, none of the work of opening them) less the same runtime freshly started with no case, both settled the same way, divided by the open cases on disk. It can be near zero or negative within the noise: it says what open cases keep, where the slope while opening says how the heap grows under that work.',
          'Ready: from the restart (a fresh process on the same DATA_DIR) to its "ready" line, which it prints once every running execution is loaded and resumed.',
          `Engine alone: one of these open cases' executions (the case workflow's and its order batch's) copied under ${GOAL_CASES.toLocaleString('en')} new case ids into a scratch directory, then a fresh Step Functions engine's load and resume, timed in the bench's process: first with no index (every record read, as a data directory from before the index), then from the index that start wrote. Heap: in use after full collections, with the engine started from the index, less before, per case. Closed cases: the same copies marked as ended (SUCCEEDED, their threads gone), started the same way in a directory of their own. It measures the engine's part of a start, not DynamoDB's or the handlers'.`,
          `The whole runtime with ${GOAL_CASES.toLocaleString('en')} more: the same copies written into the stopped runtime's own engine directory (their cases are not in DynamoDB; nothing reads them before their deadlines, 24 hours away), its index removed so that the next start reads every record and writes it; that start is not timed, the one after it is (ready), and its memory is settled as above. Kept per open case: that memory less the fresh runtime's, divided by every open case on disk.`,
        ],
      };
    }),
};

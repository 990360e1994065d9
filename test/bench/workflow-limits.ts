/**
 * Figure 10, the workflow against AWS's limits: the largest case the API accepts (1,000 URLs over
 * 1,000 parties: 1,000 orders, every one late, every one appealed, every appeal's review escalated
 * before staff decide it), the history event count of its execution and of its largest batch's
 * child execution, and its largest state payload, beside AWS's quotas for a Standard execution
 * (25,000 events, 262,144 bytes).
 *
 * Measured on the project's local engine with scripted tasks (test/statemachine/largest-case.ts)
 * at one, two and three batches of 40 orders; every batch walks the same path, so the case's
 * history and the payload grow by the same amount per batch, and 1,000 orders (25 batches) are
 * projected from the first two, the third checking the projection. A child holds one batch of at
 * most 40 items whatever the case's size, so the largest child's history is measured, not
 * projected. The projection keeps the figure to seconds; a whole 1,000-order run takes far longer.
 */
import { INLINE_MAP_CONCURRENCY } from '../../shared/domain/batches';
import { AWS_LIMITS, type LargeCaseRun, runLargeCase } from '../statemachine/largest-case';
import { progress, type Figure, type FigureResult } from './lib/figure';

const LARGEST_CASE_ORDERS = 1000;

const perBatch = (one: number, two: number) => ({ fixed: 2 * one - two, perBatch: two - one });
const at = (line: { fixed: number; perBatch: number }, batches: number) => line.fixed + line.perBatch * batches;

export const figure: Figure = {
  async run(): Promise<FigureResult> {
    const runs: LargeCaseRun[] = [];
    for (const batches of [1, 2, 3]) {
      const run = await runLargeCase(batches * INLINE_MAP_CONCURRENCY);
      if (run.status !== 'SUCCEEDED') throw new Error(`The case of ${run.orders} orders ended ${run.status}.`);
      progress(
        `${run.orders} orders: ${run.historyEvents} events (largest child ${run.largestChildHistoryEvents}), largest payload ${run.largestPayloadBytes} bytes (${run.seconds} s)`,
      );
      runs.push(run);
    }
    const [one, two, three] = runs as [LargeCaseRun, LargeCaseRun, LargeCaseRun];
    const history = perBatch(one.historyEvents, two.historyEvents);
    const payload = perBatch(one.largestPayloadBytes, two.largestPayloadBytes);
    const batches = Math.ceil(LARGEST_CASE_ORDERS / INLINE_MAP_CONCURRENCY);
    const largestChildHistoryEvents = Math.max(...runs.map((run) => run.largestChildHistoryEvents));
    const projected = { historyEvents: at(history, batches), largestChildHistoryEvents, largestPayloadBytes: at(payload, batches) };
    const withinHistory = Math.floor((AWS_LIMITS.historyEvents - history.fixed) / history.perBatch) * INLINE_MAP_CONCURRENCY;
    return {
      summary: `1,000 orders, all late, appealed, escalated: ${projected.historyEvents.toLocaleString('en')} history events, the largest batch's child ${largestChildHistoryEvents.toLocaleString('en')} (AWS: ${AWS_LIMITS.historyEvents.toLocaleString('en')}), largest payload ${projected.largestPayloadBytes.toLocaleString('en')} bytes (AWS: ${AWS_LIMITS.payloadBytes.toLocaleString('en')})`,
      details: {
        largestCase: { orders: LARGEST_CASE_ORDERS, batches, ...projected },
        awsLimits: AWS_LIMITS,
        measured: runs,
        historyPerBatchOf40: history.perBatch,
        projectionCheck: { orders: three.orders, projectedEvents: at(history, 3), measuredEvents: three.historyEvents },
        mostOrdersWithinHistoryLimit: withinHistory,
      },
      notes: [
        'Scripted tasks on the local engine: every order late (notice, compliance wait, enforcement, late-compliance wait, grace end), appealed, its review extended, escalated and decided by staff; no retries.',
        "The case's history projected to 25 batches from one and two batches of 40 orders (each batch walks the same path); the third batch checks the projection.",
        `Each batch of 40 orders or appeals runs as a child execution (states:startExecution.sync:2): about ${history.perBatch} events of the case's history per batch of 40 appealed orders (its order batch and its appeal batch), up to about ${withinHistory.toLocaleString('en')} such orders within 25,000; a child's history is bounded by its 40 items.`,
      ],
    };
  },
};

/**
 * The largest case's shape (test/statemachine/largest-case.ts) at 41 orders, the fewest that
 * need two batches: every order late, every order appealed, every appeal's review escalated
 * before staff decide it, on the project's local engine. Every appeal's review is open at once
 * (AWS runs at most 40 iterations of an inline Map at once), and the execution stays far below
 * AWS's payload limit; each batch runs as a child execution, so the case's history grows by a
 * few events per batch and each child's is bounded by its 40 items (no recheck loop that grows
 * while a review waits for staff). `npm run bench -- workflow-limits` projects the same to 1,000 orders.
 */
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS, runLargeCase } from './largest-case';

/** One more than AWS runs at once in an inline Map: two batches. */
const ORDERS = 41;
/** Two batches of orders and two of appeals. */
const CHILD_EXECUTIONS = 4;
/** "Far below": an eighth of the limit. */
const PAYLOAD_BUDGET = AWS_LIMITS.payloadBytes / 8;
/**
 * An order's late life (notice, compliance wait, enforcement, late-compliance wait, grace end:
 * about 35 events) and its appeal's escalated review (opened, two deadlines, the staff decision:
 * about 45): a bound per item in a child, so a loop that grew the history would show.
 */
const EVENTS_PER_ITEM = 50;
/** A batch in the case's history: its Map iteration and its child's start, run and end. */
const CASE_EVENTS_PER_BATCH = 12;
/** The case's own states around its batches: approval, reviews, the appeal window, fines, closing. */
const CASE_EVENTS_BESIDE_BATCHES = 150;

describe('the largest case, every order late, appealed and escalated', () => {
  it('opens every appeal review at once, and stays within AWS payload and history limits', async () => {
    // When a case of 41 orders runs its whole course
    const run = await runLargeCase(ORDERS);
    console.info(
      `largest-case: ${ORDERS} orders, ${run.historyEvents} history events (largest child ${run.largestChildHistoryEvents}), largest payload ${run.largestPayloadBytes} bytes at ${run.largestPayloadState}`,
    );
    // Then it succeeded, every order waited for compliance and every appeal's review was open at once
    expect(run.status).toBe('SUCCEEDED');
    expect(run.ordersWaitingAtOnce).toBe(ORDERS);
    expect(run.appealReviewsOpenAtOnce).toBe(ORDERS);
    // and no state came near 256 KB
    expect(run.largestPayloadBytes).toBeLessThan(PAYLOAD_BUDGET);
    // and each batch ran as a child execution: the case's history grows per batch, not per item
    expect(run.childExecutions).toBe(CHILD_EXECUTIONS);
    expect(run.historyEvents).toBeLessThan(CASE_EVENTS_BESIDE_BATCHES + CASE_EVENTS_PER_BATCH * CHILD_EXECUTIONS);
    // and a child's history is bounded by its 40 items, far below 25,000 events
    expect(run.largestChildHistoryEvents).toBeLessThan(EVENTS_PER_ITEM * 40);
    expect(run.largestChildHistoryEvents).toBeLessThan(AWS_LIMITS.historyEvents);
  }, 180_000);
});

/**
 * The largest case's shape (test/statemachine/largest-case.ts) at 41 orders, the fewest that
 * need two batches: every order late, every order appealed, every appeal's review escalated
 * before staff decide it, on the project's local engine. Every appeal's review is open at once
 * (AWS runs at most 40 iterations of an inline Map at once), and the execution stays far below
 * AWS's payload limit, with a history bounded per order (no recheck loop that grows while a
 * review waits for staff). `npm run bench -- workflow-limits` projects the same to 1,000 orders.
 */
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS, runLargeCase } from './largest-case';

/** One more than AWS runs at once in an inline Map: two batches. */
const ORDERS = 41;
/** "Far below": an eighth of the limit. */
const PAYLOAD_BUDGET = AWS_LIMITS.payloadBytes / 8;
/**
 * An order's late life (notice, compliance wait, enforcement, late-compliance wait, grace end:
 * about 35 events) and its appeal's escalated review (opened, two deadlines, the staff decision:
 * about 45): a bound per order, so a loop that grew the history would show.
 */
const EVENTS_PER_APPEALED_ORDER = 90;

describe('the largest case, every order late, appealed and escalated', () => {
  it('opens every appeal review at once, and stays within AWS payload and history limits', async () => {
    // When a case of 41 orders runs its whole course
    const run = await runLargeCase(ORDERS);
    console.info(
      `largest-case: ${ORDERS} orders, ${run.historyEvents} history events, largest payload ${run.largestPayloadBytes} bytes at ${run.largestPayloadState}`,
    );
    // Then it succeeded, every order waited for compliance and every appeal's review was open at once
    expect(run.status).toBe('SUCCEEDED');
    expect(run.ordersWaitingAtOnce).toBe(ORDERS);
    expect(run.appealReviewsOpenAtOnce).toBe(ORDERS);
    // and no state came near 256 KB, and the history is bounded per order, far below 25,000 events
    expect(run.largestPayloadBytes).toBeLessThan(PAYLOAD_BUDGET);
    expect(run.historyEvents).toBeLessThan(EVENTS_PER_APPEALED_ORDER * ORDERS);
    expect(run.historyEvents).toBeLessThan(AWS_LIMITS.historyEvents);
  }, 180_000);
});

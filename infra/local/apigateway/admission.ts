/**
 * Admission control for the one-machine runtime: while its workflows are behind, the routes that
 * bring new cases answer 503 with Retry-After instead of taking work it cannot do in time. The
 * cloud scales its Lambdas instead (and throttles the stage); one machine has two cores, and
 * without a bound it took every report and sent notices minutes late, each deadline behind them
 * late too (docs/benchmarks.md, "The full soak again").
 *
 * Only intake is refused. An act on a case already taken (an approval, an acknowledgement, a
 * compliance report, a vote) is always served: its time may start or stop a deadline, and the
 * work it adds is the work the system owes.
 */
import type { Backlog } from '../lambda';

/** A report filed by a reporter or staff, and a case referred by a partner regulator. */
export const INTAKE_ROUTES: ReadonlySet<string> = new Set(['POST /reports', 'POST /partners/referrals']);

/** Retry-After's cap: a client told to wait longer might as well be told the system is down. */
const MOST_RETRY_AFTER_SECONDS = 60;

export interface IntakeRefusal {
  readonly retryAfterSeconds: number;
  readonly message: string;
}

/**
 * Refuses intake while the first task in line has waited longer than `maxWaitMs`. The client is
 * asked to wait as long as that task has: a backlog takes about as long to clear as it took to
 * build, and a shorter answer would bring the same request back into the same queue.
 */
export function intakeRefusal(backlog: Backlog, maxWaitMs: number): IntakeRefusal | undefined {
  if (backlog.oldestWaitMs <= maxWaitMs) return undefined;
  const waitedSeconds = Math.ceil(backlog.oldestWaitMs / 1000);
  const retryAfterSeconds = Math.min(MOST_RETRY_AFTER_SECONDS, Math.max(1, waitedSeconds));
  return {
    retryAfterSeconds,
    message:
      `The system is behind on the cases it has taken (${backlog.waiting} workflow tasks waiting, the first for ${waitedSeconds} s), ` +
      `so it takes no new case now. Nothing was filed: send the same request again in ${retryAfterSeconds} s ` +
      '(a report with the same Idempotency-Key, or a referral with the same referralId, is never filed twice).',
  };
}

/**
 * Figure 2, deadline lateness: how long after an order's `deadlineAt` its status turns OVERDUE,
 * read from the order's own `overdueAt`. Twice: 200 orders whose few-second deadlines fall while
 * the system runs, and 200 whose deadlines fall while it is down after a `kill -9` (lateness
 * counted from the restart, since nothing can act while the process is gone).
 */
import type { OrderRecord } from '../../shared/domain/model';
import type { LocalStack } from '../support/local-stack';
import { CLOUD_SWEEP, deadlinePolicy, ms, progress, withStack, type Figure, type FigureResult } from './lib/figure';
import { caseTaskRuns } from './lib/history';
import { distribution, inPool, sleep, waitFor } from './lib/stats';
import { Api, StepFunctions, Table } from './lib/system';

const ORDERS = 200;
/** Two operators per case: one order each. */
const CASE_URLS = ['https://webhard.example/bench/deadline', 'https://social.example/bench/deadline'];
const CASES = ORDERS / CASE_URLS.length;
const IN_FLIGHT = 10;
/**
 * Long enough that the 200 order notices are out before the deadlines fall (a burst of 200 takes
 * several seconds here: figure 1), so the figure measures enforcement, not the notice backlog;
 * `noticesSentAfterDeadline` says whether that held.
 */
const LIVE_DEADLINE_SECONDS = 20;
/** Long enough for the 100 second approvals and the 200 notices before the crash, on a slow machine too. */
const DOWN_DEADLINE_SECONDS = 40;

const policy = (deadlineSeconds: number) => deadlinePolicy('kr-bench-deadlines', deadlineSeconds);

/**
 * Files the cases and gives each its first approval, then gives all the second: the deadlines
 * start at the second approval, so they fall close together (a surge), and the down phase's
 * deadline need not cover the time it takes to file 100 reports.
 */
async function issueOrders(stack: LocalStack, tag: string): Promise<void> {
  const api = new Api(stack);
  const caseIds = await inPool(
    Array.from({ length: CASES }, (_, i) => i),
    IN_FLIGHT,
    async (i) => {
      const caseId = await api.fileReport(CASE_URLS.map((url) => `${url}/${tag}/${i}`));
      await api.approve(caseId, ['staff-lee']);
      return caseId;
    },
  );
  await inPool(caseIds, IN_FLIGHT, (caseId) => api.approve(caseId, ['staff-park']));
}

async function ordersWhere(table: Table, done: (order: OrderRecord) => boolean, what: string, timeoutMs: number): Promise<OrderRecord[]> {
  return waitFor(
    what,
    async () => {
      const orders = await table.allOrders();
      return orders.length >= ORDERS && orders.every(done) ? orders : undefined;
    },
    timeoutMs,
    500,
  );
}

const overdue = (order: OrderRecord): boolean => order.overdueAt !== undefined;
const toldOverdue = (order: OrderRecord): boolean => order.notices.some((notice) => notice.kind === 'OVERDUE');

/** Every order this figure measures had its notice accepted, so its clock runs. */
function deadlineMs(order: OrderRecord): number {
  if (order.deadlineAt === undefined) throw new Error(`Order ${order.orderId} has no deadline: its notice was never accepted.`);
  return Date.parse(order.deadlineAt);
}

/**
 * Each order's EnforceDeadline task as the execution histories tell it: the compliance wait's
 * timeout, and when the task that marked the order OVERDUE returned, its act committed and the
 * operator and staff told (its follow-ups). `overdueAt` is the instant that task began, so it
 * says when the system decided, and `toldAt` when that decision was on disk and its e-mails out.
 */
async function enforcementsOf(sfn: StepFunctions, orders: readonly OrderRecord[]) {
  const found = new Map<string, { timedOutAt: number | undefined; toldAt: number | undefined }>();
  for (const caseId of new Set(orders.map((order) => order.caseId))) {
    // The compliance waits and the enforcements run in the case's batch child executions.
    const runs = caseTaskRuns(await sfn.caseHistories(caseId));
    for (const order of orders.filter((o) => o.caseId === caseId)) {
      const wait = runs.find((run) => (run.payload as { purpose?: string })?.purpose === `COMPLIANCE#${order.orderId}`);
      const enforced = runs.filter(
        (run) =>
          run.functionName.endsWith('EnforceDeadline') && (run.payload as { orderId?: string })?.orderId === order.orderId && !run.failed,
      );
      found.set(order.orderId, {
        timedOutAt: wait?.closedBy === 'TaskTimedOut' ? wait.closedAt : undefined,
        toldAt: enforced.at(-1)?.endedAt,
      });
    }
  }
  return found;
}

/**
 * Splits lateness in two with the execution histories: the compliance wait's timeout firing after
 * the deadline (the timer), and the enforcement handler's write after that (the handler); and how
 * long after the deadline the enforcement was done, its e-mails sent.
 */
async function whereLatenessComesFrom(sfn: StepFunctions, orders: readonly OrderRecord[]) {
  const enforcements = await enforcementsOf(sfn, orders);
  const timerMs: number[] = [];
  const handlerMs: number[] = [];
  const toldMs: number[] = [];
  let enforcedOtherwise = 0;
  for (const order of orders) {
    const { timedOutAt, toldAt } = enforcements.get(order.orderId) ?? {};
    if (toldAt !== undefined) toldMs.push(toldAt - deadlineMs(order));
    if (timedOutAt === undefined) {
      enforcedOtherwise += 1;
      continue;
    }
    timerMs.push(timedOutAt - deadlineMs(order));
    handlerMs.push(Date.parse(order.overdueAt as string) - timedOutAt);
  }
  return {
    timerFiredAfterDeadlineMs: distribution(timerMs),
    enforcementAfterTimerMs: distribution(handlerMs),
    toldAfterDeadlineMs: distribution(toldMs),
    enforcedOtherwise,
  };
}

export const figure: Figure = {
  run: async (): Promise<FigureResult> => {
    const live = await withStack({ policy: policy(LIVE_DEADLINE_SECONDS), env: CLOUD_SWEEP }, async (stack) => {
      const table = new Table(stack);
      await issueOrders(stack, 'live');
      progress(`live: ${ORDERS} orders issued`);
      const orders = await ordersWhere(table, overdue, `${ORDERS} orders to turn OVERDUE`, 90_000);
      return {
        lateness: distribution(orders.map((order) => Date.parse(order.overdueAt as string) - deadlineMs(order))),
        noticesSentAfterDeadline: orders.filter((order) =>
          order.notices.some((notice) => notice.kind === 'ORDER' && Date.parse(notice.sentAt) > deadlineMs(order)),
        ).length,
        ...(await whereLatenessComesFrom(new StepFunctions(stack), orders)),
      };
    });

    const down = await withStack({ policy: policy(DOWN_DEADLINE_SECONDS), env: CLOUD_SWEEP }, async (stack) => {
      const table = new Table(stack);
      await issueOrders(stack, 'down');
      progress(`down: ${ORDERS} orders issued`);
      // Every order written and noticed (its execution waits on the compliance token) before the crash.
      const before = await ordersWhere(table, (order) => order.notices.some((n) => n.kind === 'ORDER'), `${ORDERS} order notices`, 120_000);
      const killedAt = Date.now();
      await stack.kill9();
      progress('down: killed');
      const lastDeadline = Math.max(...before.map((order) => deadlineMs(order)));
      // Down until every deadline has passed.
      await sleep(Math.max(0, lastDeadline + 2_000 - Date.now()));
      const downMs = Date.now() - killedAt;
      const restartedAt = Date.now();
      await stack.restart();
      const readyMs = Date.now() - restartedAt;
      progress(`down: ready again after ${readyMs} ms`);
      const after = await ordersWhere(table, overdue, `${ORDERS} orders to turn OVERDUE after the restart`, 120_000);
      const fellWhileDown = after.filter((order) => deadlineMs(order) > killedAt);
      // The operators' overdue notices on record first (the table, read anyway), so that the
      // histories are read once the enforcements are nearly all done, not polled beside them.
      await ordersWhere(table, (order) => !overdue(order) || toldOverdue(order), `the ${ORDERS} overdue notices`, 60_000);
      const enforcements = await waitFor(
        `the ${fellWhileDown.length} enforcements to return`,
        async () => {
          const found = await enforcementsOf(new StepFunctions(stack), fellWhileDown);
          return [...found.values()].every((enforcement) => enforcement.toldAt !== undefined) ? found : undefined;
        },
        60_000,
        1_000,
      );
      const ready = restartedAt + readyMs;
      return {
        fromRestartMs: distribution(fellWhileDown.map((order) => Date.parse(order.overdueAt as string) - restartedAt)),
        fromReadyMs: distribution(fellWhileDown.map((order) => Date.parse(order.overdueAt as string) - ready)),
        toldFromReadyMs: distribution(fellWhileDown.map((order) => (enforcements.get(order.orderId)?.toldAt ?? Number.NaN) - ready)),
        deadlinesBeforeCrash: after.length - fellWhileDown.length,
        downSeconds: Math.round(downMs / 100) / 10,
        restartToReadyMs: readyMs,
      };
    }).catch((error: unknown) => ({ error: (error as Error).message }));

    return {
      summary:
        `running: p50 ${ms(live.lateness.p50)}, p99 ${ms(live.lateness.p99)} after the deadline, told p99 ${ms(live.toldAfterDeadlineMs.p99)}; ` +
        ('error' in down
          ? `down: FAILED (${down.error})`
          : `down: p50 ${ms(down.fromRestartMs.p50)}, p99 ${ms(down.fromRestartMs.p99)} after the restart, told p99 ${ms(down.toldFromReadyMs.p99)} after ready`),
      details: {
        orders: ORDERS,
        liveDeadlineSeconds: LIVE_DEADLINE_SECONDS,
        liveMs: live,
        downDeadlineSeconds: DOWN_DEADLINE_SECONDS,
        down,
      },
      notes: [
        "Lateness = the order's overdueAt minus its deadlineAt, both written by the system; the bench only reads them.",
        `Down: all ${ORDERS} orders issued, then kill -9 (no clean stop), restart after every deadline has passed; lateness from the moment the restart began (fromRestartMs) and from its "ready" line (fromReadyMs, negative when enforced before ready).`,
        "liveMs.timerFiredAfterDeadlineMs: the compliance wait's TaskTimedOut in the history minus deadlineAt; enforcementAfterTimerMs: overdueAt minus that TaskTimedOut; enforcedOtherwise: orders whose wait did not time out (the sweeper got there first).",
        'overdueAt is stamped when the EnforceDeadline task begins (when the system decided); told: when that task returned, its event committed and the operator and staff e-mailed (its TaskSucceeded in the history): liveMs.toldAfterDeadlineMs, down.toldFromReadyMs.',
        "Sweeper at its cloud period (60 s): the figure measures the workflow's own timers, not the safety net.",
      ],
    };
  },
};

/**
 * Figure 1, time to notice: from the approval that completes the urgent track to the order's
 * notice in the SES emulator's store, for 200 cases with 20 in flight. Both ends are the system's
 * own records (the approval's `at` on the case, the notice's `sentAt` on the order, written right
 * after SES accepted the e-mail), so the bench's polling adds nothing to the figure. Then 20 more
 * cases one at a time: the same latency with nothing in flight beside it.
 */
import { CLOUD_SWEEP, ms, progress, QUIET_POLICY, seconds, withStack, type Figure, type FigureResult } from './lib/figure';
import { noticePath, type NoticePath } from './lib/history';
import { distribution, inPool } from './lib/stats';
import { Api, lastApprovalAt, Mailbox, orderId, orderNoticeSentAt, StepFunctions, Table, SEEDED_HOSTS } from './lib/system';

const CASES = 200;
const IN_FLIGHT = 20;
/** Cases run one after another, after the others: the latency without contention. */
const ALONE = 20;
const WARM_UP = 5;
const HISTORY_READS_AT_ONCE = 8;

export const figure: Figure = {
  run: () =>
    withStack({ policy: QUIET_POLICY, env: CLOUD_SWEEP }, async (stack): Promise<FigureResult> => {
      const api = new Api(stack);
      const table = new Table(stack);
      const sfn = new StepFunctions(stack);
      const mailbox = new Mailbox(stack).start();
      try {
        const oneCase = async (index: number): Promise<{ caseId: string; orderId: string; clientMs: number }> => {
          const operator = SEEDED_HOSTS[index % SEEDED_HOSTS.length] as (typeof SEEDED_HOSTS)[number];
          const caseId = await api.fileReport([`https://${operator.domain}/bench/notice/${index}`]);
          const id = orderId(caseId, operator.operatorId);
          await api.approve(caseId);
          const approvedAt = Date.now();
          const email = await mailbox.waitForSubject(id, 60_000);
          return { caseId, orderId: id, clientMs: email.seenAt - approvedAt };
        };
        // The first cases load every handler module: Lambda's cold starts are figure 7's business.
        await inPool(
          Array.from({ length: WARM_UP }, (_, i) => i),
          WARM_UP,
          (i) => oneCase(CASES + i),
        );

        const started = Date.now();
        const runs = await inPool(
          Array.from({ length: CASES }, (_, i) => i),
          IN_FLIGHT,
          oneCase,
        );
        const wallMs = Date.now() - started;
        progress(`${CASES} cases, ${IN_FLIGHT} in flight, in ${seconds(wallMs)}`);
        const alone = await inPool(
          Array.from({ length: ALONE }, (_, i) => CASES + WARM_UP + i),
          1,
          oneCase,
        );
        progress(`${ALONE} cases one at a time`);

        const storeLag: number[] = [];
        /** The case's last approval and its order notice's acceptance, as the system recorded them. */
        const recordedTimes = async (run: { caseId: string; orderId: string }): Promise<{ approvedAt: number; sentAt: number }> => {
          const record = await table.caseRecord(run.caseId);
          const order = (await table.ordersOf(run.caseId)).find((o) => o.orderId === run.orderId);
          const sentAt = order && orderNoticeSentAt(order);
          if (!record || sentAt === undefined) throw new Error(`Case ${run.caseId} has no recorded order notice.`);
          return { approvedAt: lastApprovalAt(record), sentAt };
        };
        /** A run with its times and where they went, from the histories of the case and of its orders' batch. */
        const timed = async (run: { caseId: string; orderId: string }) => {
          const histories = await sfn.caseHistories(run.caseId);
          const { approvedAt, sentAt } = await recordedTimes(run);
          const path = noticePath(histories, run.orderId, approvedAt, sentAt);
          if (!path)
            throw new Error(`The histories of case ${run.caseId} lack a step of its order notice's path, though the notice was sent.`);
          return { ...run, latency: sentAt - approvedAt, sentAt, path };
        };
        // Read after the cases, a few at a time: reading is not part of any time measured.
        const measured = await inPool(runs, HISTORY_READS_AT_ONCE, timed);
        const measuredAlone = await inPool(alone, HISTORY_READS_AT_ONCE, timed);
        for (const run of measured) {
          const email = mailbox.emails.find((e) => e.subject.includes(run.orderId));
          // The store stamps whole seconds: the notice may be stamped up to 1 s before sentAt, never after.
          if (email) storeLag.push(email.storeAtSeconds * 1000 - run.sentAt);
        }
        const server = distribution(measured.map((run) => run.latency));
        const client = distribution(runs.map((run) => run.clientMs));
        const serverAlone = distribution(measuredAlone.map((run) => run.latency));
        return {
          summary: `p50 ${ms(server.p50)}, p95 ${ms(server.p95)}, p99 ${ms(server.p99)} (${CASES} cases, ${IN_FLIGHT} in flight); alone p50 ${ms(serverAlone.p50)}, p99 ${ms(serverAlone.p99)}`,
          details: {
            cases: CASES,
            inFlight: IN_FLIGHT,
            admissionRefusals: api.admissionRefusals,
            serverMs: server,
            casesAlone: ALONE,
            serverAloneMs: serverAlone,
            observedByClientMs: client,
            storeStampMinusSentAtMs: distribution(storeLag),
            breakdownMs: breakdownOf(measured.map((run) => run.path)),
            breakdownAloneMs: breakdownOf(measuredAlone.map((run) => run.path)),
            wallSeconds: Math.round(wallMs / 100) / 10,
            casesPerSecond: Math.round((CASES / (wallMs / 1000)) * 100) / 100,
          },
          notes: [
            'serverMs: order notice sentAt (recorded right after SES accepted the e-mail) minus the completing approval at, both written by the system.',
            'observedByClientMs: from the approval response to the e-mail appearing in the emulator store, seen by a 50 ms tail: an upper bound.',
            'serverAloneMs: the same as serverMs for cases filed one at a time after the others, nothing else in flight.',
            "breakdownMs, from the histories of the case's execution and of the child execution that runs its order's batch, each part from where the one before ended: approvalToWorkflow = the approval wait's TaskSucceeded minus the approval's at (the API handler's write, then SendTaskSuccess); issueOrders = until IssueOrders returned; toChildStart = until the case scheduled the batch's startExecution.sync (Parallel and Map entered); childStart = until the child's ExecutionStarted; listBatch = until the child's ListBatch returned; waitForNoticeTask = until SendOrderNotice started; sendOrderNotice = until the notice was recorded sent.",
            'breakdownAloneMs: the same parts for the cases one at a time: where the time of one case goes when nothing queues.',
            `Policy: Korean profile, 24 h deadlines, no reminders; sweeper at 60 s; ${WARM_UP} warm-up cases not counted.`,
          ],
        };
      } finally {
        mailbox.stop();
      }
    }),
};

/** Each part of the notice's path over the runs: p50, p95, p99 and the rest. */
function breakdownOf(paths: readonly NoticePath[]) {
  return Object.fromEntries(
    (Object.keys(paths[0] ?? {}) as (keyof NoticePath)[]).map((part) => [part, distribution(paths.map((path) => path[part]))]),
  );
}

/**
 * Figure 5, throughput: cases carried from report to order issued (the operator's notice in the
 * SES store) per second, with 20 cases in flight for 60 s, and the runtime's resident memory at
 * the start and the end (and its peak, sampled every second).
 */
import { CLOUD_SWEEP, ms, QUIET_POLICY, withStack, type Figure, type FigureResult } from './lib/figure';
import { distribution, inPool } from './lib/stats';
import { Api, Mailbox, orderId, RUNTIME_RSS_COUNTS, runtimeCpuMs, runtimeRss, SEEDED_HOSTS } from './lib/system';

const WINDOW_SECONDS = 60;
const IN_FLIGHT = 20;
const BUCKET_SECONDS = 10;
const WARM_UP = 5;

const mib = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : Math.round((bytes / 2 ** 20) * 10) / 10);

export const figure: Figure = {
  run: () =>
    withStack({ policy: QUIET_POLICY, env: CLOUD_SWEEP }, async (stack): Promise<FigureResult> => {
      const api = new Api(stack);
      const mailbox = new Mailbox(stack).start();
      try {
        let counter = 0;
        const oneCase = async (): Promise<{ startedAt: number; doneAt: number }> => {
          counter += 1;
          const operator = SEEDED_HOSTS[counter % SEEDED_HOSTS.length] as (typeof SEEDED_HOSTS)[number];
          const startedAt = Date.now();
          const caseId = await api.fileReport([`https://${operator.domain}/bench/throughput/${counter}`]);
          await api.approve(caseId);
          const email = await mailbox.waitForSubject(orderId(caseId, operator.operatorId), 60_000);
          return { startedAt, doneAt: email.seenAt };
        };
        await inPool(
          Array.from({ length: WARM_UP }, (_, i) => i),
          WARM_UP,
          () => oneCase(),
        );

        const rssStart = runtimeRss(stack);
        const cpuStart = runtimeCpuMs(stack);
        let rssPeak = rssStart ?? 0;
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, runtimeRss(stack) ?? 0)), 1000);
        const windowStart = Date.now();
        const windowEnd = windowStart + WINDOW_SECONDS * 1000;
        const done: { startedAt: number; doneAt: number }[] = [];
        const failures: string[] = [];
        // Each worker starts cases until the window closes; the last ones finish after it and are not counted.
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (Date.now() < windowEnd) {
              try {
                done.push(await oneCase());
              } catch (error) {
                failures.push((error as Error).message);
              }
            }
          }),
        );
        clearInterval(sampler);
        const rssEnd = runtimeRss(stack);
        const cpuEnd = runtimeCpuMs(stack);

        const inWindow = done.filter((c) => c.doneAt <= windowEnd);
        const perSecond = Math.round((inWindow.length / WINDOW_SECONDS) * 100) / 100;
        const buckets = Array.from({ length: WINDOW_SECONDS / BUCKET_SECONDS }, (_, i) => {
          const from = windowStart + i * BUCKET_SECONDS * 1000;
          return (
            Math.round(
              (inWindow.filter((c) => c.doneAt > from && c.doneAt <= from + BUCKET_SECONDS * 1000).length / BUCKET_SECONDS) * 100,
            ) / 100
          );
        });
        const latency = distribution(done.map((c) => c.doneAt - c.startedAt));
        const cpuMsPerCase =
          cpuStart === undefined || cpuEnd === undefined || inWindow.length === 0
            ? undefined
            : {
                runtime: Math.round((cpuEnd.runtime - cpuStart.runtime) / inWindow.length),
                dynamoDb: Math.round((cpuEnd.dynamoDb - cpuStart.dynamoDb) / inWindow.length),
              };
        return {
          summary:
            `${perSecond} cases/s over ${WINDOW_SECONDS} s (10 s buckets ${Math.min(...buckets)}–${Math.max(...buckets)}); ` +
            `RSS ${mib(rssStart)} → ${mib(rssEnd)} MiB (runtime and DynamoDB processes)` +
            (cpuMsPerCase === undefined ? '' : `; CPU a case: runtime ${cpuMsPerCase.runtime} ms, DynamoDB ${cpuMsPerCase.dynamoDb} ms`),
          details: {
            windowSeconds: WINDOW_SECONDS,
            inFlight: IN_FLIGHT,
            casesCompletedInWindow: inWindow.length,
            casesPerSecond: perSecond,
            perBucketCasesPerSecond: buckets,
            reportToNoticeMs: latency,
            failures: failures.length,
            admissionRefusals: api.admissionRefusals,
            firstFailure: failures[0],
            rssMiB: { start: mib(rssStart), end: mib(rssEnd), peak: mib(rssPeak) },
            cpuMsPerCase,
          },
          notes: [
            'A case counts when its order notice is in the SES store (seen by a 50 ms tail) before the window closes; each case: POST /reports, two approvals, then the workflow to the notice.',
            `p50 report-to-notice under this load: ${ms(latency.p50)}.`,
            RUNTIME_RSS_COUNTS,
            'cpuMsPerCase: the CPU time (user and system, from /proc) the runtime and its DynamoDB process used over the window, over the cases done in it; two cores give 2,000 ms a second, so their sum bounds the rate.',
          ],
        };
      } finally {
        mailbox.stop();
      }
    }),
};

/**
 * Figure 4, bulk report: one report of 1,000 URLs spread over 50 operators (registered by staff
 * through POST /operators): how long from the completing approval until all 50 notices are in the
 * SES store, and the largest state payload the execution carried, against Step Functions' 256 KB.
 */
import { CLOUD_SWEEP, ms, QUIET_POLICY, withStack, type Figure, type FigureResult } from './lib/figure';
import { largestPayloadBytes } from './lib/history';
import { inPool, waitFor } from './lib/stats';
import { Api, lastApprovalAt, Mailbox, orderId, orderNoticeSentAt, StepFunctions, Table } from './lib/system';

const OPERATORS = 50;
const URLS = 1000;
const STEP_FUNCTIONS_PAYLOAD_LIMIT = 256 * 1024;

const operatorIdOf = (index: number): string => `bench-op-${String(index).padStart(2, '0')}`;

export const figure: Figure = {
  run: () =>
    withStack({ policy: QUIET_POLICY, env: CLOUD_SWEEP }, async (stack): Promise<FigureResult> => {
      const api = new Api(stack);
      const table = new Table(stack);
      const sfn = new StepFunctions(stack);
      const mailbox = new Mailbox(stack).start();
      try {
        await inPool(
          Array.from({ length: OPERATORS }, (_, i) => i),
          5,
          (i) =>
            api.request('staff-kim', 'POST', '/operators', {
              operatorId: operatorIdOf(i),
              name: `Bench operator ${i}`,
              domains: [`${operatorIdOf(i)}.example`],
              contactEmails: [`abuse@${operatorIdOf(i)}.example`],
              jurisdiction: 'DOMESTIC',
              language: 'ko',
              annualRevenue: 1_000_000_000,
              currency: 'KRW',
            }),
        );
        const urls = Array.from({ length: URLS }, (_, i) => `https://${operatorIdOf(i % OPERATORS)}.example/bench/bulk/${i}`);
        const caseId = await api.fileReport(urls);
        await api.approve(caseId);
        const orderIds = Array.from({ length: OPERATORS }, (_, i) => orderId(caseId, operatorIdOf(i)));
        await Promise.all(orderIds.map((id) => mailbox.waitForSubject(id, 180_000)));

        const record = await table.caseRecord(caseId);
        if (!record) throw new Error(`Case ${caseId} is not in the table.`);
        const approvedAt = lastApprovalAt(record);
        // SES holds each e-mail a moment before its order records the acceptance.
        const sentAt = await waitFor(
          `all ${OPERATORS} orders to record their notice`,
          async () => {
            const recorded = (await table.ordersOf(caseId)).map(orderNoticeSentAt).filter((at): at is number => at !== undefined);
            return recorded.length === OPERATORS ? recorded : undefined;
          },
          30_000,
        );
        const allMs = Math.max(...sentAt) - approvedAt;
        const firstMs = Math.min(...sentAt) - approvedAt;
        const largest = largestPayloadBytes(await sfn.history(await sfn.executionArn(caseId)));
        const share = Math.round((largest.bytes / STEP_FUNCTIONS_PAYLOAD_LIMIT) * 1000) / 10;
        return {
          summary: `all ${OPERATORS} notices in ${ms(allMs)}; largest state ${largest.bytes} B (${share} % of 256 KB)`,
          details: {
            urls: URLS,
            operators: OPERATORS,
            allNoticesMs: allMs,
            firstNoticeMs: firstMs,
            largestPayloadBytes: largest.bytes,
            largestPayloadWhere: largest.where,
            payloadLimitBytes: STEP_FUNCTIONS_PAYLOAD_LIMIT,
            shareOfLimitPercent: share,
            reportBodyBytes: Buffer.byteLength(JSON.stringify({ urls })),
          },
          notes: [
            "From the completing approval's at to the last order's notice sentAt (both system records); every notice also checked in the SES store.",
            'Largest payload: the biggest input, output or task parameters of any event in the execution history, in UTF-8 bytes.',
          ],
        };
      } finally {
        mailbox.stop();
      }
    }),
};

/**
 * Figure 6, cost per case on AWS: cases carried from report to CLOSED on the fast test policy,
 * their usage measured and priced with us-east-1 list prices (lib/pricing.ts):
 * - state transitions, Lambda invocations and durations: from each execution's history;
 * - API requests (= API Lambda invocations): every request the case's people made, counted by the bench;
 * - DynamoDB read and write units: a counting proxy between the handlers and dynalite (lib/dynamodb-meter.ts);
 * - SES messages: the e-mails in the emulator's store, one per recipient;
 * - log bytes: the handlers' JSON log lines (CloudWatch Logs ingestion).
 * Two scenarios, run one after the other so the meter can tell them apart: an order complied with
 * on time and confirmed in post-review; and an order complied with late and fined.
 * The runtime reads each chain head afresh, as Lambda does; `BENCH_SINGLE_WRITER_PROCESS=true`
 * counts what `npm start` requests instead, starting each act from the head it remembers.
 */
import { FAST_POLICY, type LocalStack } from '../support/local-stack';
import { DynamoDbMeter, difference, freePort, type MeterTotals } from './lib/dynamodb-meter';
import { progress, withStack, type Figure, type FigureResult } from './lib/figure';
import { caseTaskRuns, stateTransitions } from './lib/history';
import { LAMBDA_MEMORY_GB, PRICES, PRICES_AS_OF, priceCase, type CaseUsage } from './lib/pricing';
import { sleep, waitFor } from './lib/stats';
import { Api, Mailbox, orderId, StepFunctions, Table } from './lib/system';

const CASES_PER_SCENARIO = 2;
const OPERATORS = [
  { operatorId: 'op-webhard', domain: 'webhard.example' },
  { operatorId: 'op-social', domain: 'social.example' },
] as const;
const VOTERS = ['member-1', 'member-2', 'member-3'] as const;
/**
 * The post-review window opens with the orders. At the fast policy's 8 s (extended once when no
 * verdict is in), the votes, cast after each operator's notice, acknowledgement and compliance,
 * could come after the window had ended and be refused WINDOW_CLOSED (a run failed so). Three
 * CONFIRM of five decide the review at once, so the longer window costs the figure no time.
 */
const POLICY = { ...FAST_POLICY, postReviewWindow: 'PT60S' } as const;
type Scenario = 'on-time' | 'late';

interface Parts {
  api: Api;
  table: Table;
  sfn: StepFunctions;
  mailbox: Mailbox;
}

/** One case the way its people would carry it; every API request is counted by `api`. */
async function carryCase({ api, table, mailbox }: Parts, scenario: Scenario, index: number): Promise<string> {
  const caseId = await api.fileReport(OPERATORS.map((op) => `https://${op.domain}/bench/cost/${scenario}/${index}`));
  await api.approve(caseId);
  await Promise.all(
    OPERATORS.map(async ({ operatorId }) => {
      const id = orderId(caseId, operatorId);
      await mailbox.waitForSubject(id, 60_000);
      if (scenario === 'late') {
        await waitFor(
          `order ${id} to turn OVERDUE`,
          async () => ((await table.ordersOf(caseId)).find((o) => o.orderId === id)?.overdueAt ? true : undefined),
          60_000,
          250,
        );
      }
      await api.request(operatorId, 'GET', '/operator/orders');
      await api.request(operatorId, 'POST', `/operator/orders/${id}/acknowledge`);
      await api.request(operatorId, 'POST', `/operator/orders/${id}/compliance`, { action: 'DELETED', note: 'removed after the notice' });
    }),
  );
  const reviewId = await waitFor(
    `the post-review of ${caseId}`,
    async () =>
      ((await table.caseItems(caseId)).find((item) => String(item.sk).startsWith('REVIEW#'))?.record as { reviewId?: string } | undefined)
        ?.reviewId,
    60_000,
    250,
  );
  for (const member of VOTERS) {
    await api.request(member, 'GET', '/committee/reviews');
    await api.request(member, 'POST', `/committee/reviews/${reviewId}/votes`, {
      decision: 'CONFIRM',
      reason: 'the content is clearly illegal',
    });
  }
  await waitFor(
    `case ${caseId} to close`,
    async () => ((await table.caseRecord(caseId))?.status === 'CLOSED' ? true : undefined),
    90_000,
    500,
  );
  return caseId;
}

/** The handlers' log lines (CloudWatch Logs in the cloud), less the sweeper's per-run line, which is not per case. */
function handlerLogBytes(text: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{') && !line.includes('"sweep done"'))
    .reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8') + 1, 0);
}

async function measureScenario(parts: Parts, stack: LocalStack, meter: DynamoDbMeter, scenario: Scenario) {
  const meterBefore = meter.snapshot();
  const callsBefore = parts.api.totalCalls();
  const callMsBefore = parts.api.callMs.length;
  const mailBefore = parts.mailbox.emails.length;
  const logBefore = stack.output().length;
  const caseIds = await Promise.all(Array.from({ length: CASES_PER_SCENARIO }, (_, i) => carryCase(parts, scenario, i)));
  // The last writes of CloseCase and its audit land just after the status does.
  await sleep(1500);
  await parts.mailbox.settle();
  const dynamo: MeterTotals = difference(meter.snapshot(), meterBefore);

  let transitions = 0;
  let invocations = 0;
  let lambdaMs = 0;
  for (const caseId of caseIds) {
    // Each batch child is an execution of its own, billed for its transitions like the case's.
    const histories = await parts.sfn.caseHistories(caseId);
    for (const events of [histories.case, ...histories.children.values()]) transitions += stateTransitions(events);
    for (const run of caseTaskRuns(histories)) {
      invocations += 1;
      lambdaMs += Math.ceil((run.endedAt ?? run.startedAt) - run.startedAt);
    }
  }
  const apiRequests = parts.api.totalCalls() - callsBefore;
  const apiMs = parts.api.callMs.slice(callMsBefore).reduce((sum, value) => sum + Math.ceil(value), 0);
  const emails = parts.mailbox.emails.slice(mailBefore);
  const output = stack.output();
  const n = caseIds.length;
  const usage: CaseUsage = {
    stateTransitions: transitions / n,
    lambdaInvocations: (invocations + apiRequests) / n,
    lambdaMs: (lambdaMs + apiMs) / n,
    dynamoDbReadUnits: (dynamo.readUnits - dynamo.sweeperPollReadUnits) / n,
    dynamoDbWriteUnits: (dynamo.writeUnits + dynamo.gsiWriteUnits) / n,
    sesMessages: emails.reduce((sum, email) => sum + Math.max(1, email.to.length), 0) / n,
    apiRequests: apiRequests / n,
    logBytes: output.length > logBefore ? handlerLogBytes(output.slice(logBefore)) / n : 0,
  };
  const priced = priceCase(usage);
  return {
    cases: n,
    usage,
    breakdown: {
      workflowTaskInvocations: invocations / n,
      apiRequests: apiRequests / n,
      workflowLambdaMs: lambdaMs / n,
      apiRoundTripMs: apiMs / n,
      dynamoDbRequests: Object.fromEntries(Object.entries(dynamo.requests).map(([op, count]) => [op, count / n])),
      dynamoDbTableWriteUnits: dynamo.writeUnits / n,
      dynamoDbGsiWriteUnitsEstimated: dynamo.gsiWriteUnits / n,
      conditionalCheckFailures: dynamo.conditionalCheckFailures / n,
      sweeperPollReadUnitsExcluded: dynamo.sweeperPollReadUnits,
      emailSubjects: emails.map((email) => email.subject.replace(/O[0-9A-Z]{26}/g, 'O…')),
    },
    costUsd: Object.fromEntries(priced.lines.map((line) => [line.item, Number(line.usd.toPrecision(3))])),
    totalUsd: priced.totalUsd,
    per100kUsd: priced.per100kUsd,
  };
}

const usd = (value: number): string => (value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`);

export const figure: Figure = {
  run: async (): Promise<FigureResult> => {
    const dynamoDbPort = await freePort();
    const meter = new DynamoDbMeter(dynamoDbPort);
    const meterUrl = await meter.listen();
    try {
      return await withStack(
        // The sweeper every second: reminders are its work, and the fast policy's reminder falls 3 s before the deadline.
        {
          policy: POLICY,
          env: {
            DYNAMODB_PORT: String(dynamoDbPort),
            LOCAL_HANDLER_DYNAMODB_ENDPOINT: meterUrl,
            SWEEP_INTERVAL_SECONDS: '1',
            SINGLE_WRITER_PROCESS: process.env.BENCH_SINGLE_WRITER_PROCESS ?? 'false',
          },
        },
        async (stack): Promise<FigureResult> => {
          const parts: Parts = {
            api: new Api(stack),
            table: new Table(stack, `http://127.0.0.1:${dynamoDbPort}`),
            sfn: new StepFunctions(stack),
            mailbox: new Mailbox(stack).start(),
          };
          try {
            const onTime = await measureScenario(parts, stack, meter, 'on-time');
            progress(`on-time: ${usd(onTime.totalUsd)} per case`);
            const late = await measureScenario(parts, stack, meter, 'late');
            progress(`late: ${usd(late.totalUsd)} per case`);
            return {
              summary:
                `${usd(onTime.totalUsd)} per case, ${usd(onTime.per100kUsd)} per 100,000 (complied on time); ` +
                `${usd(late.totalUsd)} / ${usd(late.per100kUsd)} (late, fined)`,
              details: { pricesAsOf: PRICES_AS_OF, prices: PRICES, lambdaMemoryGb: LAMBDA_MEMORY_GB, onTime, late },
              notes: [
                'A case: 2 URLs for 2 operators; 2 approvals; each operator lists its orders, acknowledges, reports compliance; 3 of 5 members vote CONFIRM; no appeal; the appeal window passes; CLOSED.',
                "Lambda duration: workflow tasks from TaskStarted to TaskSucceeded/TaskSubmitted in the history (in-process here, so no cold starts); API handlers by the bench's round trip (an upper bound). Both at 512 MB arm64, rounded up to 1 ms per invocation.",
                "DynamoDB units measured by dynalite behind a counting proxy; GSI write units estimated (one more write per index that projects the item); failed conditional writes counted as 1 WRU; the sweeper's index polls excluded (a fixed cost: in the cloud it runs once a minute whatever the caseload: 43,200 runs a month, a few cents).",
                "SES: one message per recipient (operators' contacts and the staff address). Logs: the handlers' JSON lines at $0.50/GB ingestion.",
                'Not counted: storage (a case is a few KB), data transfer, Cognito, KMS, CloudFront for the web UI, free tiers.',
              ],
            };
          } finally {
            parts.mailbox.stop();
          }
        },
      );
    } finally {
      await meter.close();
    }
  },
};

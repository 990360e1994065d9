/**
 * Figure 11, the workflow against AWS's limits: the largest case the API accepts (1,000 URLs over
 * 1,000 parties: 1,000 orders, every one late, every one appealed, every appeal's review escalated
 * before staff decide it), the history event count of its execution and of its largest batch's
 * child execution, and its largest state payload, beside AWS's quotas for a Standard execution
 * (25,000 events, 262,144 bytes).
 *
 * Measured on the whole local stack, driven through the HTTP API as its users would: staff register
 * one operator per URL (POST /operators), file one report and approve it twice; no operator
 * complies, so every order goes overdue; the committee confirms; every operator appeals; no member
 * votes on an appeal, so every review is extended, then escalated; staff decide each one, and the
 * case closes. Then the case's history and its batch children's histories are read through the
 * Step Functions API. Each batch of 40 orders walks the same path, so the case's history and the
 * payload grow by the same amount per batch: 1,000 orders (25 batches) are projected from one and
 * two batches, and a third batch, when it fits the budget, checks the projection. A child holds one
 * batch of at most 40 items whatever the case's size, so the largest child's history is measured.
 */
import path from 'node:path';
import { createTokenIssuer } from '../../infra/local/auth/tokens';
import { INLINE_MAP_CONCURRENCY } from '../../shared/domain/batches';
import type { LocalStack } from '../support/local-stack';
import { AWS_LIMITS } from '../statemachine/largest-case';
import { progress, withStack, type Figure, type FigureResult } from './lib/figure';
import { FIGURES } from './figures';
import { largestPayloadBytes } from './lib/history';
import { inPool, sleep, waitFor } from './lib/stats';
import { Api, ApiError, orderId, StepFunctions, Table } from './lib/system';

const LARGEST_CASE_ORDERS = 1000;
/** The batches measured, one case each, while the figure's budget allows. */
const BATCHES = [1, 2, 3] as const;
/** The runner stops this figure at its budget: a batch starts only if, at the pace of the last, it would end in time. */
const FIGURE_BUDGET_MS = (FIGURES.find((entry) => entry.id === 'workflow-limits')?.budgetSeconds ?? 0) * 1000;
const REQUESTS_AT_ONCE = 8;
const CASE_TIMEOUT_MS = 120_000;
const UNAVAILABLE_RETRY_MS = 500;

/**
 * Seconds for the clocks no one acts within (compliance, grace, the appeal review's window and its
 * one extension), and room for the acts the bench makes: the committee's confirmation and an
 * appeal from every operator.
 */
const LARGEST_CASE_POLICY = {
  id: 'kr-bench-largest-case',
  approvalSla: 'PT300S',
  complianceDeadline: 'PT3S',
  reminders: [],
  lateComplianceGrace: 'PT3S',
  postReviewWindow: 'PT300S',
  appealWindow: 'PT25S',
  appealReviewWindow: 'PT4S',
} as const;

const COMMITTEE_QUORUM = ['member-1', 'member-2', 'member-3'] as const;

interface MeasuredCase {
  readonly orders: number;
  readonly historyEvents: number;
  readonly largestChildHistoryEvents: number;
  readonly childExecutions: number;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWhere: string;
  readonly seconds: number;
}

interface Review {
  reviewId: string;
  caseId: string;
  kind: string;
  status: string;
}

const perBatch = (one: number, two: number) => ({ fixed: 2 * one - two, perBatch: two - one });
const at = (line: { fixed: number; perBatch: number }, batches: number) => line.fixed + line.perBatch * batches;

/** The API as staff, the committee and each registered operator call it (operators sign in with their operatorId claim, as Cognito's users do). */
async function apiWithOperators(stack: LocalStack): Promise<Api> {
  const issuer = await createTokenIssuer(path.join(stack.dataDir, 'auth'));
  const signIn = (user: string) =>
    user.startsWith('largest-') ? issuer.issue({ id: user, role: 'operator', name: user, operatorId: user }) : stack.token(user);
  return new Api(Object.create(stack, { token: { value: signIn } }) as LocalStack);
}

/** Retries a request the API refused with 503 UNAVAILABLE, as its message asks. */
async function whenAvailable<T>(request: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 503) throw error;
      await sleep(UNAVAILABLE_RETRY_MS);
    }
  }
}

async function caseStatus(api: Api, caseId: string): Promise<string> {
  return (await api.request<{ status: string }>('staff-kim', 'GET', `/cases/${caseId}`)).status;
}

const untilCaseStatus = (api: Api, caseId: string, statuses: readonly string[]) =>
  waitFor(
    `case ${caseId} to be ${statuses.join(' or ')}`,
    async () => {
      const status = await caseStatus(api, caseId);
      return statuses.includes(status) ? status : undefined;
    },
    CASE_TIMEOUT_MS,
    500,
  );

async function appealReviews(api: Api, caseId: string, status: string): Promise<Review[]> {
  const { reviews } = await api.request<{ reviews: Review[] }>('member-1', 'GET', `/committee/reviews?status=${status}`);
  return reviews.filter((review) => review.caseId === caseId && review.kind === 'APPEAL');
}

/** Plays one case of `orders` late, appealed, escalated orders through the API until it closes. */
async function playLargestCase(api: Api, table: Table, orders: number, run: number): Promise<string> {
  const operators = Array.from({ length: orders }, (_, i) => `largest-${run}-${String(i).padStart(4, '0')}`);
  await inPool(operators, REQUESTS_AT_ONCE, (operatorId) =>
    api.request('staff-kim', 'POST', '/operators', {
      operatorId,
      name: `Largest case operator ${operatorId}`,
      domains: [`${operatorId}.example`],
      contactEmails: [`abuse@${operatorId}.example`],
      jurisdiction: 'DOMESTIC',
      language: 'ko',
      annualRevenue: 1_000_000_000,
      currency: 'KRW',
    }),
  );
  // Filed by the support centre, so that staff-kim, who neither filed nor approved, may decide escalated reviews.
  const { caseId } = await api.request<{ caseId: string }>('support-center', 'POST', '/reports', {
    urls: operators.map((operatorId) => `https://${operatorId}.example/bench/largest/${run}`),
    category: 'SYNTHETIC_SEXUAL_IMAGERY',
    reporter: { kind: 'SUPPORT_CENTER', reference: 'bench-largest-case' },
    victimConsent: true,
  });
  await api.approve(caseId);
  // Overdue is where an order stands once its deadline passed without compliance; the order then waits out its grace.
  let standing = '';
  await waitFor(
    `every order of ${caseId} to pass its deadline without compliance`,
    async () => {
      const statuses = (await table.ordersOf(caseId)).map((order) => order.complianceStatus);
      standing = [...new Set(statuses)].map((status) => `${status}: ${statuses.filter((other) => other === status).length}`).join(', ');
      return statuses.length === orders && statuses.every((status) => status === 'OVERDUE') ? statuses : undefined;
    },
    CASE_TIMEOUT_MS,
    500,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (orders: ${standing})`);
  });
  const postReview = await waitFor(
    `the post review of ${caseId}`,
    async () =>
      (await api.request<{ reviews: Review[] }>('member-1', 'GET', '/committee/reviews')).reviews.find(
        (review) => review.caseId === caseId && review.kind === 'POST_REVIEW',
      ),
    CASE_TIMEOUT_MS,
  );
  for (const member of COMMITTEE_QUORUM) {
    await api.request(member, 'POST', `/committee/reviews/${postReview.reviewId}/votes`, { decision: 'CONFIRM', reason: 'benchmark' });
  }
  await untilCaseStatus(api, caseId, ['APPEAL_WINDOW', 'UNDER_APPEAL']);
  await inPool(operators, REQUESTS_AT_ONCE, (operatorId) =>
    whenAvailable(() =>
      api.request(operatorId, 'POST', `/operator/orders/${orderId(caseId, operatorId)}/appeal`, {
        grounds: 'The benchmark appeals every order of the largest case.',
      }),
    ),
  );
  // No member votes on an appeal: each review's window passes twice and it is escalated to staff.
  let decided = 0;
  while (decided < orders) {
    const escalated = await waitFor(
      `escalated appeal reviews of ${caseId}`,
      async () => {
        const found = await appealReviews(api, caseId, 'ESCALATED');
        return found.length > 0 ? found : undefined;
      },
      CASE_TIMEOUT_MS,
      500,
    );
    // One at a time: every decision writes the same case, and concurrent ones answer 503 UNAVAILABLE (try again).
    for (const review of escalated) {
      await whenAvailable(() =>
        api.request('staff-kim', 'POST', `/committee/reviews/${review.reviewId}/decision`, {
          decision: 'CONFIRM',
          reason: 'The committee had no quorum; the order stands.',
        }),
      );
    }
    decided += escalated.length;
  }
  const ended = await untilCaseStatus(api, caseId, ['CLOSED', 'FAILED']);
  if (ended !== 'CLOSED') throw new Error(`The case of ${orders} orders ended ${ended}.`);
  return caseId;
}

async function measure(sfn: StepFunctions, caseId: string): Promise<Omit<MeasuredCase, 'orders' | 'seconds'>> {
  const histories = await sfn.caseHistories(caseId);
  let largest = largestPayloadBytes(histories.case);
  let largestChildHistoryEvents = 0;
  for (const childHistory of histories.children.values()) {
    largestChildHistoryEvents = Math.max(largestChildHistoryEvents, childHistory.length);
    const childLargest = largestPayloadBytes(childHistory);
    if (childLargest.bytes > largest.bytes) largest = { bytes: childLargest.bytes, where: `child: ${childLargest.where}` };
  }
  return {
    historyEvents: histories.case.length,
    largestChildHistoryEvents,
    childExecutions: histories.children.size,
    largestPayloadBytes: largest.bytes,
    largestPayloadWhere: largest.where,
  };
}

export const figure: Figure = {
  run: () =>
    withStack({ policy: LARGEST_CASE_POLICY }, async (stack): Promise<FigureResult> => {
      const figureStarted = Date.now();
      const api = await apiWithOperators(stack);
      const table = new Table(stack);
      const sfn = new StepFunctions(stack);
      const runs: MeasuredCase[] = [];
      for (const batches of BATCHES) {
        const last = runs[runs.length - 1];
        // The time a case takes grows about with its orders; the first two are needed for the projection.
        const expectedMs = last ? (last.seconds * 1000 * batches) / (batches - 1) : 0;
        if (batches > 2 && Date.now() - figureStarted + expectedMs > FIGURE_BUDGET_MS) break;
        const started = Date.now();
        const orders = batches * INLINE_MAP_CONCURRENCY;
        const caseId = await playLargestCase(api, table, orders, batches);
        const run = { orders, ...(await measure(sfn, caseId)), seconds: Math.round((Date.now() - started) / 100) / 10 };
        progress(
          `${run.orders} orders: ${run.historyEvents} events (largest child ${run.largestChildHistoryEvents} of ${run.childExecutions}), largest payload ${run.largestPayloadBytes} bytes (${run.seconds} s)`,
        );
        runs.push(run);
      }
      const [one, two, three] = runs as [MeasuredCase, MeasuredCase, MeasuredCase | undefined];
      const history = perBatch(one.historyEvents, two.historyEvents);
      const payload = perBatch(one.largestPayloadBytes, two.largestPayloadBytes);
      const batches = Math.ceil(LARGEST_CASE_ORDERS / INLINE_MAP_CONCURRENCY);
      const largestChildHistoryEvents = Math.max(...runs.map((run) => run.largestChildHistoryEvents));
      const projected = { historyEvents: at(history, batches), largestChildHistoryEvents, largestPayloadBytes: at(payload, batches) };
      const withinHistory = Math.floor((AWS_LIMITS.historyEvents - history.fixed) / history.perBatch) * INLINE_MAP_CONCURRENCY;
      const largestMeasured = runs[runs.length - 1] as MeasuredCase;
      return {
        summary: `measured ${largestMeasured.orders} orders: ${largestMeasured.historyEvents.toLocaleString('en')} events; projected 1,000 orders, all late, appealed, escalated: ${projected.historyEvents.toLocaleString('en')} history events, the largest batch's child ${largestChildHistoryEvents.toLocaleString('en')} (AWS: ${AWS_LIMITS.historyEvents.toLocaleString('en')}), largest payload ${projected.largestPayloadBytes.toLocaleString('en')} bytes (AWS: ${AWS_LIMITS.payloadBytes.toLocaleString('en')})`,
        details: {
          projectedLargestCase: { orders: LARGEST_CASE_ORDERS, batches, ...projected },
          awsLimits: AWS_LIMITS,
          measured: runs,
          historyPerBatchOf40: history.perBatch,
          projectionCheck: three && { orders: three.orders, projectedEvents: at(history, 3), measuredEvents: three.historyEvents },
          mostOrdersWithinHistoryLimit: withinHistory,
        },
        notes: [
          'Measured on the whole local stack through the HTTP API: operators registered, one report filed and approved, no compliance, the committee confirms, every operator appeals, every appeal review escalates and staff decide it; histories read through GetExecutionHistory and ListExecutions.',
          `Measured at ${runs.map((run) => run.orders).join(', ')} orders; 1,000 orders (25 batches) projected from one and two batches of 40 (each batch walks the same path)${three ? '; the third batch checks the projection' : ''}. The largest child's history is measured: a child holds at most 40 items.`,
          `Each batch of 40 orders or appeals runs as a child execution (states:startExecution.sync:2): about ${history.perBatch} events of the case's history per batch of 40 appealed orders, up to about ${withinHistory.toLocaleString('en')} such orders within 25,000.`,
        ],
      };
    }),
};

/**
 * The largest case's shape, played on the project's local Step Functions engine
 * (infra/local/stepfunctions) with the real statemachines/case-workflow.asl.json, its batches run
 * as child executions of statemachines/case-batch.asl.json, and scripted tasks: every order is
 * late (no compliance, its grace period ends), every order is appealed, and every appeal's review
 * runs out of time twice (extended, then escalated) before staff decide it. Timeouts are a
 * second, so a case of a hundred orders runs in seconds. It measures what AWS limits: the history
 * events (25,000) of the case's execution and of its largest child, the largest state input or
 * output (256 KB), and how many appeal reviews are open at once (an inline Map runs at most 40
 * iterations at once).
 *
 * Staff decide the escalated reviews once every appeal's review has opened, so that the count of
 * reviews open at once is every appeal's when the workflow opens them all at once; should it not,
 * they decide after a quiet spell instead, and the count shows how many were open.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StepFunctionsEngine } from '../../infra/local/stepfunctions/engine';
import { bindArns } from '../../statemachines/builder';
import { batchNumbers, batchOf } from '../../shared/domain/batches';
import { ESCALATED_WAIT_SECONDS } from '../../shared/domain/waits';

const ASL_PATH = fileURLToPath(new URL('../../statemachines/case-workflow.asl.json', import.meta.url));
const BATCH_ASL_PATH = fileURLToPath(new URL('../../statemachines/case-batch.asl.json', import.meta.url));
/** The child state machine's name on the engine, as the local runtime names it. */
const BATCH_MACHINE_NAME = 'case-batch';

/** AWS's quotas for a Standard execution. */
export const AWS_LIMITS = { historyEvents: 25_000, payloadBytes: 256 * 1024 } as const;

export interface LargeCaseRun {
  readonly orders: number;
  readonly status: string;
  /** The case's execution's history events. */
  readonly historyEvents: number;
  /** The most history events of one of its batches' child executions. */
  readonly largestChildHistoryEvents: number;
  readonly childExecutions: number;
  /** The largest state input or output of the execution, in bytes, and the state it was seen at. */
  readonly largestPayloadBytes: number;
  readonly largestPayloadState: string | undefined;
  /** The most appeal reviews open (opened, not yet applied) at one moment. */
  readonly appealReviewsOpenAtOnce: number;
  /** The most orders waiting for compliance (their token stored, not yet timed out) at one moment. */
  readonly ordersWaitingAtOnce: number;
  readonly seconds: number;
}

const FUNCTION_ARN = (name: string) => `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`;
const CASE_ID = 'C01JCASE0LARGEST0CASE000000';
/** If not every appeal's review has opened by then, staff decide the open ones anyway (the count then shows the shortfall). */
const QUIET_SPELL_MS = 5_000;

type Payload = Record<string, unknown>;

const inSeconds = (seconds: number) => new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Runs the largest case's shape with `orders` orders, each appealed; answers what it measured. */
export async function runLargeCase(orders: number): Promise<LargeCaseRun> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ud-largest-case-'));
  const orderIds = Array.from({ length: orders }, (_, index) => `O01JCASE0LARGEST0CASE000000-op-${String(index).padStart(4, '0')}`);
  const appealIds = orderIds.map((orderId) => `A${orderId.slice(1)}`);
  let engine: StepFunctionsEngine | undefined;

  /** Appeal reviews opened and not yet applied; orders whose compliance wait has not yet timed out. */
  const openReviews = new Set<string>();
  const waitingOrders = new Set<string>();
  let mostOpen = 0;
  let mostWaiting = 0;
  let appealsOpened = 0;
  const deadlinesPassed = new Map<string, number>();
  /** The tokens of the escalated reviews' waits, for the staff decisions. */
  const escalated = new Set<string>();
  let decideTimer: NodeJS.Timeout | undefined;
  const complete = (token: string, output: object) => setImmediate(() => engine?.sendTaskSuccess(token, JSON.stringify(output)));
  const staffDecide = () => {
    clearTimeout(decideTimer);
    for (const token of escalated) complete(token, { outcome: 'CONFIRMED' });
    escalated.clear();
  };
  const postReviewId = `R${CASE_ID.slice(1)}-POST`;

  const tasks: Record<string, (payload: Payload) => unknown> = {
    OpenCase: () => ({ procedure: 'interim-then-review', secondsToApprovalSla: 3600 }),
    IssueOrders: () => ({ orderBatches: batchNumbers(orders) }),
    ListBatch: (p) => ({ ids: batchOf(p.kind === 'ORDERS' ? orderIds : appealIds, Number(p.batch)) }),
    // Delivered: a deadline a second away, missed.
    SendOrderNotice: () => ({ state: 'DELIVERED', secondsToDeadline: 1, deadlineAt: inSeconds(1), secondsToWait: 1 }),
    EnforceDeadline: (p) => {
      waitingOrders.delete(String(p.orderId));
      return { outcome: 'OVERDUE', secondsToGraceEnd: 1 };
    },
    GraceExpired: () => ({ outcome: 'OVERDUE' }),
    OpenReview: (p) => {
      if (p.kind !== 'APPEAL') return { reviewId: postReviewId, secondsToClose: 3600 };
      const reviewId = `R${String(p.appealId).slice(1)}`;
      openReviews.add(reviewId);
      appealsOpened += 1;
      mostOpen = Math.max(mostOpen, openReviews.size);
      return { reviewId, secondsToClose: 1 };
    },
    // Extended at the first deadline, escalated at the second.
    ReviewDeadlinePassed: (p) => {
      const reviewId = String(p.reviewId);
      const passed = (deadlinesPassed.get(reviewId) ?? 0) + 1;
      deadlinesPassed.set(reviewId, passed);
      return { reviewId, decided: false, secondsToClose: passed === 1 ? 1 : ESCALATED_WAIT_SECONDS };
    },
    ApplyReviewOutcome: (p) => {
      openReviews.delete(String(p.reviewId));
      return { outcome: p.reviewId === postReviewId ? 'CONFIRMED' : 'UPHELD' };
    },
    OpenAppealWindow: () => ({ closesAt: inSeconds(1), waitUntil: inSeconds(1) }),
    CollectAppeals: () => ({ appealBatches: batchNumbers(appealIds.length) }),
    AssessFines: () => ({ fined: orders }),
    CloseCase: () => ({ status: 'CLOSED' }),
    RecordFailure: () => ({ status: 'FAILED' }),
    StoreTaskToken: (p) => {
      const [kind, id = ''] = String(p.purpose).split('#');
      const token = String(p.taskToken);
      if (kind === 'APPROVAL') complete(token, { decision: 'APPROVED' });
      else if (id === postReviewId) complete(token, { outcome: 'CONFIRMED' });
      else if (kind === 'COMPLIANCE') {
        // Nobody complies: the compliance wait, then the late-compliance wait, time out.
        if (!deadlinesPassed.has(id)) {
          deadlinesPassed.set(id, 0);
          waitingOrders.add(id);
          mostWaiting = Math.max(mostWaiting, waitingOrders.size);
        }
      } else if (kind === 'REVIEW' && (deadlinesPassed.get(id) ?? 0) >= 2) {
        escalated.add(token);
        clearTimeout(decideTimer);
        if (appealsOpened === appealIds.length) staffDecide();
        else decideTimer = setTimeout(staffDecide, QUIET_SPELL_MS);
      }
      return { completedAtOnce: false };
    },
  };

  try {
    engine = new StepFunctionsEngine({
      dataDir,
      region: 'ap-northeast-2',
      invokeLambda: async (functionArn, payload) => {
        const name = functionArn.split(':').pop() ?? '';
        const task = tasks[name];
        if (!task) throw new Error(`The workflow calls ${name}, which the largest case does not script.`);
        return task(payload as Payload);
      },
    });
    engine.load();
    engine.resume();
    const definitionOf = (file: string, batchMachine = '') =>
      bindArns(readFileSync(file, 'utf8'), { function: FUNCTION_ARN, stateMachine: () => batchMachine });
    const batchMachine = engine.createStateMachine(BATCH_MACHINE_NAME, definitionOf(BATCH_ASL_PATH));
    const machine = engine.createStateMachine('case-workflow', definitionOf(ASL_PATH, batchMachine));
    const { executionArn } = engine.startExecution(machine, CASE_ID, JSON.stringify({ caseId: CASE_ID }));
    const ended = await engine.waitForExecution(executionArn);
    const largest = engine.largestPayload;
    const children = engine.listExecutions(batchMachine);
    return {
      orders,
      status: ended.status,
      historyEvents: engine.getExecutionHistory(executionArn).length,
      largestChildHistoryEvents: Math.max(0, ...children.map((child) => engine?.getExecutionHistory(child.executionArn).length ?? 0)),
      childExecutions: children.length,
      largestPayloadBytes: largest.largestBytes,
      largestPayloadState: largest.stateName,
      appealReviewsOpenAtOnce: mostOpen,
      ordersWaitingAtOnce: mostWaiting,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    clearTimeout(decideTimer);
    await engine?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

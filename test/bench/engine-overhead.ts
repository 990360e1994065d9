/**
 * Figure 3, engine overhead: the automatic stretch of a case's path, from the approval reaching the
 * workflow to the workflow waiting on people again (IssueOrders, the start of the orders' batch as
 * a child execution, its ListBatch, a notice per operator, the compliance waits, the post-review
 * opening), run (a) by the local Step Functions engine and (b) by calling the same task handlers in
 * this process with the payloads of an (a) execution's history and its child's, each once those
 * that had ended when it started in (a) have ended (the engine's order, and its concurrency: the
 * notices and the review opening run side by side), against the same dynalite and SES. Each (b)
 * case is a fresh case brought to the same point (filed, its workflow left at the approval wait, approved), so the
 * handlers do the same work, not a replay's shortcuts. The child's start and its turns have no
 * handler: they are the engine's, and count in (a) only.
 * Both sides read each chain head afresh before an act (`SINGLE_WRITER_PROCESS=false`, as Lambda
 * does): two processes write the table here, so neither is its only writer, and a side that
 * remembered its heads would do less DynamoDB work than the other for the same handlers.
 */
import { resolvePolicy } from '../../shared/domain/policy';
import { tokenPurpose } from '../../shared/domain/waits';
import { LOCAL_TABLE_NAME } from '../../shared/store/table';
import type { LocalStack } from '../support/local-stack';
import { CLOUD_SWEEP, ms, QUIET_POLICY, withStack, type Figure, type FigureResult } from './lib/figure';
import { caseTaskRuns, childStarts, taskRuns, timeOutsideTasks, type CaseHistories, type TaskRun } from './lib/history';
import { distribution, waitFor } from './lib/stats';
import { Api, StepFunctions } from './lib/system';

const CASES = 10;
const URLS = ['https://webhard.example/bench/engine', 'https://social.example/bench/engine'];
const FAKE_TOKEN = 'bench-direct-call-token';
/** For the runtime and for this process alike: neither is the table's only writer here. */
const HEADS_READ_AFRESH = { SINGLE_WRITER_PROCESS: 'false' } as const;

interface Step {
  functionName: string;
  payload: unknown;
  /** The steps (by index) that had ended when this one started in the engine's run. */
  after: number[];
}

/** The engine's tasks as steps in the order they started, each after those that had ended before it started. */
function stepsOf(runs: readonly TaskRun[]): Step[] {
  const started = [...runs].sort((x, y) => x.startedAt - y.startedAt);
  return started.map((run) => ({
    functionName: run.functionName,
    payload: run.payload,
    after: started.flatMap((other, index) => (other.endedAt !== undefined && other.endedAt <= run.startedAt ? [index] : [])),
  }));
}

/** The handlers' environment (docs/architecture.md), pointing at the running stack. */
function pointHandlersAt(stack: LocalStack, stateMachineArn: string): void {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbUrl,
    AWS_ENDPOINT_URL_SFN: stack.sfnUrl,
    AWS_ENDPOINT_URL_SES: stack.sesUrl,
    AWS_ENDPOINT_URL_SESV2: stack.sesUrl,
    TABLE_NAME: LOCAL_TABLE_NAME,
    STATE_MACHINE_ARN: stateMachineArn,
    NOTICE_FROM: 'notices@urgent-deliberation.example',
    STAFF_EMAILS: 'staff@kcsc.example',
    COMMITTEE_MEMBERS: 'member-1,member-2,member-3,member-4,member-5',
    POLICY_JSON: JSON.stringify(resolvePolicy(QUIET_POLICY)),
    ...HEADS_READ_AFRESH,
  });
}

/** The engine's automatic stretch: from the approval token's completion to the last task it then ran, in the case's execution or its child. */
function automaticStretch(
  histories: CaseHistories,
): { startedAt: number; endedAt: number; runs: TaskRun[]; childStartMs: number[] } | undefined {
  const runs = caseTaskRuns(histories);
  const approval = runs.find((run) => run.waitForToken && (run.payload as { purpose?: string })?.purpose === 'APPROVAL');
  if (approval?.closedBy !== 'TaskSucceeded' || approval.closedAt === undefined) return undefined;
  const approvedAt = approval.closedAt;
  const after = runs.filter((run) => run.scheduledAt >= approvedAt);
  // Done when both compliance waits and the post-review wait have stored their tokens.
  if (after.filter((run) => run.waitForToken && run.endedAt !== undefined).length < URLS.length + 1) return undefined;
  const childStartMs = childStarts(histories).flatMap((start) =>
    start.scheduledAt >= approvedAt && start.startedAt !== undefined ? [start.startedAt - start.scheduledAt] : [],
  );
  return { startedAt: approvedAt, endedAt: Math.max(...after.map((run) => run.endedAt as number)), runs: after, childStartMs };
}

export const figure: Figure = {
  run: () =>
    withStack({ policy: QUIET_POLICY, env: { ...CLOUD_SWEEP, ...HEADS_READ_AFRESH } }, async (stack): Promise<FigureResult> => {
      const api = new Api(stack);
      const sfn = new StepFunctions(stack);
      pointHandlersAt(stack, await sfn.stateMachineArn());
      const { createLambdaInvoker } = await import('../../infra/local/lambda');
      const lambda = createLambdaInvoker();
      const { forgetTaskToken, listTaskTokens } = await import('../../shared/store/repository');

      const throughEngine = async (index: number) => {
        const caseId = await api.fileReport(URLS.map((url) => `${url}/a${index}`));
        await api.approve(caseId);
        let runs: TaskRun[] = [];
        try {
          const stretch = await waitFor(
            `the workflow of ${caseId} to wait on people again`,
            async () => {
              const histories = await sfn.caseHistories(caseId);
              runs = caseTaskRuns(histories);
              return automaticStretch(histories);
            },
            60_000,
            100,
          );
          return { caseId, ...stretch };
        } catch (error) {
          const seen = runs.map(
            (run) =>
              `${run.functionName}${run.failed ? ' FAILED' : run.endedAt === undefined ? ' running' : ''}${run.closedBy ? ` ${run.closedBy}` : ''}`,
          );
          throw new Error(`${(error as Error).message} Its tasks so far: ${seen.join(', ')}.`);
        }
      };

      // A fresh case at the same point: filed, its workflow left at the approval wait, approved. The
      // wait's token is forgotten first, so the approval completes nothing and the engine runs none
      // of the stretch; stopping the execution instead would end the case FAILED (the execution-ended rule).
      const directly = async (template: { caseId: string; steps: Step[] }, index: number) => {
        const caseId = await api.fileReport(URLS.map((url) => `${url}/b${index}`));
        const executionArn = await sfn.executionArn(caseId);
        await waitFor(
          `the approval wait of ${caseId}`,
          async () =>
            taskRuns(await sfn.history(executionArn)).some((run) => run.endedAt !== undefined && run.waitForToken) ? true : undefined,
          30_000,
          100,
        );
        for (const { purpose, token } of await listTaskTokens(caseId)) {
          if (purpose === tokenPurpose.approval()) await forgetTaskToken(caseId, purpose, token);
        }
        await api.approve(caseId);
        const from = template.caseId.slice(1);
        const to = caseId.slice(1);
        const steps = template.steps.map((step) => ({
          ...step,
          payload: JSON.parse(
            JSON.stringify(step.payload)
              .replaceAll(from, to)
              .replace(/"taskToken":"[^"]*"/g, `"taskToken":"${FAKE_TOKEN}"`),
          ) as unknown,
        }));
        const started = performance.now();
        const done: Promise<unknown>[] = [];
        for (const step of steps) {
          done.push(
            Promise.all(step.after.map((index) => done[index] as Promise<unknown>)).then(() =>
              lambda.invoke(step.functionName, step.payload),
            ),
          );
        }
        await Promise.all(done);
        return performance.now() - started;
      };

      // One of each first, not counted: module loading belongs to figure 7.
      const warm = await throughEngine(-1);
      const template = { caseId: warm.caseId, steps: stepsOf(warm.runs) };
      await directly(template, -1);

      const engineMs: number[] = [];
      const engineHandlerMs: number[] = [];
      const betweenTasksMs: number[] = [];
      const childStartMs: number[] = [];
      const directMs: number[] = [];
      // Interleaved, so that a slow spell of the machine hits both alike.
      for (let index = 0; index < CASES; index += 1) {
        const stretch = await throughEngine(index);
        engineMs.push(stretch.endedAt - stretch.startedAt);
        engineHandlerMs.push(stretch.runs.reduce((sum, run) => sum + ((run.endedAt as number) - run.startedAt), 0));
        betweenTasksMs.push(timeOutsideTasks(stretch.startedAt, stretch.endedAt, stretch.runs));
        childStartMs.push(...stretch.childStartMs);
        directMs.push(await directly(template, index));
      }
      const a = distribution(engineMs);
      const b = distribution(directMs);
      const betweenTasks = distribution(betweenTasksMs);
      const childStart = distribution(childStartMs);
      const ratio = Math.round((a.p50 / b.p50) * 100) / 100;
      return {
        summary: `a/b = ${ratio} (engine p50 ${ms(a.p50)}, direct p50 ${ms(b.p50)}; child start p50 ${ms(childStart.p50)}; ${template.steps.length} tasks, ${CASES} cases each)`,
        details: {
          cases: CASES,
          tasks: template.steps.map((step) => step.functionName),
          engineMs: a,
          directMs: b,
          ratioOfMedians: ratio,
          engineHandlerTimeSumMs: distribution(engineHandlerMs),
          engineBetweenTasksMs: betweenTasks,
          childExecutionsPerCase: warm.childStartMs.length,
          childStartMs: childStart,
        },
        notes: [
          "(a) from the TaskSucceeded of the approval wait to the end of the last task before the workflow waits on people again, from the case's execution history and its batch child's: the child's start and its turns are inside (a).",
          "(b) the same handlers (the child's ListBatch included) and payloads, called in the bench process through the same in-process Lambda invoker, each once those that had ended when it started in (a) have ended: the engine's order and concurrency (Parallel, Map), without the engine.",
          "childStartMs: from the case's TaskScheduled of the batch's startExecution.sync to the child's ExecutionStarted; part of (a), no part of (b).",
          "engineHandlerTimeSumMs: the handlers' own time inside (a), summed over its tasks, from TaskStarted to TaskSucceeded/TaskSubmitted.",
          "engineBetweenTasksMs: the part of (a) in which no task ran, in the case's execution or its child, by the histories' timestamps: a lower bound of the engine's share, since the history stamps a task's start before the engine writes its state and invokes the handler, and its end when the engine's turn takes up the answer.",
        ],
      };
    }),
};

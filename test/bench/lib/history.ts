/**
 * Reading an execution's history as the AWS API returns it: task invocations with their timings,
 * the child executions it started, state transitions as Step Functions bills them, and the largest
 * state payload.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

export interface TaskRun {
  functionName: string;
  payload: unknown;
  waitForToken: boolean;
  scheduledAt: number;
  startedAt: number;
  /** TaskSucceeded, TaskFailed or TaskTimedOut; for a waitForTaskToken task, TaskSubmitted (the Lambda returned). */
  endedAt: number | undefined;
  /** For a waitForTaskToken task: when the wait ended (token completed, failed, or timed out), and how. */
  closedAt: number | undefined;
  closedBy: 'TaskSucceeded' | 'TaskFailed' | 'TaskTimedOut' | undefined;
  failed: boolean;
}

const time = (event: HistoryEvent): number => (event.timestamp instanceof Date ? event.timestamp.getTime() : Number(event.timestamp));

function childrenByPrevious(events: readonly HistoryEvent[]): Map<number, HistoryEvent[]> {
  const children = new Map<number, HistoryEvent[]>();
  for (const event of events) {
    const list = children.get(event.previousEventId ?? 0) ?? [];
    list.push(event);
    children.set(event.previousEventId ?? 0, list);
  }
  return children;
}

/** Each Lambda invocation (TaskScheduled) with what it was called with and when it ran; a child execution's start is not one. */
export function taskRuns(events: readonly HistoryEvent[]): TaskRun[] {
  const children = childrenByPrevious(events);
  const after = (event: HistoryEvent, types: readonly string[]): HistoryEvent | undefined =>
    (children.get(event.id ?? -1) ?? []).find((child) => types.includes(child.type ?? ''));
  const runs: TaskRun[] = [];
  for (const scheduled of events) {
    const details = scheduled.taskScheduledEventDetails;
    if (scheduled.type !== 'TaskScheduled' || details?.resourceType !== 'lambda') continue;
    const parameters = JSON.parse(details?.parameters ?? '{}') as { FunctionName?: string; Payload?: unknown };
    const started = after(scheduled, ['TaskStarted']);
    const waitForToken = (details?.resource ?? '').endsWith('.waitForTaskToken');
    const ended = started && after(started, ['TaskSubmitted', 'TaskSucceeded', 'TaskFailed', 'TaskTimedOut']);
    // A token can be completed before its Lambda returns (the person acted at once): then no
    // TaskSubmitted, and the wait closes straight after TaskStarted.
    const closed = !waitForToken
      ? undefined
      : ended?.type === 'TaskSubmitted'
        ? after(ended, ['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'])
        : ended;
    runs.push({
      functionName: (parameters.FunctionName ?? '').split(':').pop() ?? '',
      payload: parameters.Payload,
      waitForToken,
      scheduledAt: time(scheduled),
      startedAt: started ? time(started) : time(scheduled),
      endedAt: ended ? time(ended) : undefined,
      closedAt: closed ? time(closed) : undefined,
      closedBy: closed?.type as TaskRun['closedBy'],
      failed: (closed ?? ended) !== undefined && !['TaskSubmitted', 'TaskSucceeded'].includes((closed ?? ended)?.type ?? ''),
    });
  }
  return runs;
}

/**
 * A case's execution and the batch executions it started (`states:startExecution.sync`), each
 * child's history under its execution name.
 */
export interface CaseHistories {
  readonly case: readonly HistoryEvent[];
  readonly children: ReadonlyMap<string, readonly HistoryEvent[]>;
}

/** A child execution's start: the parent's TaskScheduled, and the child's ExecutionStarted once it has one. */
export interface ChildStart {
  name: string;
  scheduledAt: number;
  startedAt: number | undefined;
}

/** Every child execution the case's execution scheduled, matched to its own history by the name the parent gave it. */
export function childStarts(histories: CaseHistories): ChildStart[] {
  const starts: ChildStart[] = [];
  for (const event of histories.case) {
    const details = event.taskScheduledEventDetails;
    if (event.type !== 'TaskScheduled' || details?.resourceType !== 'states' || !details.resource?.startsWith('startExecution')) continue;
    const { Name: name } = JSON.parse(details.parameters ?? '{}') as { Name?: string };
    if (name === undefined) continue;
    const started = histories.children.get(name)?.find((child) => child.type === 'ExecutionStarted');
    starts.push({ name, scheduledAt: time(event), startedAt: started ? time(started) : undefined });
  }
  return starts;
}

/** The Lambda invocations of the case's execution and of its children, in the order they were scheduled. */
export function caseTaskRuns(histories: CaseHistories): TaskRun[] {
  return [histories.case, ...histories.children.values()].flatMap(taskRuns).sort((a, b) => a.scheduledAt - b.scheduledAt);
}

/**
 * How much of the span from `from` to `to` no task ran in (TaskStarted to its end): time the path
 * spent on the engine alone, between tasks. The engine's work around a task falls inside the
 * task's interval (its start is stamped before the engine's write and the invocation, its end
 * when the engine's turn takes up the answer), so this is a lower bound of the engine's share.
 */
export function timeOutsideTasks(from: number, to: number, runs: readonly TaskRun[]): number {
  const spans = runs
    .flatMap((run) => (run.endedAt === undefined ? [] : [[Math.max(from, run.startedAt), Math.min(to, run.endedAt)] as const]))
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reached = from;
  for (const [start, end] of spans) {
    if (end <= reached) continue;
    covered += end - Math.max(start, reached);
    reached = end;
  }
  return to - from - covered;
}

/**
 * Where an order notice's time went, from the approval that completed the urgent track to the
 * notice recorded sent: the parts follow each other, so they add up to the whole.
 */
export interface NoticePath {
  /** The approval's act (at) until the workflow's approval wait ended (SendTaskSuccess). */
  approvalToWorkflow: number;
  /** Until IssueOrders returned. */
  issueOrders: number;
  /** Until the case's execution scheduled the start of the order's batch (Parallel and Map entered). */
  toChildStart: number;
  /** Until the batch's child execution started. */
  childStart: number;
  /** Until the child's ListBatch returned. */
  listBatch: number;
  /** Until the order's SendOrderNotice started. */
  waitForNoticeTask: number;
  /** Until the notice was recorded sent. */
  sendOrderNotice: number;
}

/** The parts of an order notice's path, or undefined while the histories lack one of its steps. */
export function noticePath(histories: CaseHistories, orderId: string, approvedAt: number, sentAt: number): NoticePath | undefined {
  const runs = taskRuns(histories.case);
  const approval = runs.find((run) => run.waitForToken && (run.payload as { purpose?: string })?.purpose === 'APPROVAL');
  const issue = runs.find((run) => run.functionName === 'IssueOrders');
  if (approval?.closedAt === undefined || issue?.endedAt === undefined) return undefined;
  for (const start of childStarts(histories)) {
    const childRuns = taskRuns(histories.children.get(start.name) ?? []);
    const notice = childRuns.find(
      (run) => run.functionName === 'SendOrderNotice' && (run.payload as { orderId?: string })?.orderId === orderId,
    );
    const list = childRuns.find((run) => run.functionName === 'ListBatch');
    if (notice === undefined || start.startedAt === undefined || list?.endedAt === undefined) continue;
    return {
      approvalToWorkflow: approval.closedAt - approvedAt,
      issueOrders: issue.endedAt - approval.closedAt,
      toChildStart: start.scheduledAt - issue.endedAt,
      childStart: start.startedAt - start.scheduledAt,
      listBatch: list.endedAt - start.startedAt,
      waitForNoticeTask: notice.startedAt - list.endedAt,
      sendOrderNotice: sentAt - notice.startedAt,
    };
  }
  return undefined;
}

/**
 * State transitions as Step Functions Standard bills them: every state entered (inside Parallel
 * branches and Map iterations too), plus every retry of a task, which AWS counts again.
 */
export function stateTransitions(events: readonly HistoryEvent[]): number {
  let entered = 0;
  let taskStates = 0;
  let scheduled = 0;
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) entered += 1;
    if (type === 'TaskStateEntered') taskStates += 1;
    if (type === 'TaskScheduled') scheduled += 1;
  }
  return entered + Math.max(0, scheduled - taskStates);
}

/** The largest input, output or task parameters in bytes (UTF-8): the 256 KB limit applies to each. */
export function largestPayloadBytes(events: readonly HistoryEvent[]): { bytes: number; where: string } {
  let largest = { bytes: 0, where: '' };
  for (const event of events) {
    for (const [key, details] of Object.entries(event)) {
      if (!key.endsWith('EventDetails') || details === null || typeof details !== 'object') continue;
      for (const field of ['input', 'output', 'parameters'] as const) {
        const value = (details as Record<string, unknown>)[field];
        if (typeof value !== 'string') continue;
        const bytes = Buffer.byteLength(value, 'utf8');
        if (bytes > largest.bytes) {
          const name = (details as { name?: string }).name;
          largest = { bytes, where: `${event.type}${name ? ` ${name}` : ''} ${field}` };
        }
      }
    }
  }
  return largest;
}

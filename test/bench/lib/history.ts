/**
 * Reading an execution's history as the AWS API returns it: task invocations with their timings,
 * state transitions as Step Functions bills them, and the largest state payload.
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

/** Each Lambda invocation (TaskScheduled) with what it was called with and when it ran. */
export function taskRuns(events: readonly HistoryEvent[]): TaskRun[] {
  const children = childrenByPrevious(events);
  const after = (event: HistoryEvent, types: readonly string[]): HistoryEvent | undefined =>
    (children.get(event.id ?? -1) ?? []).find((child) => types.includes(child.type ?? ''));
  const runs: TaskRun[] = [];
  for (const scheduled of events) {
    if (scheduled.type !== 'TaskScheduled') continue;
    const details = scheduled.taskScheduledEventDetails;
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

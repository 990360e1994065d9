import type { Json } from './paths';

/** What the engine keeps on disk for one execution: enough to resume it after a crash. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** ISO 8601; the HTTP API turns it into epoch seconds like AWS. */
  timestamp: string;
  type: string;
  [detailsKey: string]: unknown;
}

export type Step =
  /** About to enter `stateName` with `input`. */
  | { kind: 'enter' }
  | {
      kind: 'task';
      attemptId: string;
      parameters: Json;
      token?: string;
      /** The Lambda of a waitForTaskToken task returned: only the token can complete it now. */
      submitted: boolean;
      timeoutAt?: string;
      heartbeatAt?: string;
      heartbeatSeconds?: number;
    }
  | { kind: 'wait'; dueAt: string; effectiveInput: Json }
  | { kind: 'retry'; dueAt: string }
  | {
      kind: 'branches';
      /** Inputs of the branches or items, in order; `results` fills in as they finish. */
      inputs: Json[];
      results: Json[];
      started: number;
      finished: number;
      maxConcurrency: number;
    };

export interface ThreadRecord {
  id: string;
  /** The Parallel/Map thread that waits for this one, and the slot of its result. */
  parent?: { threadId: string; slot: number };
  /** Where this thread's `{StartAt, States}` sits in the definition. */
  scope: (string | number)[];
  stateName: string;
  input: Json;
  enteredAt: string;
  /** The id of the event that entered the current state (AWS names it in a States.Runtime cause). */
  enteredEventId?: number;
  lastEventId: number;
  retryCounts: number[];
  step: Step;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  roleArn: string;
  /** The definition as it was when the execution started (AWS runs that version to the end). */
  definition: string;
  timeoutAt?: string;
  /**
   * The parent's task attempt that started this child execution (`executionArn#attemptId`): that
   * attempt, run again after a restart, waits for this child whatever it has become.
   */
  startedBy?: string;
  seq: number;
  threads: Record<string, ThreadRecord>;
  history: HistoryEvent[];
}

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: string;
}

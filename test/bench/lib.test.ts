/** The benchmark's arithmetic: what it reports must be right even though it asserts no timing. */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  caseTaskRuns,
  childStarts,
  largestPayloadBytes,
  noticePath,
  stateTransitions,
  taskRuns,
  timeOutsideTasks,
  type CaseHistories,
} from './lib/history';
import { previousFigures, previousLine } from './lib/previous';
import { priceCase } from './lib/pricing';
import { cpuMilliseconds } from '../support/processes';
import { distribution, inPool, percentile } from './lib/stats';

const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 1) + ms);

/** A history shaped like the local engine's (and AWS's): each event points at the one before it in its thread. */
const history: HistoryEvent[] = [
  { id: 1, previousEventId: 0, timestamp: at(0), type: 'ExecutionStarted' },
  {
    id: 2,
    previousEventId: 1,
    timestamp: at(1),
    type: 'TaskStateEntered',
    stateEnteredEventDetails: { name: 'OpenCase', input: '{"caseId":"C1"}' },
  },
  {
    id: 3,
    previousEventId: 2,
    timestamp: at(2),
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: '{"FunctionName":"arn:aws:lambda:us-east-1:0:function:OpenCase","Payload":{"caseId":"C1"}}',
    },
  },
  { id: 4, previousEventId: 3, timestamp: at(3), type: 'TaskStarted' },
  { id: 5, previousEventId: 4, timestamp: at(40), type: 'TaskFailed' },
  {
    id: 6,
    previousEventId: 5,
    timestamp: at(2040),
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: '{"FunctionName":"arn:aws:lambda:us-east-1:0:function:OpenCase","Payload":{"caseId":"C1"}}',
    },
  },
  { id: 7, previousEventId: 6, timestamp: at(2041), type: 'TaskStarted' },
  {
    id: 8,
    previousEventId: 7,
    timestamp: at(2100),
    type: 'TaskSucceeded',
    taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"procedure":"interim-then-review"}}' },
  },
  {
    id: 9,
    previousEventId: 8,
    timestamp: at(2101),
    type: 'ChoiceStateEntered',
    stateEnteredEventDetails: { name: 'ChooseProcedure', input: 'x'.repeat(500) },
  },
  { id: 10, previousEventId: 9, timestamp: at(2102), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'AwaitApprovals' } },
  {
    id: 11,
    previousEventId: 10,
    timestamp: at(2103),
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
      parameters: '{"FunctionName":"arn:aws:lambda:us-east-1:0:function:StoreTaskToken","Payload":{"purpose":"APPROVAL"}}',
    },
  },
  { id: 12, previousEventId: 11, timestamp: at(2104), type: 'TaskStarted' },
  { id: 13, previousEventId: 12, timestamp: at(2130), type: 'TaskSubmitted' },
  { id: 14, previousEventId: 13, timestamp: at(9000), type: 'TaskSucceeded' },
  { id: 15, previousEventId: 14, timestamp: at(9001), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'AwaitPostReview' } },
  {
    id: 16,
    previousEventId: 15,
    timestamp: at(9001),
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
      parameters: '{"FunctionName":"arn:aws:lambda:us-east-1:0:function:StoreTaskToken","Payload":{"purpose":"REVIEW"}}',
    },
  },
  { id: 17, previousEventId: 16, timestamp: at(9002), type: 'TaskStarted' },
  // The token completed before the Lambda returned: no TaskSubmitted.
  { id: 18, previousEventId: 17, timestamp: at(9010), type: 'TaskSucceeded' },
];

describe('percentiles', () => {
  it.each([
    [50, 5],
    [95, 10],
    [99, 10],
    [10, 1],
  ])('gives the nearest-rank p%i of 1..10 as %i', (p, expected) => {
    // Given ten observations, in no particular order
    const values = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5];
    // Then the percentile is one of them, by nearest rank
    expect(percentile(values, p)).toBe(expected);
  });

  it('summarises an empty sample as not-a-number rather than zero', () => {
    expect(distribution([]).p50).toBeNaN();
  });
});

describe('inPool', () => {
  it('never runs more than its concurrency at once and keeps the order of results', async () => {
    // Given twenty items and a pool of three
    let running = 0;
    let most = 0;
    // When each item takes a turn of the event loop
    const results = await inPool(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return item * 2;
      },
    );
    // Then at most three ran together, and results line up with the items
    expect(most).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe('execution history', () => {
  it('counts each state entered, plus each retry, as a billed transition', () => {
    // Four states entered, and OpenCase tried twice
    expect(stateTransitions(history)).toBe(5);
  });

  it('pairs each invocation with its start and end, a token task ending when its Lambda returned', () => {
    const runs = taskRuns(history);
    expect(
      runs.map((run) => [run.functionName, run.startedAt - at(0).getTime(), (run.endedAt ?? 0) - at(0).getTime(), run.failed]),
    ).toEqual([
      ['OpenCase', 3, 40, true],
      ['OpenCase', 2041, 2100, false],
      ['StoreTaskToken', 2104, 2130, false],
      ['StoreTaskToken', 9002, 9010, false],
    ]);
    expect([runs[2]?.closedBy, runs[2]?.closedAt]).toEqual(['TaskSucceeded', at(9000).getTime()]);
    expect([runs[3]?.closedBy, runs[3]?.closedAt]).toEqual(['TaskSucceeded', at(9010).getTime()]);
  });

  it('finds the largest input, output or parameters in bytes', () => {
    expect(largestPayloadBytes(history)).toEqual({ bytes: 500, where: 'ChoiceStateEntered ChooseProcedure input' });
  });
});

const lambdaScheduled = (id: number, ms: number, functionName: string, payload: unknown, resource = 'invoke'): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  timestamp: at(ms),
  type: 'TaskScheduled',
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource,
    region: 'us-east-1',
    parameters: JSON.stringify({ FunctionName: `arn:aws:lambda:us-east-1:0:function:${functionName}`, Payload: payload }),
  },
});
const next = (id: number, ms: number, type: HistoryEventType, previousEventId = id - 1): HistoryEvent => ({
  id,
  previousEventId,
  timestamp: at(ms),
  type,
});

const CHILD = 'C1-ORDERS-0-0';
/** A case approved at 60 ms whose orders' batch runs as a child execution, its two notices in the child's history. */
const caseWithBatch: CaseHistories = {
  case: [
    next(1, 0, 'ExecutionStarted', 0),
    lambdaScheduled(2, 10, 'StoreTaskToken', { purpose: 'APPROVAL' }, 'invoke.waitForTaskToken'),
    next(3, 11, 'TaskStarted'),
    next(4, 20, 'TaskSubmitted'),
    next(5, 100, 'TaskSucceeded'),
    lambdaScheduled(6, 101, 'IssueOrders', { caseId: 'C1' }),
    next(7, 102, 'TaskStarted'),
    next(8, 300, 'TaskSucceeded'),
    {
      id: 9,
      previousEventId: 8,
      timestamp: at(310),
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType: 'states',
        resource: 'startExecution.sync:2',
        region: 'us-east-1',
        parameters: JSON.stringify({ StateMachineArn: 'arn:aws:states:us-east-1:0:stateMachine:case-batch', Name: CHILD, Input: {} }),
      },
    },
    next(10, 311, 'TaskStarted'),
  ],
  children: new Map([
    [
      CHILD,
      [
        next(1, 350, 'ExecutionStarted', 0),
        lambdaScheduled(2, 351, 'ListBatch', { caseId: 'C1', kind: 'ORDERS', batch: 0 }),
        next(3, 352, 'TaskStarted'),
        next(4, 400, 'TaskSucceeded'),
        lambdaScheduled(5, 405, 'SendOrderNotice', { caseId: 'C1', orderId: 'O1-op-social' }),
        next(6, 406, 'TaskStarted'),
        next(7, 500, 'TaskSucceeded'),
        { ...lambdaScheduled(8, 410, 'SendOrderNotice', { caseId: 'C1', orderId: 'O1-op-webhard' }), previousEventId: 4 },
        next(9, 412, 'TaskStarted'),
        next(10, 520, 'TaskSucceeded'),
      ],
    ],
  ]),
};

describe("a case's execution and its batch children", () => {
  it("counts a child execution's start as no Lambda invocation, and finds the child by the name the case gave it", () => {
    expect(taskRuns(caseWithBatch.case).map((run) => run.functionName)).toEqual(['StoreTaskToken', 'IssueOrders']);
    expect(childStarts(caseWithBatch)).toEqual([{ name: CHILD, scheduledAt: at(310).getTime(), startedAt: at(350).getTime() }]);
    expect(childStarts({ case: caseWithBatch.case, children: new Map() })).toEqual([
      { name: CHILD, scheduledAt: at(310).getTime(), startedAt: undefined },
    ]);
  });

  it("runs the case's tasks and its children's in the order they were scheduled", () => {
    expect(caseTaskRuns(caseWithBatch).map((run) => run.functionName)).toEqual([
      'StoreTaskToken',
      'IssueOrders',
      'ListBatch',
      'SendOrderNotice',
      'SendOrderNotice',
    ]);
  });

  it("splits an order notice's time into parts that follow each other, through the child that sent it", () => {
    // Given the approval's act at 60 ms and the webhard notice recorded sent at 515 ms
    const path = noticePath(caseWithBatch, 'O1-op-webhard', at(60).getTime(), at(515).getTime());
    // Then each part runs from where the one before ended, so they add up to the whole
    expect(path).toEqual({
      approvalToWorkflow: 40,
      issueOrders: 200,
      toChildStart: 10,
      childStart: 40,
      listBatch: 50,
      waitForNoticeTask: 12,
      sendOrderNotice: 103,
    });
    expect(Object.values(path ?? {}).reduce((sum, part) => sum + part, 0)).toBe(515 - 60);
  });

  it('counts the time no task ran in, overlapping tasks once, within the span asked', () => {
    // Tasks run (TaskStarted to end) 102–300 (IssueOrders), 352–400 (ListBatch), 406–500 and 412–520 (the notices, overlapping)
    const runs = caseTaskRuns(caseWithBatch).filter((run) => run.functionName !== 'StoreTaskToken');
    // From 100 to 530: 2 ms before IssueOrders, 52 between it and ListBatch, 6 before the notices, 10 after
    expect(timeOutsideTasks(at(100).getTime(), at(530).getTime(), runs)).toBe(2 + 52 + 6 + 10);
    // A span inside one task: none
    expect(timeOutsideTasks(at(150).getTime(), at(250).getTime(), runs)).toBe(0);
  });

  it('gives no path while the child that sends the notice is not in the histories', () => {
    expect(
      noticePath({ case: caseWithBatch.case, children: new Map() }, 'O1-op-webhard', at(60).getTime(), at(515).getTime()),
    ).toBeUndefined();
    expect(noticePath(caseWithBatch, 'O1-op-overseas', at(60).getTime(), at(515).getTime())).toBeUndefined();
  });
});

describe('pricing', () => {
  it('prices each usage line and adds them up, per case and per 100,000 cases', () => {
    // Given 1,000 transitions and nothing else
    const priced = priceCase({
      stateTransitions: 1000,
      lambdaInvocations: 0,
      lambdaMs: 0,
      dynamoDbReadUnits: 0,
      dynamoDbWriteUnits: 0,
      sesMessages: 0,
      apiRequests: 0,
      logBytes: 0,
    });
    // Then the case costs Step Functions' $0.025 per 1,000 transitions
    expect(priced.totalUsd).toBeCloseTo(0.025, 10);
    expect(priced.per100kUsd).toBeCloseTo(2500, 6);
  });

  it('prices a second of Lambda at 512 MB on arm64', () => {
    const priced = priceCase({
      stateTransitions: 0,
      lambdaInvocations: 1,
      lambdaMs: 1000,
      dynamoDbReadUnits: 0,
      dynamoDbWriteUnits: 0,
      sesMessages: 0,
      apiRequests: 0,
      logBytes: 0,
    });
    expect(priced.totalUsd).toBeCloseTo(0.2 / 1e6 + 0.5 * 0.0000133334, 12);
  });
});

describe('the previous run beside each figure', () => {
  it("gives each figure its own date and load when it ran alone, and the whole run's otherwise", () => {
    const previous = previousFigures({
      machine: { date: '2026-12-01T10:00:00.000Z', loadAverage1mAtStart: 1.2 },
      figures: {
        throughput: { ok: true, summary: '18.2 cases/s' },
        'time-to-notice': { ok: true, summary: 'p99 1097 ms', measuredAt: '2026-12-02T08:30:00.000Z', loadAverage1mAtStart: 3.5 },
        'cold-start': { ok: false, error: 'boom' },
      },
    });

    expect(previousLine(previous.get('throughput'))).toBe('previous: 18.2 cases/s (2026-12-01 10:00 UTC, load 1.2)');
    expect(previousLine(previous.get('time-to-notice'))).toBe('previous: p99 1097 ms (2026-12-02 08:30 UTC, load 3.5)');
    expect(previousLine(previous.get('cold-start'))).toBe('previous: FAILED (2026-12-01 10:00 UTC, load 1.2)');
    expect(previousLine(previous.get('open-cases'))).toBe('previous: none');
    expect(previousFigures('not a run').size).toBe(0);
  });
});

describe('the CPU time of a process, from /proc', () => {
  it('is the time Node itself counts for this process, to the tick', () => {
    // Given some CPU work done by this very process
    const burnUntil = performance.now() + 150;
    let spins = 0;
    while (performance.now() < burnUntil) spins += 1;

    // When its CPU time is read from /proc, between two of Node's own counts
    const before = process.cpuUsage();
    const read = cpuMilliseconds(process.pid);
    const after = process.cpuUsage();

    // Then it lies between them, within the 10 ms ticks /proc counts in (one each for user and system)
    const ms = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;
    expect(spins).toBeGreaterThan(0);
    expect(read).toBeGreaterThanOrEqual(ms(before) - 20);
    expect(read).toBeLessThanOrEqual(ms(after) + 20);
    expect(read).toBeGreaterThanOrEqual(150 - 20);
    // And a process that does not exist has none
    expect(cpuMilliseconds(2 ** 22 + 1)).toBeUndefined();
  });
});

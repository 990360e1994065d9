/**
 * `kill -9` while compliance deadlines are running, down past them, then started again on the same
 * DATA_DIR: nothing is lost, every overdue order is enforced right after start (the engine's timer
 * catch-up, not the sweeper: the sweeper is kept out of the way here), the other cases go on, no
 * execution runs twice, and no notice goes out twice.
 */
import { ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  approveCase,
  audit,
  duplicateNotices,
  eventually,
  executionHistory,
  fileReport,
  findReview,
  listExecutions,
  noticeCounts,
  operatorOrder,
  orderIdFor,
  sfnClient,
  sleep,
  uniqueUrl,
  untilCaseStatus,
  untilNotice,
  untilOrderStatus,
  vote,
  useLocalStack,
} from './support';

const POLICY = {
  id: 'kr-e2e-crash',
  approvalSla: 'PT120S',
  complianceDeadline: 'PT8S',
  reminders: [],
  // Long enough that late compliance is still accepted after the restart.
  lateComplianceGrace: 'PT60S',
  // Long enough that the reviews are still open after the restart; votes close them early.
  postReviewWindow: 'PT120S',
  // Long enough to kill the process while a case waits in it.
  appealWindow: 'PT6S',
  appealReviewWindow: 'PT60S',
};
/** A correctness bound on the engine's catch-up of timers that came due while it was down. */
const CATCH_UP_BOUND_MS = 3000;
const LONG = 45_000;

// The sweeper would enforce deadlines too (a safety net): an hour apart, it cannot hide the engine.
const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '3600' } });
let sfn: SFNClient;

/** Cases whose orders were running when the process died, and one still waiting for approval. */
const running: { caseId: string; orderIds: Record<string, string> }[] = [];
let pendingCaseId: string;
let restartReadyAt: number;

beforeAll(() => {
  sfn = sfnClient(stack);
});

async function stateMachineArn(): Promise<string> {
  const machines = await sfn.send(new ListStateMachinesCommand({}));
  const machine = machines.stateMachines?.find((candidate) => candidate.name === 'case-workflow');
  if (!machine?.stateMachineArn) throw new Error('no case-workflow state machine');
  return machine.stateMachineArn;
}

describe('kill -9 with deadlines running', () => {
  it('loses nothing, enforces every deadline that passed while down right after start, and goes on', async () => {
    // Given two approved cases whose order notices went out, one approved just before the crash,
    // and one still waiting for approval
    // Domestic hosts only: an overseas host is sent a request whose date is never enforced.
    for (const operators of [['op-webhard', 'op-social'], ['op-social']]) {
      const caseId = await fileReport(
        api,
        operators.map((operator) => uniqueUrl(operator as 'op-webhard')),
        'support-center',
      );
      await approveCase(api, caseId);
      const orderIds = Object.fromEntries(operators.map((operator) => [operator, orderIdFor(caseId, operator)]));
      for (const orderId of Object.values(orderIds)) await untilNotice(stack, orderId, 'ORDER', 15_000);
      running.push({ caseId, orderIds });
    }
    // Approved just before the crash: its tasks may be cut off anywhere.
    const lastMinute = await fileReport(api, [uniqueUrl('op-webhard')], 'support-center');
    await approveCase(api, lastMinute);
    const lastMinuteOrder = orderIdFor(lastMinute, 'op-webhard');
    pendingCaseId = await fileReport(api, [uniqueUrl('op-social')], 'staff-kim');
    const keyed = {
      urls: [uniqueUrl('op-overseas')],
      category: 'CHILD_SEXUAL_EXPLOITATION',
      reporter: { kind: 'POLICE' },
      victimConsent: false,
    };
    const keyedFiling = await api.post('support-center', '/reports', keyed, { headers: { 'Idempotency-Key': 'crash-replay-1' } });
    expect(keyedFiling.status).toBe(201);
    const deadlines = await Promise.all(
      running.flatMap(({ orderIds }) =>
        Object.entries(orderIds).map(async ([operator, orderId]) => Date.parse((await operatorOrder(api, operator, orderId)).deadlineAt)),
      ),
    );

    // When the process group is killed, stays down past every deadline, and starts again
    await stack.kill9();
    await sleep(Math.max(...deadlines) + 1000 - Date.now());
    await stack.restart();
    restartReadyAt = Date.now();

    // Then every case is there
    for (const caseId of [...running.map((entry) => entry.caseId), pendingCaseId]) {
      const read = await api.get('auditor-1', `/cases/${caseId}`);
      expect(read.status, caseId).toBe(200);
    }
    expect((await api.get('staff-lee', `/cases/${pendingCaseId}`)).body.status).toBe('PENDING_APPROVAL');
    const replay = await api.post('support-center', '/reports', keyed, { headers: { 'Idempotency-Key': 'crash-replay-1' } });
    expect(replay.status).toBe(200);
    expect(replay.body.caseId).toBe(keyedFiling.body.caseId);

    // And every order whose deadline passed while down turns OVERDUE within the bound of `ready`
    for (const { caseId, orderIds } of running) {
      for (const [operator, orderId] of Object.entries(orderIds)) {
        const order = await untilOrderStatus(api, operator, orderId, 'OVERDUE', 15_000);
        expect(Date.parse(order.deadlineAt)).toBeLessThan(restartReadyAt);
        const overdue = await eventually(async () => {
          const event = (await audit(api, caseId)).events.find(
            (candidate) => candidate.action === 'ORDER_OVERDUE' && candidate.details.orderId === orderId,
          );
          if (!event) throw new Error(`no ORDER_OVERDUE event for ${orderId}`);
          return event;
        }, 10_000);
        const overdueAt = Date.parse(overdue.at);
        expect(overdueAt).toBeGreaterThanOrEqual(Date.parse(order.deadlineAt));
        expect(
          overdueAt - restartReadyAt,
          `${orderId} overdue at ${overdue.at}, ready at ${new Date(restartReadyAt).toISOString()}`,
        ).toBeLessThanOrEqual(CATCH_UP_BOUND_MS);
      }
    }

    // And the case approved at the last minute gets its one order notice and is enforced too (its
    // notice may wait for a claim cut off by the crash to expire, so no catch-up bound applies)
    await untilOrderStatus(api, 'op-webhard', lastMinuteOrder, 'OVERDUE', 90_000);
    running.push({ caseId: lastMinute, orderIds: { 'op-webhard': lastMinuteOrder } });

    // And a pending case goes on: approved now, its order is issued and complied with in time
    await approveCase(api, pendingCaseId);
    const pendingOrder = orderIdFor(pendingCaseId, 'op-social');
    await eventually(() => operatorOrder(api, 'op-social', pendingOrder), 15_000);
    const complied = await api.post('op-social', `/operator/orders/${pendingOrder}/compliance`, { action: 'DELETED' });
    expect(complied.body).toMatchObject({ orderId: pendingOrder, status: 'COMPLIED' });
    running.push({ caseId: pendingCaseId, orderIds: { 'op-social': pendingOrder } });

    // And an overdue order still takes late compliance
    const late = await api.post('op-webhard', `/operator/orders/${running[0]!.orderIds['op-webhard']}/compliance`, { action: 'DELETED' });
    expect(late.body).toMatchObject({ status: 'COMPLIED_LATE' });
  }, 180_000);

  it('runs every execution to completion once, and sends no notice twice', async () => {
    // Given the cases of the crash, decided by the committee now
    for (const { caseId } of running) {
      const review = await findReview(api, caseId, 'POST_REVIEW');
      await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');
    }
    // Orders left overdue run to the end of their grace period before their case can close.
    for (const { caseId } of running) await untilCaseStatus(api, caseId, 'CLOSED', 90_000);

    // Then each case had one execution, which succeeded once
    const executions = await listExecutions(sfn, await stateMachineArn());
    for (const { caseId } of running) {
      const mine = executions.filter((execution) => execution.name === caseId);
      expect(mine, caseId).toHaveLength(1);
      expect(mine[0]!.status).toBe('SUCCEEDED');
      const history = await executionHistory(sfn, mine[0]!.executionArn!);
      const ends = history.filter((event) =>
        ['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'].includes(event.type ?? ''),
      );
      expect(
        ends.map((event) => event.type),
        caseId,
      ).toEqual(['ExecutionSucceeded']);
      expect(
        history.filter((event) => event.type === 'ExecutionStarted'),
        caseId,
      ).toHaveLength(1);
    }

    // And every notice event went out exactly once
    expect(await duplicateNotices(stack)).toEqual([]);
    for (const { orderIds } of running) {
      for (const orderId of Object.values(orderIds)) {
        const counts = await noticeCounts(stack, orderId);
        expect(counts.ORDER, orderId).toBe(1);
        expect(counts.CONFIRMED, orderId).toBe(1);
      }
    }
    // And the audit chains hold each event once, however often a task ran again after the crash
    for (const { caseId, orderIds } of running) {
      const chain = await audit(api, caseId);
      expect(chain.verified, caseId).toBe(true);
      for (const orderId of Object.values(orderIds)) {
        for (const action of ['ORDER_ISSUED', 'ORDER_OVERDUE', 'ORDER_CONFIRMED']) {
          const count = chain.events.filter((event) => event.action === action && event.details.orderId === orderId).length;
          expect(count, `${action} of ${orderId}`).toBeLessThanOrEqual(1);
        }
        const sent = chain.events.filter((event) => event.action === 'NOTICE_SENT' && event.details.orderId === orderId);
        expect(new Set(sent.map((event) => event.details.kind)).size, `notices of ${orderId}`).toBe(sent.length);
      }
    }
  }, 180_000);

  it('fires a Wait state (the appeal window) that came due while down, and the case closes', async () => {
    // Given a confirmed case waiting out its appeal window
    const caseId = await fileReport(api, [uniqueUrl('op-social')], 'support-center');
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-social');
    await eventually(() => operatorOrder(api, 'op-social', orderId), 15_000);
    expect((await api.post('op-social', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' })).status).toBe(200);
    const review = await findReview(api, caseId, 'POST_REVIEW');
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');
    await untilCaseStatus(api, caseId, 'APPEAL_WINDOW', LONG);
    const { appealDeadline } = await operatorOrder(api, 'op-social', orderId);

    // When the process dies and stays down past the window's end
    await stack.kill9();
    await sleep(Date.parse(appealDeadline) + 1000 - Date.now());
    await stack.restart();

    // Then the wait fires at once and the case closes, with one execution that succeeded once
    await untilCaseStatus(api, caseId, 'CLOSED', 15_000);
    const execution = (await listExecutions(sfn, await stateMachineArn())).filter((candidate) => candidate.name === caseId);
    expect(execution.map((candidate) => candidate.status)).toEqual(['SUCCEEDED']);
    const history = await executionHistory(sfn, execution[0]!.executionArn!);
    expect(history.filter((event) => event.type === 'ExecutionSucceeded')).toHaveLength(1);
    expect(await noticeCounts(stack, orderId)).toEqual({ ORDER: 1, CONFIRMED: 1 });
  }, 120_000);
});

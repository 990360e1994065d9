/**
 * Staff extend or pause an order's deadline while the real ASL waits for it: the workflow's timers
 * follow the stored deadline, never the one they were set for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlineChangeRequestSchema } from '../../shared/domain/deadline-changes';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import { nowIso } from '../../shared/runtime/clock';
import { changeDeadline } from '../../shared/services/staff-orders';
import { getOrder } from '../../shared/store/repository';
import { FAST_POLICY, startWorkflowHarness, type WorkflowHarness } from './harness';
import { approve, comply, file, staff, vote } from './people';

/** Six seconds to comply, so that an extension or a pause lands well before the deadline. */
const POLICY = { ...FAST_POLICY, id: 'kr-deadline-changes-test', complianceDeadline: 'PT6S' } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const untilPast = (at: string, marginMs = 300) => sleep(Math.max(0, Date.parse(at) - Date.now() + marginMs));
const request = (body: object) => deadlineChangeRequestSchema.parse(body);

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness(POLICY);
});
afterAll(async () => {
  await h?.close();
});

async function orderAwaitingCompliance(url: string, operatorId: string): Promise<{ caseId: string; orderId: string; deadlineAt: string }> {
  const caseId = await file([url]);
  await h.until({ caseId, state: 'AwaitApprovals' });
  await approve(caseId);
  // The committee confirms at once: the decision track is not what these tests are about.
  await h.until({ caseId, state: 'AwaitPostReview' });
  await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM']);
  await h.until({ caseId, state: 'AwaitCompliance' });
  const orderId = orderIdFor(caseId, operatorId);
  const deadlineAt = (await getOrder(orderId))?.deadlineAt;
  if (deadlineAt === undefined) throw new Error('the order notice was accepted, so its deadline runs');
  return { caseId, orderId, deadlineAt };
}

describe('deadline changes in the running workflow', () => {
  it('extended, then complied after the original deadline but before the new one: COMPLIED, never overdue, no fine', async () => {
    // Given an order waiting for compliance
    const { caseId, orderId, deadlineAt } = await orderAwaitingCompliance('https://webhard.example/v/ext', 'op-webhard');
    // When staff extend its deadline by 6 seconds
    const answer = await changeDeadline(staff.kim, orderId, request({ extendBy: 'PT6S', reason: 'Clarification requested' }), nowIso());
    expect(answer.deadlineAt).toBe(new Date(Date.parse(deadlineAt) + 6000).toISOString());
    // Then the workflow waits again, for the new deadline
    await h.until({ caseId, state: 'AwaitCompliance', nth: 2 });
    // And compliance after the original deadline has passed is on time
    await untilPast(deadlineAt);
    expect(await comply('op-webhard', orderId)).toBe('COMPLIED');
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    const order = await getOrder(orderId);
    expect(order).toMatchObject({ complianceStatus: 'COMPLIED', deadlineAt: answer.deadlineAt });
    expect(order?.overdueAt).toBeUndefined();
    expect(order?.fine).toBeUndefined();
    expect(h.events(caseId).filter((e) => e.state === 'EnforceDeadline')).toEqual([]);
    // And the operator was told of the new deadline, to the second, in UTC and local time
    const notice = h.mails(caseId).find((mail) => mail.subject.startsWith('[기한 연장]'));
    expect(notice?.text).toContain(answer.deadlineAt);
    expect(notice?.text).toContain('Clarification requested');
  });

  it('paused, then resumed: not overdue at the original deadline, overdue at the deadline moved by the time paused', async () => {
    // Given an order waiting for compliance
    const { caseId, orderId, deadlineAt } = await orderAwaitingCompliance('https://social.example/p/paused', 'op-social');
    // When staff pause its deadline
    const paused = await changeDeadline(staff.kim, orderId, request({ pause: true, reason: 'Force majeure: outage' }), nowIso());
    expect(paused.deadlineAt).toBeUndefined();
    expect(paused.deadlinePausedAt).toBeDefined();
    await h.until({ caseId, state: 'AwaitDeadlineResumed' });
    // Then the original deadline passes without the order falling overdue
    await untilPast(deadlineAt, 1500);
    expect((await getOrder(orderId))?.complianceStatus).toBe('ISSUED');
    // When staff resume it
    const resumedAt = nowIso();
    const resumed = await changeDeadline(staff.kim, orderId, request({ resume: true, reason: 'Outage over' }), resumedAt);
    const pausedMs = Date.parse(resumedAt) - Date.parse(paused.deadlinePausedAt ?? '');
    const shifted = Date.parse(deadlineAt) + pausedMs;
    expect(Date.parse(resumed.deadlineAt ?? '')).toBeGreaterThanOrEqual(shifted);
    expect(Date.parse(resumed.deadlineAt ?? '')).toBeLessThan(shifted + 1000);
    // Then the workflow enforces the shifted deadline, not before it
    const enforced = await h.until({ caseId, state: 'EnforceDeadline', phase: 'end' });
    expect(enforced.result).toMatchObject({ outcome: 'OVERDUE' });
    const order = await getOrder(orderId);
    expect(order?.complianceStatus).toBe('OVERDUE');
    expect(Date.parse(order?.overdueAt ?? '')).toBeGreaterThan(Date.parse(resumed.deadlineAt ?? ''));
    expect(order?.deadlineChanges?.map((c) => c.change)).toEqual(['PAUSED', 'RESUMED']);
    const record = await h.finished(caseId);
    expect(record.status).toBe('CLOSED');
    const subjects = h.mails(caseId).map((mail) => mail.subject);
    expect(subjects.filter((s) => s.startsWith('[기한 정지]') || s.startsWith('[기한 재개]'))).toHaveLength(2);
  });
});

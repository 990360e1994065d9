/**
 * Issue 11 over HTTP against the local stack: staff extend an order's deadline with a reason, the
 * operator is told, and compliance after the original deadline (but before the new one) is on time.
 */
import { describe, expect, it } from 'vitest';
import {
  approveCase,
  E2E_DURATIONS,
  emails,
  eventually,
  fileReport,
  LONG,
  operatorOrder,
  orderIdFor,
  sleep,
  uniqueUrl,
  untilDeadlineRuns,
  useLocalStack,
} from './support';

const POLICY = { id: 'kr-e2e-deadline-changes', ...E2E_DURATIONS };
const EXTENSION_MS = 30_000;

const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '1' } });

describe('a deadline extended, then met', () => {
  it('is COMPLIED, not COMPLIED_LATE, after the original deadline passed', async () => {
    // Given an approved case whose order notice reached op-webhard, so its deadline runs
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')], 'support-center');
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-webhard');
    const original = (await untilDeadlineRuns(api, 'op-webhard', orderId)).deadlineAt as string;

    // A resume of a deadline that is not paused makes no sense: 409
    const refused = await api.post('staff-kim', `/orders/${orderId}/deadline`, { resume: true, reason: 'nothing paused' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    // Without a reason: 400
    expect((await api.post('staff-kim', `/orders/${orderId}/deadline`, { extendBy: 'PT30S' })).status).toBe(400);
    // An operator may not move its own deadline
    expect((await api.post('op-webhard', `/orders/${orderId}/deadline`, { extendBy: 'PT30S', reason: 'please' })).status).toBe(403);

    // When staff extend it by 30 seconds, with a reason
    const extended = await api.post('staff-kim', `/orders/${orderId}/deadline`, {
      extendBy: 'PT30S',
      reason: 'The operator asked for clarification.',
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(extended.body.deadlineAt).toBe(new Date(Date.parse(original) + EXTENSION_MS).toISOString());
    expect(extended.body.deadlineChanges).toMatchObject([{ change: 'EXTENDED', extendBy: 'PT30S', previousDeadlineAt: original }]);

    // Then the operator sees the new deadline, and is told of it by e-mail, to the second
    expect((await operatorOrder(api, 'op-webhard', orderId)).deadlineAt).toBe(extended.body.deadlineAt);
    const notice = await eventually(async () => {
      const found = (await emails(stack)).find((email) => email.subject.includes(orderId) && email.subject.startsWith('[기한 연장]'));
      if (!found) throw new Error('no deadline notice yet');
      return found;
    }, LONG);
    expect(notice.body.text).toContain(extended.body.deadlineAt);

    // When the original deadline has passed (the workflow's first timer, and the sweeper, had their chance)
    await sleep(Math.max(0, Date.parse(original) - Date.now()) + 3000);
    expect((await operatorOrder(api, 'op-webhard', orderId)).complianceStatus).not.toBe('OVERDUE');
    // And the operator complies before the new deadline
    const complied = await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
    expect(complied.status, JSON.stringify(complied.body)).toBe(200);

    // Then compliance is on time, and no overdue notice went out
    const order = await operatorOrder(api, 'op-webhard', orderId);
    expect(order.complianceStatus).toBe('COMPLIED');
    expect((await emails(stack)).filter((email) => email.subject.includes(orderId) && email.subject.startsWith('[기한 경과]'))).toEqual([]);
  }, 120_000);
});

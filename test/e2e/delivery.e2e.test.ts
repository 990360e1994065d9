/**
 * CONTRACT.md section 9 over HTTP: one of three operators' contact is SES's bounce simulator. Its
 * order is UNDELIVERED and its clock does not run, staff are told; the other two comply, the
 * post-review runs and the appeal window passes without waiting for it; the audit chain records the
 * bounce; once staff fix the contact and resend, the order's deadline runs from the resend, and the
 * case closes when that order is settled too.
 */
import { describe, expect, it } from 'vitest';
import {
  approveCase,
  audit,
  E2E_DURATIONS,
  emails,
  eventually,
  fileReport,
  findReview,
  LONG,
  orderIdFor,
  uniqueUrl,
  untilCaseStatus,
  untilNotice,
  vote,
  useLocalStack,
} from './support';

const POLICY = { id: 'kr-e2e-delivery', ...E2E_DURATIONS, resendWindow: 'PT120S' };
const BOUNCE = 'bounce@simulator.amazonses.com';

const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '1' } });

async function order(caseId: string, orderId: string): Promise<any> {
  const answer = await api.get('staff-kim', `/cases/${caseId}`);
  expect(answer.status).toBe(200);
  return (answer.body.orders as any[]).find((candidate) => candidate.orderId === orderId);
}

describe('an order notice that bounces', () => {
  it('affects its own order only, and runs its deadline from the resend once staff fix the contact', async () => {
    // Given op-social's contact is an address that bounces
    const patched = await api.patch('staff-kim', '/operators/op-social', { contactEmails: [BOUNCE] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    // When a case naming three operators is approved
    const caseId = await fileReport(api, [uniqueUrl('op-webhard'), uniqueUrl('op-social'), uniqueUrl('op-overseas')], 'support-center');
    await approveCase(api, caseId);
    const [webhard, social, overseas] = ['op-webhard', 'op-social', 'op-overseas'].map((operator) => orderIdFor(caseId, operator)) as [
      string,
      string,
      string,
    ];

    // Then the social order becomes UNDELIVERED without a deadline, and staff are told how to fix it
    const undelivered = await eventually(async () => {
      const current = await order(caseId, social);
      expect(current?.status).toBe('UNDELIVERED');
      return current;
    }, LONG);
    expect(undelivered.deadlineAt).toBeUndefined();
    expect(undelivered.undeliveredReason).toMatch(/Permanent/);
    expect(undelivered.notices).toEqual([expect.objectContaining({ kind: 'ORDER', status: 'BOUNCED', to: [BOUNCE] })]);
    await eventually(async () => {
      const alerts = (await emails(stack)).filter((email) => email.subject.includes(`Order ${social} could not be delivered`));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.body.text).toContain(`POST /orders/${social}/resend`);
    }, LONG);
    const board = await api.get('staff-kim', '/orders');
    expect(board.body.orders.find((entry: any) => entry.orderId === social)).toMatchObject({ status: 'UNDELIVERED', open: true });

    // And the other two orders, the post-review and the appeal window go on without it
    for (const [operator, orderId] of [
      ['op-webhard', webhard],
      ['op-overseas', overseas],
    ] as const) {
      await untilNotice(stack, orderId, 'ORDER');
      const complied = await api.post(operator, `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
      expect(complied.body.status).toBe('COMPLIED');
    }
    const review = await findReview(api, caseId, 'POST_REVIEW');
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');
    await untilCaseStatus(api, caseId, 'APPEAL_WINDOW', LONG);
    // The social order's compliance never started: nothing may be overdue or fined for it
    expect(await order(caseId, social)).toMatchObject({ status: 'UNDELIVERED' });

    // When staff fix the contact and send the notice again
    const fixed = await api.patch('staff-kim', '/operators/op-social', { contactEmails: ['legal@social.example'] });
    expect(fixed.status).toBe(200);
    const before = Date.now();
    const resent = await api.post('staff-lee', `/orders/${social}/resend`);
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    const after = Date.now();

    // Then its deadline runs from the resend, and the operator can comply
    expect(resent.body.status).toBe('CONFIRMED');
    const deadline = Date.parse(resent.body.deadlineAt);
    expect(deadline).toBeGreaterThanOrEqual(before + 10_000);
    expect(deadline).toBeLessThanOrEqual(after + 10_000 + 61_000);
    const notices = (await order(caseId, social)).notices as any[];
    // (confirmed while its notice did not arrive, the order's confirmation follows the resent notice)
    expect(notices.map((notice) => [notice.kind, notice.to])).toEqual([
      ['ORDER', [BOUNCE]],
      ['ORDER', ['legal@social.example']],
      ['CONFIRMED', ['legal@social.example']],
    ]);
    expect((await api.post('op-social', `/operator/orders/${social}/compliance`, { action: 'DELETED' })).body.status).toBe('COMPLIED');

    // And the case closes, its chain recording the bounce and the resend
    await untilCaseStatus(api, caseId, 'CLOSED', LONG * 2);
    const chain = await audit(api, caseId);
    expect(chain.verified).toBe(true);
    const actions = chain.events.map((event: any) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['ORDER_UNDELIVERED', 'ORDER_NOTICE_RESENT', 'CASE_CLOSED']));
    expect(chain.events.find((event: any) => event.action === 'ORDER_UNDELIVERED').details).toMatchObject({
      orderId: social,
      status: 'BOUNCED',
    });
    // The contact change itself is on the operator's own chain, and its old and new contacts were told
    const registry = await api.get('auditor-1', '/operators/op-social/audit');
    expect(registry.body.verified).toBe(true);
    expect(registry.body.events.filter((event: any) => event.action === 'OPERATOR_UPDATED').length).toBeGreaterThanOrEqual(2);
    const changed = (await emails(stack)).filter((email) => email.subject.includes('[연락처 변경]'));
    expect(changed.map((email) => email.destination.to.sort())).toContainEqual([BOUNCE, 'legal@social.example'].sort());
  });
});

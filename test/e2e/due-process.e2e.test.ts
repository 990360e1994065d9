/**
 * Issue 11's remedies and policy versions over HTTP, on one local stack: a post-review that revokes
 * a complied order sends its operator a REINSTATE instruction naming what to restore, the operator
 * answers it, and the reporter is told in plain words; then the stack restarts on the same DATA_DIR
 * under another policy, and a case filed before keeps its policy version and its deadlines while a
 * case filed after binds the new one.
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
  operatorOrder,
  orderIdFor,
  uniqueUrl,
  untilDeadlineRuns,
  untilOrderStatus,
  useLocalStack,
  vote,
} from './support';

const FIRST_POLICY = { id: 'kr-e2e-due-process', ...E2E_DURATIONS, complianceDeadline: 'PT5M' };
/** After the restart: another id, another deadline, so that a case bound to the first cannot be confused with it. */
const SECOND_POLICY = { id: 'kr-e2e-due-process-2', ...E2E_DURATIONS, complianceDeadline: 'PT9M' };
const REPORTER_ADDRESS = 'survivor.due-process@example.org';

const { stack, api } = useLocalStack({ policy: FIRST_POLICY, env: { SWEEP_INTERVAL_SECONDS: '1' } });

async function caseView(caseId: string): Promise<any> {
  const answer = await api.get('staff-kim', `/cases/${caseId}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

describe('a revoked order', () => {
  it('sends a REINSTATE instruction naming the URL, which the operator acknowledges, and the reporter hears the outcome', async () => {
    // Given a support centre's report (with e-mail updates), approved, and complied with
    const url = uniqueUrl('op-webhard');
    const caseId = await fileReport(api, [url], 'support-center', { notify: { email: REPORTER_ADDRESS, language: 'en' } });
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-webhard');
    await eventually(() => operatorOrder(api, 'op-webhard', orderId), LONG);
    const complied = await api.post('op-webhard', `/operator/orders/${orderId}/compliance`, { action: 'DELETED' });
    expect(complied.status, JSON.stringify(complied.body)).toBe(200);

    // When the committee revokes the order in its post-review
    const review = await findReview(api, caseId, 'POST_REVIEW', 'member-1', LONG);
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'REVOKE');
    await untilOrderStatus(api, 'op-webhard', orderId, 'REVOKED', LONG);

    // Then the operator is e-mailed an instruction that says what to restore and how to answer
    const instruction = await eventually(async () => {
      const found = (await emails(stack)).find((email) => email.subject.startsWith(`[게시물 복원 요청] ${orderId}`));
      if (!found) throw new Error('no REINSTATE instruction yet');
      return found;
    }, LONG);
    expect(instruction.destination.to).toEqual(['notices@webhard.example']);
    expect(instruction.body.text).toContain(url);
    expect(instruction.body.text).toContain('복원할 게시물 URL (1건)');
    expect(instruction.body.text).toContain(`/operator/orders/${orderId}/reinstatement`);
    expect((await operatorOrder(api, 'op-webhard', orderId)).reinstatement).toMatchObject({ instruction: 'REINSTATE', status: 'PENDING' });

    // When the operator reports the content restored (twice: a retry is harmless)
    const body = { action: 'RESTORED', note: 'restored from our archive' };
    const answered = await api.post('op-webhard', `/operator/orders/${orderId}/reinstatement`, body);
    const again = await api.post('op-webhard', `/operator/orders/${orderId}/reinstatement`, body);

    // Then the order shows the answer, once, and the chain has it
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(again.status).toBe(200);
    expect(answered.body.reinstatement).toMatchObject({ status: 'DONE', action: 'RESTORED' });
    expect((await operatorOrder(api, 'op-webhard', orderId)).reinstatement).toMatchObject({ status: 'DONE', action: 'RESTORED' });
    const chain = await audit(api, caseId);
    expect(chain.verified).toBe(true);
    const actions = chain.events.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['ORDER_REVOKED', 'REINSTATEMENT_REPORTED']));
    expect(actions.filter((action) => action === 'REINSTATEMENT_REPORTED')).toHaveLength(1);
    expect(JSON.stringify(chain.events)).not.toContain('restored from our archive');

    // And the reporter's view and its e-mail say in plain words that the order was lifted
    const reports = await api.get('support-center', '/reports');
    const report = (reports.body.reports as any[]).find((candidate) => candidate.caseId === caseId);
    expect(report.outcomes).toEqual([{ url, outcome: 'LIFTED_AFTER_REMOVAL' }]);
    expect(JSON.stringify(report)).not.toContain('restored from our archive');
    const told = await eventually(async () => {
      const mail = (await emails(stack)).filter(
        (email) => email.destination.to.includes(REPORTER_ADDRESS) && (email.body.text ?? '').includes('lifted the order'),
      );
      expect(mail).toHaveLength(1);
      return mail[0];
    }, LONG);
    expect(told?.body.text).toContain('The committee lifted the order; the content may be restored');
    expect(told?.body.text).not.toContain('webhard.example>');
  });
});

describe('a policy change between two runs on one DATA_DIR', () => {
  it('leaves a case filed before on its policy version and deadlines; a case filed after binds the new policy', async () => {
    // Given a case filed and approved under the first policy, its order's deadline running
    const before = await fileReport(api, [uniqueUrl('op-social')], 'support-center');
    await approveCase(api, before);
    const orderId = orderIdFor(before, 'op-social');
    const order = await untilDeadlineRuns(api, 'op-social', orderId);
    const bound = await caseView(before);
    expect(bound.policyId).toBe(FIRST_POLICY.id);
    expect(bound.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(order.deadlineAt) - Date.parse(order.issuedAt)).toBeGreaterThanOrEqual(5 * 60_000);

    // When the stack is stopped and started again on the same data under another policy file
    await stack.restart({ policy: SECOND_POLICY });

    // Then the first case is still bound to the first policy, which is still served by its version
    const after = await caseView(before);
    expect(after.policyId).toBe(FIRST_POLICY.id);
    expect(after.policyVersion).toBe(bound.policyVersion);
    const firstVersion = await api.get('auditor-1', `/policies/${bound.policyVersion}`);
    expect(firstVersion.status, JSON.stringify(firstVersion.body)).toBe(200);
    expect(firstVersion.body).toMatchObject({ version: bound.policyVersion, policy: { id: FIRST_POLICY.id, complianceDeadline: 'PT5M' } });
    // And its order keeps the deadline stored when its notice was accepted
    const kept = await operatorOrder(api, 'op-social', orderId);
    expect(kept.deadlineAt).toBe(order.deadlineAt);

    // When a case is filed after the restart
    const later = await fileReport(api, [uniqueUrl('op-social')], 'support-center');

    // Then it binds the second policy, a different version
    const current = await api.get('auditor-1', '/policies/current');
    expect(current.body.policy.id).toBe(SECOND_POLICY.id);
    const laterCase = await caseView(later);
    expect(laterCase.policyId).toBe(SECOND_POLICY.id);
    expect(laterCase.policyVersion).toBe(current.body.version);
    expect(laterCase.policyVersion).not.toBe(bound.policyVersion);
  });
});

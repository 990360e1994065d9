import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../shared/domain/errors';
import type { CaseRecord } from '../../../shared/domain/model';
import { tokenPurpose } from '../../../shared/domain/waits';
import { decideApproval } from '../../../shared/services/approvals';
import { sweep } from '../../../shared/services/sweeper';
import { refs } from '../../../shared/store/keys';
import { getCase, getTaskToken } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase, crashAfterCommit, givenLiveWait, plus, unsettledOfCase } from './world-steps';

const NOW = '2026-03-02T00:30:00.000Z';
const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });
const approvedBy = (by: string) => ({ by, at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' as const });
const APPROVAL = tokenPurpose.approval();

const world = useWorld();
async function givenCase(overrides: Partial<CaseRecord> = {}): Promise<void> {
  await plant.case(aCase(overrides));
}
const givenApprovalWait = () => givenLiveWait(world, CASE_ID, APPROVAL, 'token-approval', NOW);
const lastEvent = async () => (await chainOfCase(CASE_ID)).at(-1);

describe('decideApproval', () => {
  it('records a first approval and leaves the case pending', async () => {
    // Given a pending case whose workflow waits for the approval
    await givenCase();
    await givenApprovalWait();

    // When one staff member approves
    const answer = await decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW);

    // Then the approval is recorded, the case still waits for the second one, and so does the workflow
    expect(answer).toEqual({ caseId: CASE_ID, status: 'PENDING_APPROVAL', approvals: [{ by: 'staff-lee', at: NOW, decision: 'APPROVE' }] });
    const stored = await getCase(CASE_ID);
    expect(stored).toMatchObject({ status: 'PENDING_APPROVAL', approvals: [{ by: 'staff-lee', at: NOW, decision: 'APPROVE' }] });
    expect(stored).not.toHaveProperty('ordersIssuedAt');
    expect(await lastEvent()).toMatchObject({
      action: 'APPROVAL_GIVEN',
      actor: 'staff-lee',
      at: NOW,
      details: { decision: 'APPROVE', approvalsSoFar: 1, status: 'PENDING_APPROVAL' },
    });
    expect(world.completedWaits).toEqual([]);
    expect(await getTaskToken(CASE_ID, APPROVAL)).toBe('token-approval');
  });

  it('issues the orders with the approval that completes the count: one event that starts the clock, and the wait completed', async () => {
    // Given a case with one approval, whose workflow waits
    await givenCase({ approvals: [approvedBy('staff-lee')] });
    await givenApprovalWait();

    // When the second staff member approves
    const answer = await decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'clear case' }, NOW);

    // Then
    expect(answer.status).toBe('ORDERS_ISSUED');
    expect(answer.approvals.map((approval) => approval.by)).toEqual(['staff-lee', 'staff-park']);
    expect(await getCase(CASE_ID)).toMatchObject({
      status: 'ORDERS_ISSUED',
      ordersIssuedAt: NOW,
      approvals: [approvedBy('staff-lee'), { by: 'staff-park', at: NOW, decision: 'APPROVE', reason: 'clear case' }],
    });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'APPROVAL_GIVEN']);
    const event = await lastEvent();
    expect(event?.details).toEqual({ decision: 'APPROVE', approvalsSoFar: 2, status: 'ORDERS_ISSUED', ordersIssuedAt: NOW });
    // The reason may describe the content: it stays on the case, out of the chain
    expect(JSON.stringify(await chainOfCase(CASE_ID))).not.toContain('clear case');
    expect(world.completedWaits).toEqual([{ token: 'token-approval', output: { decision: 'APPROVED' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('ends the urgent track with one rejection', async () => {
    // Given
    await givenCase({ approvals: [approvedBy('staff-lee')] });
    await givenApprovalWait();

    // When
    const answer = await decideApproval(staff('staff-park'), CASE_ID, { decision: 'REJECT', reason: 'not illegal' }, NOW);

    // Then
    expect(answer.status).toBe('REJECTED');
    expect(await getCase(CASE_ID)).not.toHaveProperty('ordersIssuedAt');
    expect(await lastEvent()).toMatchObject({
      action: 'APPROVAL_REFUSED',
      actor: 'staff-park',
      details: { decision: 'REJECT', approvalsSoFar: 2, status: 'REJECTED' },
    });
    expect(world.completedWaits).toEqual([{ token: 'token-approval', output: { decision: 'REJECTED' } }]);
  });

  it('needs policy.urgentApprovals approvals', async () => {
    // Given a policy that asks for one approval
    await world.reset({ urgentApprovals: 1 });
    await givenCase();

    // When
    const answer = await decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW);

    // Then
    expect(answer.status).toBe('ORDERS_ISSUED');
    expect(await getCase(CASE_ID)).toMatchObject({ ordersIssuedAt: NOW });
  });

  it.each([
    ['the filer approves', {}, 'staff-kim', ForbiddenError],
    ['the same member approves twice', { approvals: [approvedBy('staff-lee')] }, 'staff-lee', ConflictError],
    ['the case was rejected', { status: 'REJECTED' as const }, 'staff-lee', ConflictError],
    ['the orders were issued', { status: 'ORDERS_ISSUED' as const, ordersIssuedAt: NOW }, 'staff-lee', ConflictError],
  ])('refuses when %s, changing nothing', async (_, overrides, userId, errorClass) => {
    // Given
    await givenCase(overrides);
    await givenApprovalWait();
    const before = await getCase(CASE_ID);

    // When
    const decision = decideApproval(staff(userId), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW);

    // Then
    await expect(decision).rejects.toBeInstanceOf(errorClass);
    expect(await getCase(CASE_ID)).toEqual(before);
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED']);
    expect(world.completedWaits).toEqual([]);
  });

  it('refuses someone who is not staff', async () => {
    await givenCase();
    await expect(
      decideApproval({ userId: 'member-1', roles: ['committee'] }, CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it.each([CASE_ID, 'not-a-case', `${CASE_ID}X`])('answers NotFound for a case that does not exist (%s)', async (caseId) => {
    await expect(
      decideApproval(staff('staff-lee'), caseId, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('counts two approvals sent at once, and issues the orders once', async () => {
    // Given a pending case without approvals, whose workflow waits
    await givenCase();
    await givenApprovalWait();

    // When two staff members approve at the same moment
    const answers = await Promise.all([
      decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
      decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
    ]);

    // Then both count: the later one completed the count, in the one event that issued the orders
    expect(answers.map((answer) => answer.status).sort()).toEqual(['ORDERS_ISSUED', 'PENDING_APPROVAL']);
    expect((await getCase(CASE_ID))?.approvals.map((approval) => approval.by).sort()).toEqual(['staff-lee', 'staff-park']);
    const chain = await chainOfCase(CASE_ID);
    expect(chain.map((event) => [event.action, event.details.approvalsSoFar, event.details.status])).toEqual([
      ['REPORT_FILED', undefined, undefined],
      ['APPROVAL_GIVEN', 1, 'PENDING_APPROVAL'],
      ['APPROVAL_GIVEN', 2, 'ORDERS_ISSUED'],
    ]);
    expect(world.completedWaits).toEqual([{ token: 'token-approval', output: { decision: 'APPROVED' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('lets a rejection sent at the same moment as an approval end the urgent track, whichever lands first', async () => {
    // Given
    await givenCase();

    // When an approval and a rejection race
    const [approval, rejection] = await Promise.allSettled([
      decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
      decideApproval(staff('staff-park'), CASE_ID, { decision: 'REJECT', reason: 'not illegal' }, NOW),
    ]);

    // Then the rejection lands; the approval either landed before it or was told the case is decided
    expect(rejection).toMatchObject({ status: 'fulfilled', value: { status: 'REJECTED' } });
    if (approval.status === 'rejected') expect(approval.reason).toBeInstanceOf(ConflictError);
    expect(await getCase(CASE_ID)).toMatchObject({ status: 'REJECTED' });
    expect((await actionsOf(CASE_ID)).at(-1)).toBe('APPROVAL_REFUSED');
  });

  it('finishes a decisive approval whose request died after its commit when it is sent again: the retry is told it was decided, the workflow hears it once', async () => {
    // Given the completing approval was committed, and the process died before anything else
    await crashAfterCommit(world, {
      given: async () => {
        await givenCase({ approvals: [approvedBy('staff-lee')] });
        await givenApprovalWait();
      },
      act: () => decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
      action: 'APPROVAL_GIVEN',
    });
    expect(world.completedWaits).toEqual([]);

    // When staff-park sends the same request again
    const retry = decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW);

    // Then the retry is told that its approval stands, the case shows it, one APPROVAL_GIVEN was
    // recorded, and the workflow was told now, once, with the act settled
    await expect(retry).rejects.toBeInstanceOf(ConflictError);
    expect(await getCase(CASE_ID)).toMatchObject({ status: 'ORDERS_ISSUED', ordersIssuedAt: NOW });
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'APPROVAL_GIVEN']);
    expect(world.completedWaits).toEqual([{ token: 'token-approval', output: { decision: 'APPROVED' } }]);
    expect(await unsettledOfCase(CASE_ID)).toEqual([]);

    // When the sweeper runs a few minutes later
    const counts = await sweep(plus(NOW, 180));

    // Then it has nothing left to do
    expect(counts).toMatchObject({ leftoversSettled: 0, failed: 0 });
    expect(world.completedWaits).toHaveLength(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });
});

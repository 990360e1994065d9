import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../shared/domain/errors';
import type { CaseRecord } from '../../../shared/domain/model';
import { decideApproval } from '../../../shared/services/approvals';
import { caseItem } from '../../../shared/store/repository';
import { givenItems, givenStaleReadOnce, resetAws, sfnMock, storedItem, storedItems } from '../../support/fake-table';
import { aCase, CASE_ID } from '../../support/records';

const NOW = '2026-03-02T00:30:00.000Z';
const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });
const approvedBy = (by: string) => ({ by, at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' as const });

function givenCase(overrides: Partial<CaseRecord> = {}): void {
  givenItems(caseItem(aCase(overrides)));
}
function givenApprovalToken(): void {
  givenItems({ pk: `CASE#${CASE_ID}`, sk: 'TOKEN#APPROVAL', token: 'token-approval', storedAt: NOW });
}
const storedCase = () => storedItem(`CASE#${CASE_ID}`, 'CASE');

describe('decideApproval', () => {
  beforeEach(() => resetAws());

  it('records a first approval and leaves the case pending', async () => {
    // Prepare
    givenCase();
    givenApprovalToken();

    // Act
    const answer = await decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE' }, NOW);

    // Assess
    expect(answer).toEqual({ caseId: CASE_ID, status: 'PENDING_APPROVAL', approvals: [{ by: 'staff-lee', at: NOW, decision: 'APPROVE' }] });
    expect(storedCase()).toMatchObject({ approvers: ['staff-lee'] });
    expect(storedCase()).not.toHaveProperty('ordersIssuedAt');
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('issues the orders with the approval that completes the count, starting the clock in the same write', async () => {
    // Prepare
    givenCase({ approvals: [approvedBy('staff-lee')] });
    givenApprovalToken();

    // Act
    const answer = await decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'clear case' }, NOW);

    // Assess
    expect(answer.status).toBe('ORDERS_ISSUED');
    expect(answer.approvals.map((a) => a.by)).toEqual(['staff-lee', 'staff-park']);
    expect(storedCase()).toMatchObject({ status: 'ORDERS_ISSUED', ordersIssuedAt: NOW });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-approval',
      output: JSON.stringify({ decision: 'APPROVED' }),
    });
    const actions = storedItems({ pk: `CASE#${CASE_ID}`, skPrefix: 'AUDIT#' }).map((event) => event.action);
    expect(actions).toEqual(['APPROVAL_GIVEN', 'ORDERS_AUTHORIZED']);
  });

  it('finishes the work of a decisive approval whose request died after the write, then answers CONFLICT', async () => {
    // Prepare: the completing approval was written, but neither its audit events nor the news to
    // the workflow happened (the process stopped in between)
    givenCase({
      status: 'ORDERS_ISSUED',
      ordersIssuedAt: NOW,
      approvals: [approvedBy('staff-lee'), { ...approvedBy('staff-park'), at: NOW }],
      approvers: ['staff-lee', 'staff-park'],
    } as Partial<CaseRecord>);
    givenApprovalToken();

    // Act: staff-park sends the same request again
    const retry = decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE' }, NOW);

    // Assess: told it already decided, and the workflow heard of it with the audit complete
    await expect(retry).rejects.toBeInstanceOf(ConflictError);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-approval',
      output: JSON.stringify({ decision: 'APPROVED' }),
    });
    const actions = storedItems({ pk: `CASE#${CASE_ID}`, skPrefix: 'AUDIT#' }).map((event) => event.action);
    expect(actions).toEqual(['APPROVAL_GIVEN', 'ORDERS_AUTHORIZED']);
  });

  it('ends the urgent track with one rejection', async () => {
    // Prepare
    givenCase({ approvals: [approvedBy('staff-lee')] });
    givenApprovalToken();

    // Act
    const answer = await decideApproval(staff('staff-park'), CASE_ID, { decision: 'REJECT', reason: 'not illegal' }, NOW);

    // Assess
    expect(answer.status).toBe('REJECTED');
    expect(storedCase()).not.toHaveProperty('ordersIssuedAt');
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { output: JSON.stringify({ decision: 'REJECTED' }) });
  });

  it('needs policy.urgentApprovals approvals', async () => {
    // Prepare
    resetAws({ POLICY_JSON: JSON.stringify({ urgentApprovals: 1 }) });
    givenCase();

    // Act
    const answer = await decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE' }, NOW);

    // Assess
    expect(answer.status).toBe('ORDERS_ISSUED');
  });

  it.each([
    ['the filer approves', {}, 'staff-kim', ForbiddenError],
    ['the same member approves twice', { approvals: [approvedBy('staff-lee')] }, 'staff-lee', ConflictError],
    ['the case was rejected', { status: 'REJECTED' as const }, 'staff-lee', ConflictError],
    ['the orders were issued', { status: 'ORDERS_ISSUED' as const }, 'staff-lee', ConflictError],
  ])('refuses when %s, changing nothing', async (_, overrides, userId, errorClass) => {
    // Prepare
    givenCase(overrides);
    const before = storedCase();

    // Act
    const decision = decideApproval(staff(userId), CASE_ID, { decision: 'APPROVE' }, NOW);

    // Assess
    await expect(decision).rejects.toBeInstanceOf(errorClass);
    expect(storedCase()).toEqual(before);
  });

  it.each([CASE_ID, 'not-a-case', `${CASE_ID}X`])('answers NotFound for a case that does not exist (%s)', async (caseId) => {
    await expect(decideApproval(staff('staff-lee'), caseId, { decision: 'APPROVE' }, NOW)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('issues the orders when another approval landed between its read and its write', async () => {
    // Prepare: the table has staff-lee's approval; the first read still saw none.
    givenCase({ approvals: [approvedBy('staff-lee')], approvers: ['staff-lee'] } as Partial<CaseRecord>);
    givenStaleReadOnce(caseItem(aCase()));

    // Act
    const answer = await decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE' }, NOW);

    // Assess
    expect(answer.status).toBe('ORDERS_ISSUED');
    expect(storedCase()).toMatchObject({ approvers: ['staff-lee', 'staff-park'], ordersIssuedAt: NOW });
  });

  it('answers CONFLICT when the case was rejected between its read and its write', async () => {
    // Prepare
    givenCase({ status: 'REJECTED', approvals: [{ ...approvedBy('staff-lee'), decision: 'REJECT' }] });
    givenStaleReadOnce(caseItem(aCase()));

    // Act
    const decision = decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE' }, NOW);

    // Assess
    await expect(decision).rejects.toThrow(/already decided/);
  });
});

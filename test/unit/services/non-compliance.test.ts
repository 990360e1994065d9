/**
 * Staff act on an order whose grace period ended without compliance (shared/services/staff-orders.ts,
 * README "API beyond the contract") on the in-process world: the deadline board lists it apart,
 * escalating alerts staff, a verified removal is recorded, a re-issue sends a new ORDER notice whose
 * acceptance starts a new clock that the sweeper enforces; the operator's view says what happened
 * without staff's reason; anything else is refused.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, NotFoundError } from '../../../shared/domain/errors';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { listOperatorOrders } from '../../../shared/services/operator-orders';
import { resolveNonCompliance } from '../../../shared/services/staff-orders';
import { sweep } from '../../../shared/services/sweeper';
import { listDeadlineBoard } from '../../../shared/services/views';
import { refs } from '../../../shared/store/keys';
import { getOrder, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { STAFF_EMAILS, useWorld } from '../../support/world';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(7)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const STAFF: Identity = { userId: 'staff-kim', roles: ['staff'] };
const OPERATOR: Identity = { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' };
const CONTACT = 'notices@webhard.example';
const MINUTE = 60_000;

const world = useWorld();

const order = async (): Promise<OrderRecord> => (await getOrder(ORDER_ID)) as OrderRecord;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
const nowIso = (): string => new Date().toISOString();
const boardEntry = async () => (await listDeadlineBoard()).find((entry) => entry.orderId === ORDER_ID);
const orderMails = () => world.mails.filter((mail) => mail.to.includes(CONTACT) && mail.subject.includes(ORDER_ID));

/** Given an order confirmed by the committee whose grace period ended an hour ago without compliance. */
async function givenNonCompliantOrder(overrides: Partial<OrderRecord> = {}): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(
    aCase({ caseId: CASE_ID, createdAt: ago(10 * 60 * MINUTE), status: 'APPEAL_WINDOW', ordersIssuedAt: ago(9 * 60 * MINUTE) }),
  );
  await writeUrls(CASE_ID, [{ url: 'https://webhard.example/v/1', host: 'webhard.example', operatorId: 'op-webhard' }]);
  await plant.order(
    anOrder({
      caseId: CASE_ID,
      urlCount: 1,
      status: 'OVERDUE',
      complianceStatus: 'OVERDUE',
      decisionStatus: 'CONFIRMED',
      issuedAt: ago(9 * 60 * MINUTE),
      deadlineAt: ago(8 * 60 * MINUTE),
      graceEndsAt: ago(60 * MINUTE),
      overdueAt: ago(8 * 60 * MINUTE),
      nonComplianceRecordedAt: ago(60 * MINUTE),
      ...overrides,
    }),
  );
}

describe('staff act on non-compliance', () => {
  beforeEach(async () => {
    await givenNonCompliantOrder();
  });

  it('lists the order in the board’s NON_COMPLIANT section, not among the open ones, and the operator sees both tracks', async () => {
    expect(await boardEntry()).toMatchObject({ nonCompliant: true, open: false, complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED' });
    const [view] = await listOperatorOrders(OPERATOR);
    expect(view).toMatchObject({ status: 'OVERDUE', complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED' });
    expect(view?.nonComplianceRecordedAt).toBeDefined();
  });

  it('escalates: on the case record with its reason, staff alerted, off the list; the operator told what, not why', async () => {
    // When
    const answer = await resolveNonCompliance(STAFF, ORDER_ID, { action: 'ESCALATE', reason: 'still online: internal note 7' }, nowIso());
    // Then
    expect(answer).toMatchObject({
      orderId: ORDER_ID,
      status: 'OVERDUE',
      nonComplianceResolution: { action: 'ESCALATE', by: 'staff-kim' },
    });
    expect(await actionsOf(CASE_ID)).toContain('NON_COMPLIANCE_ESCALATED');
    expect(world.mails.filter((mail) => mail.to.some((to) => STAFF_EMAILS.includes(to)) && mail.subject.includes(ORDER_ID))).toHaveLength(
      1,
    );
    expect(await boardEntry()).toMatchObject({ nonCompliant: false });
    const [view] = await listOperatorOrders(OPERATOR);
    expect(view?.nonComplianceAction).toMatchObject({ action: 'ESCALATE' });
    expect(JSON.stringify(view)).not.toContain('internal note 7');
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('records a verified removal once, however often it is sent', async () => {
    await resolveNonCompliance(STAFF, ORDER_ID, { action: 'VERIFIED_REMOVAL', reason: 'URL answers 404' }, nowIso());
    await resolveNonCompliance(STAFF, ORDER_ID, { action: 'VERIFIED_REMOVAL', reason: 'URL answers 404' }, nowIso());
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'REMOVAL_VERIFIED')).toHaveLength(1);
    expect(await order()).toMatchObject({ status: 'OVERDUE', nonComplianceResolution: { action: 'VERIFIED_REMOVAL' } });
    expect(orderMails()).toHaveLength(0);
  });

  it('re-issues: a new ORDER notice to the operator, a new deadline from its acceptance, back on the open list', async () => {
    // When
    const at = nowIso();
    const answer = await resolveNonCompliance(STAFF, ORDER_ID, { action: 'REISSUE', reason: 'new contact found' }, at);
    // Then
    const reissued = await order();
    expect(answer).toMatchObject({ status: 'CONFIRMED', complianceStatus: 'ISSUED', reissuedAt: at, deadlineAt: reissued.deadlineAt });
    expect(reissued.deadlineAt !== undefined && Date.parse(reissued.deadlineAt) > Date.parse(at)).toBe(true);
    expect(reissued.missedClock).toBeDefined();
    expect(orderMails()).toHaveLength(1);
    expect(await boardEntry()).toMatchObject({ open: true, nonCompliant: false, complianceStatus: 'ISSUED' });
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('refuses a second, different act with 409 naming the first; and an unknown order with 404', async () => {
    await resolveNonCompliance(STAFF, ORDER_ID, { action: 'ESCALATE', reason: 'referral' }, nowIso());
    await expect(resolveNonCompliance(STAFF, ORDER_ID, { action: 'REISSUE', reason: 'again' }, nowIso())).rejects.toThrow(ConflictError);
    await expect(
      resolveNonCompliance(STAFF, orderIdFor(CASE_ID, 'op-social'), { action: 'ESCALATE', reason: 'x' }, nowIso()),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('a re-issued order’s new clock, kept by the sweeper', () => {
  it('marks it overdue after its deadline and records non-compliance after its grace period: back on the NON_COMPLIANT list', async () => {
    // Given a re-issued order whose new deadline and grace period both passed (no workflow timer waits for them)
    await givenNonCompliantOrder({
      status: 'ISSUED',
      complianceStatus: 'ISSUED',
      overdueAt: undefined,
      nonComplianceRecordedAt: undefined,
      reissuedAt: ago(30 * MINUTE),
      resends: 1,
      deadlineAt: ago(20 * MINUTE),
      graceEndsAt: ago(10 * MINUTE),
      missedClock: { deadlineAt: ago(8 * 60 * MINUTE), graceEndsAt: ago(60 * MINUTE) },
    });
    // When the sweeper runs
    await sweep(nowIso());
    await sweep(nowIso());
    // Then
    expect(await order()).toMatchObject({ complianceStatus: 'OVERDUE' });
    expect((await order()).nonComplianceRecordedAt).toBeDefined();
    expect(await boardEntry()).toMatchObject({ nonCompliant: true });
  });
});

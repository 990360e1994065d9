/**
 * Staff resend an UNDELIVERED order's notice (shared/services/staff-orders.ts, CONTRACT.md section
 * 9) on the world: to the operator's current contacts, the clock starting at the new acceptance,
 * the workflow's wait for it completed; refused while the notice is delivered (409), after the
 * policy's resendWindow (WINDOW_CLOSED), and for an unknown order (404).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, NotFoundError, WindowClosedError } from '../../../shared/domain/errors';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { durationToMs } from '../../../shared/domain/policy';
import { tokenPurpose } from '../../../shared/domain/waits';
import { config } from '../../../shared/runtime/config';
import { notifyOperator } from '../../../shared/services/acts';
import { recordDeliveryEvent } from '../../../shared/services/delivery';
import { updateOperator } from '../../../shared/services/operators';
import { resendOrderNotice } from '../../../shared/services/staff-orders';
import { sweep } from '../../../shared/services/sweeper';
import { listUnsettledOf } from '../../../shared/store/journal';
import { refs } from '../../../shared/store/keys';
import { getOrder, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { STAFF_EMAILS, useWorld } from '../../support/world';
import { crashAfterCommit, givenIssuedOrder, givenLiveWait } from './world-steps';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(5)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const OLD_CONTACT = 'notices@webhard.example';
const NEW_CONTACT = 'legal@webhard.example';
const STAFF: Identity = { userId: 'staff-kim', roles: ['staff'] };
const DAY_MS = 86_400_000;

const world = useWorld();

const nowIso = () => new Date().toISOString();
const order = async (): Promise<OrderRecord> => (await getOrder(ORDER_ID)) as OrderRecord;
const mailsTo = (address: string) => world.mails.filter((mail) => mail.to.includes(address));
const orderNotices = (address: string) =>
  mailsTo(address).filter((mail) => mail.subject.includes(ORDER_ID) && mail.subject.startsWith('[긴급'));

beforeEach(async () => {
  // Given an issued order to op-webhard, whose clock has not started
  await givenIssuedOrder(CASE_ID);
});

/** The ORDER notice did not reach the operator: SES refused its address, or it bounced for good. */
async function givenUndelivered(how: 'refused' | 'bounced'): Promise<void> {
  if (how === 'refused') world.rejectAddress(OLD_CONTACT);
  const delivery = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, `order:${ORDER_ID}`);
  if (how === 'bounced' && delivery.accepted) {
    await recordDeliveryEvent({
      messageId: delivery.record.messageId,
      type: 'BOUNCE',
      permanent: true,
      at: nowIso(),
      reason: 'Permanent/General',
    });
  }
  expect((await order()).complianceStatus).toBe('UNDELIVERED');
}

describe('resendOrderNotice', () => {
  it.each<['refused' | 'bounced']>([['refused'], ['bounced']])(
    'an order whose notice SES %s is sent again to the contacts fixed since, its clock starts then, and the workflow stops waiting',
    async (how) => {
      // Given an UNDELIVERED order, the operator's contact fixed by staff, and the workflow waiting for a resend
      await givenUndelivered(how);
      await updateOperator('op-webhard', { contactEmails: [NEW_CONTACT] }, nowIso(), 'staff-kim');
      await givenLiveWait(world, CASE_ID, tokenPurpose.delivery(ORDER_ID), 'live-delivery', nowIso());
      const before = orderNotices(OLD_CONTACT).length;

      // When staff resend it
      const startedAt = Date.now();
      const answer = await resendOrderNotice(STAFF, ORDER_ID, nowIso());

      // Then the ORDER notice went to the new contact only, once, under the resend's key
      expect(orderNotices(NEW_CONTACT)).toHaveLength(1);
      expect(orderNotices(NEW_CONTACT)[0]?.to).toEqual([NEW_CONTACT]);
      expect(orderNotices(OLD_CONTACT)).toHaveLength(before);
      const after = await order();
      expect(after.notices.at(-1)).toMatchObject({
        eventKey: `order:${ORDER_ID}:resend-1`,
        kind: 'ORDER',
        to: [NEW_CONTACT],
        status: 'SENT',
      });
      // And the clock runs from the new acceptance
      const complianceMs = durationToMs(config().policy.complianceDeadline);
      const deadline = Date.parse(after.deadlineAt ?? '');
      expect(deadline).toBeGreaterThanOrEqual(Date.parse(after.noticeAcceptedAt ?? '') + complianceMs);
      expect(deadline).toBeGreaterThanOrEqual(startedAt + complianceMs);
      expect(deadline).toBeLessThanOrEqual(Date.now() + complianceMs + 1000);
      expect(after).toMatchObject({ complianceStatus: 'ISSUED', status: 'ISSUED', resends: 1 });
      expect(after.undeliveredAt).toBeUndefined();
      // And the answer says so
      expect(answer).toEqual({ orderId: ORDER_ID, status: 'ISSUED', deadlineAt: after.deadlineAt });
      // And the workflow's wait for delivery completed once; the chain records who resent it
      expect(world.completedWaits).toEqual([{ token: 'live-delivery', output: { deliverable: true } }]);
      const actions = await actionsOf(CASE_ID);
      expect(actions.filter((action) => action === 'ORDER_NOTICE_RESENT')).toHaveLength(1);
      expect(actions.slice(-2)).toEqual(['ORDER_NOTICE_RESENT', 'NOTICE_SENT']);
      await expectConsistentStream(refs.case(CASE_ID).root);
    },
  );

  it('an order whose resend SES refuses again stays UNDELIVERED, no clock, and can be resent again', async () => {
    // Given an UNDELIVERED order whose contact was not fixed
    await givenUndelivered('refused');

    // When staff resend it
    const answer = await resendOrderNotice(STAFF, ORDER_ID, nowIso());

    // Then it is still UNDELIVERED, without a deadline, and a second resend is allowed
    expect(answer).toEqual({ orderId: ORDER_ID, status: 'UNDELIVERED' });
    expect((await order()).deadlineAt).toBeUndefined();
    await updateOperator('op-webhard', { contactEmails: [NEW_CONTACT] }, nowIso(), 'staff-kim');
    expect(await resendOrderNotice(STAFF, ORDER_ID, nowIso())).toMatchObject({ status: 'ISSUED' });
    expect((await order()).notices.at(-1)?.eventKey).toBe(`order:${ORDER_ID}:resend-2`);
  });

  it.each<[string, () => Promise<void>]>([
    [
      'whose notice was accepted (its clock runs)',
      () => notifyOperator(ORDER_ID, { kind: 'ORDER' }, `order:${ORDER_ID}`).then(() => undefined),
    ],
    ['whose notice was not sent yet', async () => undefined],
  ])('refuses with 409 CONFLICT to resend an order %s, sending nothing', async (_label, given) => {
    // Given
    await given();
    const mails = world.mails.length;
    const actions = await actionsOf(CASE_ID);

    // When / Then
    const resend = resendOrderNotice(STAFF, ORDER_ID, nowIso());
    await expect(resend).rejects.toBeInstanceOf(ConflictError);
    await expect(resend).rejects.toMatchObject({ httpStatus: 409 });
    expect(world.mails).toHaveLength(mails);
    expect(await actionsOf(CASE_ID)).toEqual(actions);
  });

  it('refuses with WINDOW_CLOSED once the resend window after the undelivery is over', async () => {
    // Given an order UNDELIVERED since now (kr-kcsc: resendWindow P7D)
    await givenUndelivered('refused');
    const undeliveredAt = Date.parse((await order()).undeliveredAt ?? '');
    const windowMs = durationToMs(config().policy.resendWindow);
    expect(windowMs).toBe(7 * DAY_MS);
    await updateOperator('op-webhard', { contactEmails: [NEW_CONTACT] }, nowIso(), 'staff-kim');

    // When staff resend it when the window closes / Then it is refused, with 409 WINDOW_CLOSED, and nothing is sent
    const late = resendOrderNotice(STAFF, ORDER_ID, new Date(undeliveredAt + windowMs).toISOString());
    await expect(late).rejects.toBeInstanceOf(WindowClosedError);
    await expect(late).rejects.toMatchObject({ code: 'WINDOW_CLOSED', httpStatus: 409 });
    expect(orderNotices(NEW_CONTACT)).toEqual([]);
    expect((await order()).complianceStatus).toBe('UNDELIVERED');

    // And a millisecond before it closes, it is sent
    expect(await resendOrderNotice(STAFF, ORDER_ID, new Date(undeliveredAt + windowMs - 1).toISOString())).toMatchObject({
      status: 'ISSUED',
    });
  });

  it('a resend whose answer was lost, repeated by staff, sends the ORDER notice once', async () => {
    // Given an UNDELIVERED order, and a resend whose process died right after committing it
    const given = async () => {
      await plant.operator(anOperator());
      await plant.case(
        aCase({
          caseId: CASE_ID,
          createdAt: '2026-11-24T05:00:00.000Z',
          status: 'ORDERS_ISSUED',
          ordersIssuedAt: '2026-11-24T06:00:00.000Z',
        }),
      );
      await writeUrls(CASE_ID, [{ url: 'https://webhard.example/v/1', host: 'webhard.example', operatorId: 'op-webhard' }]);
      const {
        deadlineAt: _d,
        graceEndsAt: _g,
        ...undelivered
      } = anOrder({
        caseId: CASE_ID,
        urlCount: 1,
        issuedAt: '2026-11-24T06:00:00.000Z',
        complianceStatus: 'UNDELIVERED',
        status: 'UNDELIVERED',
        undeliveredAt: nowIso(),
      });
      await plant.order(undelivered);
    };
    await crashAfterCommit(world, { given, act: () => resendOrderNotice(STAFF, ORDER_ID, nowIso()), action: 'ORDER_NOTICE_RESENT' });

    // When staff, seeing an error, resend again
    const retry = await resendOrderNotice(STAFF, ORDER_ID, nowIso());

    // Then the repeat finished the first resend: the operator got the ORDER notice now, once, its
    // clock runs, and one resend is on the chain
    expect(retry).toMatchObject({ status: 'ISSUED', deadlineAt: expect.any(String) });
    expect(orderNotices(OLD_CONTACT)).toHaveLength(1);
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'ORDER_NOTICE_RESENT')).toHaveLength(1);

    // And the sweeper later has nothing left to do
    expect(await sweep(new Date(Date.now() + 5 * 60_000).toISOString())).toMatchObject({ leftoversSettled: 0, failed: 0 });
    expect(orderNotices(OLD_CONTACT)).toHaveLength(1);
  });

  it.each([`O${CASE_ID.slice(1)}-op-nobody`, 'not-an-order-id', `O${CASE_ID.slice(1)}`])(
    'answers 404 for the unknown order %j',
    async (orderId) => {
      const resend = resendOrderNotice(STAFF, orderId, nowIso());
      await expect(resend).rejects.toBeInstanceOf(NotFoundError);
      await expect(resend).rejects.toMatchObject({ httpStatus: 404 });
    },
  );
});

describe('the contact change a resend follows', () => {
  it('an operator update of contactEmails tells the old and the new contacts, once, in one e-mail naming both', async () => {
    // When staff change the contact, and the same change arrives again (a retried PATCH)
    const at = nowIso();
    await updateOperator('op-webhard', { contactEmails: [NEW_CONTACT] }, at, 'staff-kim');
    await updateOperator('op-webhard', { contactEmails: [NEW_CONTACT] }, nowIso(), 'staff-kim');

    // Then one e-mail went to both, naming the old and the new address
    expect(world.mails).toHaveLength(1);
    const [mail] = world.mails;
    expect([...(mail?.to ?? [])].sort()).toEqual([NEW_CONTACT, OLD_CONTACT].sort());
    expect(mail?.subject).toContain('연락처 변경');
    expect(mail?.text).toContain(`- ${OLD_CONTACT}`);
    expect(mail?.text).toContain(`- ${NEW_CONTACT}`);
    expect(mail?.text).toContain(at);
  });

  it('a change of anything else tells nobody', async () => {
    await updateOperator('op-webhard', { name: 'Webhard Holdings' }, nowIso(), 'staff-kim');
    expect(world.mails).toEqual([]);
  });

  // BUG (shared/services/notify.ts, deliverContactChange): the change is told in ONE message to the
  // old and the new contacts, and a refusal for good (MessageRejected, BadRequestException) is not
  // handled as deliverOperatorNotice handles it. When SES refuses the old address (the very reason
  // staff change it), the new contact is not told either, the follow-up throws, and its event stays
  // unsettled: every sweep retries it and counts a failure, for ever.
  it('a contact change whose old address SES refuses still tells the new contact, and leaves nothing for the sweeper', async () => {
    // Given an operator whose old contact SES refuses
    world.rejectAddress(OLD_CONTACT);

    // When staff change the contact
    const at = nowIso();
    await updateOperator('op-webhard', { contactEmails: [NEW_CONTACT] }, at, 'staff-kim');

    // Then the new contact was told, and a sweep after it has nothing left to retry
    expect(mailsTo(NEW_CONTACT)).toHaveLength(1);
    const counts = await sweep(new Date(Date.parse(at) + 5 * 60_000).toISOString());
    expect(counts.failed).toBe(0);
    expect(await listUnsettledOf(refs.operator('op-webhard').root.pk)).toEqual([]);
  });

  it('staff alerts about the order are never sent to the operator', async () => {
    await givenUndelivered('refused');
    expect(mailsTo(STAFF_EMAILS[0] as string).every((mail) => !mail.to.includes(OLD_CONTACT))).toBe(true);
  });
});

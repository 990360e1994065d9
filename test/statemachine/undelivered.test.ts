/**
 * Orders whose notice cannot reach the operator (CONTRACT.md section 9), through the real ASL, the
 * real task handlers and dynalite (./harness.ts), SES refusing chosen addresses (MessageRejected):
 * the order is UNDELIVERED, nothing else of the case waits for it, staff resend it once the contact
 * is fixed and its clock starts then; left undelivered past the resend window it is given up, unfined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import { nowIso } from '../../shared/runtime/clock';
import { updateOperator } from '../../shared/services/operators';
import { resendOrderNotice } from '../../shared/services/staff-orders';
import { listChain } from '../../shared/store/journal';
import { refs } from '../../shared/store/keys';
import { getOrder } from '../../shared/store/repository';
import { FAST_POLICY, STAFF_EMAILS, startWorkflowHarness, type WorkflowHarness } from './harness';
import { approve, comply, file, staff, vote } from './people';

const WEBHARD = 'notices@webhard.example';
const WEBHARD_FIXED = 'legal@webhard.example';
const SOCIAL = 'legal@social.example';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness(FAST_POLICY);
});
afterAll(async () => {
  await h?.close();
});

const purposeIs = (purpose: string) => (event: { payload: Record<string, unknown> }) => event.payload.purpose === purpose;
const noticeStates = (caseId: string, orderId: string) =>
  h
    .events(caseId)
    .filter((event) => event.state === 'SendOrderNotice' && event.phase === 'end' && event.payload.orderId === orderId)
    .map((event) => (event.result as { state: string }).state);
const staffMails = (caseId: string) => h.mails(caseId).filter((mail) => mail.to.join(',') === STAFF_EMAILS.join(','));
const mailsTo = (caseId: string, address: string) => h.mails(caseId).filter((mail) => mail.to.includes(address));

describe('an order whose notice SES refuses', () => {
  it('is UNDELIVERED while the other order complies and the case is reviewed and confirmed; resent to the fixed contact, it complies and the case closes', async () => {
    // Given SES refusing op-webhard's contact, and an approved case with an order to each of two operators
    await h.usePolicy(FAST_POLICY);
    h.rejectAddress(WEBHARD);
    try {
      const caseId = await file(['https://webhard.example/v/31', 'https://social.example/p/31']);
      await h.until({ caseId, state: 'AwaitApprovals' });
      await approve(caseId);
      const webhardOrder = orderIdFor(caseId, 'op-webhard');
      const socialOrder = orderIdFor(caseId, 'op-social');

      // When op-webhard's notice is refused: the order waits for a resend, with no clock
      await h.until({ caseId, state: 'AwaitDelivery', phase: 'start', where: purposeIs(`DELIVERY#${webhardOrder}`) });
      expect(await getOrder(webhardOrder)).toMatchObject({ status: 'UNDELIVERED', complianceStatus: 'UNDELIVERED' });
      expect((await getOrder(webhardOrder))?.deadlineAt).toBeUndefined();
      expect(staffMails(caseId).map((mail) => mail.subject)).toEqual([
        expect.stringContaining(`Order ${webhardOrder} could not be delivered`),
      ]);

      // And the other operator complies, and the committee confirms: the decision track goes on without it
      await h.until({ caseId, state: 'AwaitCompliance', where: purposeIs(`COMPLIANCE#${socialOrder}`) });
      expect(await comply('op-social', socialOrder)).toBe('COMPLIED');
      await h.until({ caseId, state: 'AwaitPostReview' });
      expect(await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM'])).toBe(true);
      await h.until({ caseId, state: 'CollectAppeals' });
      // (the confirmation told op-social; op-webhard's contact is known not to work)
      expect(mailsTo(caseId, SOCIAL).map((mail) => mail.subject)).toEqual([
        expect.stringContaining(socialOrder),
        expect.stringContaining(socialOrder),
      ]);
      expect(mailsTo(caseId, WEBHARD)).toEqual([]);
      // And no deadline ran out for the undelivered order meanwhile
      expect(await getOrder(webhardOrder)).toMatchObject({ status: 'UNDELIVERED' });
      expect(h.events(caseId).some((event) => event.state === 'EnforceDeadline' && event.payload.orderId === webhardOrder)).toBe(false);

      // When staff fix the contact and resend the notice
      await updateOperator('op-webhard', { contactEmails: [WEBHARD_FIXED] }, nowIso(), 'staff-kim');
      const resent = await resendOrderNotice(staff.kim, webhardOrder, nowIso());

      // Then it went to the fixed contact, its clock started, and the order's track woke up to wait for compliance
      expect(resent).toMatchObject({ orderId: webhardOrder, status: 'CONFIRMED' });
      expect(resent.deadlineAt).toBeDefined();
      await h.until({ caseId, state: 'AwaitCompliance', phase: 'start', where: purposeIs(`COMPLIANCE#${webhardOrder}`) });
      // And, the committee having confirmed it meanwhile, the confirmation with its appeal rights follows
      expect(mailsTo(caseId, WEBHARD_FIXED).map((mail) => mail.subject)).toEqual([
        expect.stringMatching(new RegExp(`^\\[긴급 .*${webhardOrder}`)),
        expect.stringMatching(new RegExp(`^\\[요청 확정\\] ${webhardOrder}`)),
      ]);
      expect(await comply('op-webhard', webhardOrder)).toBe('COMPLIED');

      // And the case closes: both orders confirmed and complied, nobody fined, no overdue
      const record = await h.finished(caseId);
      expect(record.status).toBe('CLOSED');
      const webhard = await getOrder(webhardOrder);
      expect(webhard).toMatchObject({ status: 'CONFIRMED', complianceStatus: 'COMPLIED', decisionStatus: 'CONFIRMED', resends: 1 });
      expect(webhard?.fine).toBeUndefined();
      expect(webhard?.notices.map((notice) => [notice.eventKey, notice.to, notice.status])).toEqual([
        [`order:${webhardOrder}:resend-1`, [WEBHARD_FIXED], 'SENT'],
        [`confirmed:${webhardOrder}`, [WEBHARD_FIXED], 'SENT'],
      ]);
      expect((await getOrder(socialOrder))?.status).toBe('CONFIRMED');
      expect(noticeStates(caseId, webhardOrder)).toEqual(['UNDELIVERED', 'DELIVERED']);
      const actions = (await listChain(refs.case(caseId).root.pk)).map((event) => event.action);
      expect(
        actions.filter((action) => ['ORDER_UNDELIVERED', 'ORDER_NOTICE_RESENT', 'ORDER_OVERDUE', 'FINE_ASSESSED'].includes(action)),
      ).toEqual(['ORDER_UNDELIVERED', 'ORDER_NOTICE_RESENT']);
    } finally {
      h.acceptAddress(WEBHARD);
      await updateOperator('op-webhard', { contactEmails: [WEBHARD] }, nowIso(), 'staff-kim');
    }
  });

  it('left undelivered past the resend window, is given up: its track ends, the case closes, and it is not fined', async () => {
    // Given a short resend window, SES refusing op-social's contact, and an approved case with two orders
    await h.usePolicy({ ...FAST_POLICY, resendWindow: 'PT2S' });
    h.rejectAddress(SOCIAL);
    try {
      const caseId = await file(['https://webhard.example/v/32', 'https://social.example/p/32']);
      await h.until({ caseId, state: 'AwaitApprovals' });
      await approve(caseId);
      const webhardOrder = orderIdFor(caseId, 'op-webhard');
      const socialOrder = orderIdFor(caseId, 'op-social');

      // When op-webhard lets its deadline pass (late, fined), the committee confirms, and nobody resends op-social's notice
      await h.until({ caseId, state: 'AwaitPostReview' });
      await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM']);

      // Then op-social's track ends GIVEN_UP once the window is over, and a resend is refused from then on
      const record = await h.finished(caseId);
      expect(record.status).toBe('CLOSED');
      expect(noticeStates(caseId, socialOrder)).toEqual(['UNDELIVERED', 'GIVEN_UP']);
      await expect(resendOrderNotice(staff.kim, socialOrder, nowIso())).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
      // And it stays UNDELIVERED, with no deadline and no fine, while the order that missed its deadline is fined
      const social = await getOrder(socialOrder);
      expect(social).toMatchObject({ status: 'UNDELIVERED', complianceStatus: 'UNDELIVERED', decisionStatus: 'CONFIRMED' });
      expect(social?.deadlineAt).toBeUndefined();
      expect(social?.fine).toBeUndefined();
      expect((await getOrder(webhardOrder))?.fine?.amount).toBeGreaterThan(0);
      expect(mailsTo(caseId, SOCIAL)).toEqual([]);
      expect(staffMails(caseId).filter((mail) => mail.subject.includes(`Order ${socialOrder} could not be delivered`))).toHaveLength(1);
    } finally {
      h.acceptAddress(SOCIAL);
    }
  });
});

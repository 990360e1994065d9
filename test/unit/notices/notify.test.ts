/**
 * Notices (shared/services/notify.ts, shared/notices and notifyOperator / notifyStaff in
 * shared/services/acts.ts): each goes out once per event key, however often its sending is
 * retried, and is recorded on its order (NOTICE_SENT) or on its case (STAFF_ALERTED). A claim
 * another sender holds and SES throttling come out as TransientError, which the workflow retries.
 */
import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as deliveryEvents } from '../../../functions/events/delivery-events';
import type { OperatorNoticeRequest } from '../../../shared/domain/decider';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { NoticeRecord, OrderRecord } from '../../../shared/domain/model';
import { NOTICE_KEY_HEADER, parseNoticeKey } from '../../../shared/domain/delivery';
import { durationToMs } from '../../../shared/domain/policy';
import { sesClient } from '../../../shared/notices/index';
import { nowIso } from '../../../shared/runtime/clock';
import { config, resetConfigForTests } from '../../../shared/runtime/config';
import { TransientError } from '../../../shared/runtime/transient';
import { notifyOperator, notifyStaff } from '../../../shared/services/acts';
import type { OperatorNoticeDelivery } from '../../../shared/services/notify';
import { documentClient } from '../../../shared/store/client';
import { casePartition, keys, refs } from '../../../shared/store/keys';
import { claimNotice, getCase, getOrder, recordNoticeSent, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { underEveryFault } from '../../support/faults';
import { API_BASE_URL, type Mail, STAFF_EMAILS, useWorld, WEB_BASE_URL } from '../../support/world';
import { chainOfCase, storedItem } from '../services/world-steps';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(7)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const EVENT_KEY = `order:${ORDER_ID}`;
const URL = 'https://webhard.example/v/123';
const OTHER_URL = 'https://social.example/p/9';
const OPERATOR_MAIL = ['notices@webhard.example'];
const ISSUED = ['REPORT_FILED', 'ORDER_ISSUED'];

/** Issued, its clock not started: it starts when SES accepts the ORDER notice. */
const {
  deadlineAt: _deadline,
  graceEndsAt: _grace,
  ...order
}: OrderRecord = anOrder({
  caseId: CASE_ID,
  urlCount: 1,
  issuedAt: '2026-11-24T06:00:00.000Z',
});

/** The notice recorded on the order: SES accepted it. */
function accepted(delivery: OperatorNoticeDelivery): NoticeRecord {
  if (!delivery.accepted) throw new Error(`expected the notice accepted, got refused: ${delivery.reason}`);
  return delivery.record;
}

/** An error the service answered with: the SDK puts the response's status on it. */
const awsError = (name: string) => Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode: 400 } });
const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const STREAM = casePartition(CASE_ID);
const noticeClaim = () => storedItem(keys.notice(STREAM, EVENT_KEY));
/** Starts the order's clock as SES accepting its ORDER notice does; forgets that e-mail. */
async function startClock(): Promise<void> {
  accepted(await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY));
  world.mails.length = 0;
}
const noticesSent = async () => (await actionsOf(CASE_ID)).filter((action) => action === 'NOTICE_SENT').length;

const world = useWorld();
/** An operator, and a case whose order to it was issued, with the URLs of two operators. */
async function plantIssuedOrder(): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(
    aCase({ caseId: CASE_ID, createdAt: '2026-11-24T05:00:00.000Z', status: 'ORDERS_ISSUED', ordersIssuedAt: order.issuedAt }),
  );
  await writeUrls(CASE_ID, [
    { url: URL, host: 'webhard.example', operatorId: 'op-webhard' },
    { url: OTHER_URL, host: 'social.example', operatorId: 'op-social' },
  ]);
  await plant.order(order);
}
beforeEach(plantIssuedOrder);
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('notifyOperator', () => {
  it('claims, sends one e-mail to the operator with its own URLs, and records it on the claim, the order and the chain', async () => {
    // When
    const delivery = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);

    // Then
    expect(world.mails).toHaveLength(1);
    const [mail] = world.mails;
    expect(mail?.to).toEqual(OPERATOR_MAIL);
    expect(mail?.subject).toContain(ORDER_ID);
    expect(mail?.text).toContain(URL);
    expect(mail?.text).not.toContain(OTHER_URL);
    const record = accepted(delivery);
    expect(record).toEqual({
      eventKey: EVENT_KEY,
      kind: 'ORDER',
      to: OPERATOR_MAIL,
      messageId: 'message-1',
      sentAt: expect.any(String),
      status: 'SENT',
    });
    expect(await noticeClaim()).toMatchObject({ messageId: 'message-1', sentAt: record.sentAt, orderId: ORDER_ID });
    // And the order's clock starts at the acceptance: the deadline the notice stated (the one it prints), or acceptance + complianceDeadline if later
    const stored = await getOrder(ORDER_ID);
    expect(stored?.notices).toEqual([record]);
    const stated = delivery.accepted ? delivery.deadlines : undefined;
    expect(stated).toBeDefined();
    expect(mail?.text).toContain(`(UTC): ${stated?.deadlineAt}`);
    expect(stored).toMatchObject({ noticeAcceptedAt: record.sentAt, complianceStatus: 'ISSUED' });
    const complianceMs = durationToMs(config().policy.complianceDeadline);
    expect(Date.parse(stored?.deadlineAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record.sentAt) + complianceMs);
    expect(Date.parse(stored?.deadlineAt ?? '')).toBeLessThan(Date.parse(record.sentAt) + complianceMs + 2000);
    expect(Date.parse(stored?.deadlineAt ?? '')).toBeGreaterThanOrEqual(Date.parse(stated?.deadlineAt ?? ''));
    const event = (await chainOfCase(CASE_ID)).at(-1);
    expect(event).toMatchObject({
      action: 'NOTICE_SENT',
      actor: 'system',
      at: record.sentAt,
      details: {
        orderId: ORDER_ID,
        kind: 'ORDER',
        messageId: 'message-1',
        deadlineAt: stored?.deadlineAt,
        graceEndsAt: stored?.graceEndsAt,
      },
    });
    expect(JSON.stringify(event)).not.toContain('example');
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('sends nothing the second time and answers the first record', async () => {
    // Given
    const first = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);

    // When
    const second = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);

    // Then
    expect(world.mails).toHaveLength(1);
    expect(accepted(second)).toEqual(accepted(first));
    expect((await getOrder(ORDER_ID))?.notices).toHaveLength(1);
    expect(await noticesSent()).toBe(1);
  });

  it('sends one notice per event key', async () => {
    // Given an order whose clock runs
    await startClock();

    // When
    await notifyOperator(ORDER_ID, { kind: 'REMINDER', reminderAt: '2026-11-24T18:00:00.000Z' }, `reminder:${ORDER_ID}:1`);
    await notifyOperator(ORDER_ID, { kind: 'REMINDER', reminderAt: '2026-11-25T04:00:00.000Z' }, `reminder:${ORDER_ID}:2`);

    // Then
    expect(world.mails).toHaveLength(2);
    expect((await getOrder(ORDER_ID))?.notices.map((notice) => notice.eventKey)).toEqual([
      EVENT_KEY,
      `reminder:${ORDER_ID}:1`,
      `reminder:${ORDER_ID}:2`,
    ]);
  });

  it('records, without sending, a notice that went out before a crash left the order unrecorded', async () => {
    // Given the claim says the message went out
    await claimNotice(STREAM, EVENT_KEY, '2026-11-24T06:00:00.000Z');
    await recordNoticeSent(STREAM, EVENT_KEY, { messageId: 'message-0', sentAt: '2026-11-24T06:00:01.000Z', orderId: ORDER_ID });

    // When
    const record = accepted(await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY));

    // Then
    expect(world.mails).toEqual([]);
    expect(record).toMatchObject({ messageId: 'message-0', sentAt: '2026-11-24T06:00:01.000Z', status: 'SENT' });
    expect((await getOrder(ORDER_ID))?.notices).toEqual([record]);
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({ action: 'NOTICE_SENT', at: '2026-11-24T06:00:01.000Z' });
    // And the clock runs from that acceptance at the latest (the stated deadline is later: it was written now)
    expect(Date.parse((await getOrder(ORDER_ID))?.deadlineAt ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-11-25T06:00:01.000Z'));
  });

  // BUG (shared/services/notify.ts, deliverOperatorNotice): the deadline an ORDER notice states is
  // computed from `nowIso()` on every call, also when deliverOnce answers SENT_BEFORE (the e-mail went
  // out on an earlier attempt whose record was lost). The retry then records as "stated" a deadline
  // the e-mail never said, as late as the retry came, and the order's clock ends then, not at
  // acceptance + complianceDeadline (nor at what the operator read).
  it('a notice that went out before a crash starts the clock at its acceptance, not at the retry', async () => {
    // Given the ORDER notice went out ten minutes ago, and its record on the order was lost
    const sentAt = secondsAgo(600);
    await claimNotice(STREAM, EVENT_KEY, sentAt);
    await recordNoticeSent(STREAM, EVENT_KEY, { messageId: 'message-0', sentAt, orderId: ORDER_ID });

    // When its sending is retried now
    accepted(await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY));

    // Then the clock ends complianceDeadline after the acceptance (to the whole second, in the operator's favour)
    const complianceMs = durationToMs(config().policy.complianceDeadline);
    const expected = Math.ceil((Date.parse(sentAt) + complianceMs) / 1000) * 1000;
    expect((await getOrder(ORDER_ID))?.deadlineAt).toBe(new Date(expected).toISOString());
  });

  it("carries the notice's key in a header, which SES quotes in its events and a recipient can dedupe by", async () => {
    await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);
    const headers = world.mails[0]?.headers ?? [];
    const key = headers.find((header) => header.name === NOTICE_KEY_HEADER);
    expect(key === undefined ? undefined : parseNoticeKey(key.value)).toEqual({ stream: STREAM, eventKey: EVENT_KEY });
  });

  it('sends nothing again when its sender died after SES accepted the message: the Send event recorded it', async () => {
    // Given a sender that claimed the notice, and died after SES accepted it but before it recorded SES's answer
    world.faults.arm({ service: 'SES SendEmail', at: 1, when: 'after', crash: true });
    await expect(notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY)).rejects.toThrow();
    world.faults.disarm();
    expect(world.mails).toHaveLength(1);
    expect(await noticeClaim()).not.toHaveProperty('messageId');

    // When SES publishes the message's Send event, and the sender's retry comes after the claim's lifetime
    await world.publishSends();
    vi.setSystemTime(Date.now() + 60_000);
    const record = accepted(await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY));

    // Then the one message SES accepted is the notice: recorded on the claim with its order, on the order and once on the chain
    expect(world.mails).toHaveLength(1);
    expect(record.messageId).toBe('message-1');
    expect(await noticeClaim()).toMatchObject({ messageId: 'message-1', orderId: ORDER_ID });
    expect((await getOrder(ORDER_ID))?.notices.map((notice) => notice.messageId)).toEqual(['message-1']);
    expect(await noticesSent()).toBe(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('without the Send event, a claim whose sender died after SES accepted it is sent again after its lifetime: never lost', async () => {
    world.faults.arm({ service: 'SES SendEmail', at: 1, when: 'after', crash: true });
    await expect(notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY)).rejects.toThrow();
    world.faults.disarm();

    vi.setSystemTime(Date.now() + 60_000);
    const record = accepted(await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY));

    expect(world.mails.map((mail) => mail.messageId)).toEqual(['message-1', 'message-2']);
    expect(record.messageId).toBe('message-2');
    expect(await noticesSent()).toBe(1);
  });

  it('throws TransientError without sending while another sender holds a fresh claim', async () => {
    // Given
    await claimNotice(STREAM, EVENT_KEY, secondsAgo(5));

    // When
    const result = notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY);

    // Then
    await expect(result).rejects.toBeInstanceOf(TransientError);
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
  });

  it('takes over a claim whose sender died without sending, and sends', async () => {
    // Given a claim older than a claim's lifetime, without a message id
    await claimNotice(STREAM, EVENT_KEY, secondsAgo(60));

    // When
    const record = accepted(await notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY));

    // Then
    expect(world.mails).toHaveLength(1);
    expect(record.messageId).toBe('message-1');
    expect(await noticesSent()).toBe(1);
  });

  it.each(['Throttling', 'ThrottlingException', 'TooManyRequestsException'])(
    'turns SES %s into TransientError and gives the claim back so the retry sends at once',
    async (name) => {
      // Given SES refuses the first message
      vi.spyOn(sesClient, 'send').mockRejectedValueOnce(awsError(name));

      // When
      const failed = notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY);

      // Then
      await expect(failed).rejects.toBeInstanceOf(TransientError);
      expect((await getOrder(ORDER_ID))?.notices).toEqual([]);
      expect(await noticeClaim()).not.toHaveProperty('messageId');

      // When it is retried
      const retried = accepted(await notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY));

      // Then
      expect(retried.messageId).toBe('message-1');
      expect(world.mails).toHaveLength(1);
      expect((await getOrder(ORDER_ID))?.notices).toHaveLength(1);
      expect(await noticesSent()).toBe(1);
    },
  );

  it('keeps the claim when the call to SES got no answer (SES may have taken it): the retry waits for its Send event', async () => {
    // Given a call to SES whose answer never came, after SES accepted the message
    world.faults.arm({ service: 'SES SendEmail', at: 1, when: 'after', crash: false });
    await expect(notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY)).rejects.toThrow();
    world.faults.disarm();

    // When the retry comes at once, then SES's Send event, then the retry again
    await expect(notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY)).rejects.toBeInstanceOf(TransientError);
    await world.publishSends();
    const record = accepted(await notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY));

    // Then the one message SES took is the notice
    expect(world.mails).toHaveLength(1);
    expect(record.messageId).toBe('message-1');
    expect(await noticesSent()).toBe(1);
  });

  it.each(['MessageRejected', 'BadRequestException'])(
    'a notice SES refuses for good (%s) is kept on the order as REJECTED, for staff to see',
    async (name) => {
      // Given SES refuses every message for good
      vi.spyOn(sesClient, 'send').mockRejectedValue(awsError(name));

      // When a CONFIRMED notice is sent
      const delivery = await notifyOperator(ORDER_ID, { kind: 'CONFIRMED' }, `confirmed:${ORDER_ID}`);

      // Then it is answered refused, and recorded so, with no message and no recipient
      expect(delivery).toEqual({ accepted: false, reason: `SES refused the message (${name})` });
      expect(world.mails).toEqual([]);
      const stored = await getOrder(ORDER_ID);
      expect(stored?.notices).toEqual([
        expect.objectContaining({
          eventKey: `confirmed:${ORDER_ID}`,
          kind: 'CONFIRMED',
          status: 'REJECTED',
          reason: `SES refused the message (${name})`,
          to: [],
        }),
      ]);
      // And the order itself is not touched
      expect(stored?.complianceStatus).toBe('ISSUED');
      expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'NOTICE_SENT']);
    },
  );

  it('an ORDER notice SES refuses for good makes the order UNDELIVERED: no clock, staff told', async () => {
    // Given SES refuses the operator's address for good (staff alerts still go out)
    world.rejectAddress(OPERATOR_MAIL[0] as string);

    // When its ORDER notice is sent
    const delivery = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);

    // Then the order is UNDELIVERED, with no deadline, and staff were alerted once
    expect(delivery).toEqual({ accepted: false, reason: 'SES refused the message (MessageRejected)' });
    const stored = await getOrder(ORDER_ID);
    expect(stored).toMatchObject({
      complianceStatus: 'UNDELIVERED',
      status: 'UNDELIVERED',
      undeliveredReason: 'SES refused the message (MessageRejected)',
    });
    expect(stored?.deadlineAt).toBeUndefined();
    expect(stored?.notices).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'ORDER_UNDELIVERED', 'STAFF_ALERTED']);
    expect((await getCase(CASE_ID))?.staffAlerts?.map((alert) => alert.eventKey)).toEqual([`undelivered:${ORDER_ID}:0`]);
    expect(world.mails.map((mail) => mail.to)).toEqual([STAFF_EMAILS]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('turns DynamoDB throughput errors into TransientError', async () => {
    // Given
    vi.spyOn(documentClient, 'send').mockRejectedValueOnce(awsError('ProvisionedThroughputExceededException'));

    // When
    const result = notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY);

    // Then
    await expect(result).rejects.toBeInstanceOf(TransientError);
    expect(world.mails).toEqual([]);
  });

  it.each<[string, OperatorNoticeRequest]>([
    ['REVOKED', { kind: 'REVOKED' }],
    ['CONFIRMED', { kind: 'CONFIRMED' }],
    ['OVERDUE', { kind: 'OVERDUE' }],
    ['APPEAL_OUTCOME', { kind: 'APPEAL_OUTCOME', outcome: 'UPHELD' }],
  ])('sends a %s notice about the order to the operator', async (kind, notice) => {
    // Given an order whose clock runs (an OVERDUE notice states its deadline)
    await startClock();

    // When
    const record = accepted(await notifyOperator(ORDER_ID, notice, `${kind}:${ORDER_ID}`));

    // Then
    expect(record).toMatchObject({ kind, to: OPERATOR_MAIL, status: 'SENT' });
    expect(world.mails.map((mail) => [mail.to, mail.subject.includes(ORDER_ID)])).toEqual([[OPERATOR_MAIL, true]]);
  });

  it('fails with a clear message when the order has no fine to notify', async () => {
    await expect(notifyOperator(ORDER_ID, { kind: 'FINE' }, `fine:${ORDER_ID}`)).rejects.toThrow(/has no fine to notify/);
    expect(world.mails).toEqual([]);
  });

  it.each([
    ['not registered', 'op-gone', 'operator op-gone is not registered'],
    ['without a contact e-mail', 'op-mute', 'operator op-mute has no contact e-mail'],
  ])(
    'answers refused, and sends nothing, when the operator is %s; its ORDER notice makes the order UNDELIVERED',
    async (_label, operatorId, reason) => {
      // Given orders to an operator that cannot be reached
      if (operatorId === 'op-mute') await plant.operator(anOperator({ operatorId, domains: ['mute.example'], contactEmails: [] }));
      const orphan = anOrder({ ...order, operatorId, orderId: orderIdFor(CASE_ID, operatorId) });
      await plant.order(orphan);

      // When an OVERDUE notice, then its ORDER notice, are sent
      const overdue = await notifyOperator(orphan.orderId, { kind: 'OVERDUE' }, `overdue:${orphan.orderId}`);
      const orderNotice = await notifyOperator(orphan.orderId, { kind: 'ORDER' }, `order:${orphan.orderId}`);

      // Then both are refused with the reason, nothing is sent to it, and the order is UNDELIVERED
      expect(overdue).toEqual({ accepted: false, reason });
      expect(orderNotice).toEqual({ accepted: false, reason });
      expect(world.mails.filter((mail) => !mail.to.includes(STAFF_EMAILS[0] as string))).toEqual([]);
      expect(await getOrder(orphan.orderId)).toMatchObject({
        complianceStatus: 'UNDELIVERED',
        undeliveredReason: reason,
        notices: [expect.objectContaining({ kind: 'OVERDUE', status: 'REJECTED', reason })],
      });
    },
  );
});

describe("recording SES's Send event on a notice whose sender died, under every fault", () => {
  /** SES's Send event of `mail`, as its SNS topic delivers it to DeliveryEvents. */
  const sendEventOf = (mail: Mail): SNSEvent =>
    ({
      Records: [
        {
          Sns: {
            MessageId: `sns-${mail.messageId}`,
            Message: JSON.stringify({
              eventType: 'Send',
              mail: {
                messageId: mail.messageId,
                timestamp: nowIso(),
                destination: mail.to,
                headersTruncated: false,
                headers: mail.headers,
              },
              send: {},
            }),
          },
        },
      ],
    }) as SNSEvent;

  it('records the message on the claim once, whatever call fails, so the sender sends nothing again', async () => {
    const cases = await underEveryFault(
      world,
      {
        // Given a sender that claimed the ORDER notice, and died after SES accepted it
        given: async () => {
          await plantIssuedOrder();
          world.faults.arm({ service: 'SES SendEmail', at: 1, when: 'after', crash: true });
          await expect(notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY)).rejects.toThrow();
          world.faults.disarm();
        },
        // When DeliveryEvents takes the message's Send event (SNS and Lambda retry it after a failure)
        act: () => deliveryEvents(sendEventOf(world.mails[0] as Mail)),
        streams: () => [refs.case(CASE_ID).root],
        expectAfter: async () => {
          // Then the claim holds the one message, and the sender's retry after the claim's lifetime records it without sending
          expect(await noticeClaim()).toMatchObject({ messageId: 'message-1', orderId: ORDER_ID });
          vi.setSystemTime(Date.now() + 60_000);
          expect(accepted(await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY)).messageId).toBe('message-1');
          expect(world.mails.map((mail) => mail.messageId)).toEqual(['message-1']);
          expect(await noticesSent()).toBe(1);
        },
      },
      { now: '2026-11-24T06:01:00.000Z', sweepAt: '2026-11-24T06:11:00.000Z' },
    );
    expect(cases).toBeGreaterThan(1);
  });
});

describe('notifyStaff', () => {
  const alert = { subject: 'Deadline missed', lines: [`Order ${ORDER_ID} is overdue.`] };

  it('sends once to STAFF_EMAILS per event key, and records on the case that staff were told', async () => {
    // When
    await notifyStaff(CASE_ID, alert, 'staff:overdue');
    await notifyStaff(CASE_ID, alert, 'staff:overdue');

    // Then
    expect(world.mails).toHaveLength(1);
    expect(world.mails[0]).toMatchObject({ to: STAFF_EMAILS, messageId: 'message-1' });
    expect(world.mails[0]?.subject).toContain('Deadline missed');
    expect(world.mails[0]?.subject).toContain(CASE_ID);
    expect(world.mails[0]?.text).toContain(`Order ${ORDER_ID} is overdue.`);
    expect((await getCase(CASE_ID))?.staffAlerts).toEqual([
      { eventKey: 'staff:overdue', messageId: 'message-1', sentAt: expect.any(String) },
    ]);
    const alerted = (await chainOfCase(CASE_ID)).filter((event) => event.action === 'STAFF_ALERTED');
    expect(alerted).toMatchObject([{ actor: 'system', details: { eventKey: 'staff:overdue', messageId: 'message-1' } }]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('sends one alert per event key', async () => {
    // When
    await notifyStaff(CASE_ID, alert, 'staff:one');
    await notifyStaff(CASE_ID, alert, 'staff:two');

    // Then
    expect(world.mails).toHaveLength(2);
    expect((await getCase(CASE_ID))?.staffAlerts?.map((sent) => sent.eventKey)).toEqual(['staff:one', 'staff:two']);
  });

  it('is a logged no-op without staff addresses', async () => {
    // Given
    const staffEmails = process.env.STAFF_EMAILS;
    process.env.STAFF_EMAILS = '';
    resetConfigForTests();

    // When
    try {
      await notifyStaff(CASE_ID, alert, 'staff:none');
    } finally {
      if (staffEmails === undefined) delete process.env.STAFF_EMAILS;
      else process.env.STAFF_EMAILS = staffEmails;
      resetConfigForTests();
    }

    // Then
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
  });

  it('throws TransientError while another sender holds a fresh claim', async () => {
    // Given
    await claimNotice(STREAM, 'staff:overdue', nowIso());

    // When, Then
    await expect(notifyStaff(CASE_ID, alert, 'staff:overdue')).rejects.toBeInstanceOf(TransientError);
    expect(world.mails).toEqual([]);
  });

  it('turns SES throttling into TransientError, and the retry sends once', async () => {
    // Given
    vi.spyOn(sesClient, 'send').mockRejectedValueOnce(awsError('Throttling'));

    // When
    const failed = notifyStaff(CASE_ID, alert, 'staff:overdue');

    // Then
    await expect(failed).rejects.toBeInstanceOf(TransientError);
    await notifyStaff(CASE_ID, alert, 'staff:overdue');
    expect(world.mails).toHaveLength(1);
    expect((await getCase(CASE_ID))?.staffAlerts).toHaveLength(1);
  });
});

describe('what every e-mail carries', () => {
  it("replies go to the policy's authority, and links to the configured web UI and API", async () => {
    // When an operator notice and a staff alert go out
    await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);
    await notifyStaff(CASE_ID, { subject: 'Deadline missed', lines: [] }, 'staff:overdue');

    // Then both reply to the authority, and link to the world's web UI and API
    const { replyTo } = config().policy.authority;
    expect(world.mails.map((mail) => mail.replyTo)).toEqual([[replyTo], [replyTo]]);
    expect(world.mails[0]?.text).toContain(`${WEB_BASE_URL}/#/operator/orders/${ORDER_ID}`);
    expect(world.mails[0]?.text).toContain(`POST ${API_BASE_URL}/operator/orders/${ORDER_ID}/compliance`);
    expect(world.mails[1]?.text).toContain(`${WEB_BASE_URL}/#/cases/${CASE_ID}`);
  });
});

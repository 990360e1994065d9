/**
 * Notices (shared/services/notify.ts, shared/notices and notifyOperator / notifyStaff in
 * shared/services/acts.ts): each goes out once per event key, however often its sending is
 * retried, and is recorded on its order (NOTICE_SENT) or on its case (STAFF_ALERTED). A claim
 * another sender holds and SES throttling come out as TransientError, which the workflow retries.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OperatorNoticeRequest } from '../../../shared/domain/decider';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { sesClient } from '../../../shared/notices/index';
import { nowIso } from '../../../shared/runtime/clock';
import { resetConfigForTests } from '../../../shared/runtime/config';
import { TransientError } from '../../../shared/runtime/transient';
import { notifyOperator, notifyStaff } from '../../../shared/services/acts';
import { documentClient } from '../../../shared/store/client';
import { keys, refs } from '../../../shared/store/keys';
import { claimNotice, getCase, getOrder, recordNoticeSent, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { STAFF_EMAILS, startWorld, type World } from '../../support/world';
import { chainOfCase, storedItem } from '../services/world-steps';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(7)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const EVENT_KEY = `order:${ORDER_ID}`;
const URL = 'https://webhard.example/v/123';
const OTHER_URL = 'https://social.example/p/9';
const OPERATOR_MAIL = ['notices@webhard.example'];
const ISSUED = ['REPORT_FILED', 'ORDER_ISSUED'];

const order: OrderRecord = anOrder({
  caseId: CASE_ID,
  urlCount: 1,
  issuedAt: '2026-11-24T06:00:00.000Z',
  deadlineAt: '2026-11-25T06:00:00.000Z',
  graceEndsAt: '2026-12-02T06:00:00.000Z',
});

const awsError = (name: string) => Object.assign(new Error(`${name} from the service`), { name, $metadata: {} });
const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const noticeClaim = () => storedItem(keys.notice(CASE_ID, EVENT_KEY));
const noticesSent = async () => (await actionsOf(CASE_ID)).filter((action) => action === 'NOTICE_SENT').length;

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  // Given an operator, and a case whose order to it was issued, with the URLs of two operators
  await world.reset();
  await plant.operator(anOperator());
  await plant.case(
    aCase({ caseId: CASE_ID, createdAt: '2026-11-24T05:00:00.000Z', status: 'ORDERS_ISSUED', ordersIssuedAt: order.issuedAt }),
  );
  await writeUrls(CASE_ID, [
    { url: URL, host: 'webhard.example', operatorId: 'op-webhard' },
    { url: OTHER_URL, host: 'social.example', operatorId: 'op-social' },
  ]);
  await plant.order(order);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('notifyOperator', () => {
  it('claims, sends one e-mail to the operator with its own URLs, and records it on the claim, the order and the chain', async () => {
    // When
    const record = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);

    // Then
    expect(world.mails).toHaveLength(1);
    const [mail] = world.mails;
    expect(mail?.to).toEqual(OPERATOR_MAIL);
    expect(mail?.subject).toContain(ORDER_ID);
    expect(mail?.text).toContain(URL);
    expect(mail?.text).not.toContain(OTHER_URL);
    expect(record).toEqual({ eventKey: EVENT_KEY, kind: 'ORDER', to: OPERATOR_MAIL, messageId: 'message-1', sentAt: expect.any(String) });
    expect(await noticeClaim()).toMatchObject({ messageId: 'message-1', sentAt: record.sentAt });
    expect((await getOrder(ORDER_ID))?.notices).toEqual([record]);
    const event = (await chainOfCase(CASE_ID)).at(-1);
    expect(event).toMatchObject({
      action: 'NOTICE_SENT',
      actor: 'system',
      at: record.sentAt,
      details: { orderId: ORDER_ID, kind: 'ORDER', messageId: 'message-1' },
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
    expect(second).toEqual(first);
    expect((await getOrder(ORDER_ID))?.notices).toHaveLength(1);
    expect(await noticesSent()).toBe(1);
  });

  it('sends one notice per event key', async () => {
    // When
    await notifyOperator(ORDER_ID, { kind: 'REMINDER', reminderAt: '2026-11-24T18:00:00.000Z' }, `reminder:${ORDER_ID}:1`);
    await notifyOperator(ORDER_ID, { kind: 'REMINDER', reminderAt: '2026-11-25T04:00:00.000Z' }, `reminder:${ORDER_ID}:2`);

    // Then
    expect(world.mails).toHaveLength(2);
    expect((await getOrder(ORDER_ID))?.notices.map((notice) => notice.eventKey)).toEqual([
      `reminder:${ORDER_ID}:1`,
      `reminder:${ORDER_ID}:2`,
    ]);
  });

  it('records, without sending, a notice that went out before a crash left the order unrecorded', async () => {
    // Given the claim says the message went out
    await claimNotice(CASE_ID, EVENT_KEY, '2026-11-24T06:00:00.000Z');
    await recordNoticeSent(CASE_ID, EVENT_KEY, 'message-0', '2026-11-24T06:00:01.000Z');

    // When
    const record = await notifyOperator(ORDER_ID, { kind: 'ORDER' }, EVENT_KEY);

    // Then
    expect(world.mails).toEqual([]);
    expect(record).toMatchObject({ messageId: 'message-0', sentAt: '2026-11-24T06:00:01.000Z' });
    expect((await getOrder(ORDER_ID))?.notices).toEqual([record]);
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({ action: 'NOTICE_SENT', at: '2026-11-24T06:00:01.000Z' });
  });

  it('throws TransientError without sending while another sender holds a fresh claim', async () => {
    // Given
    await claimNotice(CASE_ID, EVENT_KEY, secondsAgo(5));

    // When
    const result = notifyOperator(ORDER_ID, { kind: 'OVERDUE' }, EVENT_KEY);

    // Then
    await expect(result).rejects.toBeInstanceOf(TransientError);
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
  });

  it('takes over a claim whose sender died without sending, and sends', async () => {
    // Given a claim older than a claim's lifetime, without a message id
    await claimNotice(CASE_ID, EVENT_KEY, secondsAgo(60));

    // When
    const record = await notifyOperator(ORDER_ID, { kind: 'OVERDUE' }, EVENT_KEY);

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
      const retried = await notifyOperator(ORDER_ID, { kind: 'REVOKED' }, EVENT_KEY);

      // Then
      expect(retried.messageId).toBe('message-1');
      expect(world.mails).toHaveLength(1);
      expect((await getOrder(ORDER_ID))?.notices).toHaveLength(1);
      expect(await noticesSent()).toBe(1);
    },
  );

  it('lets a permanent SES refusal through as it is', async () => {
    // Given
    vi.spyOn(sesClient, 'send').mockRejectedValue(awsError('MessageRejected'));

    // When
    const result = notifyOperator(ORDER_ID, { kind: 'CONFIRMED' }, EVENT_KEY);

    // Then
    await expect(result).rejects.toMatchObject({ name: 'MessageRejected' });
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
  });

  it('turns DynamoDB throughput errors into TransientError', async () => {
    // Given
    vi.spyOn(documentClient, 'send').mockRejectedValueOnce(awsError('ProvisionedThroughputExceededException'));

    // When
    const result = notifyOperator(ORDER_ID, { kind: 'OVERDUE' }, EVENT_KEY);

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
    // When
    const record = await notifyOperator(ORDER_ID, notice, `${kind}:${ORDER_ID}`);

    // Then
    expect(record).toMatchObject({ kind, to: OPERATOR_MAIL });
    expect(world.mails.map((mail) => [mail.to, mail.subject.includes(ORDER_ID)])).toEqual([[OPERATOR_MAIL, true]]);
  });

  it('fails with a clear message when the order has no fine to notify', async () => {
    await expect(notifyOperator(ORDER_ID, { kind: 'FINE' }, `fine:${ORDER_ID}`)).rejects.toThrow(/has no fine to notify/);
    expect(world.mails).toEqual([]);
  });

  it('fails with a clear message when the operator is not registered', async () => {
    // Given an order to an operator that is not registered
    const orphan = anOrder({ ...order, operatorId: 'op-gone', orderId: orderIdFor(CASE_ID, 'op-gone') });
    await plant.order(orphan);

    // When
    const result = notifyOperator(orphan.orderId, { kind: 'OVERDUE' }, `overdue:${orphan.orderId}`);

    // Then
    await expect(result).rejects.toThrow(/op-gone, which is not registered/);
    expect(world.mails).toEqual([]);
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
    await claimNotice(CASE_ID, 'staff:overdue', nowIso());

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

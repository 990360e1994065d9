import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { notifyOperator, notifyStaff } from '../../../shared/notices';
import { TransientError } from '../../../shared/runtime/transient';
import { keys } from '../../../shared/store/keys';
import { operatorItem, orderItem } from '../../../shared/store/repository';
import { anOperator, anOrder } from '../../support/records';
import { ddbMock, givenItems, resetAws, storedItem, storedItems } from '../../support/fake-table';

const sesMock = mockClient(SESClient);

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(7)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const EVENT_KEY = `order:${ORDER_ID}`;
const URL = 'https://webhard.example/v/123';

const operator = anOperator();

const order = anOrder({
  caseId: CASE_ID,
  urlCount: 1,
  issuedAt: '2026-11-24T06:00:00.000Z',
  deadlineAt: '2026-11-25T06:00:00.000Z',
  graceEndsAt: '2026-12-02T06:00:00.000Z',
});

const noticeClaim = () => keys.notice(CASE_ID, EVENT_KEY);
const storedOrder = () => storedItem(`CASE#${CASE_ID}`, `ORDER#${ORDER_ID}`) as unknown as OrderRecord;
const auditEvents = () => storedItems({ pk: `CASE#${CASE_ID}`, skPrefix: 'AUDIT#' });
const awsError = (name: string) => Object.assign(new Error(`${name} from the service`), { name, $metadata: {} });

beforeEach(() => {
  resetAws({ NOTICE_FROM: 'notices@kcsc.example', STAFF_EMAILS: 'staff@kcsc.example' });
  sesMock.reset();
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
  givenItems(operatorItem(operator), orderItem(order));
});

describe('notifyOperator', () => {
  it('claims, sends one e-mail to the operator, and records it on the claim, the order and the audit chain', async () => {
    // Act
    const record = await notifyOperator(order, { kind: 'ORDER', urls: [URL] }, EVENT_KEY);
    // Assess
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    const input = sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Source).toBe('notices@kcsc.example');
    expect(input.Destination?.ToAddresses).toEqual(['notices@webhard.example']);
    expect(input.Message?.Subject?.Data).toContain(ORDER_ID);
    expect(input.Message?.Body?.Text?.Data).toContain(URL);
    expect(record).toMatchObject({ kind: 'ORDER', to: ['notices@webhard.example'], messageId: 'msg-1' });
    expect(storedItem(noticeClaim().pk, noticeClaim().sk)).toMatchObject({ messageId: 'msg-1' });
    expect(storedOrder().notices).toEqual([record]);
    const events = auditEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'NOTICE_SENT',
      eventKey: `notice:${EVENT_KEY}`,
      details: { orderId: ORDER_ID, kind: 'ORDER', messageId: 'msg-1' },
    });
    expect(JSON.stringify(events[0])).not.toContain(URL);
  });

  it('sends nothing the second time and answers the first record', async () => {
    // Prepare
    const first = await notifyOperator(order, { kind: 'ORDER', urls: [URL] }, EVENT_KEY);
    // Act
    const second = await notifyOperator(order, { kind: 'ORDER', urls: [URL] }, EVENT_KEY);
    // Assess
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(second).toEqual(first);
    expect(storedOrder().notices).toHaveLength(1);
    expect(auditEvents()).toHaveLength(1);
  });

  it('finishes the recording without sending when a crash left the claim sent but the order unrecorded', async () => {
    // Prepare
    givenItems({ ...noticeClaim(), claimedAt: '2026-11-24T06:00:00.000Z', messageId: 'msg-0', sentAt: '2026-11-24T06:00:01.000Z' });
    // Act
    const record = await notifyOperator(order, { kind: 'ORDER', urls: [URL] }, EVENT_KEY);
    // Assess
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(record).toMatchObject({ messageId: 'msg-0', sentAt: '2026-11-24T06:00:01.000Z' });
    expect(storedOrder().notices).toEqual([record]);
    expect(auditEvents()).toHaveLength(1);
  });

  it('throws TransientError without sending while another worker holds a fresh claim', async () => {
    // Prepare
    givenItems({ ...noticeClaim(), claimedAt: new Date().toISOString() });
    // Act
    const result = notifyOperator(order, { kind: 'OVERDUE' }, EVENT_KEY);
    // Assess
    await expect(result).rejects.toBeInstanceOf(TransientError);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it.each(['Throttling', 'ThrottlingException', 'TooManyRequestsException'])(
    'turns SES %s into TransientError and gives the claim back so the retry sends at once',
    async (name) => {
      // Prepare
      sesMock.on(SendEmailCommand).rejectsOnce(awsError(name)).resolves({ MessageId: 'msg-2' });
      // Act
      const failed = notifyOperator(order, { kind: 'REVOKED' }, EVENT_KEY);
      // Assess
      await expect(failed).rejects.toMatchObject({ name: 'TransientError' });
      expect(storedOrder().notices).toEqual([]);
      const retried = await notifyOperator(order, { kind: 'REVOKED' }, EVENT_KEY);
      expect(retried?.messageId).toBe('msg-2');
      expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(2);
      expect(storedOrder().notices).toHaveLength(1);
    },
  );

  it('lets a permanent SES refusal through as it is', async () => {
    // Prepare
    sesMock.on(SendEmailCommand).rejects(awsError('MessageRejected'));
    // Act
    const result = notifyOperator(order, { kind: 'CONFIRMED' }, EVENT_KEY);
    // Assess
    await expect(result).rejects.toMatchObject({ name: 'MessageRejected' });
  });

  it('turns DynamoDB throughput errors into TransientError', async () => {
    // Prepare
    ddbMock.rejects(awsError('ProvisionedThroughputExceededException'));
    // Act
    const result = notifyOperator(order, { kind: 'OVERDUE' }, EVENT_KEY);
    // Assess
    await expect(result).rejects.toBeInstanceOf(TransientError);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('fails with a clear message when the operator is not registered', async () => {
    // Act
    const result = notifyOperator({ ...order, operatorId: 'op-gone' }, { kind: 'OVERDUE' }, EVENT_KEY);
    // Assess
    await expect(result).rejects.toThrow(/op-gone, which is not registered/);
  });
});

describe('notifyStaff', () => {
  it('sends once to STAFF_EMAILS per event key', async () => {
    // Act
    const first = await notifyStaff(CASE_ID, { subject: 'Deadline missed', lines: [`Order ${ORDER_ID} is overdue.`] }, 'staff:overdue');
    await notifyStaff(CASE_ID, { subject: 'Deadline missed', lines: [`Order ${ORDER_ID} is overdue.`] }, 'staff:overdue');
    // Assess
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input.Destination?.ToAddresses).toEqual(['staff@kcsc.example']);
    expect(first).toMatchObject({ messageId: 'msg-1', to: ['staff@kcsc.example'] });
  });

  it('is a logged no-op without staff addresses', async () => {
    // Prepare
    resetAws({ STAFF_EMAILS: '' });
    // Act
    const result = await notifyStaff(CASE_ID, { subject: 'x', lines: [] }, 'staff:none');
    // Assess
    expect(result).toBeUndefined();
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

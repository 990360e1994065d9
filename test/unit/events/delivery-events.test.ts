/**
 * The delivery-events handler (functions/events/delivery-events.ts): each SNS record of the
 * configuration set's topic becomes one recordDeliveryEvent call; what is not a SES event record is
 * logged without its content and skipped; a failure to record fails the invocation (Lambda retries,
 * then the dead-letter queue). recordDeliveryEvent is the services' (mocked here).
 */
import type { Context, SNSEvent, SNSEventRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/events/delivery-events';
import { logger } from '../../../shared/runtime/logger';
import { metrics } from '../../../shared/runtime/metrics';
import { recordDeliveryEvent } from '../../../shared/services/delivery';

vi.mock('../../../shared/services/delivery', () => ({ recordDeliveryEvent: vi.fn() }));

const recorded = vi.mocked(recordDeliveryEvent);
const RECIPIENT = 'notices@webhard.example';
const mail = (messageId: string) => ({ timestamp: '2026-11-24T06:00:01.234Z', messageId, destination: [RECIPIENT], source: 'n@x.example' });

function snsRecord(message: string, snsMessageId = `sns-${Math.random()}`): SNSEventRecord {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:ap-northeast-2:123456789012:DeliveryEvents:1111',
    Sns: {
      Type: 'Notification',
      MessageId: snsMessageId,
      TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:DeliveryEvents',
      Subject: '',
      Message: message,
      Timestamp: '2026-11-24T06:00:04.000Z',
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertUrl: 'https://sns.example/cert.pem',
      UnsubscribeUrl: 'https://sns.example/unsubscribe',
      MessageAttributes: {},
    },
  };
}

const event = (...records: SNSEventRecord[]): SNSEvent => ({ Records: records });
const delivered = (messageId: string) =>
  JSON.stringify({ eventType: 'Delivery', mail: mail(messageId), delivery: { timestamp: '2026-11-24T06:00:02Z' } });
const bounced = (messageId: string, bounceType = 'Permanent') =>
  JSON.stringify({
    eventType: 'Bounce',
    mail: mail(messageId),
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: RECIPIENT, diagnosticCode: `smtp; 550 5.1.1 <${RECIPIENT}> unknown` }],
      timestamp: '2026-11-24T06:00:03Z',
    },
  });
const rejected = (messageId: string) => JSON.stringify({ eventType: 'Reject', mail: mail(messageId), reject: { reason: 'Bad content' } });

const context = { functionName: 'DeliveryEvents', awsRequestId: 'request-1', invokedFunctionArn: 'arn', memoryLimitInMB: '512' } as Context;

let logged: { level: string; message: string; extra: unknown }[];
beforeEach(() => {
  recorded.mockReset();
  recorded.mockResolvedValue(undefined);
  logged = [];
  for (const level of ['info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation((message: unknown, ...extra: unknown[]) => {
      logged.push({ level, message: String(message), extra });
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the delivery-events handler', () => {
  it('records each record of the event, in order, as its DeliveryEvent', async () => {
    // Act
    await handler(
      event(snsRecord(delivered('m-1')), snsRecord(bounced('m-2')), snsRecord(rejected('m-3')), snsRecord(bounced('m-4', 'Transient'))),
      context,
    );
    // Assess
    expect(recorded.mock.calls.map(([e]) => [e.type, e.messageId, e.permanent])).toEqual([
      ['DELIVERY', 'm-1', false],
      ['BOUNCE', 'm-2', true],
      ['REJECT', 'm-3', true],
      ['BOUNCE', 'm-4', false],
    ]);
    expect(recorded.mock.calls[1]![0].reason).toBe('Permanent/General: smtp; 550 5.1.1 [address] unknown');
  });

  it('skips a malformed record, logging what was wrong but neither the message nor an address, and records the rest', async () => {
    // Act
    await handler(
      event(
        snsRecord(`Bounce for ${RECIPIENT}`, 'sns-bad'),
        snsRecord(JSON.stringify({ eventType: 'Bounce', mail: mail('m-9') })),
        snsRecord(delivered('m-1')),
      ),
    );
    // Assess
    expect(recorded.mock.calls.map(([e]) => e.messageId)).toEqual(['m-1']);
    const warnings = logged.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      message: 'delivery event skipped: not a SES event record',
      extra: [{ snsMessageId: 'sns-bad', fields: '(not JSON)' }],
    });
    expect(warnings[1]).toMatchObject({ extra: [expect.objectContaining({ fields: 'bounce' })] });
    expect(JSON.stringify(logged)).not.toContain('@');
  });

  it('logs and ignores an event type this system does not record', async () => {
    await handler(event(snsRecord(JSON.stringify({ eventType: 'Open', mail: mail('m-1'), open: { ipAddress: '192.0.2.1' } }))));
    expect(recorded).not.toHaveBeenCalled();
    expect(logged).toEqual([
      { level: 'info', message: 'delivery event ignored: a type this system does not record', extra: [{ eventType: 'Open' }] },
    ]);
  });

  it('fails the invocation when an event cannot be recorded, so that Lambda retries it and then dead-letters it', async () => {
    recorded.mockRejectedValueOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(handler(event(snsRecord(delivered('m-1'))))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('counts a permanent bounce or a rejection as NoticeUndelivered once recorded (a soft bounce not), and flushes the metrics after the invocation', async () => {
    // Prepare: in Lambda, where metrics are recorded
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'DeliveryEvents');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
    const added = vi.spyOn(metrics, 'addMetric').mockReturnThis();
    const stored = vi.spyOn(metrics, 'hasStoredMetrics').mockReturnValue(true);
    const published = vi.spyOn(metrics, 'publishStoredMetrics').mockReturnThis();
    // Act
    await handler(
      event(snsRecord(delivered('m-1')), snsRecord(bounced('m-2')), snsRecord(rejected('m-3')), snsRecord(bounced('m-4', 'Transient'))),
      context,
    );
    // Assess
    expect(added.mock.calls.map(([name, unit, value]) => [name, unit, value])).toEqual([
      ['NoticeUndelivered', 'Count', 1],
      ['NoticeUndelivered', 'Count', 1],
    ]);
    expect(stored).toHaveBeenCalled();
    expect(published).toHaveBeenCalledTimes(1);
  });

  it('labels the lines about a record with its message id, in Lambda, and clears it after', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'DeliveryEvents');
    const appended = vi.spyOn(logger, 'appendKeys');
    const removed = vi.spyOn(logger, 'removeKeys');
    // Act
    await handler(event(snsRecord(delivered('m-1')), snsRecord(delivered('m-2'))), context);
    // Assess
    expect(appended.mock.calls).toEqual([[{}], [{ messageId: 'm-1' }], [{ messageId: 'm-2' }]]);
    expect(removed.mock.calls).toEqual([[['messageId']], [['messageId']]]);
  });
});

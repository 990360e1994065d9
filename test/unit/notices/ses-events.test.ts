/**
 * SES's event records as its configuration-set destination publishes them to SNS ("Examples of
 * event data that Amazon SES publishes to Amazon SNS"): each type becomes the DeliveryEvent of
 * shared/services/delivery.ts; no address of a recipient survives into a reason.
 */
import { describe, expect, it } from 'vitest';
import { NOTICE_KEY_HEADER, noticeKeyHeaderValue, parseNoticeKey } from '../../../shared/domain/delivery';
import { parseSesEvent, withoutAddresses } from '../../../shared/notices/ses-events';

const MESSAGE_ID = '0100018c1e2d3f4a-5b6c7d8e-1111-2222-3333-444455556666-000000';
const RECIPIENT = 'notices@webhard.example';

/** The `mail` object every record carries, with the headers and addresses SES includes. */
const mail = {
  timestamp: '2026-11-24T06:00:01.234Z',
  source: 'notices@urgent-deliberation.example',
  sourceArn: 'arn:aws:ses:ap-northeast-2:123456789012:identity/urgent-deliberation.example',
  sendingAccountId: '123456789012',
  messageId: MESSAGE_ID,
  destination: [RECIPIENT],
  headersTruncated: false,
  headers: [
    { name: 'From', value: 'notices@urgent-deliberation.example' },
    { name: 'To', value: RECIPIENT },
    { name: 'Subject', value: '[긴급 삭제 요청] O01…-op-webhard' },
  ],
  commonHeaders: { from: ['notices@urgent-deliberation.example'], to: [RECIPIENT], subject: '[긴급 삭제 요청]' },
  tags: { 'ses:configuration-set': ['UrgentDeliberation-NoticeEvents'] },
};

const record = (eventType: string, body: Record<string, unknown>) => JSON.stringify({ eventType, mail, ...body });

const bounce = (bounceType: string, bounceSubType: string, diagnosticCode: string) =>
  record('Bounce', {
    bounce: {
      bounceType,
      bounceSubType,
      bouncedRecipients: [{ emailAddress: RECIPIENT, action: 'failed', status: '5.1.1', diagnosticCode }],
      timestamp: '2026-11-24T06:00:03.500Z',
      feedbackId: '0100018c1e2d3f4a-aaaa-bbbb-cccc-dddd-000000',
      reportingMTA: 'dsn; mx.webhard.example',
    },
  });

describe('SES delivery events', () => {
  it('reads a Send record: accepted for delivery at the mail timestamp', () => {
    expect(parseSesEvent(record('Send', { send: {} }))).toEqual({
      kind: 'event',
      event: { type: 'SEND', messageId: MESSAGE_ID, at: mail.timestamp, permanent: false },
    });
  });

  it.each([
    ['its own header', NOTICE_KEY_HEADER],
    ['its header in another case, as a relay may write it', NOTICE_KEY_HEADER.toLowerCase()],
  ])("reads a Send record of a notice with the notice's key from %s", (_label, name) => {
    const notice = { stream: 'CASE#C01KAR4Z3G0000000000000000', eventKey: 'order:O01KAR4Z3G0000000000000000-op-webhard' };
    const withKey = JSON.stringify({
      eventType: 'Send',
      mail: { ...mail, headers: [...mail.headers, { name, value: noticeKeyHeaderValue(notice) }] },
      send: {},
    });
    expect(parseSesEvent(withKey)).toEqual({
      kind: 'event',
      event: { type: 'SEND', messageId: MESSAGE_ID, at: mail.timestamp, permanent: false, notice },
    });
  });

  it.each([
    ['one part only', 'CASE%23C01'],
    ['three parts', 'a b c'],
    ['an encoding that does not decode', 'CASE%E0%A4%A b'],
    ['an empty part', ' b'],
  ])('reads a Send record whose notice header is not one this system wrote (%s) as naming no notice', (_label, value) => {
    const withBadKey = JSON.stringify({ eventType: 'Send', mail: { ...mail, headers: [{ name: NOTICE_KEY_HEADER, value }] }, send: {} });
    const parsed = parseSesEvent(withBadKey);
    expect(parsed.kind === 'event' ? parsed.event.notice : 'not an event').toBeUndefined();
  });

  it('writes and reads back a notice key whatever its characters', () => {
    const notice = { stream: 'OPERATOR#op web/hard', eventKey: 'contact-change:2026-11-24T06:00:00Z #3 %' };
    expect(noticeKeyHeaderValue(notice)).not.toMatch(/[\r\n]/);
    expect(parseNoticeKey(noticeKeyHeaderValue(notice))).toEqual(notice);
  });

  it('reads a Delivery record: delivered when the receiving server took it', () => {
    const message = record('Delivery', {
      delivery: {
        timestamp: '2026-11-24T06:00:02.100Z',
        processingTimeMillis: 866,
        recipients: [RECIPIENT],
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'a8-70.smtp-out.amazonses.com',
      },
    });
    expect(parseSesEvent(message)).toEqual({
      kind: 'event',
      event: { type: 'DELIVERY', messageId: MESSAGE_ID, at: '2026-11-24T06:00:02.100Z', permanent: false },
    });
  });

  it('reads a permanent bounce as permanent, with its type and diagnostic and no address', () => {
    const parsed = parseSesEvent(bounce('Permanent', 'General', `smtp; 550 5.1.1 <${RECIPIENT}>... User unknown`));
    expect(parsed).toEqual({
      kind: 'event',
      event: {
        type: 'BOUNCE',
        messageId: MESSAGE_ID,
        at: '2026-11-24T06:00:03.500Z',
        permanent: true,
        reason: 'Permanent/General: smtp; 550 5.1.1 [address]... User unknown',
      },
    });
  });

  it.each([
    ['Transient', 'MailboxFull', 'smtp; 452 4.2.2 The email account that you tried to reach is over quota'],
    ['Undetermined', 'Undetermined', 'smtp; 451 temporary failure'],
  ])('reads a %s bounce as not permanent (the address may take mail later)', (bounceType, subType, diagnostic) => {
    const parsed = parseSesEvent(bounce(bounceType, subType, diagnostic));
    expect(parsed).toMatchObject({
      kind: 'event',
      event: { type: 'BOUNCE', permanent: false, reason: `${bounceType}/${subType}: ${diagnostic}` },
    });
  });

  it('reads a suppressed bounce, which carries no diagnostic', () => {
    const message = record('Bounce', {
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'OnAccountSuppressionList',
        bouncedRecipients: [{ emailAddress: RECIPIENT }],
        timestamp: '2026-11-24T06:00:03.500Z',
      },
    });
    expect(parseSesEvent(message)).toMatchObject({ event: { permanent: true, reason: 'Permanent/OnAccountSuppressionList' } });
  });

  it('joins the distinct diagnostics of several recipients', () => {
    const message = record('Bounce', {
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'NoEmail',
        bouncedRecipients: [
          { emailAddress: 'a@webhard.example', diagnosticCode: 'smtp; 550 5.1.1 a@webhard.example: Recipient address rejected' },
          { emailAddress: 'b@webhard.example', diagnosticCode: 'smtp; 550 5.1.1 b@webhard.example: Recipient address rejected' },
          { emailAddress: 'c@webhard.example', diagnosticCode: 'smtp; 550 5.7.1 relay denied' },
        ],
        timestamp: '2026-11-24T06:00:03.500Z',
      },
    });
    const parsed = parseSesEvent(message);
    expect(parsed).toMatchObject({
      event: {
        reason:
          'Permanent/NoEmail: smtp; 550 5.1.1 [address]: Recipient address rejected; smtp; 550 5.1.1 [address]: Recipient address rejected; smtp; 550 5.7.1 relay denied',
      },
    });
  });

  it('reads a permanent bounce of some recipients as not permanent, naming those lost for the notice to count', () => {
    // Given a message to two recipients, one of which bounced for good
    const message = JSON.stringify({
      eventType: 'Bounce',
      mail: { ...mail, destination: ['a@webhard.example', 'b@webhard.example'] },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'b@webhard.example', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
        timestamp: '2026-11-24T06:00:03.500Z',
      },
    });
    // When it is read / Then the notice is not lost by this event alone, and the lost address is named
    expect(parseSesEvent(message)).toMatchObject({ event: { type: 'BOUNCE', permanent: false, lostAddresses: ['b@webhard.example'] } });
    // And a transient bounce names nobody lost
    const transient = parseSesEvent(bounce('Transient', 'MailboxFull', 'smtp; 452 4.2.2 mailbox full'));
    expect(transient.kind === 'event' && transient.event.lostAddresses).toBeUndefined();
  });

  it('reads a Complaint record with its feedback type, not permanent (the message arrived)', () => {
    const message = record('Complaint', {
      complaint: {
        complainedRecipients: [{ emailAddress: RECIPIENT }],
        timestamp: '2026-11-24T07:12:00.000Z',
        feedbackId: '0100018c-complaint-000000',
        userAgent: 'Mail Provider FBL',
        complaintFeedbackType: 'abuse',
        arrivalDate: '2026-11-24T07:11:58.000Z',
        complaintSubType: null,
      },
    });
    expect(parseSesEvent(message)).toEqual({
      kind: 'event',
      event: { type: 'COMPLAINT', messageId: MESSAGE_ID, at: '2026-11-24T07:12:00.000Z', permanent: false, reason: 'complaint: abuse' },
    });
  });

  it('reads a Complaint without a feedback report', () => {
    const message = record('Complaint', {
      complaint: { complainedRecipients: [{ emailAddress: RECIPIENT }], timestamp: '2026-11-24T07:12:00Z' },
    });
    expect(parseSesEvent(message)).toMatchObject({ event: { type: 'COMPLAINT', reason: 'complaint' } });
  });

  it('reads a Reject record as permanent: SES found a virus and never tried', () => {
    expect(parseSesEvent(record('Reject', { reject: { reason: 'Bad content' } }))).toEqual({
      kind: 'event',
      event: { type: 'REJECT', messageId: MESSAGE_ID, at: mail.timestamp, permanent: true, reason: 'rejected: Bad content' },
    });
  });

  it.each(['Open', 'Click', 'DeliveryDelay', 'Rendering Failure', 'Subscription'])(
    'ignores a %s record, a type not published',
    (eventType) => {
      expect(parseSesEvent(record(eventType, { [eventType.toLowerCase()]: {} }))).toEqual({ kind: 'ignored', eventType });
    },
  );

  it.each([
    ['not JSON', 'Bounce for notices@webhard.example', '(not JSON)'],
    ['JSON that is not an object', '"Bounce"', '(record)'],
    ['an identity notification (notificationType), not an event record', JSON.stringify({ notificationType: 'Bounce', mail }), 'eventType'],
    [
      'a record without its message id',
      JSON.stringify({ eventType: 'Send', mail: { ...mail, messageId: undefined }, send: {} }),
      'mail.messageId',
    ],
    ['a bounce without its details', record('Bounce', {}), 'bounce'],
    ['a delivery whose time is not a timestamp', record('Delivery', { delivery: { timestamp: 'yesterday' } }), 'delivery.timestamp'],
  ])('calls %s malformed, naming the fields and never a value', (_label, message, fields) => {
    const parsed = parseSesEvent(message);
    expect(parsed).toEqual({ kind: 'malformed', fields });
    expect(JSON.stringify(parsed)).not.toContain('@');
  });

  it('keeps a long diagnostic to 500 characters', () => {
    const parsed = parseSesEvent(bounce('Permanent', 'General', `smtp; 550 ${'x'.repeat(2000)}`));
    expect(parsed.kind === 'event' && parsed.event.reason?.length).toBe(500);
  });
});

describe('addresses in SES reasons', () => {
  it.each([
    ['smtp; 550 5.1.1 <jane.doe+notices@mail.webhard.example>... User unknown', 'smtp; 550 5.1.1 [address]... User unknown'],
    ['550 5.1.1 RCPT TO:<ops@webhard.example> Recipient rejected', '550 5.1.1 RCPT TO:[address] Recipient rejected'],
    ["5.7.1 ops@webhard.example's mailbox is disabled", "5.7.1 [address]'s mailbox is disabled"],
    ['user "ops@webhard.example" unknown', 'user "[address]" unknown'],
    ['no address here', 'no address here'],
  ])('%s → %s', (text, expected) => {
    expect(withoutAddresses(text)).toBe(expected);
  });
});

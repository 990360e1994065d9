/**
 * What SES's mailbox simulator would report about a message, as the events a configuration set
 * publishes (the JSON SES puts in each SNS message): success@simulator.amazonses.com is
 * delivered; bounce@ bounces (permanent, general); suppressionlist@ bounces (permanent,
 * suppressed); complaint@ is delivered and then complained about. Any other address stands for a
 * mailbox that takes the mail: locally every sent e-mail lands in the SES inbox page anyway.
 */

export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to?: readonly string[]; readonly cc?: readonly string[]; readonly bcc?: readonly string[] };
  readonly subject: string;
  /** Seconds since the epoch, as aws-ses-v2-local stamps it. */
  readonly at: number;
  /** The message's own headers (SendEmail's `Content.Simple.Headers`), as aws-ses-v2-local keeps them. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
}

const SIMULATOR = 'simulator.amazonses.com';

type Fate = 'DELIVERED' | 'BOUNCED' | 'SUPPRESSED' | 'COMPLAINED';

function fateOf(address: string): Fate {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  if (domain !== SIMULATOR) return 'DELIVERED';
  const mailbox = local.split('+')[0];
  if (mailbox === 'bounce') return 'BOUNCED';
  if (mailbox === 'suppressionlist') return 'SUPPRESSED';
  if (mailbox === 'complaint') return 'COMPLAINED';
  return 'DELIVERED';
}

/** The SES events a message sent to these addresses produces, in the order SES would publish them. */
export function simulatedEvents(email: StoredEmail, now: string): Record<string, unknown>[] {
  const recipients = [...(email.destination.to ?? []), ...(email.destination.cc ?? []), ...(email.destination.bcc ?? [])];
  const mail = {
    timestamp: new Date(email.at * 1000).toISOString(),
    source: email.from,
    messageId: email.messageId,
    destination: recipients,
    headersTruncated: false,
    // SES quotes every header of the message; locally the ones the sender set are all there are.
    headers: email.headers ?? [],
    commonHeaders: { from: [email.from], to: email.destination.to ?? [], subject: email.subject },
  };
  const fates = recipients.map((address) => ({ address, fate: fateOf(address) }));
  const delivered = fates.filter(({ fate }) => fate === 'DELIVERED' || fate === 'COMPLAINED').map(({ address }) => address);
  const bounced = fates.filter(({ fate }) => fate === 'BOUNCED' || fate === 'SUPPRESSED');
  const complained = fates.filter(({ fate }) => fate === 'COMPLAINED').map(({ address }) => address);
  const events: Record<string, unknown>[] = [{ eventType: 'Send', mail, send: {} }];
  if (delivered.length > 0) {
    events.push({
      eventType: 'Delivery',
      mail,
      delivery: {
        timestamp: now,
        processingTimeMillis: 0,
        recipients: delivered,
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'local',
      },
    });
  }
  if (bounced.length > 0) {
    const suppressed = bounced.every(({ fate }) => fate === 'SUPPRESSED');
    events.push({
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: suppressed ? 'Suppressed' : 'General',
        bouncedRecipients: bounced.map(({ address, fate }) => ({
          emailAddress: address,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode:
            fate === 'SUPPRESSED'
              ? 'Amazon SES did not send the message to this address because it is on the suppression list.'
              : 'smtp; 550 5.1.1 user unknown',
        })),
        timestamp: now,
        feedbackId: `local-${email.messageId}`,
        reportingMTA: 'dsn; local',
      },
    });
  }
  if (complained.length > 0) {
    events.push({
      eventType: 'Complaint',
      mail,
      complaint: {
        complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
        timestamp: now,
        feedbackId: `local-complaint-${email.messageId}`,
        complaintFeedbackType: 'abuse',
      },
    });
  }
  return events;
}

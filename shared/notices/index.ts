/**
 * The SES side of the notices: each e-mail goes out at most once per event key, however often
 * its sending is retried (a claim item, then SES, then the message id on the claim). Recording a
 * sent notice on its order or case is the caller's act (shared/services/notify.ts). Locally the
 * SDK reads AWS_ENDPOINT_URL_SES, so the same code talks to the SES emulator.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { NOTICE_KEY_HEADER, type NoticeKey, noticeKeyHeaderValue } from '../domain/delivery';
import { nowIso } from '../runtime/clock';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { TransientError } from '../runtime/transient';
import { claimNotice, recordNoticeSent, releaseNoticeClaim } from '../store/repository';
import type { RenderedEmail } from './templates';
import { AWS_CLIENT_OPTIONS } from '../runtime/aws';

export {
  renderContactChange,
  renderObjectionOutcome,
  renderOperatorNotice,
  renderReporterUpdate,
  renderStaffAlert,
  renderWebhookDisabled,
} from './templates';
export type { OperatorNotice, StaffAlert } from './templates';

export const sesClient = new SESv2Client(AWS_CLIENT_OPTIONS);

async function sendEmail(notice: NoticeKey, to: readonly string[], rendered: RenderedEmail): Promise<string> {
  const { noticeFrom, sesConfigurationSet, policy } = config();
  const result = await sesClient.send(
    new SendEmailCommand({
      FromEmailAddress: noticeFrom,
      // Its event destination reports delivery, bounces and complaints (functions/events/delivery-events.ts).
      ...(sesConfigurationSet === undefined ? {} : { ConfigurationSetName: sesConfigurationSet }),
      Destination: { ToAddresses: [...to] },
      // Notices come from an address nobody reads: a reply reaches the authority that issued them.
      ReplyToAddresses: [policy.authority.replyTo],
      Content: {
        Simple: {
          Subject: { Data: rendered.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: rendered.text, Charset: 'UTF-8' }, Html: { Data: rendered.html, Charset: 'UTF-8' } },
          Headers: [{ Name: NOTICE_KEY_HEADER, Value: noticeKeyHeaderValue(notice) }],
        },
      },
    }),
  );
  if (!result.MessageId) throw new Error('SES accepted the message but returned no MessageId');
  return result.MessageId;
}

/** An error SES itself answered with (an HTTP status), as opposed to a call whose answer never came. */
function sesAnswered(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode === 'number';
}

export interface Delivery {
  readonly state: 'SENT_BEFORE' | 'SENT_NOW';
  readonly messageId: string;
  readonly sentAt: string;
}

/**
 * Claims the event key, sends, records the message id on the claim (where SES's later events
 * about the message find the notice: `about` names its order). A notice already sent is not sent
 * again (its first message id is answered); one being sent elsewhere is a TransientError.
 */
export async function deliverOnce(
  /** The partition of what the notice is about: a case's, or an operator's. */
  stream: string,
  eventKey: string,
  to: readonly string[],
  render: () => RenderedEmail,
  about: { readonly orderId?: string } = {},
): Promise<Delivery> {
  const claimedAt = nowIso();
  const claim = await claimNotice(stream, eventKey, claimedAt, about);
  switch (claim.state) {
    case 'SENT':
      return { state: 'SENT_BEFORE', messageId: claim.messageId, sentAt: claim.sentAt };
    case 'IN_FLIGHT':
      throw new TransientError(`notice ${eventKey} of ${stream} is being sent by another worker; retry shortly`);
    case 'CLAIMED':
      break;
  }
  let messageId: string;
  try {
    messageId = await sendEmail({ stream, eventKey }, to, render());
  } catch (error) {
    // Given back only when SES answered: then it took nothing, and the retry may send at once. A
    // call that got no answer (a timeout, a connection cut) may have been taken: the claim stays,
    // for the message's Send event to record it before the claim expires.
    if (sesAnswered(error)) {
      await releaseNoticeClaim(stream, eventKey, claimedAt).catch((releaseError: unknown) =>
        logger.warn('could not release a notice claim; it expires by itself', {
          stream,
          eventKey,
          errorName: (releaseError as Error).name,
        }),
      );
    }
    throw error;
  }
  const sentAt = nowIso();
  await recordNoticeSent(stream, eventKey, { messageId, sentAt, ...about });
  logger.info('notice sent', { stream, eventKey, messageId });
  return { state: 'SENT_NOW', messageId, sentAt };
}

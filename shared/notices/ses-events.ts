/**
 * SES's event publishing, as a configuration set's SNS destination delivers it: each SNS message is
 * one JSON record (`eventType`, `mail`, and the object of its type), documented in "Contents of
 * event data that Amazon SES publishes to Amazon SNS". Only the fields this system reads are
 * checked; the rest (other headers, recipients' addresses, tags) is never kept or logged. Of the
 * headers only the notice's own key is read (NOTICE_KEY_HEADER).
 */
import { z } from 'zod';
import { type DeliveryEvent, NOTICE_KEY_HEADER, type NoticeKey, parseNoticeKey } from '../domain/delivery';

const timestamp = z.iso.datetime({ offset: true });

const mail = z.object({
  /** SES's message id, as SendEmail answered it. */
  messageId: z.string().min(1),
  /** When SES accepted the message. */
  timestamp,
  /** Its recipients: counted, to tell a bounce of every one from a bounce of some. */
  destination: z.array(z.string()).optional(),
  /** The message's headers, as sent (absent when SES truncated them). */
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
});

const sendRecord = z.object({ eventType: z.literal('Send'), mail });

const deliveryRecord = z.object({
  eventType: z.literal('Delivery'),
  mail,
  delivery: z.object({ timestamp }),
});

const bounceRecord = z.object({
  eventType: z.literal('Bounce'),
  mail,
  bounce: z.object({
    /** `Permanent`, `Transient` or `Undetermined`. */
    bounceType: z.string().min(1),
    /** `General`, `NoEmail`, `Suppressed`, `OnAccountSuppressionList`, `MailboxFull`, ... */
    bounceSubType: z.string().min(1),
    bouncedRecipients: z.array(
      z.object({
        /** Matched to the notice's recipients when only some bounced, never kept. */
        emailAddress: z.string().optional(),
        status: z.string().optional(),
        /** The receiving server's words, e.g. `smtp; 550 5.1.1 user unknown`; may quote the address. */
        diagnosticCode: z.string().optional(),
      }),
    ),
    timestamp,
  }),
});

const complaintRecord = z.object({
  eventType: z.literal('Complaint'),
  mail,
  complaint: z.object({
    /** The feedback report's Feedback-Type (`abuse`, `fraud`, `not-spam`, ...); absent without a report. */
    complaintFeedbackType: z.string().optional(),
    /** `OnAccountSuppressionList`, or null. */
    complaintSubType: z.string().nullish(),
    timestamp,
  }),
});

const rejectRecord = z.object({
  eventType: z.literal('Reject'),
  mail,
  /** `Bad content`: SES found a virus and did not try to deliver. */
  reject: z.object({ reason: z.string().min(1) }),
});

/** The records this system acts on; other event types (Open, Click, DeliveryDelay, ...) are not asked for. */
export const sesEventSchema = z.discriminatedUnion('eventType', [sendRecord, deliveryRecord, bounceRecord, complaintRecord, rejectRecord]);
export type SesEvent = z.infer<typeof sesEventSchema>;

export type ParsedSesEvent =
  | { readonly kind: 'event'; readonly event: DeliveryEvent }
  /** A well-formed record of a type this system does not record (the configuration set publishes none). */
  | { readonly kind: 'ignored'; readonly eventType: string }
  /** Not JSON, or not a SES event record; `fields` names what was wrong, never a value. */
  | { readonly kind: 'malformed'; readonly fields: string };

const MAX_REASON_LENGTH = 500;
/** Anything shaped like an e-mail address, with the angle brackets that often wrap it. */
const ADDRESS = /<?[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+>?/g;

/** SES's words about a failure, with every address taken out (they are personal data, and the notice names its recipients already). */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]').replace(/\s+/g, ' ').trim();
}

function reasonOf(parts: readonly (string | null | undefined)[]): string {
  const reason = withoutAddresses(parts.filter((part): part is string => typeof part === 'string' && part.length > 0).join(': '));
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

/** The notice a message names in its own header; header names are case-insensitive. */
function noticeOf(headers: SesEvent['mail']['headers']): NoticeKey | undefined {
  const header = headers?.find((candidate) => candidate.name.toLowerCase() === NOTICE_KEY_HEADER.toLowerCase());
  return header === undefined ? undefined : parseNoticeKey(header.value);
}

/** The `DeliveryEvent` a SES record says, or why there is none. */
export function deliveryEventOf(record: SesEvent): DeliveryEvent {
  const { messageId } = record.mail;
  switch (record.eventType) {
    case 'Send': {
      const notice = noticeOf(record.mail.headers);
      return { type: 'SEND', messageId, at: record.mail.timestamp, permanent: false, ...(notice === undefined ? {} : { notice }) };
    }
    case 'Delivery':
      return { type: 'DELIVERY', messageId, at: record.delivery.timestamp, permanent: false };
    case 'Bounce': {
      const { bounceType, bounceSubType, bouncedRecipients } = record.bounce;
      const diagnostics = [...new Set(bouncedRecipients.map((recipient) => recipient.diagnosticCode).filter((code) => code !== undefined))];
      const permanentForSome = bounceType === 'Permanent';
      // The notice did not arrive only if no recipient got it: a permanent bounce of every one, in
      // this event or (recipients bouncing at different times) in several.
      const permanent = permanentForSome && bouncedRecipients.length >= (record.mail.destination?.length ?? 1);
      const lostAddresses = bouncedRecipients.flatMap((recipient) => (recipient.emailAddress ? [recipient.emailAddress] : []));
      return {
        type: 'BOUNCE',
        messageId,
        at: record.bounce.timestamp,
        permanent,
        reason: reasonOf([`${bounceType}/${bounceSubType}`, diagnostics.join('; ')]),
        ...(permanentForSome && !permanent && lostAddresses.length > 0 ? { lostAddresses } : {}),
      };
    }
    case 'Complaint': {
      const { complaintFeedbackType, complaintSubType } = record.complaint;
      return {
        type: 'COMPLAINT',
        messageId,
        at: record.complaint.timestamp,
        permanent: false,
        reason: reasonOf(['complaint', complaintFeedbackType, complaintSubType]),
      };
    }
    case 'Reject':
      return {
        type: 'REJECT',
        messageId,
        at: record.mail.timestamp,
        permanent: true,
        reason: reasonOf(['rejected', record.reject.reason]),
      };
  }
}

/** Parses one SNS message of the configuration set's topic. */
export function parseSesEvent(message: string): ParsedSesEvent {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { kind: 'malformed', fields: '(not JSON)' };
  }
  const eventType = (json as { eventType?: unknown } | null)?.eventType;
  if (typeof eventType === 'string' && !sesEventSchema.options.some((option) => option.shape.eventType.value === eventType)) {
    return { kind: 'ignored', eventType };
  }
  const parsed = sesEventSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(record)'))].join(', ');
    return { kind: 'malformed', fields };
  }
  return { kind: 'event', event: deliveryEventOf(parsed.data) };
}

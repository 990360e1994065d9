/**
 * What SES says became of a message it accepted, as this system records it (CONTRACT.md section 9):
 * the shape both the cloud's SNS handler and the local SES stand-in produce. Pure.
 */
export const DELIVERY_EVENT_TYPES = ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'REJECT'] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

export interface DeliveryEvent {
  /** SES's message id: the notice it is about is found by it. */
  readonly messageId: string;
  readonly type: DeliveryEventType;
  /** When SES says it happened. */
  readonly at: string;
  /** A permanent bounce (or a rejection): the address will not take mail. */
  readonly permanent: boolean;
  /** What SES says went wrong (bounce type and diagnostic, complaint type), without addresses. */
  readonly reason?: string;
  /**
   * The recipients a permanent bounce says will never get it, when not every one did: matched to
   * the notice's recipients by their place, then dropped (never recorded, never logged).
   */
  readonly lostAddresses?: readonly string[];
  /** The notice the message carries (its NOTICE_KEY_HEADER), when SES's event quotes the message's headers. */
  readonly notice?: NoticeKey;
}

/** Which notice a message is: its claim's partition and event key (shared/notices). */
export interface NoticeKey {
  readonly stream: string;
  readonly eventKey: string;
}

/**
 * Each notice's e-mail carries its key in this header. SES quotes a message's headers in the
 * events it publishes, so its Send event names the notice even when the sender died before it
 * recorded SES's answer; and a recipient can tell a copy sent again from a new notice by it.
 */
export const NOTICE_KEY_HEADER = 'X-Notice-Key';

/** The header's value: both parts URI-encoded, so neither holds the space between them. */
export function noticeKeyHeaderValue({ stream, eventKey }: NoticeKey): string {
  return `${encodeURIComponent(stream)} ${encodeURIComponent(eventKey)}`;
}

/** The notice a header value names, or undefined when it is not one this system wrote. */
export function parseNoticeKey(value: string): NoticeKey | undefined {
  const parts = value.trim().split(' ');
  if (parts.length !== 2) return undefined;
  try {
    const [stream, eventKey] = parts.map((part) => decodeURIComponent(part)) as [string, string];
    return stream === '' || eventKey === '' ? undefined : { stream, eventKey };
  } catch {
    return undefined;
  }
}

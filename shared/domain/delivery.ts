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
}

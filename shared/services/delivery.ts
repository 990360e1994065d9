/**
 * What became of a notice after SES accepted it (CONTRACT.md section 9): SES's configuration-set
 * events (Send, Delivery, Bounce, Complaint, Reject), in the cloud through SNS, locally from the
 * SES stand-in, recorded on the notice they are about.
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
}

/** Records the event on its notice; an event about a message this system did not send is ignored. */
export async function recordDeliveryEvent(event: DeliveryEvent): Promise<void> {
  void event;
  throw new Error('recordDeliveryEvent is being written');
}

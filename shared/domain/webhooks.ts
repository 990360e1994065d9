/**
 * Webhooks (CONTRACT.md section 12; the Standard Webhooks specification): which notice of an order
 * becomes which event, what an event says, where an endpoint may be, and when a failed delivery is
 * tried again. E-mail stays the legal channel: an event only tells an operator's system that a
 * notice it already gets by e-mail went out. Pure.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { OperatorNoticeRequest } from './decider';
import { ValidationError } from './errors';
import { assertNever, type Fine, type Operator, type OrderRecord } from './model';

export const WEBHOOK_EVENT_TYPES = [
  'order.issued',
  'order.reminder',
  'order.overdue',
  'order.confirmed',
  'order.revoked',
  'order.reinstate',
  'appeal.decided',
  'fine.proposed',
  'fine.imposed',
  'blocklist.changed',
  'order.deadline_changed',
  'order.still_online',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * Whether a notice must read its operator's endpoint: only the flag's `false` spares the read. A
 * record without the flag was written before it existed, when a registration did not raise it, so
 * an endpoint registered then counts as active until a registration or removal sets the flag.
 */
export const mayHaveActiveWebhook = (operator: Pick<Operator, 'webhookActive'>): boolean => operator.webhookActive !== false;

/** The events a notice of an order gives its operator's endpoint. */
export function webhookEventsOfNotice(notice: OperatorNoticeRequest, order: Pick<OrderRecord, 'action'>): WebhookEventType[] {
  // An ISP's filter loads the block list: its orders coming and going change what it must block.
  const blocklist: WebhookEventType[] = order.action === 'BLOCK_ACCESS' ? ['blocklist.changed'] : [];
  switch (notice.kind) {
    case 'ORDER':
      return ['order.issued', ...blocklist];
    case 'REMINDER':
      return ['order.reminder'];
    case 'OVERDUE':
      return ['order.overdue'];
    case 'REVOKED':
      return ['order.revoked', ...blocklist];
    case 'CONFIRMED':
      return ['order.confirmed'];
    case 'APPEAL_OUTCOME':
      return ['appeal.decided', ...(notice.outcome === 'OVERTURNED' ? blocklist : [])];
    case 'FINE':
      return ['fine.proposed'];
    case 'FINE_DECISION':
      return ['fine.imposed'];
    case 'REINSTATE':
      return ['order.reinstate'];
    case 'DEADLINE_CHANGED':
      return ['order.deadline_changed'];
    case 'STILL_ONLINE':
      return ['order.still_online'];
    default:
      return assertNever(notice, 'notice kind');
  }
}

/**
 * The `webhook-id` of the event a notice gives: derived from the notice's event key (unique in its
 * case) and the type, so every retry of the follow-up, and every delivery attempt, carries the same
 * id, and a receiver that saw it once may drop the rest.
 */
export function webhookIdOf(orderId: string, eventKey: string, type: WebhookEventType): string {
  return `msg_${createHash('sha256').update(`${orderId}\n${eventKey}\n${type}`).digest('hex').slice(0, 32)}`;
}

/** What an event says about an order: ids, status and dates; never the reporter, the summary or a URL. */
export const webhookOrderDataSchema = z.object({
  orderId: z.string(),
  caseId: z.string(),
  operatorId: z.string(),
  status: z.string(),
  action: z.string(),
  category: z.string(),
  issuedAt: z.string(),
  deadlineAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  compliedAt: z.string().optional(),
  appealDeadline: z.string().optional(),
  outcome: z.enum(['UPHELD', 'OVERTURNED']).optional(),
  fine: z.object({ amount: z.number(), currency: z.string(), status: z.string().optional() }).optional(),
});
export type WebhookOrderData = z.infer<typeof webhookOrderDataSchema>;

export const webhookPayloadSchema = z.object({
  type: z.enum(WEBHOOK_EVENT_TYPES),
  timestamp: z.string(),
  data: webhookOrderDataSchema,
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

function fineOf(fine: Fine): NonNullable<WebhookOrderData['fine']> {
  return { amount: fine.amount, currency: fine.currency, ...(fine.status === undefined ? {} : { status: fine.status }) };
}

export function webhookPayload(
  type: WebhookEventType,
  timestamp: string,
  order: OrderRecord,
  notice: OperatorNoticeRequest,
): WebhookPayload {
  const data: WebhookOrderData = {
    orderId: order.orderId,
    caseId: order.caseId,
    operatorId: order.operatorId,
    status: order.status,
    action: order.action,
    category: order.category,
    issuedAt: order.issuedAt,
    ...(order.deadlineAt === undefined ? {} : { deadlineAt: order.deadlineAt }),
    ...(order.acknowledgedAt === undefined ? {} : { acknowledgedAt: order.acknowledgedAt }),
    ...(order.compliedAt === undefined ? {} : { compliedAt: order.compliedAt }),
    ...(order.appealDeadline === undefined ? {} : { appealDeadline: order.appealDeadline }),
    ...(notice.kind === 'APPEAL_OUTCOME' ? { outcome: notice.outcome } : {}),
    ...(order.fine === undefined ? {} : { fine: fineOf(order.fine) }),
  };
  return { type, timestamp, data };
}

// ------------------------------------------------------------------------------------ endpoints

export const webhookRegistrationSchema = z.strictObject({ url: z.string().min(1).max(2048) });

export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** `PUT /operator/webhook`: the secret is shown this once. */
export const webhookRegisteredAnswerSchema = z.object({ url: z.string(), secret: z.string().startsWith('whsec_') });

/** `GET /operator/webhook`: never the secret. */
export const webhookStatusAnswerSchema = z.object({
  url: z.string(),
  status: z.enum(WEBHOOK_STATUSES),
  createdAt: z.string(),
  failingSince: z.string().optional(),
  disabledAt: z.string().optional(),
});

export const webhookAttemptSchema = z.object({
  at: z.string(),
  statusCode: z.number().int().optional(),
  error: z.string().optional(),
});
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** `GET /operator/webhook/deliveries`: newest first. */
export const webhookDeliveriesAnswerSchema = z.object({
  deliveries: z.array(
    z.object({
      webhookId: z.string(),
      type: z.enum(WEBHOOK_EVENT_TYPES),
      orderId: z.string(),
      status: z.enum(WEBHOOK_DELIVERY_STATUSES),
      createdAt: z.string(),
      nextAttemptAt: z.string().optional(),
      attempts: z.array(webhookAttemptSchema).readonly(),
    }),
  ),
});

/**
 * An endpoint must be HTTPS: the events name orders under a legal procedure. Plain HTTP is allowed
 * to the loopback address only, and only where the runtime allows it (tests on one machine).
 */
export function assertWebhookUrl(raw: string, options: { readonly allowLoopbackHttp: boolean }): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('url is not an absolute URL; give the https:// address of your endpoint.');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
  if (url.protocol === 'http:' && loopback && options.allowLoopbackHttp) return url.toString();
  if (url.protocol !== 'https:') throw new ValidationError('url must start with https://: events are sent over HTTPS only.');
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError('url must not carry a user name or password; events are signed with the secret instead.');
  }
  return url.toString();
}

// ------------------------------------------------------------------------------------ retries

/** How deliveries are retried; the runtime may shorten it (tests), the defaults follow the specification's advice. */
export interface WebhookRetrySettings {
  /** The delay before the first retry; each later one doubles it. */
  readonly firstRetryMs: number;
  /** No delay grows beyond this. */
  readonly maxDelayMs: number;
  /**
   * How long a delivery is retried after its first attempt, and how long an endpoint may fail
   * every attempt before it is disabled (and its operator e-mailed).
   */
  readonly failureWindowMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetrySettings = {
  firstRetryMs: 30_000,
  maxDelayMs: 4 * 3_600_000,
  failureWindowMs: 24 * 3_600_000,
};

/**
 * The delay before retry number `retry` (1 for the first): exponential, capped, with "equal
 * jitter" (half fixed, half random), so that endpoints coming back after an outage are not met
 * by every sender at the same instant. `random` is in [0, 1).
 */
export function retryDelayMs(retry: number, settings: WebhookRetrySettings, random: number): number {
  const exponential = Math.min(settings.maxDelayMs, settings.firstRetryMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/**
 * When a delivery that just failed is tried next, or undefined when it is given up: once its first
 * attempt lies `failureWindowMs` back. The last retry is moved up to the window's end, so that a
 * delivery is tried for the whole window and not a moment less.
 */
export function nextAttemptAt(
  input: { readonly firstAttemptAt: string; readonly failedAttempts: number; readonly now: string },
  settings: WebhookRetrySettings,
  random: number,
): string | undefined {
  const windowEnds = Date.parse(input.firstAttemptAt) + settings.failureWindowMs;
  const now = Date.parse(input.now);
  if (now >= windowEnds) return undefined;
  const next = Math.min(now + retryDelayMs(input.failedAttempts, settings, random), windowEnds);
  return new Date(next).toISOString();
}

/**
 * The cloud's delivery queue carries only which delivery is due; the delivery item (its payload,
 * attempts and schedule) stays the source of truth, so a message repeated or lost costs nothing.
 */
export const webhookQueueMessageSchema = z.strictObject({ operatorId: z.string().min(1), webhookId: z.string().min(1) });
export type WebhookQueueMessage = z.infer<typeof webhookQueueMessageSchema>;

/**
 * How long a delivery handed to the queue is kept off the due list: longer than its message can
 * stay in the queue before the dead-letter redrive (3 receives, 3 minutes apart: infra/constructs/
 * webhook-delivery.ts), so the sweep does not queue it twice, and short enough that a message whose
 * send failed, or that went to the dead-letter queue, is queued again by the sweep minutes later.
 */
export const WEBHOOK_QUEUE_LEASE_MS = 10 * 60_000;

/** An endpoint that has failed every attempt since `failingSince` is disabled once the window has passed. */
export function endpointExhausted(failingSince: string | undefined, now: string, settings: WebhookRetrySettings): boolean {
  return failingSince !== undefined && Date.parse(now) - Date.parse(failingSince) >= settings.failureWindowMs;
}

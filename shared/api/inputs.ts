/**
 * Query parameters and bodies of the routes that had them inline in their handler: here, the handler parses
 * with them and the OpenAPI document (shared/api/routes.ts) describes them, from the same schema.
 */
import { z } from 'zod';
import { LANGUAGES, REVIEW_STATUSES } from '../domain/model';
import { orderSearchSchema } from '../domain/order-search';
import { rangeQuerySchema } from '../domain/statistics';
import { DEFAULT_RECENT_ORDERS } from '../services/views';

export const boardQuerySchema = orderSearchSchema.extend({
  recent: z.coerce.number().int().min(0).max(1000).default(DEFAULT_RECENT_ORDERS),
});

/** `GET /operator/orders`'s filters: the staff search's (shared/domain/order-search.ts) that concern the caller's own orders. */
export const operatorOrdersQuerySchema = orderSearchSchema.pick({
  status: true,
  issuedFrom: true,
  issuedTo: true,
  deadlineFrom: true,
  deadlineTo: true,
  limit: true,
  cursor: true,
});

export const reviewsQuerySchema = z.object({ status: z.enum(REVIEW_STATUSES).optional() });

export const reportsQuerySchema = z.object({ language: z.enum(LANGUAGES).optional() });

/** `jsonl`: the chain as JSON Lines, to verify outside this system (docs/audit.md). */
export const auditQuerySchema = z.object({ format: z.enum(['json', 'jsonl']).optional() });

export const statisticsFormatSchema = z.object({ format: z.enum(['json', 'csv']).default('json') });

/**
 * The months of a statistics range, as a client sends them: `rangeQuerySchema` fills in the
 * defaults from the current month, which a document written once cannot know.
 */
export const statisticsRangeSchema = rangeQuerySchema('2026-01-01T00:00:00Z', 'UTC').in;

/** `POST /cases/{caseId}/follow-ups`: the follow-up takes every unassigned URL of the case, there is nothing to choose. */
export const followUpRequestSchema = z.strictObject({});

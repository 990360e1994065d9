/**
 * One call for many orders (`POST /operator/orders/bulk`, docs/operators.md "Bulk"): what it takes
 * and how many orders it may name. Each order's act is its own: one refused does not stop the others. Pure.
 */
import { z } from 'zod';
import { complianceActionSchema } from './model';
import { multiLineText } from './text';
import { urlComplianceRequestSchema } from './url-compliance';

/** Orders one bulk call may name, acknowledgements and compliance reports together. */
export const MAX_BULK_ORDERS = 100;

/** An order id as the operator's listing gives it; anything else is answered per order as 404. */
const orderIdField = z.string().min(1).max(200);

export const bulkOrdersRequestSchema = z
  .strictObject({
    acknowledge: z.array(orderIdField).max(MAX_BULK_ORDERS).optional(),
    compliance: z
      .array(
        z.union([
          z.strictObject({ orderId: orderIdField, action: complianceActionSchema, note: multiLineText(2000).optional() }),
          z.strictObject({ orderId: orderIdField, urls: urlComplianceRequestSchema.shape.urls }),
        ]),
      )
      .max(MAX_BULK_ORDERS)
      .optional(),
  })
  .refine(
    (body) => {
      const total = (body.acknowledge?.length ?? 0) + (body.compliance?.length ?? 0);
      return total >= 1 && total <= MAX_BULK_ORDERS;
    },
    { message: `name 1 to ${MAX_BULK_ORDERS} orders in acknowledge and compliance together` },
  );
export type BulkOrdersRequest = z.infer<typeof bulkOrdersRequestSchema>;

export const BULK_ACTS = ['ACKNOWLEDGE', 'COMPLIANCE'] as const;

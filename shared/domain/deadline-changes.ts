/**
 * Staff extend, pause or resume an order's compliance deadline, always with a reason (EU TCO
 * Regulation Art. 3(7)-(8): force majeure, a request for clarification; Australia's Online Safety
 * Act s.77: "or such longer period as the Commissioner allows"). The request's shape; the rules
 * are in the order decider. Pure.
 */
import { z } from 'zod';
import { durationToMs } from './policy';
import { multiLineText } from './text';

/** An extension longer than a year is a new order, not an extension. */
const LONGEST_EXTENSION_MS = 366 * 86_400_000;

const extension = z.string().superRefine((value, ctx) => {
  let ms: number;
  try {
    ms = durationToMs(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'not a duration' });
    return;
  }
  if (ms <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero, such as PT12H' });
  if (ms > LONGEST_EXTENSION_MS) ctx.addIssue({ code: 'custom', message: 'at most P366D; a longer delay needs a new order' });
});

/** `POST /orders/{orderId}/deadline`: exactly one of `extendBy`, `pause`, `resume`, and a reason. */
export const deadlineChangeRequestSchema = z
  .strictObject({
    extendBy: extension.optional(),
    pause: z.literal(true).optional(),
    resume: z.literal(true).optional(),
    reason: multiLineText(2000).pipe(z.string().min(1, 'say why: the operator is told the reason, and it goes on the case record')),
  })
  .superRefine((body, ctx) => {
    const chosen = [body.extendBy !== undefined, body.pause === true, body.resume === true].filter(Boolean).length;
    if (chosen !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['extendBy'],
        message: 'give exactly one of extendBy (e.g. "PT12H"), pause: true or resume: true',
      });
    }
  });
export type DeadlineChangeRequest = z.infer<typeof deadlineChangeRequestSchema>;

/** What the decider is asked to do. */
export type DeadlineMove =
  | { readonly kind: 'EXTEND'; readonly extendBy: string }
  | { readonly kind: 'PAUSE' }
  | { readonly kind: 'RESUME' };

export function deadlineMoveOf(request: DeadlineChangeRequest): DeadlineMove {
  if (request.extendBy !== undefined) return { kind: 'EXTEND', extendBy: request.extendBy };
  return request.pause === true ? { kind: 'PAUSE' } : { kind: 'RESUME' };
}

/** The payloads that statemachines/case-workflow.asl.json sends to its tasks. */
import { z } from 'zod';
import { caseIdOf } from '../domain/ids';
import { REVIEW_KINDS } from '../domain/model';

export const caseIdSchema = z.string().regex(/^C[0-9A-HJKMNP-TV-Z]{26}$/, 'a case id');
const idOfCase = (what: string) => z.string().refine((id) => caseIdOf(id) !== null && !id.startsWith('C'), `${what} id`);

export const casePayload = z.object({ caseId: caseIdSchema });
export const orderPayload = z.object({ orderId: idOfCase('an order') });
export const reviewPayload = z.object({ reviewId: idOfCase('a review') });
export const openReviewPayload = z.object({
  caseId: caseIdSchema,
  kind: z.enum(REVIEW_KINDS),
  appealId: idOfCase('an appeal').optional(),
});
export const taskTokenPayload = z.object({
  caseId: caseIdSchema,
  purpose: z.string().min(1),
  taskToken: z.string().min(1),
});
// Step Functions' error output names the error and its cause; either may be absent or not text.
const text = z.unknown().transform((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')));
export const failurePayload = z.object({ caseId: caseIdSchema, error: text, cause: text });
export const orderFailurePayload = z.object({ orderId: idOfCase('an order'), error: text, cause: text });
/** `deadlineAt`: the deadline the workflow waited for (null when it had none). */
export const enforcementPayload = z.object({ orderId: idOfCase('an order'), deadlineAt: z.string().nullish() });

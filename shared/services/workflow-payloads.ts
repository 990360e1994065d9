/** The payloads that statemachines/case-workflow.asl.json sends to its tasks. */
import { z } from 'zod';
import { BATCH_KINDS } from '../domain/batches';
import { caseIdOf } from '../domain/ids';
import { REVIEW_KINDS } from '../domain/model';

export const caseIdSchema = z.string().regex(/^C[0-9A-HJKMNP-TV-Z]{26}$/, 'a case id');
const idOfCase = (what: string) => z.string().refine((id) => caseIdOf(id) !== null && !id.startsWith('C'), `${what} id`);

export const casePayload = z.object({ caseId: caseIdSchema });
export const batchPayload = z.object({ caseId: caseIdSchema, kind: z.enum(BATCH_KINDS), batch: z.number().int().min(0) });
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
// Step Functions' error output, `{Error, Cause}`, as a Catch put it: passed whole, since either
// field may be absent (an error without a cause) and a path to a missing field is itself an error.
const text = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')));
const stepFunctionsError = z.object({ Error: text, Cause: text }).transform((caught) => ({ error: caught.Error, cause: caught.Cause }));
export const failurePayload = z.object({ caseId: caseIdSchema, error: stepFunctionsError });
export const orderFailurePayload = z.object({ orderId: idOfCase('an order'), error: stepFunctionsError });
/** `deadlineAt`: the deadline the workflow waited for (null when it had none). */
export const enforcementPayload = z.object({ orderId: idOfCase('an order'), deadlineAt: z.string().nullish() });

/** How an execution ended other than by success (every other status is no failure to record). */
export const UNSUCCESSFUL_ENDS = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type UnsuccessfulEnd = (typeof UNSUCCESSFUL_ENDS)[number];

/**
 * AWS's EventBridge event "Step Functions Execution Status Change" (source `aws.states`): the
 * fields read here. `name` is the execution's, the case id for the case workflow; `error` and
 * `cause` are null when the execution gave none (a timeout, an abort without a reason).
 */
export const executionStatusChange = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.string(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

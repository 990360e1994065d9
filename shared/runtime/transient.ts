/**
 * A failure worth retrying: the workflow's ASL retries every task on the error name
 * `TransientError` (docs/architecture.md, "Retries"), so a handler turns throttling into this
 * class and lets everything else fail the task.
 */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/**
 * Error names with which SES and DynamoDB say "too much, try again later", and the SDK's own name
 * for a request that timed out (its connection or its answer: `requestHandler`'s bounds).
 */
const TRANSIENT_AWS_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TimeoutError',
]);

/** Node's codes for a connection that was refused, reset or timed out: the endpoint may answer the next one. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Whether an AWS SDK error says the same call may succeed later (throttling, a timeout, a dropped connection, or marked retryable). */
export function isTransientAwsError(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $retryable } = error as { name?: unknown; code?: unknown; $retryable?: unknown };
  return (
    (typeof name === 'string' && TRANSIENT_AWS_ERRORS.has(name)) ||
    (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) ||
    Boolean($retryable)
  );
}

/** Runs `work`; a transient AWS error comes out as a TransientError that says what was being done. */
export async function retryableAs<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TransientError || !isTransientAwsError(error)) throw error;
    throw new TransientError(`${what}: ${(error as Error).name}; the step will be retried`, { cause: error });
  }
}

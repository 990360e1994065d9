/**
 * What every AWS SDK client of the handlers is given: a call that hangs (a half-open connection,
 * an endpoint that stopped answering) fails after a bound instead of holding the Lambda until its
 * own timeout, and the SDK's retries (3 attempts) then take over.
 */
export const AWS_CLIENT_OPTIONS = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} as const;

/**
 * What every AWS SDK client of the handlers is given:
 * - a call that hangs (a half-open connection, an endpoint that stopped answering) fails after a
 *   bound instead of holding the Lambda until its own timeout, and the SDK's retries (3 attempts)
 *   then take over;
 * - each command's middleware is built once, not at every call (`cacheMiddleware`): a quarter of
 *   the SDK's CPU a request (docs/benchmarks.md). Nothing adds middleware to these clients at run
 *   time (tests that do turn the cache off first), and none of them may be wrapped in lib-dynamodb's
 *   DocumentClient, whose handlers the cache would bind to the first command sent
 *   (shared/store/client.ts).
 */
export const AWS_CLIENT_OPTIONS = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  cacheMiddleware: true,
} as const;

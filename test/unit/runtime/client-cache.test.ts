/**
 * The handlers' AWS clients build each command's middleware once (docs/benchmarks.md: a quarter of
 * the SDK's CPU a request). Only tests that add middleware between calls turn the cache off, and
 * this file starts no such world.
 */
import { describe, expect, it } from 'vitest';
import { sesClient } from '../../../shared/notices';
import { sqsClient } from '../../../shared/queue/webhook-queue';
import { documentClient } from '../../../shared/store/client';
import { sfnClient } from '../../../shared/workflow/client';

describe("the handlers' AWS clients, as the handlers run them", () => {
  it.each([
    ['DynamoDB', documentClient.config],
    ['Step Functions', sfnClient.config],
    ['SES', sesClient.config],
    ['SQS', sqsClient.config],
  ])('%s caches its middleware', (_service, clientConfig) => {
    expect(clientConfig.cacheMiddleware).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { isTransientAwsError, retryableAs, TransientError } from '../../../shared/runtime/transient';
import { z } from 'zod';
import { workflowTask } from '../../../shared/runtime/workflow-task';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('isTransientAwsError', () => {
  it.each([
    ['Throttling', true],
    ['ThrottlingException', true],
    ['TooManyRequestsException', true],
    ['ProvisionedThroughputExceededException', true],
    ['RequestLimitExceeded', true],
    ['TimeoutError', true],
    ['ConditionalCheckFailedException', false],
    ['MessageRejected', false],
    ['ValidationException', false],
  ])('%s → %s', (name, transient) => {
    expect(isTransientAwsError(named(name))).toBe(transient);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])('a connection error %s is transient', (code) => {
    expect(isTransientAwsError(named('Error', { code }))).toBe(true);
  });

  it('a file system error is not', () => {
    expect(isTransientAwsError(named('Error', { code: 'ENOENT' }))).toBe(false);
  });

  it('trusts the SDK when it marks an error retryable', () => {
    expect(isTransientAwsError(named('InternalFailure', { $retryable: {} }))).toBe(true);
  });

  it.each([undefined, null, 'Throttling', 42])('is false for %s, which is no error object', (value) => {
    expect(isTransientAwsError(value)).toBe(false);
  });
});

describe('retryableAs', () => {
  it('renames a transient failure TransientError and keeps the cause', async () => {
    // Prepare
    const cause = named('ThrottlingException');
    // Act
    const result = retryableAs('sending', () => Promise.reject(cause));
    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TransientError', cause });
    await expect(result).rejects.toBeInstanceOf(TransientError);
  });

  it('lets any other failure through unchanged', async () => {
    // Prepare
    const failure = named('ValidationException');
    // Act, Assess
    await expect(retryableAs('writing', () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('a workflow task', () => {
  const task = (failure: Error) => workflowTask('EnforceDeadline', z.object({ orderId: z.string() }), () => Promise.reject(failure));

  it.each([
    ['an AWS call that timed out', named('TimeoutError')],
    ['a dropped connection', named('Error', { code: 'ECONNRESET' })],
    ['throttling past the SDK retries', named('ThrottlingException')],
  ])('fails as TransientError, which the ASL retries, for %s', async (_what, failure) => {
    await expect(task(failure)({ orderId: 'O1' })).rejects.toMatchObject({ name: 'TransientError', cause: failure });
  });

  it('fails with the error itself otherwise, which the case Catch records', async () => {
    const failure = named('ConditionalCheckFailedException');
    await expect(task(failure)({ orderId: 'O1' })).rejects.toBe(failure);
  });
});

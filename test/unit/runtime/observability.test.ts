/**
 * Observability of every invocation (shared/runtime/invocation.ts, metrics.ts): in Lambda, the one
 * logger carries the Lambda context and the invocation's ids on each line and forgets them after;
 * the metrics an invocation recorded are published once, after it, even when it fails. Outside
 * Lambda (npm start, tests) nothing is recorded and nothing extra is printed.
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { caseIdFrom, orderIdFor, reviewIdFor, ulidFrom } from '../../../shared/domain/ids';
import { apiHandler, ok } from '../../../shared/runtime/http';
import { correlationKeys, invocation } from '../../../shared/runtime/invocation';
import { logger } from '../../../shared/runtime/logger';
import { countMetric, countNotice, durationMetric, flushMetrics, metrics, metricsRecorded } from '../../../shared/runtime/metrics';
import { workflowTask } from '../../../shared/runtime/workflow-task';
import { apiEvent, callers } from '../../support/api-event';
import { handler as sweeperHandler } from '../../../functions/scheduled/sweeper';
import { sweep } from '../../../shared/services/sweeper';

vi.mock('../../../shared/services/sweeper', () => ({ sweep: vi.fn() }));

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(3)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const REVIEW_ID = reviewIdFor(CASE_ID, 'POST_REVIEW');

const context = {
  functionName: 'urgent-deliberation-WorkflowEnforceDeadline',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:123456789012:function:urgent-deliberation-WorkflowEnforceDeadline',
  memoryLimitInMB: '512',
  awsRequestId: 'request-42',
} as Context;

/** What the process printed on stdout during `act`, one parsed JSON object per line. */
async function stdoutOf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const inLambda = () => {
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', context.functionName);
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
};

beforeEach(() => {
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
  logger.setLogLevel('INFO');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  logger.resetKeys();
});

describe('whether metrics are recorded', () => {
  it.each([
    ['in Lambda', { AWS_LAMBDA_FUNCTION_NAME: 'f' }, true],
    ['outside Lambda (npm start, tests)', {}, false],
    ['in Lambda with POWERTOOLS_METRICS_DISABLED=true', { AWS_LAMBDA_FUNCTION_NAME: 'f', POWERTOOLS_METRICS_DISABLED: 'true' }, false],
    ['in Lambda with POWERTOOLS_METRICS_DISABLED=0', { AWS_LAMBDA_FUNCTION_NAME: 'f', POWERTOOLS_METRICS_DISABLED: '0' }, true],
    ['outside Lambda with POWERTOOLS_METRICS_DISABLED=false', { POWERTOOLS_METRICS_DISABLED: 'false' }, true],
  ])('%s: %s', (_label, env, expected) => {
    expect(metricsRecorded(env)).toBe(expected);
  });
});

describe('metrics', () => {
  it('are published as one EMF line in the namespace, with the service dimension, when flushed', async () => {
    // Prepare
    inLambda();
    // Act
    const printed = await stdoutOf(async () => {
      countMetric('OrderOverdue');
      durationMetric('DeadlineLatenessMs', '2026-11-25T06:00:00.000Z', '2026-11-25T06:00:01.250Z');
      flushMetrics();
    });
    // Assess
    expect(printed).toHaveLength(1);
    const emf = printed[0]!;
    expect(emf).toMatchObject({ service: 'urgent-deliberation', OrderOverdue: 1, DeadlineLatenessMs: 1250 });
    expect(emf._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: 'UrgentDeliberation',
          Dimensions: [['service']],
          Metrics: expect.arrayContaining([
            { Name: 'OrderOverdue', Unit: 'Count' },
            { Name: 'DeadlineLatenessMs', Unit: 'Milliseconds' },
          ]),
        },
      ],
    });
  });

  it('publish a notice count at once, with its kind as a dimension of its own', async () => {
    inLambda();
    const printed = await stdoutOf(async () => countNotice('NoticeSent', 'ORDER'));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({ service: 'urgent-deliberation', kind: 'ORDER', NoticeSent: 1 });
    expect((printed[0]!._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]!.Dimensions[0]!.sort()).toEqual([
      'kind',
      'service',
    ]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('record nothing and print nothing outside Lambda', async () => {
    const printed = await stdoutOf(async () => {
      countMetric('OrderOverdue');
      countNotice('NoticeFailed', 'STAFF');
      durationMetric('TimeToNoticeMs', '2026-11-25T06:00:00.000Z', '2026-11-25T06:00:02.000Z');
      flushMetrics();
    });
    expect(printed).toEqual([]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('print no warning when an invocation recorded nothing', async () => {
    inLambda();
    const warn = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const printed = await stdoutOf(async () => flushMetrics());
    expect(printed).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('correlation keys', () => {
  it('takes the ids of this system and the case they belong to', () => {
    expect(correlationKeys({ orderId: ORDER_ID, taskToken: 'secret-token', purpose: 'COMPLIANCE' })).toEqual({
      orderId: ORDER_ID,
      caseId: CASE_ID,
    });
    expect(correlationKeys({ reviewId: REVIEW_ID })).toEqual({ reviewId: REVIEW_ID, caseId: CASE_ID });
    expect(correlationKeys({ caseId: CASE_ID, kind: 'POST_REVIEW' })).toEqual({ caseId: CASE_ID });
  });

  it('ignores what is not one of its ids: junk in a path parameter, an id in the wrong field', () => {
    expect(correlationKeys({ caseId: '<script>', orderId: CASE_ID, reviewId: 42 })).toEqual({});
    expect(correlationKeys(undefined)).toEqual({});
    expect(correlationKeys(null)).toEqual({});
  });
});

describe('every invocation', () => {
  it('carries the Lambda context and the ids of a workflow payload on every line, and forgets them after', async () => {
    // Prepare
    inLambda();
    const task = workflowTask('EnforceDeadline', z.object({ orderId: z.string() }), async () => {
      logger.info('enforcing');
      return { outcome: 'OVERDUE' };
    });
    // Act
    const printed = await stdoutOf(async () => {
      await task({ orderId: ORDER_ID }, context);
      logger.info('between invocations');
    });
    // Assess
    const [during, after] = printed;
    expect(during).toMatchObject({
      message: 'enforcing',
      caseId: CASE_ID,
      orderId: ORDER_ID,
      function_name: context.functionName,
      function_request_id: 'request-42',
    });
    expect(after).toMatchObject({ message: 'between invocations' });
    expect(after).not.toHaveProperty('caseId');
    expect(after).not.toHaveProperty('orderId');
  });

  it('never logs a task token from a payload', async () => {
    inLambda();
    const task = workflowTask('StoreTaskToken', z.object({ caseId: z.string(), taskToken: z.string() }), async () => logger.info('stored'));
    const printed = await stdoutOf(() => task({ caseId: CASE_ID, taskToken: 'AQCEAAAAKgAAAA-secret' }, context));
    expect(printed[0]).toMatchObject({ caseId: CASE_ID });
    expect(JSON.stringify(printed)).not.toContain('secret');
  });

  it('publishes what a workflow task recorded after it, also when it fails', async () => {
    // Prepare
    inLambda();
    const task = workflowTask('EnforceDeadline', z.object({ orderId: z.string() }), async () => {
      countMetric('OrderOverdue');
      throw Object.assign(new Error('busy'), { name: 'TransientError' });
    });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const published = vi.spyOn(metrics, 'publishStoredMetrics');
    // Act
    const printed = await stdoutOf(() => expect(task({ orderId: ORDER_ID }, context)).rejects.toThrow('busy'));
    // Assess
    expect(published).toHaveBeenCalledTimes(1);
    expect(printed).toEqual([expect.objectContaining({ OrderOverdue: 1 })]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('labels an API request with the ids of its path, and publishes its metrics', async () => {
    // Prepare
    inLambda();
    const handler = apiHandler({
      'POST /committee/reviews/{reviewId}/votes': async () => {
        logger.info('voting');
        countMetric('ReviewWithoutQuorum');
        return ok({ done: true });
      },
    });
    const request = apiEvent('POST /committee/reviews/{reviewId}/votes', {
      caller: callers.member1,
      pathParameters: { reviewId: REVIEW_ID },
      body: { decision: 'CONFIRM' },
    });
    // Act
    const printed = await stdoutOf(() => handler(request, context));
    // Assess
    expect(printed[0]).toMatchObject({ message: 'voting', reviewId: REVIEW_ID, caseId: CASE_ID, function_request_id: 'request-42' });
    expect(printed[1]).toMatchObject({ ReviewWithoutQuorum: 1 });
  });

  it('outside Lambda, adds neither context nor keys (concurrent invocations share the process)', async () => {
    const addContext = vi.spyOn(logger, 'addContext');
    const appendKeys = vi.spyOn(logger, 'appendKeys');
    await invocation(context, { caseId: CASE_ID }, async () => undefined);
    expect(addContext).not.toHaveBeenCalled();
    expect(appendKeys).not.toHaveBeenCalled();
  });

  it('runs the sweeper as an invocation: the Lambda context on its lines, its metrics published', async () => {
    // Prepare
    inLambda();
    vi.mocked(sweep).mockImplementation(async () => {
      logger.info('sweeping');
      countMetric('OrderOverdue', 2);
      return { reminders: 0, enforced: 2, reviewsClosed: 0, leftoversSettled: 0, executionsStarted: 0, waitsCompleted: 0, failed: 0 };
    });
    // Act
    const printed = await stdoutOf(() => sweeperHandler({} as never, context));
    // Assess
    expect(printed[0]).toMatchObject({ message: 'sweeping', function_name: context.functionName });
    expect(printed[1]).toMatchObject({ OrderOverdue: 2 });
  });
});

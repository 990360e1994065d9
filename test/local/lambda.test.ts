import { describe, expect, it } from 'vitest';
import { workflowFunctions } from '../../infra/functions';
import {
  createLambdaInvoker,
  definitionSubstitutions,
  functionArn,
  functionNameOf,
  manifestFunctions,
  substituteDefinition,
} from '../../infra/local/lambda';

const invoker = createLambdaInvoker({
  rootDir: process.cwd(),
  functions: new Map([
    ['Echo', 'test/local/fixtures/handlers.ts'],
    ['Broken', 'test/local/fixtures/no-handler.ts'],
  ]),
  defaultTimeoutMs: 60_000,
});

describe('local Lambda invoker', () => {
  it.each([
    ['Echo', 'Echo'],
    ['arn:aws:lambda:us-east-1:000000000000:function:Echo', 'Echo'],
    ['arn:aws:lambda:us-east-1:000000000000:function:Echo:$LATEST', 'Echo'],
    ['000000000000:function:Echo', 'Echo'],
  ])('finds the function from %s', (given, expected) => {
    expect(functionNameOf(given)).toBe(expected);
  });

  it('calls the handler with the payload and a Lambda-like context', async () => {
    // Given a payload, When the function is invoked by ARN
    const result = (await invoker.invoke(functionArn('Echo'), { caseId: 'C1' })) as Record<string, unknown>;

    // Then the handler saw the payload and a context naming the function
    expect(result.event).toEqual({ caseId: 'C1' });
    expect(result.functionName).toBe('Echo');
    expect(result.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:Echo');
    expect(result.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(60_000);
  });

  it('lets a thrown error keep its name, which the engine turns into the ASL error', async () => {
    await expect(invoker.invoke('Echo', { fail: 'TransientError' })).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('answers an unknown function as the Lambda service does', async () => {
    await expect(invoker.invoke('Nope', {})).rejects.toMatchObject({ name: 'Lambda.ResourceNotFoundException' });
  });

  it('says when the entry file exports no handler', async () => {
    await expect(invoker.invoke('Broken', {})).rejects.toThrow(/does not export a function named handler/);
  });

  it('knows every function of the manifest', () => {
    const functions = manifestFunctions();
    for (const name of [...Object.keys(workflowFunctions), 'Health', 'Reports', 'Sweeper', 'DeliveryEvents']) {
      expect(functions.has(name), name).toBe(true);
    }
  });
});

describe('state machine definition substitution', () => {
  it('replaces each ${XFunctionArn} with the local function ARN', () => {
    const text = JSON.stringify({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${OpenCaseFunctionArn}' } });
    const substituted = JSON.parse(substituteDefinition(text, definitionSubstitutions())) as { Parameters: { FunctionName: string } };
    expect(substituted.Parameters.FunctionName).toBe('arn:aws:lambda:us-east-1:000000000000:function:OpenCase');
  });

  it('refuses a name the manifest does not define', () => {
    expect(() => substituteDefinition('{"a":"${MissingFunctionArn}"}', definitionSubstitutions())).toThrow(/MissingFunctionArn/);
  });
});

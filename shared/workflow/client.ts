/**
 * The Step Functions side of the handlers: start a case's execution and hand a person's act to the
 * task that waits for it. Locally the SDK reads AWS_ENDPOINT_URL_SFN; nothing here knows where it runs.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { forgetTaskToken, getTaskToken } from '../store/repository';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { AWS_CLIENT_OPTIONS } from '../runtime/aws';

export const sfnClient = new SFNClient(AWS_CLIENT_OPTIONS);

/** Starts the case's workflow; the execution is named after the case, so a retry is harmless. */
export async function startCaseWorkflow(caseId: string): Promise<void> {
  try {
    await sfnClient.send(
      new StartExecutionCommand({
        stateMachineArn: config().stateMachineArn,
        name: caseId,
        input: JSON.stringify({ caseId }),
      }),
    );
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return;
    throw error;
  }
}

/** The status of the case's execution (named after the case), or null when it was never started. */
export async function caseExecutionStatus(caseId: string): Promise<ExecutionStatus | null> {
  const executionArn = `${config().stateMachineArn.replace(':stateMachine:', ':execution:')}:${caseId}`;
  try {
    const { status } = await sfnClient.send(new DescribeExecutionCommand({ executionArn }));
    return status ?? null;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return null;
    throw error;
  }
}

/** A token that can no longer be completed: the wait already ended (timed out, or completed). */
function isSpentToken(error: unknown): boolean {
  return error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken;
}

/**
 * Completes the task waiting for `purpose` on the case, if one is waiting. Answers false when no
 * live token exists: the waiting task checks the stored state itself when it starts (see
 * StoreTaskToken), so an act recorded before the wait began is not lost.
 */
export async function completeWaitingTask(caseId: string, purpose: string, output: unknown): Promise<boolean> {
  const token = await getTaskToken(caseId, purpose);
  if (!token) return false;
  const completed = await sendTaskSuccess(token, output, { caseId, purpose });
  // Completed now or spent before: either way no wait will take this token again.
  await forgetTaskToken(caseId, purpose, token);
  return completed;
}

export async function sendTaskSuccess(token: string, output: unknown, context: { caseId: string; purpose: string }): Promise<boolean> {
  try {
    await sfnClient.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    return true;
  } catch (error) {
    if (isSpentToken(error)) {
      logger.info('task token already spent', { ...context, errorName: (error as Error).name });
      return false;
    }
    throw error;
  }
}

export async function sendTaskFailure(
  token: string,
  error: string,
  cause: string,
  context: { caseId: string; purpose: string },
): Promise<boolean> {
  try {
    await sfnClient.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
    return true;
  } catch (failure) {
    if (isSpentToken(failure)) {
      logger.info('task token already spent', { ...context, errorName: (failure as Error).name });
      return false;
    }
    throw failure;
  }
}

/**
 * Two kinds of failure. `StatesError` is an error inside an execution (ASL error name and cause,
 * matched by Retry/Catch). `SfnApiError` is an answer of the HTTP API: its `type` travels as
 * `__type` so that @aws-sdk/client-sfn raises the matching typed exception.
 */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly errorCause: string,
  ) {
    super(`${error}: ${errorCause}`);
    this.name = 'StatesError';
  }
}

/** States.Runtime: never retried, never caught, fails the execution (AWS behaviour). */
export const runtimeError = (cause: string): StatesError => new StatesError('States.Runtime', cause);

export type SfnErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'UnknownOperationException'
  | 'ValidationException';

export class SfnApiError extends Error {
  constructor(
    readonly type: SfnErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

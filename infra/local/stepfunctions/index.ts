import type { AddressInfo } from 'node:net';
import { createSfnServer } from './api';
import { StepFunctionsEngine, type EngineLogger, type EngineOptions, type InvokeLambda } from './engine';

export { StepFunctionsEngine } from './engine';
export type { EngineLogger, ExecutionDescription, InvokeLambda, PayloadStats } from './engine';
export type { ExecutionStatusChangeEvent } from './status-event';
export { SfnApiError } from './errors';
export { lambdaInvokeResult } from './interpreter';
export { parseDefinition } from './definition';
export { acceptedDefinitionsIn, type AcceptedDefinitions } from './accepted-definitions';

export interface LocalStepFunctionsOptions {
  /** Where state machines and executions live; the same directory after a restart resumes them. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Runs a task's Lambda in process; the engine never imports handlers itself. */
  invokeLambda: InvokeLambda;
  logger?: EngineLogger;
  onExecutionEnded?: EngineOptions['onExecutionEnded'];
  acceptedDefinitions?: EngineOptions['acceptedDefinitions'];
}

export interface LocalStepFunctions {
  /** `http://host:port`, for AWS_ENDPOINT_URL_SFN. */
  endpoint: string;
  engine: StepFunctionsEngine;
  /** Writes what is pending, stops the timers and the server. */
  close(): Promise<void>;
}

/**
 * Starts the local Step Functions service: loads the data directory, listens, and then resumes
 * every RUNNING execution (after listening, so that a resumed task whose Lambda calls
 * SendTaskSuccess on this endpoint finds it up).
 */
export async function startLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const engine = new StepFunctionsEngine({
    dataDir: options.dataDir,
    invokeLambda: options.invokeLambda,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onExecutionEnded ? { onExecutionEnded: options.onExecutionEnded } : {}),
    ...(options.acceptedDefinitions ? { acceptedDefinitions: options.acceptedDefinitions } : {}),
  });
  engine.load();
  const server = createSfnServer(engine, (error) =>
    options.logger?.error('Step Functions API request failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  engine.resume();
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    engine,
    close: async () => {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import type { Context } from 'aws-lambda';
import { caseIdOf } from '../domain/ids';
import { logger } from './logger';
import { flushMetrics } from './metrics';

/** The ids that tie a log line to a case: the keys every line of an invocation carries. */
export interface CorrelationKeys {
  caseId?: string;
  orderId?: string;
  reviewId?: string;
  appealId?: string;
}

/** Each id field and the letter its ids start with (shared/domain/ids.ts). */
const ID_FIELDS = { caseId: 'C', orderId: 'O', reviewId: 'R', appealId: 'A' } as const;

/**
 * The ids found in a payload or in path parameters, and the case they belong to. Only well-formed
 * ids of this system are taken: a path parameter is the caller's text, and the logs take no
 * arbitrary input (nor anything else of the payload, such as a task token).
 */
export function correlationKeys(source: Readonly<Record<string, unknown>> | null | undefined): CorrelationKeys {
  const keys: CorrelationKeys = {};
  for (const [field, prefix] of Object.entries(ID_FIELDS) as [keyof CorrelationKeys, string][]) {
    const value = source?.[field];
    if (typeof value === 'string' && value.startsWith(prefix) && caseIdOf(value) !== null) keys[field] = value;
  }
  const owner = keys.orderId ?? keys.reviewId ?? keys.appealId;
  if (keys.caseId === undefined && owner !== undefined) keys.caseId = caseIdOf(owner) ?? undefined;
  return keys;
}

/**
 * Whether this process is a Lambda execution environment. There an environment runs one invocation
 * at a time (or Powertools scopes the keys to each invocation itself, when AWS_LAMBDA_MAX_CONCURRENCY
 * lets it run several), so the one logger's keys belong to the invocation that set them. The local
 * runtime runs many invocations at once in one process, where they would label each other's lines.
 */
function inLambda(): boolean {
  return process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
}

/**
 * Runs one invocation of a handler: the logger gets the Lambda context and the correlation keys for
 * every line the invocation writes, and after it (returned or thrown) the keys are cleared and the
 * metrics it recorded are published. Every handler wrapper (apiHandler, workflowTask, the sweeper,
 * the delivery events) goes through here.
 */
export async function invocation<T>(context: Context | undefined, keys: CorrelationKeys, run: () => Promise<T>): Promise<T> {
  if (inLambda()) {
    if (context) logger.addContext(context);
    logger.appendKeys({ ...keys });
  }
  try {
    return await run();
  } finally {
    if (inLambda()) logger.resetKeys();
    flushMetrics();
  }
}

/** Adds keys known only part-way through an invocation (an item of a batch); `invocation` clears them. */
export function appendCorrelationKeys(keys: Readonly<Record<string, string>>): void {
  if (inLambda()) logger.appendKeys({ ...keys });
}

/** Removes keys that belonged to one item of a batch, before the next item. */
export function removeCorrelationKeys(keys: Readonly<Record<string, string>>): void {
  if (inLambda()) logger.removeKeys(Object.keys(keys));
}

/**
 * Runs the manifest's Lambda handlers in this process, the way the Lambda service would call them:
 * by function name or ARN, with a Lambda-like context. An error thrown by a handler propagates
 * unchanged, so its `name` reaches the Step Functions engine as the ASL error name, as in the cloud.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { everyFunction, workflowFunctions } from '../../functions';
import { runtimeModulePath } from '../layout';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export function functionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

/** Name → entry file (relative to the repository root) for every function of the manifest, whatever its kind. */
export function manifestFunctions(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const fn of everyFunction()) {
    if (entries.has(fn.name)) throw new Error(`infra/functions.ts names two functions ${fn.name}; names must be unique.`);
    entries.set(fn.name, fn.entry);
  }
  return entries;
}

/** `${XFunctionArn}` → ARN for each workflow task, as the CDK stack substitutes them. */
export function definitionSubstitutions(): Record<string, string> {
  return Object.fromEntries(Object.keys(workflowFunctions).map((name) => [`${name}FunctionArn`, functionArn(name)]));
}

/** Replaces every `${Name}` of the ASL text; an unknown name is an error, not a silent hole. */
export function substituteDefinition(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`The state machine definition uses \${${name}}, which the manifest does not define.`);
    return value;
  });
}

/** Accepts what the Lambda Invoke API accepts: a name, a full ARN, a partial ARN, with or without a qualifier. */
export function functionNameOf(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const functionIndex = parts.indexOf('function');
  if (functionIndex >= 0) return parts[functionIndex + 1] ?? nameOrArn;
  return parts[0] ?? nameOrArn;
}

type Handler = (event: unknown, context: Context) => unknown;

export interface LambdaInvoker {
  /** Calls the handler of `nameOrArn` with `payload` and resolves to what it returns. */
  invoke(nameOrArn: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
}

export class FunctionNotFoundError extends Error {
  constructor(name: string) {
    super(`Function not found: ${functionArn(name)}`);
    // The name the Lambda service gives this error, so a Catch in the ASL sees the same thing.
    this.name = 'Lambda.ResourceNotFoundException';
  }
}

export function createLambdaInvoker(
  options: {
    /** Name → entry file, from the repository's root. @default the function manifest's */
    functions?: Map<string, string>;
    defaultTimeoutMs?: number;
  } = {},
): LambdaInvoker {
  const functions = options.functions ?? manifestFunctions();
  const handlers = new Map<string, Promise<Handler>>();

  function load(name: string): Promise<Handler> {
    let loaded = handlers.get(name);
    if (!loaded) {
      const entry = functions.get(name);
      if (entry === undefined) return Promise.reject(new FunctionNotFoundError(name));
      const url = pathToFileURL(runtimeModulePath(entry)).href;
      loaded = import(url).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a function named handler.`);
        return module.handler as Handler;
      });
      // A failed import (a file not written yet) must be retried on the next call, not cached.
      loaded.catch(() => handlers.delete(name));
      handlers.set(name, loaded);
    }
    return loaded;
  }

  return {
    async invoke(nameOrArn, payload, invokeOptions) {
      const name = functionNameOf(nameOrArn);
      const handler = await load(name);
      const timeoutMs = invokeOptions?.timeoutMs ?? options.defaultTimeoutMs ?? 900_000;
      const deadline = Date.now() + timeoutMs;
      const awsRequestId = randomUUID();
      const context: Context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: functionArn(name),
        memoryLimitInMB: '1024',
        awsRequestId,
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: `local/${awsRequestId}`,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      return await handler(payload, context);
    },
  };
}

/** The calls a concurrency limit holds back: how many, and how long the first in line has waited. */
export interface Backlog {
  readonly waiting: number;
  readonly oldestWaitMs: number;
}

export interface LimitedCall<Args extends unknown[], Result> {
  (...args: Args): Promise<Result>;
  backlog(): Backlog;
}

/** A call waiting for a slot: since when, and what starts it. */
interface Waiting {
  readonly queuedAt: number;
  readonly start: () => void;
}

/**
 * At most `limit` calls at once, the others queued, as Lambda's concurrency limit bounds a
 * function's invocations in the cloud. The engine's task Lambdas go through one: after a restart
 * with thousands of deadlines due, or a burst of approvals, they wait their turn instead of all
 * opening connections to DynamoDB at once (which timed out the runtime's own start-up). No task
 * Lambda waits for another, so a queued call cannot hold up the one it waits behind.
 *
 * Waiting calls take the free slots by lane, lane 0 first (`laneOf`), each lane in the order its
 * calls were made: a deadline that fell due is enforced when it falls, and an approved order's
 * notice goes out, before the backlog of new cases is worked through. In the cloud each function
 * has its own concurrency and nothing queues behind another function's work; on one machine the
 * lanes keep the work that has a clock running ahead of the work that can wait. They must not starve
 * it: a call that has waited `agingMs` takes the next free slot before any call that came after it,
 * whatever their lanes (the longest-waiting of such calls first), so that while deadlines fall faster
 * than the slots enforce them, a review's opening or a fine still runs within about that long.
 *
 * `backlog()` tells how far behind the queue is, for the API's admission control: the wait of the
 * longest-waiting call says it in seconds, whatever the machine's speed, where a count would not.
 */
export function withConcurrencyLimit<Args extends unknown[], Result>(
  call: (...args: Args) => Promise<Result>,
  limit: number,
  options: {
    /** @default Date.now */
    readonly now?: () => number;
    /** The lane of a call, 0 first; a lane past the last is the last. @default every call in lane 0 */
    readonly laneOf?: (...args: Args) => number;
    /** @default 1 */
    readonly lanes?: number;
    /** How long a call waits before it goes ahead of later calls of earlier lanes. @default Infinity (never) */
    readonly agingMs?: number;
  } = {},
): LimitedCall<Args, Result> {
  const { now = Date.now, laneOf = () => 0, lanes = 1, agingMs = Number.POSITIVE_INFINITY } = options;
  const waiting: Waiting[][] = Array.from({ length: lanes }, () => []);
  let running = 0;

  /** The lane whose first call goes next: the longest-waiting first call once it has waited `agingMs`, else the first lane with a call. */
  const nextLane = (): Waiting[] | undefined => {
    const agedBefore = now() - agingMs;
    let aged: Waiting[] | undefined;
    for (const lane of waiting) {
      const head = lane[0];
      if (head !== undefined && head.queuedAt <= agedBefore && (aged?.[0] === undefined || head.queuedAt < aged[0].queuedAt)) aged = lane;
    }
    return aged ?? waiting.find((lane) => lane.length > 0);
  };

  const startNext = (): void => {
    while (running < limit) {
      const next = nextLane()?.shift();
      if (next === undefined) return;
      running += 1;
      next.start();
    }
  };
  const limited = (...args: Args): Promise<Result> =>
    new Promise<Result>((resolve, reject) => {
      const start = (): void => {
        // A call that throws at once still gives its slot back.
        Promise.resolve()
          .then(() => call(...args))
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            startNext();
          });
      };
      const lane = Math.min(Math.max(0, Math.trunc(laneOf(...args))), lanes - 1);
      waiting[lane]?.push({ queuedAt: now(), start });
      startNext();
    });
  return Object.assign(limited, {
    backlog: (): Backlog => {
      const heads = waiting.flatMap((lane) => (lane[0] === undefined ? [] : [lane[0].queuedAt]));
      return {
        waiting: waiting.reduce((sum, lane) => sum + lane.length, 0),
        oldestWaitMs: heads.length === 0 ? 0 : now() - Math.min(...heads),
      };
    },
  });
}

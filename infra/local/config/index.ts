/**
 * What `npm start` reads from its environment: ports, the data directory, and the policy. A policy
 * that does not validate stops start-up here, before anything listens, with the bad field named.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyError } from '../../../shared/domain/errors';
import { DEFAULT_POLICY_ID, policyById, resolvePolicy, type Policy } from '../../../shared/domain/policy';

export interface LocalConfig {
  readonly host: string;
  readonly port: number;
  readonly sesPort: number;
  readonly dynamoDbPort: number;
  readonly sfnPort: number;
  readonly dataDir: string;
  readonly policy: Policy;
  readonly sweepIntervalSeconds: number | undefined;
  readonly staffEmails: string;
  /** `false` when LOCAL_WEB_BUILD=0: the test harness starts many stacks and does not need the UI. */
  readonly buildWeb: boolean;
  /** Workflow task Lambdas running at once (TASK_CONCURRENCY), as a function's concurrency limit in the cloud. */
  readonly taskConcurrency: number;
  /** New cases are refused while the first workflow task in line has waited longer (INTAKE_MAX_TASK_WAIT_SECONDS). */
  readonly intakeMaxTaskWaitMs: number;
}

/** A start-up setting that is wrong: main prints the message and exits 1. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new StartupError(`${name}=${raw} is not a port number (0 to 65535).`);
  return value;
}

/** A positive number from the environment, or `fallback` when unset; `integer` for a count. */
function positive<Fallback extends number | undefined>(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: Fallback,
  unit: string,
  integer = false,
): number | Fallback {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new StartupError(`${name}=${raw} must be a positive ${integer ? 'whole ' : ''}number of ${unit}.`);
  }
  return value;
}

export function loadPolicy(env: NodeJS.ProcessEnv): Policy {
  try {
    const file = env.POLICY_FILE;
    if (file !== undefined && file !== '') {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new StartupError(`POLICY_FILE ${file} cannot be read: ${(error as Error).message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new StartupError(`POLICY_FILE ${file} is not valid JSON: ${(error as Error).message}`);
      }
      return resolvePolicy(json);
    }
    return policyById(env.POLICY_PROFILE || DEFAULT_POLICY_ID);
  } catch (error) {
    if (error instanceof PolicyError) throw new StartupError(error.message);
    throw error;
  }
}

export function loadLocalConfig(env: NodeJS.ProcessEnv, cwd: string): LocalConfig {
  return {
    host: '127.0.0.1',
    port: port(env, 'PORT', 3000),
    sesPort: port(env, 'SES_PORT', 8005),
    dynamoDbPort: port(env, 'DYNAMODB_PORT', 8000),
    sfnPort: port(env, 'SFN_PORT', 8083),
    dataDir: path.resolve(cwd, env.DATA_DIR || '.data'),
    policy: loadPolicy(env),
    sweepIntervalSeconds: positive(env, 'SWEEP_INTERVAL_SECONDS', undefined, 'seconds'),
    staffEmails: env.STAFF_EMAILS || 'staff@kcsc.example',
    buildWeb: env.LOCAL_WEB_BUILD !== '0',
    // More than the benchmarks keep in flight, far below AWS's default account limit of 1,000.
    taskConcurrency: positive(env, 'TASK_CONCURRENCY', 32, 'task Lambdas', true),
    // A case waits in that line three or four times between its approval and its notice. In the
    // 3-minute soak at 20 cases/s offered, 3 s against 10 s: approval → notice p50 19 s against
    // 47 s, deadlines p99 6 s late against 12 s, the same 5-6 cases a second (docs/benchmarks.md).
    intakeMaxTaskWaitMs: positive(env, 'INTAKE_MAX_TASK_WAIT_SECONDS', 3, 'seconds') * 1000,
  };
}

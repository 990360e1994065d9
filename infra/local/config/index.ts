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
  const sweep = env.SWEEP_INTERVAL_SECONDS;
  const sweepIntervalSeconds = sweep === undefined || sweep === '' ? undefined : Number(sweep);
  if (sweepIntervalSeconds !== undefined && !(sweepIntervalSeconds > 0)) {
    throw new StartupError(`SWEEP_INTERVAL_SECONDS=${sweep} must be a positive number of seconds.`);
  }
  return {
    host: '127.0.0.1',
    port: port(env, 'PORT', 3000),
    sesPort: port(env, 'SES_PORT', 8005),
    dynamoDbPort: port(env, 'DYNAMODB_PORT', 8000),
    sfnPort: port(env, 'SFN_PORT', 8083),
    dataDir: path.resolve(cwd, env.DATA_DIR || '.data'),
    policy: loadPolicy(env),
    sweepIntervalSeconds,
    staffEmails: env.STAFF_EMAILS || 'staff@kcsc.example',
    buildWeb: env.LOCAL_WEB_BUILD !== '0',
  };
}

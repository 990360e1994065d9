/**
 * The whole local system as a child process, for end-to-end, browser and benchmark tests: the
 * same command as `npm start` (`node infra/local/start.mjs`: the runtime's build), in its own process group
 * (so `kill9` takes the runtime and its DynamoDB process down together, as a crash would), on free loopback ports, with a temporary
 * DATA_DIR and a policy file. `restart()` starts it again on the same ports and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const OUTPUT_LIMIT = 200_000;

/**
 * Seconds instead of hours and days, so a test can watch every deadline pass. Merged over the
 * Korean profile by the runtime (`base`), like any policy file.
 */
export const FAST_POLICY = {
  id: 'kr-fast-test',
  approvalSla: 'PT30S',
  complianceDeadline: 'PT6S',
  reminders: ['PT3S'],
  lateComplianceGrace: 'PT6S',
  postReviewWindow: 'PT8S',
  appealWindow: 'PT6S',
  appealReviewWindow: 'PT8S',
} as const;

export interface LocalStackOptions {
  /** Written to POLICY_FILE; default FAST_POLICY. */
  readonly policy?: object;
  /** Extra environment for the runtime (overrides the harness's own). */
  readonly env?: Record<string, string>;
  /** Build and serve the web UI (browser tests); off by default to keep starts fast. */
  readonly web?: boolean;
}

/** What may change between two runs on one DATA_DIR: the policy, as an operator would change it. */
export interface RestartOptions {
  /** Written to the same POLICY_FILE. */
  readonly policy?: object;
  /** A built-in profile by id (POLICY_PROFILE), with no POLICY_FILE. */
  readonly profile?: string;
}

export interface LocalStack {
  readonly baseUrl: string;
  readonly sesUrl: string;
  readonly dynamoDbUrl: string;
  readonly sfnUrl: string;
  readonly dataDir: string;
  /** Everything the runtime printed since the last (re)start. */
  output(): string;
  /**
   * The runtime's process group id while it runs, which is the pid of the runtime's Node process
   * (the group holds it and its DynamoDB process): lets a benchmark read
   * their memory from `/proc`.
   */
  processGroupId(): number | undefined;
  /** A bearer token for a seeded user (`POST /auth/local-token`). */
  token(user: string): Promise<string>;
  /** SIGTERM, then wait for a clean exit (data kept for `restart`). */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: a crash, with no chance to flush. */
  kill9(): Promise<void>;
  /** Stops it if running, then starts it again on the same ports and DATA_DIR (under another policy, if given). */
  restart(options?: RestartOptions): Promise<void>;
  /** Leaves the DATA_DIR on disk when this process exits (all others are removed), for a failed run to be examined. */
  keepDataDir(): void;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();

// A test that fails before its `stop()` must not leave a runtime holding ports and a DATA_DIR.
process.once('exit', () => {
  for (const child of liveChildren) killGroup(child, 'SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Tries again on fresh ports when another process took one of the chosen ports meanwhile. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnFreePorts(options);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !error.message.includes('already in use')) throw error;
    }
  }
}

async function startOnFreePorts(options: LocalStackOptions): Promise<LocalStack> {
  const [port, sesPort, dynamoDbPort, sfnPort] = (await freePorts(4)) as [number, number, number, number];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ud-stack-'));
  tempDirs.add(dataDir);
  const policyFile = path.join(dataDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(options.policy ?? FAST_POLICY, null, 2));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SES_PORT: String(sesPort),
    DYNAMODB_PORT: String(dynamoDbPort),
    SFN_PORT: String(sfnPort),
    DATA_DIR: path.join(dataDir, 'data'),
    POLICY_FILE: policyFile,
    SWEEP_INTERVAL_SECONDS: '1',
    LOCAL_WEB_BUILD: options.web === true ? '1' : '0',
    // The parent's vitest settings must not leak into the runtime.
    NODE_OPTIONS: '',
    ...options.env,
  };
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.TABLE_NAME;
  delete env.POLICY_JSON;
  delete env.POLICY_PROFILE;

  let child: ChildProcess | undefined;
  let output = '';

  async function launch(): Promise<void> {
    output = '';
    const started = spawn(process.execPath, ['infra/local/start.mjs'], {
      cwd: ROOT_DIR,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    liveChildren.add(started);
    started.once('exit', () => liveChildren.delete(started));
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
    };
    // Both pipes are always drained: a full pipe would block the runtime.
    started.stdout?.on('data', append);
    started.stderr?.on('data', append);

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        killGroup(started, 'SIGKILL');
        reject(new Error(`The local stack did not print "ready" within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${output}`));
      }, READY_TIMEOUT_MS);
      const onData = (): void => {
        if (/^ready$/m.test(output)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        cleanup();
        reject(new Error(`The local stack exited (${signal ?? `code ${code}`}) before it was ready. Its output:\n${output}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        started.stdout?.off('data', onData);
        started.off('exit', onExit);
      };
      started.stdout?.on('data', onData);
      started.once('exit', onExit);
    });
  }

  async function stop(): Promise<void> {
    const current = child;
    if (!current) return;
    killGroup(current, 'SIGTERM');
    const timer = setTimeout(() => killGroup(current, 'SIGKILL'), STOP_TIMEOUT_MS);
    await exited(current);
    clearTimeout(timer);
    child = undefined;
  }

  async function kill9(): Promise<void> {
    const current = child;
    if (!current) return;
    killGroup(current, 'SIGKILL');
    await exited(current);
    child = undefined;
  }

  await launch();
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    dynamoDbUrl: `http://127.0.0.1:${dynamoDbPort}`,
    sfnUrl: `http://127.0.0.1:${sfnPort}`,
    dataDir: env.DATA_DIR as string,
    output: () => output,
    processGroupId: () => child?.pid,
    async token(user) {
      const response = await fetch(`${baseUrl}/auth/local-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user }),
      });
      const body = (await response.json()) as { token?: string };
      if (response.status !== 200 || typeof body.token !== 'string') {
        throw new Error(`No token for ${user}: ${response.status} ${JSON.stringify(body)}`);
      }
      return body.token;
    },
    stop,
    kill9,
    async restart(options = {}) {
      await stop();
      if (options.policy !== undefined) {
        writeFileSync(policyFile, JSON.stringify(options.policy, null, 2));
        env.POLICY_FILE = policyFile;
        delete env.POLICY_PROFILE;
      }
      if (options.profile !== undefined) {
        env.POLICY_PROFILE = options.profile;
        delete env.POLICY_FILE;
      }
      await launch();
    },
    keepDataDir() {
      tempDirs.delete(dataDir);
    },
  };
}

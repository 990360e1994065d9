/**
 * The write model's act on the two local DynamoDB engines, side by side in one run: dynalite (what
 * `npm start` uses) and, when DYNAMODB_LOCAL_JAR names AWS's DynamoDBLocal.jar (for example from
 * the npm package amplify-dynamodb-simulator, which needs Java 17), DynamoDB Local. Both keep their
 * data on disk, as `npm start` does. Each engine is measured in a child process of its own
 * (test/bench/store-engines-worker.ts): one act (a first approval: read the head, read the case,
 * commit the event, project it) sequentially, at 16 in flight on 16 cases, and at 16 in flight on
 * one case (writers racing for the chain). Prints a table and writes results/store-engines.json.
 *
 *   DYNAMODB_LOCAL_JAR=/path/DynamoDBLocal.jar npx tsx test/bench/store-engines.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';
import { describeMachine } from './lib/machine';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.resolve(BENCH_DIR, '..', '..');

interface EngineFigures {
  engine: string;
  sequentialP50Ms: number;
  sequentialP99Ms: number;
  parallelActsPerSecond: number;
  contendedActsPerSecond: number;
  contendedRetriesPerAct: number;
}

function measure(engine: string, endpoint: string): Promise<EngineFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx'), [path.join(BENCH_DIR, 'store-engines-worker.ts')], {
      cwd: ROOT_DIR,
      env: { ...process.env, ENGINE: engine, AWS_ENDPOINT_URL_DYNAMODB: endpoint, LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as EngineFigures) : reject(new Error(`${engine} worker exited ${code}`)),
    );
  });
}

async function startDynamoDbLocal(jar: string, dataDir: string): Promise<{ endpoint: string; process: ChildProcess }> {
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const java = spawn(
    'java',
    [
      `-Djava.library.path=${path.join(path.dirname(jar), 'DynamoDBLocal_lib')}`,
      '-jar',
      jar,
      '-sharedDb',
      '-dbPath',
      dataDir,
      '-port',
      String(port),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  java.stdout?.resume();
  // Ready once it accepts a connection (it prints its banner before it listens).
  for (let attempt = 0; ; attempt += 1) {
    if (java.exitCode !== null) throw new Error(`DynamoDB Local exited ${java.exitCode}`);
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (listening) break;
    if (attempt > 300) throw new Error('DynamoDB Local did not listen within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}`, process: java };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ud-store-engines-'));
  const results: EngineFigures[] = [];
  try {
    const server: Server = dynalite({ path: path.join(dataDir, 'dynalite'), createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    results.push(await measure('dynalite', `http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    server.close();
    const jar = process.env.DYNAMODB_LOCAL_JAR;
    if (jar) {
      const local = await startDynamoDbLocal(jar, dataDir);
      try {
        results.push(await measure('DynamoDB Local', local.endpoint));
      } finally {
        local.process.kill('SIGTERM');
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.table(results);
  if (!process.env.DYNAMODB_LOCAL_JAR) console.log('DYNAMODB_LOCAL_JAR is not set: DynamoDB Local was not measured.');
  writeFileSync(
    path.join(BENCH_DIR, 'results', 'store-engines.json'),
    `${JSON.stringify({ machine: describeMachine(), results }, null, 2)}\n`,
  );
}

await main();

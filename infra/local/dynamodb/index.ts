/**
 * DynamoDB on one machine: dynalite (DynamoDB's wire protocol on LevelDB) with its data on disk,
 * in a process of its own so that it runs on another core than the runtime (./process.ts), and
 * the product's single table created from the same definition as the cloud stack's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { GLOBAL_SECONDARY_INDEXES, KEY_ATTRIBUTES, TABLE_KEYS } from '../../../shared/store/table';
import { runtimeModulePath } from '../layout';
import { PortInUseError } from '../net';
import type { DynamoDbProcessMessage, DynamoDbProcessOptions, DynamoDbProcessRequest } from './process';

export interface LocalDynamoDb {
  readonly endpoint: string;
  /** The DynamoDB process's id, while it runs. */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/** The DynamoDB process failed to start, died, or did not stop. */
export class DynamoDbProcessError extends Error {
  constructor(message: string) {
    super(`DynamoDB (dynalite): ${message}`);
    this.name = 'DynamoDbProcessError';
  }
}

const PROCESS_ENTRY = runtimeModulePath('infra/local/dynamodb/process.ts');
/** A clean stop closes LevelDB in well under a second; beyond this the process is killed. */
const STOP_TIMEOUT_MS = 5_000;

/**
 * Node options for the DynamoDB process: the runtime's own, and, where its entry is the TypeScript
 * source (the tests; `npm start` runs the build), tsx's loader unless they load it already.
 */
function processExecArgv(): string[] {
  if (!PROCESS_ENTRY.endsWith('.ts')) return [...process.execArgv, '--enable-source-maps'];
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const importsTsx = process.execArgv.some(
    (arg, index) => (process.execArgv[index - 1] === '--import' && (arg === 'tsx' || arg === tsxLoader)) || arg === '--import=tsx',
  );
  return importsTsx ? process.execArgv : [...process.execArgv, '--import', tsxLoader];
}

function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal === null ? `code ${code}` : signal;
}

function whenListening(child: ChildProcess, options: DynamoDbProcessOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: DynamoDbProcessMessage): void => {
      cleanup();
      if (message.type === 'listening') resolve(message.endpoint);
      else
        reject(
          message.portInUse ? new PortInUseError(options.port, options.host, 'DYNAMODB_PORT') : new DynamoDbProcessError(message.message),
        );
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new DynamoDbProcessError(`its process exited (${exitDescription(code, signal)}) before it listened.`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new DynamoDbProcessError(`its process could not be started: ${error.message}`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/**
 * Starts the DynamoDB process and resolves once it listens. `onUnexpectedExit` hears of its death
 * other than by `close()`: the runtime cannot go on without its store.
 */
export async function startDynamoDb(options: {
  dataDir: string;
  port: number;
  host: string;
  onUnexpectedExit?: (error: DynamoDbProcessError) => void;
}): Promise<LocalDynamoDb> {
  const processOptions: DynamoDbProcessOptions = { dbPath: path.join(options.dataDir, 'dynamodb'), port: options.port, host: options.host };
  const child = spawn(process.execPath, [...processExecArgv(), PROCESS_ENTRY, JSON.stringify(processOptions)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let closing = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let endpoint: string;
  try {
    endpoint = await whenListening(child, processOptions);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  void exited.then(({ code, signal }) => {
    if (!closing)
      options.onUnexpectedExit?.(new DynamoDbProcessError(`its process exited unexpectedly (${exitDescription(code, signal)}).`));
  });

  return {
    endpoint,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async close() {
      if (closing) return;
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const request: DynamoDbProcessRequest = { type: 'stop' };
      child.send(request);
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const { code, signal } = await exited;
      clearTimeout(killer);
      if (code !== 0) throw new DynamoDbProcessError(`its process did not stop cleanly (${exitDescription(code, signal)}).`);
    },
  };
}

/** A client for the local endpoint; dynalite accepts any credentials but the SDK needs some. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates the single table unless it exists (idempotent across restarts), and waits until it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  let outcome: 'created' | 'existed' = 'created';
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    outcome = 'existed';
  }
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return outcome;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE.`);
}

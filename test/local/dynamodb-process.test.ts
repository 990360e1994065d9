/**
 * DynamoDB in its own process (infra/local/dynamodb): it starts and answers through the AWS SDK,
 * stops when asked, never outlives the runtime that started it, and waits for the LevelDB lock
 * that a previous DynamoDB process, not yet gone after a `kill -9` of its runtime, still holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable, localDynamoDbClient, startDynamoDb, type LocalDynamoDb } from '../../infra/local/dynamodb';
import { PortInUseError } from '../../infra/local/net';
import { isAlive, listProcesses, pollUntil, untilEnded } from '../support/processes';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(ROOT_DIR, 'test', 'local', 'fixtures', 'start-dynamodb.ts');
const HOST = '127.0.0.1';
const TABLE = 'process-test';
/** Bounds the wait for the fixture runtime to start, so that a failure ends the test. */
const START_PATIENCE_MS = 20_000;

const root = mkdtempSync(path.join(os.tmpdir(), 'ud-dynamo-process-'));
const runtimes = new Set<ChildProcess>();
const started = new Set<LocalDynamoDb>();

afterAll(async () => {
  for (const runtime of runtimes) runtime.kill('SIGKILL');
  for (const dynamoDb of started) await dynamoDb.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

let counter = 0;
function freshDir(): string {
  counter += 1;
  return path.join(root, `d${counter}`);
}

async function start(dataDir: string): Promise<LocalDynamoDb> {
  const dynamoDb = await startDynamoDb({ dataDir, port: 0, host: HOST });
  started.add(dynamoDb);
  return dynamoDb;
}

function documents(dynamoDb: LocalDynamoDb): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(localDynamoDbClient(dynamoDb.endpoint));
}

/** A runtime of its own (the fixture, under tsx as `npm start` runs): its pid and its DynamoDB process's. */
function startRuntime(dataDir: string): Promise<{ runtimePid: number; dynamoDbPid: number; endpoint: string }> {
  const launcher = spawn(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx'), [FIXTURE, dataDir], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  runtimes.add(launcher);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`The runtime printed nothing in ${START_PATIENCE_MS / 1000} s: ${output}`)),
      START_PATIENCE_MS,
    );
    launcher.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = /^listening (\d+) (\d+) (\S+)$/m.exec(output);
      if (!line) return;
      clearTimeout(timer);
      resolve({ runtimePid: Number(line[1]), dynamoDbPid: Number(line[2]), endpoint: line[3] as string });
    });
  });
}

describe('the DynamoDB process', () => {
  it('starts apart from the runtime, answers a GetItem through the AWS SDK, and ends when closed', async () => {
    // Given DynamoDB started, and an item put
    const dynamoDb = await start(freshDir());
    const pid = dynamoDb.pid as number;
    await ensureTable(localDynamoDbClient(dynamoDb.endpoint), TABLE);
    await documents(dynamoDb).send(new PutCommand({ TableName: TABLE, Item: { pk: 'CASE#1', sk: 'CASE', status: 'OPEN' } }));

    // When the item is read back, and DynamoDB closed
    const { Item } = await documents(dynamoDb).send(new GetCommand({ TableName: TABLE, Key: { pk: 'CASE#1', sk: 'CASE' } }));
    await dynamoDb.close();

    // Then another process answered, and it has ended
    expect(pid).not.toBe(process.pid);
    expect(Item).toEqual({ pk: 'CASE#1', sk: 'CASE', status: 'OPEN' });
    expect(isAlive(pid)).toBe(false);
    expect(dynamoDb.pid).toBeUndefined();
  });

  it('refuses a taken port with the message npm start prints, naming DYNAMODB_PORT', async () => {
    // Given a port another process listens on
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, HOST, resolve));
    const port = (taken.address() as AddressInfo).port;

    // When DynamoDB starts on it, then Then it is refused as a port in use
    const starting = startDynamoDb({ dataDir: freshDir(), port, host: HOST });
    await expect(starting).rejects.toThrow(PortInUseError);
    await expect(starting).rejects.toThrow(`Port ${port} on ${HOST} is already in use; set DYNAMODB_PORT to another port.`);
    await new Promise((resolve) => taken.close(resolve));
  });

  it('ends when the runtime that started it is killed with SIGKILL', async () => {
    // Given a runtime with its DynamoDB process
    const { runtimePid, dynamoDbPid } = await startRuntime(freshDir());
    expect(isAlive(dynamoDbPid)).toBe(true);

    // When the runtime is killed, with no chance to stop anything
    process.kill(runtimePid, 'SIGKILL');

    // Then its DynamoDB process ends too
    await untilEnded(dynamoDbPid);
  });

  it('waits for the LevelDB lock that the previous DynamoDB process still holds, then serves its data', async () => {
    // Given a runtime that wrote an item, then was killed while its DynamoDB process was frozen
    // (it holds LevelDB's lock until it notices and exits)
    const dataDir = freshDir();
    const previous = await startRuntime(dataDir);
    const previousClient = DynamoDBDocumentClient.from(localDynamoDbClient(previous.endpoint));
    await ensureTable(localDynamoDbClient(previous.endpoint), TABLE);
    await previousClient.send(new PutCommand({ TableName: TABLE, Item: { pk: 'CASE#2', sk: 'CASE', status: 'OPEN' } }));
    process.kill(previous.dynamoDbPid, 'SIGSTOP');
    process.kill(previous.runtimePid, 'SIGKILL');

    // When DynamoDB starts again on the same DATA_DIR, and the previous process is let go only
    // once the new one is up and trying
    const before = new Set(listProcesses().map((entry) => entry.pid));
    let listening = false;
    const starting = start(dataDir).then((dynamoDb) => {
      listening = true;
      return dynamoDb;
    });
    let listeningWhileLocked: boolean;
    try {
      await pollUntil(
        () => listProcesses().some((entry) => !before.has(entry.pid) && entry.commandLine.includes('dynamodb/process.ts')),
        'a new DynamoDB process runs',
      );
      await sleep(1_500);
      listeningWhileLocked = listening;
    } finally {
      process.kill(previous.dynamoDbPid, 'SIGCONT');
    }
    const dynamoDb = await starting;

    // Then it waited for the lock rather than serving a store it could not open, and has the item
    expect(listeningWhileLocked).toBe(false);
    const { Item } = await documents(dynamoDb).send(new GetCommand({ TableName: TABLE, Key: { pk: 'CASE#2', sk: 'CASE' } }));
    expect(Item).toEqual({ pk: 'CASE#2', sk: 'CASE', status: 'OPEN' });
    expect(isAlive(previous.dynamoDbPid)).toBe(false);
  });
});

/**
 * DynamoDB on one machine: dynalite (DynamoDB's wire protocol on LevelDB) with its data on disk,
 * and the product's single table created from the same definition as the cloud stack's.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { GLOBAL_SECONDARY_INDEXES, KEY_ATTRIBUTES, TABLE_KEYS } from '../../../shared/store/table';
import { closeServer, listen } from '../net';

export interface LocalDynamoDb {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The prototype every LevelDB iterator of dynalite's store inherits: abstract-level's CommonIterator. */
export function dynaliteIteratorPrototype(): { close(): Promise<void>; return?: () => Promise<void> } {
  // Resolved through dynalite's own dependency chain, so that it is the copy dynalite runs.
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  const fromClassicLevel = createRequire(fromLevel.resolve('classic-level'));
  const { AbstractIterator } = fromClassicLevel('abstract-level') as { AbstractIterator: { prototype: object } };
  return Object.getPrototypeOf(AbstractIterator.prototype);
}

/**
 * dynalite 4 ends each Query's and Scan's stream by calling `iterator.return()`, the async-iterator
 * protocol, but abstract-level 3's iterators only have `close()`: without this, every Query left
 * its LevelDB iterator open, which pins the memtables and snapshot it read (some 22 KB of native
 * memory a query, never given back: half of the runtime's growth per case; docs/benchmarks.md).
 */
function closeIteratorsWhenStreamsEnd(): void {
  const prototype = dynaliteIteratorPrototype();
  if (typeof prototype.return === 'function') return;
  prototype.return = function (this: { close(): Promise<void> }) {
    return this.close();
  };
}

export async function startDynamoDb(options: { dataDir: string; port: number; host: string }): Promise<LocalDynamoDb> {
  closeIteratorsWhenStreamsEnd();
  const dbPath = path.join(options.dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  // Tables become ACTIVE at once: nothing here models provisioning delays.
  const server: Server = dynalite({ path: dbPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listen(server, options.port, options.host, 'DYNAMODB_PORT');
  return { endpoint, close: () => closeServer(server) };
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

/**
 * dynalite with its data on disk (in its own process), the table from the shared definition, and
 * the seed operators: all idempotent across restarts on the same DATA_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTable, localDynamoDbClient, startDynamoDb, type LocalDynamoDb } from '../../infra/local/dynamodb';
import { dynaliteIteratorPrototype, serveDynalite } from '../../infra/local/dynamodb/server';
import { SEED_OPERATORS } from '../../infra/local/seed/operators';
import { GLOBAL_SECONDARY_INDEXES, LOCAL_TABLE_NAME } from '../../shared/store/table';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ud-dynamo-'));
let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startDynamoDb({ dataDir, port: 0, host: '127.0.0.1' });
  // The store adapter reads these when first loaded, as the handlers do under npm start.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.TABLE_NAME = LOCAL_TABLE_NAME;
});

afterAll(async () => {
  await dynamo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local DynamoDB', () => {
  it('creates the table with its indexes once, and finds it on the next start', async () => {
    const client = localDynamoDbClient(dynamo.endpoint);
    expect(await ensureTable(client, LOCAL_TABLE_NAME)).toBe('created');
    expect(await ensureTable(client, LOCAL_TABLE_NAME)).toBe('existed');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      GLOBAL_SECONDARY_INDEXES.map((index) => index.indexName).sort(),
    );
  });

  it('seeds the six operators and their domain claims only when absent', async () => {
    // Given the seed run once
    const { seedOperators } = await import('../../infra/local/seed');
    const first = await seedOperators('2026-01-01T00:00:00.000Z');

    // When it runs again (a restart)
    const second = await seedOperators('2026-02-01T00:00:00.000Z');

    // Then the operators were written once, with their domains claimed
    expect(first.sort()).toEqual(['isp-kt', 'isp-lgu', 'isp-skb', 'op-overseas', 'op-social', 'op-webhard']);
    expect(second).toEqual([]);
    const documents = DynamoDBDocumentClient.from(localDynamoDbClient(dynamo.endpoint));
    for (const seed of SEED_OPERATORS) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: `OPERATOR#${seed.operatorId}`, sk: 'OPERATOR' } }),
      );
      expect(Item).toMatchObject({
        record: { operatorId: seed.operatorId, updatedAt: '2026-01-01T00:00:00.000Z' },
        version: 1,
        gsi1pk: 'OPERATORS',
      });
      // An ISP claims no domain: it blocks other hosts' URLs.
      for (const domain of seed.domains) {
        const claim = await documents.send(new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: `DOMAIN#${domain}`, sk: 'DOMAIN' } }));
        expect(claim.Item?.operatorId).toBe(seed.operatorId);
      }
    }
    expect(SEED_OPERATORS.filter((seed) => seed.kind === 'ISP').map((seed) => seed.domains)).toEqual([[], [], []]);
  });

  it('seeds the three partner regulators only when absent, and the overseas host in France', async () => {
    const { seedPartners } = await import('../../infra/local/seed');
    expect((await seedPartners('2026-01-01T00:00:00.000Z')).sort()).toEqual(['partner-au', 'partner-fr', 'partner-tw']);
    expect(await seedPartners('2026-02-01T00:00:00.000Z')).toEqual([]);
    const documents = DynamoDBDocumentClient.from(localDynamoDbClient(dynamo.endpoint));
    const { Item } = await documents.send(
      new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: 'PARTNER#partner-fr', sk: 'PARTNER' } }),
    );
    expect(Item).toMatchObject({ record: { partnerId: 'partner-fr', countries: ['FR'] }, version: 1, gsi1pk: 'PARTNERS' });
    expect(SEED_OPERATORS.find((seed) => seed.operatorId === 'op-overseas')?.country).toBe('FR');
  });

  it('keeps its data on disk across a restart', async () => {
    // When dynalite stops and starts again on the same directory
    await dynamo.close();
    dynamo = await startDynamoDb({ dataDir, port: 0, host: '127.0.0.1' });

    // Then the seeded operator is still there
    const documents = DynamoDBDocumentClient.from(localDynamoDbClient(dynamo.endpoint));
    const { Item } = await documents.send(
      new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: 'OPERATOR#op-overseas', sk: 'OPERATOR' } }),
    );
    expect(Item?.record).toMatchObject({ jurisdiction: 'OVERSEAS', language: 'en', currency: 'USD' });
  });

  it('closes the LevelDB iterator of every query, so that queries do not pin memory', async () => {
    // Given dynalite served in this process, as the DynamoDB process serves it, with three
    // operators, and a count of the iterators closed
    const server = await serveDynalite({ dbPath: path.join(dataDir, 'in-process'), port: 0, host: '127.0.0.1' });
    const client = localDynamoDbClient(server.endpoint);
    await ensureTable(client, LOCAL_TABLE_NAME);
    const documents = DynamoDBDocumentClient.from(client);
    for (const operatorId of ['op-a', 'op-b', 'op-c']) {
      await documents.send(
        new PutCommand({
          TableName: LOCAL_TABLE_NAME,
          Item: { pk: `OPERATOR#${operatorId}`, sk: 'OPERATOR', gsi1pk: 'OPERATORS', gsi1sk: operatorId },
        }),
      );
    }
    const closed = vi.spyOn(dynaliteIteratorPrototype(), 'close');

    // When five queries run: on the table and on an index, read to the end or cut short by a limit
    for (const limit of [undefined, 1]) {
      await documents.send(
        new QueryCommand({
          TableName: LOCAL_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'OPERATOR#op-b' },
          ...(limit ? { Limit: limit } : {}),
        }),
      );
      await documents.send(
        new QueryCommand({
          TableName: LOCAL_TABLE_NAME,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': 'OPERATORS' },
          ...(limit ? { Limit: limit } : {}),
        }),
      );
    }
    const page = await documents.send(
      new QueryCommand({
        TableName: LOCAL_TABLE_NAME,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'OPERATORS' },
        Limit: 2,
      }),
    );

    // Then each query's iterator was closed once it answered, and paging still works
    expect(closed.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(page.Items).toHaveLength(2);
    expect(page.LastEvaluatedKey).toBeDefined();
    closed.mockRestore();
    await server.close();
  });
});

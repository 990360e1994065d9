/**
 * The whole of the local stack's DynamoDB, read through the DocumentClient: every table, every
 * page of a consistent Scan, items sorted by key so that two reads compare item by item.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

export type TableSnapshot = Record<string, Record<string, unknown>[]>;

export function documentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 }),
  );
}

const keyOf = (item: Record<string, unknown>): string => `${String(item.pk)}\u0000${String(item.sk)}`;

export async function scanEverything(client: DynamoDBDocumentClient): Promise<TableSnapshot> {
  const tables: string[] = [];
  let startTable: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand(startTable === undefined ? {} : { ExclusiveStartTableName: startTable }));
    tables.push(...(page.TableNames ?? []));
    startTable = page.LastEvaluatedTableName;
  } while (startTable !== undefined);

  const snapshot: TableSnapshot = {};
  for (const table of tables.sort()) {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (startKey !== undefined);
    snapshot[table] = items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  }
  return snapshot;
}

export function itemCount(snapshot: TableSnapshot): number {
  return Object.values(snapshot).reduce((sum, items) => sum + items.length, 0);
}

/** The keys of items added, removed or changed from `before` to `after`, for a readable failure. */
export function differences(before: TableSnapshot, after: TableSnapshot): string[] {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const left = new Map((before[table] ?? []).map((item) => [keyOf(item), JSON.stringify(item)]));
    const right = new Map((after[table] ?? []).map((item) => [keyOf(item), JSON.stringify(item)]));
    for (const [key, value] of right) {
      if (!left.has(key)) out.push(`${table}: added ${key.replace('\u0000', ' / ')}`);
      else if (left.get(key) !== value) out.push(`${table}: changed ${key.replace('\u0000', ' / ')}`);
    }
    for (const key of left.keys()) if (!right.has(key)) out.push(`${table}: removed ${key.replace('\u0000', ' / ')}`);
  }
  return out;
}

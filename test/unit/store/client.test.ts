/**
 * The store's DynamoDB client takes lib-dynamodb's commands with plain values and sends DynamoDB's
 * own (with the middleware cached): what comes back must be what went in, as the DocumentClient
 * answered it, for every command the store uses.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { config } from '../../../shared/runtime/config';
import { documentClient } from '../../../shared/store/client';
import { useWorld } from '../../support/world';

useWorld();
const table = () => config().tableName;
const PK = 'CLIENT#test';

/** Every kind of value a record holds: nested maps and lists, numbers, booleans, null, a string set. */
const record = {
  title: '불법촬영물 삭제 요청',
  count: 3,
  ratio: 0.25,
  open: false,
  none: null,
  tags: new Set(['a', 'b']),
  nested: { list: [1, 'two', { three: 3 }], empty: {} },
};

describe('the store client', () => {
  it('puts and gets an item with every kind of value, leaving out what is undefined', async () => {
    await documentClient.send(new PutCommand({ TableName: table(), Item: { pk: PK, sk: 'A', record, gone: undefined } }));
    const { Item } = await documentClient.send(new GetCommand({ TableName: table(), Key: { pk: PK, sk: 'A' }, ConsistentRead: true }));
    expect(Item).toEqual({ pk: PK, sk: 'A', record });
    expect(Item).not.toHaveProperty('gone');
  });

  it('answers no item for a key that holds none', async () => {
    const { Item } = await documentClient.send(new GetCommand({ TableName: table(), Key: { pk: PK, sk: 'nothing' } }));
    expect(Item).toBeUndefined();
  });

  it('updates with expression values and answers the attributes it was asked for', async () => {
    await documentClient.send(new PutCommand({ TableName: table(), Item: { pk: PK, sk: 'A', version: 1 } }));
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: PK, sk: 'A' },
        UpdateExpression: 'SET #record = :record, version = :next',
        ConditionExpression: 'version < :next',
        ExpressionAttributeNames: { '#record': 'record' },
        ExpressionAttributeValues: { ':record': record, ':next': 2 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(Attributes).toEqual({ pk: PK, sk: 'A', version: 2, record });
  });

  it('refuses a conditional write whose condition fails, as DynamoDB does', async () => {
    await documentClient.send(new PutCommand({ TableName: table(), Item: { pk: PK, sk: 'A' } }));
    await expect(
      documentClient.send(
        new PutCommand({ TableName: table(), Item: { pk: PK, sk: 'A' }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('queries page by page, each page starting where the last ended', async () => {
    for (const sk of ['A', 'B', 'C']) await documentClient.send(new PutCommand({ TableName: table(), Item: { pk: PK, sk, record } }));
    const seen: unknown[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PK },
          Limit: 2,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      seen.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(seen).toEqual(['A', 'B', 'C'].map((sk) => ({ pk: PK, sk, record })));
  });

  it('gets items in a batch and deletes one only when its condition holds', async () => {
    for (const sk of ['A', 'B']) await documentClient.send(new PutCommand({ TableName: table(), Item: { pk: PK, sk, holder: sk } }));
    await documentClient.send(
      new DeleteCommand({
        TableName: table(),
        Key: { pk: PK, sk: 'A' },
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': 'A' },
      }),
    );
    const { Responses } = await documentClient.send(
      new BatchGetCommand({
        RequestItems: {
          [table()]: {
            Keys: [
              { pk: PK, sk: 'A' },
              { pk: PK, sk: 'B' },
            ],
          },
        },
      }),
    );
    expect(Responses?.[table()]).toEqual([{ pk: PK, sk: 'B', holder: 'B' }]);
  });

  it('puts and deletes items in a batch, with every kind of value', async () => {
    await documentClient.send(new PutCommand({ TableName: table(), Item: { pk: PK, sk: 'OLD' } }));
    const { UnprocessedItems } = await documentClient.send(
      new BatchWriteCommand({
        RequestItems: {
          [table()]: [
            { PutRequest: { Item: { pk: PK, sk: 'A', record, gone: undefined } } },
            { PutRequest: { Item: { pk: PK, sk: 'B', record } } },
            { DeleteRequest: { Key: { pk: PK, sk: 'OLD' } } },
          ],
        },
      }),
    );
    expect(UnprocessedItems ?? {}).toEqual({});
    const page = await documentClient.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      }),
    );
    expect(page.Items).toEqual(['A', 'B'].map((sk) => ({ pk: PK, sk, record })));
  });
});

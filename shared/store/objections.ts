/**
 * The items behind a poster's objection that are not records: the objection code's lookup (by the
 * code's hash: the table never holds a usable code), the reference's lookup, and the public route's
 * rate counters. None holds the poster's words or contact; those live on the appeal record.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../runtime/config';
import { documentClient } from './client';
import { keys, type ItemKey } from './keys';

const tableName = (): string => config().tableName;

async function read<T>(key: ItemKey): Promise<T | undefined> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return result.Item as T | undefined;
}

export interface ObjectionCodeTarget {
  readonly orderId: string;
  readonly createdAt: string;
}

/** Stores where a new code leads, before any notice carries it (a code is random: never taken twice). */
export async function putObjectionCode(codeHash: string, target: ObjectionCodeTarget): Promise<void> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.objectionCode(codeHash), ...target },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // 120 random bits do not collide; the same put retried after its answer was lost does land here.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export const getObjectionCode = (codeHash: string) => read<ObjectionCodeTarget>(keys.objectionCode(codeHash));

export interface ObjectionReferenceTarget {
  readonly appealId: string;
  readonly orderId: string;
}

export async function putObjectionReference(reference: string, target: ObjectionReferenceTarget): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: { ...keys.objectionReference(reference), ...target } }));
}

export const getObjectionReference = (reference: string) => read<ObjectionReferenceTarget>(keys.objectionReference(reference));

/** Counts one request in its window and answers the window's count so far (this one included). */
export async function countRequest(scope: string, keyHash: string, windowStart: string): Promise<number> {
  const result = await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateCounter(scope, keyHash, windowStart),
      UpdateExpression: 'ADD requests :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.requests ?? 1);
}

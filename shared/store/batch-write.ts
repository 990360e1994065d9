/**
 * Writes of many items in few requests (BatchWriteItem, 25 puts a request), for items that are the
 * same whenever they are written, so a batch sent again changes nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { chunk } from '../domain/orders';
import { config } from '../runtime/config';
import { TransientError } from '../runtime/transient';
import { documentClient, type PlainWriteRequest } from './client';

/** BatchWriteItem's limit. */
export const BATCH_WRITE_LIMIT = 25;
/**
 * A batch's items DynamoDB left unprocessed (throttled) are sent again after growing pauses, this
 * many times in all, before the caller's own retry takes over.
 */
const BATCH_WRITE_ATTEMPTS = 5;
const UNPROCESSED_PAUSE_MS = 50;

/** Puts every item, 25 a request, sending again what DynamoDB leaves unprocessed; `what` names the items in the error. */
export async function putAll(items: readonly Record<string, unknown>[], what: string): Promise<void> {
  const table = config().tableName;
  for (const batch of chunk(items, BATCH_WRITE_LIMIT)) {
    let pending: PlainWriteRequest[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > BATCH_WRITE_ATTEMPTS) {
        throw new TransientError(`DynamoDB left ${pending.length} ${what} unwritten ${BATCH_WRITE_ATTEMPTS} times; try again`);
      }
      if (attempt > 1) await sleep(UNPROCESSED_PAUSE_MS * 2 ** (attempt - 2));
      const answer = await documentClient.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = answer.UnprocessedItems?.[table] ?? [];
    }
  }
}

interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the items handed in during one turn of the event loop and writes them together with
 * `write`, at most `limit` a call; each caller's promise settles as the write that carried its item
 * does. A process doing one thing at a time (a Lambda) writes one item a call, as it would alone;
 * one serving many cases at once (`npm start`) writes many.
 */
export function gatheredPerTurn<T>(limit: number, write: (items: readonly T[]) => Promise<void>): (item: T) => Promise<void> {
  let waiting: Waiting<T>[] = [];
  const writeWaiting = () => {
    const taken = waiting;
    waiting = [];
    for (const part of chunk(taken, limit)) {
      write(part.map(({ item }) => item)).then(
        () => {
          for (const { resolve } of part) resolve();
        },
        (error: unknown) => {
          for (const { reject } of part) reject(error);
        },
      );
    }
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(writeWaiting);
      waiting.push({ item, resolve, reject });
    });
}

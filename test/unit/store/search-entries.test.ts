/**
 * A case's search entries go in batches (BatchWriteItem), and DynamoDB may leave part of a batch
 * unprocessed when it throttles: those items are sent again until every entry is stored, and a
 * batch left unprocessed every time fails the call as transient, for the caller's retry.
 */
import type { BatchWriteItemCommandInput, BatchWriteItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../../../shared/runtime/config';
import { TransientError } from '../../../shared/runtime/transient';
import { documentClient } from '../../../shared/store/client';
import { casePartition } from '../../../shared/store/keys';
import { writeSearchEntries } from '../../../shared/store/search';
import { useWorld } from '../../support/world';

useWorld();
const CASE = { caseId: 'case-entries-1', createdAt: '2026-12-04T10:00:00.000Z' };
/** More than one batch's 25, so the entries take two requests. */
const FACETS = Array.from({ length: 30 }, (_, index) => `HOST#host-${index}.example`);
const PROBE = 'throttleBatches';

/** DynamoDB as it throttles: each of the first `times` BatchWriteItem requests stores only its first item. */
function throttleBatches(times: number): { requests: number[] } {
  const seen = { requests: [] as number[] };
  let throttled = 0;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      const input = args.input as BatchWriteItemCommandInput;
      const [table, writes = []] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      seen.requests.push(writes.length);
      if (table === undefined || throttled >= times || writes.length < 2) return next(args);
      throttled += 1;
      const [first, ...rest] = writes;
      const answer = await next({ ...args, input: { ...input, RequestItems: { [table]: [first] } } });
      (answer.output as BatchWriteItemCommandOutput).UnprocessedItems = { [table]: rest };
      return answer;
    },
    { step: 'initialize', name: PROBE },
  );
  return seen;
}

async function storedFacets(): Promise<string[]> {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :find)',
      ExpressionAttributeValues: { ':pk': casePartition(CASE.caseId), ':find': 'FIND#' },
      ConsistentRead: true,
    }),
  );
  return (page.Items ?? []).map((item) => String(item.gsi1pk).slice('FIND#'.length)).sort();
}

describe('search entries', () => {
  afterEach(() => {
    documentClient.middlewareStack.remove(PROBE);
  });

  it('are written 25 a request', async () => {
    const seen = throttleBatches(0);
    await writeSearchEntries(CASE, FACETS);
    expect(seen.requests.sort()).toEqual([25, 5]);
    expect(await storedFacets()).toEqual([...FACETS].sort());
  });

  it('left unprocessed are sent again until every one is stored', async () => {
    const seen = throttleBatches(3);
    await writeSearchEntries(CASE, FACETS);
    expect(seen.requests.length).toBe(5);
    expect(await storedFacets()).toEqual([...FACETS].sort());
  });

  it('left unprocessed every time fail the call as transient, having stored what was taken', async () => {
    throttleBatches(Number.POSITIVE_INFINITY);
    await expect(writeSearchEntries(CASE, FACETS.slice(0, 10))).rejects.toBeInstanceOf(TransientError);
    expect((await storedFacets()).length).toBe(5);
  });
});

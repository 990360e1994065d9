/**
 * One engine's figures for test/bench/store-engines.ts: the endpoint comes in
 * AWS_ENDPOINT_URL_DYNAMODB; the figures go out on stdout as JSON.
 */
import { performance } from 'node:perf_hooks';
import { ensureTable, localDynamoDbClient } from '../../infra/local/dynamodb';
import { caseDecider, type CaseCommand } from '../../shared/domain/deciders/case';
import { caseIdFrom, ulidFrom } from '../../shared/domain/ids';
import { policyById } from '../../shared/domain/policy';
import { documentClient } from '../../shared/store/client';
import { execute } from '../../shared/store/journal';
import { refs } from '../../shared/store/keys';
import { aCase } from '../support/records';
import { percentile } from './lib/stats';

const CASES = 300;
const IN_FLIGHT = 16;
const CONTENDED_ACTS = 64;
const policy = policyById('kr-kcsc');
const now = '2026-03-02T00:30:00.000Z';

Object.assign(process.env, {
  TABLE_NAME: 'store-engines',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
});

const caseIdOf = (index: number, batch: number) =>
  caseIdFrom(
    ulidFrom(
      Date.parse('2026-03-02T00:00:00.000Z') + batch,
      new Uint8Array(10).fill(index % 256).map((b, i) => (i === 0 ? Math.floor(index / 256) : b)),
    ),
  );

async function file(caseId: string): Promise<void> {
  await execute(caseDecider, refs.case(caseId), { type: 'FILE', record: aCase({ caseId }) }, { now, policy });
}

const approve = (caseId: string, by: string): Promise<unknown> =>
  execute(
    caseDecider,
    refs.case(caseId),
    { type: 'DECIDE_APPROVAL', identity: { userId: by, roles: ['staff'] }, decision: 'APPROVE' } satisfies CaseCommand,
    { now, policy },
  );

async function inFlight<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function main(): Promise<void> {
  await ensureTable(localDynamoDbClient(process.env.AWS_ENDPOINT_URL_DYNAMODB as string), 'store-engines');
  const sequential = Array.from({ length: CASES }, (_, i) => caseIdOf(i, 1));
  const parallel = Array.from({ length: CASES }, (_, i) => caseIdOf(i, 2));
  for (const caseId of [...sequential, ...parallel]) await file(caseId);

  const latencies: number[] = [];
  for (const caseId of sequential) {
    const started = performance.now();
    await approve(caseId, 'staff-lee');
    latencies.push(performance.now() - started);
  }

  let started = performance.now();
  await inFlight(parallel, IN_FLIGHT, (caseId) => approve(caseId, 'staff-lee'));
  const parallelSeconds = (performance.now() - started) / 1000;

  // One case, many writers: each act records a staff alert of its own (distinct event keys).
  const contended = caseIdOf(0, 3);
  await file(contended);
  // Each commit attempt is one PutItem: attempts beyond one per act are writers that lost a race.
  let commits = 0;
  // Added after the first calls: the client's cached handlers would not see it.
  documentClient.config.cacheMiddleware = false;
  documentClient.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'PutCommand' || context.commandName === 'PutItemCommand') commits += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCommits' },
  );
  started = performance.now();
  await inFlight(
    Array.from({ length: CONTENDED_ACTS }, (_, i) => i),
    IN_FLIGHT,
    async (i) => {
      await execute(
        caseDecider,
        refs.case(contended),
        { type: 'RECORD_STAFF_ALERT', eventKey: `alert-${i}`, messageId: `m-${i}`, sentAt: now },
        { now, policy },
      );
    },
  );
  const contendedSeconds = (performance.now() - started) / 1000;

  process.stdout.write(
    JSON.stringify({
      engine: process.env.ENGINE,
      sequentialP50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      sequentialP99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
      parallelActsPerSecond: Math.round(CASES / parallelSeconds),
      contendedActsPerSecond: Math.round(CONTENDED_ACTS / contendedSeconds),
      contendedRetriesPerAct: Math.round((commits / CONTENDED_ACTS - 1) * 100) / 100,
    }),
  );
}

await main();

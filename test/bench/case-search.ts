/**
 * Figure 8, search at volume: 10,000 cases planted straight into the local table (case items with
 * their search entries, as filing writes them), then the first page of `GET /cases` and of
 * filtered searches, each timed over HTTP. Goal: p50 and p99 under 50 ms.
 */
import { randomBytes } from 'node:crypto';
import { caseIdFrom, ulidFrom } from '../../shared/domain/ids';
import type { CaseRecord } from '../../shared/domain/model';
import { CATEGORIES } from '../../shared/domain/model';
import { caseFacets } from '../../shared/domain/search';
import { indexKeysOf } from '../../shared/store/indexes';
import { keys, searchEntryKey, searchPartition } from '../../shared/store/keys';
import { aCase } from '../support/records';
import { QUIET_POLICY, withStack, type Figure, type FigureResult } from './lib/figure';
import { distribution, inPool } from './lib/stats';
import { Api, Table } from './lib/system';

const CASES = 10_000;
const HOSTS = 100;
const ROUNDS = 100;
const PAGE = 50;
const FILED_FROM = Date.parse('2026-01-01T00:00:00.000Z');

function plantedCase(index: number): { record: CaseRecord; items: Record<string, unknown>[] } {
  const at = FILED_FROM + index * 60_000;
  const caseId = caseIdFrom(ulidFrom(at, randomBytes(10)));
  const host = `host-${index % HOSTS}.example`;
  const record = aCase({
    caseId,
    createdAt: new Date(at).toISOString(),
    category: CATEGORIES[index % CATEGORIES.length] as CaseRecord['category'],
    status: index % 10 === 0 ? 'CLOSED' : 'PENDING_APPROVAL',
    reporter: { kind: 'POLICE', reference: `POL-${index}` },
    urlCount: 1,
  });
  const urls = [{ url: `https://${host}/v/${index}`, host, operatorId: null }];
  const sortKey = `${record.createdAt}#${caseId}`;
  return {
    record,
    items: [
      {
        ...keys.case(caseId),
        record,
        version: 1,
        kind: 'case',
        lastEventAt: record.createdAt,
        ...indexKeysOf('case', record, record.createdAt),
      },
      ...caseFacets(record, urls).map((facet) => ({
        ...searchEntryKey(caseId, facet),
        gsi1pk: searchPartition(facet),
        gsi1sk: sortKey,
        caseId,
      })),
    ],
  };
}

export const figure: Figure = {
  run: () =>
    withStack({ policy: QUIET_POLICY }, async (stack): Promise<FigureResult> => {
      const api = new Api(stack);
      const table = new Table(stack);
      const planted = Array.from({ length: CASES }, (_, index) => plantedCase(index));
      const plantStarted = performance.now();
      const batches = Array.from({ length: Math.ceil(CASES / 100) }, (_, i) =>
        planted.slice(i * 100, (i + 1) * 100).flatMap((c) => c.items),
      );
      await inPool(batches, 8, (items) => table.putAll(items));
      const plantMs = performance.now() - plantStarted;
      console.error(`planted ${CASES} cases in ${Math.round(plantMs)} ms`);

      const searches: Record<string, string> = {
        firstPage: `/cases?limit=${PAGE}`,
        byHost: `/cases?host=host-7.example&limit=${PAGE}`,
        byStatus: `/cases?status=CLOSED&limit=${PAGE}`,
      };
      const timings: Record<string, ReturnType<typeof distribution>> = {};
      for (const [name, route] of Object.entries(searches)) {
        await api.request('staff-kim', 'GET', route);
        const samples: number[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          const started = performance.now();
          await api.request('staff-kim', 'GET', route);
          samples.push(performance.now() - started);
        }
        timings[name] = distribution(samples);
      }
      const line = (name: string) => `${name} p50 ${timings[name]?.p50} ms, p99 ${timings[name]?.p99} ms`;
      return {
        summary: `${CASES} cases: ${line('firstPage')}; by host ${line('byHost').slice('byHost '.length)}`,
        details: { cases: CASES, hosts: HOSTS, pageSize: PAGE, rounds: ROUNDS, plantMs: Math.round(plantMs), searches, timings },
        notes: [
          'Cases planted with BatchWriteItem, as filing writes them (case item and search entries), without workflows.',
          'Each search: one warm-up request, then requests one at a time; time from fetch to the parsed answer, token included.',
        ],
      };
    }),
};

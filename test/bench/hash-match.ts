/**
 * Figure 9, PDQ matching at volume: `POST /hashes/match`'s PDQ work against 1,000,000 listed
 * hashes, by the multi-index (shared/domain/pdq-index.ts) and by a linear scan over the same
 * words with the same queries, in this process (no stack: the figure is the index, not the API).
 * A call is 1,000 hashes: half near variants of listed hashes (0 to 31 bits flipped), half random.
 * The scan takes a thousand times the index's work, so it runs on the first call's first 100
 * queries, each timed alone by both; its call time is that sample's total times ten.
 * Memory is the heap and array-buffer growth from before the hashes were made to after the index
 * was built, so it counts the hashes themselves too.
 */
import { buildPdqIndex, PDQ_WORDS, type PdqMatch, scanPdq } from '../../shared/domain/pdq-index';
import { pdqVariant, randomPdqWords, seededRandom } from '../support/pdq';
import { ms, progress, type Figure, type FigureResult } from './lib/figure';
import { distribution } from './lib/stats';

const LISTED = 1_000_000;
const HASHES_PER_CALL = 1000;
const INDEX_CALLS = 20;
/** A scan takes milliseconds a query: the first call's first queries, timed one by one by both, compare them. */
const SCAN_QUERIES = 100;
const RADIUS = 31;

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function memory(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One call's queries: near variants of random listed hashes, and random hashes. */
function callQueries(listed: Uint32Array, random: () => number): Uint32Array[] {
  return Array.from({ length: HASHES_PER_CALL }, (_, index) => {
    if (index % 2 === 1) return randomPdqWords(1, random);
    const ordinal = Math.floor(random() * LISTED);
    return pdqVariant(listed.subarray(ordinal * PDQ_WORDS, (ordinal + 1) * PDQ_WORDS), Math.floor(random() * (RADIUS + 1)), random);
  });
}

function timed(queries: readonly Uint32Array[], search: (query: Uint32Array) => PdqMatch[]): { ms: number; answers: PdqMatch[][] } {
  const started = performance.now();
  const answers = queries.map(search);
  return { ms: performance.now() - started, answers };
}

export const figure: Figure = {
  run: async (): Promise<FigureResult> => {
    const random = seededRandom(20261202);
    collect();
    const before = memory();
    const listed = randomPdqWords(LISTED, random);
    const buildStarted = performance.now();
    const index = buildPdqIndex(listed);
    const buildMs = performance.now() - buildStarted;
    collect();
    const indexMemory = memory() - before;
    progress(`index of ${LISTED} hashes built in ${Math.round(buildMs)} ms, ${mib(indexMemory)} MiB`);

    const calls = Array.from({ length: INDEX_CALLS }, () => callQueries(listed, random));
    const indexRuns = calls.map((queries) => timed(queries, (query) => index.search(query, RADIUS)));
    const indexTimes = distribution(indexRuns.map((run) => run.ms));
    progress(`index: p50 ${indexTimes.p50} ms, p99 ${indexTimes.p99} ms a call`);

    const sample = calls[0]?.slice(0, SCAN_QUERIES) ?? [];
    const perQuery = (search: (query: Uint32Array) => PdqMatch[]) =>
      sample.map((query) => {
        const started = performance.now();
        const answer = search(query);
        return { ms: performance.now() - started, answer };
      });
    const indexSample = perQuery((query) => index.search(query, RADIUS));
    const scanSample = perQuery((query) => scanPdq(listed, query, RADIUS));
    const scanQuery = distribution(scanSample.map((run) => run.ms));
    const indexQuery = distribution(indexSample.map((run) => run.ms));
    const scanCallMs = (scanSample.reduce((sum, run) => sum + run.ms, 0) * HASHES_PER_CALL) / sample.length;
    progress(`scan: p50 ${scanQuery.p50} ms a query, about ${Math.round(scanCallMs)} ms a call`);
    const sameAnswers = scanSample.every((run, query) => JSON.stringify(run.answer) === JSON.stringify(indexSample[query]?.answer));
    const matched = indexRuns.flatMap((run) => run.answers).filter((answer) => answer.length > 0).length;

    return {
      summary:
        `index p50 ${ms(indexTimes.p50)}, p99 ${ms(indexTimes.p99)} a call of 1,000 hashes (${INDEX_CALLS} calls); ` +
        `linear scan about ${ms(scanCallMs)} a call (${SCAN_QUERIES} of the same queries timed: p50 ${scanQuery.p50} ms a query against the index's ${indexQuery.p50} ms${sameAnswers ? ', same answers' : ', ANSWERS DIFFER'}); ` +
        `index memory ${mib(indexMemory)} MiB (${mib(index.bytes)} MiB of typed arrays), built in ${ms(buildMs)}`,
      details: {
        listed: LISTED,
        hashesPerCall: HASHES_PER_CALL,
        radius: RADIUS,
        index: { callMs: indexTimes, buildMs: Math.round(buildMs), memoryMiB: mib(indexMemory), typedArrayMiB: mib(index.bytes) },
        sample: { queries: sample.length, indexQueryMs: indexQuery, scanQueryMs: scanQuery, scanCallMsEstimate: Math.round(scanCallMs) },
        sameAnswers,
        queriesMatched: matched,
        queries: INDEX_CALLS * HASHES_PER_CALL,
      },
      notes: [
        'In process, no stack: the PDQ work of POST /hashes/match; the API adds the version check (one GetItem) and JSON.',
        'Half the queries are variants of listed hashes within 31 bits (each matches), half random (none does).',
        'Memory: heapUsed + arrayBuffers growth from before the hashes were generated to after the index was built.',
      ],
    };
  },
};

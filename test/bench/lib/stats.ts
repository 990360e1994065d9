/** Small numeric helpers for the benchmark: percentiles by nearest rank, and a bounded worker pool. */

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (no interpolation): every value reported is one that was observed. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function distribution(values: readonly number[]): Distribution {
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    min: round(values.length === 0 ? Number.NaN : Math.min(...values)),
    max: round(values.length === 0 ? Number.NaN : Math.max(...values)),
    mean: round(values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length),
  };
}

/** Runs `work` over `items` with at most `concurrency` at once; results keep the items' order. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than `undefined`, at most until `timeoutMs`:
 * every wait in the benchmark is bounded, so a stack that never answers ends the figure, not the run.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}.`);
    await sleep(everyMs);
  }
}

/**
 * Preload for telling the runtime's memory apart under a figure: on SIGUSR2 it collects garbage
 * (twice, so that what is left is what something holds), appends `process.memoryUsage()` before
 * and after, and V8's heap spaces, as one JSON line to `mem-<pid>.jsonl` in HEAP_PROFILE_DIR, and
 * with HEAP_SNAPSHOT=1 writes a heap snapshot beside it (DevTools' Memory tab compares two).
 * RSS minus `heapTotal` is memory outside V8's heap. Usage in docs/benchmarks.md.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString, getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const dir = process.env.HEAP_PROFILE_DIR ?? process.cwd();
let sample = 0;

process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  collectGarbage();
  collectGarbage();
  const after = process.memoryUsage();
  const spaces = getHeapSpaceStatistics().map((space) => ({ name: space.space_name, size: space.space_size, used: space.space_used_size }));
  appendFileSync(path.join(dir, `mem-${process.pid}.jsonl`), `${JSON.stringify({ sample, before, after, spaces })}\n`);
  if (process.env.HEAP_SNAPSHOT === '1') writeHeapSnapshot(path.join(dir, `heap-${process.pid}-${sample}.heapsnapshot`));
  sample += 1;
});

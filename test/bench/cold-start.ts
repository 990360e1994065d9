/**
 * Cold start proxy: each Lambda bundled the way the CDK stack bundles it (esbuild, minified, ESM,
 * node22 target), its size, and how long a fresh Node process takes to import it. Import time is
 * most of a Node Lambda's init phase; the bundle size drives the rest.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { apiFunctions, scheduledFunctions, workflowFunctions } from '../../infra/functions';
import { ms, type Figure, type FigureResult } from './lib/figure';

export interface BundleFigure {
  name: string;
  bytes: number;
  gzipBytes: number;
  importMsMedian: number;
}

const IMPORT_RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function entries(): { name: string; entry: string }[] {
  return [
    ...apiFunctions.map((fn) => ({ name: fn.name, entry: fn.entry })),
    ...Object.entries(workflowFunctions).map(([name, entry]) => ({ name, entry })),
    ...scheduledFunctions.map((fn) => ({ name: fn.name, entry: fn.entry })),
  ];
}

/** Times `import()` of the bundle inside a fresh process, so Node's own start-up is not in the figure. */
function importMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'us-east-1' },
  });
  return Number(output.toString());
}

export async function measureColdStarts(): Promise<BundleFigure[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'ud-bundles-'));
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
  const functions = entries();
  // One esbuild run for all the bundles: each is still bundled on its own, as the stack does.
  await build({
    entryPoints: Object.fromEntries(functions.map(({ name, entry }) => [name, entry])),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    // Lambda's ESM needs require() for the CommonJS inside the AWS SDK.
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
  const figures: BundleFigure[] = [];
  for (const { name } of functions) {
    const outfile = join(outDir, `${name}.mjs`);
    const times = Array.from({ length: IMPORT_RUNS }, () => importMs(outfile));
    figures.push({
      name,
      bytes: statSync(outfile).size,
      gzipBytes: gzipSync(readFileSync(outfile)).length,
      importMsMedian: Math.round(median(times) * 10) / 10,
    });
  }
  rmSync(outDir, { recursive: true, force: true });
  return figures;
}

const kib = (bytes: number): string => (bytes < 10_240 ? `${bytes} B` : `${Math.round(bytes / 1024)} KiB`);

export const figure: Figure = {
  run: async (): Promise<FigureResult> => {
    const bundles = await measureColdStarts();
    const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const slowest = bundles.reduce((a, b) => (b.importMsMedian > a.importMsMedian ? b : a));
    const fastest = bundles.reduce((a, b) => (b.importMsMedian < a.importMsMedian ? b : a));
    return {
      summary:
        `${bundles.length} bundles, ${kib(Math.min(...bundles.map((b) => b.bytes)))}–${kib(largest.bytes)} (largest ${largest.name}); ` +
        `import ${ms(fastest.importMsMedian)}–${ms(slowest.importMsMedian)} (slowest ${slowest.name})`,
      details: { importRuns: IMPORT_RUNS, bundles },
      notes: [
        'Bundled as the CDK stack bundles (esbuild, minified ESM, node22 target, AWS SDK included); import time is the median of fresh Node processes, measured inside each process.',
        "A proxy for Lambda's init phase on this machine, not Lambda's own numbers: Lambda adds its runtime start and the download of the package.",
      ],
    };
  },
};

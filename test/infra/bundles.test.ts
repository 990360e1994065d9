import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { everyFunction } from '../../infra/functions';

const entries = everyFunction().map((fn) => fn.entry);

describe('Lambda bundles', () => {
  it('bundles every handler of the manifest for Lambda (ESM, Node) with every import resolved', async () => {
    // Act: one esbuild run over all entries, as the stack's NodejsFunction bundles each of them.
    const result = await build({
      entryPoints: entries,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      outdir: '/virtual',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });

    // Assess: no error, one output per entry, each exporting `handler`.
    expect(result.errors).toEqual([]);
    const outputs = Object.values(result.metafile.outputs).filter((output) => output.entryPoint);
    expect(outputs.map((output) => output.entryPoint).sort()).toEqual([...entries].sort());
    for (const output of outputs) expect(output.exports, output.entryPoint).toContain('handler');
  });
});

/**
 * What the browser downloads: the web UI's entry bundled as Vite would, through esbuild's
 * metafile. The Korean holiday calendar (date-holidays, about 1.3 MB) is for the Civil Act day
 * count on the server; a web import of a module that needs it (deadlines.ts, votes.ts) once grew
 * the bundle from ~59 KB to ~1.5 MB gzipped-and-not without any test noticing. Node built-ins have
 * no place in a browser either.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** The files and packages the web UI's bundle is made of, and the Node built-ins it imports. */
async function webBundle(): Promise<{ inputs: string[]; builtinsImported: string[] }> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: ['web/src/main.tsx'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // A built-in stays an import in the metafile instead of failing the build, so the test names it.
    external: NODE_BUILTINS,
    loader: { '.css': 'empty', '.woff2': 'empty', '.svg': 'empty', '.png': 'empty' },
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  const builtinsImported = Object.values(metafile.inputs).flatMap((input) =>
    input.imports.filter((imported) => imported.external && NODE_BUILTINS.includes(imported.path)).map((imported) => imported.path),
  );
  return { inputs: Object.keys(metafile.inputs), builtinsImported };
}

describe('the web UI bundle', () => {
  it('carries neither the holiday calendar nor a Node built-in', async () => {
    // Given the web UI's entry point
    // When it is bundled for the browser
    const { inputs, builtinsImported } = await webBundle();
    // Then the graph is the real one: the vote tally screen and preact are in it
    expect(inputs).toContain('web/src/components/ReviewTally.tsx');
    expect(inputs.some((file) => file.includes('node_modules/preact/'))).toBe(true);
    // And no file of date-holidays (nor of its own dependencies) and no Node built-in is
    expect(inputs.filter((file) => /node_modules\/(?:date-holidays|date-holidays-parser|astronomia|caldate)\//.test(file))).toEqual([]);
    expect(builtinsImported).toEqual([]);
  });
});

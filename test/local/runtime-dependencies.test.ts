/**
 * `npm ci --omit=dev && npm start` must work: every package that npm start loads is a runtime
 * dependency in package.json. What it loads, found by esbuild from the files themselves: the
 * launcher that builds the runtime (infra/local/start.mjs), infra/local/main.ts, the DynamoDB process it starts, every handler of the function manifest
 * (loaded by `import()` of a computed path, which esbuild cannot follow from main.ts), and the web UI build it runs (web/vite.config.ts
 * and the UI's sources). Each runtime dependency is also explained in the README.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { runtimeEntries } from '../../infra/local/runtime-build.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The packages (not Node built-ins, not repository files) that these entry points import. */
async function packagesImportedBy(entryPoints: string[]): Promise<Map<string, Set<string>>> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  const builtins = new Set(builtinModules);
  const packages = new Map<string, Set<string>>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || /^[./]/.test(imported.path)) continue; // a repository file
      if (imported.path.startsWith('node:') || builtins.has(imported.path.split('/')[0]!)) continue;
      const name = packageName(imported.path);
      packages.set(name, (packages.get(name) ?? new Set()).add(file));
    }
  }
  return packages;
}

/** The launcher, and what it builds: entries started by path or `import()`ed by name, which esbuild cannot follow. */
const START_ENTRIES = ['infra/local/start.mjs', ...runtimeEntries(ROOT)];
const WEB_BUILD_ENTRIES = ['web/vite.config.ts', 'web/src/main.tsx'];

describe('runtime dependencies', () => {
  it('include every package that npm start and the web UI build it runs import', async () => {
    const imported = await packagesImportedBy([...START_ENTRIES, ...WEB_BUILD_ENTRIES]);
    // The graph is real: the local runtime, a handler and the UI build are all in it.
    expect([...imported.keys()]).toEqual(expect.arrayContaining(['dynalite', '@aws-sdk/client-dynamodb', 'vite', 'preact']));
    const missing = [...imported]
      .filter(([name]) => manifest.dependencies[name] === undefined)
      .map(
        ([name, files]) =>
          `${name} (${manifest.devDependencies[name] === undefined ? 'not in package.json' : 'a devDependency'}; imported by ${[...files].slice(0, 3).join(', ')})`,
      );
    expect(missing, 'move these to "dependencies"').toEqual([]);
  }, 60_000);

  it('are each explained in the README', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Dependencies and why each is there'));
    const runtime = section.slice(0, section.indexOf('Development:'));
    const unexplained = Object.keys(manifest.dependencies).filter((name) => !runtime.includes(`\`${name}\``));
    expect(unexplained).toEqual([]);
  });
});

describe('packageName', () => {
  it.each([
    ['@aws-sdk/client-dynamodb', '@aws-sdk/client-dynamodb'],
    ['@fontsource-variable/noto-sans-kr/wght.css', '@fontsource-variable/noto-sans-kr'],
    ['preact/jsx-runtime', 'preact'],
    ['zod', 'zod'],
  ])('%s → %s', (specifier, name) => expect(packageName(specifier)).toBe(name));
});

// @ts-check
/**
 * The one-machine runtime as `npm start` runs it: its own code (infra/local/main.ts, the DynamoDB
 * process and every handler under functions/) bundled by esbuild into plain JavaScript, the packages
 * left for Node to load from node_modules. Loading the TypeScript sources through tsx's hooks made a
 * start some 0.75 s slower (2.3 s against 1.5 s; docs/benchmarks.md, "The runtime runs from a
 * build"); the build adds some 0.4 s, and only when a file it read has changed, as build tools keep
 * their caches.
 *
 * Plain JavaScript, not TypeScript: it is what runs before anything can load TypeScript.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Entry points started by path, which no import leads esbuild to. */
const STARTED_BY_PATH = ['infra/local/main.ts', 'infra/local/dynamodb/process.ts'];
/** Read by esbuild for every file though no import names them, and the versions of esbuild and the packages. */
const BUILD_SETTINGS = ['tsconfig.json', 'package.json', 'package-lock.json'];
/**
 * Older builds are removed after this: a runtime started from one loads its handlers on first use,
 * so a build still in use (a long demo while the code changed) must outlive the next build.
 */
const OLD_BUILD_MS = 7 * 24 * 3600 * 1000;

/**
 * The build's entry points, as paths from the repository's root: the runtime, the DynamoDB
 * process, and every TypeScript file under functions/ (the manifest's handlers are loaded by
 * `import()` of a computed path, which esbuild cannot follow).
 * @param {string} rootDir
 * @returns {string[]}
 */
export function runtimeEntries(rootDir) {
  const handlers = readdirSync(path.join(rootDir, 'functions'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.posix.join('functions', file.split(path.sep).join('/')))
    .sort();
  return [...STARTED_BY_PATH, ...handlers];
}

/**
 * Each file read, by its modification time and size; `null` for a settings file that was absent.
 * @typedef {{ outDir: string; entries: string[]; launcher: number; inputs: Record<string, [number, number] | null> }} Stamp
 */

/** Where the builds are kept, beside other tools' caches. @param {string} rootDir */
function cacheDirOf(rootDir) {
  return path.join(rootDir, 'node_modules', '.cache', 'urgent-deliberation', 'runtime');
}

/** @param {string} file @returns {[number, number] | undefined} */
function statOf(file) {
  try {
    const stat = statSync(file);
    return [stat.mtimeMs, stat.size];
  } catch {
    return undefined;
  }
}

/**
 * The last build, if every file it read is as it was then.
 * @param {string} rootDir @param {string[]} entries @returns {string | undefined}
 */
function currentBuild(rootDir, entries) {
  /** @type {Stamp} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(cacheDirOf(rootDir), 'stamp.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (stamp.launcher !== statOf(fileURLToPath(import.meta.url))?.[0]) return undefined;
  if (stamp.entries.join('\n') !== entries.join('\n')) return undefined;
  if (!existsSync(path.join(stamp.outDir, 'infra', 'local', 'main.js'))) return undefined;
  for (const [file, then] of Object.entries(stamp.inputs)) {
    const now = statOf(path.join(rootDir, file));
    if (now?.[0] !== then?.[0] || now?.[1] !== then?.[1]) return undefined;
  }
  return stamp.outDir;
}

/**
 * The directory of an up-to-date build of the runtime: the last one if nothing changed, else a new
 * one. Each build has a directory of its own, so two starts at once (the tests' stacks) never read
 * a build half written; the stamp naming the newest is replaced in one rename.
 * @param {string} [rootDir] @returns {Promise<string>}
 */
export async function builtRuntime(rootDir = ROOT_DIR) {
  const entries = runtimeEntries(rootDir);
  const reused = currentBuild(rootDir, entries);
  if (reused !== undefined) return reused;

  // Loaded only to build: importing esbuild costs some 70 ms of a start that reuses the build.
  const { build, stop } = await import('esbuild');
  const cacheDir = cacheDirOf(rootDir);
  mkdirSync(cacheDir, { recursive: true });
  const outDir = path.join(cacheDir, `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let metafile;
  try {
    ({ metafile } = await build({
      absWorkingDir: rootDir,
      entryPoints: entries,
      outbase: '.',
      outdir: outDir,
      bundle: true,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'error',
      // infra/local/layout.ts reads where the build is, since a bundle's import.meta.url is its chunk's.
      define: { LOCAL_RUNTIME_BUILD: JSON.stringify({ rootDir, outDir }) },
    }));
  } finally {
    // esbuild's service process would otherwise live as long as the runtime, for nothing.
    await stop();
  }
  /** @type {Stamp['inputs']} */
  const inputs = {};
  for (const file of [...Object.keys(metafile.inputs), ...BUILD_SETTINGS]) inputs[file] = statOf(path.join(rootDir, file)) ?? null;
  /** @type {Stamp} */
  const stamp = { outDir, entries, launcher: statOf(fileURLToPath(import.meta.url))?.[0] ?? 0, inputs };
  const stampFile = path.join(cacheDir, 'stamp.json');
  const pending = `${stampFile}.${process.pid}`;
  writeFileSync(pending, JSON.stringify(stamp));
  renameSync(pending, stampFile);
  removeOldBuilds(cacheDir, outDir);
  return outDir;
}

/** @param {string} cacheDir @param {string} keep */
function removeOldBuilds(cacheDir, keep) {
  for (const name of readdirSync(cacheDir)) {
    const dir = path.join(cacheDir, name);
    if (dir === keep || name === 'stamp.json') continue;
    const stat = statOf(dir);
    if (stat !== undefined && Date.now() - stat[0] > OLD_BUILD_MS) rmSync(dir, { recursive: true, force: true });
  }
}

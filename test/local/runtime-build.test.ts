/**
 * `npm start` runs an esbuild build of the runtime (infra/local/runtime-build.mjs): it must hold
 * every handler, be built again when any file it read changes and only then, and tell the built
 * code where the repository and each handler's module are. Built here in scratch repositories,
 * whose sources import nothing from node_modules.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestFunctions } from '../../infra/local/lambda';
import { builtRuntime, ROOT_DIR, runtimeEntries } from '../../infra/local/runtime-build.mjs';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'ud-runtime-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let repositories = 0;
/** A repository with the runtime's two entries and one handler that imports a shared file. */
function scratchRepository(): string {
  repositories += 1;
  const root = path.join(scratch, `r${repositories}`);
  const files: Record<string, string> = {
    'package.json': '{ "type": "module" }',
    'tsconfig.json': '{}',
    'infra/local/main.ts': 'export const main = true;',
    'infra/local/dynamodb/process.ts': 'export const process = true;',
    'shared/answer.ts': 'export const answer: number = 41;',
    'functions/api/answer.ts': "export { answer } from '../../shared/answer';",
    // The real layout module, so the build's answer about itself is the one the runtime gets.
    'functions/api/where.ts': `export { ROOT_DIR, runtimeModulePath } from ${JSON.stringify(path.join(ROOT_DIR, 'infra/local/layout.ts'))};`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** The build directory a separate Node process gets, as a second `npm start` would. */
async function builtInAnotherProcess(root: string): Promise<string> {
  const script = `const { builtRuntime } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT_DIR, 'infra/local/runtime-build.mjs')).href)});
    console.log(await builtRuntime(${JSON.stringify(root)}));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
  return stdout.trim();
}

async function importBuilt<T>(outDir: string, source: string): Promise<T> {
  // A query per import: Node caches a module by URL, and a rebuilt file may reuse a path.
  return (await import(`${pathToFileURL(path.join(outDir, source.replace(/\.ts$/, '.js'))).href}?${Math.random()}`)) as T;
}

describe("npm start's build of the runtime", () => {
  it('holds every handler of the function manifest', () => {
    // Given the repository's entries, Then every function's entry is built
    const entries = runtimeEntries(ROOT_DIR);
    const missing = [...manifestFunctions().values()].filter((entry) => !entries.includes(entry));
    expect(missing).toEqual([]);
    expect(entries).toEqual(expect.arrayContaining(['infra/local/main.ts', 'infra/local/dynamodb/process.ts']));
  });

  it('is reused while nothing it read changed, and built again when a file it imported did', async () => {
    // Given a build
    const root = scratchRepository();
    const first = await builtRuntime(root);
    expect((await importBuilt<{ answer: number }>(first, 'functions/api/answer.ts')).answer).toBe(41);

    // When started again with nothing changed, Then the same build runs
    expect(await builtRuntime(root)).toBe(first);

    // When a file imported by a handler changes (same size, a later time)
    writeFileSync(path.join(root, 'shared/answer.ts'), 'export const answer: number = 42;');
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(root, 'shared/answer.ts'), later, later);
    const second = await builtRuntime(root);

    // Then a new build runs the new code, and the first is still there for a runtime running it
    expect(second).not.toBe(first);
    expect((await importBuilt<{ answer: number }>(second, 'functions/api/answer.ts')).answer).toBe(42);
    expect((await importBuilt<{ answer: number }>(first, 'functions/api/answer.ts')).answer).toBe(41);
  });

  it('is built again for a new handler file and for a changed package-lock.json', async () => {
    // Given a build
    const root = scratchRepository();
    const first = await builtRuntime(root);

    // When a handler is added, Then it is in a new build
    writeFileSync(path.join(root, 'functions/api/more.ts'), 'export const more = 1;');
    const second = await builtRuntime(root);
    expect(second).not.toBe(first);
    expect((await importBuilt<{ more: number }>(second, 'functions/api/more.ts')).more).toBe(1);

    // When the packages change, Then the next start builds again
    writeFileSync(path.join(root, 'package-lock.json'), '{}');
    expect(await builtRuntime(root)).not.toBe(second);
  });

  it('tells the built code where the repository and each module of the build are', async () => {
    // Given a build
    const root = scratchRepository();
    const outDir = await builtRuntime(root);

    // When the layout module runs from it
    const layout = await importBuilt<{ ROOT_DIR: string; runtimeModulePath(source: string): string }>(outDir, 'functions/api/where.ts');

    // Then it names the repository, and the build's module for a source, not the chunk it runs in
    expect(layout.ROOT_DIR).toBe(root);
    expect(layout.runtimeModulePath('infra/local/dynamodb/process.ts')).toBe(path.join(outDir, 'infra/local/dynamodb/process.js'));
    expect(readFileSync(layout.runtimeModulePath('functions/api/answer.ts'), 'utf8')).toContain('41');
  });

  it('gives two starts at once each a whole build', async () => {
    // Given a repository never built, When two processes start at once (a process builds once)
    const root = scratchRepository();
    const [one, other] = await Promise.all([builtInAnotherProcess(root), builtInAnotherProcess(root)]);

    // Then each runs a complete build, and the next start reuses one of them
    for (const outDir of [one, other]) {
      expect((await importBuilt<{ answer: number }>(outDir, 'functions/api/answer.ts')).answer).toBe(41);
    }
    expect([one, other]).toContain(await builtRuntime(root));
  });

  it('refuses a source that does not compile and keeps the last build', async () => {
    // Given a build
    const root = scratchRepository();
    const first = await builtRuntime(root);

    // When a handler no longer compiles
    writeFileSync(path.join(root, 'functions/api/answer.ts'), 'export const = ;');
    await expect(builtRuntime(root)).rejects.toThrow(/Build failed/);

    // Then, once it is mended, the build runs the mended code, and the failed attempt left no stamp
    writeFileSync(path.join(root, 'functions/api/answer.ts'), 'export const answer = 43;');
    const mended = await builtRuntime(root);
    expect(mended).not.toBe(first);
    expect((await importBuilt<{ answer: number }>(mended, 'functions/api/answer.ts')).answer).toBe(43);
  });
});

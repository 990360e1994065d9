import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The folders whose files run longest, longest first: fault sweeps (minutes a file), then whole local stacks. */
const SLOW_FOLDERS = ['test/faults/', 'test/e2e/', 'test/browser/'];

/**
 * Slow folders' files first, each group in vitest's own order. Without a cache of past durations
 * (a fresh clone) vitest starts the largest files first, and size says little here: a three-line
 * file runs a share of the fault sweeps for minutes. Started last, one such file keeps one fork busy
 * while the other has finished; started first, the two forks end together.
 */
class SlowFoldersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const folder = SLOW_FOLDERS.findIndex((prefix) => file.moduleId.includes(`/${prefix}`));
      return folder === -1 ? SLOW_FOLDERS.length : folder;
    };
    // Array.prototype.sort is stable: within a folder, vitest's order (cached durations, else size) stands.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * The folders whose files share one import of the code per fork (vitest's `isolate: false`): each
 * file importing the product, the SDK and the test world afresh cost some 150 s of a 900-s run.
 * Their tests start from a world of their own (test/support/world.ts: a table never used before, so
 * nothing the product keeps per table carries over), and mock no module. The state machine, local
 * engine, e2e and browser files set up servers and the environment the product's clients are built
 * from, and keep their own imports.
 */
const SHARED_IMPORT_FOLDERS = ['test/unit', 'test/faults', 'test/infra', 'test/bench'];

function testFilesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join(folder, file));
}

/**
 * A file that mocks a module (`vi.mock`) needs that module imported afresh under its mock: once
 * another file of the fork has imported it, the mock would not take. Found by reading the files, so
 * that a new one cannot slip into the shared imports.
 */
const mocksAModule = (file: string) => readFileSync(file, 'utf8').includes('vi.mock(');
const sharedImports = SHARED_IMPORT_FOLDERS.flatMap(testFilesUnder).filter((file) => !mocksAModule(file));

export default defineConfig({
  test: {
    setupFiles: ['test/setup/polyfills.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A poll waits for a whole local stack that shares two cores with the other fork: an act that
    // takes a second and a half under the suite's load is not a failure. A wrong value still fails
    // the poll, only later.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Two cores: the e2e and browser suites each start a whole local stack.
    maxWorkers: 2,
    sequence: { sequencer: SlowFoldersFirst },
    projects: [
      { extends: true, test: { name: 'shared-imports', include: sharedImports, isolate: false } },
      { extends: true, test: { name: 'own-imports', include: ['test/**/*.test.ts'], exclude: sharedImports } },
    ],
  },
});

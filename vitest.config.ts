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

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/polyfills.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: the e2e and browser suites each start a whole local stack.
    maxWorkers: 2,
    sequence: { sequencer: SlowFoldersFirst },
  },
});

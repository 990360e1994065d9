/**
 * Tests run as `npm start`'s process, the table's only writer (`SINGLE_WRITER_PROCESS`): its acts
 * start from what it remembers of a case, and some reads are answered from memory
 * (shared/store/journal.ts). The setting is put back after, so that other tests run as Lambda does.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { resetConfigForTests } from '../../shared/runtime/config';

/** In the enclosing suite, for each test (`each`) or around them all (`all`). */
export function asTheTablesOnlyWriter(scope: 'each' | 'all' = 'each'): void {
  const [before, after] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => {
    process.env.SINGLE_WRITER_PROCESS = 'true';
    resetConfigForTests();
  });
  after(() => {
    delete process.env.SINGLE_WRITER_PROCESS;
    resetConfigForTests();
  });
}

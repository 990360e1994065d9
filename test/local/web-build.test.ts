import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { viteCli, webBuildNeeded } from '../../infra/local/web';

const root = mkdtempSync(path.join(os.tmpdir(), 'ud-webbuild-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(file: string, secondsAgo: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  const at = new Date(Date.UTC(2026, 0, 1) - secondsAgo * 1000);
  utimesSync(file, at, at);
}

describe('web UI build check', () => {
  it.each([
    ['no build yet', { source: 100, built: undefined }, true],
    ['a source newer than the build', { source: 10, built: 100 }, true],
    ['a build newer than every source', { source: 100, built: 10 }, false],
  ])('%s → build needed: %s', (label, times, needed) => {
    const dir = path.join(root, label.replace(/\W+/g, '-'));
    touch(path.join(dir, 'web', 'src', 'pages', 'page.tsx'), times.source);
    touch(path.join(dir, 'web', 'index.html'), 1000);
    touch(path.join(dir, 'web', 'vite.config.ts'), 1000);
    if (times.built !== undefined) touch(path.join(dir, 'web', 'dist', 'index.html'), times.built);
    // Directories get "now" as mtime when files are created in them; age them with the sources.
    for (const sub of ['web/src/pages', 'web/src', 'web']) {
      const at = new Date(Date.UTC(2026, 0, 1) - 1000 * 1000);
      utimesSync(path.join(dir, sub), at, at);
    }
    expect(webBuildNeeded(dir)).toBe(needed);
  });

  it("finds the project's own vite, and says when there is none instead of reaching for npx", () => {
    const own = viteCli(path.resolve(import.meta.dirname, '..', '..'));
    expect(own).toMatch(/node_modules\/vite\/bin\/vite\.js$/);
    expect(existsSync(own!)).toBe(true);
    expect(viteCli(root)).toBeUndefined();
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { buildWebOnce, viteCli, webBuildNeeded } from '../../infra/local/web';

const root = mkdtempSync(path.join(os.tmpdir(), 'ud-webbuild-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(file: string, secondsAgo: number, content = ''): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
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

  it('builds once for starts made together, and web/dist never goes missing while it builds', async () => {
    // Arrange: a build from before a source changed, being served.
    const dir = path.join(root, 'together');
    touch(path.join(dir, 'web', 'dist', 'index.html'), 100, 'old');
    touch(path.join(dir, 'web', 'src', 'main.tsx'), 0);
    let builds = 0;
    const slowBuild = async (outDir: string) => {
      builds += 1;
      mkdirSync(outDir, { recursive: true });
      await delay(300);
      writeFileSync(path.join(outDir, 'index.html'), 'new');
      return true;
    };
    let missing = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        if (!existsSync(path.join(dir, 'web', 'dist', 'index.html'))) missing += 1;
        await delay(1);
      }
    })();

    // Act: three starts at once.
    const logs: string[] = [];
    await Promise.all([1, 2, 3].map(() => buildWebOnce(dir, slowBuild, (message) => logs.push(message))));
    watching = false;
    await watch;

    // Assert
    expect(builds).toBe(1);
    expect(logs.filter((line) => line.startsWith('Building'))).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'web', 'dist', 'index.html'), 'utf8')).toBe('new');
    expect(missing).toBe(0);
    expect(existsSync(path.join(dir, 'web', '.build-lock'))).toBe(false);
  });

  it('takes over the lock of a start that died while building', async () => {
    const dir = path.join(root, 'died');
    touch(path.join(dir, 'web', 'src', 'main.tsx'), 0);
    mkdirSync(path.join(dir, 'web', '.build-lock'));
    // A pid no process has: the kernel's limit is far below it.
    writeFileSync(path.join(dir, 'web', '.build-lock', 'pid'), '999999999');
    const build = async (outDir: string) => {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path.join(outDir, 'index.html'), 'built');
      return true;
    };
    await buildWebOnce(dir, build, () => {});
    expect(readFileSync(path.join(dir, 'web', 'dist', 'index.html'), 'utf8')).toBe('built');
  });

  it('keeps the last build when a build fails', async () => {
    const dir = path.join(root, 'fails');
    touch(path.join(dir, 'web', 'dist', 'index.html'), 100, 'last');
    touch(path.join(dir, 'web', 'src', 'main.tsx'), 0);
    const logs: string[] = [];
    await buildWebOnce(
      dir,
      async () => false,
      (message) => logs.push(message),
    );
    expect(readFileSync(path.join(dir, 'web', 'dist', 'index.html'), 'utf8')).toBe('last');
    expect(logs.at(-1)).toMatch(/build failed/);
  });
});

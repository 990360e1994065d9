/**
 * Builds the web UI before serving it when web/dist is missing or older than its sources, so that
 * `npm start` after a pull shows the current screens. The build's inputs (vite, its Preact preset,
 * preact, the font) are runtime dependencies: `npm ci --omit=dev && npm start` builds the UI too.
 * A missing or failing build only warns: the API works without the UI.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function webBuildNeeded(rootDir: string): boolean {
  const built = path.join(rootDir, 'web', 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(rootDir, 'web', 'src')),
    newestMtime(path.join(rootDir, 'web', 'index.html')),
    newestMtime(path.join(rootDir, 'web', 'vite.config.ts')),
    newestMtime(path.join(rootDir, 'web', 'font.ts')),
  );
  return sources > statSync(built).mtimeMs;
}

/** vite's command-line script in rootDir's node_modules, or undefined when vite is not installed. */
export function viteCli(rootDir: string): string | undefined {
  try {
    const manifest = createRequire(path.join(rootDir, 'package.json')).resolve('vite/package.json');
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: { vite?: string } };
    return bin?.vite === undefined ? undefined : path.join(path.dirname(manifest), bin.vite);
  } catch {
    return undefined;
  }
}

export async function ensureWebBuilt(rootDir: string, log: (message: string) => void): Promise<void> {
  if (!existsSync(path.join(rootDir, 'web', 'vite.config.ts'))) {
    log('warning: web/vite.config.ts does not exist yet; serving the API without the web UI.');
    return;
  }
  if (!webBuildNeeded(rootDir)) return;
  // The project's own vite, never `npx vite`: npx would download one from the registry.
  const vite = viteCli(rootDir);
  if (vite === undefined) {
    const last = existsSync(path.join(rootDir, 'web', 'dist', 'index.html')) ? 'and the last build of the UI' : 'without the web UI';
    log(`warning: vite is not installed (run npm ci), so the web UI cannot be built; serving the API ${last}.`);
    return;
  }
  log('Building the web UI (web/dist is missing or older than web/src)...');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: rootDir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', () => resolve(null));
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) log('warning: the web UI build failed (see above); serving the API, and the last build of the UI if any.');
}

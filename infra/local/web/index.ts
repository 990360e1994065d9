/**
 * Builds the web UI before serving it when web/dist is missing or older than its sources, so that
 * `npm start` after a pull shows the current screens. A missing or failing build only warns: the
 * API works without the UI.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
  );
  return sources > statSync(built).mtimeMs;
}

export async function ensureWebBuilt(rootDir: string, log: (message: string) => void): Promise<void> {
  if (!existsSync(path.join(rootDir, 'web', 'vite.config.ts'))) {
    log('warning: web/vite.config.ts does not exist yet; serving the API without the web UI.');
    return;
  }
  if (!webBuildNeeded(rootDir)) return;
  log('Building the web UI (web/dist is missing or older than web/src)...');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: rootDir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', () => resolve(null));
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) log('warning: the web UI build failed (see above); serving the API, and the last build of the UI if any.');
}

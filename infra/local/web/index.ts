/**
 * Builds the web UI before serving it when web/dist is missing or older than its sources, so that
 * `npm start` after a pull shows the current screens. The build's inputs (vite, its Preact preset,
 * preact, the font) are runtime dependencies: `npm ci --omit=dev && npm start` builds the UI too.
 * A missing or failing build only warns: the API works without the UI.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

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

/** How long a start waits for another process's build of the UI before building itself. */
const BUILD_WAIT_MS = 5 * 60_000;

function ownerAlive(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process lives under another user. A lock without a pid file is one being made.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EPERM' || (code === 'ENOENT' && existsSync(lockDir));
  }
}

/**
 * Runs `build` into a fresh folder and swaps it in for web/dist, one process at a time. Several
 * starts at once (test files in parallel, two terminals) otherwise build into the same folder,
 * each emptying it while another already serves it: pages then answer 404 until the last ends.
 * A waiting start checks again once the lock is free: the build it waited for is usually enough.
 */
export async function buildWebOnce(
  rootDir: string,
  build: (outDir: string) => Promise<boolean>,
  log: (message: string) => void,
): Promise<void> {
  const webDir = path.join(rootDir, 'web');
  const lockDir = path.join(webDir, '.build-lock');
  const deadline = Date.now() + BUILD_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive(lockDir) || Date.now() > deadline) rmSync(lockDir, { recursive: true, force: true });
      else await delay(200);
    }
  }
  try {
    writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
    if (!webBuildNeeded(rootDir)) return;
    log('Building the web UI (web/dist is missing or older than web/src)...');
    const fresh = path.join(webDir, `.dist-${process.pid}`);
    rmSync(fresh, { recursive: true, force: true });
    if (!(await build(fresh))) {
      rmSync(fresh, { recursive: true, force: true });
      log('warning: the web UI build failed (see above); serving the API, and the last build of the UI if any.');
      return;
    }
    // Two renames: a server reading web/dist misses it only between them, never for a whole build.
    const old = path.join(webDir, `.dist-old-${process.pid}`);
    const dist = path.join(webDir, 'dist');
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(fresh, dist);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
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
  const viteBuild = (outDir: string) =>
    new Promise<boolean>((resolve) => {
      const args = [vite, 'build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
      const child = spawn(process.execPath, args, { cwd: rootDir, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', () => resolve(false));
      child.on('exit', (exitCode) => resolve(exitCode === 0));
    });
  await buildWebOnce(rootDir, viteBuild, log);
}

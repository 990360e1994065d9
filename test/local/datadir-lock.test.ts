/**
 * The DATA_DIR lock against real processes: a holder killed with SIGKILL, left as an unreaped
 * zombie (as the runtime is after `kill -9` of its tsx wrapper, until someone reaps it), must not
 * keep the next start out; a live holder must.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockAddress, lockDataDir } from '../../infra/local/datadir/lock';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hold-data-dir-lock.ts');
const RESTARTS = 50;

const root = mkdtempSync(path.join(os.tmpdir(), 'ud-lock-'));
const holderScript = path.join(root, 'hold-data-dir-lock.mjs');
const parents = new Set<ChildProcess>();

beforeAll(async () => {
  // Bundled once, so that each of the many holders starts as plain Node in some 50 ms.
  await build({ entryPoints: [FIXTURE], bundle: true, platform: 'node', format: 'esm', outfile: holderScript, logLevel: 'error' });
});

afterAll(() => {
  for (const parent of parents) parent.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

let counter = 0;
function freshDir(): string {
  counter += 1;
  return path.join(root, `d${counter}`);
}

/** What a holder printed first: `locked <pid>` or `refused <message>`. */
type HolderAnswer = { readonly locked: true; readonly pid: number } | { readonly locked: false; readonly message: string };

/**
 * Starts a holder under a parent that never reaps it (`sh` that has exec'd into `sleep`), so a
 * holder killed with SIGKILL stays a zombie for as long as the test runs.
 */
function startHolder(dataDir: string): Promise<HolderAnswer> {
  const parent = spawn('sh', ['-c', `"${process.execPath}" "${holderScript}" "${dataDir}" & exec sleep 300`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  parents.add(parent);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The lock holder printed nothing in 10 s: ${output}`)), 10_000);
    parent.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = /^(locked|refused) (.*)$/m.exec(output);
      if (!line) return;
      clearTimeout(timer);
      resolve(line[1] === 'locked' ? { locked: true, pid: Number(line[2]) } : { locked: false, message: line[2] as string });
    });
  });
}

function processState(pid: number): string | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; the state letter follows the closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** SIGKILL, then wait until the process is dead: a zombie, or gone. */
async function kill9(pid: number): Promise<string | undefined> {
  process.kill(pid, 'SIGKILL');
  for (;;) {
    const state = processState(pid);
    if (state === undefined || state === 'Z') return state;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('DATA_DIR lock', () => {
  it(`is taken at once after the holder is killed with SIGKILL and left a zombie, ${RESTARTS} times in a row`, async () => {
    // Given a DATA_DIR
    const dir = freshDir();
    const refusals: string[] = [];
    let zombies = 0;
    for (let restart = 0; restart < RESTARTS; restart += 1) {
      // When a runtime takes the lock, is killed with SIGKILL, and another starts right after
      const holder = await startHolder(dir);
      if (!holder.locked) {
        refusals.push(holder.message);
        break;
      }
      if ((await kill9(holder.pid)) === 'Z') zombies += 1;
    }

    // Then no start is refused, and the killed holders really were unreaped zombies: the state
    // in which a pid-file lock refuses
    expect(refusals).toEqual([]);
    expect(zombies).toBe(RESTARTS);
  });

  it('refuses a second live runtime, naming the owner, and lets it in once the owner has stopped', async () => {
    // Given a runtime holding the DATA_DIR
    const dir = freshDir();
    const first = await startHolder(dir);
    expect(first.locked).toBe(true);
    const ownerPid = first.locked ? first.pid : 0;

    // When a second one starts on it
    const second = await startHolder(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(new DataDirInUseError(path.resolve(dir), ownerPid));

    // Then it is refused with the owner's pid
    expect(second).toEqual({ locked: false, message: new DataDirInUseError(path.resolve(dir), ownerPid).message });

    // And once the owner is gone the directory can be locked again
    await kill9(ownerPid);
    const lock = await lockDataDir(dir);
    await lock.release();
  });

  it('is released by its owner, removing its socket file', async () => {
    const dir = freshDir();
    const lock = await lockDataDir(dir);
    expect(existsSync(lock.address)).toBe(true);
    await expect(lockDataDir(dir)).rejects.toThrow(`is in use by pid ${process.pid}`);

    await lock.release();

    expect(existsSync(lock.address)).toBe(false);
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('works for a DATA_DIR whose path is too long for a socket file, through an abstract socket on Linux', async () => {
    // Given a directory whose socket path would exceed the 108 bytes of a socket address
    const dir = path.join(root, 'x'.repeat(120));
    mkdirSync(dir, { recursive: true });
    expect(lockAddress(dir).startsWith('\0')).toBe(process.platform === 'linux');

    // When it is locked twice
    const lock = await lockDataDir(dir);

    // Then the second is refused, and a release frees it
    await expect(lockDataDir(dir)).rejects.toThrow(DataDirInUseError);
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });
});

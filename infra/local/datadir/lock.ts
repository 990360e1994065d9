/**
 * One process per DATA_DIR: two runtimes on the same LevelDB files and execution journal would
 * corrupt both. The lock is a file holding the owner's pid; a lock left by a process that no longer
 * runs (after `kill -9`) is taken over, so a crash never needs a manual clean-up.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`DATA_DIR ${dataDir} is in use by pid ${pid}; stop that process or choose another DATA_DIR.`);
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function lockDataDir(dataDir: string, pid: number = process.pid): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'runtime.lock');
  // Two rounds: the second follows the removal of a stale lock; losing that race to another
  // starter ends in the in-use error, as it should.
  for (let round = 0; round < 2; round += 1) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return {
        file,
        release: () => {
          if (ownerOf(file) === pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(file);
      if (owner !== undefined && owner !== pid && isAlive(owner)) throw new DataDirInUseError(path.resolve(dataDir), owner);
      // An empty lock is another starter between creating the file and writing its pid, unless it is old.
      if (owner === undefined && Date.now() - statSync(file).mtimeMs < 5_000) {
        throw new DataDirInUseError(path.resolve(dataDir), 0);
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirInUseError(path.resolve(dataDir), ownerOf(file) ?? 0);
}

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One JSON file per state machine and per execution under the data directory. A write goes to a
 * temporary file that is fsync'ed and then renamed over the old one, so that a `kill -9` (or a
 * power cut) leaves either the previous version or the new one, never a torn file.
 */
export class JsonStore {
  constructor(private readonly dir: string) {
    for (const sub of ['state-machines', 'executions']) {
      mkdirSync(join(dir, sub), { recursive: true });
      syncDirectory(dir);
    }
  }

  save(kind: 'state-machines' | 'executions', key: string, value: unknown): void {
    const dir = join(this.dir, kind);
    const file = join(dir, `${encodeURIComponent(key)}.json`);
    const temp = `${file}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, JSON.stringify(value));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  }

  remove(kind: 'state-machines' | 'executions', key: string): void {
    rmSync(join(this.dir, kind, `${encodeURIComponent(key)}.json`), { force: true });
  }

  load<T>(kind: 'state-machines' | 'executions', key: string): T {
    return JSON.parse(readFileSync(join(this.dir, kind, `${encodeURIComponent(key)}.json`), 'utf8')) as T;
  }

  loadAll<T>(kind: 'state-machines' | 'executions'): T[] {
    const dir = join(this.dir, kind);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T);
  }
}

/** Makes a new directory entry durable (the rename of a new file is then durable too). */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

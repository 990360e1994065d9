import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

type Kind = 'state-machines' | 'executions';

/**
 * One JSON file per state machine and per execution under the data directory. A write goes to a
 * temporary file that is fsync'ed and then renamed over the old one, so that a `kill -9` (or a
 * power cut) leaves either the previous version or the new one, never a torn file.
 *
 * An execution carries the definition it started with (the case workflow's is some 55 KB, more
 * than the rest of a running case's record). The store writes each definition once, under its
 * SHA-256, and an execution's file names it: a transition then writes half as much, and after a
 * restart every execution shares one copy of the text instead of holding its own.
 */
export class JsonStore {
  /** Definition text → its hash, for definitions already durable in `definitions/`. */
  private readonly writtenDefinitions = new Map<string, string>();
  /** Hash → the one copy of its text that loaded executions share. */
  private readonly loadedDefinitions = new Map<string, string>();

  constructor(private readonly dir: string) {
    for (const sub of ['state-machines', 'executions', 'definitions']) {
      mkdirSync(join(dir, sub), { recursive: true });
      syncDirectory(dir);
    }
  }

  /** Whether this text is among the definitions executions ran, in this run or an earlier one. */
  holdsDefinition(definition: string): boolean {
    if (this.writtenDefinitions.has(definition)) return true;
    const hash = createHash('sha256').update(definition).digest('hex');
    if (!existsSync(join(this.dir, 'definitions', `${hash}.json`))) return false;
    this.writtenDefinitions.set(definition, hash);
    return true;
  }

  save(kind: Kind, key: string, value: unknown): void {
    writeDurably(
      join(this.dir, kind),
      `${encodeURIComponent(key)}.json`,
      JSON.stringify(kind === 'executions' ? this.withDefinitionByHash(value) : value),
    );
  }

  has(kind: Kind, key: string): boolean {
    return existsSync(join(this.dir, kind, `${encodeURIComponent(key)}.json`));
  }

  remove(kind: Kind, key: string): void {
    rmSync(join(this.dir, kind, `${encodeURIComponent(key)}.json`), { force: true });
  }

  load<T>(kind: Kind, key: string): T {
    return this.parse<T>(kind, readFileSync(join(this.dir, kind, `${encodeURIComponent(key)}.json`), 'utf8'));
  }

  loadAll<T>(kind: Kind): T[] {
    const all: T[] = [];
    this.forEach<T>(kind, (value) => all.push(value));
    return all;
  }

  /** Reads every record of `kind` one after the other, so that the caller need not hold them all at once. */
  forEach<T>(kind: Kind, visit: (value: T) => void): void {
    const dir = join(this.dir, kind);
    for (const name of readdirSync(dir)) if (name.endsWith('.json')) visit(this.parse<T>(kind, readFileSync(join(dir, name), 'utf8')));
  }

  private parse<T>(kind: Kind, text: string): T {
    const value = JSON.parse(text) as T;
    return kind === 'executions' ? this.withDefinitionText(value) : value;
  }

  /** The record to write: its definition replaced by the hash of a file written (durably) first. */
  private withDefinitionByHash(value: unknown): unknown {
    if (!isRecord(value) || typeof value.definition !== 'string') return value;
    const { definition, ...rest } = value;
    let hash = this.writtenDefinitions.get(definition);
    if (hash === undefined) {
      hash = createHash('sha256').update(definition).digest('hex');
      writeDurably(join(this.dir, 'definitions'), `${hash}.json`, definition);
      // Durable before any execution file names it.
      syncDirectory(join(this.dir, 'definitions'));
      this.writtenDefinitions.set(definition, hash);
      this.loadedDefinitions.set(hash, definition);
    }
    return { ...rest, definitionSha256: hash };
  }

  /** The record as the engine keeps it: its definition's text back in place, one shared copy per hash. */
  private withDefinitionText<T>(value: T): T {
    if (!isRecord(value) || typeof value.definitionSha256 !== 'string') return value;
    const { definitionSha256: hash, ...rest } = value;
    let definition = this.loadedDefinitions.get(hash);
    if (definition === undefined) {
      definition = readFileSync(join(this.dir, 'definitions', `${hash}.json`), 'utf8');
      this.loadedDefinitions.set(hash, definition);
      this.writtenDefinitions.set(definition, hash);
    }
    return { ...rest, definition } as T;
  }
}

/**
 * What the engine must know of every running execution at start (and of those ended since it was
 * last rewritten), in one append-only file beside the
 * executions' own, so that a start reads one small line per execution instead of every record
 * whole (a waiting case's record is tens of KB, its line a few hundred bytes).
 *
 * A turn that writes executions first appends their keys as pending (fsync), then writes their
 * files, then appends their new entries (no fsync: one lost leaves its key pending). A key whose last line is still the pending one
 * (a crash between the two, or a line torn in mid-write) is read from its file at the next start:
 * its file is the truth, whichever version the crash left. Each start rewrites the file with one
 * line per execution, and so does a run whose file has grown well past that.
 */
export class ExecutionIndex<Entry> {
  private readonly file: string;
  private fd: number | undefined;
  private linesSinceRewrite = 0;
  private tidy = false;

  constructor(dir: string) {
    this.file = join(dir, 'executions.index');
  }

  /**
   * Every execution's last entry by key, `undefined` for one whose last write may be unfinished;
   * `undefined` as a whole when there is no index yet (a data directory from before it).
   */
  read(): Map<string, Entry | undefined> | undefined {
    if (!existsSync(this.file)) return undefined;
    const entries = new Map<string, Entry | undefined>();
    const text = readFileSync(this.file, 'utf8');
    let lines = 0;
    let torn = text !== '' && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let parsed: { key?: string; entry?: Entry; pending?: string[] };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        // Torn by a crash in mid-write: its keys' pending line, if any, still stands.
        torn = true;
        continue;
      }
      lines += 1;
      if (parsed.pending) for (const key of parsed.pending) entries.set(key, undefined);
      else if (parsed.key !== undefined && parsed.entry !== undefined) entries.set(parsed.key, parsed.entry);
    }
    this.linesSinceRewrite = lines;
    this.tidy = !torn && lines === entries.size && [...entries.values()].every((entry) => entry !== undefined);
    return entries;
  }

  /**
   * Whether the file read last is exactly one whole line per execution, none pending: then a start
   * need not rewrite it (a torn line must go before anything is appended after it).
   */
  get isTidy(): boolean {
    return this.tidy;
  }

  /** Before their files are written: the keys whose entries may not match their files if this turn is cut short. */
  pending(keys: readonly string[]): void {
    this.append(`${JSON.stringify({ pending: keys })}\n`, true);
  }

  /**
   * After their files are written. Not fsync'ed: a power cut that loses these lines leaves their
   * keys pending, so the next start reads those files, which are durable.
   */
  record(entries: readonly (readonly [key: string, entry: Entry])[]): void {
    this.append(entries.map(([key, entry]) => `${JSON.stringify({ key, entry })}\n`).join(''), false);
    this.linesSinceRewrite += entries.length;
  }

  /** Whether the file holds more than `factor` lines per execution, so that rewriting it is worth a write. */
  outgrew(executions: number, factor = 4): boolean {
    return this.linesSinceRewrite > Math.max(1000, executions * factor);
  }

  /** Replaces the file, atomically, with exactly these entries. */
  rewrite(entries: Iterable<readonly [key: string, entry: Entry]>): void {
    this.closeFile();
    let text = '';
    let count = 0;
    for (const [key, entry] of entries) {
      text += `${JSON.stringify({ key, entry })}\n`;
      count += 1;
    }
    const dir = dirname(this.file);
    writeDurably(dir, basename(this.file), text);
    syncDirectory(dir);
    this.linesSinceRewrite = count;
  }

  close(): void {
    this.closeFile();
  }

  private append(text: string, durably: boolean): void {
    this.fd ??= openSync(this.file, 'a');
    writeSync(this.fd, text);
    if (durably) fsyncSync(this.fd);
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Every execution that has ended, one line each, in a file that is only appended to: an ended
 * execution never changes again, so the engine keeps none of them in memory, and its index needs
 * only the running ones. A line is appended, without an fsync, in the turn that writes the ended
 * record; `sync` makes them durable before the index is rewritten without them. Until then the
 * index (its line, or its pending key and the record's file) still names the ended execution, and
 * the next start appends it again: a reader takes each key once.
 */
export class EndedExecutions<Entry> {
  private readonly file: string;
  private fd: number | undefined;

  constructor(dir: string) {
    this.file = join(dir, 'executions.ended');
  }

  append(entries: readonly (readonly [key: string, entry: Entry])[]): void {
    if (entries.length === 0) return;
    let text = entries.map(([key, entry]) => `${JSON.stringify({ key, entry })}\n`).join('');
    if (this.fd === undefined) {
      this.fd = openSync(this.file, 'a');
      // A line torn by a crash in mid-append must not swallow the first line appended after it.
      text = `\n${text}`;
    }
    writeSync(this.fd, text);
  }

  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  /** Each ended execution once, in the order they were first appended. */
  *all(): Generator<[key: string, entry: Entry]> {
    if (!existsSync(this.file)) return;
    const seen = new Set<string>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line === '') continue;
      let parsed: { key: string; entry: Entry };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        // Torn by a crash before any sync: the index still named its executions, and they were appended again.
        continue;
      }
      if (seen.has(parsed.key)) continue;
      seen.add(parsed.key);
      yield [parsed.key, parsed.entry];
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Writes `name` in `dir` so that a crash leaves the old file or the new one, never a torn one. */
function writeDurably(dir: string, name: string, text: string): void {
  const file = join(dir, name);
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
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

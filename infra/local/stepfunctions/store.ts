import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

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
    writeDurably(join(this.dir, kind), fileName(key), this.textOf(kind, value));
  }

  /** The text `save` would write, taken now: the engine writes it later, while the record goes on changing in memory. */
  textOf(kind: Kind, value: unknown): string {
    return JSON.stringify(kind === 'executions' ? this.withDefinitionByHash(value) : value);
  }

  has(kind: Kind, key: string): boolean {
    return existsSync(this.pathOf(kind, key));
  }

  remove(kind: Kind, key: string): void {
    rmSync(this.pathOf(kind, key), { force: true });
  }

  load<T>(kind: Kind, key: string): T {
    return this.parse<T>(kind, readFileSync(this.pathOf(kind, key), 'utf8'));
  }

  /** The file `save` writes: where a `DurableFileWriter` writes the text `textOf` took. */
  pathOf(kind: Kind, key: string): string {
    return join(this.dir, kind, fileName(key));
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
 * A file of JSON lines that grows by appends (its descriptor kept open between them), or is
 * replaced whole, atomically. A crash can leave its last line torn: reading gives `undefined` for
 * it, and an append after it starts on a new line, so a torn line never swallows the next one.
 */
class JsonLines {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  /** Every line, `undefined` for one torn by a crash; `complete` when the file ends with a whole line. `undefined` when there is no file. */
  read(): { values: unknown[]; complete: boolean } | undefined {
    if (!existsSync(this.file)) return undefined;
    const text = readFileSync(this.file, 'utf8');
    const values: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        values.push(undefined);
      }
    }
    return { values, complete: text === '' || text.endsWith('\n') };
  }

  /** Not fsync'ed: `sync` does that; the lines that must be durable at once go through a `DurableFileWriter`. */
  append(values: readonly unknown[]): void {
    if (values.length === 0) return;
    if (this.fd === undefined) {
      this.fd = openSync(this.file, 'a+');
      if (!endsWithNewline(this.fd)) writeSync(this.fd, '\n');
    }
    writeSync(this.fd, linesOf(values));
  }

  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  replace(values: readonly unknown[]): void {
    this.close();
    const dir = dirname(this.file);
    writeDurably(dir, basename(this.file), linesOf(values));
    syncDirectory(dir);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

interface IndexLine<Entry> {
  readonly key?: string;
  readonly entry?: Entry;
  readonly pending?: string[];
}

/**
 * What the engine must know of every running execution at start (and of those ended since it was
 * last rewritten), in one append-only file beside the executions' own, so that a start reads one
 * small line per execution instead of every record whole (a waiting case's record is tens of KB,
 * its line a few hundred bytes).
 *
 * A group of turns that writes executions first appends their keys as pending (fsync), then writes their
 * files, then appends their new entries (no fsync: one lost leaves its key pending). A key whose
 * last line is still the pending one (a crash between the two, or a line torn in mid-write) is
 * read from its file at the next start: its file is the truth, whichever version the crash left.
 * Each start rewrites the file with one line per execution, and so does a run whose file has grown
 * well past that.
 */
export class ExecutionIndex<Entry> {
  private readonly lines: JsonLines;
  private linesSinceRewrite = 0;
  private tidy = false;

  constructor(dir: string) {
    this.lines = new JsonLines(join(dir, 'executions.index'));
  }

  /**
   * Every execution's last entry by key, `undefined` for one whose last write may be unfinished;
   * `undefined` as a whole when there is no index yet (a data directory from before it).
   */
  read(): Map<string, Entry | undefined> | undefined {
    const file = this.lines.read();
    if (file === undefined) return undefined;
    const entries = new Map<string, Entry | undefined>();
    let lines = 0;
    // A line torn in mid-write is skipped: its keys' pending line, if any, still stands.
    let torn = !file.complete;
    for (const value of file.values as (IndexLine<Entry> | undefined)[]) {
      if (value === undefined) {
        torn = true;
        continue;
      }
      lines += 1;
      if (value.pending) for (const key of value.pending) entries.set(key, undefined);
      else if (value.key !== undefined && value.entry !== undefined) entries.set(value.key, value.entry);
    }
    this.linesSinceRewrite = lines;
    this.tidy = !torn && lines === entries.size && [...entries.values()].every((entry) => entry !== undefined);
    return entries;
  }

  /**
   * Whether the file read last is exactly one whole line per execution, none pending: then a start
   * need not rewrite it.
   */
  get isTidy(): boolean {
    return this.tidy;
  }

  /**
   * What to append, durably, before their files are written: the keys whose entries may not match
   * their files if the write is cut short. A `DurableFileWriter` appends it with the files.
   */
  pending(keys: readonly string[]): FileAppend {
    return { file: this.lines.file, text: linesOf([{ pending: keys }]) };
  }

  /**
   * After their files are written. Not fsync'ed: a power cut that loses these lines leaves their
   * keys pending, so the next start reads those files, which are durable.
   */
  record(entries: readonly (readonly [key: string, entry: Entry])[]): void {
    this.lines.append(entries.map(([key, entry]) => ({ key, entry })));
    this.linesSinceRewrite += entries.length;
  }

  /** Whether the file holds more than `factor` lines per execution, so that rewriting it is worth a write. */
  outgrew(executions: number, factor = 4): boolean {
    return this.linesSinceRewrite > Math.max(1000, executions * factor);
  }

  /** Replaces the file, atomically, with exactly these entries. */
  rewrite(entries: Iterable<readonly [key: string, entry: Entry]>): void {
    const lines = Array.from(entries, ([key, entry]) => ({ key, entry }));
    this.lines.replace(lines);
    this.linesSinceRewrite = lines.length;
  }

  close(): void {
    this.lines.close();
  }
}

/**
 * Every execution that has ended, one line each, in a file that is only appended to: an ended
 * execution never changes again, so the engine keeps none of them in memory, and its index needs
 * only the running ones. A line is appended, without an fsync, in the group that writes the ended
 * record; `sync` makes them durable before the index is rewritten without them. Until then the
 * index (its line, or its pending key and the record's file) still names the ended execution, and
 * the next start appends it again: a reader takes each key once.
 */
export class EndedExecutions<Entry> {
  private readonly lines: JsonLines;

  constructor(dir: string) {
    this.lines = new JsonLines(join(dir, 'executions.ended'));
  }

  append(entries: readonly (readonly [key: string, entry: Entry])[]): void {
    this.lines.append(entries.map(([key, entry]) => ({ key, entry })));
  }

  sync(): void {
    this.lines.sync();
  }

  /** Each ended execution once, in the order they were first appended. */
  *all(): Generator<[key: string, entry: Entry]> {
    const seen = new Set<string>();
    // A torn line's executions were still named by the index, and were appended again.
    for (const value of (this.lines.read()?.values ?? []) as ({ key: string; entry: Entry } | undefined)[]) {
      if (value === undefined || seen.has(value.key)) continue;
      seen.add(value.key);
      yield [value.key, value.entry];
    }
  }

  close(): void {
    this.lines.close();
  }
}

export interface FileAppend {
  readonly file: string;
  readonly text: string;
}

/**
 * The worker's code: each message a batch, one answer each. Its append first (opened for it, so
 * that a file replaced meanwhile is appended to, not its old copy; fsync'ed), then each file as
 * `writeDurably` writes it, one after the other. CommonJS, evaluated as the worker starts: nothing
 * to build or find.
 */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', ({ id, append, files }) => {
  try {
    const fd = fs.openSync(append.file, 'a');
    try {
      fs.writeSync(fd, append.text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    for (const { file, text } of files) {
      const temp = file + '.tmp';
      const fd = fs.openSync(temp, 'w');
      try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, file);
    }
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/**
 * Writes batches of files durably in a thread of its own. Through libuv's pool each file took five
 * calls (open, write, fsync, close, rename), each waiting for a busy event loop to start the next:
 * a group of nine files took some 65 ms under load, and the index's pending line 20 ms more. Here a
 * batch is one message each way, and the fsyncs run one after another beside the event loop, not on it.
 */
export class DurableFileWriter {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;

  /** Appends `append` durably, then writes each file durably; one batch at a time is the caller's to keep. */
  write(append: FileAppend, files: readonly FileAppend[]): Promise<void> {
    const id = this.nextId++;
    const written = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.started().postMessage({ id, append, files });
    return written;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WRITER_SOURCE, { eval: true });
    // A process with nothing else to do may end: what was not yet written is as after a crash.
    worker.unref();
    worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if (error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(`A durable write failed: ${error}`));
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The durable writer's thread stopped (exit code ${code}).`)));
    this.worker = worker;
    return worker;
  }
}

/** Whether the open file is empty or its last byte ends a line. */
function endsWithNewline(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

const linesOf = (values: readonly unknown[]): string => values.map((value) => `${JSON.stringify(value)}\n`).join('');

const fileName = (key: string): string => `${encodeURIComponent(key)}.json`;

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

/**
 * dynalite itself, on its LevelDB directory: what the DynamoDB process (./process.ts) runs. It is
 * apart from ./index.ts so that the patch below and the LevelDB files live in the process that
 * serves them, and so that a test can run the same server in its own process.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import dynalite from 'dynalite';
import { closeServer, listen } from '../net';

/** How long a start waits for the LevelDB lock that the previous DynamoDB process may still hold. */
const LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_PAUSE_MS = 100;

/** The LevelDB directory stayed locked by another process for longer than a dying one takes. */
export class DynamoDbLockedError extends Error {
  constructor(dbPath: string) {
    super(`DynamoDB's data in ${dbPath} stayed locked by another process for ${LOCK_WAIT_MS / 1000} s; stop that process and start again.`);
    this.name = 'DynamoDbLockedError';
  }
}

export interface DynaliteServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** `require` as dynalite's own dependency chain sees it: the copies of level and abstract-level that dynalite runs. */
function requireFromDynalite(): { level: NodeJS.Require; abstractLevel: NodeJS.Require } {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  return { level: fromDynalite, abstractLevel: createRequire(fromLevel.resolve('classic-level')) };
}

/** The prototype every LevelDB iterator of dynalite's store inherits: abstract-level's CommonIterator. */
export function dynaliteIteratorPrototype(): { close(): Promise<void>; return?: () => Promise<void> } {
  const { AbstractIterator } = requireFromDynalite().abstractLevel('abstract-level') as { AbstractIterator: { prototype: object } };
  return Object.getPrototypeOf(AbstractIterator.prototype);
}

/**
 * dynalite 4 ends each Query's and Scan's stream by calling `iterator.return()`, the async-iterator
 * protocol, but abstract-level 3's iterators only have `close()`: without this, every Query left
 * its LevelDB iterator open, which pins the memtables and snapshot it read (some 22 KB of native
 * memory a query, never given back: half of the runtime's growth per case; docs/benchmarks.md).
 */
function closeIteratorsWhenStreamsEnd(): void {
  const prototype = dynaliteIteratorPrototype();
  if (typeof prototype.return === 'function') return;
  prototype.return = function (this: { close(): Promise<void> }) {
    return this.close();
  };
}

function isLockedError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'LEVEL_LOCKED';
}

/**
 * Waits until LevelDB's LOCK on `dbPath` is free. dynalite opens its store in the background and
 * would answer every request with an error if the lock were taken; after a `kill -9` of the
 * runtime, the previous DynamoDB process holds it until it has noticed and exited.
 */
async function waitForLevelLock(dbPath: string): Promise<void> {
  const { Level } = requireFromDynalite().level('level') as { Level: new (location: string) => LevelDatabase };
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const database = new Level(dbPath);
    try {
      await database.open();
      await database.close();
      return;
    } catch (error) {
      if (!isLockedError(error)) throw error;
      if (Date.now() >= deadline) throw new DynamoDbLockedError(dbPath);
      await sleep(LOCK_RETRY_PAUSE_MS);
    }
  }
}

export async function serveDynalite(options: { dbPath: string; port: number; host: string }): Promise<DynaliteServer> {
  closeIteratorsWhenStreamsEnd();
  mkdirSync(options.dbPath, { recursive: true });
  await waitForLevelLock(options.dbPath);
  // Tables become ACTIVE at once: nothing here models provisioning delays.
  const server: Server = dynalite({ path: options.dbPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listen(server, options.port, options.host, 'DYNAMODB_PORT');
  return { endpoint, close: () => closeServer(server) };
}

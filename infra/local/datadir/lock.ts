/**
 * One process per DATA_DIR: two runtimes on the same LevelDB files and execution journal would
 * corrupt both.
 *
 * The lock is a Unix domain socket that the owner listens on. The kernel closes it when the
 * owner dies, however it dies, and even while the dead process lingers as an unreaped zombie: a
 * pid file checked with `kill(pid, 0)` says "alive" in that state, and can name a reused pid. A
 * starter that connects is answered with the owner's pid, which proves the owner alive (and names
 * it in the error); a refused connection means a stale socket file, which is removed before the
 * bind is tried again; a connection that ends without an answer reached an owner that is dying
 * (its threads still hold the socket for a moment), so the starter waits and tries again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by ${pid === undefined ? 'another process' : `pid ${pid}`}; ` +
        'stop that process or choose another DATA_DIR.',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  /** Where the owner listens: the socket file in DATA_DIR, or a Linux abstract socket name. */
  readonly address: string;
  release(): Promise<void>;
}

/** sun_path holds 108 bytes with its terminating NUL; some systems allow 104. */
const SOCKET_PATH_LIMIT = 103;
const OWNER_ANSWER_TIMEOUT_MS = 2_000;
/** How long a starter keeps trying while the previous owner finishes dying (rounds × pause). */
const BIND_ROUNDS = 40;
const DYING_OWNER_PAUSE_MS = 50;

/**
 * The socket file in DATA_DIR when its path fits in a socket address; otherwise, on Linux, an
 * abstract socket named after the directory's real path (the kernel drops it with its owner, so
 * it can never be stale).
 */
export function lockAddress(dataDir: string): string {
  const file = path.join(path.resolve(dataDir), 'runtime.sock');
  if (Buffer.byteLength(file) <= SOCKET_PATH_LIMIT) return file;
  if (process.platform !== 'linux') {
    throw new Error(`DATA_DIR ${path.resolve(dataDir)} is too long a path for its lock socket; choose a shorter DATA_DIR.`);
  }
  const digest = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 40);
  return `\0urgent-deliberation-datadir-${digest}`;
}

function listen(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      // A starter that hangs up before reading resets the connection: that must not take the
      // owner down with an unhandled error.
      socket.on('error', () => undefined);
      socket.end(`${JSON.stringify({ pid: process.pid })}\n`);
    });
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

type Owner = { readonly state: 'LIVE'; readonly pid: number } | { readonly state: 'STALE' } | { readonly state: 'DYING' };

/** Connects to the lock's address and reads the owner's answer. */
function probe(address: string): Promise<Owner> {
  return new Promise((resolve, reject) => {
    const socket = connect(address);
    let connected = false;
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), OWNER_ANSWER_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.once('connect', () => (connected = true));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // After connecting, a reset is a dying owner's socket going away: 'close' follows.
      if (connected) return;
      clearTimeout(timer);
      socket.removeAllListeners('close');
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve({ state: 'STALE' });
      else reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      const pid = ownerPid(answer);
      resolve(pid === undefined ? { state: 'DYING' } : { state: 'LIVE', pid });
    });
  });
}

function ownerPid(answer: string): number | undefined {
  try {
    const pid = (JSON.parse(answer) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const address = lockAddress(dataDir);
  const isFile = !address.startsWith('\0');
  // Several rounds: a stale file removed here can be re-bound by another starter first (the
  // next probe then finds it alive and refuses, as it should), and a dying owner takes a moment.
  for (let round = 0; round < BIND_ROUNDS; round += 1) {
    try {
      const server = await listen(address);
      // The lock must not keep a process alive on its own.
      server.unref();
      return {
        address,
        release: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
    const owner = await probe(address);
    switch (owner.state) {
      case 'LIVE':
        throw new DataDirInUseError(path.resolve(dataDir), owner.pid);
      case 'STALE':
        if (isFile) rmSync(address, { force: true });
        break;
      case 'DYING':
        await sleep(DYING_OWNER_PAUSE_MS);
        break;
    }
  }
  throw new DataDirInUseError(path.resolve(dataDir), undefined);
}

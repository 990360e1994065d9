/**
 * SES on one machine: aws-ses-v2-local in this process (SES v1 and v2 APIs, an inbox page at `/`,
 * the sent e-mails at `GET /store`, `POST /clear-store`). The library keeps its e-mails in memory;
 * here each one is also appended to `${DATA_DIR}/ses/emails.jsonl` as it is sent and loaded back at
 * start, so the inbox, like everything else, survives a restart or `kill -9`.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as sesModule from 'aws-ses-v2-local';
import { closeServer, PortInUseError } from '../net';

export interface LocalSes {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startSes(options: { port: number; host: string; dataDir?: string }): Promise<LocalSes> {
  if (options.dataDir !== undefined) persistStore(path.join(options.dataDir, 'ses'));
  const server = await sesServerFunction()({ port: options.port, host: options.host });
  // Express 5 calls the listen callback on error too, so a taken port shows up as a server that does not listen.
  if (!server.listening) {
    throw new PortInUseError(options.port, options.host, 'SES_PORT');
  }
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://${options.host}:${port}`, close: () => closeServer(server) };
}

type SesServer = (typeof sesModule)['default'];

/** Node's ESM loader hands a CommonJS module's `exports` as the default; bundlers hand `exports.default`. */
function sesServerFunction(): SesServer {
  const candidate = sesModule.default as SesServer | { default: SesServer };
  return typeof candidate === 'function' ? candidate : candidate.default;
}

interface SesStoreModule {
  saveEmail: (email: unknown) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: unknown[] };
}

let persisted = false;

/**
 * The library calls its store through the module's exports object at each call, so wrapping the
 * exports records every e-mail without forking the library.
 */
function persistStore(dir: string): void {
  if (persisted) return;
  const store = createRequire(import.meta.url)('aws-ses-v2-local/dist/store') as Partial<SesStoreModule>;
  const { saveEmail, clearStore, getStoreReadonly } = store;
  if (typeof saveEmail !== 'function' || typeof clearStore !== 'function' || typeof getStoreReadonly !== 'function') {
    console.warn('aws-ses-v2-local changed its store module: sent e-mails will not survive a restart.');
    return;
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'emails.jsonl');
  if (existsSync(file)) {
    const emails = getStoreReadonly().emails;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      // A line cut short by `kill -9` in mid-write is the only one that can fail to parse.
      if (line.trim() === '') continue;
      try {
        emails.push(JSON.parse(line));
      } catch {
        // That torn line is skipped: its e-mail was never reported as sent.
      }
    }
  }
  store.saveEmail = (email) => {
    appendFileSync(file, `${JSON.stringify(email)}\n`);
    saveEmail(email);
  };
  store.clearStore = () => {
    writeFileSync(file, '');
    clearStore();
  };
  persisted = true;
}

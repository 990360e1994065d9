/**
 * SES on one machine: aws-ses-v2-local in this process (SES v1 and v2 APIs, an inbox page at `/`,
 * the sent e-mails at `GET /store`, `POST /clear-store`). The library keeps its e-mails in memory;
 * here each one is also appended to `${DATA_DIR}/ses/emails.jsonl` as it is sent and loaded back at
 * start, so the inbox, like everything else, survives a restart or `kill -9`. Memory holds only
 * the latest `SES_STORE_LIMIT` e-mails, so a long run does not grow by every e-mail it ever sent;
 * beyond that many, `GET /store` reads them all from the file.
 *
 * Like SES with a configuration set, it publishes what became of each message (simulator.ts: the
 * mailbox simulator's addresses bounce or complain) to `onEvent`, which the runtime hands to the
 * same Lambda that SES's events reach through SNS in the cloud. A message whose events were all
 * taken is journaled in `ses/events.jsonl`; one that was not (a crash, a failing handler) is
 * published again at the next start.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { closeServer, PortInUseError } from '../net';
import { simulatedEvents, type StoredEmail } from './simulator';

export interface LocalSes {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** An SNS notification holding one SES event, as the configuration set's topic delivers it to a Lambda. */
export function snsEventOf(message: string): { Records: Record<string, unknown>[] } {
  const at = new Date().toISOString();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:ses-delivery-events:local',
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:ses-delivery-events',
          Subject: null,
          Message: message,
          Timestamp: at,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Hands one SES event (the JSON of an SNS message) to its handler; a rejection means "try again". */
export type SesEventSink = (message: string) => Promise<void>;

/** How many of the latest e-mails stay in memory; older ones are in `ses/emails.jsonl` only. */
export const SES_STORE_LIMIT = 1000;

export interface SesOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir?: string;
  readonly onEvent?: SesEventSink;
  readonly log?: (message: string) => void;
  /** `SES_STORE_LIMIT` unless given (tests give a small one). */
  readonly storeLimit?: number;
}

export async function startSes(options: SesOptions): Promise<LocalSes> {
  if (options.dataDir !== undefined)
    persistStore(path.join(options.dataDir, 'ses'), options.onEvent, options.log ?? console.warn, options.storeLimit ?? SES_STORE_LIMIT);
  const server = await sesServerFunction()({ port: options.port, host: options.host });
  // Express 5 calls the listen callback on error too, so a taken port shows up as a server that does not listen.
  if (!server.listening) {
    throw new PortInUseError(options.port, options.host, 'SES_PORT');
  }
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://${options.host}:${port}`, close: () => closeServer(server) };
}

type SesServer = typeof import('aws-ses-v2-local')['default'];

/**
 * The library and its store module are both loaded through `require` from here, so that they are
 * one instance: an ESM import of the library could load a second copy of it (seen where
 * node_modules is a symbolic link), whose e-mails then never reached the wrapped store below and
 * were lost at the next restart.
 */
const requireSes = createRequire(import.meta.url);

/** CommonJS's `exports.default`; a bundler may hand the function itself. */
function sesServerFunction(): SesServer {
  const candidate = requireSes('aws-ses-v2-local') as { default: SesServer } | SesServer;
  return typeof candidate === 'function' ? candidate : candidate.default;
}

interface SesStoreModule {
  saveEmail: (email: unknown) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: unknown[]; templates: unknown };
}

let persisted = false;

/** How SNS would keep trying a handler that fails: a few times, further and further apart. */
const EVENT_ATTEMPTS = 8;
const PUBLISH_DELAY_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function publisher(dir: string, onEvent: SesEventSink, log: (message: string) => void): (email: StoredEmail) => void {
  const journal = path.join(dir, 'events.jsonl');
  return (email) => {
    void (async () => {
      // SES publishes a message's events after it answered the sender, a moment later.
      await sleep(PUBLISH_DELAY_MS);
      const events = simulatedEvents(email, new Date().toISOString());
      for (const event of events) {
        for (let attempt = 1; ; attempt += 1) {
          try {
            await onEvent(JSON.stringify(event));
            break;
          } catch (error) {
            if (attempt >= EVENT_ATTEMPTS) {
              log(
                `SES: the ${String(event.eventType)} event of message ${email.messageId} was not taken (${(error as Error).message}); it is published again at the next start.`,
              );
              return;
            }
            await sleep(250 * 2 ** attempt);
          }
        }
      }
      appendFileSync(journal, `${JSON.stringify({ messageId: email.messageId })}\n`);
    })();
  };
}

/** Lines of a JSONL file; a line cut short by `kill -9` in mid-write is skipped. */
function readJsonLines(file: string): unknown[] {
  if (!existsSync(file)) return [];
  const values: unknown[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      // That torn line is skipped: its e-mail (or event) was never reported as done.
    }
  }
  return values;
}

/**
 * The library calls its store through the module's exports object at each call, so wrapping the
 * exports records every e-mail (and publishes its events) without forking the library.
 */
function persistStore(dir: string, onEvent: SesEventSink | undefined, log: (message: string) => void, storeLimit: number): void {
  if (persisted) return;
  const store = requireSes('aws-ses-v2-local/dist/store') as Partial<SesStoreModule>;
  const { saveEmail, clearStore, getStoreReadonly } = store;
  if (typeof saveEmail !== 'function' || typeof clearStore !== 'function' || typeof getStoreReadonly !== 'function') {
    console.warn('aws-ses-v2-local changed its store module: sent e-mails will not survive a restart.');
    return;
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'emails.jsonl');
  const saved = readJsonLines(file) as StoredEmail[];
  getStoreReadonly().emails.push(...saved.slice(-storeLimit));
  const publish = onEvent === undefined ? undefined : publisher(dir, onEvent, log);
  if (publish !== undefined) {
    const published = new Set((readJsonLines(path.join(dir, 'events.jsonl')) as { messageId: string }[]).map((done) => done.messageId));
    for (const email of saved) if (!published.has(email.messageId)) publish(email);
  }
  let journaled = saved.length;
  store.saveEmail = (email) => {
    appendFileSync(file, `${JSON.stringify(email)}\n`);
    journaled += 1;
    saveEmail(email);
    // Read at each call: the library's clearStore puts a new array in place.
    const { emails } = getStoreReadonly();
    if (emails.length > storeLimit) emails.splice(0, emails.length - storeLimit);
    publish?.(email as StoredEmail);
  };
  // Within the limit memory holds every e-mail; beyond it, GET /store and the inbox read the file.
  store.getStoreReadonly = () => {
    const inMemory = getStoreReadonly();
    return journaled <= storeLimit ? inMemory : { ...inMemory, emails: readJsonLines(file) };
  };
  store.clearStore = () => {
    writeFileSync(file, '');
    journaled = 0;
    clearStore();
  };
  persisted = true;
}

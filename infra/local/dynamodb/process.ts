/**
 * The DynamoDB process: dynalite on its own core, started by `startDynamoDb` (./index.ts) with an
 * IPC channel, its options as the one argument. It says when it listens, stops when asked, and
 * never outlives the runtime: the channel closes when the runtime dies, however it dies.
 */
import { PortInUseError } from '../net';
import { serveDynalite, type DynaliteServer } from './server';

export interface DynamoDbProcessOptions {
  readonly dbPath: string;
  readonly port: number;
  readonly host: string;
}

/** What the runtime asks of the DynamoDB process. */
export interface DynamoDbProcessRequest {
  readonly type: 'stop';
}

/** What the DynamoDB process tells the runtime. */
export type DynamoDbProcessMessage =
  | { readonly type: 'listening'; readonly endpoint: string }
  | { readonly type: 'failed'; readonly portInUse: boolean; readonly message: string };

/** A stop that hangs (a request that never ends) must not keep the process alive once the runtime is gone. */
const ORPHAN_EXIT_MS = 3_000;

let server: DynaliteServer | undefined;
let stopping = false;

function tell(message: DynamoDbProcessMessage, then: () => void = () => undefined): void {
  if (process.connected) process.send?.(message, then);
  else then();
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await server?.close();
  } catch (error) {
    console.error(`DynamoDB: closing dynalite failed: ${(error as Error).message}`);
    exitCode = 1;
  }
  process.exit(exitCode);
}

// The runtime stops DynamoDB last, after the parts that still write to it: Ctrl-C, SIGTERM and a
// terminal's hang-up, which reach the whole process group, are the runtime's to act on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
process.on('message', (request: DynamoDbProcessRequest) => {
  if (request.type === 'stop') void stop(0);
});
process.on('disconnect', () => {
  setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
  void stop(1);
});

const options = JSON.parse(process.argv[2] ?? '{}') as DynamoDbProcessOptions;
serveDynalite(options).then(
  (started) => {
    server = started;
    tell({ type: 'listening', endpoint: started.endpoint });
  },
  (error: unknown) => {
    tell({ type: 'failed', portInUse: error instanceof PortInUseError, message: (error as Error).message }, () => process.exit(1));
  },
);

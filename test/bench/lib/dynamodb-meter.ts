/**
 * A counting HTTP proxy between the handlers and dynalite: every DynamoDB request passes through
 * it unchanged except that it asks for `ReturnConsumedCapacity: TOTAL`, so the units come from
 * dynalite's own implementation of DynamoDB's capacity rules (4 KB reads, 1 KB writes, eventually
 * consistent reads at half). Writes to items that GSIs project are added per index (estimated:
 * dynalite reports the table's units only). The response goes back byte for byte (its CRC32 stays valid).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export interface MeterTotals {
  requests: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  /** Estimated: one more write per GSI that projects the item, at the table write's units. */
  gsiWriteUnits: number;
  conditionalCheckFailures: number;
  /** The sweeper's scans of the open-orders and open-reviews indexes: a fixed cost per minute in the cloud, not per case. */
  sweeperPollReadUnits: number;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** How many GSIs carry an item, by its sort key (docs/architecture.md, "Table"). */
function indexesOf(sk: string | undefined): number {
  if (sk === undefined) return 0;
  if (sk === 'CASE' || sk.startsWith('ORDER#') || sk.startsWith('REVIEW#')) return 2;
  if (sk === 'OPERATOR') return 1;
  return 0;
}

function sortKeyOf(body: Record<string, unknown>): string | undefined {
  const item = (body.Key ?? body.Item) as Record<string, { S?: string }> | undefined;
  return item?.sk?.S;
}

export function emptyTotals(): MeterTotals {
  return { requests: {}, readUnits: 0, writeUnits: 0, gsiWriteUnits: 0, conditionalCheckFailures: 0, sweeperPollReadUnits: 0 };
}

export function difference(after: MeterTotals, before: MeterTotals): MeterTotals {
  const requests: Record<string, number> = {};
  for (const [op, count] of Object.entries(after.requests)) requests[op] = count - (before.requests[op] ?? 0);
  return {
    requests,
    readUnits: after.readUnits - before.readUnits,
    writeUnits: after.writeUnits - before.writeUnits,
    gsiWriteUnits: after.gsiWriteUnits - before.gsiWriteUnits,
    conditionalCheckFailures: after.conditionalCheckFailures - before.conditionalCheckFailures,
    sweeperPollReadUnits: after.sweeperPollReadUnits - before.sweeperPollReadUnits,
  };
}

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class DynamoDbMeter {
  readonly totals = emptyTotals();
  private server: Server | undefined;

  constructor(private readonly targetPort: number) {}

  snapshot(): MeterTotals {
    return structuredClone(this.totals);
  }

  async listen(): Promise<string> {
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const operation =
          String(incoming.headers['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? '';
        let body: Record<string, unknown> = {};
        let payload = Buffer.concat(chunks);
        try {
          body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
          if ((READS.has(operation) || WRITES.has(operation)) && body.ReturnConsumedCapacity === undefined) {
            payload = Buffer.from(JSON.stringify({ ...body, ReturnConsumedCapacity: 'TOTAL' }));
          }
        } catch {
          // Not JSON: pass it on as it came.
        }
        this.totals.requests[operation] = (this.totals.requests[operation] ?? 0) + 1;
        const forward = httpRequest(
          {
            host: '127.0.0.1',
            port: this.targetPort,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, host: `127.0.0.1:${this.targetPort}`, 'content-length': String(payload.length) },
          },
          (answer) => {
            const answerChunks: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
            answer.on('end', () => {
              const raw = Buffer.concat(answerChunks);
              this.count(operation, body, answer.statusCode ?? 0, raw);
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
              outgoing.end(raw);
            });
          },
        );
        forward.on('error', (error) => {
          outgoing.writeHead(502);
          outgoing.end(String(error));
        });
        forward.end(payload);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private count(operation: string, body: Record<string, unknown>, status: number, raw: Buffer): void {
    if (!READS.has(operation) && !WRITES.has(operation)) return;
    let answer: { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[]; __type?: string } = {};
    try {
      answer = JSON.parse(raw.toString('utf8')) as typeof answer;
    } catch {
      return;
    }
    if (status >= 400) {
      // A failed conditional write still costs a write unit in DynamoDB.
      if (String(answer.__type).endsWith('ConditionalCheckFailedException')) {
        this.totals.conditionalCheckFailures += 1;
        this.totals.writeUnits += 1;
      }
      return;
    }
    const consumed = answer.ConsumedCapacity;
    const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c?.CapacityUnits ?? 0), 0);
    if (READS.has(operation)) {
      this.totals.readUnits += units;
      const values = JSON.stringify(body.ExpressionAttributeValues ?? {});
      if (operation === 'Query' && /OPEN_ORDERS|OPEN_REVIEWS/.test(values)) this.totals.sweeperPollReadUnits += units;
    } else {
      this.totals.writeUnits += units;
      if (operation !== 'BatchWriteItem') this.totals.gsiWriteUnits += units * indexesOf(sortKeyOf(body));
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

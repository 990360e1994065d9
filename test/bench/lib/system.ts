/**
 * The benchmark's view of a running local stack: the public API as its users call it, the SES
 * emulator's sent mail, the Step Functions API, and direct reads of the table (the bench reads
 * records' own timestamps rather than timing from outside, so polling adds nothing to a figure).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { orderIdFor } from '../../../shared/domain/ids';
import type { CaseRecord, OrderRecord } from '../../../shared/domain/model';
import { LOCAL_TABLE_NAME } from '../../../shared/store/table';
import type { LocalStack } from '../../support/local-stack';
import { cpuMilliseconds, descendantsOf, residentBytes } from '../../support/processes';
import type { CaseHistories } from './history';
import { sleep } from './stats';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';

export const STAFF = ['staff-kim', 'staff-lee', 'staff-park'] as const;

/** Three of the seeded hosts, whose domains they claim: a figure's cases take turns among them. */
export const SEEDED_HOSTS = [
  { operatorId: 'op-webhard', domain: 'webhard.example' },
  { operatorId: 'op-social', domain: 'social.example' },
  { operatorId: 'op-overseas', domain: 'overseas.example' },
] as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly route: string,
    readonly body: unknown,
    /** What the answer's Retry-After said: the runtime refused new work (admission control) or a client's rate. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${route} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

export interface SentEmail {
  messageId: string;
  to: string[];
  subject: string;
  /** When the bench saw it appear in the emulator's store (ms since epoch). */
  seenAt: number;
  /** The emulator's own time stamp: whole seconds only, so used as a cross-check. */
  storeAtSeconds: number;
}

/**
 * Every request the bench makes through the API, counted by route: in the cloud each is one API
 * Gateway request and one Lambda invocation (figure 6).
 */
export class Api {
  readonly calls = new Map<string, number>();
  readonly callMs: number[] = [];
  /** Requests refused with 503 and Retry-After (admission control) and sent again: a figure says how many. */
  admissionRefusals = 0;
  private readonly tokens = new Map<string, Promise<string>>();

  /**
   * `honourRetryAfter` false: a 503 with Retry-After (admission control) is thrown as it came, for
   * a figure that counts refusals itself (the soak); otherwise the request is sent again after
   * those seconds, as any client does, and the figure measures the system's pace.
   */
  constructor(
    private readonly stack: LocalStack,
    private readonly options: { readonly honourRetryAfter?: boolean } = {},
  ) {}

  private token(user: string): Promise<string> {
    let token = this.tokens.get(user);
    if (!token) {
      token = this.stack.token(user);
      this.tokens.set(user, token);
    }
    return token;
  }

  async request<T>(user: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const key = `${method} ${route.replace(/\/[CORA][0-9A-Z]{26}[^/]*/g, '/{id}')}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const started = performance.now();
    const send = async () =>
      fetch(`${this.stack.baseUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${await this.token(user)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send();
    while (this.options.honourRetryAfter !== false && response.status === 503 && response.headers.get('retry-after') !== null) {
      this.admissionRefusals += 1;
      await response.text();
      await sleep(Number(response.headers.get('retry-after')) * 1000);
      response = await send();
    }
    const text = await response.text();
    this.callMs.push(performance.now() - started);
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    const retryAfter = response.headers.get('retry-after');
    if (response.status >= 400) throw new ApiError(response.status, key, parsed, retryAfter === null ? undefined : Number(retryAfter));
    return parsed as T;
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((sum, count) => sum + count, 0);
  }

  /** With an `idempotencyKey`, a retry of the same filing lands on the same case. */
  async fileReport(urls: readonly string[], filedBy = 'staff-kim', idempotencyKey?: string): Promise<string> {
    const answer = await this.request<{ caseId: string }>(
      filedBy,
      'POST',
      '/reports',
      { urls, category: 'SYNTHETIC_SEXUAL_IMAGERY', reporter: { kind: 'STAFF' }, victimConsent: true },
      idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    );
    return answer.caseId;
  }

  /** The two approvals an urgent order needs, by staff other than the filer; resolves after the last. */
  async approve(caseId: string, approvers: readonly string[] = ['staff-lee', 'staff-park']): Promise<void> {
    for (const user of approvers) {
      await this.request(user, 'POST', `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'benchmark: clearly illegal content' });
    }
  }
}

/** Reads the single table directly (not through the handlers' metering proxy, if any). */
export class Table {
  private readonly client: DynamoDBDocumentClient;

  /** `endpoint`: dynalite itself, when the stack was started on a DYNAMODB_PORT of the caller's choosing. */
  constructor(stack: LocalStack, endpoint = stack.dynamoDbUrl) {
    this.client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS }));
  }

  async caseItems(caseId: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: LOCAL_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Puts items as they are, 25 a request (BatchWriteItem's limit), retrying what DynamoDB left unprocessed. */
  async putAll(items: readonly Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let pending: Record<string, unknown>[] | undefined = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending !== undefined && pending.length > 0) {
        const answer = await this.client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLE_NAME]: pending } }));
        pending = answer.UnprocessedItems?.[LOCAL_TABLE_NAME] as Record<string, unknown>[] | undefined;
      }
    }
  }

  /** A record item holds the record under `record` (shared/store/journal.ts). */
  async caseRecord(caseId: string): Promise<CaseRecord | undefined> {
    return (await this.caseItems(caseId)).find((item) => item.sk === 'CASE')?.record as CaseRecord | undefined;
  }

  async ordersOf(caseId: string): Promise<OrderRecord[]> {
    return (await this.caseItems(caseId)).filter((item) => String(item.sk).startsWith('ORDER#')).map((item) => item.record as OrderRecord);
  }

  async allOrders(): Promise<OrderRecord[]> {
    return (await this.itemsWhoseSortKeyBegins(['ORDER#'])).map((item) => item.record as OrderRecord);
  }

  /** Every item whose sort key begins with one of `prefixes`, in one scan of the table. */
  async itemsWhoseSortKeyBegins(prefixes: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: LOCAL_TABLE_NAME,
          FilterExpression: prefixes.map((_, index) => `begins_with(sk, :prefix${index})`).join(' OR '),
          ExpressionAttributeValues: Object.fromEntries(prefixes.map((prefix, index) => [`:prefix${index}`, prefix])),
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** When the approval that completed the urgent track landed, by the case record's own clock. */
export function lastApprovalAt(record: CaseRecord): number {
  const times = record.approvals.filter((approval) => approval.decision === 'APPROVE').map((approval) => Date.parse(approval.at));
  if (times.length === 0) throw new Error(`Case ${record.caseId} has no approval.`);
  return Math.max(...times);
}

/** When the order's notice of issue was handed to SES (recorded right after SES answered). */
export function orderNoticeSentAt(order: OrderRecord): number | undefined {
  const notice = order.notices?.find((record) => record.kind === 'ORDER');
  return notice ? Date.parse(notice.sentAt) : undefined;
}

export const orderId = orderIdFor;

/**
 * Follows the SES emulator's sent mail without loading the stack under test: it tails the
 * emulator's append-only copy in DATA_DIR (infra/local/ses) and falls back to `GET /store`.
 */
export class Mailbox {
  readonly emails: SentEmail[] = [];
  private readonly seen = new Set<string>();
  private readonly file: string;
  private offset = 0;
  private partial = Buffer.alloc(0);
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: { match: (email: SentEmail) => boolean; resolve: (email: SentEmail) => void }[] = [];

  constructor(
    private readonly stack: LocalStack,
    private readonly everyMs = 50,
  ) {
    this.file = path.join(stack.dataDir, 'ses', 'emails.jsonl');
  }

  start(): this {
    const tick = async (): Promise<void> => {
      try {
        await this.poll();
      } finally {
        if (this.timer !== undefined) this.timer = setTimeout(() => void tick(), this.everyMs);
      }
    };
    this.timer = setTimeout(() => void tick(), 0);
    return this;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private add(raw: { messageId?: string; destination?: { to?: string[] }; subject?: string; at?: number }, seenAt: number): void {
    if (typeof raw.messageId !== 'string' || this.seen.has(raw.messageId)) return;
    this.seen.add(raw.messageId);
    const email: SentEmail = {
      messageId: raw.messageId,
      to: raw.destination?.to ?? [],
      subject: raw.subject ?? '',
      seenAt,
      storeAtSeconds: raw.at ?? Number.NaN,
    };
    this.emails.push(email);
    for (let index = this.waiters.length - 1; index >= 0; index -= 1) {
      const waiter = this.waiters[index];
      if (waiter?.match(email)) {
        this.waiters.splice(index, 1);
        waiter.resolve(email);
      }
    }
  }

  private async poll(): Promise<void> {
    const seenAt = Date.now();
    let size: number | undefined;
    try {
      size = statSync(this.file).size;
    } catch {
      size = undefined;
    }
    if (size === undefined) {
      const response = await fetch(`${this.stack.sesUrl}/store`).catch(() => undefined);
      if (!response?.ok) return;
      const store = (await response.json()) as { emails?: Parameters<Mailbox['add']>[0][] };
      for (const raw of store.emails ?? []) this.add(raw, seenAt);
      return;
    }
    if (size < this.offset) {
      this.offset = 0;
      this.partial = Buffer.alloc(0);
    }
    if (size === this.offset) return;
    // Only what was appended since the last poll: a long run's file grows to hundreds of megabytes.
    const appended = Buffer.alloc(size - this.offset);
    const file = openSync(this.file, 'r');
    try {
      readSync(file, appended, 0, appended.length, this.offset);
    } finally {
      closeSync(file);
    }
    this.offset = size;
    // Split on bytes, not characters: a poll may end inside a line, and so inside a character.
    const bytes = Buffer.concat([this.partial, appended]);
    const complete = bytes.lastIndexOf(0x0a) + 1;
    this.partial = bytes.subarray(complete);
    const lines = bytes.subarray(0, complete).toString('utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        this.add(JSON.parse(line) as Parameters<Mailbox['add']>[0], seenAt);
      } catch {
        // Not an e-mail record: skipped.
      }
    }
  }

  /** The first e-mail whose subject contains `text`, as soon as it is seen; bounded by `timeoutMs`. */
  waitForSubject(text: string, timeoutMs: number): Promise<SentEmail> {
    const match = (email: SentEmail): boolean => email.subject.includes(text);
    const found = this.emails.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (email: SentEmail) => {
          clearTimeout(timer);
          resolve(email);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`No e-mail with "${text}" in its subject within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async settle(ms = 300): Promise<void> {
    await sleep(ms);
    await this.poll();
  }
}

/** The state machine each batch of a case's orders or appeals runs in (infra/local/main.ts). */
const BATCH_STATE_MACHINE = 'case-batch';

export class StepFunctions {
  readonly client: SFNClient;
  private arn: Promise<string> | undefined;
  private batchArn: Promise<string> | undefined;

  constructor(stack: LocalStack) {
    this.client = new SFNClient({ endpoint: stack.sfnUrl, region: REGION, credentials: CREDENTIALS });
  }

  stateMachineArn(): Promise<string> {
    this.arn ??= this.client.send(new ListStateMachinesCommand({})).then((answer) => {
      const machine = answer.stateMachines?.find((sm) => sm.name === 'case-workflow') ?? answer.stateMachines?.[0];
      if (!machine?.stateMachineArn) throw new Error('The local Step Functions endpoint lists no state machine.');
      return machine.stateMachineArn;
    });
    return this.arn;
  }

  /** The execution of a case: its name is the case id (docs/architecture.md). */
  async executionArn(caseId: string): Promise<string> {
    return `${(await this.stateMachineArn()).replace(':stateMachine:', ':execution:')}:${caseId}`;
  }

  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /**
   * The case's history and its batch children's: the workflow names each child
   * `<caseId>-<kind>-<batch>-<retry>` (statemachines/case-workflow.ts), and ListExecutions on
   * case-batch finds them. A child the case has not started yet is not there.
   */
  async caseHistories(caseId: string): Promise<CaseHistories> {
    const history = await this.history(await this.executionArn(caseId));
    const children = new Map<string, HistoryEvent[]>();
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListExecutionsCommand({ stateMachineArn: await this.batchStateMachineArn(), maxResults: 1000, nextToken }),
      );
      for (const { name, executionArn } of page.executions ?? []) {
        if (name?.startsWith(`${caseId}-`) && executionArn) children.set(name, await this.history(executionArn));
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return { case: history, children };
  }

  private batchStateMachineArn(): Promise<string> {
    this.batchArn ??= this.client.send(new ListStateMachinesCommand({})).then((answer) => {
      const machine = answer.stateMachines?.find((sm) => sm.name === BATCH_STATE_MACHINE);
      if (!machine?.stateMachineArn) throw new Error(`The local Step Functions endpoint lists no ${BATCH_STATE_MACHINE} state machine.`);
      return machine.stateMachineArn;
    });
    return this.batchArn;
  }

  async executionStatuses(): Promise<Map<string, string>> {
    const statuses = new Map<string, string>();
    let nextToken: string | undefined;
    const stateMachineArn = await this.stateMachineArn();
    do {
      const page = await this.client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
      for (const execution of page.executions ?? []) if (execution.name && execution.status) statuses.set(execution.name, execution.status);
      nextToken = page.nextToken;
    } while (nextToken);
    return statuses;
  }
}

/** What `runtimeRss` counts, for the figures' notes. */
export const RUNTIME_RSS_COUNTS =
  "RSS: the sum of VmRSS from /proc over the runtime's processes: the Node process running the runtime's build (SES, the engine, the handlers) and its DynamoDB process (dynalite and LevelDB).";

/**
 * Resident memory (VmRSS, bytes) of the runtime: the sum over its process group, that is the
 * runtime's Node process and its DynamoDB process (dynalite).
 */
export function runtimeRss(stack: LocalStack): number | undefined {
  const runtime = stack.processGroupId();
  if (runtime === undefined) return undefined;
  const sizes = [runtime, ...descendantsOf(runtime).map((entry) => entry.pid)].map((pid) => residentBytes(pid) ?? 0);
  return sizes.length === 0 ? undefined : sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * CPU time (milliseconds) the runtime's Node process and the processes below it (its DynamoDB
 * process) have used so far: the two figures of what a case costs the machine.
 */
export function runtimeCpuMs(stack: LocalStack): { runtime: number; dynamoDb: number } | undefined {
  const runtime = stack.processGroupId();
  const own = runtime === undefined ? undefined : cpuMilliseconds(runtime);
  if (runtime === undefined || own === undefined) return undefined;
  const below = descendantsOf(runtime).map((entry) => cpuMilliseconds(entry.pid) ?? 0);
  return { runtime: own, dynamoDb: below.reduce((sum, ms) => sum + ms, 0) };
}

/** URLs for a case: `count` of them spread over the given operators' domains. */
export function urlsFor(domains: readonly string[], count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, index) => `https://${domains[index % domains.length]}/bench/${tag}/${index}`);
}

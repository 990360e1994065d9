/**
 * The services' world in one process: DynamoDB is a real dynalite on 127.0.0.1 (in memory, the
 * product's table and indexes), SES, Step Functions and SQS are stand-ins that record what was
 * sent, completed, started and queued. Every AWS call of the product goes through a counter, so a test can make
 * the k-th call fail: before it reaches the service, or after the service acted (the answer is
 * lost), once (a passing fault) or for every call from then on (the process died there).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { BatchWriteItemCommand, DeleteTableCommand, ScanCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ensureTable, localDynamoDbClient } from '../../infra/local/dynamodb';
import { closeServer } from '../../infra/local/net';
import { inProcessHandler } from './in-process-dynamodb';
import { handler as deliveryEvents } from '../../functions/events/delivery-events';
import { resetConfigForTests } from '../../shared/runtime/config';
import { logger } from '../../shared/runtime/logger';
import { documentClient } from '../../shared/store/client';
import { forgetRememberedItems } from '../../shared/store/repository';
import { TABLE_KEYS } from '../../shared/store/table';

export const TEST_STATE_MACHINE_ARN = 'arn:aws:states:ap-northeast-2:000000000000:stateMachine:case-workflow';
export const TEST_TABLE = 'urgent-deliberation-world';
export const COMMITTEE = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'] as const;
export const STAFF_EMAILS = ['duty-officer@commission.example'];

export interface Mail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  /** The SES configuration set the message was sent with, when it named one. */
  readonly configurationSet?: string;
  readonly replyTo: readonly string[];
  /** The message's own headers (the notice's key among them). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

/** Where the world's e-mails say the web UI and the API are. */
export const WEB_BASE_URL = 'https://web.commission.example';
export const API_BASE_URL = 'https://api.commission.example';

/** A message SQS accepted (the cloud's webhook delivery queue: only where WEBHOOK_QUEUE_URL is set). */
export interface QueuedMessage {
  readonly queueUrl: string;
  readonly messageId: string;
  readonly body: string;
}

/** Where a fault strikes: the k-th AWS call (1-based), before or after the service acted. */
export interface Fault {
  readonly at: number;
  /** Counts only the calls to this service (as the log names it, e.g. 'SFN StartExecution'); by default every call counts. */
  readonly service?: string;
  readonly when: 'before' | 'after';
  /** The process died there: this call and every later one fail until `disarm`. */
  readonly crash: boolean;
}

/** What an injected fault throws: for the product, a network failure like any other. */
export class InjectedFault extends Error {
  constructor(call: number, service: string, when: string) {
    super(`injected fault at AWS call ${call} (${service}, ${when} it acted)`);
    this.name = 'InjectedFault';
  }
}

export class Faults {
  private count = 0;
  /** The fault that strikes while armed; `fault` keeps the last one armed, for the assertions after. */
  private armed: Fault | undefined;
  fault: Fault | undefined;
  private crashed = false;
  /** The call the armed fault struck, once it has: which service, and before or after it acted. */
  struck: { readonly service: string; readonly when: Fault['when']; readonly call: number } | undefined;

  /** The services called since the last reset or arm, in order (for a failing test's message). */
  readonly log: string[] = [];

  /** AWS calls made since the last reset or arm. */
  get calls(): number {
    return this.count;
  }

  arm(fault: Fault): void {
    this.count = 0;
    this.log.length = 0;
    this.armed = fault;
    this.fault = fault;
    this.crashed = false;
    this.struck = undefined;
  }

  disarm(): void {
    this.armed = undefined;
    this.crashed = false;
  }

  reset(): void {
    this.disarm();
    this.fault = undefined;
    this.count = 0;
    this.log.length = 0;
    this.struck = undefined;
  }

  /** Runs `act` from a fresh log, nothing armed, and answers what it returned with the AWS calls it made, in order. */
  async callsOf<T>(act: () => Promise<T>): Promise<[T, string[]]> {
    this.reset();
    const result = await act();
    return [result, [...this.log]];
  }

  /** Which call this is as the fault counts: the n-th of all, or the k-th to its service (0 for another service). */
  private position(fault: Fault, service: string, n: number): number {
    if (fault.service === undefined) return n;
    return service === fault.service ? this.log.filter((logged) => logged === service).length : 0;
  }

  /** Wraps one AWS call: counts it, and fails it where the armed fault says. */
  async around<T>(service: string, call: () => Promise<T> | T): Promise<T> {
    this.count += 1;
    const n = this.count;
    this.log.push(service);
    const fault = this.armed;
    if (this.crashed) throw new InjectedFault(n, service, 'before');
    const strikesHere = fault !== undefined && this.position(fault, service, n) === fault.at;
    if (fault && strikesHere && fault.when === 'before') {
      this.struck = { service, when: 'before', call: n };
      if (fault.crash) this.crashed = true;
      throw new InjectedFault(n, service, 'before');
    }
    const result = await call();
    if (fault && strikesHere && fault.when === 'after') {
      this.struck = { service, when: 'after', call: n };
      if (fault.crash) this.crashed = true;
      throw new InjectedFault(n, service, 'after');
    }
    return result;
  }
}

export interface World {
  readonly faults: Faults;
  /** E-mails SES accepted, in order. */
  readonly mails: Mail[];
  /** Messages SQS accepted, in order. */
  readonly queued: QueuedMessage[];
  /** SendTaskSuccess calls that completed a live wait. */
  readonly completedWaits: { token: string; output: unknown }[];
  /** Case ids whose execution was started. */
  readonly executions: Set<string>;
  /** A token a running wait holds: completing it succeeds once, as in Step Functions. */
  liveToken(token: string): void;
  /**
   * SES refuses, for good, every message to this address from now on (until `reset`): SendEmail
   * throws an error named MessageRejected, as SES does for an address it will not send to.
   */
  rejectAddress(address: string): void;
  /** The addresses SES refuses (see `rejectAddress`). */
  readonly rejectedAddresses: ReadonlySet<string>;
  /** Empties the table and every record; the policy given replaces the environment's. */
  reset(policy?: object): Promise<void>;
  /**
   * Hands the DeliveryEvents Lambda SES's Send event of each e-mail accepted since the last call,
   * as SES publishes them through SNS moments after it answered, whatever became of its sender.
   */
  publishSends(): Promise<void>;
  /** Everything the world holds now: the table's items and what the stand-ins recorded. */
  snapshot(): Promise<WorldSnapshot>;
  /** The table holding what the snapshot held, and nothing else (much faster than planting it again). */
  restore(snapshot: WorldSnapshot, policy?: object): Promise<void>;
  close(): Promise<void>;
}

export interface WorldSnapshot {
  readonly items: Record<string, AttributeValue>[];
  readonly mails: readonly Mail[];
  readonly queued: readonly QueuedMessage[];
  readonly completedWaits: readonly { token: string; output: unknown }[];
  readonly executions: readonly string[];
  readonly live: readonly string[];
  /** The addresses SES refuses (`rejectAddress`). */
  readonly rejected?: readonly string[];
}

/** What SES answers for an address it will not send to (SES v2: a 400 MessageRejected). */
export class MessageRejected extends Error {
  readonly $metadata = { httpStatusCode: 400 };
  readonly $fault = 'client';
  constructor(address: string) {
    super(`Email address is not verified. The following identities failed the check: ${address}`);
    this.name = 'MessageRejected';
  }
}

const BATCH_WRITE_LIMIT = 25;

/** An item's primary key, as the table names it. */
function keyOf(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const { [TABLE_KEYS.partitionKey]: partition, [TABLE_KEYS.sortKey]: sort } = item;
  if (partition === undefined || sort === undefined) throw new Error('An item of the table without its primary key.');
  return { [TABLE_KEYS.partitionKey]: partition, [TABLE_KEYS.sortKey]: sort };
}

const itemKey = (item: Record<string, AttributeValue>): string => JSON.stringify(keyOf(item));

/**
 * The test file's world: started before its first test, closed after its last, and (unless
 * `resetEachTest` is false) emptied before each test. What it returns stands for the world once
 * started; touching it before then, at import time, is a mistake it names.
 */
export function useWorld({ resetEachTest = true }: { readonly resetEachTest?: boolean } = {}): World {
  let started: World | undefined;
  beforeAll(async () => {
    started = await startWorld();
  });
  afterAll(async () => {
    await started?.close();
  });
  if (resetEachTest) {
    beforeEach(async () => {
      await started?.reset();
    });
  }
  return new Proxy({} as World, {
    get(_unused, property) {
      if (started === undefined) throw new Error('The world starts in beforeAll: use it inside a hook or a test.');
      return Reflect.get(started, property);
    },
  });
}

/**
 * Tables made in this process, worlds of every test file alike: a table name is never used twice,
 * so what the product caches per table (shared/runtime/config.ts, heldForTable) never outlives it.
 */
let tables = 0;

export async function startWorld(): Promise<World> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  delete process.env.TABLE_NAME;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    STATE_MACHINE_ARN: TEST_STATE_MACHINE_ARN,
    COMMITTEE_MEMBERS: COMMITTEE.join(','),
    STAFF_EMAILS: STAFF_EMAILS.join(','),
    NOTICE_FROM: 'notices@commission.example',
    PUBLIC_BASE_URL: WEB_BASE_URL,
    API_BASE_URL: API_BASE_URL,
  });
  logger.setLogLevel('SILENT');
  const admin = localDynamoDbClient(endpoint);
  const transport = inProcessHandler(server);
  admin.config.requestHandler = transport;
  const socketTransport = documentClient.config.requestHandler;
  documentClient.config.requestHandler = transport;
  // The transport and middleware change between calls (faults here, tests' own probes): a handler
  // the client cached before would not see them.
  const cachedMiddleware = documentClient.config.cacheMiddleware;
  documentClient.config.cacheMiddleware = false;
  const faults = new Faults();

  documentClient.middlewareStack.add(
    (next, context) => (args) => faults.around(`DynamoDB ${String(context.commandName)}`, () => next(args)),
    {
      step: 'initialize',
      name: 'injectFaults',
    },
  );

  const mails: Mail[] = [];
  const queued: QueuedMessage[] = [];
  const completedWaits: { token: string; output: unknown }[] = [];
  const executions = new Set<string>();
  const live = new Set<string>();
  const rejected = new Set<string>();

  const ses = mockClient(SESv2Client);
  const sfn = mockClient(SFNClient);
  const sqs = mockClient(SQSClient);
  const arm = () => {
    ses.reset();
    sfn.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) =>
      faults.around('SQS SendMessage', () => {
        const messageId = `queued-${queued.length + 1}`;
        queued.push({ queueUrl: input.QueueUrl ?? '', messageId, body: input.MessageBody ?? '' });
        return { MessageId: messageId };
      }),
    );
    ses.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) =>
      faults.around('SES SendEmail', () => {
        const refused = (input.Destination?.ToAddresses ?? []).find((address) => rejected.has(address));
        if (refused !== undefined) throw new MessageRejected(refused);
        const messageId = `message-${mails.length + 1}`;
        mails.push({
          to: [...(input.Destination?.ToAddresses ?? [])],
          subject: input.Content?.Simple?.Subject?.Data ?? '',
          text: input.Content?.Simple?.Body?.Text?.Data ?? '',
          messageId,
          replyTo: [...(input.ReplyToAddresses ?? [])],
          headers: (input.Content?.Simple?.Headers ?? []).map((header) => ({ name: header.Name ?? '', value: header.Value ?? '' })),
          ...(input.ConfigurationSetName === undefined ? {} : { configurationSet: input.ConfigurationSetName }),
        });
        return { MessageId: messageId };
      }),
    );
    sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) =>
      faults.around('SFN SendTaskSuccess', () => {
        if (!live.delete(input.taskToken)) throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
        completedWaits.push({ token: input.taskToken, output: JSON.parse(input.output) });
        return {};
      }),
    );
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) =>
      faults.around('SFN StartExecution', () => {
        executions.add(input.name);
        return { executionArn: `${TEST_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date(0) };
      }),
    );
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) =>
      faults.around('SFN DescribeExecution', () => {
        const name = input.executionArn.split(':').at(-1) ?? '';
        if (!executions.has(name)) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
        return { status: 'RUNNING' };
      }),
    );
  };

  /** How many of `mails` SES has published its Send event of. */
  let published = 0;

  /** Forgets what the stand-ins recorded and any fault; the policy given replaces the environment's. */
  const clearRecords = (policy: object | undefined): void => {
    faults.reset();
    mails.length = 0;
    published = 0;
    queued.length = 0;
    completedWaits.length = 0;
    executions.clear();
    live.clear();
    rejected.clear();
    arm();
    if (policy === undefined) delete process.env.POLICY_JSON;
    else process.env.POLICY_JSON = JSON.stringify(policy);
    resetConfigForTests();
  };

  /** Every item of the current table. */
  const tableItems = async (): Promise<Record<string, AttributeValue>[]> => {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await admin.send(new ScanCommand({ TableName: process.env.TABLE_NAME, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  const world: World = {
    faults,
    mails,
    queued,
    completedWaits,
    executions,
    liveToken: (token) => live.add(token),
    rejectAddress: (address) => rejected.add(address),
    rejectedAddresses: rejected,
    async reset(policy) {
      // A fresh table each time: dynalite drops a deleted table in the background, so recreating
      // one of the same name can race with its deletion.
      const previous = process.env.TABLE_NAME;
      tables += 1;
      process.env.TABLE_NAME = `${TEST_TABLE}-${tables}`;
      await ensureTable(admin, process.env.TABLE_NAME);
      if (previous !== undefined && previous !== process.env.TABLE_NAME) {
        await admin.send(new DeleteTableCommand({ TableName: previous })).catch(() => undefined);
      }
      clearRecords(policy);
    },
    async snapshot() {
      return {
        items: await tableItems(),
        mails: [...mails],
        queued: [...queued],
        completedWaits: [...completedWaits],
        executions: [...executions],
        live: [...live],
        rejected: [...rejected],
      };
    },
    async restore(snapshot, policy) {
      clearRecords(policy);
      forgetRememberedItems();
      // The table is mended in place rather than made anew: an act changes a few items, and a new
      // table (its indexes, the old one's deletion) and every item written again cost a fault sweep
      // several times what the act itself does, once per faulted run.
      const wanted = new Map(snapshot.items.map((item) => [itemKey(item), JSON.stringify(item)]));
      const writes: WriteRequest[] = [];
      for (const item of await tableItems()) {
        const key = itemKey(item);
        const text = wanted.get(key);
        if (text === undefined) writes.push({ DeleteRequest: { Key: keyOf(item) } });
        else if (text === JSON.stringify(item)) wanted.delete(key);
      }
      for (const item of snapshot.items) if (wanted.has(itemKey(item))) writes.push({ PutRequest: { Item: item } });
      for (let start = 0; start < writes.length; start += BATCH_WRITE_LIMIT) {
        const batch = writes.slice(start, start + BATCH_WRITE_LIMIT);
        await admin.send(new BatchWriteItemCommand({ RequestItems: { [process.env.TABLE_NAME as string]: batch } }));
      }
      mails.push(...snapshot.mails);
      queued.push(...snapshot.queued);
      completedWaits.push(...snapshot.completedWaits);
      for (const name of snapshot.executions) executions.add(name);
      for (const token of snapshot.live) live.add(token);
      for (const address of snapshot.rejected ?? []) rejected.add(address);
      // What the snapshot holds happened before: SES published those events then.
      published = mails.length;
    },
    async publishSends() {
      for (; published < mails.length; published += 1) {
        const mail = mails[published] as Mail;
        const record = {
          eventType: 'Send',
          mail: {
            messageId: mail.messageId,
            timestamp: new Date().toISOString(),
            destination: mail.to,
            headersTruncated: false,
            headers: mail.headers,
          },
          send: {},
        };
        await deliveryEvents({ Records: [{ Sns: { Message: JSON.stringify(record), MessageId: `sns-${mail.messageId}` } }] } as SNSEvent);
      }
    },
    async close() {
      ses.restore();
      sfn.restore();
      sqs.restore();
      documentClient.middlewareStack.remove('injectFaults');
      documentClient.config.requestHandler = socketTransport;
      documentClient.config.cacheMiddleware = cachedMiddleware;
      await closeServer(server);
    },
  };
  await world.reset();
  return world;
}

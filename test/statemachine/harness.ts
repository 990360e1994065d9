/**
 * Runs the real statemachines/case-workflow.asl.json with aws-local-stepfunctions, every task
 * served by its real handler (infra/functions.ts), DynamoDB served by an in-memory dynalite on
 * 127.0.0.1, and SES and Step Functions' API mocked with aws-sdk-client-mock:
 * - StartExecution (what filing a report calls) starts the local execution of that case;
 * - a `.waitForTaskToken` state gets a token of its own (the engine's context is static, so
 *   `$$.Task.Token` is one string for every task), the real StoreTaskToken handler stores it,
 *   and SendTaskSuccess with that token (from any service) ends the wait with its output;
 * - every e-mail is recorded: to whom, subject, text.
 * Tests act as people through the same services as the API handlers, and synchronise on what
 * the execution did (`until`), never on elapsed time.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StateMachine } from 'aws-local-stepfunctions';
import dynalite from 'dynalite';
import { workflowFunctions, type WorkflowFunctionName } from '../../infra/functions';
import { ensureTable, localDynamoDbClient } from '../../infra/local/dynamodb';
import { closeServer } from '../../infra/local/net';
import { bindArns, START_CHILD_EXECUTION } from '../../statemachines/builder';
import { caseIdOf } from '../../shared/domain/ids';
import type { CaseRecord } from '../../shared/domain/model';
import { getCase } from '../../shared/store/repository';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ASL_PATH = path.join(ROOT, 'statemachines', 'case-workflow.asl.json');
export const BATCH_ASL_PATH = path.join(ROOT, 'statemachines', 'case-batch.asl.json');
const STATE_MACHINE_ARN_PREFIX = 'arn:aws:states:ap-northeast-2:000000000000:stateMachine:';
const TABLE_NAME = 'urgent-deliberation-test';
const FUNCTION_ARN_PREFIX = 'arn:aws:lambda:ap-northeast-2:000000000000:function:';
/** Retries wait this long here instead of 2 s, 4 s, 8 s... */
const RETRY_INTERVAL_MS = 100;

/** Seconds instead of hours and days: every window of the workflow passes within a test. */
export const FAST_POLICY = {
  id: 'kr-statemachine-test',
  approvalSla: 'PT30S',
  complianceDeadline: 'PT4S',
  reminders: [],
  lateComplianceGrace: 'PT3S',
  postReviewWindow: 'PT3S',
  appealWindow: 'PT3S',
  appealReviewWindow: 'PT3S',
} as const;

export const COMMITTEE = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'] as const;
export const STAFF_EMAILS = ['duty-officer@commission.example', 'legal-team@commission.example'];

export interface Mail {
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
}

/** One thing a task did: `start` when the state invoked its Lambda, `end` when it answered. */
export interface TaskEvent {
  readonly caseId: string;
  readonly state: string;
  readonly phase: 'start' | 'end';
  readonly payload: Record<string, unknown>;
  readonly result?: unknown;
}

interface Pending {
  resolve: (output: unknown) => void;
  spent: boolean;
}

type Handler = (payload: unknown) => Promise<unknown>;
type Json = Record<string, unknown>;

export interface Execution {
  readonly caseId: string;
  readonly result: Promise<unknown>;
  /** The JSON size of every state's input and output, for the payload-size check. */
  readonly sizes: { state: string; bytes: number }[];
}

export interface WorkflowHarness {
  /** Executions started through StartExecution, by case id. */
  execution(caseId: string): Execution;
  /** Waits for the case's execution to end and answers the case as it is then. */
  finished(caseId: string): Promise<CaseRecord>;
  /** Resolves with the n-th (1-based) task event that matches, already happened or still to come. */
  until(
    match: Partial<Pick<TaskEvent, 'caseId' | 'state' | 'phase'>> & { where?: (event: TaskEvent) => boolean; nth?: number },
  ): Promise<TaskEvent>;
  events(caseId: string): TaskEvent[];
  /** E-mails whose subject or text names the case (every id of a case contains its ULID). */
  mails(caseId: string): Mail[];
  /** Replaces the policy (POLICY_JSON) for what runs next. */
  usePolicy(policy: object): Promise<void>;
  /**
   * SES refuses for good (MessageRejected) every message to this address until `acceptAddress`:
   * the message is not sent, and the sender gets the error SES answers.
   */
  rejectAddress(address: string): void;
  acceptAddress(address: string): void;
  close(): Promise<void>;
}

function definitionOf(file: string): Json {
  const text = bindArns(readFileSync(file, 'utf8'), {
    function: (name) => `${FUNCTION_ARN_PREFIX}${name}`,
    stateMachine: (name) => `${STATE_MACHINE_ARN_PREFIX}${name}`,
  });
  return adaptTimeoutPaths(JSON.parse(text) as Json);
}

/**
 * Known divergence: aws-local-stepfunctions resolves TimeoutSecondsPath against the task's
 * Parameters, AWS (and infra/local) against the state's input. The same value is handed through
 * the payload here, so the engine times the wait exactly as AWS would; handlers ignore the field.
 */
function adaptTimeoutPaths(definition: Json): Json {
  const visit = (states: Record<string, Json>) => {
    for (const state of Object.values(states)) {
      if (state.Type === 'Task' && typeof state.TimeoutSecondsPath === 'string') {
        const parameters = state.Parameters as { Payload: Json };
        parameters.Payload['timeoutSeconds.$'] = state.TimeoutSecondsPath;
        state.TimeoutSecondsPath = '$.Payload.timeoutSeconds';
      }
      for (const branch of (state.Branches as Json[] | undefined) ?? []) visit(branch.States as Record<string, Json>);
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) visit(processor.States as Record<string, Json>);
    }
  };
  visit(definition.States as Record<string, Json>);
  return definition;
}

/** The longest delay Node's setTimeout keeps (about 24.8 days); a longer one fires at once. */
const LONGEST_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * Known divergence: aws-local-stepfunctions arms one setTimeout per task timeout, so a wait of
 * more than about 24.8 days (an escalated review's, which lasts as long as an execution may)
 * would time out at once. The override runs before the engine reads the timeout from the same
 * payload (adaptTimeoutPaths), so it caps it there: every test's wait ends long before.
 */
function capTimeout(payload: Json): void {
  if (typeof payload.timeoutSeconds === 'number') payload.timeoutSeconds = Math.min(payload.timeoutSeconds, LONGEST_TIMER_SECONDS);
}

/** Every Task state of the definition, at any depth, with its resource. */
function taskStates(definition: Json): { name: string; resource: string }[] {
  const found: { name: string; resource: string }[] = [];
  const visit = (states: Record<string, Json>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') found.push({ name, resource: String(state.Resource) });
      for (const branch of (state.Branches as Json[] | undefined) ?? []) visit(branch.States as Record<string, Json>);
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) visit(processor.States as Record<string, Json>);
    }
  };
  visit(definition.States as Record<string, Json>);
  return found;
}

function caseOfPayload(payload: Json): string {
  for (const field of ['caseId', 'orderId', 'reviewId', 'appealId']) {
    const value = payload[field];
    if (typeof value === 'string') {
      const caseId = caseIdOf(value);
      if (caseId) return caseId;
    }
  }
  return 'unknown';
}

function mailOf(input: SendEmailCommandInput): Mail {
  return {
    to: [...(input.Destination?.ToAddresses ?? [])],
    subject: input.Content?.Simple?.Subject?.Data ?? '',
    text: input.Content?.Simple?.Body?.Text?.Data ?? '',
  };
}

async function policyEnv(policy: object): Promise<void> {
  process.env.POLICY_JSON = JSON.stringify(policy);
  const { resetConfigForTests } = await import('../../shared/runtime/config');
  resetConfigForTests();
}

export async function startWorkflowHarness(policy: object = FAST_POLICY): Promise<WorkflowHarness> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    TABLE_NAME,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    STATE_MACHINE_ARN: 'arn:aws:states:ap-northeast-2:000000000000:stateMachine:case-workflow',
    COMMITTEE_MEMBERS: COMMITTEE.join(','),
    STAFF_EMAILS: STAFF_EMAILS.join(','),
    NOTICE_FROM: 'notices@commission.example',
    LOG_LEVEL: 'ERROR',
  });
  await policyEnv(policy);
  const { logger } = await import('../../shared/runtime/logger');
  logger.setLogLevel('ERROR');
  await ensureTable(localDynamoDbClient(endpoint), TABLE_NAME);
  // The store adapter reads the environment: import it (through the seed and the handlers) only now.
  const { seedOperators } = await import('../../infra/local/seed');
  await seedOperators(new Date().toISOString());

  const handlers = new Map<string, Handler>();
  for (const [name, entry] of Object.entries(workflowFunctions) as [WorkflowFunctionName, string][]) {
    const module = (await import(path.join(ROOT, entry))) as { handler: Handler };
    handlers.set(name, module.handler);
  }
  const handlerFor = (functionName: unknown): Handler => {
    const name = String(functionName).slice(FUNCTION_ARN_PREFIX.length);
    const handler = handlers.get(name);
    if (!handler) throw new Error(`The ASL names function ${String(functionName)}, which infra/functions.ts does not list.`);
    return handler;
  };

  const mails: Mail[] = [];
  const rejected = new Set<string>();
  const sesMock = mockClient(SESv2Client);
  let messages = 0;
  sesMock.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) => {
    const refused = (input.Destination?.ToAddresses ?? []).find((address) => rejected.has(address));
    if (refused !== undefined) {
      throw Object.assign(new Error(`Email address is not verified. The following identities failed the check: ${refused}`), {
        name: 'MessageRejected',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    }
    mails.push(mailOf(input));
    messages += 1;
    return { MessageId: `message-${messages}` };
  });

  const pending = new Map<string, Pending>();
  const sfnMock = mockClient(SFNClient);
  sfnMock.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
    const wait = pending.get(input.taskToken);
    if (!wait || wait.spent) throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    wait.spent = true;
    wait.resolve(JSON.parse(input.output));
    return {};
  });

  const events: TaskEvent[] = [];
  const waiters: { test: () => TaskEvent | undefined; resolve: (event: TaskEvent) => void }[] = [];
  const record = (event: TaskEvent) => {
    events.push(event);
    for (const waiter of [...waiters]) {
      const hit = waiter.test();
      if (hit) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(hit);
      }
    }
  };

  const definition = definitionOf(ASL_PATH);
  const batchDefinition = definitionOf(BATCH_ASL_PATH);
  const tasks = [...taskStates(definition), ...taskStates(batchDefinition)];
  let tokens = 0;
  const overrides: Record<string, (input: Json) => Promise<unknown>> = {};
  const executions = new Map<string, Execution>();
  const batchMachine = new StateMachine(batchDefinition as never, { validationOptions: { checkPaths: true, checkArn: true } });
  const runOptions = () => ({
    overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
    // Static, as the library's context is: a batch's child is named after the start's retry count,
    // and these runs never retry a start (their children run inline, see runChild).
    context: { Task: { Token: 'the-static-token-of-aws-local-stepfunctions' }, State: { RetryCount: 0 } },
  });
  /**
   * aws-local-stepfunctions runs Lambda tasks only: a `startExecution.sync:2` state is served
   * here by running the child's definition with the same library and the same task handlers,
   * its sizes counted with its parent's. A child that does not succeed fails the state with
   * States.TaskFailed, as AWS's integration does.
   */
  const runChild = async (input: Json): Promise<unknown> => {
    const childInput = input.Input as Json;
    const run = batchMachine.run(childInput as never, runOptions());
    const parent = executions.get(String(childInput.caseId));
    if (parent) void collectSizes(run.eventLogs, parent.sizes);
    try {
      return { Name: input.Name, Status: 'SUCCEEDED', Output: await run.result };
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      throw Object.assign(new Error(JSON.stringify({ Name: input.Name, Status: 'FAILED', Error: cause?.name, Cause: cause?.message })), {
        name: 'States.TaskFailed',
      });
    }
  };
  for (const { name, resource } of tasks) {
    if (resource === START_CHILD_EXECUTION) {
      overrides[name] = runChild;
      continue;
    }
    overrides[name] = async (input: Json) => {
      const payload = input.Payload as Json;
      capTimeout(payload);
      const caseId = caseOfPayload(payload);
      const handler = handlerFor(input.FunctionName);
      if (resource.endsWith('.waitForTaskToken')) {
        tokens += 1;
        const waitsFor = `${caseId}-${String(payload.purpose)}`;
        const token = `token-${tokens}-${waitsFor}`;
        // An older wait for the same thing has ended (timed out): its token is spent, as in AWS.
        for (const [other, wait] of pending) if (other.endsWith(`-${waitsFor}`)) wait.spent = true;
        const output = new Promise<unknown>((resolve) => pending.set(token, { resolve, spent: false }));
        record({ caseId, state: name, phase: 'start', payload });
        await handler({ ...payload, taskToken: token });
        record({ caseId, state: name, phase: 'end', payload });
        return output;
      }
      record({ caseId, state: name, phase: 'start', payload });
      const result = await handler(payload);
      record({ caseId, state: name, phase: 'end', payload, result });
      return { Payload: result, StatusCode: 200 };
    };
  }
  const retryIntervalOverrides = Object.fromEntries(tasks.map(({ name }) => [name, RETRY_INTERVAL_MS]));
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true, checkArn: true } });

  sfnMock.on(StartExecutionCommand).callsFake((input: { name: string; input: string }) => {
    if (executions.has(input.name)) return { executionArn: `execution:${input.name}` };
    const run = machine.run(JSON.parse(input.input), runOptions());
    const sizes: { state: string; bytes: number }[] = [];
    // Runs beside the execution and ends with it; the sizes are read after `result` settles. A failure
    // would surface as an unhandled rejection, which vitest reports as an error of the run.
    void collectSizes(run.eventLogs, sizes);
    // A failed execution is asserted through `result` by the test that expects it.
    run.result.catch(() => undefined);
    executions.set(input.name, { caseId: input.name, result: run.result, sizes });
    return { executionArn: `execution:${input.name}` };
  });

  const executionOf = (caseId: string): Execution => {
    const execution = executions.get(caseId);
    if (!execution) throw new Error(`No execution was started for ${caseId}.`);
    return execution;
  };
  return {
    execution: executionOf,
    async finished(caseId) {
      await executionOf(caseId).result;
      const record = await getCase(caseId);
      if (!record) throw new Error(`case ${caseId} vanished`);
      return record;
    },
    until({ where, nth = 1, ...fields }) {
      const test = () =>
        events
          .filter(
            (event) =>
              (fields.caseId === undefined || event.caseId === fields.caseId) &&
              (fields.state === undefined || event.state === fields.state) &&
              (fields.phase ?? 'end') === event.phase &&
              (where === undefined || where(event)),
          )
          .at(nth - 1);
      const hit = test();
      if (hit) return Promise.resolve(hit);
      const awaited = new Promise<TaskEvent>((resolve) => waiters.push({ test, resolve }));
      const execution = fields.caseId === undefined ? undefined : executions.get(fields.caseId);
      if (!execution) return awaited;
      // An execution that ends first would leave the test waiting for ever: say so instead.
      const ended = execution.result.then(
        () => test() ?? Promise.reject(new Error(`the execution of ${fields.caseId} ended before ${JSON.stringify(fields)} happened`)),
        (error: unknown) =>
          Promise.reject(new Error(`the execution of ${fields.caseId} failed before ${JSON.stringify(fields)}: ${String(error)}`)),
      );
      return Promise.race([awaited, ended]);
    },
    events: (caseId) => events.filter((event) => event.caseId === caseId),
    mails: (caseId) => {
      const ulid = caseId.slice(1);
      return mails.filter((mail) => mail.subject.includes(ulid) || mail.text.includes(ulid));
    },
    usePolicy: policyEnv,
    rejectAddress: (address) => rejected.add(address),
    acceptAddress: (address) => rejected.delete(address),
    async close() {
      sesMock.restore();
      sfnMock.restore();
      await closeServer(server);
    },
  };
}

type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];

async function collectSizes(logs: EventLogs, sizes: { state: string; bytes: number }[]): Promise<void> {
  for await (const event of logs) {
    if (event.type === 'StateEntered' || event.type === 'StateExited') {
      const state = event.state as { name: string; input: unknown; output?: unknown };
      sizes.push({ state: state.name, bytes: Buffer.byteLength(JSON.stringify(state.input) ?? '') });
      if (state.output !== undefined) sizes.push({ state: state.name, bytes: Buffer.byteLength(JSON.stringify(state.output)) });
    }
  }
}

/**
 * `npm start`: the whole system on one machine. The AWS services are stand-ins that speak the AWS
 * wire protocols (dynalite, aws-ses-v2-local, the local Step Functions engine, an API Gateway
 * adapter, a timer for EventBridge); the handlers are the same files the cloud runs, with only the
 * endpoints in their environment changed. No rule of the product lives here.
 *
 * Handlers and the store adapter read the environment when first loaded, so this file sets it
 * before anything imports them: they are loaded on demand (`import()`), never statically.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiFunctions, eventFunctions, scheduledFunctions, TASK_AGING_MS, TASK_LANES, taskLane } from '../functions';
import { INTAKE_ROUTES, intakeRefusal } from './apigateway/admission';
import { RouteTable } from './apigateway/routes';
import { startApiGateway, type LocalApiGateway } from './apigateway/server';
import { authenticateLocalClient, LOCAL_MACHINE_CLIENTS_SETTING } from './auth/clients';
import { createTokenIssuer } from './auth/tokens';
import { findLocalUser, LOCAL_COMMITTEE, LOCAL_USERS } from './auth/users';
import { loadLocalConfig, StartupError, type LocalConfig } from './config';
import { DataDirInUseError, lockDataDir, type DataDirLock } from './datadir/lock';
import { DynamoDbProcessError, ensureTable, localDynamoDbClient, startDynamoDb, type LocalDynamoDb } from './dynamodb';
import { deliverExecutionStatusChange, startScheduler, type LocalScheduler } from './eventbridge';
import { ROOT_DIR } from './layout';
import {
  createLambdaInvoker,
  definitionSubstitutions,
  functionNameOf,
  LOCAL_REGION,
  substituteDefinition,
  withConcurrencyLimit,
} from './lambda';
import { snsEventOf, startSes, type LocalSes, type SesEventSink } from './ses';
import { acceptedDefinitionsIn, startLocalStepFunctions } from './stepfunctions';
import { PortInUseError } from './net';
import { ensureWebBuilt } from './web';
import { LOCAL_TABLE_NAME } from '../../shared/store/table';
import { CASE_BATCH_MACHINE } from '../../statemachines/case-workflow';

const STATE_MACHINE_NAME = 'case-workflow';
const DELIVERY_EVENTS_FUNCTION = eventFunctions.find((fn) => fn.source === 'ses-delivery-events')?.name ?? 'DeliveryEvents';
const DEFINITION_FILE = path.join(ROOT_DIR, 'statemachines', 'case-workflow.asl.json');
/** The state machine of the case workflow's batches, which it starts as child executions. */
const BATCH_STATE_MACHINE_NAME = 'case-batch';
const BATCH_DEFINITION_FILE = path.join(ROOT_DIR, 'statemachines', 'case-batch.asl.json');

/** Where the engine remembers the definitions it has checked, as build tools keep their caches. */
const ACCEPTED_DEFINITIONS_DIR = path.join(ROOT_DIR, 'node_modules', '.cache', 'urgent-deliberation', 'accepted-definitions');

const log = (message: string): void => console.log(message);
const warn = (message: string): void => console.error(message);

interface Running {
  lock?: DataDirLock;
  dynamoDb?: LocalDynamoDb;
  ses?: LocalSes;
  stepFunctions?: { close(): Promise<void> };
  api?: LocalApiGateway;
  scheduler?: LocalScheduler;
}

const running: Running = {};

/** The environment every handler reads (docs/architecture.md), set before any handler is loaded. */
function setHandlerEnvironment(config: LocalConfig, endpoints: { dynamoDb: string; ses: string; sfn: string }): void {
  const env = process.env;
  env.AWS_REGION = LOCAL_REGION;
  env.AWS_DEFAULT_REGION = LOCAL_REGION;
  // Dummy credentials always: a local run must never sign requests with a developer's real ones.
  env.AWS_ACCESS_KEY_ID = 'local';
  env.AWS_SECRET_ACCESS_KEY = 'local';
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamoDb;
  env.AWS_ENDPOINT_URL_SFN = endpoints.sfn;
  env.AWS_ENDPOINT_URL_SES = endpoints.ses;
  env.AWS_ENDPOINT_URL_SESV2 = endpoints.ses;
  env.TABLE_NAME ||= LOCAL_TABLE_NAME;
  env.NOTICE_FROM ||= 'notices@urgent-deliberation.example';
  env.STAFF_EMAILS = config.staffEmails;
  env.COMMITTEE_MEMBERS ||= LOCAL_COMMITTEE.join(',');
  env.POLICY_JSON = JSON.stringify(config.policy);
  env.MACHINE_CLIENTS = LOCAL_MACHINE_CLIENTS_SETTING;
  // The gateway serves the web UI and the API at one address: e-mails link there.
  env.PUBLIC_BASE_URL ||= `http://${config.host}:${config.port}`;
  env.API_BASE_URL ||= env.PUBLIC_BASE_URL;
  // The data directory's lock makes this process the table's only writer (figures 3 and 6 of the
  // benchmark turn it off: 3 writes the table from its own process too, 6 prices a case as the cloud runs it).
  env.SINGLE_WRITER_PROCESS ||= 'true';
}

async function start(): Promise<void> {
  const config = loadLocalConfig(process.env, process.cwd());
  running.lock = await lockDataDir(config.dataDir);
  const loopback = (port: number): string => `http://${config.host}:${port}`;

  // Fixed ports give the endpoints before anything listens: the engine may resume executions,
  // and so call handlers, as soon as it starts.
  setHandlerEnvironment(config, {
    dynamoDb: loopback(config.dynamoDbPort),
    ses: loopback(config.sesPort),
    sfn: loopback(config.sfnPort),
  });

  // DynamoDB boots in its own process while this one starts SES and the engine: neither needs the
  // table until a handler runs, and handlers wait for `handlersReady` below.
  const dynamoDbStarting = startDynamoDb({
    dataDir: config.dataDir,
    port: config.dynamoDbPort,
    host: config.host,
    // Every part depends on the store: without it, stop, and the next start carries on from disk.
    onUnexpectedExit: (error) => void failAndExit(error),
  }).then((dynamoDb) => (running.dynamoDb = dynamoDb));
  // Awaited below; until then a failure must not count as unhandled (the start-up reports it).
  dynamoDbStarting.catch(() => undefined);
  // SES's events about each message reach the same Lambda as in the cloud, once the handlers can run.
  let handlersStarted!: (invoke: SesEventSink) => void;
  const deliveryEvents = new Promise<SesEventSink>((resolve) => (handlersStarted = resolve));
  running.ses = await startSes({
    port: config.sesPort,
    host: config.host,
    dataDir: config.dataDir,
    onEvent: async (message) => (await deliveryEvents)(message),
    log: warn,
  });
  process.env.AWS_ENDPOINT_URL_SES = running.ses.endpoint;
  process.env.AWS_ENDPOINT_URL_SESV2 = running.ses.endpoint;

  const lambda = createLambdaInvoker();
  // The engine resumes executions as soon as it starts; their tasks wait until the table is there
  // and STATE_MACHINE_ARN is final, since a handler's config is read once and kept.
  let handlersCanRun!: () => void;
  const handlersReady = new Promise<void>((resolve) => (handlersCanRun = resolve));
  // The workflow's task Lambdas take turns for the slots, a deadline's first, then an order's
  // notice; how long they wait decides whether the API takes new cases.
  const invokeTask = withConcurrencyLimit(
    async (functionArn: string, payload: unknown) => {
      await handlersReady;
      return lambda.invoke(functionArn, payload);
    },
    config.taskConcurrency,
    { laneOf: (functionArn) => taskLane(functionNameOf(functionArn)), lanes: TASK_LANES, agingMs: TASK_AGING_MS },
  );
  const stepFunctions = await startLocalStepFunctions({
    dataDir: path.join(config.dataDir, 'stepfunctions'),
    port: config.sfnPort,
    host: config.host,
    acceptedDefinitions: acceptedDefinitionsIn(ACCEPTED_DEFINITIONS_DIR),
    invokeLambda: invokeTask,
    // The cloud's EventBridge rule on the case workflow's failed, timed-out and aborted executions.
    onExecutionEnded: async (event) => {
      await handlersReady;
      await deliverExecutionStatusChange(event, {
        stateMachineArn: process.env.STATE_MACHINE_ARN ?? '',
        functions: eventFunctions,
        invoke: (functionName, statusChange) => lambda.invoke(functionName, statusChange),
      });
    },
    logger: {
      info: (message, details) => log(`Step Functions: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
      error: (message, details) => warn(`Step Functions: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
    },
  }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? new PortInUseError(config.sfnPort, config.host, 'SFN_PORT') : error;
  });
  running.stepFunctions = stepFunctions;
  process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;

  const definitionOf = (file: string, substitutions: Record<string, string>): string => {
    try {
      return substituteDefinition(readFileSync(file, 'utf8'), substitutions);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === undefined) throw error;
      throw new StartupError(`${path.relative(ROOT_DIR, file)} cannot be read; the case workflow is defined there.`);
    }
  };
  const batchMachineArn = stepFunctions.engine.createStateMachine(
    BATCH_STATE_MACHINE_NAME,
    definitionOf(BATCH_DEFINITION_FILE, definitionSubstitutions()),
  );
  process.env.STATE_MACHINE_ARN = stepFunctions.engine.createStateMachine(
    STATE_MACHINE_NAME,
    definitionOf(DEFINITION_FILE, { ...definitionSubstitutions(), [`${CASE_BATCH_MACHINE}StateMachineArn`]: batchMachineArn }),
  );

  const dynamoDb = await dynamoDbStarting;
  await ensureTable(localDynamoDbClient(dynamoDb.endpoint), process.env.TABLE_NAME as string);
  // LOCAL_HANDLER_DYNAMODB_ENDPOINT lets the benchmark put a request-counting proxy between the
  // handlers and dynalite (test/bench): DynamoDB units per case are measured, not guessed.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = process.env.LOCAL_HANDLER_DYNAMODB_ENDPOINT || dynamoDb.endpoint;
  handlersCanRun();

  handlersStarted(async (message) => {
    await lambda.invoke(DELIVERY_EVENTS_FUNCTION, snsEventOf(message));
  });

  const [{ seedOperators, seedPartners }, { storeActivePolicy }] = await Promise.all([
    import('./seed'),
    import('../../shared/services/policies'),
  ]);
  const now = new Date().toISOString();
  // The policy new cases are filed under is stored under its version before anyone can file one.
  await Promise.all([seedOperators(now), seedPartners(now), storeActivePolicy(now)]);

  if (config.buildWeb) await ensureWebBuilt(ROOT_DIR, warn);

  const issuer = await createTokenIssuer(path.join(config.dataDir, 'auth'));
  running.api = await startApiGateway({
    port: config.port,
    host: config.host,
    routes: new RouteTable(apiFunctions),
    invoke: (functionName, event) => lambda.invoke(functionName, event, { timeoutMs: 30_000 }),
    signIn: {
      users: LOCAL_USERS,
      issue: async (userId) => {
        const user = findLocalUser(userId);
        return user === undefined ? undefined : issuer.issue(user);
      },
      verify: (token) => issuer.verify(token),
      issueClient: async (clientId, clientSecret) => {
        const client = authenticateLocalClient(clientId, clientSecret);
        return client === undefined ? undefined : issuer.issueClient(client);
      },
    },
    publicConfig: {
      apiUrl: '',
      local: true,
      policy: {
        id: config.policy.id,
        timeZone: config.policy.timeZone,
        language: config.policy.language,
        urgentApprovals: config.policy.urgentApprovals,
      },
    },
    webDir: path.join(ROOT_DIR, 'web', 'dist'),
    log: warn,
    admission: {
      routeKeys: INTAKE_ROUTES,
      refusal: () => intakeRefusal(invokeTask.backlog(), config.intakeMaxTaskWaitMs),
    },
  });

  running.scheduler = startScheduler({
    schedules: scheduledFunctions.map((fn) => ({
      name: fn.name,
      everySeconds: config.sweepIntervalSeconds ?? fn.everySeconds,
    })),
    invoke: (functionName, event) => lambda.invoke(functionName, event),
    log: warn,
    stateDir: path.join(config.dataDir, 'eventbridge'),
  });

  log(`API and web UI: ${running.api.endpoint}`);
  log(`SES inbox: ${running.ses.endpoint} (sent e-mails: ${running.ses.endpoint}/store)`);
  log(`DynamoDB: ${dynamoDb.endpoint} (table ${process.env.TABLE_NAME})`);
  log(`Step Functions: ${stepFunctions.endpoint} (state machine ${process.env.STATE_MACHINE_ARN})`);
  log(`Data directory: ${config.dataDir}; policy ${config.policy.id}`);
  log('ready');
}

/** Stops in the reverse order of start, each part even if an earlier one failed to stop. */
async function stop(): Promise<void> {
  const steps: [string, (() => Promise<void>) | undefined][] = [
    ['scheduler', running.scheduler && (() => running.scheduler!.stop())],
    ['API gateway', running.api && (() => running.api!.close())],
    ['Step Functions', running.stepFunctions && (() => running.stepFunctions!.close())],
    ['SES', running.ses && (() => running.ses!.close())],
    ['DynamoDB', running.dynamoDb && (() => running.dynamoDb!.close())],
  ];
  for (const [name, step] of steps) {
    if (!step) continue;
    try {
      await step();
    } catch (error) {
      warn(`Stopping ${name} failed: ${(error as Error).message}`);
    }
  }
  await running.lock?.release();
}

let stoppingSince: number | undefined;
function onSignal(signal: NodeJS.Signals): void {
  if (stoppingSince !== undefined) {
    // tsx relays a signal that the process group already delivered: only a later one means "now".
    if (Date.now() - stoppingSince < 1000) return;
    // The kernel releases the DATA_DIR lock with the process; the next start removes its file.
    warn(`${signal} again: exiting without waiting.`);
    process.exit(1);
  }
  stoppingSince = Date.now();
  log(`${signal}: stopping...`);
  stop().then(
    () => {
      log('stopped');
      process.exit(0);
    },
    () => process.exit(1),
  );
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** Says why, stops what runs, and exits 1: for a failed start-up, or a part that died while running. */
async function failAndExit(error: unknown): Promise<void> {
  // A part that hangs while stopping must not keep a failed runtime alive.
  setTimeout(() => process.exit(1), 15_000).unref();
  if (
    error instanceof StartupError ||
    error instanceof DataDirInUseError ||
    error instanceof PortInUseError ||
    error instanceof DynamoDbProcessError
  ) {
    warn(error.message);
  } else {
    warn(`Start-up failed: ${(error as Error)?.stack ?? String(error)}`);
  }
  await stop();
  process.exit(1);
}

start().catch(failAndExit);

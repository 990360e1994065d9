import { heldOrCreated } from '../domain/held';
import { policyById, resolvePolicy, type Policy } from '../domain/policy';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetrySettings } from '../domain/webhooks';

/**
 * Everything a handler learns from its environment, read once per process. The same handler runs
 * in Lambda and under `npm start`; only these values differ.
 */
export interface Config {
  readonly tableName: string;
  readonly stateMachineArn: string;
  readonly noticeFrom: string;
  /** SES configuration set the notices are sent with (its events say what became of each); none locally. */
  readonly sesConfigurationSet: string | undefined;
  readonly staffEmails: readonly string[];
  readonly committeeMembers: readonly string[];
  readonly policy: Policy;
  /** Where people open the web UI and call the API: e-mails link there (no trailing slash). */
  readonly publicBaseUrl: string;
  readonly apiBaseUrl: string;
  /**
   * `POST_MONITORING_RESOLVE_TO` (local and tests only): the IP address every host name the
   * post-monitoring checker looks up resolves to, so that nothing leaves the machine. Unset: the
   * system resolver.
   */
  readonly monitoringResolveTo: string | undefined;
  /**
   * Machine clients (client-credentials grant) by client id → the operator each acts for
   * (`MACHINE_CLIENTS`: `clientId=operatorId,…`). Cognito's machine tokens carry no custom
   * attributes, so this mapping is where a client's operator is known.
   */
  readonly machineClients: Readonly<Record<string, string>>;
  /**
   * Webhook deliveries: retry timing (`WEBHOOK_RETRY_*_SECONDS`), whether plain HTTP to loopback is
   * allowed (tests), and the SQS queue that feeds the sender (`WEBHOOK_QUEUE_URL`, set by the cloud
   * stack only; without it the scheduled sender posts what is due itself).
   */
  readonly webhooks: { readonly retry: WebhookRetrySettings; readonly allowLoopbackHttp: boolean; readonly queueUrl: string | undefined };
  /**
   * `SINGLE_WRITER_PROCESS=true` (`npm start`): every writer of the table runs in this one process,
   * so what it committed last on a case's chain is nearly always the chain's head, and the next act
   * starts from it (shared/store/journal.ts). Unset in the cloud, where a case's acts are spread
   * over many functions' containers: there a remembered head would mostly be stale, and each stale
   * one costs a refused put.
   */
  readonly singleWriterProcess: boolean;
}

function seconds(value: string | undefined, fallbackMs: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(parsed) && parsed > 0 ? parsed * 1000 : fallbackMs;
}

function pairs(value: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of list(value)) {
    const [key, mapped] = entry.split('=').map((part) => part.trim());
    if (key && mapped) result[key] = mapped;
  }
  return result;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set; the stack or npm start must set it.`);
  return value;
}

function loadPolicy(): Policy {
  const json = process.env.POLICY_JSON;
  if (json) return resolvePolicy(JSON.parse(json));
  return policyById(process.env.POLICY_PROFILE ?? 'kr-kcsc');
}

/** `npm start`'s own address, for a process started without the variables. */
const LOCAL_BASE_URL = 'http://127.0.0.1:3000';

function baseUrl(value: string | undefined, fallback: string): string {
  return (value || fallback).replace(/\/+$/, '');
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= {
    tableName: required('TABLE_NAME'),
    stateMachineArn: process.env.STATE_MACHINE_ARN ?? '',
    noticeFrom: process.env.NOTICE_FROM ?? 'notices@urgent-deliberation.example',
    sesConfigurationSet: process.env.SES_CONFIGURATION_SET || undefined,
    staffEmails: list(process.env.STAFF_EMAILS),
    committeeMembers: list(process.env.COMMITTEE_MEMBERS),
    policy: loadPolicy(),
    publicBaseUrl: baseUrl(process.env.PUBLIC_BASE_URL, LOCAL_BASE_URL),
    apiBaseUrl: baseUrl(process.env.API_BASE_URL || process.env.PUBLIC_BASE_URL, LOCAL_BASE_URL),
    monitoringResolveTo: process.env.POST_MONITORING_RESOLVE_TO || undefined,
    machineClients: pairs(process.env.MACHINE_CLIENTS),
    webhooks: {
      retry: {
        firstRetryMs: seconds(process.env.WEBHOOK_RETRY_FIRST_SECONDS, DEFAULT_WEBHOOK_RETRY.firstRetryMs),
        maxDelayMs: seconds(process.env.WEBHOOK_RETRY_MAX_SECONDS, DEFAULT_WEBHOOK_RETRY.maxDelayMs),
        failureWindowMs: seconds(process.env.WEBHOOK_FAILURE_WINDOW_SECONDS, DEFAULT_WEBHOOK_RETRY.failureWindowMs),
      },
      allowLoopbackHttp: process.env.WEBHOOK_ALLOW_LOOPBACK_HTTP === 'true',
      queueUrl: process.env.WEBHOOK_QUEUE_URL || undefined,
    },
    singleWriterProcess: process.env.SINGLE_WRITER_PROCESS === 'true',
  };
  return cached;
}

/**
 * What `held` keeps for the current table, made by `create` the first time: for an in-process cache
 * of facts about the table's contents, which another table (another stage, a test's fresh one)
 * does not share.
 */
export function heldForTable<T>(held: Map<string, T>, create: (table: string) => T): T {
  return heldOrCreated(held, config().tableName, create);
}

/** Tests change the environment between cases; this makes the next `config()` read it again. */
export function resetConfigForTests(): void {
  cached = undefined;
}

/**
 * What the end-to-end tests share: an HTTP client that signs in as seeded users, polling instead of
 * fixed sleeps, the SES emulator's store read as notices (kind and language from the subject), and
 * the Step Functions endpoint through the real SDK client.
 */
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll } from 'vitest';
import { orderIdFor } from '../../shared/domain/ids';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../support/local-stack';
import { answerMismatch } from '../support/openapi-answers';

export interface Answer<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is (no JSON encoding). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** `null`: no Authorization header at all. */
  readonly token?: string | null;
  /**
   * `false`: answer a 503 with Retry-After as it came. By default the call is sent again after
   * those seconds, as the contract asks of every client (admission control refuses new cases
   * while the runtime is behind, which a loaded machine can be for a moment).
   */
  readonly honourRetryAfter?: boolean;
}

/** How long a call keeps honouring Retry-After before it answers the refusal. */
const RETRY_AFTER_PATIENCE_MS = 60_000;

/** A caller of the stack's HTTP API; tokens are fetched once per user. */
export class Api {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly stack: LocalStack) {}

  token(user: string): Promise<string> {
    let token = this.tokens.get(user);
    if (!token) {
      token = this.stack.token(user);
      this.tokens.set(user, token);
    }
    return token;
  }

  async call<T = any>(user: string | null, method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token !== undefined ? options.token : user === null ? null : await this.token(user);
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const send = () => fetch(`${this.stack.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    let response = await send();
    for (const giveUpAt = Date.now() + RETRY_AFTER_PATIENCE_MS; options.honourRetryAfter !== false && Date.now() < giveUpAt; ) {
      const retryAfter = response.status === 503 ? response.headers.get('retry-after') : null;
      if (retryAfter === null) break;
      await response.text();
      await sleep(Number(retryAfter) * 1000);
      response = await send();
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: the assertion on the body will show the text.
    }
    // Every answer the suite sees is one the OpenAPI document describes (issue 13).
    const mismatch = answerMismatch(method, path, response.status, response.headers.get('content-type') ?? '', parsed);
    if (mismatch !== undefined) throw new Error(mismatch);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(user: string | null, path: string, options?: CallOptions): Promise<Answer<T>> {
    return this.call<T>(user, 'GET', path, options);
  }

  post<T = any>(user: string | null, path: string, body?: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>(user, 'POST', path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  patch<T = any>(user: string | null, path: string, body: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>(user, 'PATCH', path, { ...options, body });
  }
}

/** Polls `probe` until it returns without throwing, and returns its value; rethrows its last error at the timeout. */
/**
 * Durations of the lifecycle tests: seconds for hours and days, yet long enough that a person's act
 * meant to land inside a window still does on a loaded two-core machine running several paths at once.
 */
export const E2E_DURATIONS = {
  approvalSla: 'PT60S',
  complianceDeadline: 'PT10S',
  reminders: ['PT5S'],
  lateComplianceGrace: 'PT8S',
  postReviewWindow: 'PT12S',
  appealWindow: 'PT8S',
  appealReviewWindow: 'PT12S',
};

/** Long enough for every timer of E2E_DURATIONS plus a slow machine; waits end as soon as the state is reached. */
export const LONG = 60_000;

export async function eventually<T>(probe: () => Promise<T> | T, timeoutMs: number, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const URLS = {
  'op-webhard': (n: number | string) => `https://webhard.example/v/${n}`,
  'op-social': (n: number | string) => `https://social.example/p/${n}`,
  'op-overseas': (n: number | string) => `https://cdn.overseas.example/x/${n}`,
} as const;

let counter = 0;
/** A URL nobody used before in this process, so reports do not collide. */
export function uniqueUrl(operatorId: keyof typeof URLS): string {
  counter += 1;
  return URLS[operatorId](`${Date.now().toString(36)}-${counter}`);
}

export function reportBody(urls: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    urls,
    category: 'ILLEGAL_FILMING',
    reporter: { kind: 'SUPPORT_CENTER', reference: 'ref-secret-123' },
    victimConsent: true,
    summary: 'A summary only staff and the committee may read.',
    ...extra,
  };
}

/** Files a report as `filer` and returns the case id. */
export async function fileReport(api: Api, urls: string[], filer = 'staff-kim', extra: Record<string, unknown> = {}): Promise<string> {
  const answer = await api.post(filer, '/reports', reportBody(urls, extra));
  if (answer.status !== 201) throw new Error(`POST /reports answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.caseId as string;
}

/** Two distinct staff members other than staff-kim approve the case. */
export async function approveCase(api: Api, caseId: string): Promise<void> {
  for (const approver of ['staff-lee', 'staff-park']) {
    const answer = await api.post(approver, `/cases/${caseId}/approvals`, { decision: 'APPROVE', reason: 'urgent' });
    if (answer.status !== 200) throw new Error(`approval by ${approver} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

async function caseStatus(api: Api, caseId: string): Promise<string> {
  const answer = await api.get('staff-kim', `/cases/${caseId}`);
  if (answer.status !== 200) throw new Error(`GET /cases/${caseId} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.status as string;
}

/** Waits until the case has `status` (checked through GET /cases/{caseId}). */
export async function untilCaseStatus(api: Api, caseId: string, status: string, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => {
    const current = await caseStatus(api, caseId);
    if (current !== status) throw new Error(`case ${caseId} is ${current}, still waiting for ${status}`);
  }, timeoutMs);
}

export { orderIdFor };

/** The operator's view of one of its orders. */
export async function operatorOrder(api: Api, operatorId: string, orderId: string): Promise<any> {
  const answer = await api.get(operatorId, '/operator/orders');
  if (answer.status !== 200) throw new Error(`GET /operator/orders answered ${answer.status}`);
  const order = (answer.body.orders as any[]).find((candidate) => candidate.orderId === orderId);
  if (!order) throw new Error(`order ${orderId} is not (yet) among ${operatorId}'s orders`);
  return order;
}

export async function untilOrderStatus(api: Api, operatorId: string, orderId: string, status: string, timeoutMs = 30_000): Promise<any> {
  return eventually(async () => {
    const order = await operatorOrder(api, operatorId, orderId);
    if (order.status !== status) throw new Error(`order ${orderId} is ${order.status}, still waiting for ${status}`);
    return order;
  }, timeoutMs);
}

/** Waits until the order's notice was accepted, so that its deadline runs, and returns the operator's view of it. */
export async function untilDeadlineRuns(api: Api, operatorId: string, orderId: string, timeoutMs = LONG): Promise<any> {
  return eventually(async () => {
    const order = await operatorOrder(api, operatorId, orderId);
    if (order.deadlineAt === undefined) throw new Error(`order ${orderId}'s notice is not accepted yet`);
    return order;
  }, timeoutMs);
}

/**
 * The appeal window opens with the order's appealDeadline, before the case shows APPEAL_WINDOW
 * (the operator's notice goes out in between), so an appeal waits for that, not the case status.
 */
export async function untilAppealable(api: Api, operatorId: string, orderId: string, timeoutMs = 30_000): Promise<any> {
  return eventually(async () => {
    const order = await operatorOrder(api, operatorId, orderId);
    if (order.appealDeadline === undefined) throw new Error(`order ${orderId} has no appeal deadline yet`);
    return order;
  }, timeoutMs);
}

/** The committee's view of the review of `caseId` of `kind` (as member-1 sees it). */
export async function findReview(api: Api, caseId: string, kind: string, member = 'member-1', timeoutMs = 30_000): Promise<any> {
  return eventually(async () => {
    const answer = await api.get(member, '/committee/reviews');
    if (answer.status !== 200) throw new Error(`GET /committee/reviews answered ${answer.status} ${JSON.stringify(answer.body)}`);
    const review = (answer.body.reviews as any[]).find((candidate) => candidate.caseId === caseId && candidate.kind === kind);
    if (!review) throw new Error(`no ${kind} review of ${caseId} yet`);
    return review;
  }, timeoutMs);
}

export async function vote(api: Api, reviewId: string, members: string[], decision: 'CONFIRM' | 'REVOKE' | 'ABSTAIN'): Promise<void> {
  for (const member of members) {
    const answer = await api.post(member, `/committee/reviews/${reviewId}/votes`, { decision, reason: 'as discussed' });
    if (answer.status !== 201) throw new Error(`vote by ${member} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

export async function audit(api: Api, caseId: string): Promise<{ events: any[]; verified: boolean }> {
  const answer = await api.get('auditor-1', `/cases/${caseId}/audit`);
  if (answer.status !== 200) throw new Error(`GET /cases/${caseId}/audit answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

// ---------------------------------------------------------------- notices (SES emulator)

export interface Email {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number | string;
}

export async function emails(stack: LocalStack): Promise<Email[]> {
  const response = await fetch(`${stack.sesUrl}/store`);
  const body = (await response.json()) as { emails: Email[] };
  return body.emails;
}

export type NoticeKind = 'ORDER' | 'REMINDER' | 'OVERDUE' | 'REVOKED' | 'CONFIRMED' | 'APPEAL_OUTCOME' | 'FINE';

/** Subject prefixes of shared/notices/templates.ts, Korean then English. */
const SUBJECT_KINDS: [RegExp, NoticeKind, 'ko' | 'en'][] = [
  [/^\[긴급 /, 'ORDER', 'ko'],
  [/^\[기한 알림\]/, 'REMINDER', 'ko'],
  [/^\[기한 경과\]/, 'OVERDUE', 'ko'],
  [/^\[요청 철회\]/, 'REVOKED', 'ko'],
  [/^\[요청 확정\]/, 'CONFIRMED', 'ko'],
  [/^\[이의신청 결과\]/, 'APPEAL_OUTCOME', 'ko'],
  // issue 11's fines: the FINE notice is a proposal with an opinion period (docs/fines.md)
  [/^\[과징금 사전 통지\]/, 'FINE', 'ko'],
  [/^\[Urgent /, 'ORDER', 'en'],
  [/^\[Reminder\]/, 'REMINDER', 'en'],
  [/^\[Overdue\]/, 'OVERDUE', 'en'],
  [/^\[Revoked\]/, 'REVOKED', 'en'],
  [/^\[Confirmed\]/, 'CONFIRMED', 'en'],
  [/^\[Appeal decided\]/, 'APPEAL_OUTCOME', 'en'],
  [/^\[Proposed fine\]/, 'FINE', 'en'],
  // issue 12: an overseas host's non-binding DELETE_REQUEST
  [/^\[Deletion request, not binding\]/, 'ORDER', 'en'],
];

export interface Notice {
  kind: NoticeKind;
  language: 'ko' | 'en';
  email: Email;
}

/** The operator notices about `orderId` (staff alerts excluded), oldest first. */
export async function noticesOf(stack: LocalStack, orderId: string): Promise<Notice[]> {
  const all = await emails(stack);
  return all.flatMap((email) => {
    if (!email.subject.includes(orderId)) return [];
    const match = SUBJECT_KINDS.find(([pattern]) => pattern.test(email.subject));
    return match ? [{ kind: match[1], language: match[2], email }] : [];
  });
}

/** `kind` → how many notices of that kind `orderId` got. */
export async function noticeCounts(stack: LocalStack, orderId: string): Promise<Partial<Record<NoticeKind, number>>> {
  const counts: Partial<Record<NoticeKind, number>> = {};
  for (const notice of await noticesOf(stack, orderId)) counts[notice.kind] = (counts[notice.kind] ?? 0) + 1;
  return counts;
}

/** Waits until `orderId` got a notice of `kind`, and returns it. */
export async function untilNotice(stack: LocalStack, orderId: string, kind: NoticeKind, timeoutMs = 30_000): Promise<Notice> {
  return eventually(async () => {
    const notice = (await noticesOf(stack, orderId)).find((candidate) => candidate.kind === kind);
    if (!notice) throw new Error(`no ${kind} notice for ${orderId} yet`);
    return notice;
  }, timeoutMs);
}

/** Every (order, kind) pair that got more than one notice, over the whole store. */
export async function duplicateNotices(stack: LocalStack): Promise<string[]> {
  const seen = new Map<string, number>();
  for (const email of await emails(stack)) {
    const orderId = /\bO[0-9A-HJKMNP-TV-Z]{26}-[a-z0-9-]+/.exec(email.subject)?.[0];
    const kind = SUBJECT_KINDS.find(([pattern]) => pattern.test(email.subject))?.[1];
    const key = orderId && kind ? `${orderId} ${kind}` : `staff: ${email.subject}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([key, count]) => `${key} ×${count}`);
}

export function hasHangul(text: string): boolean {
  return /[\uAC00-\uD7A3]/.test(text);
}

// ---------------------------------------------------------------- Step Functions

export function sfnClient(stack: LocalStack): SFNClient {
  return new SFNClient({
    endpoint: stack.sfnUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export async function listExecutions(client: SFNClient, stateMachineArn: string) {
  const executions = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListExecutionsCommand({ stateMachineArn, ...(nextToken ? { nextToken } : {}) }));
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return executions;
}

export async function executionHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

// ---------------------------------------------------------------- one stack per file

/**
 * Starts one local stack before the file's tests and stops it after them. The stack and the Api
 * are usable from the tests on (reading them before `beforeAll` has run throws), so a file
 * declares them once at its top: `const { stack, api } = useLocalStack({ policy })`.
 */
export function useLocalStack(options: LocalStackOptions = {}): { readonly stack: LocalStack; readonly api: Api } {
  let started: LocalStack | undefined;
  beforeAll(async () => {
    started = await startLocalStack(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const stack = new Proxy({} as LocalStack, {
    get(_target, property) {
      if (started === undefined) throw new Error('The local stack is used before it started: use it inside a test.');
      return Reflect.get(started, property);
    },
  });
  return { stack, api: new Api(stack) };
}

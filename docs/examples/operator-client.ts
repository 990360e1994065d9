/**
 * A small typed client for an operator's system (docs/operators.md): list orders, acknowledge,
 * report compliance, appeal. It needs nothing but `fetch` (Node 18+ or a browser); copy it and
 * adapt. Its types are what GET /openapi.json documents for these routes (the repository's test
 * test/unit/api/operator-client.test.ts checks them against the document and runs the client
 * against the local API of `npm start`).
 */

/** An order as `GET /operator/orders` lists it (the fields this client uses; the document has more). */
export interface OperatorOrder {
  orderId: string;
  caseId: string;
  /** ISSUED, ACKNOWLEDGED, COMPLIED, OVERDUE, COMPLIED_LATE, CONFIRMED, REVOKED, APPEALED, … (the document lists all). */
  status: string;
  /** DELETE for a host, BLOCK_ACCESS for an internet access provider. */
  action: string;
  /** Only this operator's URLs. */
  urls: string[];
  issuedAt: string;
  /** Absent until the order notice was accepted for delivery. */
  deadlineAt?: string;
  acknowledgedAt?: string;
  compliedAt?: string;
  /** Present once the order may be appealed: until when. */
  appealDeadline?: string;
}

export type ComplianceAction = 'DELETED' | 'BLOCKED' | 'NOT_FOUND';

export interface Acknowledged {
  orderId: string;
  status: string;
  acknowledgedAt: string;
}

export interface Complied {
  orderId: string;
  status: 'COMPLIED' | 'COMPLIED_LATE';
  compliedAt: string;
}

/** Per URL: CANNOT_COMPLY needs a reason (staff read it) and keeps the order open. */
export type UrlOutcome = ComplianceAction | 'CANNOT_COMPLY';

export interface UrlReport {
  url: string;
  outcome: UrlOutcome;
  reason?: string;
}

export interface UrlsReported {
  orderId: string;
  status: string;
  compliedAt?: string;
  urlCount: number;
  /** URLs with an outcome; the order is complied with once every one is removed. */
  accounted: number;
  urls: { url: string; outcome?: UrlOutcome; reason?: string }[];
}

export interface AppealFiled {
  appealId: string;
}

/** A refusal, with the contract's error code (VALIDATION_FAILED, NOT_FOUND, WINDOW_CLOSED, …). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(baseUrl: string, token: string | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) throw new ApiError(response.status, answer.error?.code ?? 'UNKNOWN', answer.error?.message ?? response.statusText);
  return answer;
}

/** Locally only (`npm start`): a token for a seeded user such as `op-webhard`. */
export async function localToken(baseUrl: string, user: string): Promise<string> {
  return (await call<{ token: string }>(baseUrl, null, 'POST', '/auth/local-token', { user })).token;
}

export function operatorClient(baseUrl: string, token: string) {
  const order = (orderId: string, act: string): string => `/operator/orders/${encodeURIComponent(orderId)}/${act}`;
  return {
    listOrders: async (): Promise<OperatorOrder[]> =>
      (await call<{ orders: OperatorOrder[] }>(baseUrl, token, 'GET', '/operator/orders')).orders,
    acknowledge: (orderId: string): Promise<Acknowledged> => call(baseUrl, token, 'POST', order(orderId, 'acknowledge')),
    reportCompliance: (orderId: string, action: ComplianceAction, note?: string): Promise<Complied> =>
      call(baseUrl, token, 'POST', order(orderId, 'compliance'), { action, ...(note === undefined ? {} : { note }) }),
    /** Report some of the order's URLs, each exactly as `listOrders` gives it; repeating a report is harmless. */
    reportUrls: (orderId: string, urls: UrlReport[]): Promise<UrlsReported> =>
      call(baseUrl, token, 'POST', order(orderId, 'compliance/urls'), { urls }),
    appeal: (orderId: string, grounds: string): Promise<AppealFiled> => call(baseUrl, token, 'POST', order(orderId, 'appeal'), { grounds }),
  };
}

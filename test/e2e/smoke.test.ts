/**
 * The whole chain once: `npm start` as a child process, the API adapter, local sign-in, a real
 * handler writing to dynalite and starting the workflow on the local engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function api(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('local stack smoke test', () => {
  it('answers GET /health without a token', async () => {
    const response = await api('GET', '/health');
    expect(response).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('refuses an API call without a token', async () => {
    const response = await api('GET', '/cases');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('files a report as staff-kim that staff-lee can read', async () => {
    // Given two staff members signed in
    const kim = await stack.token('staff-kim');
    const lee = await stack.token('staff-lee');

    // When staff-kim files a report naming two seeded operators
    const filed = await api('POST', '/reports', kim, {
      urls: ['https://webhard.example/v/123', 'https://social.example/p/9'],
      category: 'ILLEGAL_FILMING',
      reporter: { kind: 'STAFF' },
      victimConsent: true,
    });

    // Then the case exists, awaiting approval, and staff-lee sees it with its URLs
    expect(filed.status).toBe(201);
    expect(filed.body.status).toBe('PENDING_APPROVAL');
    const read = await api('GET', `/cases/${filed.body.caseId as string}`, lee);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ caseId: filed.body.caseId, status: 'PENDING_APPROVAL', category: 'ILLEGAL_FILMING' });
    expect(read.body.urls).toHaveLength(2);
  });

  it('keeps a filed report, and the sign-in key, across kill -9 and a restart', async () => {
    // Given a report filed by the support centre
    const token = await stack.token('support-center');
    const filed = await api('POST', '/reports', token, {
      urls: ['https://overseas.example/x/1'],
      category: 'NON_CONSENSUAL_DISTRIBUTION',
      reporter: { kind: 'SUPPORT_CENTER' },
      victimConsent: true,
    });
    expect(filed.status).toBe(201);

    // When the runtime is killed without warning and started again on the same DATA_DIR
    await stack.kill9();
    await stack.restart();

    // Then the token issued before still works and the report is still there
    const listed = await api('GET', '/reports', token);
    expect(listed.status).toBe(200);
    expect(listed.body.reports.map((report: { caseId: string }) => report.caseId)).toContain(filed.body.caseId);
  });
});

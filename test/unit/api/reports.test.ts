import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/reports';
import { caseItem, operatorItem } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { givenItems, resetAws } from '../../support/fake-table';
import { aCase, anOperator, CASE_ID, CASE_URLS, urlChunkItems } from '../../support/records';

const report = {
  urls: ['https://webhard.example/v/123', 'https://social.example/p/9'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'SUPPORT_CENTER' },
  victimConsent: true,
};

async function post(caller: Caller | null, body: unknown, headers: Record<string, string> = {}) {
  return answerOf(await handler(apiEvent('POST /reports', { caller, body, headers })));
}

describe('POST /reports', () => {
  beforeEach(() => {
    resetAws();
    givenItems(operatorItem(anOperator()));
  });

  it.each([callers.supportCenter, callers.staffKim])('files a report for $userId: 201 with the case id', async (caller) => {
    // Act
    const answer = await post(caller, report);

    // Assess
    expect(answer.statusCode).toBe(201);
    expect(answer.body).toEqual({ caseId: expect.stringMatching(/^C[0-9A-Z]{26}$/), status: 'PENDING_APPROVAL' });
  });

  it('answers 200 with the same case when the Idempotency-Key and body repeat', async () => {
    // Prepare
    const first = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-1' });

    // Act
    const again = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-1' });

    // Assess
    expect(first.statusCode).toBe(201);
    expect(again).toEqual({ statusCode: 200, body: first.body });
  });

  it('answers 409 CONFLICT when the Idempotency-Key comes back with another body', async () => {
    // Prepare
    await post(callers.supportCenter, report, { 'idempotency-key': 'abc-1' });

    // Act
    const answer = await post(callers.supportCenter, { ...report, victimConsent: false }, { 'idempotency-key': 'abc-1' });

    // Assess
    expect(answer.statusCode).toBe(409);
    expect(answer.body.error.code).toBe('CONFLICT');
  });

  it.each([
    ['no URL', { ...report, urls: [] }, 'urls'],
    ['1001 URLs', { ...report, urls: Array.from({ length: 1001 }, (_, i) => `https://webhard.example/${i}`) }, 'urls'],
    ['a relative URL', { ...report, urls: ['/v/1'] }, 'urls.0'],
    ['a URL over 2048 characters', { ...report, urls: [`https://webhard.example/${'a'.repeat(2048)}`] }, 'urls.0'],
    ['an ftp URL', { ...report, urls: ['ftp://webhard.example/v'] }, 'urls.0'],
    ['an unknown category', { ...report, category: 'SPAM' }, 'category'],
    ['a summary over 2000 characters', { ...report, summary: 's'.repeat(2001) }, 'summary'],
    ['a bad content hash', { ...report, contentSha256: 'abc' }, 'contentSha256'],
    ['an unknown field', { ...report, extra: 1 }, '(body)'],
  ])('answers 400 VALIDATION_FAILED for %s, naming the field', async (_, body, field) => {
    // Act
    const answer = await post(callers.supportCenter, body);

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers 400 for a body that is not JSON', async () => {
    const answer = await post(callers.supportCenter, '{not json');
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('answers 400 for a malformed Idempotency-Key', async () => {
    const answer = await post(callers.supportCenter, report, { 'Idempotency-Key': 'with space' });
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const answer = await post(callers.supportCenter, oversizedBody());
    expect(answer).toMatchObject({ statusCode: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('answers 401 UNAUTHENTICATED without a token', async () => {
    const answer = await post(null, report);
    expect(answer).toMatchObject({ statusCode: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });

  it.each([callers.member1, callers.webhard, callers.auditor])('answers 403 FORBIDDEN to $userId', async (caller) => {
    const answer = await post(caller, report);
    expect(answer).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});

describe('GET /reports', () => {
  beforeEach(() => resetAws());

  async function get(caller: Caller | null, query?: Record<string, string>) {
    return answerOf(await handler(apiEvent('GET /reports', { caller, ...(query ? { query } : {}) })));
  }

  it('lists the reporter’s own reports in plain words, without operators’ replies', async () => {
    // Prepare
    givenItems(caseItem(aCase({ createdBy: 'support-center', status: 'UNDER_POST_REVIEW' })), ...urlChunkItems(CASE_ID, CASE_URLS));

    // Act
    const answer = await get(callers.supportCenter, { language: 'en' });

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.body.reports).toEqual([
      expect.objectContaining({ caseId: CASE_ID, status: 'Removal ordered', urls: expect.arrayContaining([CASE_URLS[0]?.url]) }),
    ]);
    expect(JSON.stringify(answer.body)).not.toMatch(/op-webhard|orders|compli/i);
  });

  it('answers 400 for an unknown language', async () => {
    const answer = await get(callers.supportCenter, { language: 'fr' });
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('answers 401 without a token', async () => {
    expect((await get(null)).statusCode).toBe(401);
  });

  it.each([callers.staffKim, callers.member1, callers.webhard, callers.auditor])('answers 403 to $userId', async (caller) => {
    expect((await get(caller)).statusCode).toBe(403);
  });
});

import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/reports';
import { refs } from '../../../shared/store/keys';
import { getCase, getCaseUrls, listCasesByReporter, writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, oversizedBody, type Caller } from '../../support/api-event';
import { actionsOf, expectConsistentStream, plant, storedEvents } from '../../support/given';
import { aCase, anOperator, anOrder, CASE_ID, CASE_URLS, OTHER_CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const report = {
  urls: ['https://webhard.example/v/123', 'https://social.example/p/9'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0099' },
  victimConsent: true,
  summary: 'Filmed without consent at a gym',
};

async function post(caller: Caller | null, body: unknown, headers: Record<string, string> = {}) {
  return answerOf(await handler(apiEvent('POST /reports', { caller, body, headers })));
}

async function get(caller: Caller | null, query?: Record<string, string>) {
  return answerOf(await handler(apiEvent('GET /reports', { caller, ...(query ? { query } : {}) })));
}

const world = useWorld();

describe('POST /reports', () => {
  it.each([callers.supportCenter, callers.staffKim])(
    'files a report for $userId: 201 with the case id, the case stored and its workflow started',
    async (caller) => {
      // Given the registry knows op-webhard (and no one hosts social.example)
      await plant.operator(anOperator());

      // When
      const answer = await post(caller, report);

      // Then
      expect(answer).toEqual({
        statusCode: 201,
        body: {
          caseId: expect.stringMatching(/^C[0-9A-Z]{26}$/),
          status: 'PENDING_APPROVAL',
          ...((caller.roles as readonly string[]).includes('staff') ? { duplicates: [] } : {}),
        },
      });
      const { caseId } = answer.body;
      expect(await getCase(caseId)).toMatchObject({
        caseId,
        status: 'PENDING_APPROVAL',
        createdBy: caller.userId,
        category: 'ILLEGAL_FILMING',
        reporter: report.reporter,
        summary: report.summary,
        urlCount: 2,
        approvals: [],
        policyId: 'kr-kcsc',
        procedure: 'interim-then-review',
      });
      expect(await getCaseUrls(caseId)).toEqual(
        expect.arrayContaining([
          { url: 'https://webhard.example/v/123', host: 'webhard.example', operatorId: 'op-webhard' },
          { url: 'https://social.example/p/9', host: 'social.example', operatorId: null },
        ]),
      );
      expect([...world.executions]).toEqual([caseId]);
      await expectConsistentStream(refs.case(caseId).root);
    },
  );

  it('keeps the victim’s data out of the audit chain', async () => {
    // When
    const { body } = await post(callers.supportCenter, report);

    // Then the chain records counts and the category only
    const events = await storedEvents(refs.case(body.caseId).root.pk);
    expect(events.map((event) => [event.action, event.actor, event.details])).toEqual([
      ['REPORT_FILED', 'support-center', { urlCount: 2, category: 'ILLEGAL_FILMING', procedure: 'interim-then-review' }],
    ]);
  });

  it('files the case for a prior review under a vote-first policy', async () => {
    // Given
    await world.reset({ id: 'test-vote-first', procedure: 'vote-first' });

    // When
    const answer = await post(callers.supportCenter, report);

    // Then
    expect(answer).toMatchObject({ statusCode: 201, body: { status: 'UNDER_PRIOR_REVIEW' } });
    expect(await getCase(answer.body.caseId)).toMatchObject({ policyId: 'test-vote-first', procedure: 'vote-first' });
  });

  it('answers 200 with the same case when the Idempotency-Key and body repeat, filing it once', async () => {
    // Given
    const first = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-1' });

    // When
    const again = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-1' });

    // Then
    expect(first.statusCode).toBe(201);
    expect(again).toEqual({ statusCode: 200, body: first.body });
    expect((await listCasesByReporter('support-center')).map((record) => record.caseId)).toEqual([first.body.caseId]);
    expect(await actionsOf(first.body.caseId)).toEqual(['REPORT_FILED']);
  });

  it('files the reserved case once when the Idempotency-Key comes back after a failure half-way', async () => {
    // Given a first attempt that reserved its key, then failed on its next AWS call
    world.faults.arm({ at: 2, when: 'before', crash: false });
    const failed = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-2' });
    expect(failed).toMatchObject({ statusCode: 500, body: { error: { code: 'INTERNAL' } } });
    expect(await listCasesByReporter('support-center')).toEqual([]);

    // When the client sends it again
    const retry = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-2' });
    const replay = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-2' });

    // Then the case is filed once, and a further replay answers it
    expect(retry).toMatchObject({ statusCode: 201, body: { status: 'PENDING_APPROVAL' } });
    expect(replay).toEqual({ statusCode: 200, body: retry.body });
    expect((await listCasesByReporter('support-center')).map((record) => record.caseId)).toEqual([retry.body.caseId]);
    expect(await actionsOf(retry.body.caseId)).toEqual(['REPORT_FILED']);
  });

  it('keeps each caller’s Idempotency-Keys apart', async () => {
    const first = await post(callers.supportCenter, report, { 'Idempotency-Key': 'abc-1' });
    const other = await post(callers.staffKim, report, { 'Idempotency-Key': 'abc-1' });
    expect(other).toMatchObject({ statusCode: 201 });
    expect(other.body.caseId).not.toBe(first.body.caseId);
  });

  it('answers 409 CONFLICT when the Idempotency-Key comes back with another body, filing nothing', async () => {
    // Given
    const first = await post(callers.supportCenter, report, { 'idempotency-key': 'abc-1' });

    // When
    const answer = await post(callers.supportCenter, { ...report, victimConsent: false }, { 'idempotency-key': 'abc-1' });

    // Then
    expect(answer).toMatchObject({
      statusCode: 409,
      body: { error: { code: 'CONFLICT', message: expect.stringContaining('Idempotency-Key') } },
    });
    expect((await listCasesByReporter('support-center')).map((record) => record.caseId)).toEqual([first.body.caseId]);
  });

  it.each([
    ['no URL', { ...report, urls: [] }, 'urls'],
    ['1001 URLs', { ...report, urls: Array.from({ length: 1001 }, (_, i) => `https://webhard.example/${i}`) }, 'urls'],
    ['a relative URL', { ...report, urls: ['/v/1'] }, 'urls.0'],
    ['a URL over 2048 characters', { ...report, urls: [`https://webhard.example/${'a'.repeat(2048)}`] }, 'urls.0'],
    ['an ftp URL', { ...report, urls: ['ftp://webhard.example/v'] }, 'urls.0'],
    ['an unknown category', { ...report, category: 'SPAM' }, 'category'],
    ['an unknown reporter kind', { ...report, reporter: { kind: 'NEIGHBOUR' } }, 'reporter.kind'],
    ['no victim consent', { ...report, victimConsent: undefined }, 'victimConsent'],
    ['a summary over 2000 characters', { ...report, summary: 's'.repeat(2001) }, 'summary'],
    ['a bad content hash', { ...report, contentSha256: 'abc' }, 'contentSha256'],
    ['an unknown field', { ...report, extra: 1 }, '(body)'],
  ])('answers 400 VALIDATION_FAILED for %s, naming the field, and files nothing', async (_, body, field) => {
    // When
    const answer = await post(callers.supportCenter, body);

    // Then
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', message: expect.any(String) } } });
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await listCasesByReporter('support-center')).toEqual([]);
    expect(world.executions.size).toBe(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const answer = await post(callers.supportCenter, '{not json');
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('answers 400 naming the header for a malformed Idempotency-Key', async () => {
    const answer = await post(callers.supportCenter, report, { 'Idempotency-Key': 'with space' });
    expect(answer).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'Idempotency-Key' })] } },
    });
    expect(await listCasesByReporter('support-center')).toEqual([]);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const answer = await post(callers.supportCenter, oversizedBody());
    expect(answer).toMatchObject({ statusCode: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('answers 401 UNAUTHENTICATED without a token', async () => {
    const answer = await post(null, report);
    expect(answer).toMatchObject({ statusCode: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });

  it.each([callers.member1, callers.webhard, callers.auditor])('answers 403 FORBIDDEN to $userId, and files nothing', async (caller) => {
    const answer = await post(caller, report);
    expect(answer).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await listCasesByReporter(caller.userId)).toEqual([]);
  });
});

describe('GET /reports', () => {
  /** A case support-center filed, whose order op-webhard answered, and a case someone else filed. */
  async function givenReports(): Promise<void> {
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase({ createdBy: 'support-center', status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await plant.order(anOrder({ status: 'COMPLIED', complianceStatus: 'COMPLIED', complianceNote: 'removed, see ticket 42' }));
    await plant.case(aCase({ caseId: OTHER_CASE_ID, createdBy: 'victim-1', createdAt: '2026-03-01T00:00:00.000Z' }));
  }

  it('lists the reporter’s own reports in plain words, without operators’ replies', async () => {
    // Given
    await givenReports();

    // When
    const answer = await get(callers.supportCenter, { language: 'en' });

    // Then
    expect(answer).toEqual({
      statusCode: 200,
      body: {
        reports: [
          {
            caseId: CASE_ID,
            createdAt: '2026-03-02T00:00:00.000Z',
            status: 'Removal ordered',
            caseStatus: 'UNDER_POST_REVIEW',
            category: 'ILLEGAL_FILMING',
            urls: expect.arrayContaining(CASE_URLS.map((url) => url.url)),
            outcomes: expect.arrayContaining([
              { url: 'https://webhard.example/v/123', outcome: 'REMOVED' },
              { url: 'https://cdn.webhard.example/v/124', outcome: 'REMOVED' },
              { url: 'https://social.example/p/9', outcome: 'IN_PROGRESS' },
              { url: 'https://unknown.example/x', outcome: 'NOT_ASSIGNED' },
            ]),
          },
        ],
      },
    });
    expect(answer.body.reports[0].outcomes).toHaveLength(CASE_URLS.length);
    expect(JSON.stringify(answer.body)).not.toMatch(/op-webhard|op-social|orders|compli|ticket 42/i);
  });

  it('does not call a case closed as if it were done when one URL was never removed', async () => {
    // Given a closed case: op-webhard removed its URLs, op-social let its deadline pass
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase({ createdBy: 'support-center', status: 'CLOSED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await plant.order(anOrder({ status: 'COMPLIED', complianceStatus: 'COMPLIED', complianceAction: 'DELETED' }));
    await plant.order(
      anOrder({ operatorId: 'op-social', urlCount: 1, status: 'OVERDUE', complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED' }),
    );

    // When
    const [report] = (await get(callers.supportCenter, { language: 'en' })).body.reports;

    // Then
    expect(report).toMatchObject({ status: 'Closed: not every address was removed', caseStatus: 'CLOSED' });
    expect(report.outcomes).toEqual(
      expect.arrayContaining([
        { url: 'https://webhard.example/v/123', outcome: 'REMOVED' },
        { url: 'https://social.example/p/9', outcome: 'NOT_REMOVED' },
        { url: 'https://unknown.example/x', outcome: 'NOT_ASSIGNED' },
      ]),
    );
  });

  it('tells what was done in the reporter’s words, never in the operators’ (DELETED, BLOCKED)', async () => {
    // Given op-webhard deleted its URLs and op-social blocked access to its own
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase({ createdBy: 'support-center', status: 'CONFIRMED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await plant.order(anOrder({ status: 'COMPLIED', complianceStatus: 'COMPLIED', complianceAction: 'DELETED' }));
    await plant.order(
      anOrder({
        operatorId: 'op-social',
        action: 'BLOCK_ACCESS',
        status: 'COMPLIED',
        complianceStatus: 'COMPLIED',
        complianceAction: 'BLOCKED',
      }),
    );

    // When
    const [report] = (await get(callers.supportCenter, { language: 'en' })).body.reports;

    // Then
    expect(report.outcomes).toEqual(
      expect.arrayContaining([
        { url: 'https://webhard.example/v/123', outcome: 'REMOVED' },
        { url: 'https://social.example/p/9', outcome: 'ACCESS_DISABLED' },
      ]),
    );
    expect(JSON.stringify(report)).not.toMatch(/DELETED|BLOCKED|COMPLIED|op-webhard|op-social/);
  });

  it('gives the reason of a rejection, and no order for any URL', async () => {
    // Given staff rejected the report
    await writeUrls(CASE_ID, CASE_URLS);
    const rejection = { by: 'staff-lee', at: '2026-03-02T00:30:00.000Z', decision: 'REJECT' as const, reason: 'The content is not sexual' };
    await plant.case(aCase({ createdBy: 'support-center', status: 'REJECTED', approvals: [rejection] }));

    // When
    const [report] = (await get(callers.supportCenter, { language: 'ko' })).body.reports;

    // Then
    expect(report).toMatchObject({ status: '승인되지 않음', caseStatus: 'REJECTED', rejectionReason: 'The content is not sexual' });
    expect(new Set(report.outcomes.map((entry: { outcome: string }) => entry.outcome))).toEqual(new Set(['NOT_ORDERED']));
    expect(JSON.stringify(report)).not.toContain('staff-lee');
  });

  it('answers in the policy’s language by default', async () => {
    await givenReports();
    expect((await get(callers.supportCenter)).body.reports).toEqual([expect.objectContaining({ status: '삭제 요청됨' })]);
  });

  it('answers no reports to a reporter who filed none', async () => {
    await givenReports();
    expect(await get({ userId: 'victim-2', roles: ['reporter'] })).toEqual({ statusCode: 200, body: { reports: [] } });
  });

  it('answers 400 naming the parameter for an unknown language', async () => {
    const answer = await get(callers.supportCenter, { language: 'fr' });
    expect(answer).toMatchObject({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'language' })] } },
    });
  });

  it('answers 401 without a token', async () => {
    expect((await get(null)).statusCode).toBe(401);
  });

  it.each([callers.staffKim, callers.member1, callers.webhard, callers.auditor])('answers 403 to $userId', async (caller) => {
    expect(await get(caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});

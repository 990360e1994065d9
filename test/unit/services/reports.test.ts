import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { caseDecider } from '../../../shared/domain/deciders/case';
import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import type { ReportRequest } from '../../../shared/domain/model';
import { logger } from '../../../shared/runtime/logger';
import { act } from '../../../shared/services/acts';
import { storeActivePolicy } from '../../../shared/services/policies';
import { fileReport, listOwnReports } from '../../../shared/services/reports';
import { refs } from '../../../shared/store/keys';
import { getCase, getCaseUrls, getIdempotencyRecord, listCasesByReporter, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, CASE_ID, CASE_URLS, OTHER_CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase } from './world-steps';

const NOW = '2026-03-02T09:00:00.000Z';
const reporter: Identity = { userId: 'support-center', roles: ['reporter'] };

const report: ReportRequest = {
  urls: ['https://webhard.example/v/123', 'https://social.example/p/9', 'https://nobody.example/x'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-REF-77' },
  victimConsent: true,
  summary: 'Secret summary about the victim',
};

const world = useWorld();
async function givenOperators(): Promise<void> {
  await plant.operator(anOperator());
  await plant.operator(anOperator({ operatorId: 'op-social', domains: ['social.example'], contactEmails: ['legal@social.example'] }));
}
const urlsOf = async (caseId: string, operatorId: string | null) => (await getCaseUrls(caseId, operatorId)).map((url) => url.url);

describe('fileReport', () => {
  beforeEach(async () => {
    await givenOperators();
  });

  it('stores a pending case with its URLs matched to operators, audits it without victim data, and starts the workflow', async () => {
    // When
    const filed = await fileReport(reporter, report, undefined, NOW);

    // Then
    expect(filed).toMatchObject({ created: true, status: 'PENDING_APPROVAL' });
    expect(await getCase(filed.caseId)).toMatchObject({
      caseId: filed.caseId,
      status: 'PENDING_APPROVAL',
      createdAt: NOW,
      createdBy: 'support-center',
      policyId: 'kr-kcsc',
      procedure: 'interim-then-review',
      urlCount: 3,
      approvals: [],
      approvalDeadlineAt: '2026-03-02T11:00:00.000Z',
      summary: report.summary,
      reporter: report.reporter,
    });
    expect((await listCasesByReporter('support-center')).map((record) => record.caseId)).toEqual([filed.caseId]);
    expect(await urlsOf(filed.caseId, 'op-webhard')).toEqual(['https://webhard.example/v/123']);
    expect(await urlsOf(filed.caseId, 'op-social')).toEqual(['https://social.example/p/9']);
    expect(await urlsOf(filed.caseId, null)).toEqual(['https://nobody.example/x']);
    const chain = await chainOfCase(filed.caseId);
    expect(chain).toMatchObject([
      {
        seq: 1,
        action: 'REPORT_FILED',
        actor: 'support-center',
        at: NOW,
        details: { urlCount: 3, category: 'ILLEGAL_FILMING', procedure: 'interim-then-review' },
      },
    ]);
    expect(JSON.stringify(chain)).not.toMatch(/Secret summary|SC-REF-77|example/);
    expect([...world.executions]).toEqual([filed.caseId]);
    await expectConsistentStream(refs.case(filed.caseId).root);
  });

  it('logs no URL, summary or reporter reference', async () => {
    // Given
    const lines: unknown[] = [];
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void lines.push(args)),
    );

    // When
    try {
      await fileReport(reporter, report, 'key-log', NOW);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    // Then
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toMatch(/example|Secret summary|SC-REF-77/);
  });

  it('opens the case under prior review when the policy votes first', async () => {
    // Given
    await world.reset({ procedure: 'vote-first' });
    await givenOperators();

    // When
    const filed = await fileReport(reporter, report, undefined, NOW);

    // Then
    expect(filed.status).toBe('UNDER_PRIOR_REVIEW');
    expect(await getCase(filed.caseId)).toMatchObject({ status: 'UNDER_PRIOR_REVIEW', procedure: 'vote-first' });
    expect((await chainOfCase(filed.caseId))[0]?.details).toMatchObject({ procedure: 'vote-first' });
  });

  it('answers the same case for the same Idempotency-Key and body, without a second case or event', async () => {
    // Given
    const first = await fileReport(reporter, report, 'key-1', NOW);

    // When
    const again = await fileReport(reporter, { ...report }, 'key-1', '2026-03-02T09:00:05.000Z');

    // Then
    expect(again).toEqual({ created: false, caseId: first.caseId, status: 'PENDING_APPROVAL' });
    expect(await actionsOf(first.caseId)).toEqual(['REPORT_FILED']);
    expect(await listCasesByReporter('support-center')).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with a different body', async () => {
    // Given
    await fileReport(reporter, report, 'key-1', NOW);

    // When
    const filing = fileReport(reporter, { ...report, category: 'SYNTHETIC_SEXUAL_IMAGERY' }, 'key-1', NOW);

    // Then
    await expect(filing).rejects.toBeInstanceOf(ConflictError);
    expect(await listCasesByReporter('support-center')).toHaveLength(1);
  });

  it('keeps Idempotency-Keys apart per user', async () => {
    // Given
    const first = await fileReport(reporter, report, 'key-1', NOW);

    // When
    const other = await fileReport({ userId: 'staff-kim', roles: ['staff'] }, report, 'key-1', NOW);

    // Then
    expect(other.created).toBe(true);
    expect(other.caseId).not.toBe(first.caseId);
  });

  it('finishes a filing that stopped right after reserving its key, on the reserved case id and time', async () => {
    // Given the runtime stored its policy at start (so that reserving the key is the request's
    // first AWS call), and the request reserved its key and then the process died
    await storeActivePolicy(NOW);
    world.faults.arm({ at: 1, when: 'after', crash: true });
    await expect(fileReport(reporter, report, 'key-1', NOW)).rejects.toThrow(/injected fault/);
    world.faults.disarm();
    const reserved = await getIdempotencyRecord('support-center', 'key-1');
    expect(reserved).toMatchObject({ createdAt: NOW });
    const caseId = String(reserved?.caseId);
    expect(await getCase(caseId)).toBeUndefined();

    // When the client retries a minute later
    const retried = await fileReport(reporter, report, 'key-1', '2026-03-02T09:01:00.000Z');

    // Then the reserved case is filed, as of the first request
    expect(retried).toEqual({ created: true, caseId, status: 'PENDING_APPROVAL' });
    expect(await getCase(caseId)).toMatchObject({ createdAt: NOW, approvalDeadlineAt: '2026-03-02T11:00:00.000Z' });
    expect(await actionsOf(caseId)).toEqual(['REPORT_FILED']);
    expect(world.executions.has(caseId)).toBe(true);
  });

  it('starts the workflow that the first request, cut off after filing the case, left unstarted, when the request comes again', async () => {
    // Given a filing whose process died right before it started the case's workflow (its client got no answer)
    world.faults.arm({ at: 1, service: 'SFN StartExecution', when: 'before', crash: true });
    await fileReport(reporter, report, 'key-1', NOW).catch(() => undefined);
    world.faults.disarm();
    const caseId = String((await getIdempotencyRecord('support-center', 'key-1'))?.caseId);
    expect(await getCase(caseId)).toMatchObject({ status: 'PENDING_APPROVAL' });
    expect(world.executions.has(caseId)).toBe(false);

    // When the client sends the request again, before any sweep
    const again = await fileReport(reporter, report, 'key-1', '2026-03-02T09:00:05.000Z');

    // Then the same case is answered, its workflow is started now, once, and its filing is settled
    expect(again).toEqual({ created: false, caseId, status: 'PENDING_APPROVAL' });
    expect([...world.executions]).toEqual([caseId]);
    expect(await actionsOf(caseId)).toEqual(['REPORT_FILED']);
    await expectConsistentStream(refs.case(caseId).root);
  });

  it('does not touch a case that moved on when its key is replayed', async () => {
    // Given a filed case that staff approved since
    const first = await fileReport(reporter, report, 'key-1', NOW);
    for (const userId of ['staff-lee', 'staff-park']) {
      await act(
        caseDecider,
        refs.case(first.caseId),
        { type: 'DECIDE_APPROVAL', identity: { userId, roles: ['staff'] }, decision: 'APPROVE' },
        NOW,
      );
    }
    world.executions.clear();

    // When
    const again = await fileReport(reporter, report, 'key-1', NOW);

    // Then
    expect(again).toEqual({ created: false, caseId: first.caseId, status: 'ORDERS_ISSUED' });
    expect(await actionsOf(first.caseId)).toEqual(['REPORT_FILED', 'APPROVAL_GIVEN', 'APPROVAL_GIVEN']);
    expect(world.executions.size).toBe(0);
  });

  it.each(['', 'has space', 'x'.repeat(129), 'ünï'])('refuses the malformed Idempotency-Key %j', async (key) => {
    await expect(fileReport(reporter, report, key, NOW)).rejects.toBeInstanceOf(ValidationError);
    expect(await listCasesByReporter('support-center')).toEqual([]);
  });
});

describe('listOwnReports', () => {
  it('lists only the caller’s reports, with the status in plain words and the URLs', async () => {
    // Given
    await plant.case(aCase({ createdBy: 'support-center', status: 'ORDERS_ISSUED' }));
    await plant.case(aCase({ caseId: OTHER_CASE_ID, createdBy: 'staff-kim' }));
    await writeUrls(CASE_ID, CASE_URLS);

    // When
    const reports = await listOwnReports(reporter, 'en');

    // Then
    expect(reports).toEqual([
      {
        caseId: CASE_ID,
        createdAt: '2026-03-02T00:00:00.000Z',
        status: 'Removal ordered',
        caseStatus: 'ORDERS_ISSUED',
        category: 'ILLEGAL_FILMING',
        urls: expect.arrayContaining(CASE_URLS.map((url) => url.url)),
        outcomes: expect.arrayContaining(
          CASE_URLS.map((url) => ({ url: url.url, outcome: url.operatorId === null ? 'NOT_ASSIGNED' : 'IN_PROGRESS' })),
        ),
      },
    ]);
    expect(reports[0]?.urls).toHaveLength(CASE_URLS.length);
  });

  it('lists the newest report first', async () => {
    // Given
    await plant.case(aCase({ caseId: OTHER_CASE_ID, createdBy: 'support-center', createdAt: '2026-03-01T00:00:00.000Z' }));
    await plant.case(aCase({ createdBy: 'support-center' }));

    // When
    const reports = await listOwnReports(reporter, 'en');

    // Then
    expect(reports.map((entry) => entry.caseId)).toEqual([CASE_ID, OTHER_CASE_ID]);
  });

  it('speaks the policy’s language by default', async () => {
    // Given
    await plant.case(aCase({ createdBy: 'support-center' }));

    // When
    const [first] = await listOwnReports(reporter);

    // Then
    expect(first?.status).toBe('승인 대기 중');
  });
});

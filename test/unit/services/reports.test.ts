import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../shared/runtime/logger';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import type { ReportRequest } from '../../../shared/domain/model';
import { caseItem, operatorItem } from '../../../shared/store/repository';
import { fileReport, listOwnReports } from '../../../shared/services/reports';
import { givenItems, resetAws, sfnMock, storedItem, storedItems } from '../../support/fake-table';
import { aCase, anOperator, CASE_ID, CASE_URLS, OTHER_CASE_ID, urlChunkItems } from '../../support/records';

const NOW = '2026-03-02T09:00:00.000Z';
const reporter: Identity = { userId: 'support-center', roles: ['reporter'] };

const report: ReportRequest = {
  urls: ['https://webhard.example/v/123', 'https://social.example/p/9', 'https://nobody.example/x'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-REF-77' },
  victimConsent: true,
  summary: 'Secret summary about the victim',
};

function givenOperators(): void {
  givenItems(
    operatorItem(anOperator()),
    operatorItem(anOperator({ operatorId: 'op-social', domains: ['social.example'], contactEmails: ['legal@social.example'] })),
  );
}

describe('fileReport', () => {
  beforeEach(() => {
    resetAws();
    givenOperators();
  });

  it('stores a pending case with its URLs matched to operators, audits it without victim data, and starts the workflow', async () => {
    // Act
    const filed = await fileReport(reporter, report, undefined, NOW);

    // Assess
    expect(filed).toMatchObject({ created: true, status: 'PENDING_APPROVAL' });
    const stored = storedItem(`CASE#${filed.caseId}`, 'CASE');
    expect(stored).toMatchObject({
      status: 'PENDING_APPROVAL',
      createdBy: 'support-center',
      policyId: 'kr-kcsc',
      procedure: 'interim-then-review',
      urlCount: 3,
      approvals: [],
      approvalDeadlineAt: '2026-03-02T11:00:00.000Z',
      gsi2pk: 'REPORTER#support-center',
    });
    const chunks = storedItems({ pk: `CASE#${filed.caseId}`, skPrefix: 'URLS#' });
    expect(chunks.map((chunk) => chunk.sk)).toEqual(['URLS#op-social#0000', 'URLS#op-webhard#0000', 'URLS#~UNASSIGNED#0000']);
    const [event] = storedItems({ pk: `CASE#${filed.caseId}`, skPrefix: 'AUDIT#' });
    expect(event).toMatchObject({ action: 'REPORT_FILED', actor: 'support-center', details: { urlCount: 3, category: 'ILLEGAL_FILMING' } });
    const auditText = JSON.stringify(event);
    expect(auditText).not.toContain('Secret summary');
    expect(auditText).not.toContain('SC-REF-77');
    expect(auditText).not.toContain('webhard.example');
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { name: filed.caseId, input: JSON.stringify({ caseId: filed.caseId }) });
  });

  it('logs no URL, summary or reporter reference', async () => {
    // Prepare
    const lines: unknown[] = [];
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void lines.push(args)),
    );

    // Act
    await fileReport(reporter, report, 'key-log', NOW);
    spies.forEach((spy) => spy.mockRestore());

    // Assess
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toMatch(/example|Secret summary|SC-REF-77/);
  });

  it('opens the case under prior review when the policy votes first', async () => {
    // Prepare
    resetAws({ POLICY_JSON: JSON.stringify({ procedure: 'vote-first' }) });
    givenOperators();

    // Act
    const filed = await fileReport(reporter, report, undefined, NOW);

    // Assess
    expect(filed.status).toBe('UNDER_PRIOR_REVIEW');
    const stored = storedItem(`CASE#${filed.caseId}`, 'CASE');
    expect(stored).toMatchObject({ status: 'UNDER_PRIOR_REVIEW', procedure: 'vote-first' });
  });

  it('answers the same case for the same Idempotency-Key and body, without a second case', async () => {
    // Prepare
    const first = await fileReport(reporter, report, 'key-1', NOW);

    // Act
    const again = await fileReport(reporter, { ...report }, 'key-1', '2026-03-02T09:00:05.000Z');

    // Assess
    expect(again).toEqual({ created: false, caseId: first.caseId, status: 'PENDING_APPROVAL' });
    expect(storedItems({ pk: `CASE#${first.caseId}`, skPrefix: 'AUDIT#' })).toHaveLength(1);
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('refuses the same Idempotency-Key with a different body', async () => {
    // Prepare
    await fileReport(reporter, report, 'key-1', NOW);

    // Act
    const filing = fileReport(reporter, { ...report, category: 'SYNTHETIC_SEXUAL_IMAGERY' }, 'key-1', NOW);

    // Assess
    await expect(filing).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps Idempotency-Keys apart per user', async () => {
    // Prepare
    const first = await fileReport(reporter, report, 'key-1', NOW);

    // Act
    const other = await fileReport({ userId: 'staff-kim', roles: ['staff'] }, report, 'key-1', NOW);

    // Assess
    expect(other.created).toBe(true);
    expect(other.caseId).not.toBe(first.caseId);
  });

  it('finishes a filing that stopped after reserving its key, on the reserved case id', async () => {
    // Prepare
    await fileReport(reporter, report, 'key-1', NOW);
    const reserved = storedItem('IDEMPOTENCY#support-center#key-1', 'IDEMPOTENCY');
    const caseId = String(reserved?.caseId);
    resetAws();
    givenOperators();
    givenItems({ pk: 'IDEMPOTENCY#support-center#key-1', sk: 'IDEMPOTENCY', ...reserved });

    // Act
    const retried = await fileReport(reporter, report, 'key-1', '2026-03-02T09:01:00.000Z');

    // Assess
    expect(retried).toEqual({ created: true, caseId, status: 'PENDING_APPROVAL' });
    expect(storedItem(`CASE#${caseId}`, 'CASE')).toMatchObject({ createdAt: NOW });
  });

  it('does not touch a case that moved on when its key is replayed', async () => {
    // Prepare
    const first = await fileReport(reporter, report, 'key-1', NOW);
    givenItems(caseItem(aCase({ caseId: first.caseId, createdBy: 'support-center', status: 'ORDERS_ISSUED' })));
    sfnMock.resetHistory();

    // Act
    const again = await fileReport(reporter, report, 'key-1', NOW);

    // Assess
    expect(again).toEqual({ created: false, caseId: first.caseId, status: 'ORDERS_ISSUED' });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it.each(['', 'has space', 'x'.repeat(129), 'ünï'])('refuses the malformed Idempotency-Key %j', async (key) => {
    await expect(fileReport(reporter, report, key, NOW)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('listOwnReports', () => {
  beforeEach(() => resetAws());

  it('lists only the caller’s reports, with the status in plain words and the URLs', async () => {
    // Prepare
    givenItems(
      caseItem(aCase({ createdBy: 'support-center', status: 'ORDERS_ISSUED' })),
      caseItem(aCase({ caseId: OTHER_CASE_ID, createdBy: 'staff-kim' })),
      ...urlChunkItems(CASE_ID, CASE_URLS),
    );

    // Act
    const reports = await listOwnReports(reporter, 'en');

    // Assess
    expect(reports).toEqual([
      {
        caseId: CASE_ID,
        createdAt: '2026-03-02T00:00:00.000Z',
        status: 'Removal ordered',
        category: 'ILLEGAL_FILMING',
        urls: expect.arrayContaining(CASE_URLS.map((url) => url.url)),
      },
    ]);
  });

  it('speaks the policy’s language by default', async () => {
    // Prepare
    givenItems(caseItem(aCase({ createdBy: 'support-center' })));

    // Act
    const [first] = await listOwnReports(reporter);

    // Assess
    expect(first?.status).toBe('승인 대기 중');
  });
});

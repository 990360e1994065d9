import { describe, expect, it } from 'vitest';
import {
  CASE_STATUSES,
  COMPLIANCE_STATUSES,
  type CaseStatus,
  type ComplianceStatus,
  DECISION_STATUSES,
  type DecisionStatus,
  LANGUAGES,
} from '../../../shared/domain/model';
import { reporterStatusText } from '../../../shared/domain/orders';
import {
  type OrderOutcomeFacts,
  REPORTER_URL_OUTCOMES,
  type ReporterUrlOutcome,
  reporterCaseText,
  reporterOutcomeText,
  reporterUrlOutcome,
  reporterUrlOutcomeAmong,
} from '../../../shared/domain/reporter';

const anOrder = (facts: Partial<OrderOutcomeFacts> = {}): OrderOutcomeFacts => ({
  action: 'DELETE',
  complianceStatus: 'ISSUED',
  decisionStatus: 'PENDING',
  ...facts,
});

describe('reporterUrlOutcome', () => {
  // What the operator has not yet done, per decision: a lifted order will not take the content down.
  const stillActing: Record<DecisionStatus, ReporterUrlOutcome> = {
    PENDING: 'IN_PROGRESS',
    CONFIRMED: 'IN_PROGRESS',
    APPEALED: 'IN_PROGRESS',
    UPHELD: 'IN_PROGRESS',
    REVOKED: 'ORDER_LIFTED',
    OVERTURNED: 'ORDER_LIFTED',
  };
  const notComplied: Record<Exclude<ComplianceStatus, 'COMPLIED' | 'COMPLIED_LATE'>, Record<DecisionStatus, ReporterUrlOutcome>> = {
    ISSUED: stillActing,
    ACKNOWLEDGED: stillActing,
    UNDELIVERED: stillActing,
    OVERDUE: {
      PENDING: 'NOT_REMOVED',
      CONFIRMED: 'NOT_REMOVED',
      APPEALED: 'NOT_REMOVED',
      UPHELD: 'NOT_REMOVED',
      REVOKED: 'ORDER_LIFTED',
      OVERTURNED: 'ORDER_LIFTED',
    },
  };
  const pending = Object.entries(notComplied).flatMap(([compliance, byDecision]) =>
    Object.entries(byDecision).map(([decision, outcome]) => [compliance as ComplianceStatus, decision as DecisionStatus, outcome] as const),
  );

  it('covers every pair of compliance and decision status', () => {
    const complied = COMPLIANCE_STATUSES.filter((status) => status === 'COMPLIED' || status === 'COMPLIED_LATE');
    expect(pending.length + complied.length * DECISION_STATUSES.length).toBe(COMPLIANCE_STATUSES.length * DECISION_STATUSES.length);
  });

  it.each(pending)('tells %s under decision %s as %s', (complianceStatus, decisionStatus, expected) => {
    expect(reporterUrlOutcome('UNDER_POST_REVIEW', true, anOrder({ complianceStatus, decisionStatus }))).toBe(expected);
  });

  const LIFTED = new Set<string>(['REVOKED', 'OVERTURNED']);
  it.each(
    (['COMPLIED', 'COMPLIED_LATE'] as const).flatMap((complianceStatus) =>
      DECISION_STATUSES.flatMap(
        (decisionStatus): (readonly [ComplianceStatus, DecisionStatus, 'DELETED' | 'BLOCKED' | 'NOT_FOUND', ReporterUrlOutcome])[] =>
          LIFTED.has(decisionStatus)
            ? (['DELETED', 'BLOCKED', 'NOT_FOUND'] as const).map(
                (action) => [complianceStatus, decisionStatus, action, 'LIFTED_AFTER_REMOVAL'] as const,
              )
            : [
                [complianceStatus, decisionStatus, 'DELETED', 'REMOVED'] as const,
                [complianceStatus, decisionStatus, 'BLOCKED', 'ACCESS_DISABLED'] as const,
                [complianceStatus, decisionStatus, 'NOT_FOUND', 'NO_LONGER_FOUND'] as const,
              ],
      ),
    ),
  )(
    'tells %s under %s with the operator’s %s as %s: a lifted order may bring the content back',
    (complianceStatus, decisionStatus, complianceAction, expected) => {
      expect(reporterUrlOutcome('CLOSED', true, anOrder({ complianceStatus, decisionStatus, complianceAction }))).toBe(expected);
    },
  );

  it.each([
    ['DELETE', 'REMOVED'],
    ['BLOCK_ACCESS', 'ACCESS_DISABLED'],
  ] as const)('tells a %s order complied without a stated action as %s', (action, expected) => {
    expect(reporterUrlOutcome('CONFIRMED', true, anOrder({ action, complianceStatus: 'COMPLIED' }))).toBe(expected);
  });

  it.each([
    ['PENDING_APPROVAL', 'AWAITING_APPROVAL'],
    ['UNDER_PRIOR_REVIEW', 'AWAITING_APPROVAL'],
    ['REJECTED', 'NOT_ORDERED'],
  ] as const)('tells every URL of a %s case as %s, whatever its host', (caseStatus, expected) => {
    expect(reporterUrlOutcome(caseStatus, true, undefined)).toBe(expected);
    expect(reporterUrlOutcome(caseStatus, false, undefined)).toBe(expected);
  });

  it('tells a URL that no operator claims as not assigned, and an assigned one whose order is not out yet as in progress', () => {
    expect(reporterUrlOutcome('CLOSED', false, undefined)).toBe('NOT_ASSIGNED');
    expect(reporterUrlOutcome('ORDERS_ISSUED', true, undefined)).toBe('IN_PROGRESS');
  });
});

describe('reporterOutcomeText', () => {
  const words: Record<ReporterUrlOutcome, { en: string; ko: string }> = {
    AWAITING_APPROVAL: { en: 'Waiting for approval', ko: '승인 대기 중' },
    NOT_ORDERED: { en: 'No removal ordered: the report was not approved', ko: '삭제 요청 없음: 신고가 승인되지 않음' },
    NOT_ASSIGNED: { en: 'Not assigned to an operator yet', ko: '아직 담당 사업자가 정해지지 않음' },
    IN_PROGRESS: { en: 'Still being handled', ko: '처리 중' },
    REMOVED: { en: 'Removed', ko: '삭제됨' },
    ACCESS_DISABLED: { en: 'Access blocked', ko: '접속 차단됨' },
    NO_LONGER_FOUND: { en: 'No longer found at this address', ko: '이 주소에서 더 이상 발견되지 않음' },
    NOT_REMOVED: { en: 'Not removed by the deadline', ko: '기한까지 삭제되지 않음' },
    ORDER_LIFTED: { en: 'The committee lifted the order: not removed', ko: '위원회가 요청을 철회함: 삭제되지 않음' },
    LIFTED_AFTER_REMOVAL: {
      en: 'The committee lifted the order; the content may be restored',
      ko: '위원회가 요청을 철회함: 삭제·차단된 게시물이 복원될 수 있음',
    },
    ACCESS_BLOCKED_BY_PROVIDERS: { en: 'Access blocked through internet providers', ko: '인터넷 서비스 제공자를 통해 접속 차단됨' },
  };

  it.each(REPORTER_URL_OUTCOMES.flatMap((outcome) => LANGUAGES.map((language) => [outcome, language] as const)))(
    'words %s in %s',
    (outcome, language) => {
      expect(reporterOutcomeText(outcome, language)).toBe(words[outcome][language]);
    },
  );

  it('has no Hangul in English and some in Korean', () => {
    for (const outcome of REPORTER_URL_OUTCOMES) {
      expect(reporterOutcomeText(outcome, 'en')).not.toMatch(/\p{Script=Hangul}/u);
      expect(reporterOutcomeText(outcome, 'ko')).toMatch(/\p{Script=Hangul}/u);
    }
  });
});

describe('reporterCaseText', () => {
  it.each(['NOT_ASSIGNED', 'NOT_REMOVED', 'ORDER_LIFTED', 'LIFTED_AFTER_REMOVAL'] as const)(
    'does not call a case simply closed when one URL is %s',
    (left) => {
      expect(reporterCaseText('CLOSED', ['REMOVED', left], 'en')).toBe('Closed: not every address was removed');
      expect(reporterCaseText('CLOSED', ['REMOVED', left], 'ko')).toBe('종결: 삭제되지 않은 주소가 있음');
    },
  );

  it('calls a case closed when every URL was taken down', () => {
    expect(reporterCaseText('CLOSED', ['REMOVED', 'ACCESS_DISABLED', 'NO_LONGER_FOUND'], 'en')).toBe('Closed');
  });

  it.each(
    CASE_STATUSES.filter((status) => status !== 'CLOSED').flatMap((status) => LANGUAGES.map((language) => [status, language] as const)),
  )('words a %s case in %s as its status', (status: CaseStatus, language) => {
    expect(reporterCaseText(status, ['NOT_REMOVED'], language)).toBe(reporterStatusText(status, language));
  });
});

describe('reporterUrlOutcomeAmong: URLs blocked through ISPs', () => {
  // Given a case whose overseas and unclaimed URLs three ISPs are ordered to block, and whose overseas host is asked to delete
  const BLOCKED_OWNERS = [null, 'op-overseas'];
  const ispOrder = (operatorId: string, facts: Partial<OrderOutcomeFacts> = {}) => ({
    operatorId,
    ...anOrder({ action: 'BLOCK_ACCESS', urlOwners: BLOCKED_OWNERS, ...facts }),
  });
  const request = (facts: Partial<OrderOutcomeFacts> = {}) => ({
    operatorId: 'op-overseas',
    ...anOrder({ action: 'DELETE_REQUEST', ...facts }),
  });
  const domestic = { operatorId: 'op-domestic', ...anOrder({ complianceStatus: 'COMPLIED', complianceAction: 'DELETED' }) };
  const complied = { complianceStatus: 'COMPLIED', complianceAction: 'BLOCKED' } as const;

  it('tells an unclaimed URL as in progress, not "not assigned", while the ISPs have not acted', () => {
    const orders = [ispOrder('isp-kt'), ispOrder('isp-skb'), request(), domestic];
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', null, orders)).toBe('IN_PROGRESS');
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', 'op-overseas', orders)).toBe('IN_PROGRESS');
  });

  it('tells the URLs blocked through internet providers once a provider blocks them, and leaves the domestic host’s URL to its own order', () => {
    const orders = [ispOrder('isp-kt', complied), ispOrder('isp-skb'), request(), domestic];
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', null, orders)).toBe('ACCESS_BLOCKED_BY_PROVIDERS');
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', 'op-overseas', orders)).toBe('ACCESS_BLOCKED_BY_PROVIDERS');
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', 'op-domestic', orders)).toBe('REMOVED');
  });

  it('tells an overseas URL removed when its host granted the request, whatever the ISPs did', () => {
    const orders = [ispOrder('isp-kt', complied), request({ complianceStatus: 'COMPLIED', complianceAction: 'DELETED' })];
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', 'op-overseas', orders)).toBe('REMOVED');
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', null, orders)).toBe('ACCESS_BLOCKED_BY_PROVIDERS');
  });

  it('tells the URLs of ISP orders lifted by the committee as lifted', () => {
    const lifted = { ...complied, decisionStatus: 'REVOKED' } as const;
    expect(reporterUrlOutcomeAmong('CLOSED', null, [ispOrder('isp-kt', lifted), ispOrder('isp-skb', lifted)])).toBe('LIFTED_AFTER_REMOVAL');
  });

  it('still tells a URL no order covers as not assigned (no ISP registered)', () => {
    expect(reporterUrlOutcomeAmong('ORDERS_ISSUED', null, [domestic])).toBe('NOT_ASSIGNED');
  });
});

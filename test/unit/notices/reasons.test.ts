/**
 * The statement of reasons (shared/domain/reasons.ts) and the notices that carry it: the ORDER
 * notice states the authority, who decided by role, the facts, the legal basis and every remedy with
 * its window; a lifted order's REINSTATE instruction says what to undo and how to answer. Every line
 * of a Korean notice is Korean (an address, a URL or an API call aside).
 */
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../shared/domain/model';
import { policyById } from '../../../shared/domain/policy';
import { statementOfReasons } from '../../../shared/domain/reasons';
import { type Language, renderOperatorNotice } from '../../../shared/notices/templates';
import { anOrder, anOrderNotice, TWO_APPROVALS } from '../../support/records';

const kcsc = policyById('kr-kcsc');
const links = { web: 'https://web.commission.example', api: 'https://api.commission.example' };
const URLS = ['https://webhard.example/v/1', 'https://webhard.example/v/2'];
const DEADLINE = '2026-03-03T00:20:00.000Z';
const order = anOrder({ deadlineAt: DEADLINE, graceEndsAt: '2026-03-10T00:20:00.000Z' });
const LANGS: Language[] = ['ko', 'en'];

/** A line a Korean reader needs no other language for: Hangul, or an address, URL, id or API call on its own. */
const KOREAN_OR_ADDRESS = /\p{Script=Hangul}|^(- )?(https?:\/\/\S+|POST \S+|\S+@\S+)$/u;

function render(notice: Parameters<typeof renderOperatorNotice>[0]['notice'], lang: Language, changes: Partial<OrderRecord> = {}) {
  return renderOperatorNotice({
    order: { ...order, ...changes },
    operator: { name: '웹하드', language: lang },
    policy: kcsc,
    notice,
    links,
  });
}

describe('statementOfReasons', () => {
  const reasons = statementOfReasons({ policy: kcsc, procedure: 'interim-then-review', order, approvals: TWO_APPROVALS, urls: URLS });

  it('gives the legal basis, the issuing authority, the facts from the approvals and the URLs concerned', () => {
    expect(reasons).toMatchObject({
      orderId: order.orderId,
      legalBasis: kcsc.legalBasis,
      issuingAuthority: { name: kcsc.authority.name, contact: kcsc.authority.replyTo },
      facts: { category: order.category, action: order.action, grounds: TWO_APPROVALS.map((approval) => approval.reason), urls: URLS },
      issuedAt: order.issuedAt,
      deadlineAt: DEADLINE,
    });
  });

  it('names who decided by role and number, never a staff id', () => {
    expect(reasons.decidedBy).toEqual({ body: 'COMMISSION_STAFF', members: 2, reviewedAfterwardsBy: 'COMMITTEE' });
    expect(JSON.stringify(reasons)).not.toMatch(/staff-lee|staff-park/);
    const committee = statementOfReasons({ policy: kcsc, procedure: 'vote-first', order, approvals: [], urls: URLS });
    expect(committee.decidedBy).toEqual({ body: 'COMMITTEE' });
  });

  it("lists the objection with the policy's window, then the policy's remedies with theirs", () => {
    expect(reasons.remedies.map((remedy) => [remedy.kind, remedy.window, remedy.from])).toEqual([
      ['OBJECTION', kcsc.appealWindow, 'CONFIRMATION'],
      ['ADMINISTRATIVE_APPEAL', 'P90D', 'NOTICE'],
      ['LITIGATION', 'P90D', 'NOTICE'],
    ]);
    const confirmed = statementOfReasons({
      policy: kcsc,
      procedure: 'interim-then-review',
      order: { ...order, appealDeadline: '2026-03-25T00:00:00.000Z' },
      approvals: TWO_APPROVALS,
      urls: URLS,
    });
    expect(confirmed.remedies[0]?.deadline).toBe('2026-03-25T00:00:00.000Z');
  });

  it("leaves out a rejection's reason and an approval without one", () => {
    const mixed = statementOfReasons({
      policy: kcsc,
      procedure: 'interim-then-review',
      order,
      approvals: [
        { by: 'staff-lee', at: order.issuedAt, decision: 'APPROVE' },
        ...TWO_APPROVALS,
        { by: 'staff-kim', at: order.issuedAt, decision: 'REJECT', reason: 'not sure' },
      ],
      urls: URLS,
    });
    expect(mixed.facts.grounds).toEqual(TWO_APPROVALS.map((approval) => approval.reason));
    expect(mixed.decidedBy).toMatchObject({ members: 3 });
  });

  it('states a reason two approvers gave in the same words once', () => {
    const same = 'Hidden-camera footage, checked against the report';
    const twice = statementOfReasons({
      policy: kcsc,
      procedure: 'interim-then-review',
      order,
      approvals: TWO_APPROVALS.map((approval) => ({ ...approval, reason: ` ${same}` })),
      urls: URLS,
    });
    expect(twice.facts.grounds).toEqual([same]);
  });
});

describe('the ORDER notice states its reasons', () => {
  it.each(LANGS)('in %s: authority, decision makers, facts, legal basis and remedies with windows', (lang) => {
    const { text } = render(anOrderNotice(order, URLS, DEADLINE), lang);
    expect(text).toContain(kcsc.authority.name[lang]);
    expect(text).toContain(kcsc.legalBasis[lang]);
    for (const approval of TWO_APPROVALS) expect(text).toContain(approval.reason);
    expect(text).toContain(lang === 'ko' ? '위원회 사무처 직원 2명이 긴급 절차로 승인' : '2 commission staff members approved it');
    expect(text).toContain(
      lang === 'ko'
        ? '행정심판: 중앙행정심판위원회에, 이 요청을 안 날부터 90일 이내'
        : 'Administrative appeal: to Central Administrative Appeals Commission, within 90 days',
    );
    expect(text).toContain(lang === 'ko' ? '행정소송' : 'Court action');
    expect(text).toContain(
      lang === 'ko'
        ? '이의신청: 방송미디어통신심의위원회에, 위원회의 확정 통지를 받은 때부터 15일 이내'
        : "within 15 days of the committee's confirmation",
    );
    expect(text).not.toMatch(/staff-lee|staff-park/);
  });

  it('in Korean, every line is Korean', () => {
    const lines = render(anOrderNotice(order, URLS, DEADLINE), 'ko')
      .text.split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !KOREAN_OR_ADDRESS.test(line.trim()))).toEqual([]);
  });
});

describe('the REINSTATE instruction', () => {
  const revoked: Partial<OrderRecord> = {
    decisionStatus: 'REVOKED',
    status: 'REVOKED',
    reinstatement: { instruction: 'REINSTATE', status: 'PENDING', instructedAt: '2026-03-09T00:00:00.000Z' },
  };

  it.each([
    ['DELETE', 'ko', '삭제한 게시물을 복원', 'RESTORED'],
    ['DELETE', 'en', 'restore the content you removed', 'RESTORED'],
    ['BLOCK_ACCESS', 'ko', '접속차단을 해제', 'UNBLOCKED'],
    ['BLOCK_ACCESS', 'en', 'lift the block', 'UNBLOCKED'],
  ] as const)('a %s order in %s asks to undo it and how to answer', (action, lang, asks, answer) => {
    const mail = render({ kind: 'REINSTATE' }, lang, { ...revoked, action });
    expect(mail.subject).toContain(order.orderId);
    expect(mail.text).toContain(asks);
    expect(mail.text).toContain(`POST ${links.api}/operator/orders/${order.orderId}/reinstatement`);
    expect(mail.text).toContain(`"action":"${answer}|NOT_APPLICABLE"`);
    expect(mail.text).toContain(lang === 'ko' ? '기한과 과징금이 없습니다' : 'no deadline and no fine');
  });

  it.each(LANGS)('in %s, says why: revoked in review, or overturned on appeal', (lang) => {
    expect(render({ kind: 'REINSTATE' }, lang, revoked).text).toContain(lang === 'ko' ? '사후 심의 결과' : 'After its review');
    expect(render({ kind: 'REINSTATE' }, lang, { ...revoked, decisionStatus: 'OVERTURNED' }).text).toContain(
      lang === 'ko' ? '이의신청을 받아들여' : 'granted the appeal',
    );
  });

  it.each([
    ['DELETE', 'ko', '복원할 게시물 URL (2건)'],
    ['DELETE', 'en', 'Content to restore (2 URLs)'],
    ['BLOCK_ACCESS', 'ko', '차단을 해제할 URL (2건)'],
    ['BLOCK_ACCESS', 'en', 'URLs to unblock (2 URLs)'],
  ] as const)('a %s order in %s lists what to restore or unblock', (action, lang, heading) => {
    const urls = ['https://webhard.example/v/1', 'https://webhard.example/v/2'];
    const text = render({ kind: 'REINSTATE', urls }, lang, { ...revoked, action }).text;
    expect(text).toContain(heading);
    for (const url of urls) expect(text).toContain(url);
  });

  it('a reminder says so in its subject', () => {
    expect(render({ kind: 'REINSTATE', reminder: true }, 'en', revoked).subject).toMatch(/^\[Reminder: Reinstatement instruction\]/);
    expect(render({ kind: 'REINSTATE', reminder: true }, 'ko', revoked).subject).toMatch(/^\[다시 알림: 게시물 복원 요청\]/);
  });

  it('in Korean, every line is Korean', () => {
    for (const action of ['DELETE', 'BLOCK_ACCESS'] as const) {
      const lines = render({ kind: 'REINSTATE', urls: ['https://webhard.example/v/1'] }, 'ko', { ...revoked, action })
        .text.split('\n')
        .filter((line) => line.trim() !== '');
      expect(lines.filter((line) => !KOREAN_OR_ADDRESS.test(line.trim()))).toEqual([]);
    }
  });
});

/**
 * What the notices say, beyond their structure (templates.test.ts): who issues them and where a
 * reply goes, absolute links and POST for acts, deadlines to the second, the fine an order risks,
 * wording that fits whether the operator acted, Korean particles and English plurals.
 */
import { describe, expect, it } from 'vitest';
import type { ComplianceStatus, OrderRecord } from '../../../shared/domain/model';
import { policyById, resolvePolicy } from '../../../shared/domain/policy';
import {
  renderContactChange,
  renderOperatorNotice,
  renderStaffAlert,
  type Language,
  type OperatorNotice,
} from '../../../shared/notices/templates';
import { countOf, withParticle } from '../../../shared/notices/words';
import { anOrder, anOrderNotice } from '../../support/records';

const kcsc = policyById('kr-kcsc');
const links = { web: 'https://web.commission.example', api: 'https://api.commission.example' };
const ORDER_ID = 'O01JDXQ4ZKCM3Q6V7W8X9Y0Z1A-op-social';
/** A deadline with seconds: a notice that rounds it to the minute misstates it. */
const DEADLINE = '2026-11-25T06:00:57.000Z';

const order: OrderRecord = anOrder({
  orderId: ORDER_ID,
  operatorId: 'op-social',
  urlCount: 2,
  issuedAt: '2026-11-24T06:00:00.000Z',
  deadlineAt: DEADLINE,
  graceEndsAt: '2026-12-02T06:00:57.000Z',
  appealDeadline: '2026-12-20T06:00:00.000Z',
});

const NOTICES: OperatorNotice[] = [
  anOrderNotice(order, ['https://social.example/p/1', 'https://social.example/p/2'], DEADLINE),
  { kind: 'REMINDER', reminderAt: '2026-11-24T18:00:57.000Z' },
  { kind: 'OVERDUE' },
  { kind: 'REVOKED' },
  { kind: 'CONFIRMED' },
  { kind: 'APPEAL_OUTCOME', outcome: 'UPHELD' },
  { kind: 'APPEAL_OUTCOME', outcome: 'OVERTURNED' },
  { kind: 'FINE', fine: { amount: 1000, currency: 'KRW', policyId: 'kr-kcsc', breakdown: [{ item: 'base', amount: 1000 }] } },
  { kind: 'STILL_ONLINE', urls: ['https://social.example/p/2'], checkedAt: '2026-11-25T07:00:00.000Z' },
];
const LANGS: Language[] = ['ko', 'en'];
const EVERY = NOTICES.flatMap((notice) => LANGS.map((lang) => ({ kind: notice.kind, notice, lang })));

function render(notice: OperatorNotice, lang: Language, changes: Partial<OrderRecord> = {}, policy = kcsc) {
  return renderOperatorNotice({ order: { ...order, ...changes }, operator: { name: 'op-social', language: lang }, policy, notice, links });
}

describe('the issuing authority', () => {
  it.each(EVERY)('$kind in $lang names the authority and where a reply goes', ({ notice, lang }) => {
    const mail = render(notice, lang);
    expect(mail.text).toContain(kcsc.authority.name[lang]);
    expect(mail.text).toContain(kcsc.authority.replyTo);
  });

  it.each(LANGS)("in %s, another profile's notices name its own authority", (lang) => {
    // Given the Australian profile
    const esafety = policyById('au-esafety');
    // When its order notice is written
    const mail = render(anOrderNotice(order, ['https://social.example/p/1'], DEADLINE, esafety), lang, {}, esafety);
    // Then it names the eSafety Commissioner, not the Korean commission
    expect(mail.text).toContain(esafety.authority.name[lang]);
    expect(mail.text).not.toContain(kcsc.authority.name[lang]);
  });

  it('is a policy value a file may change, checked like the rest', () => {
    const own = resolvePolicy({
      base: 'kr-kcsc',
      authority: { name: { ko: '시험 기관', en: 'Test Authority' }, replyTo: 'desk@test.example' },
    });
    expect(render(NOTICES[0] as OperatorNotice, 'ko', {}, own).text).toContain('시험 기관이 삭제 요청을 합니다');
    expect(() => resolvePolicy({ base: 'kr-kcsc', authority: { name: { ko: 'x', en: 'x' }, replyTo: 'not an address' } })).toThrow(
      /authority\.replyTo/,
    );
  });

  it.each(LANGS)('in %s, a change of contacts names the authority too', (lang) => {
    const mail = renderContactChange({
      operator: { operatorId: 'op-social', name: 'op-social', language: lang },
      before: ['a@social.example'],
      after: ['b@social.example'],
      at: '2026-11-24T06:00:00.000Z',
      policy: kcsc,
    });
    expect(mail.text).toContain(kcsc.authority.name[lang]);
    expect(mail.text).toContain(kcsc.authority.replyTo);
  });
});

describe('links', () => {
  it.each(EVERY)('$kind in $lang: every path has its host, and no act is a link', ({ notice, lang }) => {
    const mail = render(notice, lang);
    // No bare "#/…" and no path without the API's host
    expect(mail.text).not.toMatch(/(^|[\s(])#\//m);
    expect(mail.text).not.toMatch(/(^|[\s(])\/operator\//m);
    for (const [, act] of mail.text.matchAll(/(\S+)\/(acknowledge|compliance|appeal)\b/g)) {
      expect(act).toBe(`${links.api}/operator/orders/${ORDER_ID}`);
    }
    // Acts are POSTs, never something to click
    for (const line of mail.text.split('\n').filter((l) => /\/(acknowledge|compliance|appeal)\b/.test(l))) {
      expect(line).toMatch(/POST https:\/\/api\.commission\.example\/operator\/orders\//);
    }
    // The only links: the order's page, and on a host's ORDER notice the poster's objection page
    for (const [, href] of mail.html.matchAll(/<a href="([^"]*)"/g)) {
      expect([`${links.web}/#/operator/orders/${ORDER_ID}`, `${links.web}/#/object`]).toContain(href);
    }
  });

  it.each([
    { kind: 'ORDER', notice: NOTICES[0] as OperatorNotice },
    { kind: 'CONFIRMED', notice: NOTICES[4] as OperatorNotice },
  ])("$kind links to the operator's page of the order", ({ notice }) => {
    const mail = render(notice, 'en');
    expect(mail.html).toContain(`<a href="${links.web}/#/operator/orders/${ORDER_ID}">`);
    expect(mail.text).toContain(`\n${links.web}/#/operator/orders/${ORDER_ID}\n`);
  });

  it("a staff alert links to the case's page in the web UI", () => {
    const mail = renderStaffAlert('C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A', { subject: 'Deadline missed', lines: [] }, links);
    expect(mail.text).toContain(`${links.web}/#/cases/C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A`);
    expect(mail.text).not.toMatch(/\(#\//);
  });
});

describe('deadlines to the second', () => {
  it.each([
    { kind: 'ORDER', notice: NOTICES[0] as OperatorNotice },
    { kind: 'REMINDER', notice: NOTICES[1] as OperatorNotice },
    { kind: 'OVERDUE', notice: NOTICES[2] as OperatorNotice },
    { kind: 'FINE', notice: NOTICES[7] as OperatorNotice },
  ])('$kind states the deadline to the second, in UTC and in Seoul time', ({ notice }) => {
    expect(render(notice, 'ko').text).toContain('조치 기한 (UTC): 2026-11-25T06:00:57.000Z');
    expect(render(notice, 'ko').text).toContain('조치 기한 (Asia/Seoul): 2026년 11월 25일 오후 3:00:57 (한국 표준시)');
    expect(render(notice, 'en').text).toContain('Deadline (UTC): 2026-11-25T06:00:57.000Z');
    expect(render(notice, 'en').text).toContain('Deadline (Asia/Seoul): 25 Nov 2026, 15:00:57 (Korean Standard Time)');
  });
});

describe('the fine an order risks', () => {
  it.each([
    {
      lang: 'ko' as const,
      words: ['과징금이 부과될 수 있습니다', '0.2%에서 1.5%까지', '1시간마다 매출액의 0.01%', '최대 168시간', '상한은 매출액의 3%'],
    },
    {
      lang: 'en' as const,
      words: [
        'you may be fined',
        '0.2% to 1.5% of your relevant revenue',
        '0.01% of revenue for each hour late',
        'up to 168 hours',
        'never more than 3% of revenue',
      ],
    },
  ])("ORDER in $lang warns of the fine, in the policy's figures", ({ lang, words }) => {
    const text = render(NOTICES[0] as OperatorNotice, lang).text;
    for (const word of words) expect(text).toContain(word);
  });

  it('follows the policy: a higher cap and one hour of surcharge are written as such', () => {
    const strict = resolvePolicy({ base: 'kr-kcsc', fines: { capRate: 0.05, lateSurchargeMaxHours: 1 } });
    const text = render(NOTICES[0] as OperatorNotice, 'en', {}, strict).text;
    expect(text).toContain('never more than 5% of revenue');
    expect(text).toContain('up to 1 hour)');
  });
});

describe('wording that fits what the operator did', () => {
  const KEEP = { ko: '삭제 또는 차단 상태를 유지해 주십시오', en: 'keep the content removed or blocked' };
  const RESTORE = { ko: '복원할 수 있습니다', en: 'may be restored' };
  const ACT_NOW = { ko: '지금 바로 게시물을 삭제하고', en: 'remove the content now' };
  const DID_NOTHING: ComplianceStatus[] = ['ISSUED', 'ACKNOWLEDGED', 'OVERDUE'];
  const ACTED: ComplianceStatus[] = ['COMPLIED', 'COMPLIED_LATE'];
  const STANDING = [NOTICES[4], NOTICES[5]] as OperatorNotice[];
  const LIFTED = [NOTICES[3], NOTICES[6]] as OperatorNotice[];

  describe.each(LANGS)('in %s', (lang) => {
    it.each(DID_NOTHING)('an order that stands, to an operator whose order is %s: act now, never "keep it removed"', (complianceStatus) => {
      for (const notice of STANDING) {
        const text = render(notice, lang, { complianceStatus }).text;
        expect(text).not.toContain(KEEP[lang]);
        expect(text).toContain(ACT_NOW[lang]);
        expect(text).toContain(`POST ${links.api}/operator/orders/${ORDER_ID}/compliance`);
      }
    });

    it.each(ACTED)('an order that stands, to an operator whose order is %s: keep it removed', (complianceStatus) => {
      for (const notice of STANDING) {
        const text = render(notice, lang, { complianceStatus }).text;
        expect(text).toContain(KEEP[lang]);
        expect(text).not.toContain(ACT_NOW[lang]);
      }
    });

    it.each(DID_NOTHING)('a lifted order, to an operator whose order is %s: nothing to restore', (complianceStatus) => {
      for (const notice of LIFTED) expect(render(notice, lang, { complianceStatus }).text).not.toContain(RESTORE[lang]);
    });

    it.each(ACTED)('a lifted order, to an operator whose order is %s: what it removed may be restored', (complianceStatus) => {
      for (const notice of LIFTED) expect(render(notice, lang, { complianceStatus }).text).toContain(RESTORE[lang]);
    });
  });
});

describe('Korean particles', () => {
  const BY_FINAL_SOUND = 'after a Hangul word, by its final sound';
  const BOTH_FORMS = 'after a word not in Hangul, both forms, the one after a final consonant first';
  it.each([
    { word: '요청', particle: '을/를' as const, written: '요청을', rule: BY_FINAL_SOUND },
    { word: '위원회', particle: '을/를' as const, written: '위원회를', rule: BY_FINAL_SOUND },
    { word: '방송미디어통신심의위원회', particle: '이/가' as const, written: '방송미디어통신심의위원회가', rule: BY_FINAL_SOUND },
    { word: '시험 기관', particle: '이/가' as const, written: '시험 기관이', rule: BY_FINAL_SOUND },
    { word: '서울', particle: '으로/로' as const, written: '서울로', rule: BY_FINAL_SOUND },
    { word: '부산', particle: '으로/로' as const, written: '부산으로', rule: BY_FINAL_SOUND },
    { word: '위원회', particle: '와/과' as const, written: '위원회와', rule: BY_FINAL_SOUND },
    { word: '요청', particle: '와/과' as const, written: '요청과', rule: BY_FINAL_SOUND },
    { word: 'op-social', particle: '와/과' as const, written: 'op-social과(와)', rule: BOTH_FORMS },
    { word: 'O01JD-op-webhard', particle: '을/를' as const, written: 'O01JD-op-webhard을(를)', rule: BOTH_FORMS },
    { word: 'eSafety', particle: '이/가' as const, written: 'eSafety이(가)', rule: BOTH_FORMS },
    { word: 'kr-kcsc', particle: '은/는' as const, written: 'kr-kcsc은(는)', rule: BOTH_FORMS },
    { word: '2026', particle: '으로/로' as const, written: '2026으로(로)', rule: BOTH_FORMS },
  ])('$rule: $written', ({ word, particle, written }) => {
    expect(withParticle(word, particle)).toBe(written);
  });

  it('the notices use them: an order id takes both forms, a Hangul name its own', () => {
    expect(render(NOTICES[4] as OperatorNotice, 'ko').text).toContain(`${ORDER_ID}을(를) 확정했습니다`);
    expect(render(NOTICES[3] as OperatorNotice, 'ko').text).toContain(`${ORDER_ID}을(를) 철회했습니다`);
    expect(render(NOTICES[7] as OperatorNotice, 'ko').text).toContain('방송미디어통신심의위원회는 아래 금액의 과징금 부과를 검토');
    expect(render(NOTICES[0] as OperatorNotice, 'ko').text).toContain('방송미디어통신심의위원회가 삭제 요청을 합니다');
    expect(render(NOTICES[0] as OperatorNotice, 'ko', { action: 'BLOCK_ACCESS' }).text).toContain('접속차단 요청을 합니다');
  });
});

describe('English plurals', () => {
  it.each([
    { count: 0, written: '0 URLs' },
    { count: 1, written: '1 URL' },
    { count: 2, written: '2 URLs' },
  ])('$count is "$written"', ({ count, written }) => {
    expect(countOf(count, { one: 'URL', other: 'URLs' })).toBe(written);
  });

  it('an order of one URL says "1 URL", of two "2 URLs"', () => {
    const one = render(anOrderNotice(order, ['https://social.example/p/1'], DEADLINE), 'en').text;
    expect(one).toContain('(1 URL)');
    expect(one).not.toContain('1 URLs');
    expect(render(NOTICES[0] as OperatorNotice, 'en').text).toContain('(2 URLs)');
  });

  it('one hour left is "1 hour left"', () => {
    const mail = render({ kind: 'REMINDER', reminderAt: '2026-11-25T05:00:57.000Z' }, 'en');
    expect(mail.subject).toContain('1 hour left');
    expect(mail.subject).not.toContain('1 hours');
  });
});

describe('the STILL_ONLINE notice (post-monitoring)', () => {
  it('in Korean, every line is Korean, beside the URLs still online and the links', () => {
    const mail = render({ kind: 'STILL_ONLINE', urls: ['https://social.example/p/2'], checkedAt: '2026-11-25T07:00:00.000Z' }, 'ko');
    const lines = mail.text.split('\n').filter((line) => line.trim() !== '' && !/^\W*https?:\/\/\S+$/.test(line.trim()));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line, line).toMatch(/[가-힣]/);
    expect(mail.subject).toMatch(/^\[재게시 확인\]/);
    expect(mail.text).toContain('https://social.example/p/2');
  });
});

import { describe, expect, it } from 'vitest';
import { anOrderNotice } from '../../support/records';
import type { Fine, OrderRecord } from '../../../shared/domain/model';
import { policyById } from '../../../shared/domain/policy';
import {
  durationInWords,
  escapeHtml,
  renderContactChange,
  renderOperatorNotice,
  renderStaffAlert,
  type Language,
  type OperatorNotice,
} from '../../../shared/notices/templates';

const policy = policyById('kr-kcsc');
const ORDER_ID = 'O01JDXQ4ZKCM3Q6V7W8X9Y0Z1A-op-webhard';
const HOSTILE_URL = 'https://webhard.example/v/<script>alert(1)</script>?a=1&b="2"';

const order: OrderRecord = {
  orderId: ORDER_ID,
  caseId: 'C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A',
  operatorId: 'op-webhard',
  status: 'ISSUED',
  complianceStatus: 'ISSUED',
  decisionStatus: 'PENDING',
  action: 'DELETE',
  category: 'ILLEGAL_FILMING',
  urlCount: 2,
  issuedAt: '2026-11-24T06:00:00.000Z',
  deadlineAt: '2026-11-25T06:00:00.000Z',
  graceEndsAt: '2026-12-02T06:00:00.000Z',
  appealDeadline: '2026-12-20T06:00:00.000Z',
  remindersSent: [],
  notices: [],
};

const fine: Fine = {
  amount: 1_234_000,
  currency: 'KRW',
  policyId: 'kr-kcsc',
  breakdown: [
    { item: 'base', amount: 1_000_000 },
    { item: 'lateSurcharge', amount: 234_000 },
  ],
};

/** The deadline an ORDER notice states: the one it was written with (the order's clock starts at SES's acceptance). */
const STATED = order.deadlineAt as string;
const NOTICES: OperatorNotice[] = [
  anOrderNotice(order, ['https://webhard.example/v/1', HOSTILE_URL], STATED),
  { kind: 'REMINDER', reminderAt: '2026-11-24T18:00:00.000Z' },
  { kind: 'OVERDUE' },
  { kind: 'REVOKED' },
  { kind: 'CONFIRMED' },
  { kind: 'APPEAL_OUTCOME', outcome: 'UPHELD' },
  { kind: 'APPEAL_OUTCOME', outcome: 'OVERTURNED' },
  { kind: 'FINE', fine },
];
const LANGS: Language[] = ['ko', 'en'];
const CASES = NOTICES.flatMap((notice) => LANGS.map((lang) => ({ kind: notice.kind, notice, lang })));

const operatorIn = (language: Language) => ({ name: 'Webhard <Co> & Sons', language });
const links = { web: 'https://web.commission.example', api: 'https://api.commission.example' };

function render(notice: OperatorNotice, lang: Language, theOrder: OrderRecord = order) {
  return renderOperatorNotice({ order: theOrder, operator: operatorIn(lang), policy, notice, links });
}

describe('renderOperatorNotice', () => {
  it.each(CASES)('$kind in $lang: the subject names the order and every part is escaped HTML', ({ notice, lang }) => {
    // Act
    const mail = render(notice, lang);
    // Assess
    expect(mail.subject).toContain(ORDER_ID);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain(ORDER_ID);
    expect(mail.html).toContain(`lang="${lang}"`);
    expect(mail.html).toContain(escapeHtml('Webhard <Co> & Sons'));
    expect(mail.html).not.toContain('<Co>');
  });

  it.each(CASES)('$kind in $lang: no reporter, summary or other data of the case leaks', ({ notice, lang }) => {
    // Prepare: a careless caller passes an order merged with its case
    const leaky = { ...order, summary: 'SECRET-SUMMARY', reporter: { kind: 'VICTIM', reference: 'REF-4711' } } as OrderRecord;
    // Act
    const mail = render(notice, lang, leaky);
    // Assess
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toContain('SECRET-SUMMARY');
      expect(part).not.toContain('REF-4711');
      expect(part).not.toContain('VICTIM');
    }
  });

  it.each([
    {
      lang: 'ko' as const,
      local: '2026년 11월 25일 오후 3:00:00',
      basis: policy.legalBasis.ko,
      action: '삭제',
      appeal: '15일',
      within: '24시간',
    },
    {
      lang: 'en' as const,
      local: '25 Nov 2026, 15:00:00',
      basis: policy.legalBasis.en,
      action: 'Delete the content',
      appeal: '15 days',
      within: '24 hours',
    },
  ])('ORDER in $lang gives URLs, action, deadline in UTC and Seoul time, legal basis, how to answer and appeal', (want) => {
    // Act
    const mail = render(anOrderNotice(order, ['https://webhard.example/v/1', HOSTILE_URL], STATED), want.lang);
    // Assess
    expect(mail.subject).toContain(want.within);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(STATED);
      expect(part).toContain(want.local);
      expect(part).toContain(want.action);
      expect(part).toContain(want.appeal);
      expect(part).toContain(`POST ${links.api}/operator/orders/${ORDER_ID}/acknowledge`);
      expect(part).toContain(`POST ${links.api}/operator/orders/${ORDER_ID}/compliance`);
      expect(part).toContain(`POST ${links.api}/operator/orders/${ORDER_ID}/appeal`);
      expect(part).toContain(`${links.web}/#/operator/orders/${ORDER_ID}`);
    }
    expect(mail.text).toContain(want.basis);
    expect(mail.html).toContain(escapeHtml(want.basis));
    expect(mail.text).toContain('https://webhard.example/v/1');
    expect(mail.text).toContain(HOSTILE_URL);
    expect(mail.html).toContain('https://webhard.example/v/&lt;script&gt;alert(1)&lt;/script&gt;?a=1&amp;b=&quot;2&quot;');
    expect(mail.html).not.toContain('<script>');
    // The reported content is never a link: they lead to the order's page and the poster's objection page
    expect([...mail.html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      `${links.web}/#/operator/orders/${ORDER_ID}`,
      `${links.web}/#/object`,
    ]);
  });

  it('ORDER to an overseas operator asks to block access from the jurisdiction', () => {
    // Act
    const mail = render(anOrderNotice(order, ['https://overseas.example/x'], STATED), 'en', {
      ...order,
      action: 'BLOCK_ACCESS',
    });
    // Assess
    expect(mail.text).toContain('Block access from South Korea');
    expect(mail.subject).toContain('access-blocking order');
  });

  it.each(LANGS)('ORDER to an ISP in %s offers what an ISP can report, lifting the block on revocation, and no poster code', (lang) => {
    // Given an ISP's order, whose notice carries no objection code (the ISP does not know the poster)
    const isp = { ...order, action: 'BLOCK_ACCESS' as const };
    // When its ORDER notice is written
    const mail = render(anOrderNotice(isp, ['https://unclaimed.example/x'], STATED), lang, isp);
    // Then it reports BLOCKED or NOT_FOUND, whole or URL by URL, never DELETED
    expect(mail.text).toContain('{"action":"BLOCKED|NOT_FOUND"');
    expect(mail.text).toContain('/compliance/urls');
    expect(mail.text).not.toContain('DELETED');
    // And a revocation lifts the block; the ISP may still object early, but gets no code for a poster
    expect(mail.text).toContain(lang === 'ko' ? '차단을 해제해 주십시오' : 'you are then to lift the block');
    expect(mail.text).toContain(lang === 'ko' ? '지금 할 수 있는 이의신청' : 'Objecting now');
    expect(mail.text).not.toContain(lang === 'ko' ? '이의신청 코드' : 'Objection code');
  });

  it.each(LANGS)("ORDER in %s offers the objection sections the order's action gives, whatever the caller passed", (lang) => {
    // Given the notices of a host's, an ISP's and an overseas host's order, each handed a poster's code
    const code = 'POSTERCODE-FOR-THIS-TEST';
    const objectingNow = lang === 'ko' ? '지금 할 수 있는 이의신청' : 'Objecting now';
    const mailFor = (action: OrderRecord['action']) =>
      render({ ...anOrderNotice(order, ['https://webhard.example/v/1'], STATED), objectionCode: code }, lang, { ...order, action });
    // Then the host passes the code on, the ISP may object but gets no code, the overseas host neither
    expect(mailFor('DELETE').text).toContain(code);
    expect(mailFor('BLOCK_ACCESS').text).toContain(objectingNow);
    expect(mailFor('BLOCK_ACCESS').text).not.toContain(code);
    expect(mailFor('DELETE_REQUEST').text).not.toContain(code);
    expect(mailFor('DELETE_REQUEST').text).not.toContain('Objecting now');
  });

  it("an ORDER notice to a host without the poster's code is a defect, not a notice that leaves the poster out", () => {
    const { objectionCode: _code, ...withoutCode } = anOrderNotice(order, ['https://webhard.example/v/1'], STATED);
    expect(() => render(withoutCode, 'en')).toThrow(/must carry the objection code/);
  });

  it.each([
    { lang: 'ko' as const, left: '12시간' },
    { lang: 'en' as const, left: '12 hours' },
  ])('REMINDER in $lang says how long is left and when the deadline is', ({ lang, left }) => {
    // Act
    const mail = render({ kind: 'REMINDER', reminderAt: '2026-11-24T18:00:00.000Z' }, lang);
    // Assess
    expect(mail.subject).toContain(left);
    expect(mail.text).toContain(STATED);
  });

  it.each(LANGS)('OVERDUE in %s gives the end of the grace period in UTC and local time', (lang) => {
    // Act
    const mail = render({ kind: 'OVERDUE' }, lang);
    // Assess
    expect(mail.text).toContain(order.graceEndsAt);
    expect(mail.text).toContain(lang === 'ko' ? '2026년 12월 2일 오후 3:00:00' : '2 Dec 2026, 15:00:00');
  });

  it.each(LANGS)('ORDER in %s states the deadline it was written with, for an order whose clock has not started', (lang) => {
    // Given an issued order without a deadline (its clock starts when SES accepts this notice)
    const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = order;
    const written = '2026-11-25T06:00:07.000Z';
    // When its ORDER notice is written
    const mail = render(anOrderNotice(order, ['https://webhard.example/v/1'], written), lang, issued);
    // Then it states that deadline, in UTC and local time
    expect(mail.text).toContain(`(UTC): ${written}`);
    expect(mail.text).toContain(lang === 'ko' ? '2026년 11월 25일 오후 3:00:07' : '25 Nov 2026, 15:00:07');
  });

  it.each<OperatorNotice>([{ kind: 'REMINDER', reminderAt: '2026-11-24T18:00:00.000Z' }, { kind: 'OVERDUE' }, { kind: 'FINE', fine }])(
    'a $kind notice about the clock of an order without one is a defect, not a notice without a deadline',
    (notice) => {
      const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = order;
      expect(() => render(notice, 'en', issued)).toThrow(/has no deadline running/);
    },
  );

  it.each(LANGS)("in %s, the operator's name is rendered on one line: no forged line, no reordering", (lang) => {
    // Given an operator name with a line break, a bidirectional override and a zero-width space
    const mail = renderOperatorNotice({
      order,
      operator: { name: 'Webhard\r\nDeadline (UTC): 2099-01-01 \u202eoC\u200b', language: lang },
      policy,
      notice: { kind: 'CONFIRMED' },
      links,
    });
    // Then the forged "Deadline" is no line of its own, and no invisible character reaches the text
    expect(mail.text.split('\n').some((line) => line.startsWith('Deadline (UTC): 2099'))).toBe(false);
    expect(mail.text).toContain('Webhard Deadline (UTC): 2099-01-01 oC');
    expect(mail.text).not.toMatch(/[\u202e\u200b\r]/);
  });

  it.each(LANGS)('CONFIRMED in %s gives the appeal deadline and how to appeal', (lang) => {
    // Act
    const mail = render({ kind: 'CONFIRMED' }, lang);
    // Assess
    expect(mail.text).toContain(order.appealDeadline);
    expect(mail.text).toContain(`POST ${links.api}/operator/orders/${ORDER_ID}/appeal`);
  });

  it.each(LANGS)('FINE in %s itemizes the amount with its currency and names the policy', (lang) => {
    // Act
    const mail = render({ kind: 'FINE', fine }, lang);
    // Assess
    expect(mail.subject).toContain('1,234,000 KRW');
    // A line without a code (a fine stored before lines had codes) is named generically in Korean: never English in a Korean notice
    expect(mail.text).toContain(lang === 'ko' ? '산정 항목: 1,000,000 KRW' : 'base: 1,000,000 KRW');
    expect(mail.text).toContain(lang === 'ko' ? '산정 항목: 234,000 KRW' : 'lateSurcharge: 234,000 KRW');
    expect(mail.text).toContain('kr-kcsc');
  });

  it.each([
    { outcome: 'UPHELD' as const, en: 'upheld' },
    { outcome: 'OVERTURNED' as const, en: 'overturned' },
  ])('APPEAL_OUTCOME $outcome says what the committee decided', ({ outcome, en }) => {
    expect(render({ kind: 'APPEAL_OUTCOME', outcome }, 'en').subject).toContain(en);
  });
});

describe('durationInWords', () => {
  it.each([
    { ms: 15 * 86_400_000, en: '15 days', ko: '15일' },
    { ms: 36 * 3_600_000, en: '36 hours', ko: '36시간' },
    { ms: 50 * 3_600_000, en: '2 days 2 hours', ko: '2일 2시간' },
    { ms: 150 * 60_000, en: '2 hours 30 minutes', ko: '2시간 30분' },
    { ms: 3_000, en: '3 seconds', ko: '3초' },
    { ms: 3_600_000 + 1_000, en: '1 hour', ko: '1시간' },
    { ms: 0, en: 'less than a second', ko: '1초 미만' },
  ])('$ms ms is "$en" / "$ko"', ({ ms, en, ko }) => {
    expect(durationInWords(ms, 'en')).toBe(en);
    expect(durationInWords(ms, 'ko')).toBe(ko);
  });
});

describe('renderStaffAlert', () => {
  it('frames the lines in both languages, names the case and escapes HTML', () => {
    // Act
    const mail = renderStaffAlert('C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A', { subject: 'Deadline missed', lines: ['order <O1> & more'] }, links);
    // Assess
    expect(mail.subject).toContain('C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A');
    expect(mail.subject).toContain('직원 알림');
    expect(mail.text).toContain('order <O1> & more');
    expect(mail.html).toContain('order &lt;O1&gt; &amp; more');
  });

  it.each([
    [
      'a line break',
      'did not arrive: 550 user unknown\r\nOrder revoked by staff',
      'did not arrive: 550 user unknown Order revoked by staff',
    ],
    ['a bidirectional override', 'reason \u202etxt.exe', 'reason txt.exe'],
    ['zero-width characters', 'bou\u200bnced\ufeff', 'bou nced'],
  ])('renders each line on one line: %s in a line (an SES reason, say) cannot forge another', (_label, line, shown) => {
    // When a line holding it is rendered
    const mail = renderStaffAlert(
      'C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A',
      {
        subject: 'Order could not be delivered',
        lines: [line, 'second line'],
      },
      links,
    );
    // Then it is one list item, and the next line is the next item
    expect(mail.text).toContain(`- ${shown}\n- second line`);
    expect(mail.text).not.toMatch(/[\r\u202e\u200b\ufeff]/);
  });

  it('renders a subject with a line break on one header line', () => {
    const mail = renderStaffAlert('C01JDXQ4ZKCM3Q6V7W8X9Y0Z1A', { subject: 'Order\r\nBcc: x@evil.example', lines: [] }, links);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

describe('renderContactChange', () => {
  const before = ['old-notices@webhard.example', 'legal@webhard.example'];
  const after = ['new-notices@webhard.example'];

  it.each(LANGS)('in %s names the operator, when, the old and the new contacts, and asks to report a change nobody asked for', (lang) => {
    // When an operator's contacts changed
    const mail = renderContactChange({
      operator: { operatorId: 'op-webhard', name: 'Webhard <Co>\nCEO', language: lang },
      before,
      after,
      at: '2026-11-24T06:00:00.000Z',
      policy,
    });
    // Then the subject is one line naming the operator
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Webhard <Co> CEO');
    // And the text lists the old addresses under "before" and the new ones under "now", each once
    const text = mail.text;
    const beforeAt = text.indexOf(lang === 'ko' ? '■ 이전 주소' : '■ Before');
    const nowAt = text.indexOf(lang === 'ko' ? '■ 새 주소' : '■ Now');
    expect(beforeAt).toBeGreaterThan(-1);
    expect(nowAt).toBeGreaterThan(beforeAt);
    for (const address of before) {
      expect(text.indexOf(`- ${address}`)).toBeGreaterThan(beforeAt);
      expect(text.indexOf(`- ${address}`)).toBeLessThan(nowAt);
    }
    for (const address of after) expect(text.indexOf(`- ${address}`)).toBeGreaterThan(nowAt);
    expect(text).toContain('op-webhard');
    expect(text).toContain('2026-11-24T06:00:00.000Z');
    expect(text).toContain(lang === 'ko' ? '요청하지 않은 변경' : 'If nobody at your service asked for this');
    expect(mail.html).toContain(escapeHtml('Webhard <Co> CEO'));
    expect(mail.html).not.toContain('<Co>');
  });
});

/**
 * The case timeline in words: every action code the deciders can record has a sentence in both
 * languages that says who did what, to whom, and never falls back to the raw code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translator, type Lang } from '../../../web/src/i18n';
import { timelineWords, type TimelineContext } from '../../../web/src/timeline-words';

const DECIDERS = join(__dirname, '../../../shared/domain/deciders');

/**
 * The action codes as the deciders write them: in their events' types (`RecordEvent<'A' | 'B'`)
 * and in the events they build (`action: 'A'`, `? 'A' : 'B'`), read from the source so that a
 * code added there without words here fails this test.
 */
function actionCodesOfTheDeciders(): string[] {
  const codes = new Set<string>();
  for (const file of readdirSync(DECIDERS).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(DECIDERS, file), 'utf8');
    for (const [, union] of source.matchAll(/RecordEvent<\s*((?:'[A-Z_]+'\s*\|?\s*)+),/g)) {
      for (const [, code] of union!.matchAll(/'([A-Z_]+)'/g)) codes.add(code!);
    }
    for (const [, code] of source.matchAll(/action: '([A-Z_]+)'/g)) codes.add(code!);
  }
  return [...codes].sort();
}

const ORDER_ID = 'O01KJNXGE000W3GE1R70W3GE1A7-op-social';
const CONTEXT: TimelineContext = {
  timeZone: 'Asia/Seoul',
  approvals: [{ by: 'staff-lee', at: '2026-03-02T00:05:00.000Z', decision: 'APPROVE', reason: 'Victim confirmed the clip' }],
  orders: [
    {
      orderId: ORDER_ID,
      operatorId: 'op-social',
      notices: [
        {
          eventKey: 'ORDER',
          kind: 'ORDER',
          to: ['legal@social.example'],
          sentAt: '2026-03-02T00:06:00.000Z',
          messageId: 'm-1',
          status: 'SENT',
        },
      ],
    },
  ],
};

/** Details as the deciders record them, enough for every sentence to have its facts. */
const DETAILS: Record<string, unknown> = {
  orderId: ORDER_ID,
  operatorId: 'op-social',
  reviewId: 'R01KJNXGE000W3GE1R70W3GE1A7-POST',
  appealId: 'A01KJNXGE000W3GE1R70W3GE1A7-op-social',
  messageId: 'm-1',
  kind: 'ORDER',
  urlCount: 2,
  category: 'ILLEGAL_FILMING',
  approvalsSoFar: 1,
  status: 'CLOSED',
  closesAt: '2026-03-09T00:00:00.000Z',
  appealDeadline: '2026-03-24T00:00:00.000Z',
  deadlineAt: '2026-03-03T00:06:00.000Z',
  graceEndsAt: '2026-03-10T00:06:00.000Z',
  action: 'DELETE',
  decision: 'CONFIRM',
  outcome: 'CONFIRMED',
  outcomeReason: 'MAJORITY',
  result: 'UPHELD',
  amount: 1_500_000,
  currency: 'KRW',
  reason: 'mailbox full',
  matched: 2,
  unassigned: 0,
  approvals: 1,
  needed: 2,
  appealIds: ['A1'],
  objectionId: 'OBJ-0123456789ABCDEF',
  error: 'States.Timeout',
  changes: { contactEmails: { from: [], to: [] } },
  partnerId: 'partner-fr',
  referralId: 'X01KJNXGE000W3GE1R70W3GE1A7-op-overseas',
  country: 'FR',
  nextAttemptAt: '2026-03-02T00:10:00.000Z',
  removed: 1,
  remaining: 1,
};

const words = (lang: Lang, action: string, actor = 'system', details: Record<string, unknown> = DETAILS, at = '2026-03-02T00:05:00.000Z') =>
  timelineWords({ at, actor, action, details }, translator(lang), CONTEXT);

describe('the timeline in words', () => {
  const codes = actionCodesOfTheDeciders();

  it('finds the deciders’ action codes', () => {
    // A sample the reader can check against shared/domain/deciders/*.ts.
    expect(codes).toEqual(expect.arrayContaining(['REPORT_FILED', 'APPROVAL_GIVEN', 'NOTICE_SENT', 'VOTE_CAST', 'APPEAL_SETTLED']));
    expect(codes.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(['en', 'ko'] as const)('in %s', (lang) => {
    it.each(codes)('words %s without its code, an unfilled blank, or “undefined”', (code) => {
      const sentence = words(lang, code, 'staff-lee');
      expect(sentence).not.toContain(code);
      expect(sentence).not.toMatch(/undefined|NaN|\{\w+\}|: $|\(\)/);
    });
  });

  it('says to whom a notice went, from the order’s notices', () => {
    expect(words('en', 'NOTICE_SENT')).toBe(
      `Order notice of order ${ORDER_ID} sent to legal@social.example; deadline 2026-03-03 09:06:00 GMT+9`,
    );
    expect(words('ko', 'NOTICE_SENT')).toBe(`명령 ${ORDER_ID} 명령 통지 발송, 수신 legal@social.example; 기한 2026-03-03 09:06:00 GMT+9`);
  });

  it('says who approved and why, from the case’s approvals (the chain leaves reasons out)', () => {
    const approved = { decision: 'APPROVE', approvalsSoFar: 1, status: 'PENDING_APPROVAL' };
    expect(words('en', 'APPROVAL_GIVEN', 'staff-lee', approved)).toBe(
      'Approved by staff-lee (approval 1): reason “Victim confirmed the clip”',
    );
    expect(words('ko', 'APPROVAL_GIVEN', 'staff-lee', approved)).toBe('승인 (staff-lee, 1번째): 사유 “Victim confirmed the clip”');
    // Another member's approval at another moment has no reason of its own to borrow.
    expect(words('en', 'APPROVAL_GIVEN', 'staff-park', approved, '2026-03-02T00:09:00.000Z')).toBe('Approved by staff-park (approval 1)');
  });

  it('keeps a sealed ballot sealed, and shows an opened one', () => {
    expect(words('en', 'VOTE_CAST', 'member-1', { reviewId: 'R1', sealed: true })).toBe('member-1 voted (sealed until the review closes)');
    expect(words('en', 'VOTE_CAST', 'member-1', { reviewId: 'R1', decision: 'REVOKE' })).toBe('member-1 voted: Revoke');
    expect(words('ko', 'VOTE_CAST', 'member-1', { reviewId: 'R1', decision: 'REVOKE' })).toBe('표결 (member-1): 취소');
  });

  it('counts URLs in English by plural rules', () => {
    expect(words('en', 'REPORT_FILED', 'staff-kim', { urlCount: 1, category: 'ILLEGAL_FILMING' })).toBe(
      'Report filed by staff-kim: 1 URL, Illegal filming',
    );
    expect(words('en', 'REPORT_FILED', 'staff-kim', { urlCount: 3, category: 'ILLEGAL_FILMING' })).toBe(
      'Report filed by staff-kim: 3 URLs, Illegal filming',
    );
  });

  it('says what became of a notice in words', () => {
    const bounced = { orderId: ORDER_ID, eventKey: 'ORDER', status: 'BOUNCED', reason: 'mailbox does not exist' };
    expect(words('en', 'NOTICE_STATUS_RECORDED', 'system', bounced)).toBe(`Notice of order ${ORDER_ID}: bounced (mailbox does not exist)`);
    expect(words('ko', 'NOTICE_STATUS_RECORDED', 'system', { ...bounced, status: 'DELIVERED' })).toBe(
      `명령 ${ORDER_ID} 통지: 전달됨 (mailbox does not exist)`,
    );
  });

  it('writes a fine in the currency', () => {
    expect(words('en', 'FINE_ASSESSED')).toBe(`Fine of ₩1,500,000 proposed on order ${ORDER_ID}`);
  });

  it('shows an action it does not know by its actor and code', () => {
    expect(words('en', 'SOMETHING_NEW', 'staff-kim')).toBe('staff-kim · SOMETHING_NEW');
  });
});

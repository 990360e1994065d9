/**
 * The fine's two notices (docs/fines.md, "Procedure"): the proposal, with its computation, the
 * opinion period and how to state an opinion; the decision, with its reason and the remedies and
 * their windows. Every line of a Korean notice is Korean.
 */
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../../shared/domain/deciders/order';
import type { OrderRecord } from '../../../shared/domain/model';
import { orderStatus } from '../../../shared/domain/orders';
import { policyById } from '../../../shared/domain/policy';
import { type Language, renderOperatorNotice } from '../../../shared/notices/templates';
import { aFineAssessment, anOrder } from '../../support/records';
import { ctx, decided } from '../domain/deciders/support';

const policy = policyById('kr-kcsc');
const links = { web: 'https://web.commission.example', api: 'https://api.commission.example' };
const PROPOSED_AT = '2026-03-20T00:00:00.000Z';
const AFTER_DUE = '2026-03-30T00:00:01.000Z';

/** Given an order late by 200 hours whose operator's period already held most of the cap. */
function proposedOrder(): OrderRecord {
  const late = anOrder({ complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED', status: orderStatus('OVERDUE', 'CONFIRMED') });
  const base = aFineAssessment({ lateHours: 200 });
  const inputs = { ...base, period: { id: '2026', finedBefore: 250_000_000 } };
  return decided(orderDecider, { type: 'ASSESS_FINE', inputs }, late, ctx(PROPOSED_AT)).after;
}

function reducedOrder(): OrderRecord {
  const command = {
    type: 'DECIDE_FINE',
    by: 'staff-kim',
    decision: 'REDUCE',
    amount: 20_000_000,
    reason: '신속히 삭제한 점을 고려함',
  } as const;
  return decided(orderDecider, command, proposedOrder(), ctx(AFTER_DUE)).after;
}

function render(order: OrderRecord, kind: 'FINE' | 'FINE_DECISION', lang: Language) {
  if (order.fine === undefined) throw new Error('the order has a fine');
  return renderOperatorNotice({ order, operator: { name: '웹하드', language: lang }, policy, notice: { kind, fine: order.fine }, links });
}

/** A line a reader of Korean reads as Korean: it has Hangul, or is only an address. */
const notKorean = (text: string): string[] =>
  text.split('\n').filter((line) => line.trim() !== '' && !/[\uac00-\ud7a3]/.test(line) && !/^https?:\/\/\S+$/.test(line.trim()));

describe('the proposed fine notice', () => {
  it.each(['ko', 'en'] as const)('in %s: says it is a proposal, gives the computation, the opinion period and how to answer', (lang) => {
    // When the proposal is written
    const mail = render(proposedOrder(), 'FINE', lang);
    // Then it names the proposal, the amount, each line of the computation, the due date and the opinion route
    expect(mail.subject).toBe(
      lang === 'ko'
        ? `[과징금 사전 통지] ${proposedOrder().orderId}: 50,000,000 KRW`
        : `[Proposed fine] ${proposedOrder().orderId}: 50,000,000 KRW`,
    );
    expect(mail.text).toContain(`/operator/orders/${proposedOrder().orderId}/fine/opinion`);
    expect(mail.text).toContain(
      lang === 'ko' ? '의견 제출 기한 (Asia/Seoul): 2026년 3월 30일' : 'Opinion due by (Asia/Seoul): 30 Mar 2026',
    );
    expect(mail.text).toContain(
      lang === 'ko' ? '2026 기간 법정 상한(매출액의 3%) 중 남은 한도로 감액' : 'Reduced to the room left under the statutory cap for 2026',
    );
    expect(mail.text).toContain(
      lang === 'ko' ? '지연 가산금: 168시간 × 매출액의 0.01%(최대 168시간까지 산정): 168,000,000 KRW' : 'Lateness surcharge: 168 h',
    );
    expect(mail.text).toContain(lang === 'ko' ? '아직 부과된 것이 아니며' : 'It is not imposed yet');
  });

  it('is Korean on every line in Korean', () => {
    expect(notKorean(render(proposedOrder(), 'FINE', 'ko').text)).toEqual([]);
  });
});

describe('the fine decision notice', () => {
  it.each(['ko', 'en'] as const)(
    'in %s: gives the decision, the proposed and decided amounts, the reason and the remedies with their windows',
    (lang) => {
      const mail = render(reducedOrder(), 'FINE_DECISION', lang);
      expect(mail.subject).toBe(
        lang === 'ko'
          ? `[과징금 처분] ${reducedOrder().orderId}: 감액 부과 20,000,000 KRW`
          : `[Fine reduced] ${reducedOrder().orderId}: 20,000,000 KRW`,
      );
      expect(mail.text).toContain(lang === 'ko' ? '사전 통지 금액: 50,000,000 KRW' : 'Proposed: 50,000,000 KRW');
      expect(mail.text).toContain('신속히 삭제한 점을 고려함');
      expect(mail.text).toContain(lang === 'ko' ? '직원 결정에 따른 감액: -30,000,000 KRW' : 'Reduced by staff decision: -30,000,000 KRW');
      expect(mail.text).toContain(lang === 'ko' ? '90일 이내에 행정심판을 청구' : 'administrative appeal within 90 days');
    },
  );

  it('is Korean on every line in Korean', () => {
    expect(notKorean(render(reducedOrder(), 'FINE_DECISION', 'ko').text)).toEqual([]);
  });
});

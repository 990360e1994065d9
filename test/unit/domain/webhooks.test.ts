/**
 * The pure rules of webhooks (shared/domain/webhooks.ts): which notice gives which event, what an
 * event may say, where an endpoint may be, and the retry schedule.
 */
import { describe, expect, it } from 'vitest';
import type { OperatorNoticeRequest } from '../../../shared/domain/decider';
import { NOTICE_KINDS } from '../../../shared/domain/model';
import {
  assertWebhookUrl,
  DEFAULT_WEBHOOK_RETRY,
  endpointExhausted,
  nextAttemptAt,
  retryDelayMs,
  webhookEventsOfNotice,
  webhookIdOf,
  webhookPayload,
} from '../../../shared/domain/webhooks';
import { anOrder } from '../../support/records';

const HOUR = 3_600_000;

const noticeOf: Record<(typeof NOTICE_KINDS)[number], OperatorNoticeRequest> = {
  ORDER: { kind: 'ORDER' },
  REMINDER: { kind: 'REMINDER', reminderAt: '2026-03-02T12:00:00.000Z' },
  OVERDUE: { kind: 'OVERDUE' },
  REVOKED: { kind: 'REVOKED' },
  CONFIRMED: { kind: 'CONFIRMED' },
  APPEAL_OUTCOME: { kind: 'APPEAL_OUTCOME', outcome: 'OVERTURNED' },
  FINE: { kind: 'FINE' },
  DEADLINE_CHANGED: { kind: 'DEADLINE_CHANGED', change: {} as never },
  FINE_DECISION: { kind: 'FINE_DECISION' },
  REINSTATE: { kind: 'REINSTATE' },
  STILL_ONLINE: { kind: 'STILL_ONLINE', stillUp: 1 },
};

describe('the events of a notice', () => {
  it('gives every notice kind its event', () => {
    const host = anOrder({ action: 'DELETE' });
    expect(Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, webhookEventsOfNotice(noticeOf[kind], host)]))).toEqual({
      ORDER: ['order.issued'],
      REMINDER: ['order.reminder'],
      OVERDUE: ['order.overdue'],
      REVOKED: ['order.revoked'],
      CONFIRMED: ['order.confirmed'],
      APPEAL_OUTCOME: ['appeal.decided'],
      FINE: ['fine.proposed'],
      DEADLINE_CHANGED: ['order.deadline_changed'],
      FINE_DECISION: ['fine.imposed'],
      REINSTATE: ['order.reinstate'],
      STILL_ONLINE: ['order.still_online'],
    });
  });

  it('tells an ISP that its block list changed when a blocking order comes or goes, and only then', () => {
    const isp = anOrder({ action: 'BLOCK_ACCESS' });
    expect(webhookEventsOfNotice({ kind: 'ORDER' }, isp)).toEqual(['order.issued', 'blocklist.changed']);
    expect(webhookEventsOfNotice({ kind: 'REVOKED' }, isp)).toEqual(['order.revoked', 'blocklist.changed']);
    expect(webhookEventsOfNotice({ kind: 'APPEAL_OUTCOME', outcome: 'OVERTURNED' }, isp)).toEqual(['appeal.decided', 'blocklist.changed']);
    expect(webhookEventsOfNotice({ kind: 'APPEAL_OUTCOME', outcome: 'UPHELD' }, isp)).toEqual(['appeal.decided']);
    expect(webhookEventsOfNotice({ kind: 'OVERDUE' }, isp)).toEqual(['order.overdue']);
  });

  it('names each event by the notice, so a retried follow-up carries the same webhook-id', () => {
    const id = webhookIdOf('O1-op-webhard', 'order:O1-op-webhard', 'order.issued');
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(webhookIdOf('O1-op-webhard', 'order:O1-op-webhard', 'order.issued')).toBe(id);
    expect(webhookIdOf('O1-op-webhard', 'order:O1-op-webhard', 'blocklist.changed')).not.toBe(id);
    expect(webhookIdOf('O1-op-webhard', 'order:O1-op-webhard:resend-1', 'order.issued')).not.toBe(id);
  });

  it('says ids, status and dates of the order, never a URL, the reporter or the summary', () => {
    const order = anOrder({ deadlineAt: '2026-03-03T00:00:00.000Z' });
    const payload = webhookPayload('order.issued', '2026-03-02T00:00:01.000Z', order, { kind: 'ORDER' });
    expect(payload).toEqual({
      type: 'order.issued',
      timestamp: '2026-03-02T00:00:01.000Z',
      data: expect.objectContaining({ orderId: order.orderId, caseId: order.caseId, status: order.status, deadlineAt: order.deadlineAt }),
    });
    expect(JSON.stringify(payload)).not.toMatch(/https?:|reporter|summary/);
  });
});

describe('where an endpoint may be', () => {
  it('takes an https URL', () => {
    expect(assertWebhookUrl('https://hooks.webhard.example/ud', { allowLoopbackHttp: false })).toBe('https://hooks.webhard.example/ud');
  });

  it.each([
    ['http://hooks.webhard.example/ud', /https/],
    ['ftp://hooks.webhard.example/ud', /https/],
    ['https://user:pass@hooks.webhard.example/ud', /user name or password/],
    ['hooks.webhard.example', /absolute URL/],
  ])('refuses %s', (url, message) => {
    expect(() => assertWebhookUrl(url, { allowLoopbackHttp: true })).toThrow(message);
  });

  it('takes plain http to the loopback address only where the runtime allows it', () => {
    expect(assertWebhookUrl('http://127.0.0.1:4000/hook', { allowLoopbackHttp: true })).toBe('http://127.0.0.1:4000/hook');
    expect(() => assertWebhookUrl('http://127.0.0.1:4000/hook', { allowLoopbackHttp: false })).toThrow(/https/);
  });
});

describe('the retry schedule', () => {
  it('doubles each delay up to the cap, with half of it random', () => {
    const settings = DEFAULT_WEBHOOK_RETRY;
    expect(retryDelayMs(1, settings, 0)).toBe(15_000);
    expect(retryDelayMs(1, settings, 0.999_999)).toBeCloseTo(30_000, -1);
    expect(retryDelayMs(2, settings, 0)).toBe(30_000);
    expect(retryDelayMs(3, settings, 0)).toBe(60_000);
    expect(retryDelayMs(30, settings, 0)).toBe(settings.maxDelayMs / 2);
    expect(retryDelayMs(30, settings, 0.999_999)).toBeLessThanOrEqual(settings.maxDelayMs);
  });

  it.each([0, 0.5, 0.999])('retries a failing delivery for 24 hours and not a moment less (jitter %s)', (random) => {
    // Given a delivery whose every attempt fails, from its first attempt on
    const first = Date.parse('2026-03-02T00:00:00.000Z');
    const attempts = [first];
    // When each retry comes at the time the schedule gives
    for (;;) {
      const now = new Date(attempts.at(-1) as number).toISOString();
      const next = nextAttemptAt(
        { firstAttemptAt: new Date(first).toISOString(), failedAttempts: attempts.length, now },
        DEFAULT_WEBHOOK_RETRY,
        random,
      );
      if (next === undefined) break;
      attempts.push(Date.parse(next));
      expect(attempts.length, 'attempts').toBeLessThan(100);
    }
    // Then the last attempt is 24 hours after the first, with growing gaps no longer than the cap
    expect((attempts.at(-1) as number) - first).toBe(24 * HOUR);
    const gaps = attempts.slice(1).map((at, index) => at - (attempts[index] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DEFAULT_WEBHOOK_RETRY.maxDelayMs);
    expect(attempts.length).toBeGreaterThan(10);
  });

  it('disables an endpoint that failed every attempt for the whole window', () => {
    const since = '2026-03-02T00:00:00.000Z';
    expect(endpointExhausted(since, '2026-03-02T23:59:59.999Z', DEFAULT_WEBHOOK_RETRY)).toBe(false);
    expect(endpointExhausted(since, '2026-03-03T00:00:00.000Z', DEFAULT_WEBHOOK_RETRY)).toBe(true);
    expect(endpointExhausted(undefined, '2026-03-09T00:00:00.000Z', DEFAULT_WEBHOOK_RETRY)).toBe(false);
  });
});

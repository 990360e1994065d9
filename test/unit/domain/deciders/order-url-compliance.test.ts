/**
 * Per-URL compliance in the order decider (shared/domain/deciders/order.ts `REPORT_URLS`,
 * shared/domain/url-compliance.ts): URLs are accounted for one report after another, the last one
 * complies with the order by the usual deadline rule, CANNOT_COMPLY keeps it open with its reason,
 * repeats are harmless, conflicting re-reports are 409, and an ISP cannot report a deletion.
 */
import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand } from '../../../../shared/domain/deciders/order';
import { ConflictError, ValidationError, WindowClosedError } from '../../../../shared/domain/errors';
import type { OrderRecord } from '../../../../shared/domain/model';
import {
  monitoredPlaces,
  placedUrls,
  type UrlReport,
  urlComplianceRequestSchema,
  urlOutcomeViews,
  withUrlReports,
} from '../../../../shared/domain/url-compliance';
import { anOrder } from '../../../support/records';
import { ctx, decided, plus, step } from './support';

const OPERATOR_USER = 'op-webhard';
const ISSUED_AT = '2026-03-02T01:00:00.000Z';
const DEADLINE = '2026-03-03T01:00:00.000Z';
const GRACE_END = '2026-03-10T01:00:00.000Z';
const BEFORE_DEADLINE = plus(ISSUED_AT, 3_600_000);
const AFTER_DEADLINE = plus(DEADLINE, 1);

const report = (...reports: UrlReport[]): OrderCommand => ({ type: 'REPORT_URLS', by: OPERATOR_USER, reports });
const threeUrls = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({ urlCount: 3, issuedAt: ISSUED_AT, deadlineAt: DEADLINE, graceEndsAt: GRACE_END, ...overrides });

describe('reporting URL by URL', () => {
  it('accounts for some URLs without complying, then complies with the last one on time', () => {
    // Given an order of three URLs
    // When two are reported
    const first = decided(
      orderDecider,
      report({ place: 0, outcome: 'DELETED' }, { place: 2, outcome: 'NOT_FOUND' }),
      threeUrls(),
      ctx(BEFORE_DEADLINE),
    );
    // Then they are accounted for, counts on the chain, and the order stays open
    expect(first.event).toMatchObject({
      action: 'URLS_ACCOUNTED',
      details: { reported: 2, accounted: 2, cannotComply: 0, urlCount: 3 },
      data: {
        reports: [
          { place: 0, outcome: 'DELETED' },
          { place: 2, outcome: 'NOT_FOUND' },
        ],
      },
    });
    expect(first.followUps ?? []).toEqual([]);
    expect(first.after).toMatchObject({ complianceStatus: 'ISSUED', urlCompliance: { outcomes: { 0: 'DELETED', 2: 'NOT_FOUND' } } });
    // When the last URL is reported blocked
    const last = decided(orderDecider, report({ place: 1, outcome: 'BLOCKED' }), first.after, ctx(BEFORE_DEADLINE));
    // Then the order is complied with, its wait completed, and post-monitoring due for the deleted URL
    expect(last.event).toMatchObject({ action: 'ORDER_COMPLIED', details: { action: 'DELETED', complianceStatus: 'COMPLIED' } });
    expect(last.event.details).toHaveProperty('firstCheckAt');
    expect(last.followUps).toContainEqual(expect.objectContaining({ type: 'COMPLETE_WAIT', output: { outcome: 'COMPLIED' } }));
    expect(last.after).toMatchObject({ status: 'COMPLIED', compliedAt: BEFORE_DEADLINE, complianceAction: 'DELETED' });
    expect(monitoredPlaces(last.after)).toEqual([0]);
  });

  it('complies late after the deadline, and refuses once the grace period ended', () => {
    const partly = decided(
      orderDecider,
      report({ place: 0, outcome: 'DELETED' }, { place: 1, outcome: 'DELETED' }),
      threeUrls(),
      ctx(BEFORE_DEADLINE),
    );
    const late = decided(orderDecider, report({ place: 2, outcome: 'DELETED' }), partly.after, ctx(AFTER_DEADLINE));
    expect(late.event).toMatchObject({ action: 'ORDER_COMPLIED_LATE', details: { complianceStatus: 'COMPLIED_LATE' } });
    expect(() => orderDecider.decide(report({ place: 2, outcome: 'DELETED' }), partly.after, ctx(plus(GRACE_END, 1)))).toThrow(
      WindowClosedError,
    );
  });

  it('keeps an order with a URL it cannot comply with open, with the reason, until that URL is removed', () => {
    const reason = 'held under a court preservation order';
    const open = decided(
      orderDecider,
      report({ place: 0, outcome: 'DELETED' }, { place: 1, outcome: 'DELETED' }, { place: 2, outcome: 'CANNOT_COMPLY', reason }),
      threeUrls(),
      ctx(BEFORE_DEADLINE),
    );
    // Every URL is accounted for, but one cannot be complied with: no compliance, and the reason stays off the chain
    expect(open.event).toMatchObject({ action: 'URLS_ACCOUNTED', details: { accounted: 3, cannotComply: 1 } });
    expect(JSON.stringify(open.event.details)).not.toContain('court');
    expect(open.after.complianceStatus).toBe('ISSUED');
    expect(urlOutcomeViews(open.after, ['u0', 'u1', 'u2'])[2]).toEqual({ url: 'u2', outcome: 'CANNOT_COMPLY', reason });
    // The same report again is harmless
    expect(step(orderDecider, report({ place: 2, outcome: 'CANNOT_COMPLY', reason }), open.after, ctx(BEFORE_DEADLINE))).toEqual({
      kind: 'null',
    });
    // Another reason for it is a conflict
    const another = step(orderDecider, report({ place: 2, outcome: 'CANNOT_COMPLY', reason: 'other' }), open.after, ctx(BEFORE_DEADLINE));
    expect(another).toMatchObject({ kind: 'refused', error: expect.any(ConflictError) });
    // A removal replaces it and complies with the order; the reason is gone with it
    const done = decided(orderDecider, report({ place: 2, outcome: 'NOT_FOUND' }), open.after, ctx(BEFORE_DEADLINE));
    expect(done.event.action).toBe('ORDER_COMPLIED');
    expect(done.after.urlCompliance).toEqual({ outcomes: { 0: 'DELETED', 1: 'DELETED', 2: 'NOT_FOUND' } });
  });

  it('alerts staff to URLs the operator cannot comply with, once for each report that adds some, without the reasons', () => {
    const reason = 'held under a court preservation order';
    // When one report says two URLs cannot be complied with
    const first = decided(
      orderDecider,
      report({ place: 1, outcome: 'CANNOT_COMPLY', reason }, { place: 0, outcome: 'CANNOT_COMPLY', reason }),
      threeUrls(),
      ctx(BEFORE_DEADLINE),
    );
    // Then staff are alerted once for the report, keyed by its first URL, with no reason in the e-mail
    const order = threeUrls();
    expect(first.followUps).toEqual([
      {
        type: 'NOTIFY_STAFF',
        caseId: order.caseId,
        eventKey: `cannot-comply:${order.orderId}:0`,
        alert: expect.objectContaining({ subject: `Order ${order.orderId}: the operator cannot comply for 2 URL(s)` }),
      },
    ]);
    expect(JSON.stringify(first.followUps)).not.toContain('court');
    // And a later report of the third URL is a new alert of its own
    const second = decided(orderDecider, report({ place: 2, outcome: 'CANNOT_COMPLY', reason }), first.after, ctx(BEFORE_DEADLINE));
    expect(second.followUps).toEqual([expect.objectContaining({ type: 'NOTIFY_STAFF', eventKey: `cannot-comply:${order.orderId}:2` })]);
  });

  it('answers a repeat with nothing and a changed outcome of an accounted URL with 409', () => {
    const once = decided(orderDecider, report({ place: 0, outcome: 'DELETED' }), threeUrls(), ctx(BEFORE_DEADLINE));
    expect(step(orderDecider, report({ place: 0, outcome: 'DELETED' }), once.after, ctx(BEFORE_DEADLINE))).toEqual({ kind: 'null' });
    const changed = step(orderDecider, report({ place: 0, outcome: 'NOT_FOUND' }), once.after, ctx(BEFORE_DEADLINE));
    expect(changed).toMatchObject({ kind: 'refused', error: expect.any(ConflictError) });
    if (changed.kind === 'refused') expect(changed.error.message).toContain('URL 1 of order');
    // A URL removed may not become one that cannot be complied with either
    const worse = step(orderDecider, report({ place: 0, outcome: 'CANNOT_COMPLY', reason: 'x' }), once.after, ctx(BEFORE_DEADLINE));
    expect(worse).toMatchObject({ kind: 'refused', error: expect.any(ConflictError) });
  });

  it('after a whole-order report, a URL report that agrees is harmless and one that differs is 409', () => {
    const complied = threeUrls({
      complianceStatus: 'COMPLIED',
      status: 'COMPLIED',
      compliedAt: BEFORE_DEADLINE,
      complianceAction: 'DELETED',
    });
    expect(step(orderDecider, report({ place: 1, outcome: 'DELETED' }), complied, ctx(BEFORE_DEADLINE))).toEqual({ kind: 'null' });
    expect(step(orderDecider, report({ place: 1, outcome: 'BLOCKED' }), complied, ctx(BEFORE_DEADLINE))).toMatchObject({ kind: 'refused' });
  });

  it('a whole-order report accounts for every URL at once, replacing CANNOT_COMPLY', () => {
    const open = decided(
      orderDecider,
      report({ place: 0, outcome: 'CANNOT_COMPLY', reason: 'no access' }),
      threeUrls(),
      ctx(BEFORE_DEADLINE),
    );
    const whole = decided(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'BLOCKED' }, open.after, ctx(BEFORE_DEADLINE));
    expect(whole.after.complianceStatus).toBe('COMPLIED');
    expect(urlOutcomeViews(whole.after, ['a', 'b', 'c']).map((entry) => entry.outcome)).toEqual(['BLOCKED', 'BLOCKED', 'BLOCKED']);
    // A whole order's monitoring is unchanged: an order never reported per URL is checked whole
    expect(monitoredPlaces(threeUrls({ complianceStatus: 'COMPLIED', complianceAction: 'NOT_FOUND' }))).toEqual([0, 1, 2]);
  });

  it('refuses DELETED on an ISP’s BLOCK_ACCESS order, and accepts BLOCKED on a host’s DELETE order', () => {
    const isp = threeUrls({ action: 'BLOCK_ACCESS', operatorId: 'isp-kt', urlOwners: ['op-overseas'] });
    expect(step(orderDecider, report({ place: 0, outcome: 'DELETED' }), isp, ctx(BEFORE_DEADLINE))).toMatchObject({
      kind: 'refused',
      error: expect.any(ValidationError),
    });
    const blocked = decided(
      orderDecider,
      report({ place: 0, outcome: 'BLOCKED' }, { place: 1, outcome: 'BLOCKED' }, { place: 2, outcome: 'NOT_FOUND' }),
      isp,
      ctx(BEFORE_DEADLINE),
    );
    // An ISP's block is not monitored: the content stays up for everyone else
    expect(blocked.event).toMatchObject({ action: 'ORDER_COMPLIED', details: { action: 'BLOCKED' } });
    expect(blocked.event.details).not.toHaveProperty('firstCheckAt');
    expect(decided(orderDecider, report({ place: 0, outcome: 'BLOCKED' }), threeUrls(), ctx(BEFORE_DEADLINE)).event.action).toBe(
      'URLS_ACCOUNTED',
    );
  });

  it('a DELETE order complied without a deletion has no post-monitoring', () => {
    const { event } = decided(
      orderDecider,
      report({ place: 0, outcome: 'NOT_FOUND' }, { place: 1, outcome: 'BLOCKED' }, { place: 2, outcome: 'NOT_FOUND' }),
      threeUrls(),
      ctx(BEFORE_DEADLINE),
    );
    expect(event).toMatchObject({ action: 'ORDER_COMPLIED', details: { action: 'BLOCKED' } });
    expect(event.details).not.toHaveProperty('firstCheckAt');
  });

  it('refuses reports on a lifted order, and the same URL twice with different outcomes in one call', () => {
    const revoked = threeUrls({ decisionStatus: 'REVOKED', status: 'REVOKED' });
    expect(() => orderDecider.decide(report({ place: 0, outcome: 'DELETED' }), revoked, ctx(BEFORE_DEADLINE))).toThrow(ConflictError);
    expect(() =>
      orderDecider.decide(report({ place: 0, outcome: 'DELETED' }, { place: 0, outcome: 'NOT_FOUND' }), threeUrls(), ctx(BEFORE_DEADLINE)),
    ).toThrow(ValidationError);
  });
});

describe('what the order keeps', () => {
  it('keeps each distinct reason once for 1,000 URLs, well under a DynamoDB item', () => {
    const reason = 'x'.repeat(500);
    const reports = Array.from({ length: 1000 }, (_, place): UrlReport => ({ place, outcome: 'CANNOT_COMPLY', reason }));
    const kept = withUrlReports(undefined, reports);
    expect(kept.cannotComply).toHaveLength(1);
    expect(JSON.stringify(kept).length).toBeLessThan(30_000);
  });

  it('refuses more than 20 distinct reasons on one order', () => {
    const reports = Array.from({ length: 21 }, (_, place): UrlReport => ({ place, outcome: 'CANNOT_COMPLY', reason: `reason ${place}` }));
    expect(() => withUrlReports(undefined, reports)).toThrow(ValidationError);
  });

  it('places an ISP order’s URLs owner by owner, each URL once', () => {
    const order = { operatorId: 'isp-kt', urlOwners: ['op-b', null] };
    const urls = [
      { url: 'https://a/1', operatorId: null },
      { url: 'https://b/1', operatorId: 'op-b' },
      { url: 'https://b/1', operatorId: 'op-b' },
      { url: 'https://c/1', operatorId: 'op-c' },
    ];
    expect(placedUrls(order, urls).map((url) => url.url)).toEqual(['https://b/1', 'https://a/1']);
  });

  it('the request needs a reason with CANNOT_COMPLY and only with it', () => {
    const parse = (entry: object) => urlComplianceRequestSchema.safeParse({ urls: [{ url: 'https://a/1', ...entry }] }).success;
    expect(parse({ outcome: 'CANNOT_COMPLY', reason: 'held by a court' })).toBe(true);
    expect(parse({ outcome: 'CANNOT_COMPLY' })).toBe(false);
    expect(parse({ outcome: 'CANNOT_COMPLY', reason: '  ' })).toBe(false);
    expect(parse({ outcome: 'DELETED', reason: 'done' })).toBe(false);
    expect(parse({ outcome: 'DELETED' })).toBe(true);
  });
});

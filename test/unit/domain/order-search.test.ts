import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import {
  decodeOrderCursor,
  encodeOrderCursor,
  matchesOrderPlan,
  orderFacet,
  orderFacets,
  orderSearchSchema,
  planOrderSearch,
} from '../../../shared/domain/order-search';
import { facets } from '../../../shared/domain/search';
import { anOrder, CASE_ID, WEBHARD_ORDER_ID } from '../../support/records';

const plan = (query: Record<string, string>) => planOrderSearch(orderSearchSchema.parse(query));

describe('the facets an order is found under', () => {
  it('lists each URL and each host once, apart from the cases’ facets', () => {
    // When
    const found = orderFacets([
      { url: 'https://webhard.example/v/1', host: 'webhard.example', operatorId: 'op-webhard' },
      { url: 'https://webhard.example/v/2', host: 'WEBHARD.example', operatorId: 'op-webhard' },
    ]);

    // Then
    expect(found).toEqual([
      `ORDER#${facets.url('https://webhard.example/v/1')}`,
      'ORDER#HOST#webhard.example',
      `ORDER#${facets.url('https://webhard.example/v/2')}`,
    ]);
  });
});

describe('planning a search of orders', () => {
  it.each<[string, Record<string, string>, ReturnType<typeof plan>['source']]>([
    [
      'a URL, normalized',
      { url: 'HTTPS://Webhard.example:443/v/1', operatorId: 'op-webhard' },
      { kind: 'facet', facet: orderFacet(facets.url('https://webhard.example/v/1')) },
    ],
    ['a host', { host: 'Webhard.Example', caseId: CASE_ID }, { kind: 'facet', facet: 'ORDER#HOST#webhard.example' }],
    ['a case', { caseId: CASE_ID, operatorId: 'op-webhard' }, { kind: 'case', caseId: CASE_ID }],
    ['an operator', { operatorId: 'op-webhard', list: 'OPEN' }, { kind: 'operator', operatorId: 'op-webhard' }],
    ['a section', { list: 'NON_COMPLIANT', complianceStatus: 'OVERDUE' }, { kind: 'list', list: 'NON_COMPLIANT' }],
    ['nothing that narrows', { decisionStatus: 'CONFIRMED' }, { kind: 'all' }],
  ])('reads the fewest items for %s', (_, query, source) => {
    expect(plan(query).source).toEqual(source);
  });

  it('bounds the issue time by the dates, and by a deadline (never before its order’s issue)', () => {
    // When
    const planned = plan({ issuedFrom: '2026-03-01T00:00:00Z', issuedTo: '2026-03-09T00:00:00Z', deadlineTo: '2026-03-05T00:00:00Z' });

    // Then
    expect(planned.keyRange).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z#~' });
    expect(planned.newestFirst).toBe(true);
    expect(planned.filtered).toBe(true);
  });

  it('reads the open section by its deadlines, soonest first', () => {
    // When
    const planned = plan({ list: 'OPEN', deadlineFrom: '2026-03-01T00:00:00Z' });

    // Then
    expect(planned).toMatchObject({ keyRange: { from: '2026-03-01T00:00:00.000Z', to: '9' }, newestFirst: false, filtered: false });
  });

  it.each<[string, Record<string, string>]>([
    ['url and host together', { url: 'https://webhard.example/v/1', host: 'webhard.example' }],
    ['issue dates the wrong way round', { issuedFrom: '2026-03-02T00:00:00Z', issuedTo: '2026-03-01T00:00:00Z' }],
    ['deadlines the wrong way round', { deadlineFrom: '2026-03-02T00:00:00Z', deadlineTo: '2026-03-01T00:00:00Z' }],
    ['a URL that hides its host', { url: 'https://user@webhard.example/v/1' }],
  ])('refuses %s', (_, query) => {
    expect(() => plan(query)).toThrow(ValidationError);
  });
});

describe('checking an order against a plan', () => {
  const order = anOrder({ deadlineAt: '2026-03-03T01:00:00.000Z', decisionStatus: 'PENDING', complianceStatus: 'ISSUED' });

  it.each<[string, Record<string, string>, boolean]>([
    ['its section', { list: 'OPEN' }, true],
    ['another section', { list: 'UNDELIVERED' }, false],
    ['its statuses', { complianceStatus: 'ISSUED', decisionStatus: 'PENDING' }, true],
    ['another decision', { decisionStatus: 'CONFIRMED' }, false],
    ['its operator from its host', { host: 'webhard.example', operatorId: 'op-webhard' }, true],
    ['another operator', { host: 'webhard.example', operatorId: 'op-social' }, false],
    ['a deadline range around it (ends included)', { deadlineFrom: '2026-03-03T01:00:00Z', deadlineTo: '2026-03-03T01:00:00Z' }, true],
    ['a deadline range after it', { deadlineFrom: '2026-03-03T01:00:01Z' }, false],
    ['an issue range before it', { issuedTo: '2026-03-02T00:59:59Z' }, false],
  ])('matches %s: %s', (_, query, expected) => {
    expect(matchesOrderPlan(plan(query), order)).toBe(expected);
  });

  it('never matches a deadline range when the order has no deadline yet', () => {
    const { deadlineAt, ...undelivered } = order;
    expect(matchesOrderPlan(plan({ deadlineTo: '2026-12-31T00:00:00Z' }), undelivered)).toBe(false);
  });
});

describe('order cursors', () => {
  it('hands back the position to the search that answered it, and refuses it to another', () => {
    // Given
    const position = `2026-03-02T01:00:00.000Z#${WEBHARD_ORDER_ID}`;
    const cursor = encodeOrderCursor({ kind: 'all' }, position);

    // Then
    expect(decodeOrderCursor({ kind: 'all' }, cursor)).toBe(position);
    expect(() => decodeOrderCursor({ kind: 'list', list: 'OPEN' }, cursor)).toThrow(ValidationError);
    expect(
      decodeOrderCursor(
        { kind: 'case', caseId: CASE_ID },
        encodeOrderCursor({ kind: 'case', caseId: CASE_ID }, `ORDER#${WEBHARD_ORDER_ID}`),
      ),
    ).toBe(`ORDER#${WEBHARD_ORDER_ID}`);
  });

  it('refuses a position that is not an order’s', () => {
    const cursor = encodeOrderCursor({ kind: 'all' }, 'CASE#x');
    expect(() => decodeOrderCursor({ kind: 'all' }, cursor)).toThrow(ValidationError);
  });
});

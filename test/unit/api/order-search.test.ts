import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/orders';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { CaseUrl, ComplianceStatus, DecisionStatus, OrderRecord } from '../../../shared/domain/model';
import { encodeOrderCursor, orderFacets } from '../../../shared/domain/order-search';
import { orderStatus } from '../../../shared/domain/orders';
import { writeOrderSearchEntries } from '../../../shared/store/search';
import { answerOf, apiEvent, type Caller, callers } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { useWorld } from '../../support/world';

const world = useWorld({ resetEachTest: false });

const caseOn = (day: number): string => caseIdFrom(ulidFrom(Date.parse(`2026-03-0${day}T00:00:00.000Z`), new Uint8Array(10).fill(day)));
const CASES = { first: caseOn(1), second: caseOn(2), third: caseOn(3) } as const;
type CaseName = keyof typeof CASES;
const OPERATORS = { w: 'op-webhard', s: 'op-social' } as const;

interface Planted {
  readonly caseName: CaseName;
  readonly operator: keyof typeof OPERATORS;
  readonly compliance: ComplianceStatus;
  readonly decision?: DecisionStatus;
  readonly deadlineAt?: string;
  readonly extra?: Partial<OrderRecord>;
  readonly urls: string[];
}

const issuedAt = (caseName: CaseName): string => `2026-03-0${{ first: 1, second: 2, third: 3 }[caseName]}T01:00:00.000Z`;

/** Six orders: two operators on three cases, issued a day apart, in every section of the board. */
const ORDERS = {
  '1w': {
    caseName: 'first',
    operator: 'w',
    compliance: 'COMPLIED',
    decision: 'CONFIRMED',
    deadlineAt: '2026-03-02T01:00:00.000Z',
    urls: ['https://webhard.example/v/1'],
  },
  '1s': {
    caseName: 'first',
    operator: 's',
    compliance: 'OVERDUE',
    deadlineAt: '2026-03-02T01:00:00.000Z',
    extra: { overdueAt: '2026-03-02T01:00:01.000Z' },
    urls: ['https://social.example/p/1'],
  },
  '2w': {
    caseName: 'second',
    operator: 'w',
    compliance: 'ISSUED',
    deadlineAt: '2026-03-03T01:00:00.000Z',
    urls: ['https://webhard.example/v/1', 'https://cdn.webhard.example/v/2'],
  },
  '2s': {
    caseName: 'second',
    operator: 's',
    compliance: 'ACKNOWLEDGED',
    deadlineAt: '2026-03-03T02:00:00.000Z',
    urls: ['https://social.example/p/2'],
  },
  '3w': {
    caseName: 'third',
    operator: 'w',
    compliance: 'ISSUED',
    deadlineAt: '2026-03-04T01:00:00.000Z',
    urls: ['https://webhard.example/v/3'],
  },
  '3s': {
    caseName: 'third',
    operator: 's',
    compliance: 'UNDELIVERED',
    extra: { undeliveredAt: '2026-03-03T01:05:00.000Z', undeliveredReason: 'bounced' },
    urls: ['https://social.example/p/1'],
  },
} as const satisfies Record<string, Planted>;
type Name = keyof typeof ORDERS;

const idOf = (name: Name): string => orderIdFor(CASES[ORDERS[name].caseName], OPERATORS[ORDERS[name].operator]);

function orderOf(planted: Planted): OrderRecord {
  const decision = planted.decision ?? 'PENDING';
  const { deadlineAt, graceEndsAt, ...withoutClock } = anOrder({
    caseId: CASES[planted.caseName],
    operatorId: OPERATORS[planted.operator],
    complianceStatus: planted.compliance,
    decisionStatus: decision,
    status: orderStatus(planted.compliance, decision),
    issuedAt: issuedAt(planted.caseName),
    urlCount: planted.urls.length,
    ...planted.extra,
  });
  return planted.deadlineAt === undefined
    ? withoutClock
    : {
        ...withoutClock,
        deadlineAt: planted.deadlineAt,
        graceEndsAt: new Date(Date.parse(planted.deadlineAt) + 7 * 86_400_000).toISOString(),
      };
}

/** Given the six orders, each with the search entries its issue writes. */
async function givenSixOrders(): Promise<void> {
  await plant.operator(anOperator());
  await plant.operator(anOperator({ operatorId: 'op-social', name: 'Social Inc.', domains: ['social.example'] }));
  for (const name of Object.keys(CASES) as CaseName[]) {
    await plant.case(aCase({ caseId: CASES[name], status: 'ORDERS_ISSUED', createdAt: issuedAt(name), ordersIssuedAt: issuedAt(name) }));
  }
  for (const planted of Object.values(ORDERS) as Planted[]) {
    const order = orderOf(planted);
    const urls: CaseUrl[] = planted.urls.map((url) => ({ url, host: new URL(url).hostname, operatorId: order.operatorId }));
    await writeOrderSearchEntries(order, orderFacets(urls));
    await plant.order(order);
  }
}

async function search(query: Record<string, string>, caller: Caller = callers.staffKim) {
  return answerOf(await handler(apiEvent('GET /orders', { caller, query })));
}

async function found(query: Record<string, string>): Promise<string[]> {
  const answer = await search(query);
  expect(answer.statusCode).toBe(200);
  return answer.body.orders.map((order: { orderId: string }) => order.orderId);
}

describe('GET /orders search', () => {
  beforeAll(async () => {
    await world.reset();
    await givenSixOrders();
  });
  const named = (...names: Name[]) => names.map(idOf);

  it.each<[string, Record<string, string>, Name[]]>([
    ['every order, newest issued first', { limit: '50' }, ['3w', '3s', '2w', '2s', '1w', '1s']],
    ['an operator', { operatorId: 'op-webhard' }, ['3w', '2w', '1w']],
    ['a case', { caseId: CASES.second }, ['2w', '2s']],
    ['a host', { host: 'webhard.example' }, ['3w', '2w', '1w']],
    ['a subdomain host, in capitals', { host: 'CDN.webhard.example' }, ['2w']],
    ['an exact URL', { url: 'https://social.example/p/1' }, ['3s', '1s']],
    ['a URL written differently, normalized first', { url: 'HTTPS://WEBHARD.example:443/v/1' }, ['2w', '1w']],
    ['a URL no order holds', { url: 'https://webhard.example/v/999' }, []],
    ['the open list, soonest deadline first', { list: 'OPEN' }, ['2w', '2s', '3w']],
    ['the undelivered list', { list: 'UNDELIVERED' }, ['3s']],
    ['the overdue list', { list: 'OVERDUE' }, ['1s']],
    ['the non-compliant list, empty', { list: 'NON_COMPLIANT' }, []],
    ['a compliance status', { complianceStatus: 'ISSUED' }, ['3w', '2w']],
    ['a decision status', { decisionStatus: 'CONFIRMED' }, ['1w']],
    ['an operator on the open list', { operatorId: 'op-social', list: 'OPEN' }, ['2s']],
    ['a host and a compliance status', { host: 'webhard.example', complianceStatus: 'ISSUED' }, ['3w', '2w']],
    ['a URL and an operator that does not hold it', { url: 'https://social.example/p/1', operatorId: 'op-webhard' }, []],
    ['a case and a status', { caseId: CASES.third, complianceStatus: 'UNDELIVERED' }, ['3s']],
    ['issued from (included)', { issuedFrom: issuedAt('second') }, ['3w', '3s', '2w', '2s']],
    ['issued up to (included), with an offset', { issuedTo: '2026-03-02T10:00:00+09:00' }, ['2w', '2s', '1w', '1s']],
    ['a deadline from', { deadlineFrom: '2026-03-03T01:30:00.000Z' }, ['3w', '2s']],
    ['a deadline range on the open list', { list: 'OPEN', deadlineTo: '2026-03-03T01:00:00.000Z' }, ['2w']],
    ['a host within issue dates', { host: 'social.example', issuedTo: issuedAt('second') }, ['2s', '1s']],
  ])('finds %s', async (_, query, expected) => {
    // When
    const ids = await found(query);

    // Then
    expect(ids).toEqual(named(...expected));
  });

  it('answers each order with the board’s fields, marking what needs staff', async () => {
    // When
    const answer = await search({ caseId: CASES.third });

    // Then
    expect(answer.body).toEqual({
      orders: [
        expect.objectContaining({
          orderId: idOf('3w'),
          complianceStatus: 'ISSUED',
          open: true,
          nonCompliant: false,
          deadlineAt: ORDERS['3w'].deadlineAt,
        }),
        expect.objectContaining({ orderId: idOf('3s'), complianceStatus: 'UNDELIVERED', open: true, undeliveredReason: 'bounced' }),
      ],
    });
  });

  it.each<[string, Record<string, string>, Name[]]>([
    ['every order', {}, ['3w', '3s', '2w', '2s', '1w', '1s']],
    ['a host', { host: 'webhard.example' }, ['3w', '2w', '1w']],
    ['the open list', { list: 'OPEN' }, ['2w', '2s', '3w']],
    ['a case', { caseId: CASES.first }, ['1w', '1s']],
    ['a filtered search', { complianceStatus: 'ISSUED' }, ['3w', '2w']],
  ])('pages through %s, 1, 2 and 4 at a time, with every order exactly once', async (_, query, expected) => {
    for (const limit of [1, 2, 4]) {
      // When
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const answer = await search({ ...query, limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
        expect(answer.statusCode).toBe(200);
        expect(answer.body.orders.length).toBeLessThanOrEqual(limit);
        seen.push(...answer.body.orders.map((order: { orderId: string }) => order.orderId));
        cursor = answer.body.nextCursor;
      } while (cursor !== undefined);

      // Then
      expect(seen).toEqual(named(...expected));
    }
  });

  it.each<[string, Record<string, string>]>([
    ['a cursor that is not base64 JSON', { cursor: 'not-a-cursor' }],
    [
      'a cursor of another search',
      {
        host: 'social.example',
        cursor: encodeOrderCursor({ kind: 'all' }, `${issuedAt('third')}#${orderIdFor(CASES.third, 'op-webhard')}`),
      },
    ],
    ['both url and host', { url: 'https://webhard.example/v/1', host: 'webhard.example' }],
    ['issuedFrom after issuedTo', { issuedFrom: issuedAt('third'), issuedTo: issuedAt('first') }],
    ['deadlineFrom after deadlineTo', { deadlineFrom: issuedAt('third'), deadlineTo: issuedAt('first') }],
    ['a limit over 200', { limit: '201' }],
    ['a list the board does not have', { list: 'LATE' }],
    ['a compliance status that is not one', { complianceStatus: 'DONE' }],
    ['a case id that is not one', { caseId: 'C123' }],
    ['a URL that is not one', { url: 'webhard.example/v/1' }],
  ])('answers 400 VALIDATION_FAILED for %s', async (_, query) => {
    // When
    const answer = await search(query);

    // Then
    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('keeps the contract’s board for a client that passes no parameter', async () => {
    // When
    const answer = await search({}, callers.auditor);

    // Then: the board's sections, no page
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toHaveProperty('nextCursor');
    expect(answer.body.orders.map((order: { orderId: string }) => order.orderId)).toEqual(named('3s', '2w', '2s', '3w', '1s', '1w'));
  });
});

describe('GET /orders reads a first page with one Query', () => {
  beforeAll(async () => {
    // Given forty orders, one a case
    await world.reset();
    await plant.operator(anOperator());
    for (let day = 1; day <= 40; day += 1) {
      const caseId = caseIdFrom(ulidFrom(Date.parse('2026-03-01T00:00:00.000Z') + day * 3_600_000, new Uint8Array(10).fill(day)));
      const at = new Date(Date.parse('2026-03-01T00:00:00.000Z') + day * 3_600_000).toISOString();
      const order = anOrder({ caseId, issuedAt: at, deadlineAt: new Date(Date.parse(at) + 86_400_000).toISOString() });
      await writeOrderSearchEntries(
        order,
        orderFacets([{ url: 'https://webhard.example/v/1', host: 'webhard.example', operatorId: 'op-webhard' }]),
      );
      await plant.order(order);
    }
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['every order', {}, ['DynamoDB QueryCommand']],
    ['an operator', { operatorId: 'op-webhard' }, ['DynamoDB QueryCommand']],
    ['the open list', { list: 'OPEN' }, ['DynamoDB QueryCommand']],
    ['issue dates', { issuedFrom: '2026-03-01T10:00:00.000Z' }, ['DynamoDB QueryCommand']],
    ['a host: the entries, then their orders', { host: 'webhard.example' }, ['DynamoDB QueryCommand', 'DynamoDB BatchGetItemCommand']],
  ])('%s: no Scan', async (_, query, expected) => {
    // When
    world.faults.reset();
    const answer = await search({ ...query, limit: '10' });

    // Then
    expect(answer.body.orders).toHaveLength(10);
    expect(world.faults.log.filter((call) => call.startsWith('DynamoDB '))).toEqual(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError, WindowClosedError } from '../../../shared/domain/errors';
import {
  CASE_STATUSES,
  COMPLIANCE_STATUSES,
  DECISION_STATUSES,
  type ComplianceStatus,
  type DecisionStatus,
  type OrderRecord,
  type OrderStatus,
} from '../../../shared/domain/model';
import {
  assignUrls,
  canAcceptCompliance,
  chunk,
  clockNoticeKey,
  complianceOpen,
  isFinable,
  isLifted,
  isUndelivered,
  operatorForHost,
  orderNoticeKey,
  orderNoticeObjection,
  orderStatus,
  reporterStatusText,
  routeOrders,
  type RoutingOperator,
  urlsOfOrder,
} from '../../../shared/domain/orders';

describe('orderStatus', () => {
  // Every pair of the two tracks, with the status CONTRACT.md section 5 shows.
  const expected: Record<DecisionStatus, Record<ComplianceStatus, OrderStatus>> = {
    PENDING: {
      ISSUED: 'ISSUED',
      ACKNOWLEDGED: 'ACKNOWLEDGED',
      COMPLIED: 'COMPLIED',
      OVERDUE: 'OVERDUE',
      COMPLIED_LATE: 'COMPLIED_LATE',
      UNDELIVERED: 'UNDELIVERED',
    },
    CONFIRMED: {
      ISSUED: 'CONFIRMED',
      ACKNOWLEDGED: 'CONFIRMED',
      COMPLIED: 'CONFIRMED',
      OVERDUE: 'OVERDUE',
      COMPLIED_LATE: 'COMPLIED_LATE',
      // An order whose notice did not arrive shows it even once confirmed: staff must resend it.
      UNDELIVERED: 'UNDELIVERED',
    },
    REVOKED: {
      ISSUED: 'REVOKED',
      ACKNOWLEDGED: 'REVOKED',
      COMPLIED: 'REVOKED',
      OVERDUE: 'REVOKED',
      COMPLIED_LATE: 'REVOKED',
      UNDELIVERED: 'REVOKED',
    },
    APPEALED: {
      ISSUED: 'APPEALED',
      ACKNOWLEDGED: 'APPEALED',
      COMPLIED: 'APPEALED',
      OVERDUE: 'APPEALED',
      COMPLIED_LATE: 'APPEALED',
      UNDELIVERED: 'APPEALED',
    },
    UPHELD: {
      ISSUED: 'UPHELD',
      ACKNOWLEDGED: 'UPHELD',
      COMPLIED: 'UPHELD',
      OVERDUE: 'UPHELD',
      COMPLIED_LATE: 'UPHELD',
      UNDELIVERED: 'UPHELD',
    },
    OVERTURNED: {
      ISSUED: 'OVERTURNED',
      ACKNOWLEDGED: 'OVERTURNED',
      COMPLIED: 'OVERTURNED',
      OVERDUE: 'OVERTURNED',
      COMPLIED_LATE: 'OVERTURNED',
      UNDELIVERED: 'OVERTURNED',
    },
  };
  const table = DECISION_STATUSES.flatMap((d) => COMPLIANCE_STATUSES.map((c) => [c, d, expected[d][c]] as const));

  it.each(table)('compliance %s + decision %s = %s', (compliance, decision, status) => {
    expect(orderStatus(compliance, decision)).toBe(status);
  });
});

describe('routeOrders', () => {
  const REGISTRY: RoutingOperator[] = [
    { operatorId: 'op-webhard', jurisdiction: 'DOMESTIC', contactEmails: ['notices@webhard.example'], kind: 'HOST' },
    // Registered before operators had a kind: a host.
    { operatorId: 'op-social', jurisdiction: 'DOMESTIC', contactEmails: ['legal@social.example'] },
    { operatorId: 'op-overseas', jurisdiction: 'OVERSEAS', contactEmails: ['abuse@overseas.example'], kind: 'HOST' },
    { operatorId: 'isp-kt', jurisdiction: 'DOMESTIC', contactEmails: ['blocking@isp-kt.example'], kind: 'ISP' },
    { operatorId: 'isp-skb', jurisdiction: 'DOMESTIC', contactEmails: ['blocking@isp-skb.example'], kind: 'ISP' },
  ];
  const KOREA = { unclaimedHostsToIsps: true };
  const ELSEWHERE = { unclaimedHostsToIsps: false };
  const url = (path: string, operatorId: string | null) => ({ url: `https://${path}`, operatorId });

  it('gives a domestic host one DELETE order for its URLs, and the ISPs nothing', () => {
    // Given two URLs on a domestic host and one on another (a host without a kind)
    const urls = [url('webhard.example/1', 'op-webhard'), url('webhard.example/2', 'op-webhard'), url('social.example/p', 'op-social')];
    // When the orders are routed
    const { orders, unassigned } = routeOrders(urls, REGISTRY, KOREA);
    // Then each host deletes its own URLs
    expect(orders).toEqual([
      { operatorId: 'op-social', action: 'DELETE', urlCount: 1 },
      { operatorId: 'op-webhard', action: 'DELETE', urlCount: 2 },
    ]);
    expect(unassigned).toBe(0);
  });

  it.each([
    ['the Korean profile', KOREA],
    ['another profile', ELSEWHERE],
  ])("blocks an overseas host's URLs through every ISP and asks the host to delete them, under %s", (_profile, routing) => {
    // Given a URL on an overseas host
    const { orders } = routeOrders([url('overseas.example/v/1', 'op-overseas')], REGISTRY, routing);
    // Then each ISP blocks it (binding) and the host is only asked
    expect(orders).toEqual([
      { operatorId: 'isp-kt', action: 'BLOCK_ACCESS', urlOwners: ['op-overseas'], urlCount: 1 },
      { operatorId: 'isp-skb', action: 'BLOCK_ACCESS', urlOwners: ['op-overseas'], urlCount: 1 },
      { operatorId: 'op-overseas', action: 'DELETE_REQUEST', urlCount: 1 },
    ]);
  });

  it('blocks the URLs of hosts no operator claims through the ISPs under the Korean profile', () => {
    // Given a domestic, an overseas and two unclaimed URLs
    const urls = [
      url('webhard.example/1', 'op-webhard'),
      url('overseas.example/2', 'op-overseas'),
      url('unknown.example/3', null),
      url('elsewhere.example/4', null),
    ];
    // When routed under the Korean profile
    const { orders, unassigned } = routeOrders(urls, REGISTRY, KOREA);
    // Then one BLOCK_ACCESS per ISP lists the overseas and the unclaimed URLs, and nothing is left unassigned
    const blocking = orders.filter((order) => order.action === 'BLOCK_ACCESS');
    expect(blocking.map((order) => order.operatorId)).toEqual(['isp-kt', 'isp-skb']);
    for (const order of blocking) expect(order).toMatchObject({ urlOwners: [null, 'op-overseas'], urlCount: 3 });
    expect(unassigned).toBe(0);
    expect(urlsOfOrder({ operatorId: 'isp-kt', urlOwners: [null, 'op-overseas'] }, urls).map((u) => u.url)).toEqual([
      'https://overseas.example/2',
      'https://unknown.example/3',
      'https://elsewhere.example/4',
    ]);
  });

  it('leaves the URLs of hosts no operator claims UNASSIGNED under another profile', () => {
    // Given an overseas and an unclaimed URL
    const urls = [url('overseas.example/2', 'op-overseas'), url('unknown.example/3', null)];
    // When routed under a profile that does not block unclaimed hosts
    const { orders, unassigned } = routeOrders(urls, REGISTRY, ELSEWHERE);
    // Then the ISPs block the overseas URL only, and the unclaimed one waits for staff
    for (const order of orders.filter((o) => o.action === 'BLOCK_ACCESS'))
      expect(order).toMatchObject({ urlOwners: ['op-overseas'], urlCount: 1 });
    expect(unassigned).toBe(1);
  });

  it('leaves unclaimed URLs UNASSIGNED when no ISP is registered, and asks an overseas host only', () => {
    const hostsOnly = REGISTRY.filter((operator) => operator.kind !== 'ISP');
    const { orders, unassigned } = routeOrders(
      [url('overseas.example/2', 'op-overseas'), url('unknown.example/3', null)],
      hostsOnly,
      KOREA,
    );
    expect(orders).toEqual([{ operatorId: 'op-overseas', action: 'DELETE_REQUEST', urlCount: 1 }]);
    expect(unassigned).toBe(1);
  });

  it('sends no request to an overseas host without a contact, while the ISPs still block it', () => {
    const silent = REGISTRY.map((operator) => (operator.operatorId === 'op-overseas' ? { ...operator, contactEmails: [] } : operator));
    const { orders } = routeOrders([url('overseas.example/2', 'op-overseas')], silent, KOREA);
    expect(orders.map((order) => order.action)).toEqual(['BLOCK_ACCESS', 'BLOCK_ACCESS']);
  });

  it('counts a URL reported twice once', () => {
    const { orders } = routeOrders([url('webhard.example/1', 'op-webhard'), url('webhard.example/1', 'op-webhard')], REGISTRY, KOREA);
    expect(orders).toEqual([{ operatorId: 'op-webhard', action: 'DELETE', urlCount: 1 }]);
  });
});

const OPERATORS = [
  { operatorId: 'op-webhard', domains: ['webhard.example'] },
  { operatorId: 'op-social', domains: ['social.example', 'sns.example'] },
  { operatorId: 'op-cdn', domains: ['cdn.webhard.example'] },
  { operatorId: 'op-trailing', domains: ['Trailing.Example.'] },
];

describe('orderNoticeObjection', () => {
  it.each([
    { action: 'DELETE' as const, operatorMayObject: true, posterCode: true },
    { action: 'BLOCK_ACCESS' as const, operatorMayObject: true, posterCode: false },
    { action: 'DELETE_REQUEST' as const, operatorMayObject: false, posterCode: false },
  ])("a $action order's notice: the operator may object $operatorMayObject, the poster's code $posterCode", (want) => {
    expect(orderNoticeObjection(want.action)).toEqual({ operatorMayObject: want.operatorMayObject, posterCode: want.posterCode });
  });
});

describe('operatorForHost', () => {
  it.each([
    ['webhard.example', 'op-webhard'],
    ['www.webhard.example', 'op-webhard'],
    ['a.b.webhard.example', 'op-webhard'],
    ['WEBHARD.EXAMPLE', 'op-webhard'],
    ['webhard.example.', 'op-webhard'],
    ['sns.example', 'op-social'],
    ['cdn.webhard.example', 'op-cdn'],
    ['img.cdn.webhard.example', 'op-cdn'],
    ['x.trailing.example', 'op-trailing'],
    ['notwebhard.example', null],
    ['webhard.example.evil', null],
    ['example', null],
    ['', null],
  ])('%s belongs to %s', (host, operatorId) => {
    expect(operatorForHost(host, OPERATORS)).toBe(operatorId);
  });

  it('picks the longest matching domain whatever the order of operators', () => {
    expect(operatorForHost('v.cdn.webhard.example', [...OPERATORS].reverse())).toBe('op-cdn');
  });
});

describe('assignUrls', () => {
  it('keeps every URL with its host and operator, UNASSIGNED as null', () => {
    expect(
      assignUrls(['https://Www.WebHard.example/v/1', 'http://unknown.example/x', 'https://sns.example:8443/p?q=1'], OPERATORS),
    ).toEqual([
      { url: 'https://Www.WebHard.example/v/1', host: 'www.webhard.example', operatorId: 'op-webhard' },
      { url: 'http://unknown.example/x', host: 'unknown.example', operatorId: null },
      { url: 'https://sns.example:8443/p?q=1', host: 'sns.example', operatorId: 'op-social' },
    ]);
  });

  it('refuses a relative URL naming its position', () => {
    expect(() => assignUrls(['https://webhard.example/', '/relative'], OPERATORS)).toThrow(ValidationError);
    try {
      assignUrls(['https://webhard.example/', '/relative'], OPERATORS);
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ field: 'urls[1]', message: 'must be an absolute http(s) URL' }]);
    }
  });
});

describe('chunk', () => {
  it.each([
    [[1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]],
    [[1, 2], 2, [[1, 2]]],
    [[], 3, []],
  ])('chunk(%j, %d) = %j', (items, size, expected) => {
    expect(chunk(items, size)).toEqual(expected);
  });

  it.each([[0], [-1], [1.5]])('refuses the size %d', (size) => {
    expect(() => chunk([1], size)).toThrow(RangeError);
  });

  it('keeps every item in order in pieces no larger than the size', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 20 }), (items, size) => {
        const pieces = chunk(items, size);
        expect(pieces.flat()).toEqual(items);
        for (const piece of pieces) expect(piece.length).toBeGreaterThan(0);
        for (const piece of pieces.slice(0, -1)) expect(piece.length).toBe(size);
      }),
    );
  });
});

function order(
  overrides: Partial<OrderRecord> = {},
): Pick<OrderRecord, 'orderId' | 'complianceStatus' | 'decisionStatus' | 'deadlineAt' | 'graceEndsAt' | 'action'> {
  return {
    orderId: 'O01ARZ3NDEKTSV4RRFFQ69G5FAV-op-webhard',
    action: 'DELETE',
    complianceStatus: 'ISSUED',
    decisionStatus: 'PENDING',
    deadlineAt: '2026-11-25T06:00:00.000Z',
    graceEndsAt: '2026-12-02T06:00:00.000Z',
    ...overrides,
  };
}

describe('canAcceptCompliance', () => {
  it.each([
    ['before the deadline', 'ISSUED', '2026-11-25T05:59:59.999Z', 'COMPLIED'],
    ['at the deadline', 'ACKNOWLEDGED', '2026-11-25T06:00:00.000Z', 'COMPLIED'],
    ['just after the deadline', 'ACKNOWLEDGED', '2026-11-25T06:00:00.001Z', 'COMPLIED_LATE'],
    ['when overdue, within grace', 'OVERDUE', '2026-11-30T00:00:00.000Z', 'COMPLIED_LATE'],
    ['at the end of grace', 'OVERDUE', '2026-12-02T06:00:00.000Z', 'COMPLIED_LATE'],
  ] as const)('accepts compliance %s as %s', (_label, complianceStatus, now, expected) => {
    expect(canAcceptCompliance(order({ complianceStatus }), now)).toBe(expected);
  });

  it.each([
    ['ISSUED', 'its notice not yet accepted'],
    ['ACKNOWLEDGED', 'its notice not yet accepted, acknowledged'],
    ['UNDELIVERED', 'its notice undelivered'],
  ] as const)('accepts compliance with a %s order whose clock does not run (%s) as on time, however late', (complianceStatus, _why) => {
    // Given an order without a deadline (the clock starts when its ORDER notice is accepted)
    const unstarted = order({ complianceStatus, deadlineAt: undefined, graceEndsAt: undefined });
    // When the operator complies a year after issuance / Then it is on time: no clock ran
    expect(canAcceptCompliance(unstarted, '2027-11-25T06:00:00.000Z')).toBe('COMPLIED');
  });

  it('accepts compliance with a deletion request after its date as on time: the date is not enforced', () => {
    // Given a DELETE_REQUEST whose requested date passed
    const request = order({ action: 'DELETE_REQUEST' });
    // When the host reports removal a month later / Then it is on time
    expect(canAcceptCompliance(request, '2026-12-25T06:00:00.000Z')).toBe('COMPLIED');
  });

  it('refuses compliance after the grace period with WINDOW_CLOSED', () => {
    expect(() => canAcceptCompliance(order({ complianceStatus: 'OVERDUE' }), '2026-12-02T06:00:00.001Z')).toThrow(WindowClosedError);
  });

  it.each([
    ['already complied', { complianceStatus: 'COMPLIED' }],
    ['already complied late', { complianceStatus: 'COMPLIED_LATE' }],
    ['revoked', { decisionStatus: 'REVOKED' }],
    ['overturned on appeal', { decisionStatus: 'OVERTURNED' }],
  ] as const)('refuses compliance with CONFLICT when the order was %s', (_label, overrides) => {
    const act = () => canAcceptCompliance(order(overrides), '2026-11-24T07:00:00.000Z');
    expect(act).toThrow(ConflictError);
    expect(act).toThrow(expect.objectContaining({ code: 'CONFLICT', httpStatus: 409 }));
  });
});

describe('isFinable', () => {
  const table = COMPLIANCE_STATUSES.flatMap((c) =>
    DECISION_STATUSES.map((d) => [c, d, (c === 'OVERDUE' || c === 'COMPLIED_LATE') && d !== 'REVOKED' && d !== 'OVERTURNED'] as const),
  );
  it.each(table)('compliance %s, decision %s: finable %s', (complianceStatus, decisionStatus, finable) => {
    expect(isFinable({ complianceStatus, decisionStatus, action: 'DELETE' })).toBe(finable);
    expect(isFinable({ complianceStatus, decisionStatus, action: 'BLOCK_ACCESS' })).toBe(finable);
    // A request is never fined, whatever happened to it
    expect(isFinable({ complianceStatus, decisionStatus, action: 'DELETE_REQUEST' })).toBe(false);
  });
});

describe("the clock's notice keys", () => {
  const ID = 'O01ARZ3NDEKTSV4RRFFQ69G5FAV-op-webhard';
  it.each<[number | undefined, string, string]>([
    [undefined, 'order', `order:${ID}`],
    [0, 'order', `order:${ID}`],
    [1, 'order', `order:${ID}:resend-1`],
    [3, 'order', `order:${ID}:resend-3`],
    [undefined, 'overdue', `overdue:${ID}`],
    [2, 'overdue-staff', `overdue-staff:${ID}:resend-2`],
  ])('after %s resends, the %s notice is keyed %s', (resends, what, key) => {
    // Given an order resent `resends` times / Then the notices of its current clock carry the resend count
    const record = { orderId: ID, ...(resends === undefined ? {} : { resends }) };
    expect(clockNoticeKey(record, what)).toBe(key);
    if (what === 'order') expect(orderNoticeKey(record)).toBe(key);
  });

  it('gives every resend its own ORDER notice key', () => {
    const keys = [0, 1, 2, 3, 4].map((resends) => orderNoticeKey({ orderId: ID, resends }));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('isUndelivered and complianceOpen', () => {
  const table = COMPLIANCE_STATUSES.flatMap((c) => DECISION_STATUSES.map((d) => [c, d] as const));
  it.each(table)('compliance %s, decision %s', (complianceStatus, decisionStatus) => {
    const lifted = decisionStatus === 'REVOKED' || decisionStatus === 'OVERTURNED';
    expect(isLifted({ decisionStatus })).toBe(lifted);
    // An UNDELIVERED order waits for a resend unless it was lifted
    expect(isUndelivered({ complianceStatus, decisionStatus })).toBe(complianceStatus === 'UNDELIVERED' && !lifted);
    // Compliance is open only while the clock runs (a deadline is set) and the operator can still act
    const acting = (complianceStatus === 'ISSUED' || complianceStatus === 'ACKNOWLEDGED') && !lifted;
    expect(complianceOpen({ complianceStatus, decisionStatus, action: 'DELETE', deadlineAt: '2026-11-25T06:00:00.000Z' })).toBe(acting);
    expect(complianceOpen({ complianceStatus, decisionStatus, action: 'DELETE' })).toBe(false);
    // A request's date is never enforced: its compliance is never open against a clock
    expect(complianceOpen({ complianceStatus, decisionStatus, action: 'DELETE_REQUEST', deadlineAt: '2026-11-25T06:00:00.000Z' })).toBe(
      false,
    );
  });
});

describe('reporterStatusText', () => {
  it.each(CASE_STATUSES.flatMap((s) => [[s, 'en'] as const, [s, 'ko'] as const]))('%s has plain words in %s', (status, language) => {
    const text = reporterStatusText(status, language);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/[A-Z]{2,}_/);
  });

  it.each([
    ['PENDING_APPROVAL', 'Waiting for approval'],
    ['ORDERS_ISSUED', 'Removal ordered'],
    ['CONFIRMED', 'Order confirmed'],
    ['REVOKED', 'Order lifted'],
    ['CLOSED', 'Closed'],
  ] as const)('%s reads %j', (status, text) => {
    expect(reporterStatusText(status, 'en')).toBe(text);
  });
});

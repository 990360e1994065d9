/** The block list's rules (shared/domain/blocklist.ts): which entries a case wants, in versions, and what changed since one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertMayReadBlocklist,
  changesBlocklist,
  ENTRIES_PER_VERSION,
  netChanges,
  planCaseChanges,
  type BlocklistChange,
  type OrderUrls,
  type StoredBlocklistEntry,
} from '../../../shared/domain/blocklist';
import { ForbiddenError } from '../../../shared/domain/errors';
import { orderIdFor } from '../../../shared/domain/ids';
import type { Operator } from '../../../shared/domain/model';
import { anOperator, CASE_ID, OTHER_CASE_ID } from '../../support/records';

const AT = '2026-03-02T01:00:00.000Z';
const LATER = '2026-03-09T01:00:00.000Z';
const urls = (...paths: string[]) => paths.map((path) => ({ url: `https://overseas.example/${path}`, host: 'overseas.example' }));

function blockOrder(operatorId: string, paths: string[], decisionStatus: OrderUrls['order']['decisionStatus'] = 'PENDING'): OrderUrls {
  return { order: { orderId: orderIdFor(CASE_ID, operatorId), action: 'BLOCK_ACCESS', decisionStatus }, urls: urls(...paths) };
}

const listed = (entries: StoredBlocklistEntry[]) => new Map(entries.map((entry) => [entry.url, entry]));
const entry = (path: string, overrides: Partial<StoredBlocklistEntry> = {}): StoredBlocklistEntry => ({
  url: `https://overseas.example/${path}`,
  host: 'overseas.example',
  orderId: orderIdFor(CASE_ID, 'isp-kt'),
  since: AT,
  caseId: CASE_ID,
  ...overrides,
});

describe('which entries a case wants', () => {
  it('gives every ISP order of a case one entry per URL, on the first standing order by id', () => {
    // Given the three ISPs' orders listing the same two URLs
    const orders = [blockOrder('isp-skb', ['a', 'b']), blockOrder('isp-kt', ['a', 'b']), blockOrder('isp-lgu', ['a', 'b'])];
    // When the case's entries are planned on an empty list
    const changes = planCaseChanges(CASE_ID, orders, new Map(), AT);
    // Then one version adds each URL once, on isp-kt's order (the first by id)
    expect(changes).toEqual([{ at: AT, caseId: CASE_ID, added: [entry('a'), entry('b')], removed: [] }]);
  });

  it('keeps an entry while one order listing the URL stands, and removes it when none does', () => {
    const current = listed([entry('a'), entry('b')]);
    // Given isp-kt's order revoked, the others standing: nothing changes
    const oneRevoked = [blockOrder('isp-kt', ['a', 'b'], 'REVOKED'), blockOrder('isp-skb', ['a', 'b'])];
    expect(planCaseChanges(CASE_ID, oneRevoked, current, LATER)).toEqual([]);
    // Given every order revoked or overturned: both entries leave in one version
    const allLifted = [blockOrder('isp-kt', ['a', 'b'], 'REVOKED'), blockOrder('isp-skb', ['a', 'b'], 'OVERTURNED')];
    expect(planCaseChanges(CASE_ID, allLifted, current, LATER)).toEqual([
      { at: LATER, caseId: CASE_ID, added: [], removed: [entry('a'), entry('b')] },
    ]);
  });

  it("leaves another case's entry for the same URL alone", () => {
    const otherCase = entry('a', { caseId: OTHER_CASE_ID, orderId: orderIdFor(OTHER_CASE_ID, 'isp-kt') });
    expect(planCaseChanges(CASE_ID, [blockOrder('isp-kt', ['a'])], listed([otherCase]), AT)).toEqual([]);
    expect(planCaseChanges(CASE_ID, [blockOrder('isp-kt', ['a'], 'REVOKED')], listed([otherCase]), AT)).toEqual([]);
  });

  it('ignores DELETE orders', () => {
    const deletion: OrderUrls = {
      order: { orderId: orderIdFor(CASE_ID, 'op-webhard'), action: 'DELETE', decisionStatus: 'PENDING' },
      urls: urls('a'),
    };
    expect(planCaseChanges(CASE_ID, [deletion], new Map(), AT)).toEqual([]);
  });

  it(`splits a large case into versions of at most ${ENTRIES_PER_VERSION} entries`, () => {
    const paths = Array.from({ length: 250 }, (_, index) => `v/${String(index).padStart(3, '0')}`);
    const changes = planCaseChanges(CASE_ID, [blockOrder('isp-kt', paths)], new Map(), AT);
    expect(changes.map((change) => change.added.length)).toEqual([100, 100, 50]);
    expect(new Set(changes.flatMap((change) => change.added.map((added) => added.url))).size).toBe(250);
  });
});

describe('which order events change the list', () => {
  const blockState = { action: 'BLOCK_ACCESS', caseId: CASE_ID };
  it.each([
    ['ORDER_REVOKED', 'order', blockState, true],
    ['APPEAL_GRANTED_ORDER_OVERTURNED', 'order', blockState, true],
    // issued orders join the list together, by the sync their case's URLS_MATCHED event carries
    ['ORDER_ISSUED', 'order', blockState, false],
    ['ORDER_ACKNOWLEDGED', 'order', blockState, false],
    ['ORDER_REVOKED', 'order', { action: 'DELETE', caseId: CASE_ID }, false],
    ['ORDER_REVOKED', 'case', blockState, false],
  ])('%s on a %s (%o): %s', (action, targetKind, state, expected) => {
    expect(changesBlocklist({ action, targetKind, state })).toBe(expected);
  });
});

describe('what changed since a version', () => {
  const version = (n: number, change: Partial<BlocklistChange>): BlocklistChange => ({
    version: n,
    at: AT,
    caseId: CASE_ID,
    added: [],
    removed: [],
    ...change,
  });

  it('answers added and removed entries without the case, a URL added and removed in between in neither', () => {
    const changes = [
      version(2, { added: [entry('a'), entry('b')] }),
      version(3, { removed: [entry('b'), entry('z')] }),
      version(4, { added: [entry('c', { since: LATER })] }),
    ];
    const { caseId: _a, ...a } = entry('a');
    const { caseId: _c, ...c } = entry('c', { since: LATER });
    const { caseId: _z, ...z } = entry('z');
    expect(netChanges(changes)).toEqual({ added: [a, c], removed: [z] });
  });

  it('agrees with replaying every version on the list loaded before', () => {
    const path = fc.constantFrom('a', 'b', 'c', 'd');
    const step = fc.record({ add: fc.boolean(), path, orderSuffix: fc.constantFrom('isp-kt', 'isp-skb') });
    fc.assert(
      fc.property(fc.uniqueArray(path), fc.array(step, { maxLength: 12 }), (initiallyListed, steps) => {
        // Given a list and valid changes on it (an add of an absent URL, a remove of a present one)
        const list = new Map(initiallyListed.map((p) => [entry(p).url, entry(p)]));
        const before = new Map(list);
        const changes: BlocklistChange[] = [];
        steps.forEach(({ add, path: p, orderSuffix }, index) => {
          const at = new Date(Date.parse(AT) + index * 1000).toISOString();
          const candidate = entry(p, { orderId: orderIdFor(CASE_ID, orderSuffix), since: at });
          const present = list.get(candidate.url);
          if (add && present === undefined) {
            list.set(candidate.url, candidate);
            changes.push(version(index + 1, { added: [candidate] }));
          } else if (!add && present !== undefined) {
            list.delete(candidate.url);
            changes.push(version(index + 1, { removed: [present] }));
          }
        });
        // When an ISP applies the net changes (remove, then add) to what it loaded
        const { added, removed } = netChanges(changes);
        const applied = new Map([...before].map(([url, e]) => [url, `${e.orderId}@${e.since}`]));
        for (const gone of removed) applied.delete(gone.url);
        for (const next of added) applied.set(next.url, `${next.orderId}@${next.since}`);
        // Then it holds the list as it is now
        expect(applied).toEqual(new Map([...list].map(([url, e]) => [url, `${e.orderId}@${e.since}`])));
      }),
    );
  });
});

describe('who may read the list', () => {
  const isp = { ...anOperator({ operatorId: 'isp-kt' }), kind: 'ISP' } as Operator;
  it('lets staff, auditors and ISPs read it, and refuses a host', () => {
    expect(() => assertMayReadBlocklist({ userId: 'staff-kim', roles: ['staff'] }, undefined)).not.toThrow();
    expect(() => assertMayReadBlocklist({ userId: 'auditor-1', roles: ['auditor'] }, undefined)).not.toThrow();
    expect(() => assertMayReadBlocklist({ userId: 'isp-kt', roles: ['operator'], operatorId: 'isp-kt' }, isp)).not.toThrow();
    expect(() => assertMayReadBlocklist({ userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' }, anOperator())).toThrow(
      ForbiddenError,
    );
    expect(() => assertMayReadBlocklist({ userId: 'op-x', roles: ['operator'], operatorId: 'op-x' }, undefined)).toThrow(ForbiddenError);
  });
});

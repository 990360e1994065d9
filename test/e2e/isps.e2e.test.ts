/**
 * Issue 12, item 1, over HTTP on one local stack: a case with a domestic, an overseas-host and an
 * unknown-host URL gives the domestic host a DELETE order, every seeded ISP a BLOCK_ACCESS order
 * for the other two URLs, and the overseas host a non-binding DELETE_REQUEST in English; an ISP
 * acknowledges and complies; the committee's revoke sends each ISP an UNBLOCK instruction. The
 * block list an ISP loads lists the blocked URLs while the orders stand, and verifies with the
 * published key; the revoke takes them off it.
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import {
  Api,
  approveCase,
  emails,
  E2E_DURATIONS,
  eventually,
  fileReport,
  findReview,
  hasHangul,
  LONG,
  orderIdFor,
  uniqueUrl,
  untilCaseStatus,
  untilNotice,
  vote,
} from './support';

const ISPS = ['isp-kt', 'isp-skb', 'isp-lgu'] as const;

let stack: LocalStack;
let api: Api;

beforeAll(async () => {
  stack = await startLocalStack({ policy: { id: 'kr-e2e-isps', ...E2E_DURATIONS } });
  api = new Api(stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('ISPs and overseas hosts', () => {
  it('routes a domestic, an overseas and an unknown host; an ISP loads a signed block list and complies; a revoke unblocks', async () => {
    // Given a report with a URL on a domestic host, one on an overseas host and one on a host nobody claims
    const domestic = uniqueUrl('op-webhard');
    const overseas = uniqueUrl('op-overseas');
    const unknown = `https://unclaimed-${Date.now().toString(36)}.example/v/1`;
    const caseId = await fileReport(api, [domestic, overseas, unknown]);

    // When two staff members approve it
    await approveCase(api, caseId);

    // Then the host deletes, every ISP blocks the other two URLs, and the overseas host is asked
    const orders = await eventually(async () => {
      const read = await api.get('staff-kim', `/cases/${caseId}`);
      expect(read.body.orders).toHaveLength(2 + ISPS.length);
      return read.body;
    }, LONG);
    const byId = new Map((orders.orders as any[]).map((order) => [order.orderId, order]));
    expect(byId.get(orderIdFor(caseId, 'op-webhard'))).toMatchObject({ action: 'DELETE', urls: [domestic] });
    expect(byId.get(orderIdFor(caseId, 'op-overseas'))).toMatchObject({ action: 'DELETE_REQUEST', urls: [overseas] });
    for (const isp of ISPS) {
      const order = byId.get(orderIdFor(caseId, isp));
      expect(order, isp).toMatchObject({ action: 'BLOCK_ACCESS', urlCount: 2 });
      expect([...order.urls].sort()).toEqual([overseas, unknown].sort());
    }
    // the unknown host's URL is not left for staff: the ISPs block it
    expect((orders.urls as any[]).find((url) => url.url === unknown)).toMatchObject({
      operatorId: null,
      assignment: 'BLOCKED_THROUGH_ISPS',
    });

    // The ISPs are told in Korean to block; the overseas host is asked in English, not bound
    const blockNotice = await untilNotice(stack, orderIdFor(caseId, 'isp-kt'), 'ORDER', LONG);
    expect(blockNotice.language).toBe('ko');
    expect(blockNotice.email.destination.to).toEqual(['blocking@isp-kt.example']);
    expect(blockNotice.email.body.text).toContain('접속을 차단');
    expect(blockNotice.email.body.text).toContain(unknown);
    const request = await untilNotice(stack, orderIdFor(caseId, 'op-overseas'), 'ORDER', LONG);
    expect(request.email.destination.to).toEqual(['abuse@overseas.example']);
    expect(request.email.body.text).toContain('not a binding order');
    expect(hasHangul(request.email.body.text ?? '')).toBe(false);

    // When isp-kt finds its order on the operator page, acknowledges and complies
    const ktOrderId = orderIdFor(caseId, 'isp-kt');
    const mine = await api.get('isp-kt', '/operator/orders');
    expect(mine.status).toBe(200);
    const kt = (mine.body.orders as any[]).find((order) => order.orderId === ktOrderId);
    expect(kt).toMatchObject({ action: 'BLOCK_ACCESS' });
    expect([...kt.urls].sort()).toEqual([overseas, unknown].sort());
    expect((mine.body.orders as any[]).every((order) => order.caseId !== caseId || order.orderId === ktOrderId)).toBe(true);
    expect((await api.post('isp-kt', `/operator/orders/${ktOrderId}/acknowledge`)).body).toMatchObject({ status: 'ACKNOWLEDGED' });
    const complied = await api.post('isp-kt', `/operator/orders/${ktOrderId}/compliance`, { action: 'BLOCKED' });
    expect(complied).toMatchObject({ status: 200, body: { status: 'COMPLIED' } });

    // And the block list an ISP loads lists the two blocked URLs, signed with the published key
    const listed = await eventually(async () => {
      const list = await api.get('isp-kt', '/isp/blocklist');
      expect(list.status).toBe(200);
      expect((list.body.entries as any[]).map((entry) => entry.url)).toEqual(expect.arrayContaining([overseas, unknown]));
      return list.body;
    }, LONG);
    const key = await api.get('isp-kt', '/isp/blocklist/key');
    const { payload } = await compactVerify(listed.signature, await importJWK(key.body as JWK, 'ES256'));
    const { version, generatedAt, entries } = listed;
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ version, generatedAt, entries });
    expect((await api.get('op-webhard', '/isp/blocklist')).status).toBe(403);

    // And the committee revokes the case's orders
    const review = await findReview(api, caseId, 'POST_REVIEW', 'member-1', LONG);
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'REVOKE');
    await untilCaseStatus(api, caseId, 'REVOKED', LONG);

    // Then each ISP gets one UNBLOCK instruction, in Korean
    await eventually(async () => {
      const all = await emails(stack);
      for (const isp of ISPS) {
        const orderId = orderIdFor(caseId, isp);
        const unblock = all.filter((email) => email.subject.includes(orderId) && email.subject.includes('접속차단 해제'));
        expect(unblock, isp).toHaveLength(1);
        expect(unblock[0]?.destination.to).toEqual([`blocking@${isp}.example`]);
      }
    }, LONG);
    const revoked = await api.get('staff-kim', `/cases/${caseId}`);
    for (const isp of ISPS) {
      expect((revoked.body.orders as any[]).find((order) => order.orderId === orderIdFor(caseId, isp))).toMatchObject({
        status: 'REVOKED',
        reinstatement: { instruction: 'UNBLOCK' },
      });
    }
    // And the revoke takes the URLs off the block list, as a change since the version loaded
    await eventually(async () => {
      const changes = await api.get('isp-kt', `/isp/blocklist/changes?since=${version}`);
      expect(changes.status).toBe(200);
      expect((changes.body.removed as any[]).map((entry) => entry.url)).toEqual(expect.arrayContaining([overseas, unknown]));
      const now = await api.get('isp-kt', '/isp/blocklist');
      expect((now.body.entries as any[]).map((entry) => entry.url)).not.toContain(overseas);
    }, LONG);
  }, 240_000);
});

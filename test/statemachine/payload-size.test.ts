/**
 * The execution carries ids, never documents: a case of 1,000 URLs (long ones) over 50 operators
 * runs the whole workflow with every state's data far below Step Functions' 256 KB limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import { ensureOperator } from '../../shared/services/operators';
import { getCase, listOrdersOfCase } from '../../shared/store/repository';
import { FAST_POLICY, startWorkflowHarness, type WorkflowHarness } from './harness';
import { approve, comply, file, vote } from './people';

const OPERATORS = 50;
/** The seeded ISPs: each blocks the overseas hosts' URLs. */
const ISPS = ['isp-kt', 'isp-skb', 'isp-lgu'];
const URLS_PER_OPERATOR = 20;
const STEP_FUNCTIONS_LIMIT = 256 * 1024;
/** "Far below": an eighth of the limit. */
const BUDGET = STEP_FUNCTIONS_LIMIT / 8;

/** Fifty orders take a while to issue and notify on two shared cores: no deadline should pass meanwhile. */
const ROOMY_POLICY = { ...FAST_POLICY, complianceDeadline: 'PT120S', postReviewWindow: 'PT120S', appealWindow: 'PT2S' };

let h: WorkflowHarness;
beforeAll(async () => {
  h = await startWorkflowHarness(ROOMY_POLICY);
});
afterAll(async () => {
  await h?.close();
});

const operatorId = (index: number) => `op-bulk-${String(index).padStart(2, '0')}`;

async function registerOperators(): Promise<void> {
  for (let index = 0; index < OPERATORS; index += 1) {
    const domain = `bulk${index}.example`;
    await ensureOperator(
      {
        operatorId: operatorId(index),
        name: `Bulk host ${index}`,
        domains: [domain],
        contactEmails: [`abuse@${domain}`],
        jurisdiction: index % 2 === 0 ? 'DOMESTIC' : 'OVERSEAS',
        language: index % 2 === 0 ? 'ko' : 'en',
        annualRevenue: 1_000_000_000,
        currency: 'KRW',
      },
      '2026-01-01T00:00:00.000Z',
    );
  }
}

describe('payload size', () => {
  it('keeps every state input and output and every task payload far below 256 KB for 1,000 URLs over 50 operators', async () => {
    // Given 50 operators and a report of 1,000 URLs of 300 characters, 20 per operator
    await registerOperators();
    const urls = Array.from({ length: OPERATORS * URLS_PER_OPERATOR }, (_, i) => {
      const base = `https://bulk${i % OPERATORS}.example/videos/${i}/`;
      return base + 'x'.repeat(300 - base.length);
    });
    const caseId = await file(urls);
    // When it is approved, every operator complies, and the committee confirms
    await h.until({ caseId, state: 'AwaitApprovals' });
    await approve(caseId);
    // (every binding order's wait is open before anyone acts: the orders run in batches, none
    // queued; the overseas hosts' requests have no wait)
    const binding = [...Array.from({ length: OPERATORS }, (_, index) => operatorId(index)).filter((_, index) => index % 2 === 0), ...ISPS];
    for (const operator of binding) {
      const orderId = orderIdFor(caseId, operator);
      await h.until({ caseId, state: 'AwaitCompliance', where: (e) => e.payload.purpose === `COMPLIANCE#${orderId}` });
    }
    for (let index = 0; index < OPERATORS; index += 1) await comply(operatorId(index), orderIdFor(caseId, operatorId(index)));
    for (const isp of ISPS) await comply(isp, orderIdFor(caseId, isp));
    await h.until({ caseId, state: 'AwaitPostReview' });
    await vote(reviewIdFor(caseId, 'POST_REVIEW'), ['CONFIRM', 'CONFIRM', 'CONFIRM']);
    await h.execution(caseId).result;

    // Then the case closed with 50 hosts' orders of 20 URLs (25 DELETE, 25 DELETE_REQUEST) and
    // the ISPs' orders blocking the overseas 500: 53 orders, two batches of the Map
    expect((await getCase(caseId))?.status).toBe('CLOSED');
    const orders = await listOrdersOfCase(caseId);
    expect(orders).toHaveLength(OPERATORS + ISPS.length);
    const hosts = orders.filter((order) => order.action !== 'BLOCK_ACCESS');
    expect(hosts.every((order) => order.urlCount === URLS_PER_OPERATOR && order.status === 'CONFIRMED')).toBe(true);
    expect(hosts.filter((order) => order.action === 'DELETE_REQUEST')).toHaveLength(OPERATORS / 2);
    const blocking = orders.filter((order) => order.action === 'BLOCK_ACCESS');
    expect(blocking.map((order) => [order.operatorId, order.urlCount, order.status])).toEqual(
      ISPS.map((isp) => [isp, (OPERATORS / 2) * URLS_PER_OPERATOR, 'CONFIRMED']).sort(),
    );
    // and no state and no task payload came near the limit, nor carried a URL
    const { sizes } = h.execution(caseId);
    const taskData = h.events(caseId).map((event) => JSON.stringify({ payload: event.payload, result: event.result }));
    const largest = Math.max(...sizes.map((size) => size.bytes), ...taskData.map((data) => Buffer.byteLength(data)));
    expect(sizes.length).toBeGreaterThan(OPERATORS * 3);
    expect(largest).toBeLessThan(BUDGET);
    expect(taskData.some((data) => data.includes('https://'))).toBe(false);
    console.info(`payload-size: largest state or task data ${largest} bytes (limit ${STEP_FUNCTIONS_LIMIT})`);
  }, 180_000);
});

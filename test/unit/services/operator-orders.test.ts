import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, NotFoundError, WindowClosedError } from '../../../shared/domain/errors';
import { appealIdFor, orderIdFor } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { tokenPurpose } from '../../../shared/domain/waits';
import { acknowledgeOrder, fileAppeal, listOperatorOrders, recordCompliance } from '../../../shared/services/operator-orders';
import { sweep } from '../../../shared/services/sweeper';
import { refs } from '../../../shared/store/keys';
import { getAppeal, getOrder, listOpenOrders, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOrder, CASE_ID, CASE_URLS, OTHER_CASE_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase, crashAfterCommit, givenLiveWait, plus, unsettledOfCase } from './world-steps';

const webhard: Identity = { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' };
const BEFORE_DEADLINE = '2026-03-02T12:00:00.000Z';
const AFTER_DEADLINE = '2026-03-04T01:00:00.000Z';
const AFTER_GRACE = '2026-03-10T01:00:00.001Z';
const ISSUED = ['REPORT_FILED', 'ORDER_ISSUED'];

const world = useWorld();
/** The case with its orders issued, and one order of it. */
async function givenOrder(overrides: Partial<OrderRecord> = {}): Promise<void> {
  await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.order(anOrder(overrides));
}
const openOrderIds = async () => (await listOpenOrders()).map((order) => order.orderId);

describe('listOperatorOrders', () => {
  it('lists the operator’s own orders with its own URLs only, and nothing about the reporter', async () => {
    // Given a case with the URLs of two operators and one unassigned, and an order for each operator
    await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.order(anOrder({ acknowledgedAt: '2026-03-02T02:00:00.000Z', complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED' }));
    await plant.order(anOrder({ operatorId: 'op-social' }));

    // When
    const orders = await listOperatorOrders(webhard);

    // Then
    expect(orders).toEqual([
      {
        orderId: WEBHARD_ORDER_ID,
        caseId: CASE_ID,
        status: 'ACKNOWLEDGED',
        complianceStatus: 'ACKNOWLEDGED',
        decisionStatus: 'PENDING',
        action: 'DELETE',
        category: 'ILLEGAL_FILMING',
        urls: ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'],
        issuedAt: '2026-03-02T01:00:00.000Z',
        deadlineAt: '2026-03-03T01:00:00.000Z',
        graceEndsAt: '2026-03-10T01:00:00.000Z',
        acknowledgedAt: '2026-03-02T02:00:00.000Z',
        // The statement of reasons names the operator's own URLs only, and who decided by role.
        statementOfReasons: expect.objectContaining({
          orderId: WEBHARD_ORDER_ID,
          decidedBy: expect.objectContaining({ body: 'COMMISSION_STAFF' }),
          facts: expect.objectContaining({ urls: ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'] }),
        }),
      },
    ]);
    expect(JSON.stringify(orders)).not.toMatch(/social|unknown|SC-2026|Victim|support/);
  });

  it('lists the orders of several cases newest first', async () => {
    // Given
    await plant.order(anOrder({ caseId: OTHER_CASE_ID, issuedAt: '2026-03-01T01:00:00.000Z' }));
    await plant.order(anOrder());

    // When
    const orders = await listOperatorOrders(webhard);

    // Then
    expect(orders.map((order) => order.orderId)).toEqual([WEBHARD_ORDER_ID, orderIdFor(OTHER_CASE_ID, 'op-webhard')]);
  });

  it.each([
    ['an operator without orders', { ...webhard, operatorId: 'op-quiet' }],
    ['an identity without an operator', { userId: 'staff-kim', roles: ['staff'] } as Identity],
  ])('lists nothing for %s', async (_, identity) => {
    await givenOrder();
    expect(await listOperatorOrders(identity)).toEqual([]);
  });
});

describe('acknowledgeOrder', () => {
  it('acknowledges an issued order and audits it; the order stays open', async () => {
    // Given
    await givenOrder();

    // When
    const answer = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, BEFORE_DEADLINE);

    // Then
    expect(answer).toEqual({ orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED', acknowledgedAt: BEFORE_DEADLINE });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({
      complianceStatus: 'ACKNOWLEDGED',
      status: 'ACKNOWLEDGED',
      acknowledgedAt: BEFORE_DEADLINE,
    });
    expect(await openOrderIds()).toEqual([WEBHARD_ORDER_ID]);
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({
      action: 'ORDER_ACKNOWLEDGED',
      actor: 'op-webhard',
      at: BEFORE_DEADLINE,
      details: { orderId: WEBHARD_ORDER_ID, operatorId: 'op-webhard' },
    });
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('is harmless when repeated: it answers the first acknowledgement and audits it once', async () => {
    // Given
    await givenOrder();
    await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, BEFORE_DEADLINE);

    // When
    const again = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, '2026-03-02T13:00:00.000Z');

    // Then
    expect(again).toEqual({ orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED', acknowledgedAt: BEFORE_DEADLINE });
    expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'ORDER_ACKNOWLEDGED']);
  });

  it('records one acknowledgement when two arrive at once, and answers both with it', async () => {
    // Given
    await givenOrder();

    // When
    const answers = await Promise.all([
      acknowledgeOrder(webhard, WEBHARD_ORDER_ID, '2026-03-02T05:00:00.000Z'),
      acknowledgeOrder(webhard, WEBHARD_ORDER_ID, BEFORE_DEADLINE),
    ]);

    // Then
    const stored = await getOrder(WEBHARD_ORDER_ID);
    expect(answers.map((answer) => answer.acknowledgedAt)).toEqual([stored?.acknowledgedAt, stored?.acknowledgedAt]);
    expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'ORDER_ACKNOWLEDGED']);
  });

  it('keeps an overdue order overdue', async () => {
    // Given
    await givenOrder({ complianceStatus: 'OVERDUE', status: 'OVERDUE' });

    // When
    const answer = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, AFTER_DEADLINE);

    // Then
    expect(answer.status).toBe('OVERDUE');
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ complianceStatus: 'OVERDUE', acknowledgedAt: AFTER_DEADLINE });
  });

  it.each([
    ['another operator’s order', SOCIAL_ORDER_ID],
    ['a missing order', orderIdFor(OTHER_CASE_ID, 'op-webhard')],
    ['a malformed id', 'not-an-order'],
    ['a case id', CASE_ID],
  ])('answers NotFound for %s, changing nothing', async (_, orderId) => {
    // Given
    await givenOrder({ operatorId: 'op-social' });

    // When
    const acknowledging = acknowledgeOrder(webhard, orderId, BEFORE_DEADLINE);

    // Then
    await expect(acknowledging).rejects.toBeInstanceOf(NotFoundError);
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
  });
});

describe('recordCompliance', () => {
  it.each([
    ['before the deadline', {}, BEFORE_DEADLINE, 'COMPLIED'],
    ['at the deadline', {}, '2026-03-03T01:00:00.000Z', 'COMPLIED'],
    ['after the deadline, before enforcement ran', {}, AFTER_DEADLINE, 'COMPLIED_LATE'],
    ['after the deadline, once overdue', { complianceStatus: 'OVERDUE', status: 'OVERDUE' }, AFTER_DEADLINE, 'COMPLIED_LATE'],
    ['before the deadline, once acknowledged', { complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED' }, BEFORE_DEADLINE, 'COMPLIED'],
  ] as const)(
    'records compliance %s as %s, takes the order off the open list and wakes the workflow',
    async (_, overrides, now, outcome) => {
      // Given an order whose workflow waits for compliance
      await givenOrder(overrides);
      await givenLiveWait(world, CASE_ID, tokenPurpose.compliance(WEBHARD_ORDER_ID), 'token-compliance', BEFORE_DEADLINE);

      // When
      const answer = await recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED', note: 'removed' }, now);

      // Then
      expect(answer).toEqual({ orderId: WEBHARD_ORDER_ID, status: outcome, compliedAt: now });
      expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({
        complianceStatus: outcome,
        status: outcome,
        compliedAt: now,
        complianceAction: 'DELETED',
        complianceNote: 'removed',
      });
      expect(await openOrderIds()).toEqual([]);
      expect(world.completedWaits).toEqual([{ token: 'token-compliance', output: { outcome } }]);
      const event = (await chainOfCase(CASE_ID)).at(-1);
      expect(event).toMatchObject({
        action: outcome === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE',
        actor: 'op-webhard',
        details: { orderId: WEBHARD_ORDER_ID, action: 'DELETED', complianceStatus: outcome },
      });
      // The operator's note stays on the order, out of the chain
      expect(JSON.stringify(event)).not.toContain('removed');
      await expectConsistentStream(refs.case(CASE_ID).root);
    },
  );

  it('keeps a confirmed order’s status CONFIRMED while recording the compliance', async () => {
    // Given
    await givenOrder({ decisionStatus: 'CONFIRMED', status: 'CONFIRMED' });

    // When
    const answer = await recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE);

    // Then
    expect(answer.status).toBe('COMPLIED');
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ complianceStatus: 'COMPLIED', status: 'CONFIRMED' });
  });

  it.each([
    ['after the grace period', {}, AFTER_GRACE, WindowClosedError],
    ['a second time', { complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: BEFORE_DEADLINE }, BEFORE_DEADLINE, ConflictError],
    ['on a revoked order', { decisionStatus: 'REVOKED', status: 'REVOKED' }, BEFORE_DEADLINE, ConflictError],
    ['on an overturned order', { decisionStatus: 'OVERTURNED', status: 'OVERTURNED' }, BEFORE_DEADLINE, ConflictError],
  ] as const)('refuses compliance %s, changing nothing', async (_, overrides, now, errorClass) => {
    // Given
    await givenOrder(overrides);
    await givenLiveWait(world, CASE_ID, tokenPurpose.compliance(WEBHARD_ORDER_ID), 'token-compliance', BEFORE_DEADLINE);
    const before = await getOrder(WEBHARD_ORDER_ID);

    // When
    const recording = recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'BLOCKED' }, now);

    // Then
    await expect(recording).rejects.toBeInstanceOf(errorClass);
    expect(await getOrder(WEBHARD_ORDER_ID)).toEqual(before);
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
    expect(world.completedWaits).toEqual([]);
  });

  it('records one of two reports of compliance sent at once and tells the other it was already reported', async () => {
    // Given
    await givenOrder();

    // When
    const [first, second] = await Promise.allSettled([
      recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE),
      recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'BLOCKED' }, BEFORE_DEADLINE),
    ]);

    // Then
    const outcomes = [first, second].map((result) => result.status).sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((result) => result.status === 'rejected');
    expect(refused?.status === 'rejected' ? refused.reason : undefined).toBeInstanceOf(ConflictError);
    expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'ORDER_COMPLIED']);
  });

  it('finishes a compliance whose request died after its commit when it is sent again: the workflow hears it now, once', async () => {
    // Given the compliance was committed, and the process died before its follow-ups
    await crashAfterCommit(world, {
      given: async () => {
        await givenOrder();
        await givenLiveWait(world, CASE_ID, tokenPurpose.compliance(WEBHARD_ORDER_ID), 'token-compliance', BEFORE_DEADLINE);
      },
      act: () => recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE),
      action: 'ORDER_COMPLIED',
    });
    expect(world.completedWaits).toEqual([]);

    // When the operator's system sends it again
    const retry = recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE);

    // Then it is told the compliance was already reported, the order shows it, the workflow's wait
    // was completed now, once, and nothing is left for the sweeper
    await expect(retry).rejects.toBeInstanceOf(ConflictError);
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ complianceStatus: 'COMPLIED', compliedAt: BEFORE_DEADLINE });
    expect(world.completedWaits).toEqual([{ token: 'token-compliance', output: { outcome: 'COMPLIED' } }]);
    expect(await unsettledOfCase(CASE_ID)).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'ORDER_COMPLIED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('answers NotFound for another operator’s order', async () => {
    await givenOrder({ operatorId: 'op-social' });
    await expect(recordCompliance(webhard, SOCIAL_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ complianceStatus: 'ISSUED' });
  });
});

describe('fileAppeal', () => {
  const APPEAL_ID = appealIdFor(CASE_ID, 'op-webhard');
  const confirmed: Partial<OrderRecord> = {
    complianceStatus: 'COMPLIED',
    decisionStatus: 'CONFIRMED',
    status: 'CONFIRMED',
    appealDeadline: '2026-03-25T00:00:00.000Z',
  };
  const grounds = { grounds: 'The video is a licensed production with consenting adults.' };
  const IN_WINDOW = '2026-03-20T00:00:00.000Z';

  it('files one appeal for a confirmed order inside its window: the order records it and the appeal follows', async () => {
    // Given
    await givenOrder(confirmed);

    // When
    const answer = await fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Then
    expect(answer).toEqual({ appealId: APPEAL_ID });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID });
    expect(await getAppeal(APPEAL_ID)).toEqual({
      appealId: APPEAL_ID,
      caseId: CASE_ID,
      orderId: WEBHARD_ORDER_ID,
      operatorId: 'op-webhard',
      status: 'FILED',
      filedAt: IN_WINDOW,
      grounds: grounds.grounds,
    });
    const chain = await chainOfCase(CASE_ID);
    expect(chain.slice(-2)).toMatchObject([
      { action: 'ORDER_APPEALED', actor: 'op-webhard', details: { orderId: WEBHARD_ORDER_ID, appealId: APPEAL_ID } },
      { action: 'APPEAL_FILED', details: { appealId: APPEAL_ID, orderId: WEBHARD_ORDER_ID, operatorId: 'op-webhard' } },
    ]);
    // The grounds are the operator's own words: on the appeal, not in the chain
    expect(JSON.stringify(chain)).not.toContain('licensed production');
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('answers CONFLICT to a second appeal', async () => {
    // Given
    await givenOrder(confirmed);
    await fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // When
    const again = fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Then
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'APPEAL_FILED')).toHaveLength(1);
  });

  it('files the appeal of an order whose request died after its commit when it is sent again; the retry is told it was filed', async () => {
    // Given the order recorded the appeal, and the process died before the appeal was filed
    await crashAfterCommit(world, {
      given: () => givenOrder(confirmed),
      act: () => fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW),
      action: 'ORDER_APPEALED',
    });
    expect(await getAppeal(APPEAL_ID)).toBeUndefined();

    // When the operator sends it again
    const retry = fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Then it is told that its appeal stands, and the appeal is filed now, once, as of the first request
    await expect(retry).rejects.toBeInstanceOf(ConflictError);
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ decisionStatus: 'APPEALED', appealId: APPEAL_ID });
    expect(await getAppeal(APPEAL_ID)).toMatchObject({ status: 'FILED', filedAt: IN_WINDOW, grounds: grounds.grounds });
    expect(await unsettledOfCase(CASE_ID)).toEqual([]);

    // When the sweeper runs
    const counts = await sweep(plus(IN_WINDOW, 180));

    // Then it has nothing left to do
    expect(counts).toMatchObject({ leftoversSettled: 0, failed: 0 });
    expect(await actionsOf(CASE_ID)).toEqual([...ISSUED, 'ORDER_APPEALED', 'APPEAL_FILED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each([
    ['before the committee confirmed the order', { decisionStatus: 'PENDING' }, IN_WINDOW],
    ['for a revoked order', { decisionStatus: 'REVOKED', status: 'REVOKED' }, IN_WINDOW],
    ['at the end of the window', confirmed, '2026-03-25T00:00:00.000Z'],
    ['after the window', confirmed, '2026-03-26T00:00:00.000Z'],
  ] as const)('answers WINDOW_CLOSED %s, filing nothing', async (_, overrides, now) => {
    // Given
    await givenOrder(overrides as Partial<OrderRecord>);

    // When
    const filing = fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, now);

    // Then
    await expect(filing).rejects.toBeInstanceOf(WindowClosedError);
    expect(await getAppeal(APPEAL_ID)).toBeUndefined();
    expect(await actionsOf(CASE_ID)).toEqual(ISSUED);
  });

  it('answers NotFound for another operator’s order', async () => {
    await givenOrder({ ...confirmed, operatorId: 'op-social' });
    await expect(fileAppeal(webhard, SOCIAL_ORDER_ID, grounds, IN_WINDOW)).rejects.toBeInstanceOf(NotFoundError);
  });
});

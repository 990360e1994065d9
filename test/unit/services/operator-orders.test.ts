import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { ConflictError, NotFoundError, WindowClosedError } from '../../../shared/domain/errors';
import { appealIdFor, orderIdFor } from '../../../shared/domain/ids';
import type { OrderRecord } from '../../../shared/domain/model';
import { acknowledgeOrder, fileAppeal, listOperatorOrders, recordCompliance } from '../../../shared/services/operator-orders';
import { caseItem, orderItem } from '../../../shared/store/repository';
import { givenItems, givenStaleReadOnce, resetAws, sfnMock, storedItem, storedItems } from '../../support/fake-table';
import { aCase, anAppeal, anOrder, CASE_ID, CASE_URLS, OTHER_CASE_ID, SOCIAL_ORDER_ID, urlChunkItems, WEBHARD_ORDER_ID } from '../../support/records';

const webhard: Identity = { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' };
const BEFORE_DEADLINE = '2026-03-02T12:00:00.000Z';
const AFTER_DEADLINE = '2026-03-04T01:00:00.000Z';
const AFTER_GRACE = '2026-03-10T01:00:00.001Z';

const storedOrder = (orderId = WEBHARD_ORDER_ID) => storedItem(`CASE#${CASE_ID}`, `ORDER#${orderId}`);
const auditActions = () => storedItems({ pk: `CASE#${CASE_ID}`, skPrefix: 'AUDIT#' }).map((event) => event.action);
function givenOrder(overrides: Partial<OrderRecord> = {}): void {
  givenItems(orderItem(anOrder(overrides)));
}

beforeEach(() => resetAws());

describe('listOperatorOrders', () => {
  it('lists the operator’s own orders with its own URLs only, and nothing about the reporter', async () => {
    // Prepare
    givenItems(
      caseItem(aCase({ status: 'ORDERS_ISSUED' })),
      ...urlChunkItems(CASE_ID, CASE_URLS),
      orderItem(anOrder({ acknowledgedAt: '2026-03-02T02:00:00.000Z', complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED' })),
      orderItem(anOrder({ operatorId: 'op-social' })),
    );

    // Act
    const orders = await listOperatorOrders(webhard);

    // Assess
    expect(orders).toEqual([
      {
        orderId: WEBHARD_ORDER_ID,
        caseId: CASE_ID,
        status: 'ACKNOWLEDGED',
        action: 'DELETE',
        category: 'ILLEGAL_FILMING',
        urls: ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'],
        issuedAt: '2026-03-02T01:00:00.000Z',
        deadlineAt: '2026-03-03T01:00:00.000Z',
        graceEndsAt: '2026-03-10T01:00:00.000Z',
        acknowledgedAt: '2026-03-02T02:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(orders)).not.toMatch(/social|unknown|SC-2026|Victim|support/);
  });

  it('lists nothing for an operator without orders', async () => {
    expect(await listOperatorOrders({ ...webhard, operatorId: 'op-quiet' })).toEqual([]);
  });
});

describe('acknowledgeOrder', () => {
  it('acknowledges an issued order and audits it', async () => {
    // Prepare
    givenOrder();

    // Act
    const answer = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, BEFORE_DEADLINE);

    // Assess
    expect(answer).toEqual({ orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED', acknowledgedAt: BEFORE_DEADLINE });
    expect(storedOrder()).toMatchObject({ complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED', gsi2pk: 'OPEN_ORDERS' });
    expect(auditActions()).toEqual(['ORDER_ACKNOWLEDGED']);
  });

  it('is harmless when repeated', async () => {
    // Prepare
    givenOrder();
    await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, BEFORE_DEADLINE);

    // Act
    const again = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, '2026-03-02T13:00:00.000Z');

    // Assess
    expect(again).toEqual({ orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED', acknowledgedAt: BEFORE_DEADLINE });
    expect(auditActions()).toEqual(['ORDER_ACKNOWLEDGED']);
  });

  it('keeps an overdue order overdue', async () => {
    // Prepare
    givenOrder({ complianceStatus: 'OVERDUE', status: 'OVERDUE' });

    // Act
    const answer = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, AFTER_DEADLINE);

    // Assess
    expect(answer.status).toBe('OVERDUE');
    expect(storedOrder()).toMatchObject({ complianceStatus: 'OVERDUE', acknowledgedAt: AFTER_DEADLINE });
  });

  it('answers how the order stands when another request acknowledged it first', async () => {
    // Prepare
    givenOrder({ complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED', acknowledgedAt: '2026-03-02T05:00:00.000Z' });
    givenStaleReadOnce(orderItem(anOrder()));

    // Act
    const answer = await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, BEFORE_DEADLINE);

    // Assess
    expect(answer).toEqual({ orderId: WEBHARD_ORDER_ID, status: 'ACKNOWLEDGED', acknowledgedAt: '2026-03-02T05:00:00.000Z' });
  });

  it.each([
    ['another operator’s order', SOCIAL_ORDER_ID],
    ['a missing order', orderIdFor(OTHER_CASE_ID, 'op-webhard')],
    ['a malformed id', 'not-an-order'],
    ['a case id', CASE_ID],
  ])('answers NotFound for %s', async (_, orderId) => {
    // Prepare
    givenOrder({ operatorId: 'op-social' });

    // Act
    const acknowledging = acknowledgeOrder(webhard, orderId, BEFORE_DEADLINE);

    // Assess
    await expect(acknowledging).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('recordCompliance', () => {
  it.each([
    ['before the deadline', {}, BEFORE_DEADLINE, 'COMPLIED'],
    ['at the deadline', {}, '2026-03-03T01:00:00.000Z', 'COMPLIED'],
    ['after the deadline, before enforcement ran', {}, AFTER_DEADLINE, 'COMPLIED_LATE'],
    ['after the deadline, once overdue', { complianceStatus: 'OVERDUE', status: 'OVERDUE' }, AFTER_DEADLINE, 'COMPLIED_LATE'],
    ['before the deadline, once acknowledged', { complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED' }, BEFORE_DEADLINE, 'COMPLIED'],
  ] as const)('records %s as %s, closes the open-order entry and wakes the workflow', async (_, overrides, now, outcome) => {
    // Prepare
    givenOrder(overrides);
    givenItems({ pk: `CASE#${CASE_ID}`, sk: `TOKEN#COMPLIANCE#${WEBHARD_ORDER_ID}`, token: 'token-compliance' });

    // Act
    const answer = await recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED', note: 'removed' }, now);

    // Assess
    expect(answer).toEqual({ orderId: WEBHARD_ORDER_ID, status: outcome, compliedAt: now });
    const stored = storedOrder();
    expect(stored).toMatchObject({ complianceStatus: outcome, status: outcome, compliedAt: now, complianceAction: 'DELETED', complianceNote: 'removed' });
    expect(stored).not.toHaveProperty('gsi2pk');
    expect(stored).not.toHaveProperty('gsi2sk');
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-compliance', output: JSON.stringify({ outcome }) });
    expect(auditActions()).toEqual([outcome === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE']);
  });

  it('keeps a confirmed order’s status CONFIRMED while recording the compliance', async () => {
    // Prepare
    givenOrder({ decisionStatus: 'CONFIRMED', status: 'CONFIRMED' });

    // Act
    const answer = await recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE);

    // Assess
    expect(answer.status).toBe('COMPLIED');
    expect(storedOrder()).toMatchObject({ complianceStatus: 'COMPLIED', status: 'CONFIRMED' });
  });

  it.each([
    ['after the grace period', {}, AFTER_GRACE, WindowClosedError],
    ['a second time', { complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: BEFORE_DEADLINE }, BEFORE_DEADLINE, ConflictError],
    ['on a revoked order', { decisionStatus: 'REVOKED', status: 'REVOKED' }, BEFORE_DEADLINE, ConflictError],
  ] as const)('refuses compliance %s, changing nothing', async (_, overrides, now, errorClass) => {
    // Prepare
    givenOrder(overrides);
    const before = storedOrder();

    // Act
    const recording = recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'BLOCKED' }, now);

    // Assess
    await expect(recording).rejects.toBeInstanceOf(errorClass);
    expect(storedOrder()).toEqual(before);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('answers CONFLICT when another report of compliance landed between its read and its write', async () => {
    // Prepare
    givenOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: BEFORE_DEADLINE });
    givenStaleReadOnce(orderItem(anOrder()));

    // Act
    const recording = recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE);

    // Assess
    await expect(recording).rejects.toThrow(/already reported/);
  });

  it('answers NotFound for another operator’s order', async () => {
    givenOrder({ operatorId: 'op-social' });
    await expect(recordCompliance(webhard, SOCIAL_ORDER_ID, { action: 'DELETED' }, BEFORE_DEADLINE)).rejects.toBeInstanceOf(NotFoundError);
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

  it('files one appeal for a confirmed order inside its window', async () => {
    // Prepare
    givenOrder(confirmed);

    // Act
    const answer = await fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Assess
    expect(answer).toEqual({ appealId: APPEAL_ID });
    expect(storedOrder()).toMatchObject({ decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID });
    expect(storedItem(`CASE#${CASE_ID}`, `APPEAL#${APPEAL_ID}`)).toMatchObject({
      orderId: WEBHARD_ORDER_ID,
      operatorId: 'op-webhard',
      status: 'FILED',
      filedAt: IN_WINDOW,
      grounds: grounds.grounds,
    });
    expect(auditActions()).toEqual(['APPEAL_FILED']);
  });

  it('answers CONFLICT to a second appeal', async () => {
    // Prepare
    givenOrder(confirmed);
    await fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Act
    const again = fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Assess
    await expect(again).rejects.toBeInstanceOf(ConflictError);
  });

  it('finishes an appeal whose order was not marked before a crash', async () => {
    // Prepare
    givenOrder(confirmed);
    givenItems({ pk: `CASE#${CASE_ID}`, sk: `APPEAL#${APPEAL_ID}`, ...anAppeal({ appealId: APPEAL_ID }) });

    // Act
    const answer = await fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, IN_WINDOW);

    // Assess
    expect(answer).toEqual({ appealId: APPEAL_ID });
    expect(storedOrder()).toMatchObject({ decisionStatus: 'APPEALED' });
  });

  it.each([
    ['before the committee confirmed the order', { decisionStatus: 'PENDING' }, IN_WINDOW],
    ['for a revoked order', { decisionStatus: 'REVOKED', status: 'REVOKED' }, IN_WINDOW],
    ['at the end of the window', confirmed, '2026-03-25T00:00:00.000Z'],
    ['after the window', confirmed, '2026-03-26T00:00:00.000Z'],
  ] as const)('answers WINDOW_CLOSED %s', async (_, overrides, now) => {
    // Prepare
    givenOrder(overrides as Partial<OrderRecord>);

    // Act
    const filing = fileAppeal(webhard, WEBHARD_ORDER_ID, grounds, now);

    // Assess
    await expect(filing).rejects.toBeInstanceOf(WindowClosedError);
    expect(storedItem(`CASE#${CASE_ID}`, `APPEAL#${APPEAL_ID}`)).toBeUndefined();
  });

  it('answers NotFound for another operator’s order', async () => {
    givenOrder({ ...confirmed, operatorId: 'op-social' });
    await expect(fileAppeal(webhard, SOCIAL_ORDER_ID, grounds, IN_WINDOW)).rejects.toBeInstanceOf(NotFoundError);
  });
});

import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { caseIdFrom, orderIdFor, reviewIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { OrderRecord, ReviewRecord } from '../../../shared/domain/model';
import { anOperator, anOrder as sharedOrder } from '../../support/records';
import { enforceDeadline } from '../../../shared/services/deadlines';
import { closeReviewAtDeadline } from '../../../shared/services/reviews';
import { sweep } from '../../../shared/services/sweeper';
import { keys } from '../../../shared/store/keys';
import { operatorItem, orderItem, reviewItem } from '../../../shared/store/repository';
import { givenItems, resetAws, sfnMock, storedItem } from '../../support/fake-table';

vi.mock('../../../shared/services/deadlines', () => ({ enforceDeadline: vi.fn() }));
vi.mock('../../../shared/services/reviews', () => ({ closeReviewAtDeadline: vi.fn() }));

const sesMock = mockClient(SESClient);

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(3)));
const OTHER_CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:30:00.000Z'), new Uint8Array(10).fill(4)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const REVIEW_ID = reviewIdFor(CASE_ID, 'POST_REVIEW');

// kr-kcsc: 24 hours to comply, reminders 12 hours and 2 hours before the deadline.
const ISSUED_AT = '2026-11-24T06:00:00.000Z';
const DEADLINE = '2026-11-25T06:00:00.000Z';
const FIRST_REMINDER = '2026-11-24T18:00:00.000Z';
const SECOND_REMINDER = '2026-11-25T04:00:00.000Z';

const operator = anOperator();

/** An order of this file's case, issued at ISSUED_AT under the Korean policy. */
function anOrder(change: Partial<OrderRecord> = {}): OrderRecord {
  return sharedOrder({
    caseId: CASE_ID,
    urlCount: 1,
    issuedAt: ISSUED_AT,
    deadlineAt: DEADLINE,
    graceEndsAt: '2026-12-02T06:00:00.000Z',
    ...change,
  });
}

const aReview = (closesAt: string): ReviewRecord => ({
  reviewId: REVIEW_ID,
  kind: 'POST_REVIEW',
  caseId: CASE_ID,
  orderIds: [ORDER_ID],
  status: 'OPEN',
  openedAt: ISSUED_AT,
  closesAt,
  extended: false,
  eligibleMembers: ['member-1', 'member-2', 'member-3'],
  recusals: {},
  votes: {},
});

const at = (iso: string, plusSeconds: number) => new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();
const storedOrder = (orderId = ORDER_ID, caseId = CASE_ID) =>
  storedItem(`CASE#${caseId}`, `ORDER#${orderId}`) as unknown as OrderRecord;
const emails = () => sesMock.commandCalls(SendEmailCommand).map((call) => call.args[0].input);

beforeEach(() => {
  resetAws({ STAFF_EMAILS: '' });
  sesMock.reset();
  let sent = 0;
  sesMock.on(SendEmailCommand).callsFake(() => ({ MessageId: `msg-${++sent}` }));
  vi.mocked(enforceDeadline).mockReset().mockResolvedValue({ outcome: 'OVERDUE', secondsToGraceEnd: 604_800 });
  vi.mocked(closeReviewAtDeadline).mockReset().mockResolvedValue({ decided: true, outcome: 'CONFIRMED', secondsToClose: 0 });
  givenItems(operatorItem(operator));
});

describe('sweep: reminders', () => {
  it('sends a due reminder once and records it, however often it runs', async () => {
    // Prepare
    givenItems(orderItem(anOrder()));
    const now = at(FIRST_REMINDER, 5);
    // Act
    const first = await sweep(now);
    const second = await sweep(at(now, 60));
    // Assess
    expect(first).toEqual({ reminders: 1, enforced: 0, reviewsClosed: 0, failed: 0 });
    expect(second.reminders).toBe(0);
    expect(emails()).toHaveLength(1);
    expect(emails()[0]?.Message?.Subject?.Data).toContain(ORDER_ID);
    expect(emails()[0]?.Message?.Subject?.Data).toContain('12시간');
    expect(storedOrder().remindersSent).toEqual([FIRST_REMINDER]);
    expect(storedOrder().notices).toMatchObject([{ kind: 'REMINDER', messageId: 'msg-1' }]);
  });

  it('sends nothing before the first reminder is due', async () => {
    // Prepare
    givenItems(orderItem(anOrder()));
    // Act
    const counts = await sweep(at(FIRST_REMINDER, -1));
    // Assess
    expect(counts.reminders).toBe(0);
    expect(emails()).toHaveLength(0);
  });

  it('sends the second reminder when the first one was already sent', async () => {
    // Prepare
    givenItems(orderItem(anOrder({ remindersSent: [FIRST_REMINDER] })));
    // Act
    await sweep(at(SECOND_REMINDER, 1));
    // Assess
    expect(emails()).toHaveLength(1);
    expect(storedOrder().remindersSent).toEqual([FIRST_REMINDER, SECOND_REMINDER]);
  });

  it('after a pause sends only the latest due reminder and records both', async () => {
    // Prepare
    givenItems(orderItem(anOrder()));
    // Act
    const counts = await sweep(at(SECOND_REMINDER, 30));
    // Assess
    expect(counts.reminders).toBe(1);
    expect(emails()).toHaveLength(1);
    expect(emails()[0]?.Message?.Subject?.Data).toContain('2시간');
    expect(storedOrder().remindersSent).toEqual([FIRST_REMINDER, SECOND_REMINDER]);
  });

  it.each([
    { what: 'a lifted order', order: anOrder({ decisionStatus: 'REVOKED', status: 'REVOKED' }) },
    { what: 'an order past its deadline', order: anOrder({ remindersSent: [FIRST_REMINDER] }), now: at(DEADLINE, 10) },
  ])('reminds nobody of $what', async ({ order, now }) => {
    // Prepare
    givenItems(orderItem(order));
    // Act
    const counts = await sweep(now ?? at(SECOND_REMINDER, 1));
    // Assess
    expect(counts.reminders).toBe(0);
    expect(emails()).toHaveLength(0);
  });

  it('two sweeps at once send one reminder', async () => {
    // Prepare
    givenItems(orderItem(anOrder()));
    const now = at(FIRST_REMINDER, 5);
    // Act
    await Promise.all([sweep(now), sweep(now)]);
    // Assess
    expect(emails()).toHaveLength(1);
    expect(storedOrder().remindersSent).toEqual([FIRST_REMINDER]);
  });
});

describe('sweep: deadlines the workflow did not enforce', () => {
  it('enforces a deadline more than 60 s past and sends no reminder for it', async () => {
    // Prepare
    givenItems(orderItem(anOrder()));
    const now = at(DEADLINE, 61);
    // Act
    const counts = await sweep(now);
    // Assess
    expect(vi.mocked(enforceDeadline).mock.calls).toEqual([[ORDER_ID, now]]);
    expect(counts).toMatchObject({ enforced: 1, reminders: 0 });
    expect(emails()).toHaveLength(0);
  });

  it.each([0, 30, 60])('leaves a deadline %i s past to the workflow', async (seconds) => {
    // Prepare
    givenItems(orderItem(anOrder({ remindersSent: [FIRST_REMINDER, SECOND_REMINDER] })));
    // Act
    const counts = await sweep(at(DEADLINE, seconds));
    // Assess
    expect(enforceDeadline).not.toHaveBeenCalled();
    expect(counts.enforced).toBe(0);
  });

  it('goes on with the other orders when one fails', async () => {
    // Prepare
    const otherOrderId = orderIdFor(OTHER_CASE_ID, 'op-webhard');
    givenItems(orderItem(anOrder()), orderItem(anOrder({ orderId: otherOrderId, caseId: OTHER_CASE_ID })));
    vi.mocked(enforceDeadline).mockRejectedValueOnce(new Error('boom'));
    // Act
    const counts = await sweep(at(DEADLINE, 120));
    // Assess
    expect(enforceDeadline).toHaveBeenCalledTimes(2);
    expect(counts).toMatchObject({ enforced: 1, failed: 1 });
  });
});

describe('sweep: reviews past their close', () => {
  const closesAt = '2026-12-01T06:00:00.000Z';

  it('closes a review more than 60 s past its close and completes the workflow wait', async () => {
    // Prepare
    givenItems(reviewItem(aReview(closesAt)), {
      ...keys.taskToken(CASE_ID, `REVIEW#${REVIEW_ID}`),
      token: 'token-1',
      storedAt: closesAt,
    });
    const now = at(closesAt, 61);
    // Act
    const counts = await sweep(now);
    // Assess
    expect(vi.mocked(closeReviewAtDeadline).mock.calls).toEqual([[REVIEW_ID, now]]);
    expect(counts.reviewsClosed).toBe(1);
    const success = sfnMock.commandCalls(SendTaskSuccessCommand);
    expect(success).toHaveLength(1);
    expect(success[0]!.args[0].input).toEqual({ taskToken: 'token-1', output: JSON.stringify({ decided: true, outcome: 'CONFIRMED' }) });
  });

  it('does not complete the wait when the review was extended instead', async () => {
    // Prepare
    givenItems(reviewItem(aReview(closesAt)));
    vi.mocked(closeReviewAtDeadline).mockResolvedValue({ decided: false, outcome: null, secondsToClose: 604_800 });
    // Act
    const counts = await sweep(at(closesAt, 120));
    // Assess
    expect(counts.reviewsClosed).toBe(0);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('leaves a review closing within the last 60 s to the workflow', async () => {
    // Prepare
    givenItems(reviewItem(aReview(closesAt)));
    // Act
    await sweep(at(closesAt, 59));
    // Assess
    expect(closeReviewAtDeadline).not.toHaveBeenCalled();
  });
});

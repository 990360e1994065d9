/**
 * The sweeper on the world: reminders are acts (REMINDER_DUE, then one REMINDER notice), and
 * the safety net finishes what the workflow or a fault left: deadlines and reviews past their
 * time, reviews whose outcome is certain, acts left unsettled, cases without an execution, and
 * waits whose act happened.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { orderDecider } from '../../../shared/domain/deciders/order';
import { caseIdFrom, orderIdFor, reviewIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { CaseRecord, OrderRecord, ReviewRecord, VoteRecord } from '../../../shared/domain/model';
import { tokenPurpose } from '../../../shared/domain/waits';
import { sesClient } from '../../../shared/notices/index';
import { enforceDeadline } from '../../../shared/services/deadlines';
import { recordCompliance } from '../../../shared/services/operator-orders';
import { act } from '../../../shared/services/acts';
import { sweep, type SweepCounts } from '../../../shared/services/sweeper';
import { refs } from '../../../shared/store/keys';
import { getCase, getOrder, getReview, getTaskToken, listOpenReviews, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder as sharedOrder, aProposedFine, aReview as sharedReview } from '../../support/records';
import { STAFF_EMAILS, useWorld } from '../../support/world';
import { chainOfCase, crashAfterCommit, givenLiveWait, plus, unsettledOfCase } from './world-steps';

// The real enforcement, which one test makes fail once.
vi.mock('../../../shared/services/deadlines', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../shared/services/deadlines')>();
  return { ...actual, enforceDeadline: vi.fn(actual.enforceDeadline) };
});

const CREATED_AT = '2026-11-24T05:00:00.000Z';
const CASE_ID = caseIdFrom(ulidFrom(Date.parse(CREATED_AT), new Uint8Array(10).fill(3)));
const OTHER_CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:30:00.000Z'), new Uint8Array(10).fill(4)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const OTHER_ORDER_ID = orderIdFor(OTHER_CASE_ID, 'op-webhard');
const REVIEW_ID = reviewIdFor(CASE_ID, 'POST_REVIEW');
const OPERATOR_MAIL = ['notices@webhard.example'];

// kr-kcsc: 24 hours to comply, reminders 12 hours and 2 hours before the deadline.
const ISSUED_AT = '2026-11-24T06:00:00.000Z';
const DEADLINE = '2026-11-25T06:00:00.000Z';
const FIRST_REMINDER = '2026-11-24T18:00:00.000Z';
const SECOND_REMINDER = '2026-11-25T04:00:00.000Z';

const NOTHING: SweepCounts = {
  reminders: 0,
  enforced: 0,
  reviewsClosed: 0,
  leftoversSettled: 0,
  executionsStarted: 0,
  waitsCompleted: 0,
  failed: 0,
};

function theCase(change: Partial<CaseRecord> = {}): CaseRecord {
  return aCase({ caseId: CASE_ID, createdAt: CREATED_AT, status: 'ORDERS_ISSUED', ordersIssuedAt: ISSUED_AT, ...change });
}

/** An order of this file's case, issued at ISSUED_AT under the Korean policy, its notice accepted then (its clock runs). */
function anOrder(change: Partial<OrderRecord> = {}): OrderRecord {
  return sharedOrder({
    caseId: CASE_ID,
    urlCount: 1,
    issuedAt: ISSUED_AT,
    noticeAcceptedAt: ISSUED_AT,
    deadlineAt: DEADLINE,
    graceEndsAt: '2026-12-02T06:00:00.000Z',
    ...change,
  });
}

/** The same order before SES accepted its notice, or while it is UNDELIVERED: no clock. */
function withoutClock(change: Partial<OrderRecord> = {}): OrderRecord {
  const { deadlineAt: _deadline, graceEndsAt: _grace, noticeAcceptedAt: _accepted, ...order } = anOrder(change);
  return order;
}

const aReview = (change: Partial<ReviewRecord> = {}): ReviewRecord =>
  sharedReview({ reviewId: REVIEW_ID, caseId: CASE_ID, orderIds: [ORDER_ID], openedAt: ISSUED_AT, ...change });

const ballot = (decision: VoteRecord['decision']): VoteRecord => ({ decision, at: ISSUED_AT });

const world = useWorld();
beforeEach(async () => {
  vi.mocked(enforceDeadline).mockClear();
});

/** The operator, the case with its orders issued (its execution running), and the order. */
async function givenOrder(change: Partial<OrderRecord> = {}): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(theCase());
  await plant.order(anOrder(change));
}

describe('sweep: reminders', () => {
  it('sends a due reminder once, as an act that records it and then its notice, however often it runs', async () => {
    // Given
    await givenOrder();
    const now = plus(FIRST_REMINDER, 5);

    // When
    const first = await sweep(now);
    const second = await sweep(plus(now, 60));

    // Then
    expect(first).toEqual({ ...NOTHING, reminders: 1 });
    expect(second).toEqual(NOTHING);
    expect(world.mails).toHaveLength(1);
    expect(world.mails[0]?.to).toEqual(OPERATOR_MAIL);
    expect(world.mails[0]?.subject).toContain(ORDER_ID);
    expect(world.mails[0]?.subject).toContain('12시간');
    const order = await getOrder(ORDER_ID);
    expect(order?.remindersSent).toEqual([FIRST_REMINDER]);
    expect(order?.notices).toMatchObject([
      { kind: 'REMINDER', messageId: 'message-1', eventKey: `reminder:${ORDER_ID}:${FIRST_REMINDER}` },
    ]);
    expect((await chainOfCase(CASE_ID)).slice(-2)).toMatchObject([
      {
        action: 'REMINDER_DUE',
        actor: 'system',
        at: now,
        details: { orderId: ORDER_ID, reminderAt: FIRST_REMINDER, due: [FIRST_REMINDER] },
      },
      { action: 'NOTICE_SENT', details: { orderId: ORDER_ID, kind: 'REMINDER', messageId: 'message-1' } },
    ]);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('sends nothing before the first reminder is due', async () => {
    // Given
    await givenOrder();

    // When
    const counts = await sweep(plus(FIRST_REMINDER, -1));

    // Then
    expect(counts.reminders).toBe(0);
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'ORDER_ISSUED']);
  });

  it('sends the second reminder when the first one was already sent', async () => {
    // Given
    await givenOrder({ remindersSent: [FIRST_REMINDER] });

    // When
    await sweep(plus(SECOND_REMINDER, 1));

    // Then
    expect(world.mails.map((mail) => mail.subject)).toEqual([expect.stringContaining('2시간')]);
    expect((await getOrder(ORDER_ID))?.remindersSent).toEqual([FIRST_REMINDER, SECOND_REMINDER]);
  });

  it('after a pause sends only the latest due reminder and records both', async () => {
    // Given
    await givenOrder();

    // When
    const counts = await sweep(plus(SECOND_REMINDER, 30));

    // Then
    expect(counts.reminders).toBe(1);
    expect(world.mails.map((mail) => mail.subject)).toEqual([expect.stringContaining('2시간')]);
    expect((await getOrder(ORDER_ID))?.remindersSent).toEqual([FIRST_REMINDER, SECOND_REMINDER]);
    expect((await chainOfCase(CASE_ID)).find((event) => event.action === 'REMINDER_DUE')?.details).toEqual({
      orderId: ORDER_ID,
      reminderAt: SECOND_REMINDER,
      due: [FIRST_REMINDER, SECOND_REMINDER],
    });
  });

  it.each([
    { what: 'a lifted order', order: { decisionStatus: 'REVOKED', status: 'REVOKED' } as const, now: plus(SECOND_REMINDER, 1) },
    { what: 'a complied order', order: { complianceStatus: 'COMPLIED', status: 'COMPLIED' } as const, now: plus(SECOND_REMINDER, 1) },
    { what: 'an order past its deadline', order: { remindersSent: [FIRST_REMINDER] }, now: plus(DEADLINE, 10) },
  ])('reminds nobody of $what', async ({ order, now }) => {
    // Given
    await givenOrder(order);

    // When
    const counts = await sweep(now);

    // Then
    expect(counts.reminders).toBe(0);
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'ORDER_ISSUED']);
  });

  it.each([
    { what: 'an order whose notice SES has not accepted yet', order: withoutClock() },
    {
      what: 'an UNDELIVERED order',
      order: withoutClock({ complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED', undeliveredAt: ISSUED_AT }),
    },
  ])('reminds nobody of $what, and enforces no deadline: its clock does not run', async ({ order }) => {
    // Given an order without a clock
    await plant.operator(anOperator());
    await plant.case(theCase());
    await plant.order(order);

    // When the sweeps run through what would have been its reminders and its deadline
    const counts = [await sweep(plus(FIRST_REMINDER, 5)), await sweep(plus(SECOND_REMINDER, 5)), await sweep(plus(DEADLINE, 600))];

    // Then nothing is sent or enforced
    expect(counts.map((count) => [count.reminders, count.enforced, count.failed])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'ORDER_ISSUED']);
  });

  it('counts the reminders from the acceptance of the ORDER notice, not from issuance', async () => {
    // Given an order whose notice SES accepted three hours after issuance (its deadline 24 hours after that)
    const acceptedAt = plus(ISSUED_AT, 3 * 3600);
    await givenOrder({ noticeAcceptedAt: acceptedAt, deadlineAt: plus(DEADLINE, 3 * 3600) });

    // When a sweep runs when the reminder counted from issuance would be due / Then none is
    expect((await sweep(plus(FIRST_REMINDER, 5))).reminders).toBe(0);

    // When a sweep runs 12 hours before the deadline that runs / Then the first reminder goes out
    expect((await sweep(plus(FIRST_REMINDER, 3 * 3600 + 5))).reminders).toBe(1);
    expect((await getOrder(ORDER_ID))?.remindersSent).toEqual([plus(FIRST_REMINDER, 3 * 3600)]);
    expect(world.mails.map((mail) => mail.subject)).toEqual([expect.stringContaining('12시간')]);
  });

  it('two sweeps at once send one reminder', async () => {
    // Given
    await givenOrder();
    const now = plus(FIRST_REMINDER, 5);

    // When
    const counts = await Promise.all([sweep(now), sweep(now)]);

    // Then
    expect(counts.map((count) => count.reminders).sort()).toEqual([0, 1]);
    expect(world.mails).toHaveLength(1);
    expect((await getOrder(ORDER_ID))?.remindersSent).toEqual([FIRST_REMINDER]);
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'REMINDER_DUE')).toHaveLength(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });
});

describe('sweep: deadlines the workflow did not enforce', () => {
  it('enforces a deadline more than 60 s past, telling the operator and staff, and sends no reminder for it', async () => {
    // Given
    await givenOrder();
    const now = plus(DEADLINE, 61);

    // When
    const counts = await sweep(now);

    // Then
    expect(counts).toEqual({ ...NOTHING, enforced: 1 });
    expect(await getOrder(ORDER_ID)).toMatchObject({ complianceStatus: 'OVERDUE', status: 'OVERDUE', overdueAt: now });
    expect(world.mails.map((mail) => mail.to)).toEqual([OPERATOR_MAIL, STAFF_EMAILS]);
    expect(world.mails[0]?.subject).toContain(ORDER_ID);
  });

  it.each([0, 30, 60])('leaves a deadline %i s past to the workflow', async (seconds) => {
    // Given
    await givenOrder({ remindersSent: [FIRST_REMINDER, SECOND_REMINDER] });

    // When
    const counts = await sweep(plus(DEADLINE, seconds));

    // Then
    expect(counts.enforced).toBe(0);
    expect(await getOrder(ORDER_ID)).toMatchObject({ complianceStatus: 'ISSUED' });
    expect(world.mails).toEqual([]);
  });

  it('goes on with the other orders when one fails, and the next sweep enforces the one left', async () => {
    // Given two overdue orders, and an enforcement that fails once
    await givenOrder();
    await plant.case(theCase({ caseId: OTHER_CASE_ID, createdAt: '2026-11-24T05:30:00.000Z' }));
    await plant.order(anOrder({ caseId: OTHER_CASE_ID }));
    vi.mocked(enforceDeadline).mockRejectedValueOnce(new Error('boom'));

    // When
    const counts = await sweep(plus(DEADLINE, 120));

    // Then
    expect(enforceDeadline).toHaveBeenCalledTimes(2);
    expect(counts).toMatchObject({ enforced: 1, failed: 1 });
    const statuses = async () => [(await getOrder(ORDER_ID))?.complianceStatus, (await getOrder(OTHER_ORDER_ID))?.complianceStatus].sort();
    expect(await statuses()).toEqual(['ISSUED', 'OVERDUE']);

    // When the next sweep runs
    const next = await sweep(plus(DEADLINE, 180));

    // Then
    expect(next).toMatchObject({ enforced: 1, failed: 0 });
    expect(await statuses()).toEqual(['OVERDUE', 'OVERDUE']);
  });
});

describe('sweep: reviews', () => {
  const closesAt = '2026-12-01T06:00:00.000Z';
  const quorumWithoutCertainty = { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') };

  async function givenReview(change: Partial<ReviewRecord>): Promise<void> {
    await plant.case(theCase({ status: 'UNDER_POST_REVIEW' }));
    await plant.review(aReview(change));
    await givenLiveWait(world, CASE_ID, tokenPurpose.review(REVIEW_ID), 'token-review', ISSUED_AT);
  }

  it('closes a review more than 60 s past its close and completes the workflow’s wait', async () => {
    // Given a review with a quorum whose timer did not fire
    await givenReview({ closesAt, votes: quorumWithoutCertainty });
    const now = plus(closesAt, 61);

    // When
    const counts = await sweep(now);

    // Then
    expect(counts).toEqual({ ...NOTHING, reviewsClosed: 1 });
    expect(await getReview(REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', outcomeReason: 'MAJORITY', closedAt: now });
    expect(world.completedWaits).toEqual([{ token: 'token-review', output: { decided: true, outcome: 'CONFIRMED' } }]);
    expect(await listOpenReviews()).toEqual([]);
  });

  it('extends a review without a quorum and leaves the wait waiting', async () => {
    // Given
    await givenReview({ closesAt });

    // When
    const counts = await sweep(plus(closesAt, 120));

    // Then
    expect(counts.reviewsClosed).toBe(0);
    // Counted by the Civil Act: 7 days from the day after the old close, to 24:00 in Seoul
    expect(await getReview(REVIEW_ID)).toMatchObject({ status: 'OPEN', extended: true, closesAt: '2026-12-08T15:00:00.000Z' });
    expect(world.completedWaits).toEqual([]);
    expect((await actionsOf(CASE_ID)).at(-1)).toBe('REVIEW_EXTENDED');
  });

  it('leaves a review closing within the last 60 s to the workflow', async () => {
    // Given
    await givenReview({ closesAt, votes: quorumWithoutCertainty });

    // When
    const counts = await sweep(plus(closesAt, 59));

    // Then
    expect(counts.reviewsClosed).toBe(0);
    expect(await getReview(REVIEW_ID)).toMatchObject({ status: 'OPEN' });
    expect((await actionsOf(CASE_ID)).at(-1)).toBe('REVIEW_OPENED');
  });

  it.each([
    ['CONFIRMED', { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('CONFIRM') }],
    ['REVOKED', { 'member-1': ballot('REVOKE'), 'member-2': ballot('REVOKE'), 'member-3': ballot('ABSTAIN') }],
  ] as const)('closes a review decided early (%s) but still OPEN, and completes its wait', async (outcome, votes) => {
    // Given a review whose outcome no remaining vote can change, left open (its closing follow-up was lost)
    await givenReview({ closesAt, votes });
    const now = '2026-11-26T00:00:00.000Z';

    // When
    const counts = await sweep(now);

    // Then
    expect(counts).toEqual({ ...NOTHING, reviewsClosed: 1 });
    expect(await getReview(REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome, outcomeReason: 'MAJORITY', closedAt: now });
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({
      action: 'REVIEW_CLOSED',
      actor: 'system',
      details: { outcome, outcomeReason: 'MAJORITY' },
    });
    expect(world.completedWaits).toEqual([{ token: 'token-review', output: { decided: true, outcome } }]);
  });

  it('leaves an open review whose outcome can still change', async () => {
    // Given
    await givenReview({ closesAt, votes: quorumWithoutCertainty });

    // When
    const counts = await sweep('2026-11-26T00:00:00.000Z');

    // Then
    expect(counts.reviewsClosed).toBe(0);
    expect(await getReview(REVIEW_ID)).toMatchObject({ status: 'OPEN' });
  });
});

describe('sweep: acts a fault left unsettled', () => {
  const COMPLIED_AT = '2026-11-24T07:00:00.000Z';
  const webhard = { userId: 'op-webhard', roles: ['operator' as const], operatorId: 'op-webhard' };

  it('finishes and settles an act left unsettled for more than a minute, and leaves a younger one to its writer', async () => {
    // Given a compliance committed just before the process died: not projected, the wait not completed
    await crashAfterCommit(world, {
      given: async () => {
        await givenOrder();
        await givenLiveWait(world, CASE_ID, tokenPurpose.compliance(ORDER_ID), 'token-compliance', ISSUED_AT);
      },
      act: () => recordCompliance(webhard, ORDER_ID, { action: 'DELETED' }, COMPLIED_AT),
      action: 'ORDER_COMPLIED',
    });
    expect((await unsettledOfCase(CASE_ID)).map((event) => event.action)).toEqual(['ORDER_COMPLIED']);

    // When a sweep runs within the minute
    const early = await sweep(plus(COMPLIED_AT, 30));

    // Then it leaves the act alone
    expect(early).toEqual(NOTHING);
    expect(world.completedWaits).toEqual([]);
    expect(await unsettledOfCase(CASE_ID)).toHaveLength(1);

    // When a sweep runs after it
    const late = await sweep(plus(COMPLIED_AT, 120));

    // Then the act is projected, its wait completed once, and it is settled
    expect(late).toEqual({ ...NOTHING, leftoversSettled: 1 });
    expect(await getOrder(ORDER_ID)).toMatchObject({ complianceStatus: 'COMPLIED', compliedAt: COMPLIED_AT });
    expect(world.completedWaits).toEqual([{ token: 'token-compliance', output: { outcome: 'COMPLIED' } }]);
    expect(await getTaskToken(CASE_ID, tokenPurpose.compliance(ORDER_ID))).toBeUndefined();
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('counts a leftover whose follow-up still fails, and a later sweep finishes it', async () => {
    // Given an overdue order whose notices cannot go out for now: SES is down
    await plant.operator(anOperator());
    await plant.case(theCase());
    await plant.order(anOrder());
    let sesDown = true;
    const original = sesClient.send.bind(sesClient);
    const send = vi
      .spyOn(sesClient, 'send')
      .mockImplementation(((command: Parameters<typeof sesClient.send>[0]) =>
        sesDown
          ? Promise.reject(Object.assign(new Error('SES is down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }))
          : original(command)) as never);
    try {
      await enforceDeadline(ORDER_ID, plus(DEADLINE, 1));
      expect(world.mails).toEqual([]);
      expect((await unsettledOfCase(CASE_ID)).map((event) => event.action)).toEqual(['ORDER_OVERDUE']);

      // When the sweep runs
      const failing = await sweep(plus(DEADLINE, 180));

      // Then it tried, failed, counted it, and left it for the next sweep
      expect(failing).toEqual({ ...NOTHING, failed: 1 });
      expect(await unsettledOfCase(CASE_ID)).toHaveLength(1);
    } finally {
      sesDown = false;
    }

    // When SES is back and the sweep runs again
    const next = await sweep(plus(DEADLINE, 240));
    send.mockRestore();

    // Then the notices went out, once each, were recorded, and the act is settled
    expect(next).toEqual({ ...NOTHING, leftoversSettled: 1 });
    expect(world.mails.map((mail) => mail.to)).toEqual([OPERATOR_MAIL, STAFF_EMAILS]);
    expect((await getOrder(ORDER_ID))?.notices).toMatchObject([{ kind: 'OVERDUE', eventKey: `overdue:${ORDER_ID}` }]);
    expect((await getCase(CASE_ID))?.staffAlerts).toMatchObject([{ eventKey: `overdue-staff:${ORDER_ID}` }]);
    expect((await actionsOf(CASE_ID)).slice(-3)).toEqual(['ORDER_OVERDUE', 'NOTICE_SENT', 'STAFF_ALERTED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('settles the notices of an order whose operator is gone: kept as REJECTED, staff told, nothing left to retry', async () => {
    // Given an overdue order whose operator is not registered
    await plant.case(theCase());
    await plant.order(anOrder());

    // When its deadline is enforced, and the sweep runs
    await enforceDeadline(ORDER_ID, plus(DEADLINE, 1));
    const counts = await sweep(plus(DEADLINE, 180));

    // Then the OVERDUE notice is recorded as refused, staff were told, and nothing is left for a later sweep
    expect(counts).toEqual(NOTHING);
    expect(await unsettledOfCase(CASE_ID)).toEqual([]);
    expect((await getOrder(ORDER_ID))?.notices).toMatchObject([
      { kind: 'OVERDUE', status: 'REJECTED', reason: 'operator op-webhard is not registered', to: [] },
    ]);
    expect(world.mails.map((mail) => mail.to)).toEqual([STAFF_EMAILS]);
  });
});

describe('sweep: executions', () => {
  it('starts the execution of a quiet active case that has none, and leaves a case that is not yet quiet', async () => {
    // Given a pending case whose execution never started
    await plant.case(theCase({ status: 'PENDING_APPROVAL', ordersIssuedAt: undefined }));
    world.executions.clear();

    // When a sweep runs a minute after its last event
    const soon = await sweep(plus(CREATED_AT, 60));

    // Then it is left to its workflow
    expect(soon.executionsStarted).toBe(0);
    expect(world.executions.size).toBe(0);

    // When a sweep runs after it went quiet, and again
    const late = await sweep(plus(CREATED_AT, 180));
    const again = await sweep(plus(CREATED_AT, 240));

    // Then the execution was started once
    expect(late).toEqual({ ...NOTHING, executionsStarted: 1 });
    expect([...world.executions]).toEqual([CASE_ID]);
    expect(again).toEqual(NOTHING);
  });

  it.each([
    ['closed', { status: 'CLOSED', closedAt: '2026-11-24T06:00:00.000Z' }],
    ['failed', { status: 'FAILED', failure: { at: '2026-11-24T06:00:00.000Z', error: 'Error', cause: 'boom' } }],
  ] as const)('starts nothing for a %s case', async (_, change) => {
    // Given
    await plant.case(theCase(change));
    world.executions.clear();

    // When
    const counts = await sweep(plus(CREATED_AT, 600));

    // Then
    expect(counts.executionsStarted).toBe(0);
    expect(world.executions.size).toBe(0);
  });

  it('completes the waits of a running execution whose act happened, and leaves the others waiting', async () => {
    // Given an approved case whose approval never reached its wait, and a pending one whose wait waits
    await plant.case(theCase());
    await givenLiveWait(world, CASE_ID, tokenPurpose.approval(), 'token-approved', ISSUED_AT);
    await plant.case(theCase({ caseId: OTHER_CASE_ID, status: 'PENDING_APPROVAL', ordersIssuedAt: undefined }));
    await givenLiveWait(world, OTHER_CASE_ID, tokenPurpose.approval(), 'token-pending', ISSUED_AT);

    // When
    const counts = await sweep(plus(CREATED_AT, 3600));

    // Then
    expect(counts).toEqual({ ...NOTHING, waitsCompleted: 1 });
    expect(world.completedWaits).toEqual([{ token: 'token-approved', output: { decision: 'APPROVED' } }]);
    expect(await getTaskToken(CASE_ID, tokenPurpose.approval())).toBeUndefined();
    expect(await getTaskToken(OTHER_CASE_ID, tokenPurpose.approval())).toBe('token-pending');
  });

  it('looks at a few quiet cases a sweep, and goes on where it stopped', async () => {
    // Given 26 quiet cases without an execution (a sweep looks at 25)
    const createdAts = Array.from({ length: 26 }, (_, index) => plus(CREATED_AT, index));
    const caseIds = createdAts.map((createdAt, index) => caseIdFrom(ulidFrom(Date.parse(createdAt), new Uint8Array(10).fill(index + 10))));
    await Promise.all(
      caseIds.map((caseId, index) =>
        plant.case(theCase({ caseId, createdAt: createdAts[index], status: 'PENDING_APPROVAL', ordersIssuedAt: undefined })),
      ),
    );
    world.executions.clear();
    const now = plus(CREATED_AT, 3600);

    // When the first sweep runs
    const first = await sweep(now);

    // Then it started the oldest 25
    expect(first.executionsStarted).toBe(25);
    expect([...world.executions].sort()).toEqual(caseIds.slice(0, 25).sort());

    // When the next sweep runs
    const second = await sweep(now);

    // Then it went on with the last one
    expect(second.executionsStarted).toBe(1);
    expect([...world.executions].sort()).toEqual([...caseIds].sort());
  });
});

describe('sweep: reminders after the case closed', () => {
  const CLOSED_AT = '2026-11-27T06:00:00.000Z';
  const URL = 'https://webhard.example/v/1';
  const DAY_S = 86_400;

  /** The case closed, its order complied with, its URL on record. */
  async function givenClosedCase(order: Partial<OrderRecord>): Promise<void> {
    await plant.operator(anOperator());
    await plant.case(theCase({ status: 'CLOSED', closedAt: CLOSED_AT }));
    await writeUrls(CASE_ID, [{ url: URL, host: 'webhard.example', operatorId: 'op-webhard' }]);
    await plant.order(anOrder({ complianceStatus: 'COMPLIED', compliedAt: plus(ISSUED_AT, 600), complianceAction: 'DELETED', ...order }));
  }

  const revoke = () => act(orderDecider, refs.order(ORDER_ID), { type: 'DECIDE', reviewId: REVIEW_ID, outcome: 'REVOKED' }, CLOSED_AT);
  const countOf = async (action: string) => (await actionsOf(CASE_ID)).filter((one) => one === action).length;

  it('reminds an operator once of a reinstatement instruction it left unanswered for the policy’s P3D, naming what to restore', async () => {
    // Given the committee revoked an order its operator had complied with (the instruction went out then)
    await givenClosedCase({});
    await revoke();
    const sentBefore = world.mails.length;

    // When the sweeper runs just before the three days are over, then after, then again
    const early = await sweep(plus(CLOSED_AT, 3 * DAY_S - 60));
    const due = await sweep(plus(CLOSED_AT, 3 * DAY_S + 5));
    const again = await sweep(plus(CLOSED_AT, 3 * DAY_S + 65));

    // Then one reminder went out, to the operator, naming the URL to restore
    expect([early, due, again]).toEqual([NOTHING, { ...NOTHING, reminders: 1 }, NOTHING]);
    const reminders = world.mails.slice(sentBefore);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.to).toEqual(OPERATOR_MAIL);
    expect(reminders[0]?.subject).toMatch(new RegExp(`^\\[다시 알림: 게시물 복원 요청\\] ${ORDER_ID}`));
    expect(reminders[0]?.text).toContain(URL);
    expect(await countOf('REINSTATEMENT_REMINDED')).toBe(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('does not remind an operator that answered the instruction', async () => {
    // Given a revoked order whose operator reported the content restored
    await givenClosedCase({});
    await revoke();
    await act(
      orderDecider,
      refs.order(ORDER_ID),
      { type: 'REPORT_REINSTATEMENT', by: 'op-webhard', action: 'RESTORED' },
      plus(CLOSED_AT, 3600),
    );
    const sentBefore = world.mails.length;

    // When the sweeper runs after the reminder would have been due
    const counts = await sweep(plus(CLOSED_AT, 4 * DAY_S));

    // Then nothing is sent
    expect(counts).toEqual(NOTHING);
    expect(world.mails.slice(sentBefore)).toEqual([]);
  });

  it.each([
    ['complied late', { complianceStatus: 'COMPLIED_LATE' as const }],
    [
      'non-compliant, still on the board’s non-compliance list',
      { complianceStatus: 'OVERDUE' as const, overdueAt: DEADLINE, nonComplianceRecordedAt: '2026-12-02T06:00:00.000Z' },
    ],
  ])('alerts staff once of a proposed fine whose opinion period ended undecided (%s)', async (_shape, compliance) => {
    // Given a closed case whose order's fine is proposed, open to the operator's opinion until opinionDueAt
    const opinionDueAt = '2026-12-08T06:00:00.000Z';
    const fine = aProposedFine({ proposedAt: CLOSED_AT, opinionDueAt });
    await givenClosedCase({ decisionStatus: 'CONFIRMED', ...compliance, fine });

    // When the sweeper runs within the period, after it, and again
    const early = await sweep(plus(opinionDueAt, -1));
    const due = await sweep(plus(opinionDueAt, 5));
    const again = await sweep(plus(opinionDueAt, 65));

    // Then staff were alerted once that the decision is theirs; the fine stays PROPOSED
    expect([early, due, again]).toEqual([NOTHING, { ...NOTHING, reminders: 1 }, NOTHING]);
    expect(world.mails.map((mail) => mail.to)).toEqual([STAFF_EMAILS]);
    expect(world.mails[0]?.subject).toContain(`order ${ORDER_ID} awaits your decision`);
    expect(world.mails[0]?.text).toContain(`POST /orders/${ORDER_ID}/fine/decision`);
    expect((await getOrder(ORDER_ID))?.fine).toMatchObject({ status: 'PROPOSED', decisionReminderAt: plus(opinionDueAt, 5) });
    expect(await countOf('FINE_DECISION_DUE')).toBe(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });
});

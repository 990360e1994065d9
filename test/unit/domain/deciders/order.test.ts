import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../../../../shared/domain/decider';
import { SYSTEM_ACTOR } from '../../../../shared/domain/deciders/case';
import { orderDecider, type OrderCommand } from '../../../../shared/domain/deciders/order';
import { appealWindowClosesAt, orderDeadlines } from '../../../../shared/domain/deadlines';
import { ConflictError, DomainError, WindowClosedError } from '../../../../shared/domain/errors';
import type { ComplianceStatus, DecisionStatus, Fine, NoticeRecord, OrderRecord } from '../../../../shared/domain/model';
import { complianceOpen, isFinable, isLifted, orderStatus } from '../../../../shared/domain/orders';
import type { Policy } from '../../../../shared/domain/policy';
import { complianceWaitOutput } from '../../../../shared/domain/waits';
import { anOrder, CASE_ID, POST_REVIEW_ID, WEBHARD_ORDER_ID } from '../../../support/records';
import {
  anyPolicy,
  ms,
  choiceArb,
  ctx,
  DAY,
  decided,
  expectNoVictimData,
  HOUR,
  plus,
  resolveChoice,
  resolveWhen,
  RUNS,
  step,
  whenArb,
  type Choice,
  type When,
} from './support';

const ID = WEBHARD_ORDER_ID;
const OPERATOR_USER = 'op-webhard-user';
const ISSUED_AT = '2026-03-02T01:00:00.000Z';
const DEADLINE = '2026-03-03T01:00:00.000Z';
const GRACE_END = '2026-03-10T01:00:00.000Z';
const BEFORE_DEADLINE = '2026-03-02T20:00:00.000Z';
const AFTER_DEADLINE = '2026-03-04T01:00:00.000Z';
const APPEAL_DEADLINE = '2026-03-25T01:00:00.000Z';
const APPEAL_ID = `A${CASE_ID.slice(1)}-op-webhard`;
const APPEAL_REVIEW_ID = `R${CASE_ID.slice(1)}-APPEAL-op-webhard`;
const GROUNDS = 'The uploader holds a licence for this content.';
const FINE: Fine = { amount: 3_000_000, currency: 'KRW', policyId: 'kr-kcsc', breakdown: [{ item: 'base', amount: 3_000_000 }] };

const complianceWait = (outcome: string): FollowUp => ({
  type: 'COMPLETE_WAIT',
  caseId: CASE_ID,
  purpose: `COMPLIANCE#${ID}`,
  output: { outcome },
});
const notifyOperator = (notice: object, eventKey: string): FollowUp => ({
  type: 'NOTIFY_OPERATOR',
  orderId: ID,
  notice: notice as never,
  eventKey,
});
/** An order in the two tracks given, with the status they make. */
const tracks = (complianceStatus: ComplianceStatus, decisionStatus: DecisionStatus, overrides: Partial<OrderRecord> = {}) =>
  anOrder({ complianceStatus, decisionStatus, status: orderStatus(complianceStatus, decisionStatus), ...overrides });
const expectConsistent = (order: OrderRecord) => expect(order.status).toBe(orderStatus(order.complianceStatus, order.decisionStatus));

describe('orderDecider: ISSUE and RECORD_NOTICE', () => {
  it('issues the order once, at its issuance time, by the system', () => {
    // Given an order built at issuance
    const order = anOrder();
    // When it is issued
    const { event, followUps, after } = decided(orderDecider, { type: 'ISSUE', order }, undefined, ctx('2026-03-02T01:00:05.000Z'));
    // Then ORDER_ISSUED names the order, operator, counts and deadline; the record is the data
    expect(event).toEqual({
      action: 'ORDER_ISSUED',
      at: ISSUED_AT,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, operatorId: 'op-webhard', urlCount: 2, deadlineAt: DEADLINE, action: 'DELETE' },
      data: order,
    });
    expect(followUps).toEqual([]);
    expect(after).toEqual(order);
    expect(orderDecider.decide({ type: 'ISSUE', order }, after, ctx(BEFORE_DEADLINE))).toBeNull();
  });

  it('refuses any other command on an order that does not exist, as a defect', () => {
    const act = () => orderDecider.decide({ type: 'ACKNOWLEDGE', by: OPERATOR_USER }, undefined, ctx(BEFORE_DEADLINE));
    expect(act).toThrow(/No such order/);
    expect(act).not.toThrow(DomainError);
  });

  it('records a sent notice once per event key, at the time it was sent', () => {
    // Given an issued order and the notice sent for it
    const notice: NoticeRecord = {
      eventKey: `order:${ID}`,
      kind: 'ORDER',
      to: ['notices@webhard.example'],
      sentAt: '2026-03-02T01:00:09.000Z',
      messageId: 'ses-1',
    };
    // When it is recorded
    const { event, after } = decided(orderDecider, { type: 'RECORD_NOTICE', notice }, anOrder(), ctx(BEFORE_DEADLINE));
    // Then NOTICE_SENT at the sending time, with the addresses only in data
    expect(event).toEqual({
      action: 'NOTICE_SENT',
      at: notice.sentAt,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, kind: 'ORDER', messageId: 'ses-1' },
      data: notice,
    });
    expect(after.notices).toEqual([notice]);
    expectConsistent(after);
    // And the same key again (another message id from a retry) answers null
    expect(
      orderDecider.decide({ type: 'RECORD_NOTICE', notice: { ...notice, messageId: 'ses-2' } }, after, ctx(BEFORE_DEADLINE)),
    ).toBeNull();
  });
});

describe('orderDecider: ACKNOWLEDGE', () => {
  it('acknowledges an issued order once, by the operator', () => {
    const { event, followUps, after } = decided(orderDecider, { type: 'ACKNOWLEDGE', by: OPERATOR_USER }, anOrder(), ctx(BEFORE_DEADLINE));
    expect(event).toEqual({
      action: 'ORDER_ACKNOWLEDGED',
      at: BEFORE_DEADLINE,
      actor: OPERATOR_USER,
      details: { orderId: ID, operatorId: 'op-webhard' },
    });
    expect(followUps).toBeUndefined();
    expect(after).toMatchObject({ complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED', acknowledgedAt: BEFORE_DEADLINE });
    expect(orderDecider.decide({ type: 'ACKNOWLEDGE', by: OPERATOR_USER }, after, ctx(AFTER_DEADLINE))).toBeNull();
  });

  it.each<[ComplianceStatus, DecisionStatus, string]>([
    ['ISSUED', 'CONFIRMED', 'CONFIRMED'],
    ['OVERDUE', 'PENDING', 'OVERDUE'],
    ['COMPLIED', 'PENDING', 'COMPLIED'],
  ])('an order %s / %s records the acknowledgement and shows %s', (complianceStatus, decisionStatus, status) => {
    const { after } = decided(
      orderDecider,
      { type: 'ACKNOWLEDGE', by: OPERATOR_USER },
      tracks(complianceStatus, decisionStatus),
      ctx(AFTER_DEADLINE),
    );
    expect(after.acknowledgedAt).toBe(AFTER_DEADLINE);
    expect(after.status).toBe(status);
    expectConsistent(after);
  });

  it.each<DecisionStatus>(['REVOKED', 'OVERTURNED'])(
    'acknowledging a %s order records the time but leaves its compliance ISSUED',
    (decisionStatus) => {
      // Given an order lifted before the operator acknowledged it
      const order = tracks('ISSUED', decisionStatus);
      // When the operator acknowledges it
      const { event, after } = decided(orderDecider, { type: 'ACKNOWLEDGE', by: OPERATOR_USER }, order, ctx(BEFORE_DEADLINE));
      // Then the acknowledgement is recorded, but compliance and status stay as they were
      expect(event).toEqual({
        action: 'ORDER_ACKNOWLEDGED',
        at: BEFORE_DEADLINE,
        actor: OPERATOR_USER,
        details: { orderId: ID, operatorId: 'op-webhard' },
      });
      expect(after).toEqual({ ...order, acknowledgedAt: BEFORE_DEADLINE });
      expect(after).toMatchObject({ complianceStatus: 'ISSUED', decisionStatus, status: decisionStatus });
      expectConsistent(after);
      // And a repeat answers null
      expect(orderDecider.decide({ type: 'ACKNOWLEDGE', by: OPERATOR_USER }, after, ctx(AFTER_DEADLINE))).toBeNull();
    },
  );
});

describe('orderDecider: COMPLY', () => {
  it.each<[string, ComplianceStatus, DecisionStatus, string, ComplianceStatus, string]>([
    ['before the deadline', 'ISSUED', 'PENDING', BEFORE_DEADLINE, 'COMPLIED', 'COMPLIED'],
    ['at the deadline', 'ACKNOWLEDGED', 'PENDING', DEADLINE, 'COMPLIED', 'COMPLIED'],
    ['on time, once confirmed', 'ACKNOWLEDGED', 'CONFIRMED', BEFORE_DEADLINE, 'COMPLIED', 'CONFIRMED'],
    ['a millisecond late', 'ACKNOWLEDGED', 'PENDING', plus(DEADLINE, 1), 'COMPLIED_LATE', 'COMPLIED_LATE'],
    ['when overdue, within grace', 'OVERDUE', 'PENDING', AFTER_DEADLINE, 'COMPLIED_LATE', 'COMPLIED_LATE'],
    ['when overdue, at the end of grace', 'OVERDUE', 'CONFIRMED', GRACE_END, 'COMPLIED_LATE', 'COMPLIED_LATE'],
    ['when already marked overdue, at the deadline instant', 'OVERDUE', 'PENDING', DEADLINE, 'COMPLIED_LATE', 'COMPLIED_LATE'],
    [
      'when already marked overdue, with a clock before the deadline',
      'OVERDUE',
      'PENDING',
      BEFORE_DEADLINE,
      'COMPLIED_LATE',
      'COMPLIED_LATE',
    ],
    ['while appealed', 'OVERDUE', 'APPEALED', AFTER_DEADLINE, 'COMPLIED_LATE', 'APPEALED'],
  ])('accepts compliance %s as %s', (_label, complianceStatus, decisionStatus, now, expected, status) => {
    // Given the order in its tracks
    const order = tracks(complianceStatus, decisionStatus);
    // When the operator reports compliance with a note
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED', note: 'removed from all mirrors' },
      order,
      ctx(now),
    );
    // Then the event says on time or late, the note stays in data, and the compliance wait completes
    expect(event).toEqual({
      action: expected === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE',
      at: now,
      actor: OPERATOR_USER,
      details: { orderId: ID, operatorId: 'op-webhard', action: 'DELETED', complianceStatus: expected },
      data: { note: 'removed from all mirrors' },
    });
    expect(followUps).toEqual([complianceWait(expected)]);
    expect(after).toMatchObject({
      complianceStatus: expected,
      compliedAt: now,
      complianceAction: 'DELETED',
      complianceNote: 'removed from all mirrors',
      status,
    });
    expectConsistent(after);
  });

  it.each<[string, Partial<OrderRecord>, string, new (...args: never[]) => DomainError]>([
    ['after the grace period', { complianceStatus: 'OVERDUE', status: 'OVERDUE' }, plus(GRACE_END, 1), WindowClosedError],
    ['a second time', { complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: BEFORE_DEADLINE }, BEFORE_DEADLINE, ConflictError],
    ['a second time, late', { complianceStatus: 'COMPLIED_LATE', status: 'COMPLIED_LATE' }, AFTER_DEADLINE, ConflictError],
    ['for a revoked order', { decisionStatus: 'REVOKED', status: 'REVOKED' }, BEFORE_DEADLINE, ConflictError],
    ['for an order overturned on appeal', { decisionStatus: 'OVERTURNED', status: 'OVERTURNED' }, BEFORE_DEADLINE, ConflictError],
  ])('refuses compliance %s', (_label, overrides, now, ErrorClass) => {
    expect(() => orderDecider.decide({ type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' }, anOrder(overrides), ctx(now))).toThrow(
      ErrorClass,
    );
  });

  it('leaves the note out when none is given', () => {
    const { event, after } = decided(
      orderDecider,
      { type: 'COMPLY', by: OPERATOR_USER, action: 'NOT_FOUND' },
      anOrder(),
      ctx(BEFORE_DEADLINE),
    );
    expect(event.data).toEqual({});
    expect(after.complianceNote).toBeUndefined();
  });

  it('the deadline includes its last instant: no enforcement then, and compliance then is on time', () => {
    // Given an open order at exactly its deadline
    const order = anOrder();
    // When the deadline is enforced at that instant / Then nothing happens: the period is not over
    expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, order, ctx(DEADLINE))).toBeNull();
    // And compliance reported at that instant is COMPLIED (on time), and completes the wait so
    const { after, followUps } = decided(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' }, order, ctx(DEADLINE));
    expect(after).toMatchObject({ complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: DEADLINE });
    expect(followUps).toEqual([complianceWait('COMPLIED')]);
    // And the deadline enforced afterwards finds nothing to do
    expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, after, ctx(plus(DEADLINE, 1)))).toBeNull();
  });

  it('an order made OVERDUE a millisecond after its deadline accepts compliance only as COMPLIED_LATE', () => {
    // Given an order enforced 1 ms after its deadline
    const overdue = decided(orderDecider, { type: 'ENFORCE_DEADLINE' }, anOrder(), ctx(plus(DEADLINE, 1))).after;
    expect(overdue).toMatchObject({ complianceStatus: 'OVERDUE', overdueAt: plus(DEADLINE, 1) });
    // When the operator reports compliance at that instant / Then it is late
    const { event, after } = decided(
      orderDecider,
      { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' },
      overdue,
      ctx(plus(DEADLINE, 1)),
    );
    expect(event.action).toBe('ORDER_COMPLIED_LATE');
    expect(after.complianceStatus).toBe('COMPLIED_LATE');
  });
});

describe('orderDecider: the clock (ENFORCE_DEADLINE, RECORD_NON_COMPLIANCE, REMIND)', () => {
  it.each<[ComplianceStatus, DecisionStatus]>([
    ['ISSUED', 'PENDING'],
    ['ACKNOWLEDGED', 'PENDING'],
    ['ISSUED', 'CONFIRMED'],
  ])('marks an order %s / %s overdue at its deadline, telling the operator and staff', (complianceStatus, decisionStatus) => {
    // Given an open order / When its deadline passes
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'ENFORCE_DEADLINE' },
      tracks(complianceStatus, decisionStatus),
      ctx(AFTER_DEADLINE),
    );
    // Then ORDER_OVERDUE, with the OVERDUE notice to the operator and an alert to staff
    expect(event).toEqual({
      action: 'ORDER_OVERDUE',
      at: AFTER_DEADLINE,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, deadlineAt: DEADLINE, graceEndsAt: GRACE_END },
    });
    expect(followUps).toEqual([
      notifyOperator({ kind: 'OVERDUE' }, `overdue:${ID}`),
      expect.objectContaining({ type: 'NOTIFY_STAFF', caseId: CASE_ID, eventKey: `overdue-staff:${ID}` }),
    ]);
    expect(after).toMatchObject({ complianceStatus: 'OVERDUE', status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
    expectConsistent(after);
    // And a repeat answers null
    expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, after, ctx(plus(AFTER_DEADLINE, HOUR)))).toBeNull();
  });

  it.each<[string, OrderRecord, string]>([
    ['before the deadline', anOrder(), plus(DEADLINE, -1)],
    ['at its deadline instant (the deadline includes it)', anOrder(), DEADLINE],
    ['acknowledged, at its deadline instant', tracks('ACKNOWLEDGED', 'CONFIRMED'), DEADLINE],
    ['complied with', tracks('COMPLIED', 'PENDING'), AFTER_DEADLINE],
    ['complied with late', tracks('COMPLIED_LATE', 'CONFIRMED'), AFTER_DEADLINE],
    ['revoked', tracks('ISSUED', 'REVOKED'), AFTER_DEADLINE],
    ['overturned', tracks('ACKNOWLEDGED', 'OVERTURNED'), AFTER_DEADLINE],
  ])('answers null to the deadline of an order %s', (_label, order, now) => {
    expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, order, ctx(now))).toBeNull();
  });

  it.each<[DecisionStatus, string]>([
    ['PENDING', 'OVERDUE'],
    ['CONFIRMED', 'OVERDUE'],
    ['APPEALED', 'APPEALED'],
    ['UPHELD', 'UPHELD'],
  ])('records non-compliance once, a millisecond after the grace period of an overdue %s order ended', (decisionStatus, status) => {
    const order = tracks('OVERDUE', decisionStatus);
    const at = plus(GRACE_END, 1);
    const { event, followUps, after } = decided(orderDecider, { type: 'RECORD_NON_COMPLIANCE' }, order, ctx(at));
    expect(event).toEqual({
      action: 'NON_COMPLIANCE_RECORDED',
      at,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, deadlineAt: DEADLINE, graceEndsAt: GRACE_END },
    });
    expect(followUps).toEqual([]);
    expect(after).toMatchObject({ nonComplianceRecordedAt: at, complianceStatus: 'OVERDUE', status });
    expect(orderDecider.decide({ type: 'RECORD_NON_COMPLIANCE' }, after, ctx(plus(GRACE_END, DAY)))).toBeNull();
  });

  it('the grace period includes its last instant: compliance then is accepted late, and non-compliance is not recorded', () => {
    // Given an overdue order at exactly the end of its grace period
    const order = tracks('OVERDUE', 'PENDING');
    // When non-compliance is recorded at that instant / Then nothing happens
    expect(orderDecider.decide({ type: 'RECORD_NON_COMPLIANCE' }, order, ctx(GRACE_END))).toBeNull();
    // And compliance at that instant is still accepted, as late
    expect(
      decided(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'BLOCKED' }, order, ctx(GRACE_END)).after.complianceStatus,
    ).toBe('COMPLIED_LATE');
    // While a millisecond later it is refused, and non-compliance is recorded
    expect(() => orderDecider.decide({ type: 'COMPLY', by: OPERATOR_USER, action: 'BLOCKED' }, order, ctx(plus(GRACE_END, 1)))).toThrow(
      WindowClosedError,
    );
    expect(decided(orderDecider, { type: 'RECORD_NON_COMPLIANCE' }, order, ctx(plus(GRACE_END, 1))).event.action).toBe(
      'NON_COMPLIANCE_RECORDED',
    );
  });

  it.each<[string, OrderRecord, string]>([
    ['before the grace period ended', tracks('OVERDUE', 'PENDING'), plus(GRACE_END, -1)],
    ['at the end of its grace period (the period includes it)', tracks('OVERDUE', 'CONFIRMED'), GRACE_END],
    ['complied with late', tracks('COMPLIED_LATE', 'PENDING'), plus(GRACE_END, 1)],
    ['complied with', tracks('COMPLIED', 'PENDING'), plus(GRACE_END, 1)],
    ['never marked overdue', tracks('ACKNOWLEDGED', 'CONFIRMED'), plus(GRACE_END, 1)],
    ['overdue but revoked', tracks('OVERDUE', 'REVOKED'), plus(GRACE_END, 1)],
    ['overdue but overturned on appeal', tracks('OVERDUE', 'OVERTURNED'), plus(GRACE_END, 1)],
  ])('answers null to non-compliance of an order %s', (_label, order, now) => {
    expect(orderDecider.decide({ type: 'RECORD_NON_COMPLIANCE' }, order, ctx(now))).toBeNull();
  });

  it('sends a reminder once, recording every reminder it stands for', () => {
    // Given an open order with two reminders due (the sweeper sends only the latest)
    const command: OrderCommand = {
      type: 'REMIND',
      reminderAt: '2026-03-02T23:00:00.000Z',
      due: ['2026-03-02T13:00:00.000Z', '2026-03-02T23:00:00.000Z'],
    };
    // When the reminder is decided
    const { event, followUps, after } = decided(orderDecider, command, anOrder(), ctx('2026-03-02T23:00:01.000Z'));
    // Then REMINDER_DUE, one REMINDER notice keyed by its time, and both recorded as sent
    expect(event).toEqual({
      action: 'REMINDER_DUE',
      at: '2026-03-02T23:00:01.000Z',
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, reminderAt: command.reminderAt, due: command.due },
    });
    expect(followUps).toEqual([
      notifyOperator({ kind: 'REMINDER', reminderAt: command.reminderAt }, `reminder:${ID}:${command.reminderAt}`),
    ]);
    expect(after.remindersSent).toEqual(command.due);
    expect(orderDecider.decide(command, after, ctx('2026-03-02T23:05:00.000Z'))).toBeNull();
    expect(
      orderDecider.decide(
        { ...command, reminderAt: '2026-03-02T13:00:00.000Z', due: ['2026-03-02T13:00:00.000Z'] },
        after,
        ctx('2026-03-02T23:05:00.000Z'),
      ),
    ).toBeNull();
  });

  it('records the reminder it sends even when its own time is not among those due', () => {
    // Given an open order that already sent the 13:00 reminder
    const order = anOrder({ remindersSent: ['2026-03-02T13:00:00.000Z'] });
    // When the 23:00 reminder is decided with an empty `due` list
    const command: OrderCommand = { type: 'REMIND', reminderAt: '2026-03-02T23:00:00.000Z', due: [] };
    const { after } = decided(orderDecider, command, order, ctx('2026-03-02T23:00:01.000Z'));
    // Then its time is recorded as sent, and it is not sent again
    expect(after.remindersSent).toEqual(['2026-03-02T13:00:00.000Z', '2026-03-02T23:00:00.000Z']);
    expect(orderDecider.decide(command, after, ctx('2026-03-02T23:05:00.000Z'))).toBeNull();
  });

  it('keeps the reminders sent in order and without duplicates', () => {
    // Given an order that recorded the 23:00 reminder
    const order = anOrder({ remindersSent: ['2026-03-02T23:00:00.000Z'] });
    // When an earlier reminder arrives late, standing for itself and the 23:00 one again
    const command: OrderCommand = {
      type: 'REMIND',
      reminderAt: '2026-03-02T13:00:00.000Z',
      due: ['2026-03-02T23:00:00.000Z', '2026-03-02T13:00:00.000Z', '2026-03-02T13:00:00.000Z'],
    };
    const { after } = decided(orderDecider, command, order, ctx('2026-03-02T23:00:01.000Z'));
    // Then each is recorded once, earliest first
    expect(after.remindersSent).toEqual(['2026-03-02T13:00:00.000Z', '2026-03-02T23:00:00.000Z']);
  });

  it.each<[string, OrderRecord]>([
    ['complied with', tracks('COMPLIED', 'PENDING')],
    ['overdue', tracks('OVERDUE', 'PENDING')],
    ['revoked', tracks('ISSUED', 'REVOKED')],
  ])('sends no reminder for an order %s', (_label, order) => {
    expect(
      orderDecider.decide(
        { type: 'REMIND', reminderAt: '2026-03-02T23:00:00.000Z', due: ['2026-03-02T23:00:00.000Z'] },
        order,
        ctx('2026-03-02T23:00:01.000Z'),
      ),
    ).toBeNull();
  });
});

describe('orderDecider: the regulator (DECIDE, OPEN_APPEAL_WINDOW, ASSESS_FINE)', () => {
  it.each<[ComplianceStatus, string]>([
    ['ISSUED', 'CONFIRMED'],
    ['COMPLIED', 'CONFIRMED'],
    ['OVERDUE', 'OVERDUE'],
    ['COMPLIED_LATE', 'COMPLIED_LATE'],
  ])('confirms a %s order after post-review (status %s), with no follow-up', (complianceStatus, status) => {
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' },
      tracks(complianceStatus, 'PENDING'),
      ctx(BEFORE_DEADLINE),
    );
    expect(event).toEqual({
      action: 'ORDER_CONFIRMED',
      at: BEFORE_DEADLINE,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, reviewId: POST_REVIEW_ID, decisionStatus: 'CONFIRMED' },
    });
    expect(followUps).toEqual([]);
    expect(after).toMatchObject({ decisionStatus: 'CONFIRMED', complianceStatus, status });
    expectConsistent(after);
  });

  it('revokes an order: the operator is told and the compliance wait ends with REVOKED', () => {
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
      tracks('OVERDUE', 'PENDING'),
      ctx(AFTER_DEADLINE),
    );
    expect(event).toEqual({
      action: 'ORDER_REVOKED',
      at: AFTER_DEADLINE,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, reviewId: POST_REVIEW_ID, decisionStatus: 'REVOKED' },
    });
    expect(followUps).toEqual([notifyOperator({ kind: 'REVOKED' }, `revoked:${ID}`), complianceWait('REVOKED')]);
    expect(after).toMatchObject({ decisionStatus: 'REVOKED', complianceStatus: 'OVERDUE', status: 'REVOKED' });
    expect(complianceWaitOutput(after)).toEqual({ outcome: 'REVOKED' });
  });

  it.each<[DecisionStatus, 'CONFIRMED' | 'REVOKED']>([
    ['CONFIRMED', 'CONFIRMED'],
    ['CONFIRMED', 'REVOKED'],
    ['REVOKED', 'CONFIRMED'],
    ['APPEALED', 'REVOKED'],
  ])('answers null to a post-review outcome for an order already %s (asked %s)', (decisionStatus, outcome) => {
    expect(
      orderDecider.decide({ type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome }, tracks('ISSUED', decisionStatus), ctx(BEFORE_DEADLINE)),
    ).toBeNull();
  });

  it.each([
    [true, [notifyOperator({ kind: 'CONFIRMED' }, `confirmed:${ID}`)]],
    [false, []],
  ])('opens the appeal window of a confirmed order once (notify %s)', (notify, expectedFollowUps) => {
    const order = tracks('COMPLIED', 'CONFIRMED');
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify },
      order,
      ctx('2026-03-10T01:00:00.000Z'),
    );
    expect(event).toEqual({
      action: 'APPEAL_WINDOW_OPENED',
      at: '2026-03-10T01:00:00.000Z',
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, appealDeadline: APPEAL_DEADLINE },
    });
    expect(followUps).toEqual(expectedFollowUps);
    expect(after).toMatchObject({ appealDeadline: APPEAL_DEADLINE, appealWindowOpenedAt: '2026-03-10T01:00:00.000Z', status: 'CONFIRMED' });
    expect(
      orderDecider.decide({ type: 'OPEN_APPEAL_WINDOW', appealDeadline: plus(APPEAL_DEADLINE, DAY), notify }, after, ctx(GRACE_END)),
    ).toBeNull();
  });

  it('keeps the appeal deadline a vote-first order was issued with', () => {
    const order = tracks('ISSUED', 'CONFIRMED', { appealDeadline: '2026-03-17T01:00:00.000Z' });
    const { after } = decided(
      orderDecider,
      { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: false },
      order,
      ctx(BEFORE_DEADLINE),
    );
    expect(after.appealDeadline).toBe('2026-03-17T01:00:00.000Z');
  });

  it.each<DecisionStatus>(['PENDING', 'REVOKED', 'APPEALED'])('opens no appeal window for an order %s', (decisionStatus) => {
    expect(
      orderDecider.decide(
        { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: true },
        tracks('ISSUED', decisionStatus),
        ctx(BEFORE_DEADLINE),
      ),
    ).toBeNull();
  });

  it.each<[ComplianceStatus, DecisionStatus]>([
    ['OVERDUE', 'CONFIRMED'],
    ['COMPLIED_LATE', 'CONFIRMED'],
    ['OVERDUE', 'PENDING'],
    ['COMPLIED_LATE', 'APPEALED'],
    ['OVERDUE', 'UPHELD'],
  ])('fines a %s / %s order (late, and it stands), once, and tells the operator', (complianceStatus, decisionStatus) => {
    const order = tracks(complianceStatus, decisionStatus);
    const { event, followUps, after } = decided(orderDecider, { type: 'ASSESS_FINE', fine: FINE }, order, ctx(GRACE_END));
    expect(event).toEqual({
      action: 'FINE_ASSESSED',
      at: GRACE_END,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, amount: 3_000_000, currency: 'KRW', policyId: 'kr-kcsc' },
      data: FINE,
    });
    expect(followUps).toEqual([notifyOperator({ kind: 'FINE' }, `fine:${ID}`)]);
    expect(after.fine).toEqual(FINE);
    expectConsistent(after);
    expect(orderDecider.decide({ type: 'ASSESS_FINE', fine: { ...FINE, amount: 1 } }, after, ctx(GRACE_END))).toBeNull();
  });

  it.each<[ComplianceStatus, DecisionStatus]>([
    ['COMPLIED', 'CONFIRMED'],
    ['COMPLIED', 'PENDING'],
    ['ISSUED', 'CONFIRMED'],
    ['ACKNOWLEDGED', 'PENDING'],
    ['OVERDUE', 'REVOKED'],
    ['COMPLIED_LATE', 'REVOKED'],
    ['COMPLIED_LATE', 'OVERTURNED'],
    ['OVERDUE', 'OVERTURNED'],
  ])('answers null to a fine for an order %s / %s (not late, or lifted)', (complianceStatus, decisionStatus) => {
    expect(orderDecider.decide({ type: 'ASSESS_FINE', fine: FINE }, tracks(complianceStatus, decisionStatus), ctx(GRACE_END))).toBeNull();
  });
});

describe('orderDecider: appeals (APPEAL, DECIDE_APPEAL)', () => {
  const confirmed = (overrides: Partial<OrderRecord> = {}) =>
    tracks('COMPLIED', 'CONFIRMED', { appealDeadline: APPEAL_DEADLINE, appealWindowOpenedAt: GRACE_END, ...overrides });

  it('records the appeal of a confirmed order within its window and files the appeal record', () => {
    // Given a confirmed order whose appeal window is open
    const order = confirmed();
    // When the operator appeals with its grounds
    const now = '2026-03-20T00:00:00.000Z';
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'APPEAL', by: OPERATOR_USER, appealId: APPEAL_ID, grounds: GROUNDS },
      order,
      ctx(now),
    );
    // Then ORDER_APPEALED (grounds out of the details), and the appeal is filed by a RUN follow-up
    expect(event).toEqual({
      action: 'ORDER_APPEALED',
      at: now,
      actor: OPERATOR_USER,
      details: { orderId: ID, operatorId: 'op-webhard', appealId: APPEAL_ID },
    });
    expect(JSON.stringify(event.details)).not.toContain('licence');
    expect(followUps).toEqual([
      {
        type: 'RUN',
        command: {
          kind: 'appeal',
          appealId: APPEAL_ID,
          command: {
            type: 'FILE',
            appeal: {
              appealId: APPEAL_ID,
              caseId: CASE_ID,
              orderId: ID,
              operatorId: 'op-webhard',
              grounds: GROUNDS,
              filedAt: now,
              status: 'FILED',
            },
          },
        },
      },
    ]);
    expect(after).toMatchObject({ decisionStatus: 'APPEALED', appealId: APPEAL_ID, status: 'APPEALED' });
    // And appealing again is refused with CONFLICT
    expect(() =>
      orderDecider.decide({ type: 'APPEAL', by: OPERATOR_USER, appealId: APPEAL_ID, grounds: GROUNDS }, after, ctx(now)),
    ).toThrow(ConflictError);
  });

  it.each<[string, OrderRecord, string, new (...args: never[]) => DomainError]>([
    [
      'appealing twice',
      confirmed({ decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID }),
      '2026-03-20T00:00:00.000Z',
      ConflictError,
    ],
    [
      'appealing after the appeal was upheld',
      confirmed({ decisionStatus: 'UPHELD', status: 'UPHELD' }),
      '2026-03-20T00:00:00.000Z',
      ConflictError,
    ],
    [
      'appealing after the order was overturned',
      confirmed({ decisionStatus: 'OVERTURNED', status: 'OVERTURNED' }),
      '2026-03-20T00:00:00.000Z',
      ConflictError,
    ],
    ['appealing at the deadline', confirmed(), APPEAL_DEADLINE, WindowClosedError],
    ['appealing after the deadline', confirmed(), plus(APPEAL_DEADLINE, DAY), WindowClosedError],
    ['appealing before the committee confirmed', tracks('COMPLIED', 'PENDING'), BEFORE_DEADLINE, WindowClosedError],
    ['appealing a revoked order', tracks('COMPLIED', 'REVOKED', { appealDeadline: APPEAL_DEADLINE }), BEFORE_DEADLINE, WindowClosedError],
    ['appealing a confirmed order whose window never opened', tracks('COMPLIED', 'CONFIRMED'), BEFORE_DEADLINE, WindowClosedError],
  ])('refuses %s', (_label, order, now, ErrorClass) => {
    expect(() =>
      orderDecider.decide({ type: 'APPEAL', by: OPERATOR_USER, appealId: APPEAL_ID, grounds: GROUNDS }, order, ctx(now)),
    ).toThrow(ErrorClass);
  });

  it('upholds an appealed order: the operator hears the outcome and the appeal settles', () => {
    const order = confirmed({ decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID });
    const command: OrderCommand = { type: 'DECIDE_APPEAL', reviewId: APPEAL_REVIEW_ID, appealId: APPEAL_ID, outcome: 'CONFIRMED' };
    const { event, followUps, after } = decided(orderDecider, command, order, ctx(APPEAL_DEADLINE));
    expect(event).toEqual({
      action: 'APPEAL_REJECTED_ORDER_UPHELD',
      at: APPEAL_DEADLINE,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, appealId: APPEAL_ID, reviewId: APPEAL_REVIEW_ID, decisionStatus: 'UPHELD' },
    });
    expect(followUps).toEqual([
      notifyOperator({ kind: 'APPEAL_OUTCOME', outcome: 'UPHELD' }, `appeal-outcome:${APPEAL_ID}`),
      { type: 'RUN', command: { kind: 'appeal', appealId: APPEAL_ID, command: { type: 'SETTLE', result: 'UPHELD' } } },
    ]);
    expect(after).toMatchObject({ decisionStatus: 'UPHELD', status: 'UPHELD' });
    expect(orderDecider.decide(command, after, ctx(APPEAL_DEADLINE))).toBeNull();
  });

  it('overturns an appealed order: the outcome, the settlement, and the compliance wait ends with REVOKED', () => {
    const order = confirmed({ complianceStatus: 'ACKNOWLEDGED', decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID });
    const command: OrderCommand = { type: 'DECIDE_APPEAL', reviewId: APPEAL_REVIEW_ID, appealId: APPEAL_ID, outcome: 'REVOKED' };
    const { event, followUps, after } = decided(orderDecider, command, order, ctx(APPEAL_DEADLINE));
    expect(event.action).toBe('APPEAL_GRANTED_ORDER_OVERTURNED');
    expect(event.details).toEqual({ orderId: ID, appealId: APPEAL_ID, reviewId: APPEAL_REVIEW_ID, decisionStatus: 'OVERTURNED' });
    expect(followUps).toEqual([
      notifyOperator({ kind: 'APPEAL_OUTCOME', outcome: 'OVERTURNED' }, `appeal-outcome:${APPEAL_ID}`),
      { type: 'RUN', command: { kind: 'appeal', appealId: APPEAL_ID, command: { type: 'SETTLE', result: 'OVERTURNED' } } },
      complianceWait('REVOKED'),
    ]);
    expect(after).toMatchObject({ decisionStatus: 'OVERTURNED', status: 'OVERTURNED', complianceStatus: 'ACKNOWLEDGED' });
    expect(orderDecider.decide({ ...command, outcome: 'CONFIRMED' }, after, ctx(APPEAL_DEADLINE))).toBeNull();
  });

  it.each<DecisionStatus>(['PENDING', 'CONFIRMED', 'REVOKED', 'UPHELD', 'OVERTURNED'])(
    'answers null to an appeal outcome for an order %s',
    (decisionStatus) => {
      expect(
        orderDecider.decide(
          { type: 'DECIDE_APPEAL', reviewId: APPEAL_REVIEW_ID, appealId: APPEAL_ID, outcome: 'REVOKED' },
          tracks('COMPLIED', decisionStatus),
          ctx(APPEAL_DEADLINE),
        ),
      ).toBeNull();
    },
  );

  it('answers null to a confirmed order never appealed, even one whose appeal window is open', () => {
    const order = confirmed();
    for (const outcome of ['CONFIRMED', 'REVOKED'] as const) {
      expect(
        orderDecider.decide(
          { type: 'DECIDE_APPEAL', reviewId: APPEAL_REVIEW_ID, appealId: APPEAL_ID, outcome },
          order,
          ctx(APPEAL_DEADLINE),
        ),
      ).toBeNull();
    }
  });

  it.each<[string, Partial<OrderRecord>]>([
    ['another appeal id', { appealId: `${APPEAL_ID}-2` }],
    ['no recorded appeal id', {}],
  ])('answers null to the outcome of an appeal the order did not record (%s)', (_label, overrides) => {
    // Given an appealed order whose recorded appeal is not the one the outcome names
    const order = confirmed({ decisionStatus: 'APPEALED', status: 'APPEALED', ...overrides });
    // When an outcome for APPEAL_ID arrives / Then nothing is settled
    for (const outcome of ['CONFIRMED', 'REVOKED'] as const) {
      expect(
        orderDecider.decide(
          { type: 'DECIDE_APPEAL', reviewId: APPEAL_REVIEW_ID, appealId: APPEAL_ID, outcome },
          order,
          ctx(APPEAL_DEADLINE),
        ),
      ).toBeNull();
    }
  });
});

// ---------------------------------------------------------------- property

const COMPLIANCE_MOVES: Record<ComplianceStatus, readonly ComplianceStatus[]> = {
  ISSUED: ['ACKNOWLEDGED', 'COMPLIED', 'COMPLIED_LATE', 'OVERDUE'],
  ACKNOWLEDGED: ['COMPLIED', 'COMPLIED_LATE', 'OVERDUE'],
  OVERDUE: ['COMPLIED_LATE'],
  COMPLIED: [],
  COMPLIED_LATE: [],
};
/** An appeal is settled (UPHELD / OVERTURNED) only once the order was APPEALED. */
const DECISION_MOVES: Record<DecisionStatus, readonly DecisionStatus[]> = {
  PENDING: ['CONFIRMED', 'REVOKED'],
  CONFIRMED: ['APPEALED'],
  APPEALED: ['UPHELD', 'OVERTURNED'],
  REVOKED: [],
  UPHELD: [],
  OVERTURNED: [],
};

/** 0 (the instant itself) half the time, else up to two seconds later. */
const atOrJustAfter = fc.oneof(fc.constant(0), fc.nat(2000));

type Issued = { order: OrderRecord; policy: Policy; reminderAts: string[] };

const issuedArb: fc.Arbitrary<Issued> = fc
  .record({ policy: anyPolicy, voteFirst: fc.boolean(), offset: fc.integer({ min: 0, max: 999 }) })
  .map(({ policy, voteFirst, offset }) => {
    const issuedAt = plus(ISSUED_AT, offset);
    const { deadlineAt, graceEndsAt, reminderAts } = orderDeadlines(policy, issuedAt);
    const decisionStatus: DecisionStatus = voteFirst ? 'CONFIRMED' : 'PENDING';
    const order = anOrder({
      issuedAt,
      deadlineAt,
      graceEndsAt,
      decisionStatus,
      status: orderStatus('ISSUED', decisionStatus),
      ...(voteFirst ? { appealDeadline: appealWindowClosesAt(policy, issuedAt) } : {}),
    });
    return { order, policy, reminderAts };
  });

const noticeKinds = ['ORDER', 'OVERDUE', 'FINE'] as const;
/**
 * Which reminders a REMIND stands for besides its own: those up to it (what the sweeper sends), none,
 * or only the earlier ones (its own time missing from `due`, which the record must still get).
 */
const DUE_MODES = ['upTo', 'none', 'earlier'] as const;
type DueMode = (typeof DUE_MODES)[number];
/** An abstract REMIND: `reminderAt` is an index into the order's reminders, `due` holds one DueMode. */
const remind = (index: number, mode: DueMode): OrderCommand => ({ type: 'REMIND', reminderAt: String(index), due: [mode] });
const decideAppeal = (appealId: string, outcome: 'CONFIRMED' | 'REVOKED'): OrderCommand => ({
  type: 'DECIDE_APPEAL',
  reviewId: APPEAL_REVIEW_ID,
  appealId,
  outcome,
});
const APPEAL_IDS = [APPEAL_ID, `${APPEAL_ID}-2`] as const;

const abstractArb: fc.Arbitrary<OrderCommand> = fc.oneof(
  fc.constantFrom(...noticeKinds).map(
    (kind): OrderCommand => ({
      type: 'RECORD_NOTICE',
      notice: { eventKey: `${kind.toLowerCase()}:${ID}`, kind, to: ['n@webhard.example'], sentAt: '', messageId: 'm' },
    }),
  ),
  fc.constant<OrderCommand>({ type: 'ACKNOWLEDGE', by: OPERATOR_USER }),
  fc
    .constantFrom<'DELETED' | 'BLOCKED' | 'NOT_FOUND'>('DELETED', 'BLOCKED', 'NOT_FOUND')
    .map((action): OrderCommand => ({ type: 'COMPLY', by: OPERATOR_USER, action, note: 'done' })),
  fc.constant<OrderCommand>({ type: 'ENFORCE_DEADLINE' }),
  fc.constant<OrderCommand>({ type: 'RECORD_NON_COMPLIANCE' }),
  fc
    .constantFrom<'CONFIRMED' | 'REVOKED'>('CONFIRMED', 'REVOKED')
    .map((outcome): OrderCommand => ({ type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome })),
  fc.boolean().map((notify): OrderCommand => ({ type: 'OPEN_APPEAL_WINDOW', appealDeadline: '', notify })),
  fc.constantFrom(...APPEAL_IDS).map((appealId): OrderCommand => ({ type: 'APPEAL', by: OPERATOR_USER, appealId, grounds: GROUNDS })),
  fc
    .tuple(fc.constantFrom(...APPEAL_IDS), fc.constantFrom<'CONFIRMED' | 'REVOKED'>('CONFIRMED', 'REVOKED'))
    .map(([appealId, outcome]) => decideAppeal(appealId, outcome)),
  fc.constant<OrderCommand>({ type: 'ASSESS_FINE', fine: FINE }),
  fc.tuple(fc.nat(3), fc.constantFrom(...DUE_MODES)).map(([index, mode]) => remind(index, mode)),
);

/** Fills in times: a notice is sent now; an appeal window closes after the policy's window; a reminder is one of the order's. */
function concrete(command: OrderCommand, now: string, issued: Issued): OrderCommand | undefined {
  switch (command.type) {
    case 'RECORD_NOTICE':
      return { ...command, notice: { ...command.notice, sentAt: now } };
    case 'OPEN_APPEAL_WINDOW':
      return { ...command, appealDeadline: appealWindowClosesAt(issued.policy, now) };
    case 'REMIND': {
      const { reminderAts } = issued;
      if (reminderAts.length === 0) return undefined;
      const index = Number(command.reminderAt) % reminderAts.length;
      const reminderAt = reminderAts[index] as string;
      const mode = command.due[0] as DueMode;
      const due = mode === 'upTo' ? reminderAts.slice(0, index + 1) : mode === 'earlier' ? reminderAts.slice(0, index) : [];
      return { ...command, reminderAt, due };
    }
    default:
      return command;
  }
}

const CANDIDATES: readonly OrderCommand[] = [
  ...noticeKinds.map(
    (kind): OrderCommand => ({
      type: 'RECORD_NOTICE',
      notice: { eventKey: `${kind.toLowerCase()}:${ID}`, kind, to: ['n@webhard.example'], sentAt: '', messageId: 'm' },
    }),
  ),
  { type: 'ACKNOWLEDGE', by: OPERATOR_USER },
  { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' },
  { type: 'ENFORCE_DEADLINE' },
  { type: 'RECORD_NON_COMPLIANCE' },
  { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' },
  { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
  { type: 'OPEN_APPEAL_WINDOW', appealDeadline: '', notify: true },
  { type: 'APPEAL', by: OPERATOR_USER, appealId: APPEAL_ID, grounds: GROUNDS },
  ...APPEAL_IDS.flatMap((appealId) => [decideAppeal(appealId, 'CONFIRMED'), decideAppeal(appealId, 'REVOKED')]),
  { type: 'ASSESS_FINE', fine: FINE },
  remind(0, 'upTo'),
  remind(1, 'upTo'),
  remind(1, 'none'),
];

const USER_ACTS: ReadonlySet<OrderCommand['type']> = new Set(['ACKNOWLEDGE', 'COMPLY', 'APPEAL']);

type Script = [When, Choice<OrderCommand>][];
const ANCHORS = ['deadlineAt', 'graceEndsAt', 'appealDeadline', 'reminder'];

const isEvent = (result: { kind: string }) => result.kind === 'event';

/**
 * The rules that answer "nothing to do" by the record and the clock, asked in any state: the
 * deadline and the grace period include their last instant; non-compliance never for a lifted
 * order; a fine only when finable and not yet fined; an appeal's outcome only for the appeal the
 * order recorded.
 */
function expectClockFineAndAppealRules(order: OrderRecord, now: string, policy: Policy): void {
  const context = ctx(now, policy);
  const at = ms(now);
  expect(
    isEvent(step(orderDecider, { type: 'ENFORCE_DEADLINE' }, order, context)),
    `ENFORCE_DEADLINE at ${now}, deadline ${order.deadlineAt}, ${order.complianceStatus}/${order.decisionStatus}`,
  ).toBe(complianceOpen(order) && at > ms(order.deadlineAt));
  expect(
    isEvent(step(orderDecider, { type: 'RECORD_NON_COMPLIANCE' }, order, context)),
    `RECORD_NON_COMPLIANCE at ${now}, grace ${order.graceEndsAt}, ${order.complianceStatus}/${order.decisionStatus}`,
  ).toBe(
    order.complianceStatus === 'OVERDUE' && order.nonComplianceRecordedAt === undefined && !isLifted(order) && at > ms(order.graceEndsAt),
  );
  expect(
    isEvent(step(orderDecider, { type: 'ASSESS_FINE', fine: FINE }, order, context)),
    `ASSESS_FINE of ${order.complianceStatus}/${order.decisionStatus}`,
  ).toBe(order.fine === undefined && isFinable(order));
  for (const appealId of APPEAL_IDS) {
    for (const outcome of ['CONFIRMED', 'REVOKED'] as const) {
      const result = step(orderDecider, decideAppeal(appealId, outcome), order, context);
      expect(result.kind, `DECIDE_APPEAL ${appealId} of ${order.decisionStatus} (appeal ${order.appealId ?? 'none'})`).toBe(
        order.decisionStatus === 'APPEALED' && order.appealId === appealId ? 'event' : 'null',
      );
    }
  }
}

function runOrderProperty(runs: fc.Parameters<[Issued, Script]> = RUNS): void {
  fc.assert(
    fc.property(
      issuedArb,
      fc.array(fc.tuple(whenArb(ANCHORS), choiceArb(abstractArb)), { maxLength: 30, size: 'max' }),
      (issued, script) => {
        const { policy } = issued;
        let now = issued.order.issuedAt;
        let state = decided(orderDecider, { type: 'ISSUE', order: issued.order }, undefined, ctx(now, policy)).after;
        const accepted: OrderCommand[] = [];
        /** Every reminderAt a REMINDER_DUE was decided for: the record must hold each for good. */
        const reminded = new Set<string>();
        let appeals = 0;
        for (const [when, choice] of script) {
          now = resolveWhen(when, now, {
            deadlineAt: state.deadlineAt,
            graceEndsAt: state.graceEndsAt,
            appealDeadline: state.appealDeadline,
            reminder: issued.reminderAts[0],
          });
          const context = ctx(now, policy);
          const concreteChoice: Choice<OrderCommand | undefined> =
            choice.kind === 'any' ? { kind: 'any', command: concrete(choice.command, now, issued) } : choice;
          const command = resolveChoice(concreteChoice, orderDecider, state, context, () =>
            CANDIDATES.flatMap((c) => concrete(c, now, issued) ?? []),
          );
          if (command === undefined) continue;
          const before = state;
          // A command that already happened never records anything again (COMPLY and APPEAL: CONFLICT).
          for (const earlier of accepted) {
            const again = step(orderDecider, earlier, before, context);
            expect(again.kind, `${earlier.type} again`).not.toBe('event');
          }
          expectClockFineAndAppealRules(before, now, policy);
          const result = step(orderDecider, command, before, context);
          if (result.kind !== 'event') continue;
          const { decision, after } = result;
          const { event } = decision;
          accepted.push(command);
          state = after;

          // Who and when: the operator's own acts carry its user, the rest the system; no URL or grounds in details.
          expect(event.actor).toBe(USER_ACTS.has(command.type) ? OPERATOR_USER : SYSTEM_ACTOR);
          expect(event.at).toBe(command.type === 'RECORD_NOTICE' ? command.notice.sentAt : now);
          expectNoVictimData(event, [GROUNDS, 'done']);

          // The single status always follows the two tracks.
          expect(after.status).toBe(orderStatus(after.complianceStatus, after.decisionStatus));

          // Compliance never goes back: COMPLIED and COMPLIED_LATE are final, OVERDUE only becomes COMPLIED_LATE;
          // and no act after the order is lifted changes it.
          if (after.complianceStatus !== before.complianceStatus) {
            expect(
              COMPLIANCE_MOVES[before.complianceStatus],
              `compliance ${before.complianceStatus} -> ${after.complianceStatus} by ${command.type}`,
            ).toContain(after.complianceStatus);
            expect(
              isLifted(before),
              `${command.type} changed the compliance of a lifted order: ${before.complianceStatus} -> ${after.complianceStatus}`,
            ).toBe(false);
          }
          if (before.compliedAt !== undefined) expect(after.compliedAt).toBe(before.compliedAt);
          if (before.acknowledgedAt !== undefined) expect(after.acknowledgedAt).toBe(before.acknowledgedAt);

          // The deadline includes its last instant: on time exactly when not yet overdue and not after it.
          if (event.action === 'ORDER_COMPLIED' || event.action === 'ORDER_COMPLIED_LATE') {
            const onTime = before.complianceStatus !== 'OVERDUE' && ms(now) <= ms(before.deadlineAt);
            expect(after.complianceStatus, `complied at ${now}, deadline ${before.deadlineAt}, was ${before.complianceStatus}`).toBe(
              onTime ? 'COMPLIED' : 'COMPLIED_LATE',
            );
          }
          if (event.action === 'ORDER_OVERDUE')
            expect(ms(now), `overdue at ${now}, deadline ${before.deadlineAt}`).toBeGreaterThan(ms(before.deadlineAt));
          if (event.action === 'NON_COMPLIANCE_RECORDED') {
            expect(ms(now), `non-compliance at ${now}, grace ${before.graceEndsAt}`).toBeGreaterThan(ms(before.graceEndsAt));
            expect(isLifted(before)).toBe(false);
          }

          // The decision moves forward only and never leaves REVOKED, OVERTURNED or UPHELD.
          if (after.decisionStatus !== before.decisionStatus) {
            expect(
              DECISION_MOVES[before.decisionStatus],
              `decision ${before.decisionStatus} -> ${after.decisionStatus} by ${command.type}`,
            ).toContain(after.decisionStatus);
          }

          // At most one appeal, whose id never changes; its outcome only for the appeal the order recorded.
          if (event.action === 'ORDER_APPEALED') appeals += 1;
          expect(appeals).toBeLessThanOrEqual(1);
          if (before.appealId !== undefined) expect(after.appealId).toBe(before.appealId);
          if (before.appealDeadline !== undefined) expect(after.appealDeadline).toBe(before.appealDeadline);
          if (command.type === 'DECIDE_APPEAL') {
            expect(before.decisionStatus).toBe('APPEALED');
            expect(before.appealId).toBe(command.appealId);
          }

          // A fine at most once, and only for an order that is late and stands.
          if (before.fine !== undefined) expect(after.fine).toEqual(before.fine);
          if (event.action === 'FINE_ASSESSED') {
            expect(before.fine).toBeUndefined();
            expect(isFinable(before), `fined ${before.complianceStatus} / ${before.decisionStatus}`).toBe(true);
          }

          // Reminders: a decided reminder records its own time and every one it stands for, sorted, once each.
          if (command.type === 'REMIND') {
            reminded.add(command.reminderAt);
            expect(after.remindersSent).toEqual([...new Set([...before.remindersSent, ...command.due, command.reminderAt])].sort());
          }
          for (const reminderAt of reminded) expect(after.remindersSent, `reminder ${reminderAt} recorded`).toContain(reminderAt);
          expect(after.remindersSent).toEqual([...new Set(after.remindersSent)].sort());

          // Follow-ups: a wait completed says what the record now says; an overdue order tells operator and staff.
          for (const followUp of decision.followUps ?? []) {
            if (followUp.type === 'COMPLETE_WAIT') expect(followUp.output).toEqual(complianceWaitOutput(after));
          }
          if (event.action === 'ORDER_OVERDUE') {
            expect((decision.followUps ?? []).map((f) => f.type)).toEqual(['NOTIFY_OPERATOR', 'NOTIFY_STAFF']);
          }

          // The same command right away answers null (COMPLY and APPEAL are refused: they happened).
          const again = step(orderDecider, command, after, context);
          if (command.type === 'COMPLY' || command.type === 'APPEAL') {
            expect(again.kind === 'refused' && again.error).toBeInstanceOf(ConflictError);
          } else {
            expect(again.kind, `${command.type} repeated`).toBe('null');
          }
        }
        for (const reminderAt of reminded) expect(state.remindersSent).toContain(reminderAt);
      },
    ),
    runs,
  );
}

describe('orderDecider: property over random command sequences', () => {
  it('keeps status, compliance, deadlines, decision, appeal, fine and reminder rules', () => {
    runOrderProperty();
  });

  // The random sequences above reach a period's exact last instant twice in a row too rarely, so
  // this run aims at it under every policy: the deadline is enforced at its instant or just after,
  // then compliance comes at that instant or just after.
  it('compliance at the deadline instant is on time, and never goes back from OVERDUE to COMPLIED', () => {
    fc.assert(
      fc.property(issuedArb, atOrJustAfter, atOrJustAfter, fc.boolean(), ({ order, policy }, enforceDelay, complyDelay, acknowledged) => {
        let state = acknowledged
          ? decided(orderDecider, { type: 'ACKNOWLEDGE', by: OPERATOR_USER }, order, ctx(order.issuedAt, policy)).after
          : order;
        const enforceAt = plus(state.deadlineAt, enforceDelay);
        const enforced = step(orderDecider, { type: 'ENFORCE_DEADLINE' }, state, ctx(enforceAt, policy));
        if (enforceDelay === 0) {
          // At the deadline's own instant the period is not over: nothing happens.
          expect(enforced.kind).toBe('null');
        } else {
          expect(enforced.kind === 'event' && enforced.after.complianceStatus).toBe('OVERDUE');
          if (enforced.kind === 'event') state = enforced.after;
        }
        const complyAt = plus(enforceAt, complyDelay);
        state = decided(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' }, state, ctx(complyAt, policy)).after;
        expect(state.complianceStatus).toBe(enforceDelay === 0 && complyDelay === 0 ? 'COMPLIED' : 'COMPLIED_LATE');
      }),
      RUNS,
    );
  });

  it('the grace period includes its last instant: late compliance then, non-compliance only after it', () => {
    fc.assert(
      fc.property(issuedArb, atOrJustAfter, fc.boolean(), ({ order, policy }, delay, complyFirst) => {
        const overdue = decided(orderDecider, { type: 'ENFORCE_DEADLINE' }, order, ctx(plus(order.deadlineAt, 1), policy)).after;
        const at = plus(overdue.graceEndsAt, delay);
        if (complyFirst) {
          const complied = step(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' }, overdue, ctx(at, policy));
          if (delay === 0) expect(complied.kind === 'event' && complied.after.complianceStatus).toBe('COMPLIED_LATE');
          else expect(complied.kind === 'refused' && complied.error).toBeInstanceOf(WindowClosedError);
        }
        const recorded = step(orderDecider, { type: 'RECORD_NON_COMPLIANCE' }, overdue, ctx(at, policy));
        expect(recorded.kind).toBe(delay === 0 ? 'null' : 'event');
      }),
      RUNS,
    );
  });
});

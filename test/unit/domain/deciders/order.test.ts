import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../../../../shared/domain/decider';
import { SYSTEM_ACTOR } from '../../../../shared/domain/deciders/case';
import { orderDecider, resendClosesAt, type OrderCommand } from '../../../../shared/domain/deciders/order';
import { addDuration, appealWindowClosesAt, orderDeadlines } from '../../../../shared/domain/deadlines';
import { ConflictError, DomainError, WindowClosedError } from '../../../../shared/domain/errors';
import type { ComplianceStatus, DecisionStatus, NoticeRecord, NoticeStatus, OrderRecord } from '../../../../shared/domain/model';
import {
  clockNoticeKey,
  complianceOpen,
  isFinable,
  isLifted,
  isUndelivered,
  orderNoticeKey,
  orderStatus,
} from '../../../../shared/domain/orders';
import { recomputeFine } from '../../../../shared/domain/fines';
import { durationToMs, type Policy } from '../../../../shared/domain/policy';
import { complianceWaitOutput, deliveryWaitOutput, tokenPurpose } from '../../../../shared/domain/waits';
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
  KR,
  MINUTE,
  plus,
  resolveChoice,
  resolveWhen,
  RUNS,
  step,
  whenArb,
  type Choice,
  type When,
} from './support';
import { aFineAssessment } from '../../../support/records';

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
const FINE_INPUTS = aFineAssessment();

const complianceWait = (outcome: string): FollowUp => ({
  type: 'COMPLETE_WAIT',
  caseId: CASE_ID,
  purpose: `COMPLIANCE#${ID}`,
  output: { outcome },
});
/** An order confirmed, or lifted after it was: its case's hashes join or leave the hash list. */
const hashListing: FollowUp = { type: 'SYNC_HASH_LISTING', caseId: CASE_ID };
const deliveryWait: FollowUp = { type: 'COMPLETE_WAIT', caseId: CASE_ID, purpose: `DELIVERY#${ID}`, output: { deliverable: true } };
const notifyOperator = (notice: object, eventKey: string): FollowUp => ({
  type: 'NOTIFY_OPERATOR',
  orderId: ID,
  notice: notice as never,
  eventKey,
});
/** An order in the two tracks given, with the status they make. */
const tracks = (complianceStatus: ComplianceStatus, decisionStatus: DecisionStatus, overrides: Partial<OrderRecord> = {}) =>
  anOrder({ complianceStatus, decisionStatus, status: orderStatus(complianceStatus, decisionStatus), ...overrides });
/** An order as issued: its clock does not run until its ORDER notice is accepted. */
function unstarted(overrides: Partial<OrderRecord> = {}): OrderRecord {
  const { deadlineAt: _deadline, graceEndsAt: _grace, ...order } = anOrder(overrides);
  return order;
}
const expectConsistent = (order: OrderRecord) => expect(order.status).toBe(orderStatus(order.complianceStatus, order.decisionStatus));

describe('orderDecider: ISSUE and RECORD_NOTICE', () => {
  it('issues the order once, at its issuance time, by the system, with no deadline yet', () => {
    // Given an order built at issuance (its clock starts when its notice is accepted)
    const order = unstarted();
    // When it is issued
    const { event, followUps, after } = decided(orderDecider, { type: 'ISSUE', order }, undefined, ctx('2026-03-02T01:00:05.000Z'));
    // Then ORDER_ISSUED names the order, operator and counts, and no deadline; the record is the data
    expect(event).toEqual({
      action: 'ORDER_ISSUED',
      at: ISSUED_AT,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, operatorId: 'op-webhard', urlCount: 2, action: 'DELETE' },
      data: order,
    });
    expect(after.deadlineAt).toBeUndefined();
    expect(after.graceEndsAt).toBeUndefined();
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
    // Given an order whose clock runs already, and a notice sent for it
    const notice: NoticeRecord = {
      eventKey: `reminder:${ID}:2026-03-02T13:00:00.000Z`,
      kind: 'REMINDER',
      to: ['notices@webhard.example'],
      sentAt: '2026-03-02T13:00:09.000Z',
      messageId: 'ses-1',
      status: 'SENT',
    };
    // When it is recorded
    const { event, followUps, after } = decided(orderDecider, { type: 'RECORD_NOTICE', notice }, anOrder(), ctx(BEFORE_DEADLINE));
    // Then NOTICE_SENT at the sending time, with the addresses only in data, and the clock untouched
    expect(event).toEqual({
      action: 'NOTICE_SENT',
      at: notice.sentAt,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, kind: 'REMINDER', messageId: 'ses-1' },
      data: notice,
    });
    expect(followUps).toEqual([]);
    expect(after.notices).toEqual([notice]);
    expect(after).toMatchObject({ deadlineAt: DEADLINE, graceEndsAt: GRACE_END });
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
    // Then the event says on time or late (and, for a DELETE order, when post-monitoring first checks),
    // the note stays in data, and the compliance wait completes
    expect(event).toEqual({
      action: expected === 'COMPLIED' ? 'ORDER_COMPLIED' : 'ORDER_COMPLIED_LATE',
      at: now,
      actor: OPERATOR_USER,
      details: {
        orderId: ID,
        operatorId: 'op-webhard',
        action: 'DELETED',
        complianceStatus: expected,
        firstCheckAt: addDuration(now, 'PT1H'),
      },
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
  ])('confirms a %s order after post-review (status %s): the hashes of its case are listed', (complianceStatus, status) => {
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
    expect(followUps).toEqual([hashListing]);
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
    // (and a wait for a resend, had the order been UNDELIVERED, ends: nothing is left to deliver)
    expect(followUps).toEqual([
      notifyOperator({ kind: 'REVOKED' }, `revoked:${ID}`),
      notifyOperator({ kind: 'REINSTATE' }, `reinstate:${ID}`),
      complianceWait('REVOKED'),
      deliveryWait,
    ]);
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

  it.each<DecisionStatus>(['PENDING', 'REVOKED'])('opens no appeal window for an order %s', (decisionStatus) => {
    expect(
      orderDecider.decide(
        { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: true },
        tracks('ISSUED', decisionStatus),
        ctx(BEFORE_DEADLINE),
      ),
    ).toBeNull();
  });

  it('opens no second appeal window for an order APPEALED in its window', () => {
    const order = tracks('ISSUED', 'APPEALED', { appealDeadline: APPEAL_DEADLINE, appealWindowOpenedAt: GRACE_END, appealId: APPEAL_ID });
    expect(
      orderDecider.decide({ type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: true }, order, ctx(BEFORE_DEADLINE)),
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
    const { event, followUps, after } = decided(orderDecider, { type: 'ASSESS_FINE', inputs: FINE_INPUTS }, order, ctx(GRACE_END));
    const { amount } = recomputeFine(FINE_INPUTS);
    expect(event).toMatchObject({
      action: 'FINE_ASSESSED',
      at: GRACE_END,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, amount, currency: 'KRW', policyId: 'kr-kcsc', status: 'PROPOSED', opinionDueAt: plus(GRACE_END, 10 * DAY) },
    });
    expect(followUps?.[0]).toEqual(notifyOperator({ kind: 'FINE' }, `fine:${ID}`));
    expect(after.fine).toMatchObject({ amount, status: 'PROPOSED', proposedAmount: amount, inputs: FINE_INPUTS });
    expectConsistent(after);
    expect(orderDecider.decide({ type: 'ASSESS_FINE', inputs: { ...FINE_INPUTS, lateHours: 1 } }, after, ctx(GRACE_END))).toBeNull();
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
    expect(
      orderDecider.decide({ type: 'ASSESS_FINE', inputs: FINE_INPUTS }, tracks(complianceStatus, decisionStatus), ctx(GRACE_END)),
    ).toBeNull();
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
    ['objecting before the order notice was accepted', tracks('COMPLIED', 'PENDING'), BEFORE_DEADLINE, WindowClosedError],
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
      notifyOperator({ kind: 'REINSTATE' }, `reinstate:${ID}`),
      complianceWait('REVOKED'),
      deliveryWait,
      hashListing,
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

// ---------------------------------------------------------------- delivery: the clock, UNDELIVERED, RESEND

const STAFF_USER = 'staff-kim';
const ACCEPTED_AT = '2026-03-02T01:00:09.000Z';
const ORDER_KEY = `order:${ID}`;
const RESEND_KEY = (n: number) => `order:${ID}:resend-${n}`;
const staffAlert = (eventKey: string): FollowUp =>
  expect.objectContaining({
    type: 'NOTIFY_STAFF',
    caseId: CASE_ID,
    eventKey,
    alert: expect.objectContaining({ subject: `Order ${ID} could not be delivered` }),
  });
const orderNotice = (overrides: Partial<NoticeRecord> = {}): NoticeRecord => ({
  eventKey: ORDER_KEY,
  kind: 'ORDER',
  to: ['notices@webhard.example'],
  sentAt: ACCEPTED_AT,
  messageId: 'ses-order-1',
  status: 'SENT',
  ...overrides,
});
/** The deadlines an ORDER notice written at `writtenAt` states (KR: 24 hours, then 7 days of grace). */
const stated = (writtenAt: string) => {
  const { deadlineAt, graceEndsAt } = orderDeadlines(KR, writtenAt);
  return { deadlineAt, graceEndsAt };
};
/** An order whose ORDER notice SES accepted at ACCEPTED_AT: its clock runs. */
const delivered = (overrides: Partial<OrderRecord> = {}) =>
  decided(orderDecider, { type: 'RECORD_NOTICE', notice: orderNotice() }, unstarted(overrides), ctx(ACCEPTED_AT)).after;
/** An order made UNDELIVERED at `at` (by a permanent bounce of its ORDER notice). */
const undeliveredAt = (at: string, overrides: Partial<OrderRecord> = {}) =>
  decided(
    orderDecider,
    { type: 'RECORD_DELIVERY', eventKey: ORDER_KEY, status: 'BOUNCED', permanent: true, reason: 'Permanent/General', at },
    delivered(overrides),
    ctx(at),
  ).after;
const BOUNCED_AT = '2026-03-02T01:05:00.000Z';

describe('orderDecider: the clock starts when SES accepts the ORDER notice', () => {
  it.each<[string, string | undefined, string]>([
    // acceptance + 24 h, to the whole second (rounded up, in the operator's favour)
    ['no stated deadline: from the acceptance', undefined, '2026-03-03T01:00:09.000Z'],
    ["stated when written 3 s before acceptance: the acceptance's, which is later", '2026-03-02T01:00:06.000Z', '2026-03-03T01:00:09.000Z'],
    ['stated when written 0.4 s before: the same whole second', '2026-03-02T01:00:08.600Z', '2026-03-03T01:00:09.000Z'],
    ["stated later than the acceptance's (a clock ahead): the stated one", '2026-03-02T01:20:00.000Z', '2026-03-03T01:20:00.000Z'],
  ])('%s', (_label, writtenAt, deadlineAt) => {
    // Given an issued order, with no deadline
    const order = unstarted();
    const deadlines = writtenAt === undefined ? {} : { deadlines: stated(writtenAt) };
    // When SES's acceptance of its ORDER notice is recorded
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'RECORD_NOTICE', notice: orderNotice(), ...deadlines },
      order,
      ctx(ACCEPTED_AT),
    );
    // Then NOTICE_SENT carries the later of the stated deadline and acceptance + complianceDeadline, and the record gets it
    const graceEndsAt = orderDeadlines(KR, plus(deadlineAt, -DAY)).graceEndsAt;
    expect(event).toEqual({
      action: 'NOTICE_SENT',
      at: ACCEPTED_AT,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, kind: 'ORDER', messageId: 'ses-order-1', deadlineAt, graceEndsAt },
      data: orderNotice(),
    });
    expect(followUps).toEqual([]);
    expect(after).toMatchObject({ deadlineAt, graceEndsAt, noticeAcceptedAt: ACCEPTED_AT, complianceStatus: 'ISSUED', status: 'ISSUED' });
    expect(ms(after.deadlineAt as string)).toBeGreaterThanOrEqual(ms(ACCEPTED_AT) + DAY);
    expectConsistent(after);
    // And the clock starts once: the same notice again (a retry) answers null
    expect(
      orderDecider.decide(
        { type: 'RECORD_NOTICE', notice: { ...orderNotice(), sentAt: plus(ACCEPTED_AT, HOUR) } },
        after,
        ctx(BEFORE_DEADLINE),
      ),
    ).toBeNull();
  });

  it.each<[string, Partial<OrderRecord>, NoticeRecord]>([
    ['another kind of notice', {}, orderNotice({ eventKey: `confirmed:${ID}`, kind: 'CONFIRMED' })],
    [
      'an ORDER notice of an earlier key, after a resend',
      { complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED', resends: 1, undeliveredAt: BOUNCED_AT },
      orderNotice(),
    ],
    ['the ORDER notice of a revoked order', { decisionStatus: 'REVOKED', status: 'REVOKED' }, orderNotice()],
  ])('does not start the clock on %s', (_label, overrides, notice) => {
    // Given an order whose clock does not run
    const order = unstarted(overrides);
    // When the notice is recorded
    const { event, after } = decided(
      orderDecider,
      { type: 'RECORD_NOTICE', notice, deadlines: stated(ACCEPTED_AT) },
      order,
      ctx(ACCEPTED_AT),
    );
    // Then it is on the record, and there is still no deadline
    expect(event.details).toEqual({ orderId: ID, kind: notice.kind, messageId: notice.messageId });
    expect(after.notices).toEqual([notice]);
    expect(after.deadlineAt).toBeUndefined();
    expect(after.complianceStatus).toBe(order.complianceStatus);
    expectConsistent(after);
  });

  it('records the deadline the notice stated for an order complied with before its acceptance was recorded', () => {
    // Given an order complied with before its notice's acceptance was recorded (on time: no clock ran)
    const complied = decided(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' }, unstarted(), ctx(ACCEPTED_AT)).after;
    expect(complied.complianceStatus).toBe('COMPLIED');
    // When the acceptance is recorded
    const { after } = decided(
      orderDecider,
      { type: 'RECORD_NOTICE', notice: orderNotice(), deadlines: stated(ACCEPTED_AT) },
      complied,
      ctx(ACCEPTED_AT),
    );
    // Then the stated deadline is a fact on the record, and the order stays COMPLIED
    expect(after).toMatchObject({ deadlineAt: '2026-03-03T01:00:09.000Z', complianceStatus: 'COMPLIED', status: 'COMPLIED' });
  });

  it('runs no clock before the acceptance: no overdue, no reminder, compliance on time however late', () => {
    // Given an issued order whose notice SES has not accepted
    const order = unstarted();
    const muchLater = plus(ISSUED_AT, 30 * DAY);
    // When its deadline would long have passed / Then nothing is enforced or reminded
    expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, order, ctx(muchLater))).toBeNull();
    expect(orderDecider.decide({ type: 'RECORD_NON_COMPLIANCE' }, order, ctx(muchLater))).toBeNull();
    expect(orderDecider.decide({ type: 'REMIND', reminderAt: BEFORE_DEADLINE, due: [BEFORE_DEADLINE] }, order, ctx(muchLater))).toBeNull();
    // And compliance reported then is on time
    expect(
      decided(orderDecider, { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' }, order, ctx(muchLater)).after.complianceStatus,
    ).toBe('COMPLIED');
  });
});

describe('orderDecider: UNDELIVERED (MARK_UNDELIVERED, RECORD_DELIVERY)', () => {
  it.each<[ComplianceStatus, DecisionStatus]>([
    ['ISSUED', 'PENDING'],
    ['ISSUED', 'CONFIRMED'],
    ['ACKNOWLEDGED', 'PENDING'],
    ['OVERDUE', 'PENDING'],
    ['OVERDUE', 'CONFIRMED'],
    ['OVERDUE', 'APPEALED'],
  ])(
    'a %s / %s order that cannot be reached is UNDELIVERED: no clock, staff told, the compliance wait ends',
    (complianceStatus, decisionStatus) => {
      // Given an order in its tracks, its clock running (an overdue one past its deadline)
      const order = tracks(complianceStatus, decisionStatus, complianceStatus === 'OVERDUE' ? { overdueAt: AFTER_DEADLINE } : {});
      // When SES refuses its notice for good
      const { event, followUps, after } = decided(
        orderDecider,
        { type: 'MARK_UNDELIVERED', reason: 'SES refused the message (MessageRejected)' },
        order,
        ctx(AFTER_DEADLINE),
      );
      // Then ORDER_UNDELIVERED, a staff alert on how to fix it, and the compliance wait completed with UNDELIVERED
      expect(event).toEqual({
        action: 'ORDER_UNDELIVERED',
        at: AFTER_DEADLINE,
        actor: SYSTEM_ACTOR,
        details: { orderId: ID, reason: 'SES refused the message (MessageRejected)', eventKey: ORDER_KEY },
      });
      expect(followUps).toEqual([staffAlert(`undelivered:${ID}:0`), complianceWait('UNDELIVERED')]);
      const alert = followUps?.[0] as Extract<FollowUp, { type: 'NOTIFY_STAFF' }>;
      expect(alert.alert.lines.join('\n')).toContain(`POST /orders/${ID}/resend`);
      // And the deadline (a missed one too) is void
      expect(after).toMatchObject({
        complianceStatus: 'UNDELIVERED',
        undeliveredAt: AFTER_DEADLINE,
        undeliveredReason: 'SES refused the message (MessageRejected)',
      });
      expect(after.status).toBe(decisionStatus === 'APPEALED' ? 'APPEALED' : 'UNDELIVERED');
      expect(after.deadlineAt).toBeUndefined();
      expect(after.graceEndsAt).toBeUndefined();
      expect(after.overdueAt).toBeUndefined();
      expect(complianceWaitOutput(after)).toEqual({ outcome: 'UNDELIVERED' });
      expectConsistent(after);
      // And it is never overdue, never fined, and marked once
      const later = plus(GRACE_END, DAY);
      expect(orderDecider.decide({ type: 'ENFORCE_DEADLINE' }, after, ctx(later))).toBeNull();
      expect(orderDecider.decide({ type: 'RECORD_NON_COMPLIANCE' }, after, ctx(later))).toBeNull();
      expect(orderDecider.decide({ type: 'ASSESS_FINE', inputs: FINE_INPUTS }, after, ctx(later))).toBeNull();
      expect(orderDecider.decide({ type: 'MARK_UNDELIVERED', reason: 'again' }, after, ctx(later))).toBeNull();
    },
  );

  it.each<[string, OrderRecord]>([
    ['complied with', tracks('COMPLIED', 'PENDING')],
    ['complied with late', tracks('COMPLIED_LATE', 'CONFIRMED')],
    ['revoked', tracks('ISSUED', 'REVOKED')],
    ['overdue and overturned', tracks('OVERDUE', 'OVERTURNED')],
    ['already UNDELIVERED', unstarted({ complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED', undeliveredAt: BOUNCED_AT })],
  ])('an order %s does not become UNDELIVERED', (_label, order) => {
    // When SES refuses the notice, or a permanent bounce of its current ORDER notice arrives
    expect(orderDecider.decide({ type: 'MARK_UNDELIVERED', reason: 'refused' }, order, ctx(AFTER_DEADLINE))).toBeNull();
    const withNotice = { ...order, notices: [orderNotice()] };
    const bounce: OrderCommand = {
      type: 'RECORD_DELIVERY',
      eventKey: ORDER_KEY,
      status: 'BOUNCED',
      permanent: true,
      reason: 'Permanent/General',
      at: AFTER_DEADLINE,
    };
    const { event, followUps, after } = decided(orderDecider, bounce, withNotice, ctx(AFTER_DEADLINE));
    // Then only the notice's fate is recorded: the order's tracks stay as they were
    expect(event.action).toBe('NOTICE_STATUS_RECORDED');
    expect(followUps).toEqual([]);
    expect(after.notices[0]).toMatchObject({ status: 'BOUNCED', reason: 'Permanent/General', statusAt: AFTER_DEADLINE });
    expect(after).toMatchObject({ complianceStatus: order.complianceStatus, decisionStatus: order.decisionStatus, status: order.status });
  });

  it.each<['BOUNCED' | 'REJECTED' | 'FAILED']>([['BOUNCED'], ['REJECTED'], ['FAILED']])(
    "a permanent %s of the current ORDER notice makes the order UNDELIVERED and records the notice's fate",
    (status) => {
      // Given an order whose ORDER notice SES accepted
      const order = delivered();
      // When SES says it failed for good
      const command: OrderCommand = {
        type: 'RECORD_DELIVERY',
        eventKey: ORDER_KEY,
        status,
        permanent: true,
        reason: 'Permanent/General: 550 5.1.1 user unknown',
        at: BOUNCED_AT,
      };
      const { event, followUps, after } = decided(orderDecider, command, order, ctx(plus(BOUNCED_AT, 2000)));
      // Then ORDER_UNDELIVERED at the event's time, naming the notice; staff told; compliance wait completed
      expect(event).toEqual({
        action: 'ORDER_UNDELIVERED',
        at: BOUNCED_AT,
        actor: SYSTEM_ACTOR,
        details: { orderId: ID, reason: 'Permanent/General: 550 5.1.1 user unknown', eventKey: ORDER_KEY, status },
      });
      expect(followUps).toEqual([staffAlert(`undelivered:${ID}:0`), complianceWait('UNDELIVERED')]);
      expect(after.notices).toEqual([
        { ...orderNotice(), status, reason: 'Permanent/General: 550 5.1.1 user unknown', statusAt: BOUNCED_AT },
      ]);
      expect(after).toMatchObject({ complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED', undeliveredAt: BOUNCED_AT });
      expect(after.deadlineAt).toBeUndefined();
      // And the same event again answers null
      expect(orderDecider.decide(command, after, ctx(BOUNCED_AT))).toBeNull();
    },
  );

  it('recipients bouncing for good at different times: the notice is lost, and the order UNDELIVERED, once every one has', () => {
    // Given an order whose ORDER notice went to two contacts
    const order = decided(
      orderDecider,
      { type: 'RECORD_NOTICE', notice: orderNotice({ to: ['a@webhard.example', 'b@webhard.example'] }) },
      unstarted(),
      ctx(ACCEPTED_AT),
    ).after;
    const bounceOf = (place: number, at: string): OrderCommand => ({
      type: 'RECORD_DELIVERY',
      eventKey: ORDER_KEY,
      status: 'BOUNCED',
      permanent: false,
      reason: 'Permanent/General',
      at,
      lostRecipients: [place],
    });
    // When the second contact bounces for good
    const first = decided(orderDecider, bounceOf(1, BOUNCED_AT), order, ctx(BOUNCED_AT));
    // Then only that is recorded: the notice's fate and the clock stand
    expect(first.event).toEqual({
      action: 'NOTICE_STATUS_RECORDED',
      at: BOUNCED_AT,
      actor: SYSTEM_ACTOR,
      details: { orderId: ID, eventKey: ORDER_KEY, status: 'SENT', lostRecipients: [1] },
    });
    expect(first.followUps).toEqual([]);
    expect(first.after.notices[0]).toMatchObject({ status: 'SENT', lostRecipients: [1] });
    expect(first.after).toMatchObject({ complianceStatus: 'ISSUED', deadlineAt: order.deadlineAt });
    // And the same bounce told again changes nothing
    expect(orderDecider.decide(bounceOf(1, BOUNCED_AT), first.after, ctx(BOUNCED_AT))).toBeNull();
    // When the first contact bounces for good too
    const later = plus(BOUNCED_AT, HOUR);
    const second = decided(orderDecider, bounceOf(0, later), first.after, ctx(later));
    // Then the order is UNDELIVERED: no recipient got it
    expect(second.event).toMatchObject({ action: 'ORDER_UNDELIVERED', at: later, details: { eventKey: ORDER_KEY, status: 'BOUNCED' } });
    expect(second.after).toMatchObject({ complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED' });
    expect(second.after.deadlineAt).toBeUndefined();
  });

  it('a reason-less permanent bounce says what happened in the staff alert', () => {
    const { event } = decided(
      orderDecider,
      { type: 'RECORD_DELIVERY', eventKey: ORDER_KEY, status: 'REJECTED', permanent: true, at: BOUNCED_AT },
      delivered(),
      ctx(BOUNCED_AT),
    );
    expect(event.details).toMatchObject({ reason: 'the order notice was rejected' });
  });

  it.each<[string, OrderCommand]>([
    [
      'a soft (transient) bounce',
      {
        type: 'RECORD_DELIVERY',
        eventKey: ORDER_KEY,
        status: 'BOUNCED',
        permanent: false,
        reason: 'Transient/MailboxFull',
        at: BOUNCED_AT,
      },
    ],
    [
      'a complaint',
      { type: 'RECORD_DELIVERY', eventKey: ORDER_KEY, status: 'COMPLAINED', permanent: false, reason: 'complaint: abuse', at: BOUNCED_AT },
    ],
    ['a delivery', { type: 'RECORD_DELIVERY', eventKey: ORDER_KEY, status: 'DELIVERED', permanent: false, at: BOUNCED_AT }],
  ])('%s of the ORDER notice is recorded on it, and the clock keeps running', (_label, command) => {
    // Given an order whose clock runs
    const order = delivered();
    // When the event is recorded
    const { event, followUps, after } = decided(orderDecider, command, order, ctx(BOUNCED_AT));
    // Then NOTICE_STATUS_RECORDED, and nothing else changes
    expect(event).toEqual({
      action: 'NOTICE_STATUS_RECORDED',
      at: BOUNCED_AT,
      actor: SYSTEM_ACTOR,
      details: {
        orderId: ID,
        eventKey: ORDER_KEY,
        status: (command as { status: string }).status,
        ...((command as { reason?: string }).reason ? { reason: (command as { reason: string }).reason } : {}),
      },
    });
    expect(followUps).toEqual([]);
    expect(after).toEqual({
      ...order,
      notices: [expect.objectContaining({ status: (command as { status: string }).status, statusAt: BOUNCED_AT })],
    });
  });

  // A notice's fate only moves forward: SENT < DELIVERED < COMPLAINED < BOUNCED = REJECTED = FAILED.
  it.each<[NoticeRecord['status'], NoticeRecord['status'], boolean]>([
    ['SENT', 'DELIVERED', true],
    ['DELIVERED', 'COMPLAINED', true],
    ['DELIVERED', 'BOUNCED', true],
    ['COMPLAINED', 'BOUNCED', true],
    ['DELIVERED', 'DELIVERED', false],
    ['COMPLAINED', 'DELIVERED', false],
    ['BOUNCED', 'DELIVERED', false],
    ['BOUNCED', 'COMPLAINED', false],
    ['BOUNCED', 'REJECTED', false],
    ['REJECTED', 'BOUNCED', false],
    ['FAILED', 'SENT', false],
  ])('a notice %s then told %s: recorded %s', (current, next, recorded) => {
    // Given a reminder whose fate is `current`
    const notice = orderNotice({ eventKey: `reminder:${ID}:x`, kind: 'REMINDER', status: current });
    const order = anOrder({ notices: [notice] });
    // When SES's event says `next`
    const result = step(
      orderDecider,
      { type: 'RECORD_DELIVERY', eventKey: notice.eventKey, status: next, permanent: false, at: BOUNCED_AT },
      order,
      ctx(BOUNCED_AT),
    );
    // Then it is recorded only if it moves the notice forward
    expect(result.kind).toBe(recorded ? 'event' : 'null');
    if (result.kind === 'event') expect(result.after.notices[0]?.status).toBe(next);
  });

  it('a permanent failure of an earlier ORDER notice, after a resend was accepted, does not make the order undelivered', () => {
    // Given an order made UNDELIVERED by a bounce of its first notice, whose fate is recorded as only
    // SENT (as a first bounce to one of several recipients would leave it), resent, and the resend
    // accepted (a new clock runs)
    const bounced = undeliveredAt(BOUNCED_AT);
    const marked = { ...bounced, notices: bounced.notices.map((notice) => ({ ...notice, status: 'SENT' as const })) };
    const resent = decided(orderDecider, { type: 'RESEND', by: STAFF_USER }, marked, ctx(plus(BOUNCED_AT, HOUR))).after;
    const accepted = decided(
      orderDecider,
      { type: 'RECORD_NOTICE', notice: orderNotice({ eventKey: RESEND_KEY(1), messageId: 'ses-order-2', sentAt: plus(BOUNCED_AT, HOUR) }) },
      resent,
      ctx(plus(BOUNCED_AT, HOUR)),
    ).after;
    expect(accepted.complianceStatus).toBe('ISSUED');
    // When a late rejection of the first notice arrives
    const { event, after } = decided(
      orderDecider,
      {
        type: 'RECORD_DELIVERY',
        eventKey: ORDER_KEY,
        status: 'REJECTED',
        permanent: true,
        reason: 'rejected: Bad content',
        at: plus(BOUNCED_AT, 2 * HOUR),
      },
      accepted,
      ctx(plus(BOUNCED_AT, 2 * HOUR)),
    );
    // Then only that notice's fate is recorded; the order and its new clock stand
    expect(event.action).toBe('NOTICE_STATUS_RECORDED');
    expect(after).toMatchObject({ complianceStatus: 'ISSUED', deadlineAt: accepted.deadlineAt });
  });

  it('a permanent failure of another kind of notice is only recorded on it', () => {
    const overdueNotice = orderNotice({ eventKey: `overdue:${ID}`, kind: 'OVERDUE' });
    const order = tracks('OVERDUE', 'PENDING', { notices: [orderNotice(), overdueNotice] });
    const { event, after } = decided(
      orderDecider,
      { type: 'RECORD_DELIVERY', eventKey: overdueNotice.eventKey, status: 'BOUNCED', permanent: true, at: AFTER_DEADLINE },
      order,
      ctx(AFTER_DEADLINE),
    );
    expect(event.action).toBe('NOTICE_STATUS_RECORDED');
    expect(after).toMatchObject({ complianceStatus: 'OVERDUE', deadlineAt: DEADLINE });
  });

  it('refuses, as a defect to retry, the delivery of a notice the order has not recorded', () => {
    const act = () =>
      orderDecider.decide(
        { type: 'RECORD_DELIVERY', eventKey: ORDER_KEY, status: 'DELIVERED', permanent: false, at: BOUNCED_AT },
        unstarted(),
        ctx(BOUNCED_AT),
      );
    expect(act).toThrow(/has no notice/);
    expect(act).not.toThrow(DomainError);
  });

  it('an UNDELIVERED order is not told its appeal window opened (its contact does not work), but the window opens', () => {
    const order = unstarted({
      complianceStatus: 'UNDELIVERED',
      decisionStatus: 'CONFIRMED',
      status: 'UNDELIVERED',
      undeliveredAt: BOUNCED_AT,
    });
    const { followUps, after } = decided(
      orderDecider,
      { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: true },
      order,
      ctx(GRACE_END),
    );
    expect(followUps).toEqual([]);
    expect(after).toMatchObject({ appealDeadline: APPEAL_DEADLINE, status: 'UNDELIVERED' });
  });

  it('an operator that complies with an UNDELIVERED order ends both its waits, on time', () => {
    const order = undeliveredAt(BOUNCED_AT);
    const { followUps, after } = decided(
      orderDecider,
      { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' },
      order,
      ctx(plus(GRACE_END, DAY)),
    );
    expect(followUps).toEqual([complianceWait('COMPLIED'), deliveryWait]);
    expect(after).toMatchObject({ complianceStatus: 'COMPLIED', status: 'COMPLIED' });
  });

  // BUG (shared/domain/deciders/order.ts, `undeliverable`): an order whose deadline passed and which
  // was fined (or whose grace period ended) still counts as undeliverable, so a late permanent bounce
  // (or MARK_UNDELIVERED) makes a fined order UNDELIVERED: its fine stays on an order whose notice
  // "never arrived", and staff may then resend it and start a second clock.
  it('a fined order does not become UNDELIVERED, and an UNDELIVERED order carries no fine', () => {
    // Given an overdue order whose grace period ended and which was fined
    const overdue = decided(orderDecider, { type: 'ENFORCE_DEADLINE' }, delivered(), ctx(AFTER_DEADLINE)).after;
    const recorded = decided(orderDecider, { type: 'RECORD_NON_COMPLIANCE' }, overdue, ctx(plus(GRACE_END, DAY))).after;
    const fined = decided(orderDecider, { type: 'ASSESS_FINE', inputs: FINE_INPUTS }, recorded, ctx(plus(GRACE_END, DAY))).after;
    // When a permanent bounce of its ORDER notice arrives late
    const result = step(
      orderDecider,
      { type: 'RECORD_DELIVERY', eventKey: ORDER_KEY, status: 'BOUNCED', permanent: true, at: plus(GRACE_END, 2 * DAY) },
      fined,
      ctx(plus(GRACE_END, 2 * DAY)),
    );
    // Then the order is not UNDELIVERED while fined
    const after = result.kind === 'event' ? result.after : fined;
    expect(after.complianceStatus === 'UNDELIVERED' && after.fine !== undefined, 'an UNDELIVERED order with a fine').toBe(false);
  });
});

describe('orderDecider: RESEND', () => {
  it('staff resend an UNDELIVERED order within the resend window: a new ORDER notice, with its own key', () => {
    // Given an order made UNDELIVERED
    const order = undeliveredAt(BOUNCED_AT);
    const now = plus(BOUNCED_AT, HOUR);
    // When staff resend it
    const { event, followUps, after } = decided(orderDecider, { type: 'RESEND', by: STAFF_USER }, order, ctx(now));
    // Then ORDER_NOTICE_RESENT by staff, and the ORDER notice goes out under the resend's key
    expect(event).toEqual({ action: 'ORDER_NOTICE_RESENT', at: now, actor: STAFF_USER, details: { orderId: ID, resends: 1 } });
    expect(followUps).toEqual([notifyOperator({ kind: 'ORDER' }, RESEND_KEY(1))]);
    // And the order still waits for it: UNDELIVERED, no deadline
    expect(after).toMatchObject({ resends: 1, resentAt: now, complianceStatus: 'UNDELIVERED', status: 'UNDELIVERED' });
    expect(after.deadlineAt).toBeUndefined();
    expectConsistent(after);
  });

  it.each<[string, Partial<OrderRecord>]>([
    ['an unacknowledged order is ISSUED again', {}],
    ['an acknowledged order is ACKNOWLEDGED again', { acknowledgedAt: ACCEPTED_AT }],
  ])("the resend's acceptance starts a new clock and ends the wait for it: %s", (_label, overrides) => {
    // Given an UNDELIVERED order resent by staff
    const resentAt = plus(BOUNCED_AT, HOUR);
    const resent = decided(orderDecider, { type: 'RESEND', by: STAFF_USER }, undeliveredAt(BOUNCED_AT, overrides), ctx(resentAt)).after;
    // When SES accepts the resend 2 s later (written a second before)
    const acceptedAt = plus(resentAt, 2000);
    const notice = orderNotice({ eventKey: RESEND_KEY(1), messageId: 'ses-order-2', sentAt: acceptedAt });
    const { event, followUps, after } = decided(
      orderDecider,
      { type: 'RECORD_NOTICE', notice, deadlines: stated(plus(acceptedAt, -1000)) },
      resent,
      ctx(acceptedAt),
    );
    // Then the new clock runs from the acceptance, the delivery wait completes, and the undelivery is over
    const clock = orderDeadlines(KR, acceptedAt);
    expect(event.details).toEqual({
      orderId: ID,
      kind: 'ORDER',
      messageId: 'ses-order-2',
      deadlineAt: clock.deadlineAt,
      graceEndsAt: clock.graceEndsAt,
    });
    expect(followUps).toEqual([deliveryWait]);
    const status = overrides.acknowledgedAt === undefined ? 'ISSUED' : 'ACKNOWLEDGED';
    expect(after).toMatchObject({
      complianceStatus: status,
      status,
      deadlineAt: clock.deadlineAt,
      graceEndsAt: clock.graceEndsAt,
      noticeAcceptedAt: acceptedAt,
    });
    expect(after.undeliveredAt).toBeUndefined();
    expect(after.undeliveredReason).toBeUndefined();
    expectConsistent(after);
    // And the new clock's notices carry the resend's key
    const overdue = decided(orderDecider, { type: 'ENFORCE_DEADLINE' }, after, ctx(plus(clock.deadlineAt, 1))).followUps;
    expect(overdue).toEqual([
      notifyOperator({ kind: 'OVERDUE' }, `overdue:${ID}:resend-1`),
      expect.objectContaining({ type: 'NOTIFY_STAFF', eventKey: `overdue-staff:${ID}:resend-1` }),
    ]);
    // And should the resend bounce too, staff are told again under a new key
    const again = decided(
      orderDecider,
      { type: 'RECORD_DELIVERY', eventKey: RESEND_KEY(1), status: 'BOUNCED', permanent: true, at: plus(acceptedAt, 1000) },
      after,
      ctx(plus(acceptedAt, 1000)),
    );
    expect(again.event.action).toBe('ORDER_UNDELIVERED');
    expect(again.followUps).toEqual([staffAlert(`undelivered:${ID}:1`), complianceWait('UNDELIVERED')]);
  });

  it.each<[string, number, 'ok' | typeof WindowClosedError]>([
    ['right after it became UNDELIVERED', 0, 'ok'],
    ['a millisecond before the resend window closes', 7 * DAY - 1, 'ok'],
    ['when the resend window closes', 7 * DAY, WindowClosedError],
    ['after the resend window', 8 * DAY, WindowClosedError],
  ])('a resend %s: %s', (_label, after, expected) => {
    // Given an order UNDELIVERED since BOUNCED_AT (KR: resendWindow P7D)
    const order = undeliveredAt(BOUNCED_AT);
    const result = step(orderDecider, { type: 'RESEND', by: STAFF_USER }, order, ctx(plus(BOUNCED_AT, after)));
    if (expected === 'ok') expect(result.kind).toBe('event');
    else expect(result.kind === 'refused' && result.error).toBeInstanceOf(expected);
  });

  it.each<[string, OrderRecord]>([
    ['an order whose notice was accepted', tracks('ISSUED', 'PENDING')],
    ['an acknowledged order', tracks('ACKNOWLEDGED', 'CONFIRMED')],
    ['an overdue order', tracks('OVERDUE', 'PENDING')],
    ['a complied order', tracks('COMPLIED', 'CONFIRMED')],
    ['an issued order whose notice is still being sent', unstarted()],
    [
      'an UNDELIVERED order since revoked',
      unstarted({ complianceStatus: 'UNDELIVERED', decisionStatus: 'REVOKED', status: 'REVOKED', undeliveredAt: BOUNCED_AT }),
    ],
  ])('refuses with CONFLICT to resend %s', (_label, order) => {
    const act = () => orderDecider.decide({ type: 'RESEND', by: STAFF_USER }, order, ctx(BEFORE_DEADLINE));
    expect(act).toThrow(ConflictError);
    expect(act).toThrow(expect.objectContaining({ httpStatus: 409 }));
  });

  // BUG (shared/domain/deciders/order.ts, OPEN_APPEAL_WINDOW and RECORD_NOTICE): an order confirmed
  // while UNDELIVERED is not told of the confirmation (rightly: its contact does not work), but nothing
  // tells it once a resend reaches it either. The resent ORDER notice says "if the committee confirms
  // this order, you may appeal within ..."; the operator never learns it was confirmed nor its appeal
  // deadline, which runs from the confirmation and may close before it hears anything.
  it('an order confirmed while UNDELIVERED is told of its confirmation once a resend reaches it', () => {
    // Given an order confirmed, its notice bounced, its appeal window opened without a notice
    const bounced = undeliveredAt(BOUNCED_AT, { decisionStatus: 'CONFIRMED', status: 'CONFIRMED' });
    const opened = decided(
      orderDecider,
      { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: true },
      bounced,
      ctx(plus(BOUNCED_AT, HOUR)),
    );
    expect(opened.followUps).toEqual([]);
    // When staff resend it and SES accepts the resend
    const resent = decided(orderDecider, { type: 'RESEND', by: STAFF_USER }, opened.after, ctx(plus(BOUNCED_AT, 2 * HOUR))).after;
    const notice = orderNotice({ eventKey: RESEND_KEY(1), messageId: 'ses-order-2', sentAt: plus(BOUNCED_AT, 2 * HOUR) });
    const { followUps } = decided(orderDecider, { type: 'RECORD_NOTICE', notice }, resent, ctx(plus(BOUNCED_AT, 2 * HOUR)));
    // Then the operator is told of the confirmation (and its appeal deadline) now
    expect(followUps).toContainEqual(notifyOperator({ kind: 'CONFIRMED' }, `confirmed:${ID}`));
  });

  it('counts resends: each gets its own key, and the window stays counted from the undelivery', () => {
    // Given an UNDELIVERED order resent once, its resend refused again (still UNDELIVERED)
    const resent = decided(orderDecider, { type: 'RESEND', by: STAFF_USER }, undeliveredAt(BOUNCED_AT), ctx(plus(BOUNCED_AT, HOUR))).after;
    // (the same resend again, before SES answered, is nothing new)
    expect(orderDecider.decide({ type: 'RESEND', by: STAFF_USER }, resent, ctx(plus(BOUNCED_AT, HOUR + 1000)))).toBeNull();
    const refusedAgain = decided(
      orderDecider,
      { type: 'MARK_UNDELIVERED', reason: 'SES refused the message (MessageRejected)' },
      resent,
      ctx(plus(BOUNCED_AT, HOUR + 2000)),
    );
    expect(refusedAgain.event.details).toMatchObject({ eventKey: RESEND_KEY(1) });
    expect(refusedAgain.followUps).toEqual([staffAlert(`undelivered:${ID}:1`), complianceWait('UNDELIVERED')]);
    let order = refusedAgain.after;
    expect(order.undeliveredAt).toBe(BOUNCED_AT);
    // When staff resend it again / Then the second resend has the key resend-2
    const second = decided(orderDecider, { type: 'RESEND', by: STAFF_USER }, order, ctx(plus(BOUNCED_AT, 2 * HOUR)));
    expect(second.followUps).toEqual([notifyOperator({ kind: 'ORDER' }, RESEND_KEY(2))]);
    expect(second.after.resends).toBe(2);
    // And, that one refused too, the window still closes 7 days after the first undelivery
    order = decided(orderDecider, { type: 'MARK_UNDELIVERED', reason: 'refused' }, second.after, ctx(plus(BOUNCED_AT, 3 * HOUR))).after;
    expect(() => orderDecider.decide({ type: 'RESEND', by: STAFF_USER }, order, ctx(plus(BOUNCED_AT, 7 * DAY)))).toThrow(WindowClosedError);
  });
});

// ---------------------------------------------------------------- property

const COMPLIANCE_MOVES: Record<ComplianceStatus, readonly ComplianceStatus[]> = {
  ISSUED: ['ACKNOWLEDGED', 'COMPLIED', 'COMPLIED_LATE', 'OVERDUE', 'UNDELIVERED'],
  ACKNOWLEDGED: ['COMPLIED', 'COMPLIED_LATE', 'OVERDUE', 'UNDELIVERED'],
  OVERDUE: ['COMPLIED_LATE', 'UNDELIVERED'],
  // a resend accepted (back where the operator stood), or compliance (on time: no clock ran)
  UNDELIVERED: ['ISSUED', 'ACKNOWLEDGED', 'COMPLIED'],
  COMPLIED: [],
  COMPLIED_LATE: [],
};
/** A notice's fate only moves forward. */
const NOTICE_RANK: Record<NoticeStatus, number> = { SENT: 0, DELIVERED: 1, COMPLAINED: 2, BOUNCED: 3, REJECTED: 3, FAILED: 3 };
/** An appeal is settled (UPHELD / OVERTURNED) only once the order was APPEALED. */
const DECISION_MOVES: Record<DecisionStatus, readonly DecisionStatus[]> = {
  // PENDING -> APPEALED: an objection held until the post-review confirms the order.
  PENDING: ['CONFIRMED', 'REVOKED', 'APPEALED'],
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
    const { reminderAts } = orderDeadlines(policy, issuedAt);
    const decisionStatus: DecisionStatus = voteFirst ? 'CONFIRMED' : 'PENDING';
    // Issued without a deadline: the clock starts when the ORDER notice is accepted.
    const order = unstarted({
      issuedAt,
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

/**
 * The deadline an abstract ORDER notice states, relative to its acceptance: none, written a moment
 * or minutes before it (the acceptance's is later), or later than the acceptance's (a clock ahead).
 */
const STATED = ['none', 'moment', 'minutes', 'ahead'] as const;
type Stated = (typeof STATED)[number];
const STATED_OFFSET: Record<Exclude<Stated, 'none'>, number> = { moment: -400, minutes: -3 * MINUTE, ahead: 20 * MINUTE };
/** An abstract notice: its key is filled in from the record (`current`: the order's current key, `first`: its first ORDER key). */
const abstractNotice = (kind: (typeof noticeKinds)[number], key: 'current' | 'first', stated: Stated): OrderCommand => ({
  type: 'RECORD_NOTICE',
  notice: { eventKey: key, kind, to: ['n@webhard.example'], sentAt: '', messageId: stated, status: 'SENT' },
});
const DELIVERY_OUTCOMES: readonly [NoticeStatus, boolean][] = [
  ['DELIVERED', false],
  ['COMPLAINED', false],
  ['BOUNCED', true],
  ['BOUNCED', false],
  ['REJECTED', true],
  ['FAILED', true],
];
/** An abstract RECORD_DELIVERY: `eventKey` is an index into the order's notices. */
const delivery = (index: number, [status, permanent]: [NoticeStatus, boolean]): OrderCommand => ({
  type: 'RECORD_DELIVERY',
  eventKey: String(index),
  status,
  permanent,
  reason: 'SES says so',
  at: '',
});
const MARK: OrderCommand = { type: 'MARK_UNDELIVERED', reason: 'SES refused the message (MessageRejected)' };
const RESEND: OrderCommand = { type: 'RESEND', by: STAFF_USER };

const abstractArb: fc.Arbitrary<OrderCommand> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...noticeKinds), fc.constantFrom<'current' | 'first'>('current', 'first'), fc.constantFrom(...STATED))
    .map(([kind, key, stated]) => abstractNotice(kind, key, stated)),
  fc.tuple(fc.nat(4), fc.constantFrom(...DELIVERY_OUTCOMES)).map(([index, outcome]) => delivery(index, outcome)),
  fc.constant(MARK),
  fc.constant(RESEND),
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
  fc.constant<OrderCommand>({ type: 'ASSESS_FINE', inputs: FINE_INPUTS }),
  fc.tuple(fc.nat(3), fc.constantFrom(...DUE_MODES)).map(([index, mode]) => remind(index, mode)),
);

/**
 * Fills in times and keys: a notice is sent now, under the order's current key (or its first ORDER
 * key), an ORDER notice stating the deadline of its writing; a delivery event is about one of the
 * order's notices, now; an appeal window closes after the policy's window; a reminder is one of the order's.
 */
function concrete(command: OrderCommand, now: string, issued: Issued, order: OrderRecord): OrderCommand | undefined {
  switch (command.type) {
    case 'RECORD_NOTICE': {
      const { kind } = command.notice;
      const what = kind.toLowerCase();
      const eventKey = kind === 'FINE' ? `fine:${ID}` : command.notice.eventKey === 'first' ? `${what}:${ID}` : clockNoticeKey(order, what);
      const stated = command.notice.messageId as Stated;
      const notice = { ...command.notice, eventKey, sentAt: now, messageId: `m-${eventKey}` };
      if (kind !== 'ORDER' || stated === 'none') return { type: 'RECORD_NOTICE', notice };
      const { deadlineAt, graceEndsAt } = orderDeadlines(issued.policy, plus(now, STATED_OFFSET[stated]));
      return { type: 'RECORD_NOTICE', notice, deadlines: { deadlineAt, graceEndsAt } };
    }
    case 'RECORD_DELIVERY': {
      if (order.notices.length === 0) return undefined;
      const notice = order.notices[Number(command.eventKey) % order.notices.length] as NoticeRecord;
      return { ...command, eventKey: notice.eventKey, at: now };
    }
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
  ...noticeKinds.map((kind) => abstractNotice(kind, 'current', 'none')),
  abstractNotice('ORDER', 'current', 'moment'),
  abstractNotice('ORDER', 'current', 'ahead'),
  delivery(0, ['BOUNCED', true]),
  delivery(1, ['DELIVERED', false]),
  delivery(2, ['REJECTED', true]),
  MARK,
  RESEND,
  { type: 'ACKNOWLEDGE', by: OPERATOR_USER },
  { type: 'COMPLY', by: OPERATOR_USER, action: 'DELETED' },
  { type: 'ENFORCE_DEADLINE' },
  { type: 'RECORD_NON_COMPLIANCE' },
  { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' },
  { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
  { type: 'OPEN_APPEAL_WINDOW', appealDeadline: '', notify: true },
  { type: 'APPEAL', by: OPERATOR_USER, appealId: APPEAL_ID, grounds: GROUNDS },
  ...APPEAL_IDS.flatMap((appealId) => [decideAppeal(appealId, 'CONFIRMED'), decideAppeal(appealId, 'REVOKED')]),
  { type: 'ASSESS_FINE', inputs: FINE_INPUTS },
  remind(0, 'upTo'),
  remind(1, 'upTo'),
  remind(1, 'none'),
];

const USER_ACTS: ReadonlySet<OrderCommand['type']> = new Set(['ACKNOWLEDGE', 'COMPLY', 'APPEAL']);
/** Commands that may rightly happen again once a new clock started (a resend accepted, or an acceptance recorded late). */
const PER_CLOCK: ReadonlySet<OrderCommand['type']> = new Set(['ENFORCE_DEADLINE', 'MARK_UNDELIVERED']);

type Script = [When, Choice<OrderCommand>][];
const ANCHORS = ['deadlineAt', 'graceEndsAt', 'appealDeadline', 'reminder', 'resendCloses'];

const isEvent = (result: { kind: string }) => result.kind === 'event';
/** Staff resent an UNDELIVERED order, and SES has neither accepted nor refused the new notice yet. */
const resendOnItsWay = (order: OrderRecord) =>
  isUndelivered(order) && (order.resends ?? 0) > 0 && order.undeliveredNoticeKey !== orderNoticeKey(order);

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
  ).toBe(complianceOpen(order) && order.deadlineAt !== undefined && at > ms(order.deadlineAt));
  expect(
    isEvent(step(orderDecider, { type: 'RECORD_NON_COMPLIANCE' }, order, context)),
    `RECORD_NON_COMPLIANCE at ${now}, grace ${order.graceEndsAt}, ${order.complianceStatus}/${order.decisionStatus}`,
  ).toBe(
    order.complianceStatus === 'OVERDUE' &&
      order.nonComplianceRecordedAt === undefined &&
      !isLifted(order) &&
      order.graceEndsAt !== undefined &&
      at > ms(order.graceEndsAt),
  );
  // An UNDELIVERED order is never fined (isFinable says so for OVERDUE and COMPLIED_LATE only).
  expect(
    isEvent(step(orderDecider, { type: 'ASSESS_FINE', inputs: FINE_INPUTS }, order, context)),
    `ASSESS_FINE of ${order.complianceStatus}/${order.decisionStatus}`,
  ).toBe(order.fine === undefined && isFinable(order) && order.complianceStatus !== 'UNDELIVERED');
  // An order becomes UNDELIVERED while it stands, the operator has not complied, its non-compliance
  // is not on record nor fined, SES has not accepted its current notice, and it is not already
  // (unless a resend is on its way).
  const currentNoticeAccepted = order.notices.some((notice) => notice.eventKey === orderNoticeKey(order));
  expect(isEvent(step(orderDecider, MARK, order, context)), `MARK_UNDELIVERED of ${order.complianceStatus}/${order.decisionStatus}`).toBe(
    !isLifted(order) &&
      order.fine === undefined &&
      order.nonComplianceRecordedAt === undefined &&
      !currentNoticeAccepted &&
      (['ISSUED', 'ACKNOWLEDGED', 'OVERDUE'].includes(order.complianceStatus) || resendOnItsWay(order)),
  );
  // Staff resend only an UNDELIVERED order that stands, and only within the resend window; the same
  // resend again, its notice still on its way, changes nothing.
  const resend = step(orderDecider, RESEND, order, context);
  const closesAt = resendClosesAt(policy, order);
  if (resendOnItsWay(order)) expect(resend.kind, 'RESEND while a resend is on its way').toBe('null');
  else if (!isUndelivered(order))
    expect(resend.kind === 'refused' && resend.error, 'RESEND of a deliverable order').toBeInstanceOf(ConflictError);
  else if (closesAt !== undefined && at >= ms(closesAt))
    expect(resend.kind === 'refused' && resend.error, `RESEND at ${now}, closes ${closesAt}`).toBeInstanceOf(WindowClosedError);
  else expect(resend.kind, `RESEND at ${now}, closes ${closesAt}`).toBe('event');
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
        /** Each command that recorded an event, with the order's clock then (its resend count and acceptance). */
        const accepted: { command: OrderCommand; clock: string }[] = [];
        const clockOf = (order: OrderRecord) => `${order.resends ?? 0}|${order.noticeAcceptedAt ?? ''}`;
        /** Every reminderAt a REMINDER_DUE was decided for: the record must hold each for good. */
        const reminded = new Set<string>();
        let appeals = 0;
        for (const [when, choice] of script) {
          now = resolveWhen(when, now, {
            deadlineAt: state.deadlineAt,
            graceEndsAt: state.graceEndsAt,
            appealDeadline: state.appealDeadline,
            reminder: issued.reminderAts[0],
            resendCloses: resendClosesAt(policy, state),
          });
          const context = ctx(now, policy);
          const current = state;
          const concreteChoice: Choice<OrderCommand | undefined> =
            choice.kind === 'any' ? { kind: 'any', command: concrete(choice.command, now, issued, current) } : choice;
          const command = resolveChoice(concreteChoice, orderDecider, state, context, () =>
            CANDIDATES.flatMap((c) => concrete(c, now, issued, current) ?? []),
          );
          if (command === undefined) continue;
          const before = state;
          // A command that already happened never records anything again (COMPLY and APPEAL: CONFLICT);
          // a resend may be asked again while the order is UNDELIVERED, and a new clock may be missed or undelivered again.
          for (const earlier of accepted) {
            if (earlier.command.type === 'RESEND') continue;
            if (PER_CLOCK.has(earlier.command.type) && earlier.clock !== clockOf(before)) continue;
            const again = step(orderDecider, earlier.command, before, context);
            expect(again.kind, `${earlier.command.type} again`).not.toBe('event');
          }
          expectClockFineAndAppealRules(before, now, policy);
          const result = step(orderDecider, command, before, context);
          if (result.kind !== 'event') continue;
          const { decision, after } = result;
          const { event } = decision;
          accepted.push({ command, clock: clockOf(before) });
          state = after;

          // Who and when: the operator's own acts carry its user, a resend its staff member, the rest the system; no URL or grounds in details.
          expect(event.actor).toBe(USER_ACTS.has(command.type) ? OPERATOR_USER : command.type === 'RESEND' ? STAFF_USER : SYSTEM_ACTOR);
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

          // The clock: both ends set together, only when the current ORDER notice of a standing order
          // without one is accepted (the later of what it stated and acceptance + complianceDeadline),
          // removed only when the order becomes UNDELIVERED, and never otherwise changed.
          expect(after.deadlineAt === undefined).toBe(after.graceEndsAt === undefined);
          if (after.complianceStatus === 'UNDELIVERED') expect(after.deadlineAt, 'an UNDELIVERED order has no deadline').toBeUndefined();
          const startsClock =
            command.type === 'RECORD_NOTICE' &&
            command.notice.kind === 'ORDER' &&
            command.notice.eventKey === orderNoticeKey(before) &&
            before.deadlineAt === undefined &&
            !isLifted(before);
          if (startsClock) {
            const fromAcceptance = orderDeadlines(policy, command.notice.sentAt);
            const statedAt = command.deadlines?.deadlineAt;
            const expected = statedAt !== undefined && ms(statedAt) >= ms(fromAcceptance.deadlineAt) ? command.deadlines : fromAcceptance;
            expect(event.details).toMatchObject({ deadlineAt: expected?.deadlineAt, graceEndsAt: expected?.graceEndsAt });
            expect(after).toMatchObject({
              deadlineAt: expected?.deadlineAt,
              graceEndsAt: expected?.graceEndsAt,
              noticeAcceptedAt: command.notice.sentAt,
            });
            if (before.complianceStatus === 'UNDELIVERED') {
              expect(after.complianceStatus).toBe(before.acknowledgedAt === undefined ? 'ISSUED' : 'ACKNOWLEDGED');
              expect(decision.followUps).toContainEqual(deliveryWait);
            }
          } else if (event.action === 'ORDER_UNDELIVERED') {
            expect(after.deadlineAt).toBeUndefined();
            expect(after.overdueAt).toBeUndefined();
          } else {
            expect(after.deadlineAt, `${command.type} moved the deadline`).toBe(before.deadlineAt);
            expect(after.graceEndsAt, `${command.type} moved the grace period`).toBe(before.graceEndsAt);
            if (event.action === 'NOTICE_SENT') expect(event.details).not.toHaveProperty('deadlineAt');
          }

          // Delivery: a notice's fate only moves forward; only a permanent failure of the current ORDER
          // notice of an order that stands and has not complied makes it UNDELIVERED.
          for (const notice of before.notices) {
            const now_ = after.notices.find((n) => n.eventKey === notice.eventKey);
            expect(NOTICE_RANK[now_?.status ?? 'SENT']).toBeGreaterThanOrEqual(NOTICE_RANK[notice.status]);
          }
          if (event.action === 'ORDER_UNDELIVERED') {
            if (!resendOnItsWay(before))
              expect(['ISSUED', 'ACKNOWLEDGED', 'OVERDUE'], `UNDELIVERED from ${before.complianceStatus}`).toContain(
                before.complianceStatus,
              );
            expect(before.fine).toBeUndefined();
            expect(event.details.eventKey).toBe(orderNoticeKey(before));
            expect(after.undeliveredNoticeKey).toBe(orderNoticeKey(before));
            expect(isLifted(before)).toBe(false);
            if (command.type === 'RECORD_DELIVERY') {
              expect(command.permanent).toBe(true);
              expect(command.eventKey).toBe(orderNoticeKey(before));
            } else {
              expect(command.type).toBe('MARK_UNDELIVERED');
            }
            expect(decision.followUps).toEqual([
              expect.objectContaining({ type: 'NOTIFY_STAFF', eventKey: `undelivered:${ID}:${before.resends ?? 0}` }),
              complianceWait('UNDELIVERED'),
            ]);
          }
          if (command.type === 'RECORD_DELIVERY') {
            const was = before.notices.find((n) => n.eventKey === command.eventKey);
            expect(NOTICE_RANK[command.status]).toBeGreaterThan(NOTICE_RANK[was?.status ?? 'SENT']);
            expect(after.notices.find((n) => n.eventKey === command.eventKey)?.status).toBe(command.status);
          }
          if (command.type === 'RESEND') {
            expect(after.resends).toBe((before.resends ?? 0) + 1);
            expect(decision.followUps).toEqual([notifyOperator({ kind: 'ORDER' }, orderNoticeKey(after))]);
          }

          // The deadline includes its last instant: on time exactly when not yet overdue and not after it (no clock: on time).
          if (event.action === 'ORDER_COMPLIED' || event.action === 'ORDER_COMPLIED_LATE') {
            const onTime = before.complianceStatus !== 'OVERDUE' && (before.deadlineAt === undefined || ms(now) <= ms(before.deadlineAt));
            expect(after.complianceStatus, `complied at ${now}, deadline ${before.deadlineAt}, was ${before.complianceStatus}`).toBe(
              onTime ? 'COMPLIED' : 'COMPLIED_LATE',
            );
          }
          if (event.action === 'ORDER_OVERDUE')
            expect(ms(now), `overdue at ${now}, deadline ${before.deadlineAt}`).toBeGreaterThan(ms(before.deadlineAt as string));
          if (event.action === 'NON_COMPLIANCE_RECORDED') {
            expect(ms(now), `non-compliance at ${now}, grace ${before.graceEndsAt}`).toBeGreaterThan(ms(before.graceEndsAt as string));
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
            expect(before.complianceStatus).not.toBe('UNDELIVERED');
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
            if (followUp.type !== 'COMPLETE_WAIT') continue;
            if (followUp.purpose === tokenPurpose.delivery(ID)) expect(followUp.output).toEqual(deliveryWaitOutput(after));
            else expect(followUp.output).toEqual(complianceWaitOutput(after));
          }
          if (event.action === 'ORDER_OVERDUE') {
            expect((decision.followUps ?? []).map((f) => f.type)).toEqual(['NOTIFY_OPERATOR', 'NOTIFY_STAFF']);
          }

          // The same command right away answers null (COMPLY and APPEAL are refused: they happened;
          // a RESEND again, its notice on its way, is the same resend).
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

/** The order once SES accepted its ORDER notice at its issuance instant: its clock runs. */
function acceptedAtIssuance(order: OrderRecord, policy: Policy): OrderRecord {
  const notice: NoticeRecord = {
    eventKey: orderNoticeKey(order),
    kind: 'ORDER',
    to: ['n@webhard.example'],
    sentAt: order.issuedAt,
    messageId: 'm',
    status: 'SENT',
  };
  return decided(orderDecider, { type: 'RECORD_NOTICE', notice }, order, ctx(order.issuedAt, policy)).after;
}

describe('orderDecider: property over random command sequences', () => {
  it('keeps status, compliance, deadlines, delivery, resends, decision, appeal, fine and reminder rules', () => {
    runOrderProperty();
  });

  it('the clock an accepted ORDER notice starts is the later of what it stated and acceptance + complianceDeadline, to the second', () => {
    fc.assert(
      fc.property(
        issuedArb,
        fc.integer({ min: 0, max: 6 * HOUR }),
        fc.integer({ min: -10 * MINUTE, max: 5 * MINUTE }),
        fc.nat(3),
        ({ order, policy }, acceptedAfter, writtenBefore, resends) => {
          // Given an order, UNDELIVERED and resent `resends` times (or fresh), whose ORDER notice was written
          // at some moment near its acceptance
          const base =
            resends === 0
              ? order
              : {
                  ...order,
                  complianceStatus: 'UNDELIVERED' as const,
                  status: orderStatus('UNDELIVERED', order.decisionStatus),
                  resends,
                  undeliveredAt: order.issuedAt,
                };
          const acceptedAt = plus(order.issuedAt, acceptedAfter);
          const statedClock = orderDeadlines(policy, plus(acceptedAt, writtenBefore));
          const notice: NoticeRecord = {
            eventKey: orderNoticeKey(base),
            kind: 'ORDER',
            to: ['n@webhard.example'],
            sentAt: acceptedAt,
            messageId: 'm',
            status: 'SENT',
          };
          // When its acceptance is recorded
          const { after, followUps } = decided(
            orderDecider,
            { type: 'RECORD_NOTICE', notice, deadlines: { deadlineAt: statedClock.deadlineAt, graceEndsAt: statedClock.graceEndsAt } },
            base,
            ctx(acceptedAt, policy),
          );
          // Then the deadline is no earlier than either, equal to one of them, a whole second, and the grace follows it
          const fromAcceptance = orderDeadlines(policy, acceptedAt);
          const deadline = ms(after.deadlineAt as string);
          expect(deadline).toBe(Math.max(ms(statedClock.deadlineAt), ms(fromAcceptance.deadlineAt)));
          expect(deadline % 1000).toBe(0);
          expect(deadline).toBeGreaterThanOrEqual(ms(acceptedAt) + durationToMs(policy.complianceDeadline));
          expect(after.graceEndsAt).toBe(
            deadline === ms(fromAcceptance.deadlineAt) && ms(fromAcceptance.deadlineAt) > ms(statedClock.deadlineAt)
              ? fromAcceptance.graceEndsAt
              : statedClock.graceEndsAt,
          );
          // And a resend's acceptance ends the wait for it
          expect(followUps).toEqual(resends === 0 ? [] : [deliveryWait]);
          expect(after.status).toBe(orderStatus(after.complianceStatus, after.decisionStatus));
        },
      ),
      RUNS,
    );
  });

  // The random sequences above reach a period's exact last instant twice in a row too rarely, so
  // this run aims at it under every policy: the deadline is enforced at its instant or just after,
  // then compliance comes at that instant or just after.
  it('compliance at the deadline instant is on time, and never goes back from OVERDUE to COMPLIED', () => {
    fc.assert(
      fc.property(
        issuedArb,
        atOrJustAfter,
        atOrJustAfter,
        fc.boolean(),
        ({ order: issued, policy }, enforceDelay, complyDelay, acknowledged) => {
          const order = acceptedAtIssuance(issued, policy);
          let state = acknowledged
            ? decided(orderDecider, { type: 'ACKNOWLEDGE', by: OPERATOR_USER }, order, ctx(order.issuedAt, policy)).after
            : order;
          const enforceAt = plus(state.deadlineAt as string, enforceDelay);
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
        },
      ),
      RUNS,
    );
  });

  it('the grace period includes its last instant: late compliance then, non-compliance only after it', () => {
    fc.assert(
      fc.property(issuedArb, atOrJustAfter, fc.boolean(), ({ order: issued, policy }, delay, complyFirst) => {
        const order = acceptedAtIssuance(issued, policy);
        const overdue = decided(orderDecider, { type: 'ENFORCE_DEADLINE' }, order, ctx(plus(order.deadlineAt as string, 1), policy)).after;
        const at = plus(overdue.graceEndsAt as string, delay);
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

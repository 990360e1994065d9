import { describe, expect, it } from 'vitest';
import { appealDecider } from '../../../../shared/domain/deciders/appeal';
import { SYSTEM_ACTOR } from '../../../../shared/domain/deciders/case';
import { orderDecider, POSTER_ACTOR, type OrderCommand } from '../../../../shared/domain/deciders/order';
import { objectionWindowClosesAt } from '../../../../shared/domain/deadlines';
import { ConflictError, WindowClosedError } from '../../../../shared/domain/errors';
import type { AppealObjection, ComplianceStatus, DecisionStatus, OrderRecord } from '../../../../shared/domain/model';
import { orderStatus } from '../../../../shared/domain/orders';
import { anAppeal, anOrder, CASE_ID, POST_REVIEW_ID, WEBHARD_ORDER_ID } from '../../../support/records';
import { ctx, DAY, decided, expectNoVictimData, KR, plus } from './support';

const ID = WEBHARD_ORDER_ID;
const OPERATOR_USER = 'op-webhard-user';
const APPEAL_ID = `A${CASE_ID.slice(1)}-op-webhard`;
const ACCEPTED_AT = '2026-03-02T01:00:05.000Z';
const WITHIN = '2026-03-05T00:00:00.000Z';
const OBJECTION_CLOSES = objectionWindowClosesAt(KR, ACCEPTED_AT);
const APPEAL_DEADLINE = '2026-03-25T01:00:00.000Z';
const OPERATOR_GROUNDS = 'The uploader holds a licence for this content.';
const POSTER_GROUNDS = 'I am the person in the video and I posted it myself, with consent.';
const CONTACT = 'poster@mail.example';
const REFERENCE = 'OBJ-0123456789ABCDEF';

const order = (complianceStatus: ComplianceStatus, decisionStatus: DecisionStatus, overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({
    complianceStatus,
    decisionStatus,
    status: orderStatus(complianceStatus, decisionStatus),
    noticeAcceptedAt: ACCEPTED_AT,
    ...overrides,
  });
const operatorAppeal: OrderCommand = { type: 'APPEAL', by: OPERATOR_USER, appealId: APPEAL_ID, grounds: OPERATOR_GROUNDS };
/** `contact: null`: a poster who left no address. */
const posterObjection = (objectionId = REFERENCE, contact: string | null = CONTACT): OrderCommand => ({
  type: 'OBJECT_AS_POSTER',
  objectionId,
  appealId: APPEAL_ID,
  grounds: POSTER_GROUNDS,
  ...(contact === null ? {} : { contact }),
});

describe('objections before the post-review decided (held until it does)', () => {
  it("takes the operator's objection within the objection window and keeps the order pending", () => {
    // Given an order whose notice was accepted, not yet decided by the committee
    const pending = order('COMPLIED', 'PENDING');
    // When the operator objects within the objection window
    const { event, followUps, after } = decided(orderDecider, operatorAppeal, pending, ctx(WITHIN));
    // Then the appeal is recorded and filed, and the order still waits for its post-review
    expect(event).toEqual({
      action: 'ORDER_APPEALED',
      at: WITHIN,
      actor: OPERATOR_USER,
      details: { orderId: ID, operatorId: 'op-webhard', appealId: APPEAL_ID },
    });
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
              grounds: OPERATOR_GROUNDS,
              filedAt: WITHIN,
              status: 'FILED',
            },
          },
        },
      },
    ]);
    expect(after).toMatchObject({ decisionStatus: 'PENDING', appealId: APPEAL_ID, operatorAppealedAt: WITHIN, status: 'COMPLIED' });
    // And a second appeal by the operator is a conflict
    expect(() => orderDecider.decide(operatorAppeal, after, ctx(WITHIN))).toThrow(ConflictError);
  });

  it.each([
    ['at the end of the objection window', OBJECTION_CLOSES],
    ['after the objection window', plus(OBJECTION_CLOSES, DAY)],
  ])('refuses an objection %s while the committee has not decided', (_label, now) => {
    expect(() => orderDecider.decide(operatorAppeal, order('COMPLIED', 'PENDING'), ctx(now))).toThrow(WindowClosedError);
    expect(() => orderDecider.decide(posterObjection(), order('COMPLIED', 'PENDING'), ctx(now))).toThrow(WindowClosedError);
  });

  it('the post-review confirming an order with a held objection puts it under appeal, and the operator is told of the confirmation', () => {
    // Given an order objected to before its post-review
    const held = decided(orderDecider, operatorAppeal, order('COMPLIED', 'PENDING'), ctx(WITHIN)).after;
    // When the post-review confirms it
    const { after: confirmed } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' },
      held,
      ctx(plus(WITHIN, DAY)),
    );
    // Then the order is APPEALED (its appeal goes to the committee after the appeal window)
    expect(confirmed).toMatchObject({ decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID });
    // And the appeal window still opens, with the confirmation notice
    const { event, followUps } = decided(
      orderDecider,
      { type: 'OPEN_APPEAL_WINDOW', appealDeadline: APPEAL_DEADLINE, notify: true },
      confirmed,
      ctx(plus(WITHIN, DAY)),
    );
    expect(event.action).toBe('APPEAL_WINDOW_OPENED');
    expect(followUps).toEqual([{ type: 'NOTIFY_OPERATOR', orderId: ID, notice: { kind: 'CONFIRMED' }, eventKey: `confirmed:${ID}` }]);
  });

  it('the post-review revoking an order with a held objection settles the objection as granted', () => {
    const held = decided(orderDecider, posterObjection(), order('COMPLIED', 'PENDING'), ctx(WITHIN)).after;
    const { followUps, after } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
      held,
      ctx(plus(WITHIN, DAY)),
    );
    expect(after.decisionStatus).toBe('REVOKED');
    expect(followUps).toContainEqual({
      type: 'RUN',
      command: { kind: 'appeal', appealId: APPEAL_ID, command: { type: 'SETTLE', result: 'OVERTURNED' } },
    });
  });

  it('a revoked order without an objection settles nothing', () => {
    const { followUps } = decided(
      orderDecider,
      { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
      order('COMPLIED', 'PENDING'),
      ctx(WITHIN),
    );
    expect(followUps?.some((followUp) => followUp.type === 'RUN')).toBe(false);
  });
});

describe("the poster's objection (OBJECT_AS_POSTER)", () => {
  it("opens the order's appeal when it is the first, with the poster's words and contact out of the chain", () => {
    const { event, followUps, after } = decided(orderDecider, posterObjection(), order('ISSUED', 'PENDING'), ctx(WITHIN));
    expect(event).toEqual({
      action: 'ORDER_OBJECTED_BY_POSTER',
      at: WITHIN,
      actor: POSTER_ACTOR,
      details: { orderId: ID, appealId: APPEAL_ID, objectionId: REFERENCE },
    });
    expectNoVictimData(event, [CONTACT, POSTER_GROUNDS]);
    const objection: AppealObjection = {
      objectionId: REFERENCE,
      party: 'POSTER',
      grounds: POSTER_GROUNDS,
      filedAt: WITHIN,
      contact: CONTACT,
    };
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
              grounds: '',
              filedAt: WITHIN,
              status: 'FILED',
              filedBy: 'POSTER',
              objections: [objection],
            },
          },
        },
      },
    ]);
    expect(after).toMatchObject({ decisionStatus: 'PENDING', appealId: APPEAL_ID, posterObjectionIds: [REFERENCE] });
    // And the same objection again (a retry) does nothing
    expect(orderDecider.decide(posterObjection(), after, ctx(WITHIN))).toBeNull();
  });

  it("joins the operator's appeal of a confirmed order, and the operator may still appeal after a poster", () => {
    // Given a confirmed order in its appeal window, objected to by a poster first
    const confirmed = order('COMPLIED', 'CONFIRMED', { appealDeadline: APPEAL_DEADLINE, appealWindowOpenedAt: WITHIN });
    const afterPoster = decided(orderDecider, posterObjection(), confirmed, ctx(plus(WITHIN, DAY))).after;
    expect(afterPoster).toMatchObject({ decisionStatus: 'APPEALED', status: 'APPEALED', appealId: APPEAL_ID });
    // When the operator appeals too
    const { event, followUps, after } = decided(orderDecider, operatorAppeal, afterPoster, ctx(plus(WITHIN, 2 * DAY)));
    // Then its grounds join the same appeal
    expect(event.action).toBe('ORDER_APPEALED');
    expect(followUps).toEqual([
      {
        type: 'RUN',
        command: {
          kind: 'appeal',
          appealId: APPEAL_ID,
          command: {
            type: 'JOIN',
            objection: { objectionId: APPEAL_ID, party: 'OPERATOR', grounds: OPERATOR_GROUNDS, filedAt: plus(WITHIN, 2 * DAY) },
          },
        },
      },
    ]);
    // And a second poster joins as well, without a contact
    const second = decided(orderDecider, posterObjection('OBJ-ZZZZZZZZZZZZZZZZ', null), after, ctx(plus(WITHIN, 3 * DAY)));
    expect(second.followUps).toEqual([
      {
        type: 'RUN',
        command: {
          kind: 'appeal',
          appealId: APPEAL_ID,
          command: {
            type: 'JOIN',
            objection: { objectionId: 'OBJ-ZZZZZZZZZZZZZZZZ', party: 'POSTER', grounds: POSTER_GROUNDS, filedAt: plus(WITHIN, 3 * DAY) },
          },
        },
      },
    ]);
    expect(second.after.posterObjectionIds).toEqual([REFERENCE, 'OBJ-ZZZZZZZZZZZZZZZZ']);
    expect(() => orderDecider.decide(operatorAppeal, second.after, ctx(plus(WITHIN, 3 * DAY)))).toThrow(ConflictError);
  });

  it.each<[string, OrderRecord, string]>([
    ['a revoked order', order('COMPLIED', 'REVOKED'), WITHIN],
    ['an upheld order', order('COMPLIED', 'UPHELD', { appealDeadline: APPEAL_DEADLINE }), WITHIN],
    ['a confirmed order after its appeal window', order('COMPLIED', 'CONFIRMED', { appealDeadline: APPEAL_DEADLINE }), APPEAL_DEADLINE],
    ['an order whose notice was never accepted', anOrder({ decisionStatus: 'PENDING' }), WITHIN],
  ])('refuses objecting to %s', (_label, target, now) => {
    expect(() => orderDecider.decide(posterObjection(), target, ctx(now))).toThrow(WindowClosedError);
  });
});

describe('appealDecider: JOIN and telling the posters', () => {
  const joined: AppealObjection = { objectionId: REFERENCE, party: 'POSTER', grounds: POSTER_GROUNDS, filedAt: WITHIN, contact: CONTACT };

  it('adds an objection to the appeal once, its words and contact only in data', () => {
    const appeal = anAppeal();
    const { event, after } = decided(appealDecider, { type: 'JOIN', objection: joined }, appeal, ctx(WITHIN));
    expect(event).toEqual({
      action: 'APPEAL_OBJECTION_JOINED',
      at: WITHIN,
      actor: SYSTEM_ACTOR,
      details: { appealId: appeal.appealId, orderId: ID, objectionId: REFERENCE, party: 'POSTER' },
      data: joined,
    });
    expect(after.objections).toEqual([joined]);
    expect(appealDecider.decide({ type: 'JOIN', objection: joined }, after, ctx(WITHIN))).toBeNull();
  });

  it('settling the appeal tells each poster who left a contact, and no one else', () => {
    const silent: AppealObjection = { objectionId: 'OBJ-ZZZZZZZZZZZZZZZZ', party: 'POSTER', grounds: POSTER_GROUNDS, filedAt: WITHIN };
    const operatorJoined: AppealObjection = { objectionId: APPEAL_ID, party: 'OPERATOR', grounds: OPERATOR_GROUNDS, filedAt: WITHIN };
    const appeal = anAppeal({ status: 'UNDER_REVIEW', objections: [joined, silent, operatorJoined] });
    const { followUps, after } = decided(appealDecider, { type: 'SETTLE', result: 'UPHELD' }, appeal, ctx(WITHIN));
    expect(followUps).toEqual([
      { type: 'NOTIFY_OBJECTOR', appealId: appeal.appealId, objectionId: REFERENCE, eventKey: `objection-outcome:${REFERENCE}` },
    ]);
    expect(after.status).toBe('UPHELD');
  });
});

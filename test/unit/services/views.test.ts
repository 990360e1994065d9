import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { policyById } from '../../../shared/domain/policy';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../shared/domain/errors';
import type { Approval, VoteRecord } from '../../../shared/domain/model';
import type { UrlCompliance } from '../../../shared/domain/url-compliance';
import { config } from '../../../shared/runtime/config';
import { decideApproval } from '../../../shared/services/approvals';
import { createOperator, updateOperator } from '../../../shared/services/operators';
import { castVote, closeReviewAtDeadline } from '../../../shared/services/reviews';
import {
  committeeReviewView,
  getCaseAudit,
  getCaseView,
  getOperatorAudit,
  findCases,
  listCommitteeReviews,
  listDeadlineBoard,
} from '../../../shared/services/views';
import { documentClient } from '../../../shared/store/client';
import { readChainHead } from '../../../shared/store/journal';
import { keys, refs } from '../../../shared/store/keys';
import { writeUrls } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import {
  aCase,
  anAppeal,
  anOperator,
  anOrder,
  aReview,
  CASE_ID,
  CASE_URLS,
  OTHER_CASE_ID,
  POST_REVIEW_ID,
  SOCIAL_ORDER_ID,
  WEBHARD_ORDER_ID,
} from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase } from './world-steps';

const staff = (userId: string) => ({ userId, roles: ['staff' as const] });
const member = (userId: string) => ({ userId, roles: ['committee' as const] });
const VOTE_AT = '2026-03-03T00:00:00.000Z';
const ballot = (decision: VoteRecord['decision']): VoteRecord => ({ decision, at: VOTE_AT });
const approvedBy = (by: string): Approval => ({ by, at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' });
const CASE_STREAM = refs.case(CASE_ID).root.pk;

useWorld();
/** A case whose two approvals were given: three events on its chain. */
async function givenApprovedCase(): Promise<void> {
  await plant.case(aCase());
  await decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, '2026-03-02T00:10:00.000Z');
  await decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, '2026-03-02T00:20:00.000Z');
}

/** A case under post-review whose committee review is open, every member eligible. */
async function givenOpenReview(change: Parameters<typeof aReview>[0] = {}): Promise<void> {
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.review(aReview(change));
}

const tamper = {
  async change(stream: string, seq: number): Promise<void> {
    await documentClient.send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.audit(stream, seq),
        UpdateExpression: 'SET actor = :someone',
        ExpressionAttributeValues: { ':someone': 'someone-else' },
      }),
    );
  },
  async remove(stream: string, seq: number): Promise<void> {
    await documentClient.send(new DeleteCommand({ TableName: config().tableName, Key: keys.audit(stream, seq) }));
  },
};

describe('findCases', () => {
  it('lists cases newest first without victim data or internal attributes', async () => {
    // Given
    await plant.case(
      aCase({ caseId: OTHER_CASE_ID, createdAt: '2026-03-01T00:00:00.000Z', status: 'CLOSED', closedAt: '2026-03-01T05:00:00.000Z' }),
    );
    await plant.case(aCase());

    // When
    const { cases } = await findCases({});

    // Then
    expect(cases.map((summary) => summary.caseId)).toEqual([CASE_ID, OTHER_CASE_ID]);
    expect(cases[0]).toEqual({
      caseId: CASE_ID,
      status: 'PENDING_APPROVAL',
      category: 'ILLEGAL_FILMING',
      createdAt: '2026-03-02T00:00:00.000Z',
      procedure: 'interim-then-review',
      urlCount: 3,
      approvalCount: 0,
      approvalDeadlineAt: '2026-03-02T02:00:00.000Z',
    });
    expect(cases[1]).toMatchObject({ status: 'CLOSED', closedAt: '2026-03-01T05:00:00.000Z' });
  });

  it('filters by status', async () => {
    // Given
    await plant.case(aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED' }));
    await plant.case(aCase());

    // When
    const { cases } = await findCases({ status: 'CLOSED' });

    // Then
    expect(cases.map((summary) => summary.caseId)).toEqual([OTHER_CASE_ID]);
  });
});

describe('getCaseView', () => {
  it('shows the whole case to its readers: URLs with their assignment, orders with their URLs, reviews, appeals, timeline', async () => {
    // Given a case under post-review with its orders, a review with a recusal and a vote, and an appeal
    await plant.case(
      aCase({ status: 'UNDER_POST_REVIEW', approvals: [approvedBy('staff-lee')], ordersIssuedAt: '2026-03-02T01:00:00.000Z' }),
    );
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.order(anOrder());
    await plant.order(anOrder({ operatorId: 'op-social' }));
    await plant.review(aReview({ recusals: { 'member-5': { reason: 'conflict', at: VOTE_AT } } }));
    await castVote(member('member-1'), POST_REVIEW_ID, { decision: 'CONFIRM' }, VOTE_AT);
    await plant.appeal(anAppeal());

    // When
    const view = await getCaseView(CASE_ID);

    // Then
    expect(view).toMatchObject({
      caseId: CASE_ID,
      status: 'UNDER_POST_REVIEW',
      summary: 'Victim identified by the support centre',
      reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0042' },
      approvals: [{ by: 'staff-lee' }],
      appeals: [{ orderId: WEBHARD_ORDER_ID, status: 'FILED' }],
    });
    expect(view.timeline.map(({ at, actor, action }) => ({ at, actor, action }))).toEqual([
      { at: '2026-03-02T00:00:00.000Z', actor: 'staff-kim', action: 'REPORT_FILED' },
      { at: '2026-03-02T01:00:00.000Z', actor: 'system', action: 'ORDER_ISSUED' },
      { at: '2026-03-02T01:00:00.000Z', actor: 'system', action: 'ORDER_ISSUED' },
      { at: '2026-03-02T01:00:00.000Z', actor: 'system', action: 'REVIEW_OPENED' },
      { at: VOTE_AT, actor: 'member-1', action: 'VOTE_CAST' },
      { at: '2026-03-10T00:00:00.000Z', actor: 'system', action: 'APPEAL_FILED' },
    ]);
    expect(view.urls).toContainEqual({
      url: 'https://unknown.example/x',
      host: 'unknown.example',
      operatorId: null,
      assignment: 'UNASSIGNED',
    });
    expect(view.urls).toContainEqual({
      url: 'https://social.example/p/9',
      host: 'social.example',
      operatorId: 'op-social',
      assignment: 'ASSIGNED',
    });
    expect(view.orders.find((order) => order.orderId === SOCIAL_ORDER_ID)?.urls).toEqual(['https://social.example/p/9']);
    expect(view.orders.find((order) => order.orderId === WEBHARD_ORDER_ID)).toMatchObject({
      notices: expect.any(Array),
      statementOfReasons: expect.any(Object),
    });
    expect(view.reviews).toHaveLength(1);
    expect(view.reviews[0]).toMatchObject({
      eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'],
      recusedMembers: ['member-5'],
      votesCast: 1,
      quorumNeeded: 3,
    });
    expect(view.reviews[0]).not.toHaveProperty('votes');
    expect(view.reviews[0]).not.toHaveProperty('confirm');
    expect(JSON.stringify(view)).not.toMatch(/gsi\dpk|auditSeq|auditHash|followUps|"version"|"record"|"state"/);
  });

  it("keeps the order's own bookkeeping off the answer: its readers see the order, not how its decider keeps it", async () => {
    // Given an order that holds every field the decider keeps for itself
    await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await writeUrls(CASE_ID, CASE_URLS);
    const clock = { deadlineAt: '2026-03-03T01:00:00.000Z', graceEndsAt: '2026-03-10T01:00:00.000Z' };
    await plant.order(
      anOrder({
        noticeAcceptedAt: '2026-03-02T01:00:00.000Z',
        resends: 1,
        resentAt: '2026-03-02T02:00:00.000Z',
        undeliveredNoticeKey: 'ORDER#1',
        appealWindowOpenedAt: '2026-03-02T01:00:00.000Z',
        missedClock: clock,
        pausedClock: clock,
        reporterUpdates: true,
        posterObjectionIds: ['objection-1'],
        urlOwners: ['op-webhard', null],
      }),
    );

    // When
    const [order] = (await getCaseView(CASE_ID)).orders;

    // Then
    expect(order).toMatchObject({ orderId: WEBHARD_ORDER_ID, status: 'ISSUED', urls: expect.any(Array) });
    for (const field of [
      'noticeAcceptedAt',
      'resends',
      'resentAt',
      'undeliveredNoticeKey',
      'appealWindowOpenedAt',
      'missedClock',
      'pausedClock',
      'reporterUpdates',
      'posterObjectionIds',
      'urlOwners',
    ]) {
      expect(order, field).not.toHaveProperty(field);
    }
  });

  it('shows the ballots of a closed review', async () => {
    // Given
    const votes = { 'member-1': ballot('CONFIRM'), 'member-2': ballot('REVOKE'), 'member-3': ballot('CONFIRM') };
    await plant.case(aCase({ status: 'CONFIRMED' }));
    await plant.review(aReview({ status: 'CLOSED', votes, outcome: 'CONFIRMED', outcomeReason: 'MAJORITY' }));

    // When
    const [review] = (await getCaseView(CASE_ID)).reviews;

    // Then
    expect(review).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', confirm: 2, revoke: 1, abstain: 0, votes });
  });

  it.each([OTHER_CASE_ID, 'nope'])('answers NotFound for %s', async (caseId) => {
    await plant.case(aCase());
    await expect(getCaseView(caseId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('getCaseAudit', () => {
  it('answers the chain’s events, verified up to the head stored on the case', async () => {
    // Given
    await givenApprovedCase();

    // When
    const audit = await getCaseAudit(CASE_ID);

    // Then
    expect(audit).toEqual({ events: await chainOfCase(CASE_ID), verified: true });
    expect(audit.events.map((event) => [event.seq, event.action, event.actor])).toEqual([
      [1, 'REPORT_FILED', 'staff-kim'],
      [2, 'APPROVAL_GIVEN', 'staff-lee'],
      [3, 'APPROVAL_GIVEN', 'staff-park'],
    ]);
    expect(audit.events.map((event) => Object.keys(event).sort())).toEqual(
      audit.events.map(() => ['action', 'actor', 'at', 'details', 'hash', 'prevHash', 'seq']),
    );
    expect(await readChainHead(refs.case(CASE_ID).root)).toEqual({ seq: 3, hash: audit.events[2]?.hash });
  });

  it.each([
    ['an event was changed', (stream: string) => tamper.change(stream, 2), 'event 2 was changed after it was recorded'],
    [
      'an event in the middle was removed',
      (stream: string) => tamper.remove(stream, 2),
      'expected event 2 here, found 3: an event was removed, inserted or moved',
    ],
    ['the last event was cut off', (stream: string) => tamper.remove(stream, 3), 'the chain should reach event 3, but it ends at 2'],
  ])('answers verified false, and why, when %s', async (_, damage, problem) => {
    // Given
    await givenApprovedCase();
    await damage(CASE_STREAM);

    // When
    const audit = await getCaseAudit(CASE_ID);

    // Then
    expect(audit).toMatchObject({ verified: false, problem });
  });

  it('seals how members voted until the review has closed, and still verifies the chain', async () => {
    // Given an open review with one ballot
    await givenOpenReview();
    await castVote(member('member-1'), POST_REVIEW_ID, { decision: 'CONFIRM', reason: 'clearly illegal' }, VOTE_AT);

    // When
    const open = await getCaseAudit(CASE_ID);

    // Then the ballot shows who voted, not what
    const sealed = open.events.find((event) => event.action === 'VOTE_CAST');
    expect(sealed).toMatchObject({ actor: 'member-1', details: { reviewId: POST_REVIEW_ID, sealed: true } });
    expect(sealed?.details).not.toHaveProperty('decision');
    expect(open.verified).toBe(true);
    expect(JSON.stringify(open)).not.toMatch(/CONFIRM"|clearly illegal/);

    // When two more ballots decide the review, which closes it
    await castVote(member('member-2'), POST_REVIEW_ID, { decision: 'CONFIRM' }, VOTE_AT);
    await castVote(member('member-3'), POST_REVIEW_ID, { decision: 'REVOKE' }, VOTE_AT);
    await castVote(member('member-4'), POST_REVIEW_ID, { decision: 'CONFIRM' }, VOTE_AT);
    const closed = await getCaseAudit(CASE_ID);

    // Then every ballot is shown as cast
    expect(closed.events.filter((event) => event.action === 'VOTE_CAST').map((event) => [event.actor, event.details])).toEqual([
      ['member-1', { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' }],
      ['member-2', { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' }],
      ['member-3', { reviewId: POST_REVIEW_ID, decision: 'REVOKE' }],
      ['member-4', { reviewId: POST_REVIEW_ID, decision: 'CONFIRM' }],
    ]);
    expect(closed.events.at(-1)).toMatchObject({ action: 'REVIEW_CLOSED', details: { outcome: 'CONFIRMED' } });
    expect(closed.verified).toBe(true);
  });

  it('keeps the ballots of an escalated review sealed', async () => {
    // Given a review that got no quorum, even after its extension, and was escalated to staff
    await givenOpenReview({ extended: true, closesAt: '2026-03-04T00:00:00.000Z' });
    await castVote(member('member-1'), POST_REVIEW_ID, { decision: 'REVOKE' }, VOTE_AT);
    await closeReviewAtDeadline(POST_REVIEW_ID, '2026-03-04T00:00:00.000Z');

    // When
    const audit = await getCaseAudit(CASE_ID);

    // Then
    expect(audit.events.map((event) => event.action).slice(-2)).toEqual(['REVIEW_ESCALATED', 'STAFF_ALERTED']);
    expect(audit.events.find((event) => event.action === 'VOTE_CAST')?.details).toEqual({ reviewId: POST_REVIEW_ID, sealed: true });
  });

  it('answers NotFound for an unknown case', async () => {
    await expect(getCaseAudit(CASE_ID)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('getOperatorAudit', () => {
  const input = {
    operatorId: 'op-social',
    name: 'Social Example Inc.',
    domains: ['social.example'],
    contactEmails: ['legal@social.example'],
    jurisdiction: 'DOMESTIC' as const,
    annualRevenue: 5_000_000_000,
    currency: 'KRW',
  };

  it('answers who changed the operator’s registry entry, and when, verified up to its head', async () => {
    // Given
    await createOperator(input, '2026-03-01T00:00:00.000Z', 'staff-kim');
    await updateOperator('op-social', { contactEmails: ['new@social.example'] }, '2026-03-02T00:00:00.000Z', 'staff-lee');

    // When
    const audit = await getOperatorAudit('op-social');

    // Then
    expect(audit.verified).toBe(true);
    expect(audit).not.toHaveProperty('problem');
    expect(audit.events.map((event) => [event.seq, event.action, event.actor, event.at])).toEqual([
      [1, 'OPERATOR_REGISTERED', 'staff-kim', '2026-03-01T00:00:00.000Z'],
      [2, 'OPERATOR_UPDATED', 'staff-lee', '2026-03-02T00:00:00.000Z'],
    ]);
    expect(audit.events[1]?.details).toEqual({
      operatorId: 'op-social',
      changes: { contactEmails: { from: ['legal@social.example'], to: ['new@social.example'] } },
    });
  });

  it('answers verified false when its last change was cut off', async () => {
    // Given
    await createOperator(input, '2026-03-01T00:00:00.000Z', 'staff-kim');
    await updateOperator('op-social', { name: 'Social Inc.' }, '2026-03-02T00:00:00.000Z', 'staff-lee');
    await tamper.remove(refs.operator('op-social').root.pk, 2);

    // When
    const audit = await getOperatorAudit('op-social');

    // Then
    expect(audit).toMatchObject({ verified: false, problem: 'the chain should reach event 2, but it ends at 1' });
  });

  it('answers NotFound for an unknown operator', async () => {
    await expect(getOperatorAudit('op-nobody')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('listDeadlineBoard', () => {
  it('lists open orders by deadline first, then the others newest first', async () => {
    // Given
    const closedOrder = (operatorId: string, issuedAt: string) =>
      anOrder({ caseId: OTHER_CASE_ID, operatorId, issuedAt, complianceStatus: 'COMPLIED', status: 'COMPLIED' });
    await plant.operator(anOperator());
    await plant.operator(anOperator({ operatorId: 'op-social', domains: ['social.example'] }));
    await plant.order(anOrder({ deadlineAt: '2026-03-03T05:00:00.000Z' }));
    await plant.order(anOrder({ operatorId: 'op-social', deadlineAt: '2026-03-03T01:00:00.000Z' }));
    await plant.order(closedOrder('op-webhard', '2026-02-01T00:00:00.000Z'));
    await plant.order(closedOrder('op-social', '2026-02-02T00:00:00.000Z'));

    // When
    const board = await listDeadlineBoard();

    // Then
    expect(board.map((entry) => [entry.operatorId, entry.caseId, entry.open])).toEqual([
      ['op-social', CASE_ID, true],
      ['op-webhard', CASE_ID, true],
      ['op-social', OTHER_CASE_ID, false],
      ['op-webhard', OTHER_CASE_ID, false],
    ]);
    expect(board[0]).toMatchObject({ status: 'ISSUED', deadlineAt: '2026-03-03T01:00:00.000Z', issuedAt: '2026-03-02T01:00:00.000Z' });
    expect(JSON.stringify(board)).not.toMatch(/notices|remindersSent/);
  });

  it('limits the closed orders to the most recent ones', async () => {
    // Given
    await plant.operator(anOperator());
    await plant.order(anOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED' }));
    await plant.order(
      anOrder({ caseId: OTHER_CASE_ID, complianceStatus: 'COMPLIED', status: 'COMPLIED', issuedAt: '2026-01-01T00:00:00.000Z' }),
    );

    // When
    const board = await listDeadlineBoard(1);

    // Then
    expect(board.map((entry) => entry.caseId)).toEqual([CASE_ID]);
  });

  it('flags an open order with URLs its operator cannot comply with, and not once the order is complied with', async () => {
    // Given an open order with one of its two URLs reported CANNOT_COMPLY, and a complied one that had such a URL
    const urlCompliance: UrlCompliance = {
      outcomes: { 0: 'DELETED', 1: 'CANNOT_COMPLY' },
      cannotComply: [{ reason: 'court hold', places: [1] }],
    };
    await plant.operator(anOperator());
    await plant.order(anOrder({ urlCount: 2, urlCompliance }));
    await plant.order(anOrder({ caseId: OTHER_CASE_ID, urlCount: 2, urlCompliance, complianceStatus: 'COMPLIED', status: 'COMPLIED' }));

    // When
    const board = await listDeadlineBoard();

    // Then the open one is flagged with the count, without the reason; the complied one is not flagged
    expect(board.map((entry) => [entry.caseId, entry.cannotComplyUrls])).toEqual([
      [CASE_ID, 1],
      [OTHER_CASE_ID, undefined],
    ]);
    expect(JSON.stringify(board)).not.toContain('court hold');
  });
});

describe('listCommitteeReviews', () => {
  const votes = { 'member-1': { decision: 'REVOKE' as const, at: VOTE_AT, reason: 'private reason' } };

  it('shows each review with the caller’s own vote only', async () => {
    // Given
    await plant.review(aReview({ votes }));

    // When
    const [mine] = await listCommitteeReviews(member('member-1'));
    const [theirs] = await listCommitteeReviews(member('member-2'));

    // Then
    expect(mine).toMatchObject({
      reviewId: POST_REVIEW_ID,
      kind: 'POST_REVIEW',
      status: 'OPEN',
      votesCast: 1,
      myVote: 'REVOKE',
      canVote: false,
    });
    expect(theirs).toMatchObject({ votesCast: 1, canVote: true, recused: false });
    expect(theirs).not.toHaveProperty('myVote');
    expect(JSON.stringify(theirs)).not.toContain('private reason');
  });

  it('filters by status and shows the outcome of closed reviews', async () => {
    // Given
    await plant.review(aReview());
    await plant.review(
      aReview({ reviewId: `R${OTHER_CASE_ID.slice(1)}-POST`, caseId: OTHER_CASE_ID, status: 'CLOSED', outcome: 'REVOKED' }),
    );

    // When
    const closed = await listCommitteeReviews(member('member-1'), { status: 'CLOSED' });

    // Then
    expect(closed).toEqual([expect.objectContaining({ caseId: OTHER_CASE_ID, outcome: 'REVOKED', canVote: false })]);
  });

  it('marks a recused member as unable to vote', () => {
    const view = committeeReviewView(
      aReview({ recusals: { 'member-3': { reason: 'family', at: VOTE_AT } } }),
      'member-3',
      policyById('kr-kcsc').votes,
    );
    expect(view).toMatchObject({ recused: true, canVote: false, eligibleMembers: ['member-1', 'member-2', 'member-4', 'member-5'] });
  });
});

/**
 * Branches of the workflow's services that the state-machine tests do not reach: the race closed
 * by StoreTaskToken, concurrent and late votes, early or repeated deadline runs, re-matching
 * UNASSIGNED URLs, failure sanitizing, and a payload the ASL got wrong.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as openCaseHandler } from '../../../functions/workflow/open-case';
import { ConflictError, ForbiddenError, WindowClosedError } from '../../../shared/domain/errors';
import { orderIdFor } from '../../../shared/domain/ids';
import type { CaseRecord, OrderRecord, ReviewRecord, VoteRecord } from '../../../shared/domain/model';
import { ESCALATED_WAIT_SECONDS, tokenPurpose } from '../../../shared/domain/waits';
import { closeCase, escalateApprovalSla, sanitizeFailure } from '../../../shared/services/case-workflow';
import { enforceDeadline, graceExpired } from '../../../shared/services/deadlines';
import { collectAppeals, issueOrders, listBatch, openAppealWindow, sendOrderNotice } from '../../../shared/services/order-workflow';
import { castVote, closeReviewAtDeadline, decideEscalatedReview, recuse } from '../../../shared/services/reviews';
import { storeAndCheckTaskToken } from '../../../shared/services/task-tokens';
import { refs } from '../../../shared/store/keys';
import {
  getCase,
  getCaseUrls,
  getOrder,
  getReview,
  getTaskToken,
  getUrlChunk,
  listOpenOrders,
  listOpenReviews,
  listTaskTokens,
  writeUrls,
} from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder, aReview, CASE_ID, CASE_URLS, POST_REVIEW_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { STAFF_EMAILS, useWorld } from '../../support/world';
import { chainOfCase, crashAfterCommit, givenLiveWait, unsettledOfCase } from './world-steps';

const NOW = '2026-03-05T00:00:00.000Z';
const JUST_BEFORE = '2026-03-04T23:59:59.999Z';
const SOCIAL_ORDER_ID = orderIdFor(CASE_ID, 'op-social');
const OPERATOR_MAIL = ['notices@webhard.example'];
const member = (n: number) => ({ userId: `member-${n}`, roles: ['committee' as const] });
const staff = (userId: string) => ({ userId, roles: ['staff' as const] });
const ballot = (decision: VoteRecord['decision']): VoteRecord => ({ decision, at: NOW });
const REVIEW_WAIT = tokenPurpose.review(POST_REVIEW_ID);

const world = useWorld();
const givenCase = (change: Partial<CaseRecord> = {}) =>
  plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z', ...change }));
const givenOrder = (change: Partial<OrderRecord> = {}) => plant.order(anOrder(change));
/** An order as issued: no deadline until SES accepts its ORDER notice. */
const givenIssuedOrder = (change: Partial<OrderRecord> = {}) => {
  const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = anOrder(change);
  return plant.order(issued);
};
/** A case under post-review (filed by staff-kim, approved by staff-lee) and its review. */
async function givenReview(change: Partial<ReviewRecord> = {}): Promise<void> {
  await givenCase({ status: 'UNDER_POST_REVIEW', approvals: [{ by: 'staff-lee', at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' }] });
  await plant.review(aReview(change));
}
const mailsTo = (addresses: readonly string[]) => world.mails.filter((mail) => mail.to.join() === addresses.join());

describe('StoreTaskToken closes the race between a person and the wait', () => {
  it.each([
    ['APPROVAL', 'approved before the wait', () => givenCase({ ordersIssuedAt: NOW }), { decision: 'APPROVED' }],
    ['APPROVAL', 'rejected before the wait', () => givenCase({ status: 'REJECTED', ordersIssuedAt: undefined }), { decision: 'REJECTED' }],
    [
      `COMPLIANCE#${WEBHARD_ORDER_ID}`,
      'complied',
      () => givenOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED' }),
      { outcome: 'COMPLIED' },
    ],
    [
      `COMPLIANCE#${WEBHARD_ORDER_ID}`,
      'lifted',
      () => givenOrder({ decisionStatus: 'REVOKED', status: 'REVOKED' }),
      { outcome: 'REVOKED' },
    ],
    [
      REVIEW_WAIT,
      'closed early',
      () => givenReview({ status: 'CLOSED', outcome: 'CONFIRMED', closedAt: NOW }),
      { decided: true, outcome: 'CONFIRMED' },
    ],
  ])('%s %s: the token is stored and completed at once', async (purpose, _what, given, output) => {
    // Given the act happened before the wait began
    await given();
    world.liveToken('token-1');

    // When the wait starts
    const answer = await storeAndCheckTaskToken(CASE_ID, purpose, 'token-1', NOW);

    // Then the token is stored and the wait completed with what the act's follow-up would have sent
    expect(await getTaskToken(CASE_ID, purpose)).toBe('token-1');
    expect(answer).toEqual({ completedAtOnce: true });
    expect(world.completedWaits).toEqual([{ token: 'token-1', output }]);
  });

  it.each([
    ['APPROVAL', () => givenCase({ status: 'PENDING_APPROVAL', ordersIssuedAt: undefined })],
    [`COMPLIANCE#${WEBHARD_ORDER_ID}`, () => givenOrder({ complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED' })],
    [REVIEW_WAIT, () => givenReview({ status: 'ESCALATED' })],
  ])('%s not yet happened: the token waits', async (purpose, given) => {
    // Given
    await given();
    world.liveToken('token-2');

    // When
    const answer = await storeAndCheckTaskToken(CASE_ID, purpose, 'token-2', NOW);

    // Then
    expect(answer).toEqual({ completedAtOnce: false });
    expect(await getTaskToken(CASE_ID, purpose)).toBe('token-2');
    expect(world.completedWaits).toEqual([]);
  });

  it('then the act’s own follow-up completes the waiting token', async () => {
    // Given a wait that started before the person acted
    await givenReview({ votes: { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM') } });
    world.liveToken('token-3');
    await storeAndCheckTaskToken(CASE_ID, REVIEW_WAIT, 'token-3', NOW);

    // When the deciding vote comes
    await castVote(member(3), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW);

    // Then the wait is completed once, and its token forgotten
    expect(world.completedWaits).toEqual([{ token: 'token-3', output: { decided: true, outcome: 'CONFIRMED' } }]);
    expect(await getTaskToken(CASE_ID, REVIEW_WAIT)).toBeUndefined();
  });

  it('refuses a purpose that tokenPurpose does not make, storing nothing', async () => {
    await expect(storeAndCheckTaskToken(CASE_ID, 'COMPLIANCE#a#b', 'token-3', NOW)).rejects.toThrow(/Unknown wait purpose/);
    expect(await listTaskTokens(CASE_ID)).toEqual([]);
  });
});

describe('votes', () => {
  it('keeps both votes of two members voting at once', async () => {
    // Given
    await givenReview();

    // When
    const answers = await Promise.all([
      castVote(member(1), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW),
      castVote(member(2), POST_REVIEW_ID, { decision: 'REVOKE' }, NOW),
    ]);

    // Then
    expect(answers.map((answer) => answer.closed)).toEqual([false, false]);
    expect(Object.keys((await getReview(POST_REVIEW_ID))?.votes ?? {}).sort()).toEqual(['member-1', 'member-2']);
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'VOTE_CAST')).toHaveLength(2);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each([
    ['a second vote', { votes: { 'member-1': ballot('CONFIRM') } }, ConflictError],
    ['a vote after the close', { closesAt: '2026-03-04T00:00:00.000Z' }, WindowClosedError],
    ['a vote in an escalated review', { status: 'ESCALATED' as const }, WindowClosedError],
    ['a vote after recusal', { recusals: { 'member-1': { reason: 'conflict', at: NOW } } }, ForbiddenError],
    ['a vote of a member not on the review', { eligibleMembers: ['member-2', 'member-3', 'member-4'] }, ForbiddenError],
  ])('%s is refused and changes nothing', async (_what, change, errorClass) => {
    // Given
    await givenReview(change);
    const before = await getReview(POST_REVIEW_ID);

    // When
    const voting = castVote(member(1), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW);

    // Then
    await expect(voting).rejects.toBeInstanceOf(errorClass);
    expect(await getReview(POST_REVIEW_ID)).toEqual(before);
    expect((await actionsOf(CASE_ID)).at(-1)).toBe('REVIEW_OPENED');
  });

  it('a recusal that makes the outcome certain closes the review and completes its wait', async () => {
    // Given CONFIRM, CONFIRM, REVOKE of four eligible members (member-5 is not on this review)
    await givenReview({
      eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'],
      votes: { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') },
    });
    await givenLiveWait(world, CASE_ID, REVIEW_WAIT, 'review-token', NOW);

    // When member-4, whose REVOKE would have tied the vote, recuses: 2 of the 3 present confirm
    const { closed } = await recuse(member(4), POST_REVIEW_ID, { reason: 'worked for the operator' }, NOW);

    // Then
    expect(closed).toBe(true);
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', outcomeReason: 'MAJORITY' });
    expect(await listOpenReviews()).toEqual([]);
    expect(world.completedWaits).toEqual([{ token: 'review-token', output: { decided: true, outcome: 'CONFIRMED' } }]);
    const chain = await chainOfCase(CASE_ID);
    expect(chain.slice(-2).map((event) => [event.action, event.actor])).toEqual([
      ['MEMBER_RECUSED', 'member-4'],
      ['REVIEW_CLOSED', 'system'],
    ]);
    expect(JSON.stringify(chain)).not.toContain('worked for the operator');
  });

  it('finishes a deciding vote whose request died after its commit when it is sent again: the review closes now, its wait completed once', async () => {
    // Given CONFIRM, CONFIRM, REVOKE of four, and member-4's vote committed just before the process died
    const deciding = {
      eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'],
      votes: { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') },
    };
    await crashAfterCommit(world, {
      given: async () => {
        await givenReview(deciding);
        await givenLiveWait(world, CASE_ID, REVIEW_WAIT, 'review-token', NOW);
      },
      act: () => castVote(member(4), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW),
      action: 'VOTE_CAST',
    });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'OPEN' });

    // When member-4 sends the vote again
    const retry = castVote(member(4), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW);

    // Then the retry is told the vote stands, the review it decided is closed at once, at the
    // vote's time, and the workflow was told once; nothing is left for the sweeper
    await expect(retry).rejects.toBeInstanceOf(ConflictError);
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', closedAt: NOW });
    expect(world.completedWaits).toEqual([{ token: 'review-token', output: { decided: true, outcome: 'CONFIRMED' } }]);
    expect(await unsettledOfCase(CASE_ID)).toEqual([]);
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'VOTE_CAST')).toHaveLength(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  // A RUN follow-up acts at the time of the event that caused it, not when it happens to run: the
  // appeal window is counted from the review's closedAt.
  it.each([
    ['the vote', () => castVote(member(4), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW)],
    ['the recusal', () => recuse(member(4), POST_REVIEW_ID, { reason: 'worked for the operator' }, NOW)],
  ])('a review closed by %s that decided it is closed at that act’s time', async (_what, decidingAct) => {
    // Given CONFIRM, CONFIRM, REVOKE of four eligible members
    await givenReview({
      eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'],
      votes: { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') },
    });

    // When the deciding act happens at NOW
    await decidingAct();

    // Then the review closed at NOW
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', closedAt: NOW });
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({ action: 'REVIEW_CLOSED', at: NOW });
  });

  it.each([
    ['an open review', 'OPEN' as const, staff('staff-park'), ConflictError],
    ['a closed review', 'CLOSED' as const, staff('staff-park'), ConflictError],
    ['a committee member', 'ESCALATED' as const, member(1), ForbiddenError],
    ['the staff member who filed the case', 'ESCALATED' as const, staff('staff-kim'), ForbiddenError],
    ['the staff member who approved the case', 'ESCALATED' as const, staff('staff-lee'), ForbiddenError],
  ])('a staff decision on %s is refused', async (_what, status, who, errorClass) => {
    // Given
    await givenReview({ status });

    // When
    const deciding = decideEscalatedReview(who, POST_REVIEW_ID, { decision: 'REVOKE', reason: 'r' }, NOW);

    // Then
    await expect(deciding).rejects.toBeInstanceOf(errorClass);
    expect((await getReview(POST_REVIEW_ID))?.status).toBe(status);
  });

  it('a staff decision on an escalated review closes it with the reason and completes its wait', async () => {
    // Given
    await givenReview({ status: 'ESCALATED' });
    await givenLiveWait(world, CASE_ID, REVIEW_WAIT, 'review-token', NOW);

    // When
    const { review } = await decideEscalatedReview(
      staff('staff-park'),
      POST_REVIEW_ID,
      { decision: 'REVOKE', reason: 'not illegal after all' },
      NOW,
    );

    // Then
    expect(review).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION', closedAt: NOW });
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({
      action: 'REVIEW_CLOSED',
      actor: 'staff-park',
      details: { outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION', reason: 'not illegal after all' },
    });
    expect(world.completedWaits).toEqual([{ token: 'review-token', output: { decided: true, outcome: 'REVOKED' } }]);
  });
});

describe('a review at its deadline', () => {
  it('called before closesAt changes nothing and says how long to wait', async () => {
    // Given
    await givenReview({ closesAt: '2026-03-05T00:00:10.000Z' });

    // When
    const answer = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);

    // Then
    expect(answer).toEqual({ decided: false, outcome: null, secondsToClose: 10 });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'OPEN', extended: false });
    expect((await actionsOf(CASE_ID)).at(-1)).toBe('REVIEW_OPENED');
  });

  it('extends a review without quorum once, moving it in the open-reviews list', async () => {
    // Given
    await givenReview({ closesAt: NOW });

    // When
    const answer = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);

    // Then
    // Counted by the Civil Act: 7 days from the day after the old close (09:00 in Seoul), to 24:00 there
    expect(answer).toEqual({ decided: false, outcome: null, secondsToClose: 7 * 86_400 + 15 * 3_600 });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'OPEN', extended: true, closesAt: '2026-03-12T15:00:00.000Z' });
    expect((await listOpenReviews()).map((review) => [review.reviewId, review.closesAt])).toEqual([
      [POST_REVIEW_ID, '2026-03-12T15:00:00.000Z'],
    ]);
    expect((await chainOfCase(CASE_ID)).at(-1)).toMatchObject({
      action: 'REVIEW_EXTENDED',
      details: { closesAt: '2026-03-12T15:00:00.000Z' },
    });
  });

  it('decides a review with a quorum at its deadline', async () => {
    // Given two REVOKE votes and an abstention of five
    await givenReview({
      closesAt: NOW,
      votes: { 'member-1': ballot('REVOKE'), 'member-2': ballot('REVOKE'), 'member-3': ballot('ABSTAIN') },
    });

    // When
    const answer = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);

    // Then
    expect(answer).toEqual({ decided: true, outcome: 'REVOKED', secondsToClose: 0 });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcomeReason: 'MAJORITY' });
  });

  it('escalates once to staff after the extension; a second run neither alerts nor changes again', async () => {
    // Given
    await givenReview({ closesAt: NOW, extended: true });

    // When
    const first = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);
    const second = await closeReviewAtDeadline(POST_REVIEW_ID, '2026-03-06T00:00:00.000Z');

    // Then the workflow waits for the staff decision as long as an execution may last (a year), not in a daily recheck loop
    expect(first).toEqual({ decided: false, outcome: null, secondsToClose: 365 * 86_400 });
    expect(second).toEqual(first);
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'ESCALATED' });
    expect(await listOpenReviews()).toEqual([]);
    expect(mailsTo(STAFF_EMAILS)).toHaveLength(1);
    expect(world.mails[0]?.subject).toContain(POST_REVIEW_ID);
    expect((await getCase(CASE_ID))?.staffAlerts).toMatchObject([
      { eventKey: `review-escalated:${POST_REVIEW_ID}`, messageId: 'message-1' },
    ]);
    expect((await actionsOf(CASE_ID)).slice(2)).toEqual(['REVIEW_ESCALATED', 'STAFF_ALERTED']);
  });

  it('lifts the order instead when the policy says so', async () => {
    // Given
    await world.reset({ unreviewedOrder: 'lift' });
    await givenReview({ closesAt: NOW, extended: true });

    // When
    const answer = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);

    // Then
    expect(answer).toEqual({ decided: true, outcome: 'REVOKED', secondsToClose: 0 });
    expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcomeReason: 'AUTO_LIFTED' });
    expect(world.mails).toEqual([]);
  });
});

describe('deadline enforcement', () => {
  beforeEach(async () => {
    await plant.operator(anOperator());
    await givenCase();
  });

  it.each([
    ['before its deadline', '2026-03-05T00:00:00.001Z'],
    ['at its deadline, when compliance is still on time', NOW],
  ])('refuses to call an order overdue %s, as a retryable error', async (_, deadlineAt) => {
    // Given
    await givenOrder({ deadlineAt });

    // When
    const enforcing = enforceDeadline(WEBHARD_ORDER_ID, NOW);

    // Then
    await expect(enforcing).rejects.toMatchObject({ name: 'TransientError' });
    expect((await getOrder(WEBHARD_ORDER_ID))?.complianceStatus).toBe('ISSUED');
  });

  it('marks the order OVERDUE once, with one notice to the operator and one alert to staff however often it runs', async () => {
    // Given
    await givenOrder({ deadlineAt: JUST_BEFORE, graceEndsAt: '2026-03-05T00:01:00.000Z' });

    // When
    const first = await enforceDeadline(WEBHARD_ORDER_ID, NOW);
    const again = await enforceDeadline(WEBHARD_ORDER_ID, '2026-03-05T00:00:30.000Z');

    // Then
    expect(first).toEqual({ outcome: 'OVERDUE', secondsToGraceEnd: 60 });
    expect(again).toEqual({ outcome: 'OVERDUE', secondsToGraceEnd: 30 });
    const order = await getOrder(WEBHARD_ORDER_ID);
    expect(order).toMatchObject({ status: 'OVERDUE', complianceStatus: 'OVERDUE', overdueAt: NOW });
    expect(order?.notices).toMatchObject([{ kind: 'OVERDUE', to: OPERATOR_MAIL }]);
    expect(await listOpenOrders()).toEqual([]);
    expect(mailsTo(OPERATOR_MAIL)).toHaveLength(1);
    expect(mailsTo(STAFF_EMAILS)).toHaveLength(1);
    expect((await actionsOf(CASE_ID)).slice(2)).toEqual(['ORDER_OVERDUE', 'NOTICE_SENT', 'STAFF_ALERTED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each([
    ['complied', { complianceStatus: 'COMPLIED', status: 'COMPLIED' }, 'COMPLIED'],
    ['complied late', { complianceStatus: 'COMPLIED_LATE', status: 'COMPLIED_LATE' }, 'COMPLIED_LATE'],
    ['revoked', { decisionStatus: 'REVOKED', status: 'REVOKED' }, 'REVOKED'],
    ['overturned', { decisionStatus: 'OVERTURNED', status: 'OVERTURNED' }, 'REVOKED'],
  ] as const)('an order already %s is answered as it stands, without notices', async (_what, state, outcome) => {
    // Given
    await givenOrder({ deadlineAt: JUST_BEFORE, ...state });

    // When
    const answer = await enforceDeadline(WEBHARD_ORDER_ID, NOW);

    // Then
    expect(answer.outcome).toBe(outcome);
    expect(world.mails).toEqual([]);
    expect(await actionsOf(CASE_ID)).toEqual(['REPORT_FILED', 'ORDER_ISSUED']);
  });

  it.each([
    ['before', '2026-03-05T00:00:01.000Z'],
    ['at the last instant of', NOW],
  ])('does not record non-compliance %s the grace period', async (_, graceEndsAt) => {
    await givenOrder({ complianceStatus: 'OVERDUE', status: 'OVERDUE', graceEndsAt });
    await expect(graceExpired(WEBHARD_ORDER_ID, NOW)).rejects.toMatchObject({ name: 'TransientError' });
    expect(await getOrder(WEBHARD_ORDER_ID)).not.toHaveProperty('nonComplianceRecordedAt');
  });

  it('records non-compliance once when the grace period ended', async () => {
    // Given
    await givenOrder({ complianceStatus: 'OVERDUE', status: 'OVERDUE', graceEndsAt: JUST_BEFORE });

    // When
    const first = await graceExpired(WEBHARD_ORDER_ID, NOW);
    const again = await graceExpired(WEBHARD_ORDER_ID, '2026-03-06T00:00:00.000Z');

    // Then
    expect([first, again]).toEqual([{ outcome: 'OVERDUE' }, { outcome: 'OVERDUE' }]);
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ complianceStatus: 'OVERDUE', nonComplianceRecordedAt: NOW });
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'NON_COMPLIANCE_RECORDED')).toHaveLength(1);
  });
});

describe('issuing orders', () => {
  beforeEach(async () => {
    await plant.operator(anOperator());
    await plant.operator(anOperator({ operatorId: 'op-social', domains: ['social.example'], contactEmails: ['legal@social.example'] }));
  });

  it('matches UNASSIGNED URLs again, keeps the unmatched ones once, tells staff once, and is idempotent', async () => {
    // Given a case approved with one URL unassigned, whose operator has since been registered,
    // and one URL that still matches nobody
    const unassigned = [
      { url: 'https://social.example/p/10', host: 'social.example', operatorId: null },
      { url: 'https://nobody.example/x', host: 'nobody.example', operatorId: null },
    ];
    await givenCase();
    await writeUrls(CASE_ID, [...CASE_URLS.filter((url) => url.operatorId === 'op-webhard'), ...unassigned]);

    // When IssueOrders runs twice (a retry)
    const first = await issueOrders(CASE_ID, NOW);
    const second = await issueOrders(CASE_ID, NOW);

    // Then
    // (one batch of the workflow's Map, whose ids the Map's own task reads)
    expect(first).toEqual({ orderBatches: [0] });
    expect(second).toEqual(first);
    expect(await listBatch(CASE_ID, 'ORDERS', 0)).toEqual({ ids: [SOCIAL_ORDER_ID, WEBHARD_ORDER_ID] });
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ urlCount: 1, issuedAt: '2026-03-02T01:00:00.000Z', status: 'ISSUED' });
    // (no deadline yet: the clock starts when SES accepts the order's notice)
    expect((await getOrder(SOCIAL_ORDER_ID))?.deadlineAt).toBeUndefined();
    const issued = (await chainOfCase(CASE_ID)).filter((event) => event.action === 'ORDER_ISSUED');
    for (const event of issued) expect(event.details).not.toHaveProperty('deadlineAt');
    const urls = async (operatorId: string | null) => (await getCaseUrls(CASE_ID, operatorId)).map((url) => url.url);
    expect(await urls('op-social')).toEqual(['https://social.example/p/10']);
    expect(await urls('op-webhard')).toEqual(['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124']);
    expect(await urls(null)).toEqual(['https://nobody.example/x']);
    expect(await getUrlChunk(CASE_ID, null, 1)).toBeUndefined();
    expect(await getCase(CASE_ID)).toMatchObject({ unassignedUrls: 1, urlsMatchedAt: NOW });
    expect(mailsTo(STAFF_EMAILS)).toHaveLength(1);
    expect((await actionsOf(CASE_ID)).slice(1)).toEqual(['ORDER_ISSUED', 'ORDER_ISSUED', 'URLS_MATCHED', 'STAFF_ALERTED']);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it.each<[string, Partial<OrderRecord>]>([
    ['lifted', { decisionStatus: 'REVOKED', status: 'REVOKED' }],
    ['overturned', { decisionStatus: 'OVERTURNED', status: 'OVERTURNED' }],
  ])('sends no order notice for an order %s before its notice went out: SETTLED', async (_label, change) => {
    // Given
    await givenIssuedOrder(change);

    // When
    const answer = await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);

    // Then
    expect(answer).toEqual({ state: 'SETTLED', secondsToDeadline: 1, deadlineAt: null, secondsToWait: 1 });
    expect(world.mails).toEqual([]);
  });

  it('still serves the notice, once, on an order complied with before it went out (seen in the API first)', async () => {
    // Given an operator that complied on seeing the order before its e-mail was sent
    await givenCase();
    await givenIssuedOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: '2026-03-02T02:00:00.000Z' });

    // When the notice task runs, and runs again (a retry)
    const answer = await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);
    const again = await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);

    // Then the operator got the order in writing once, the order stays complied, and its track ends
    expect(mailsTo(OPERATOR_MAIL)).toHaveLength(1);
    expect(mailsTo(OPERATOR_MAIL)[0]?.text).toMatch(/that you acted on this order: nothing more is needed|조치 결과를 이미 보고했습니다/);
    expect(answer.state).toBe('SETTLED');
    expect(again).toEqual(answer);
    const order = await getOrder(WEBHARD_ORDER_ID);
    expect(order).toMatchObject({ complianceStatus: 'COMPLIED', status: 'COMPLIED' });
    expect(order?.notices.map((notice) => notice.kind)).toEqual(['ORDER']);
    expect(await actionsOf(CASE_ID)).not.toContain('ORDER_OVERDUE');
  });

  it('answers DELIVERED without sending again for an order whose notice was accepted', async () => {
    // Given an order whose clock runs (its notice accepted), due 5 s from now
    await givenOrder({ noticeAcceptedAt: '2026-03-04T00:00:05.000Z', deadlineAt: '2026-03-05T00:00:05.000Z' });

    // When the task runs again (a retry)
    const answer = await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW);

    // Then it waits for compliance up to the deadline, and sends nothing
    expect(answer).toEqual({ state: 'DELIVERED', secondsToDeadline: 5, deadlineAt: '2026-03-05T00:00:05.000Z', secondsToWait: 1 });
    expect(world.mails).toEqual([]);
  });

  it('counts the compliance wait from after the notice went out, ending at or before the deadline', async () => {
    // Given an issued order whose notice SES accepts at 00:00:00.250 (its deadline 24 hours later, to the
    // whole second), and a task clock read after sending 3.5 s later; the case gives the notice its statement of reasons
    await givenCase();
    await givenIssuedOrder();
    const readings: string[] = [];
    const clock = () => {
      readings.push(world.mails.length > 0 ? 'after-send' : 'before-send');
      return '2026-03-05T00:00:03.500Z';
    };
    vi.useFakeTimers({ now: Date.parse('2026-03-05T00:00:00.250Z'), toFake: ['Date'] });

    // When the notice task runs
    let answer: Awaited<ReturnType<typeof sendOrderNotice>>;
    try {
      answer = await sendOrderNotice(WEBHARD_ORDER_ID, clock);
    } finally {
      vi.useRealTimers();
    }

    // Then the deadline runs from the acceptance, the answer was computed from the clock read after
    // sending, and the wait ends at the deadline's last whole second
    const order = await getOrder(WEBHARD_ORDER_ID);
    expect(order).toMatchObject({ noticeAcceptedAt: '2026-03-05T00:00:00.250Z', deadlineAt: '2026-03-06T00:00:01.000Z' });
    expect(readings.at(-1)).toBe('after-send');
    expect(answer).toEqual({ state: 'DELIVERED', secondsToDeadline: 86_397, deadlineAt: '2026-03-06T00:00:01.000Z', secondsToWait: 1 });
    expect(order?.notices).toMatchObject([{ kind: 'ORDER', eventKey: `order:${WEBHARD_ORDER_ID}`, status: 'SENT' }]);
  });
});

describe('the appeal window', () => {
  it('ends its Wait on a whole second at or after the deadline, which Step Functions can honour exactly', async () => {
    // Given a policy counting days exactly (the Civil Act's count ends at midnight), and a case whose orders the committee confirmed
    await world.reset({ dayCount: 'EXACT' });
    await plant.operator(anOperator());
    await givenCase({ status: 'CONFIRMED' });
    await plant.review(aReview({ status: 'CLOSED', outcome: 'CONFIRMED', closedAt: '2026-03-04T10:00:00.250Z' }));
    await givenOrder({ decisionStatus: 'CONFIRMED', status: 'CONFIRMED' });

    // When
    const answer = await openAppealWindow(CASE_ID, NOW);

    // Then
    expect(answer).toEqual({ closesAt: '2026-03-19T10:00:00.250Z', waitUntil: '2026-03-19T10:00:01Z' });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ appealDeadline: '2026-03-19T10:00:00.250Z', appealWindowOpenedAt: NOW });
    expect((await getCase(CASE_ID))?.status).toBe('APPEAL_WINDOW');
    expect(mailsTo(OPERATOR_MAIL)).toHaveLength(1);
  });

  it('is not collected before it has closed (a timer that fires early is retried)', async () => {
    // Given
    await givenOrder({ decisionStatus: 'CONFIRMED', status: 'CONFIRMED', appealDeadline: '2026-03-05T00:00:00.500Z' });

    // When, Then
    await expect(collectAppeals(CASE_ID, NOW)).rejects.toMatchObject({ name: 'TransientError' });
    expect(await collectAppeals(CASE_ID, '2026-03-05T00:00:00.500Z')).toEqual({ appealBatches: [] });
  });
});

describe('case steps', () => {
  it('does not alert staff about a case that was decided in time', async () => {
    await givenCase();
    expect(await escalateApprovalSla(CASE_ID, NOW)).toMatchObject({ alerted: false });
    expect(world.mails).toEqual([]);
  });

  it('alerts staff once about a case still waiting for approval past its SLA', async () => {
    // Given
    await givenCase({ status: 'PENDING_APPROVAL', ordersIssuedAt: undefined });

    // When
    const first = await escalateApprovalSla(CASE_ID, NOW);
    const again = await escalateApprovalSla(CASE_ID, '2026-03-05T01:00:00.000Z');

    // Then
    expect([first.alerted, again.alerted]).toEqual([true, true]);
    // waited for until staff decide, as long as the execution may run: no recheck loop
    expect([first.secondsToWait, again.secondsToWait]).toEqual([ESCALATED_WAIT_SECONDS, ESCALATED_WAIT_SECONDS]);
    expect(mailsTo(STAFF_EMAILS).map((mail) => mail.subject)).toEqual([expect.stringContaining(CASE_ID)]);
    expect((await actionsOf(CASE_ID)).slice(1)).toEqual(['APPROVAL_SLA_MISSED', 'STAFF_ALERTED']);
  });

  it('keeps a REVOKED case REVOKED when closing it, setting closedAt once', async () => {
    // Given
    await givenCase({ status: 'REVOKED' });

    // When
    await closeCase(CASE_ID, NOW);
    await closeCase(CASE_ID, '2026-03-06T00:00:00.000Z');

    // Then
    expect(await getCase(CASE_ID)).toMatchObject({ status: 'REVOKED', closedAt: NOW });
    expect((await actionsOf(CASE_ID)).slice(1)).toEqual(['CASE_CLOSED']);
  });

  it.each([
    [
      'Lambda JSON cause',
      'Error',
      JSON.stringify({
        errorType: 'Error',
        errorMessage: 'cannot fetch https://victim.example/v/1 for jane@victim.example',
        trace: ['at x'],
      }),
      'Error: cannot fetch [url] for [e-mail]',
    ],
    ['plain cause', 'States.Timeout', 'Task timed out after 60 seconds', 'Task timed out after 60 seconds'],
    ['long cause', 'Error', 'x'.repeat(2000), 'x'.repeat(500)],
  ])('sanitizes a %s', (_what, error, cause, expected) => {
    expect(sanitizeFailure(error, cause)).toEqual({ error, cause: expected });
  });

  it('a task payload the ASL got wrong fails with the bad fields named', async () => {
    await expect(openCaseHandler({ case: CASE_ID })).rejects.toThrow(/OpenCase: .*bad fields \(caseId\)/);
  });
});

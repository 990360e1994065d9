/**
 * Branches of the workflow's services that the state-machine tests do not reach: the race closed
 * by StoreTaskToken, concurrent and late votes, early or repeated deadline runs, re-matching
 * UNASSIGNED URLs, failure sanitizing, and a payload the ASL got wrong.
 */
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, WindowClosedError } from '../../../shared/domain/errors';
import { orderIdFor } from '../../../shared/domain/ids';
import type { OrderRecord, ReviewRecord } from '../../../shared/domain/model';
import { handler as openCaseHandler } from '../../../functions/workflow/open-case';
import { closeCase, escalateApprovalSla, sanitizeFailure } from '../../../shared/services/case-workflow';
import { enforceDeadline, graceExpired } from '../../../shared/services/deadlines';
import { collectAppeals, issueOrders, openAppealWindow, sendOrderNotice } from '../../../shared/services/order-workflow';
import { castVote, closeReviewAtDeadline, decideEscalatedReview, recuse } from '../../../shared/services/reviews';
import { storeAndCheckTaskToken } from '../../../shared/services/task-tokens';
import { keys } from '../../../shared/store/keys';
import { caseItem, operatorItem, orderItem, reviewItem } from '../../../shared/store/repository';
import { givenItems, givenStaleReadOnce, resetAws, sfnMock, storedItem, storedItems } from '../../support/fake-table';
import {
  aCase,
  anOperator,
  anOrder,
  aReview,
  CASE_ID,
  CASE_URLS,
  POST_REVIEW_ID,
  urlChunkItems,
  WEBHARD_ORDER_ID,
} from '../../support/records';

const sesMock = mockClient(SESClient);
const NOW = '2026-03-05T00:00:00.000Z';
const PK = `CASE#${CASE_ID}`;
const member = (n: number) => ({ userId: `member-${n}`, roles: ['committee' as const] });
const staffPark = { userId: 'staff-park', roles: ['staff' as const] };

beforeEach(() => {
  resetAws({ COMMITTEE_MEMBERS: 'member-1,member-2,member-3,member-4,member-5', STAFF_EMAILS: 'duty@commission.example' });
  sesMock.reset();
  let sent = 0;
  sesMock.on(SendEmailCommand).callsFake(() => ({ MessageId: `msg-${++sent}` }));
});

const emailsTo = (address: string) =>
  sesMock.commandCalls(SendEmailCommand).filter((call) => call.args[0].input.Destination?.ToAddresses?.includes(address));
const completions = () => sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input);
const storedOrder = (orderId = WEBHARD_ORDER_ID) => storedItem(PK, `ORDER#${orderId}`) as OrderRecord | undefined;
const storedReview = () => storedItem(PK, `REVIEW#${POST_REVIEW_ID}`) as ReviewRecord | undefined;

describe('StoreTaskToken closes the race between a person and the wait', () => {
  it.each([
    ['APPROVAL', 'approved before the wait', () => givenItems(caseItem(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: NOW }))), { decision: 'APPROVED' }],
    ['APPROVAL', 'rejected before the wait', () => givenItems(caseItem(aCase({ status: 'REJECTED' }))), { decision: 'REJECTED' }],
    [`COMPLIANCE#${WEBHARD_ORDER_ID}`, 'complied', () => givenItems(orderItem(anOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED' }))), { outcome: 'COMPLIED' }],
    [`COMPLIANCE#${WEBHARD_ORDER_ID}`, 'lifted', () => givenItems(orderItem(anOrder({ decisionStatus: 'REVOKED', status: 'REVOKED' }))), { outcome: 'REVOKED' }],
    [`REVIEW#${POST_REVIEW_ID}`, 'closed early', () => givenItems(reviewItem(aReview({ status: 'CLOSED', outcome: 'CONFIRMED', closedAt: NOW }))), { decided: true, outcome: 'CONFIRMED' }],
  ])('%s %s: the token is stored and completed at once', async (purpose, _what, given, output) => {
    // Given the act happened before the wait began
    given();
    // When the wait starts
    const answer = await storeAndCheckTaskToken(CASE_ID, purpose, 'token-1', NOW);
    // Then the token is stored and the wait completed with what the act's handler would have sent
    expect(storedItem(PK, `TOKEN#${purpose}`)).toMatchObject({ token: 'token-1' });
    expect(answer).toEqual({ completedAtOnce: true });
    expect(completions()).toEqual([{ taskToken: 'token-1', output: JSON.stringify(output) }]);
  });

  it.each([
    ['APPROVAL', () => givenItems(caseItem(aCase()))],
    [`COMPLIANCE#${WEBHARD_ORDER_ID}`, () => givenItems(orderItem(anOrder({ complianceStatus: 'ACKNOWLEDGED', status: 'ACKNOWLEDGED' })))],
    [`REVIEW#${POST_REVIEW_ID}`, () => givenItems(reviewItem(aReview({ status: 'ESCALATED' })))],
  ])('%s not yet happened: the token waits', async (purpose, given) => {
    given();
    expect(await storeAndCheckTaskToken(CASE_ID, purpose, 'token-2', NOW)).toEqual({ completedAtOnce: false });
    expect(completions()).toEqual([]);
  });

  it('refuses a purpose that keys.ts does not make', async () => {
    await expect(storeAndCheckTaskToken(CASE_ID, 'COMPLIANCE#a#b', 'token-3', NOW)).rejects.toThrow(/Unknown wait purpose/);
    expect(storedItems({ pk: PK, skPrefix: 'TOKEN#' })).toEqual([]);
  });
});

describe('votes', () => {
  const openReview = (overrides: Partial<ReviewRecord> = {}) => givenItems(reviewItem(aReview(overrides)));

  it('a vote that lands while another member voted keeps both votes', async () => {
    // Given member-1's vote was written between member-2's read and write
    openReview({ votes: { 'member-1': { decision: 'CONFIRM', at: NOW } } });
    givenStaleReadOnce(reviewItem(aReview()));
    // When member-2 votes
    const { review, closed } = await castVote(member(2), POST_REVIEW_ID, { decision: 'REVOKE' }, NOW);
    // Then both votes are stored
    expect(Object.keys(review.votes).sort()).toEqual(['member-1', 'member-2']);
    expect(closed).toBe(false);
  });

  it.each([
    ['a second vote', () => openReview({ votes: { 'member-1': { decision: 'CONFIRM', at: NOW } } }), ConflictError],
    ['a vote after the close', () => openReview({ closesAt: '2026-03-04T00:00:00.000Z' }), WindowClosedError],
    ['a vote in an escalated review', () => openReview({ status: 'ESCALATED' }), WindowClosedError],
    ['a vote after recusal', () => openReview({ recusals: { 'member-1': { reason: 'conflict', at: NOW } } }), ForbiddenError],
  ])('%s is refused and changes nothing', async (_what, given, errorClass) => {
    given();
    const before = storedReview();
    await expect(castVote(member(1), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW)).rejects.toBeInstanceOf(errorClass);
    expect(storedReview()).toEqual(before);
  });

  it('a recusal that makes the outcome certain closes the review and completes its wait', async () => {
    // Given two CONFIRM votes of four eligible members (member-5 is not on this review)
    openReview({
      eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'],
      votes: { 'member-1': { decision: 'CONFIRM', at: NOW }, 'member-2': { decision: 'CONFIRM', at: NOW } },
    });
    givenItems({ ...keys.taskToken(CASE_ID, `REVIEW#${POST_REVIEW_ID}`), token: 'review-token' });
    // When member-3 recuses: 2 of 3 voted, and CONFIRM leads beyond what member-4 could change
    const { closed } = await recuse(member(3), POST_REVIEW_ID, { reason: 'worked for the operator' }, NOW);
    // Then
    expect(closed).toBe(true);
    expect(storedReview()).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', outcomeReason: 'MAJORITY' });
    expect(storedReview()).not.toHaveProperty('gsi2pk');
    expect(completions()).toEqual([{ taskToken: 'review-token', output: '{"decided":true,"outcome":"CONFIRMED"}' }]);
  });

  it.each([
    ['an open review', 'OPEN' as const, staffPark, ConflictError],
    ['a closed review', 'CLOSED' as const, staffPark, ConflictError],
    ['a committee member', 'ESCALATED' as const, member(1), ForbiddenError],
  ])('a staff decision on %s is refused', async (_what, status, who, errorClass) => {
    openReview({ status });
    await expect(decideEscalatedReview(who, POST_REVIEW_ID, { decision: 'REVOKE', reason: 'r' }, NOW)).rejects.toBeInstanceOf(
      errorClass,
    );
  });
});

describe('a review at its deadline', () => {
  it('called before closesAt changes nothing and says how long to wait', async () => {
    givenItems(reviewItem(aReview({ closesAt: '2026-03-05T00:00:10.000Z' })));
    expect(await closeReviewAtDeadline(POST_REVIEW_ID, NOW)).toEqual({ decided: false, outcome: null, secondsToClose: 10 });
    expect(storedReview()).toMatchObject({ status: 'OPEN', extended: false });
  });

  it('extends a review without quorum once, moving it in the open-reviews index', async () => {
    givenItems(reviewItem(aReview({ closesAt: NOW })));
    const answer = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);
    expect(answer).toEqual({ decided: false, outcome: null, secondsToClose: 7 * 86_400 });
    expect(storedReview()).toMatchObject({
      extended: true,
      closesAt: '2026-03-12T00:00:00.000Z',
      gsi2pk: 'OPEN_REVIEWS',
      gsi2sk: `2026-03-12T00:00:00.000Z#${POST_REVIEW_ID}`,
    });
  });

  it('escalates once to staff after the extension; a second run neither alerts nor changes again', async () => {
    givenItems(reviewItem(aReview({ closesAt: NOW, extended: true })));
    const first = await closeReviewAtDeadline(POST_REVIEW_ID, NOW);
    const second = await closeReviewAtDeadline(POST_REVIEW_ID, '2026-03-06T00:00:00.000Z');
    expect(first).toEqual({ decided: false, outcome: null, secondsToClose: 86_400 });
    expect(second).toEqual(first);
    expect(storedReview()).toMatchObject({ status: 'ESCALATED' });
    expect(storedReview()).not.toHaveProperty('gsi2pk');
    expect(emailsTo('duty@commission.example')).toHaveLength(1);
  });
});

describe('deadline enforcement', () => {
  beforeEach(() => givenItems(operatorItem(anOperator())));

  it('refuses to call an order overdue before its deadline, as a retryable error', async () => {
    givenItems(orderItem(anOrder({ deadlineAt: '2026-03-05T00:00:00.001Z' })));
    await expect(enforceDeadline(WEBHARD_ORDER_ID, NOW)).rejects.toMatchObject({ name: 'TransientError' });
    expect(storedOrder()?.complianceStatus).toBe('ISSUED');
  });

  it('marks the order OVERDUE once, with one notice to the operator and one alert to staff however often it runs', async () => {
    givenItems(orderItem(anOrder({ deadlineAt: NOW, graceEndsAt: '2026-03-05T00:01:00.000Z' })));
    const first = await enforceDeadline(WEBHARD_ORDER_ID, NOW);
    const again = await enforceDeadline(WEBHARD_ORDER_ID, '2026-03-05T00:00:30.000Z');
    expect(first).toEqual({ outcome: 'OVERDUE', secondsToGraceEnd: 60 });
    expect(again).toEqual({ outcome: 'OVERDUE', secondsToGraceEnd: 30 });
    expect(storedOrder()).toMatchObject({ status: 'OVERDUE', complianceStatus: 'OVERDUE', overdueAt: NOW });
    expect(storedOrder()).not.toHaveProperty('gsi2pk');
    expect(emailsTo('notices@webhard.example')).toHaveLength(1);
    expect(emailsTo('duty@commission.example')).toHaveLength(1);
  });

  it.each([
    ['complied', { complianceStatus: 'COMPLIED', status: 'COMPLIED' }, 'COMPLIED'],
    ['complied late', { complianceStatus: 'COMPLIED_LATE', status: 'COMPLIED_LATE' }, 'COMPLIED_LATE'],
    ['revoked', { decisionStatus: 'REVOKED', status: 'REVOKED' }, 'REVOKED'],
    ['overturned', { decisionStatus: 'OVERTURNED', status: 'OVERTURNED' }, 'REVOKED'],
  ] as const)('an order already %s is answered as it stands, without notices', async (_what, state, outcome) => {
    givenItems(orderItem(anOrder({ deadlineAt: NOW, ...state })));
    expect((await enforceDeadline(WEBHARD_ORDER_ID, NOW)).outcome).toBe(outcome);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('does not record non-compliance before the grace period ends', async () => {
    givenItems(orderItem(anOrder({ complianceStatus: 'OVERDUE', status: 'OVERDUE', graceEndsAt: '2026-03-05T00:00:01.000Z' })));
    await expect(graceExpired(WEBHARD_ORDER_ID, NOW)).rejects.toMatchObject({ name: 'TransientError' });
  });
});

describe('issuing orders', () => {
  beforeEach(() => {
    givenItems(
      operatorItem(anOperator()),
      operatorItem(anOperator({ operatorId: 'op-social', domains: ['social.example'], contactEmails: ['legal@social.example'] })),
    );
  });

  it('matches UNASSIGNED URLs again, keeps the unmatched ones once, and is idempotent', async () => {
    // Given a case approved with one URL unassigned, whose operator has since been registered,
    // and one URL that still matches nobody
    const unassigned = [
      { url: 'https://social.example/p/10', host: 'social.example', operatorId: null },
      { url: 'https://nobody.example/x', host: 'nobody.example', operatorId: null },
    ];
    const urls = [...CASE_URLS.filter((u) => u.operatorId === 'op-webhard'), ...unassigned];
    givenItems(caseItem(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T01:00:00.000Z' })), ...urlChunkItems(CASE_ID, urls));
    // When IssueOrders runs twice (a retry)
    const first = await issueOrders(CASE_ID, NOW);
    const second = await issueOrders(CASE_ID, NOW);
    // Then
    const orderIds = [orderIdFor(CASE_ID, 'op-social'), WEBHARD_ORDER_ID];
    expect(first).toEqual({ orderIds, orderBatches: [orderIds] });
    expect(second).toEqual(first);
    expect(storedOrder(orderIdFor(CASE_ID, 'op-social'))).toMatchObject({
      urlCount: 1,
      issuedAt: '2026-03-02T01:00:00.000Z',
      deadlineAt: '2026-03-03T01:00:00.000Z',
      status: 'ISSUED',
    });
    const chunks = storedItems({ pk: PK, skPrefix: 'URLS#' }).map((item) => [item.sk, (item.urls as { url: string }[]).map((u) => u.url)]);
    expect(chunks).toEqual([
      ['URLS#op-social#0000', ['https://social.example/p/10']],
      ['URLS#op-webhard#0000', ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124']],
      ['URLS#~UNASSIGNED#0000', ['https://nobody.example/x']],
    ]);
    expect(emailsTo('duty@commission.example')).toHaveLength(1);
  });

  it('sends no order notice for an order lifted before its notice went out', async () => {
    givenItems(orderItem(anOrder({ decisionStatus: 'REVOKED', status: 'REVOKED', deadlineAt: '2026-03-05T00:00:05.000Z' })));
    expect(await sendOrderNotice(WEBHARD_ORDER_ID, () => NOW)).toEqual({
      secondsToDeadline: 5,
      deadlineAt: '2026-03-05T00:00:05.000Z',
    });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('counts the compliance wait from after the notice went out, ending at or before the deadline', async () => {
    // Given an order due 5 s from now, and a notice that takes 3.5 s to send
    givenItems(orderItem(anOrder({ deadlineAt: '2026-03-05T00:00:05.000Z' })));
    const readings: string[] = [];
    const clock = () => {
      readings.push(sesMock.commandCalls(SendEmailCommand).length > 0 ? 'after-send' : 'before-send');
      return '2026-03-05T00:00:03.500Z';
    };
    // When the notice task runs
    const answer = await sendOrderNotice(WEBHARD_ORDER_ID, clock);
    // Then the clock was read after sending, and the wait ends at the deadline's last whole second
    expect(readings).toEqual(['after-send']);
    expect(answer.secondsToDeadline).toBe(1);
  });
});

describe('the appeal window', () => {
  it('ends its Wait on a whole second at or after the deadline, which Step Functions can honour exactly', async () => {
    givenItems(
      operatorItem(anOperator()),
      caseItem(aCase({ status: 'CONFIRMED' })),
      reviewItem(aReview({ status: 'CLOSED', outcome: 'CONFIRMED', closedAt: '2026-03-04T10:00:00.250Z' })),
      orderItem(anOrder({ decisionStatus: 'CONFIRMED', status: 'CONFIRMED' })),
    );
    expect(await openAppealWindow(CASE_ID, NOW)).toEqual({
      closesAt: '2026-03-19T10:00:00.250Z',
      waitUntil: '2026-03-19T10:00:01Z',
    });
    expect(storedOrder()?.appealDeadline).toBe('2026-03-19T10:00:00.250Z');
  });

  it('is not collected before it has closed (a timer that fires early is retried)', async () => {
    givenItems(orderItem(anOrder({ decisionStatus: 'CONFIRMED', status: 'CONFIRMED', appealDeadline: '2026-03-05T00:00:00.500Z' })));
    await expect(collectAppeals(CASE_ID, NOW)).rejects.toMatchObject({ name: 'TransientError' });
    expect(await collectAppeals(CASE_ID, '2026-03-05T00:00:00.500Z')).toEqual({ appealIds: [] });
  });
});

describe('case steps', () => {
  it('does not alert staff about a case that was decided in time', async () => {
    givenItems(caseItem(aCase({ status: 'ORDERS_ISSUED' })));
    expect(await escalateApprovalSla(CASE_ID, NOW)).toEqual({ alerted: false });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('keeps a REVOKED case REVOKED when closing it, setting closedAt once', async () => {
    givenItems(caseItem(aCase({ status: 'REVOKED' })));
    await closeCase(CASE_ID, NOW);
    await closeCase(CASE_ID, '2026-03-06T00:00:00.000Z');
    expect(storedItem(PK, 'CASE')).toMatchObject({ status: 'REVOKED', closedAt: NOW });
  });

  it.each([
    [
      'Lambda JSON cause',
      'Error',
      JSON.stringify({ errorType: 'Error', errorMessage: 'cannot fetch https://victim.example/v/1 for jane@victim.example', trace: ['at x'] }),
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

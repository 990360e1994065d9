import { beforeEach, describe, expect, it } from 'vitest';
import { nextAuditEvent } from '../../../shared/domain/audit';
import { NotFoundError } from '../../../shared/domain/errors';
import type { AuditEvent } from '../../../shared/domain/model';
import {
  committeeReviewView,
  getCaseAudit,
  getCaseView,
  listCaseSummaries,
  listCommitteeReviews,
  listDeadlineBoard,
} from '../../../shared/services/views';
import { keys } from '../../../shared/store/keys';
import { caseItem, operatorItem, orderItem, reviewItem } from '../../../shared/store/repository';
import { givenItems, resetAws } from '../../support/fake-table';
import {
  aCase,
  anAppeal,
  anOperator,
  anOrder,
  aReview,
  CASE_ID,
  CASE_URLS,
  OTHER_CASE_ID,
  SOCIAL_ORDER_ID,
  urlChunkItems,
  WEBHARD_ORDER_ID,
} from '../../support/records';

function auditChain(caseId: string, actions: string[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  actions.forEach((action, index) => {
    events.push(nextAuditEvent(events.at(-1) ?? null, { at: `2026-03-02T0${index}:00:00.000Z`, actor: 'staff-lee', action, details: { n: index } }));
  });
  return events;
}
function givenAudit(caseId: string, events: AuditEvent[]): void {
  givenItems(...events.map((event) => ({ ...keys.audit(caseId, event.seq), ...event, eventKey: `k${event.seq}` })));
}

beforeEach(() => resetAws());

describe('listCaseSummaries', () => {
  it('lists cases newest first without victim data or internal attributes', async () => {
    // Prepare
    givenItems(
      caseItem(aCase({ caseId: OTHER_CASE_ID, createdAt: '2026-03-01T00:00:00.000Z', status: 'CLOSED' })),
      { ...caseItem(aCase()), approvers: ['staff-lee'] },
    );

    // Act
    const cases = await listCaseSummaries();

    // Assess
    expect(cases.map((c) => c.caseId)).toEqual([CASE_ID, OTHER_CASE_ID]);
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
  });

  it('filters by status', async () => {
    // Prepare
    givenItems(caseItem(aCase({ caseId: OTHER_CASE_ID, status: 'CLOSED' })), caseItem(aCase()));

    // Act
    const cases = await listCaseSummaries({ status: 'CLOSED' });

    // Assess
    expect(cases.map((c) => c.caseId)).toEqual([OTHER_CASE_ID]);
  });
});

describe('getCaseView', () => {
  it('shows the whole case to its readers: URLs with their assignment, orders with their URLs, reviews, appeals, timeline', async () => {
    // Prepare
    givenItems(
      { ...caseItem(aCase({ status: 'UNDER_POST_REVIEW', approvals: [{ by: 'staff-lee', at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' }] })), approvers: ['staff-lee'] },
      ...urlChunkItems(CASE_ID, CASE_URLS),
      orderItem(anOrder()),
      orderItem(anOrder({ operatorId: 'op-social' })),
      reviewItem(aReview({ votes: { 'member-1': { decision: 'CONFIRM', at: '2026-03-03T00:00:00.000Z' } }, recusals: { 'member-5': { reason: 'conflict', at: '2026-03-03T00:00:00.000Z' } } })),
      { pk: `CASE#${CASE_ID}`, sk: `APPEAL#${anAppeal().appealId}`, ...anAppeal() },
    );
    givenAudit(CASE_ID, auditChain(CASE_ID, ['REPORT_FILED', 'APPROVAL_GIVEN']));

    // Act
    const view = await getCaseView(CASE_ID);

    // Assess
    expect(view).toMatchObject({
      caseId: CASE_ID,
      status: 'UNDER_POST_REVIEW',
      summary: 'Victim identified by the support centre',
      reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0042' },
      approvals: [{ by: 'staff-lee' }],
      appeals: [{ orderId: WEBHARD_ORDER_ID }],
      timeline: [
        { at: '2026-03-02T00:00:00.000Z', actor: 'staff-lee', action: 'REPORT_FILED' },
        { at: '2026-03-02T01:00:00.000Z', actor: 'staff-lee', action: 'APPROVAL_GIVEN' },
      ],
    });
    expect(view.urls).toContainEqual({ url: 'https://unknown.example/x', host: 'unknown.example', operatorId: null, assignment: 'UNASSIGNED' });
    expect(view.urls).toContainEqual({ url: 'https://social.example/p/9', host: 'social.example', operatorId: 'op-social', assignment: 'ASSIGNED' });
    expect(view.orders.find((o) => o.orderId === SOCIAL_ORDER_ID)?.urls).toEqual(['https://social.example/p/9']);
    expect(view.reviews[0]).toMatchObject({ eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'], recusedMembers: ['member-5'], votesCast: 1, quorumNeeded: 3 });
    expect(view.reviews[0]).not.toHaveProperty('votes');
    expect(JSON.stringify(view)).not.toMatch(/gsi1pk|approvers|eventKey/);
  });

  it('shows the ballots of a closed review', async () => {
    // Prepare
    const votes = { 'member-1': { decision: 'CONFIRM' as const, at: '2026-03-03T00:00:00.000Z' }, 'member-2': { decision: 'REVOKE' as const, at: '2026-03-03T00:00:00.000Z' }, 'member-3': { decision: 'CONFIRM' as const, at: '2026-03-03T00:00:00.000Z' } };
    givenItems(caseItem(aCase({ status: 'CONFIRMED' })), reviewItem(aReview({ status: 'CLOSED', votes, outcome: 'CONFIRMED', outcomeReason: 'MAJORITY' })));

    // Act
    const [review] = (await getCaseView(CASE_ID)).reviews;

    // Assess
    expect(review).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED', confirm: 2, revoke: 1, abstain: 0, votes });
  });

  it.each([OTHER_CASE_ID, 'nope'])('answers NotFound for %s', async (caseId) => {
    givenItems(caseItem(aCase()));
    await expect(getCaseView(caseId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('getCaseAudit', () => {
  it('answers the events and that the chain holds', async () => {
    // Prepare
    const events = auditChain(CASE_ID, ['REPORT_FILED', 'APPROVAL_GIVEN', 'ORDERS_AUTHORIZED']);
    givenItems(caseItem(aCase()));
    givenAudit(CASE_ID, events);

    // Act
    const audit = await getCaseAudit(CASE_ID);

    // Assess
    expect(audit).toEqual({ events, verified: true });
  });

  it('answers verified false when an event was changed', async () => {
    // Prepare
    const events = auditChain(CASE_ID, ['REPORT_FILED', 'APPROVAL_GIVEN']);
    givenItems(caseItem(aCase()));
    givenAudit(CASE_ID, [events[0] as AuditEvent, { ...(events[1] as AuditEvent), actor: 'someone-else' }]);

    // Act
    const audit = await getCaseAudit(CASE_ID);

    // Assess
    expect(audit.verified).toBe(false);
  });

  it('answers NotFound for an unknown case', async () => {
    await expect(getCaseAudit(CASE_ID)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('listDeadlineBoard', () => {
  it('lists open orders by deadline first, then the others newest first', async () => {
    // Prepare
    const otherOrder = (operatorId: string, issuedAt: string) =>
      orderItem(anOrder({ caseId: OTHER_CASE_ID, operatorId, issuedAt, complianceStatus: 'COMPLIED', status: 'COMPLIED' }));
    givenItems(
      operatorItem(anOperator()),
      operatorItem(anOperator({ operatorId: 'op-social', domains: ['social.example'] })),
      orderItem(anOrder({ deadlineAt: '2026-03-03T05:00:00.000Z' })),
      orderItem(anOrder({ operatorId: 'op-social', deadlineAt: '2026-03-03T01:00:00.000Z' })),
      otherOrder('op-webhard', '2026-02-01T00:00:00.000Z'),
      otherOrder('op-social', '2026-02-02T00:00:00.000Z'),
    );

    // Act
    const board = await listDeadlineBoard();

    // Assess
    expect(board.map((entry) => [entry.operatorId, entry.caseId, entry.open])).toEqual([
      ['op-social', CASE_ID, true],
      ['op-webhard', CASE_ID, true],
      ['op-social', OTHER_CASE_ID, false],
      ['op-webhard', OTHER_CASE_ID, false],
    ]);
    expect(board[0]).toMatchObject({ status: 'ISSUED', deadlineAt: '2026-03-03T01:00:00.000Z', issuedAt: '2026-03-02T01:00:00.000Z' });
  });

  it('limits the closed orders to the most recent ones', async () => {
    // Prepare
    givenItems(operatorItem(anOperator()), orderItem(anOrder({ complianceStatus: 'COMPLIED', status: 'COMPLIED' })), orderItem(anOrder({ caseId: OTHER_CASE_ID, complianceStatus: 'COMPLIED', status: 'COMPLIED', issuedAt: '2026-01-01T00:00:00.000Z' })));

    // Act
    const board = await listDeadlineBoard(1);

    // Assess
    expect(board.map((entry) => entry.caseId)).toEqual([CASE_ID]);
  });
});

describe('listCommitteeReviews', () => {
  const votes = { 'member-1': { decision: 'REVOKE' as const, at: '2026-03-03T00:00:00.000Z', reason: 'private reason' } };

  it('shows each review with the caller’s own vote only', async () => {
    // Prepare
    givenItems(reviewItem(aReview({ votes })));

    // Act
    const [mine] = await listCommitteeReviews({ userId: 'member-1', roles: ['committee'] });
    const [theirs] = await listCommitteeReviews({ userId: 'member-2', roles: ['committee'] });

    // Assess
    expect(mine).toMatchObject({ reviewId: aReview().reviewId, kind: 'POST_REVIEW', status: 'OPEN', votesCast: 1, myVote: 'REVOKE', canVote: false });
    expect(theirs).toMatchObject({ votesCast: 1, canVote: true, recused: false });
    expect(theirs).not.toHaveProperty('myVote');
    expect(JSON.stringify(theirs)).not.toContain('private reason');
  });

  it('filters by status and shows the outcome of closed reviews', async () => {
    // Prepare
    givenItems(
      reviewItem(aReview()),
      reviewItem(aReview({ reviewId: `R${OTHER_CASE_ID.slice(1)}-POST`, caseId: OTHER_CASE_ID, status: 'CLOSED', outcome: 'REVOKED' })),
    );

    // Act
    const closed = await listCommitteeReviews({ userId: 'member-1', roles: ['committee'] }, { status: 'CLOSED' });

    // Assess
    expect(closed).toEqual([expect.objectContaining({ caseId: OTHER_CASE_ID, outcome: 'REVOKED', canVote: false })]);
  });

  it('marks a recused member as unable to vote', () => {
    const view = committeeReviewView(aReview({ recusals: { 'member-3': { reason: 'family', at: '2026-03-03T00:00:00.000Z' } } }), 'member-3');
    expect(view).toMatchObject({ recused: true, canVote: false, eligibleMembers: ['member-1', 'member-2', 'member-4', 'member-5'] });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../../shared/domain/authz';
import { caseDecider, SYSTEM_ACTOR, type CaseCommand, type CaseEvent } from '../../../../shared/domain/deciders/case';
import { ConflictError, DomainError, ForbiddenError } from '../../../../shared/domain/errors';
import type { CaseRecord, CaseStatus } from '../../../../shared/domain/model';
import { resolvePolicy, type Policy } from '../../../../shared/domain/policy';
import { aCase, CASE_ID, POST_REVIEW_ID } from '../../../support/records';
import {
  anyPolicy,
  choiceArb,
  ctx,
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

const NOW = '2026-03-02T00:30:00.000Z';
const LATER = '2026-03-02T00:45:00.000Z';
const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });
const KIM = staff('staff-kim'); // files the case in aCase()
const LEE = staff('staff-lee');
const PARK = staff('staff-park');
const approve = (identity: Identity, reason?: string): CaseCommand => ({
  type: 'DECIDE_APPROVAL',
  identity,
  decision: 'APPROVE',
  ...(reason === undefined ? {} : { reason }),
});
const reject = (identity: Identity, reason?: string): CaseCommand => ({
  type: 'DECIDE_APPROVAL',
  identity,
  decision: 'REJECT',
  ...(reason === undefined ? {} : { reason }),
});
const approvedBy = (...who: string[]) => who.map((by) => ({ by, at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' as const }));
/** What the case holds about the victim: never in an event's details. */
const secretsOf = (record: CaseRecord) => [record.summary, record.reporter.reference];

describe('caseDecider: FILE', () => {
  it('files the report once, with counts and category only in the details, and starts the workflow', () => {
    // Given a report filed by a staff member with a summary and a reporter reference
    const record = aCase();
    // When it is filed
    const { event, followUps, after } = decided(caseDecider, { type: 'FILE', record }, undefined, ctx(NOW));
    // Then REPORT_FILED carries the counts, the record travels in `data`, and the workflow starts
    expect(event).toEqual({
      action: 'REPORT_FILED',
      at: record.createdAt,
      actor: 'staff-kim',
      details: { urlCount: 3, category: 'ILLEGAL_FILMING', procedure: 'interim-then-review' },
      data: record,
    });
    expect(followUps).toEqual([{ type: 'START_WORKFLOW', caseId: CASE_ID }]);
    expectNoVictimData(event, secretsOf(record));
    expect(after).toEqual(record);
    // And filing it again answers null
    expect(caseDecider.decide({ type: 'FILE', record }, after, ctx(LATER))).toBeNull();
  });

  it('refuses any other command on a case that does not exist, as a defect (not a DomainError)', () => {
    // Given no case / When anything but FILE is decided / Then it throws a plain Error
    const act = () => caseDecider.decide({ type: 'START_WORKFLOW' }, undefined, ctx(NOW));
    expect(act).toThrow(/No such case/);
    expect(act).not.toThrow(DomainError);
    expect(() =>
      caseDecider.evolve(undefined, { action: 'WORKFLOW_STARTED', at: NOW, actor: SYSTEM_ACTOR, details: { procedure: 'x' } }),
    ).toThrow(/No such case/);
  });
});

describe('caseDecider: DECIDE_APPROVAL', () => {
  it('records a first approval and waits for the next (no follow-up)', () => {
    // Given a pending case under a two-approval policy
    const record = aCase();
    // When a second staff member approves with a reason
    const { event, followUps, after } = decided(caseDecider, approve(LEE, 'Matches the hash list'), record, ctx(NOW));
    // Then APPROVAL_GIVEN counts 1, keeps the reason out of the details, and nothing follows
    expect(event).toEqual({
      action: 'APPROVAL_GIVEN',
      at: NOW,
      actor: 'staff-lee',
      details: { decision: 'APPROVE', approvalsSoFar: 1, status: 'PENDING_APPROVAL' },
      data: { by: 'staff-lee', at: NOW, decision: 'APPROVE', reason: 'Matches the hash list' },
    });
    expect(JSON.stringify(event.details)).not.toContain('hash list');
    expect(followUps).toEqual([]);
    expectNoVictimData(event, secretsOf(record));
    expect(after).toEqual({ ...record, approvals: [{ by: 'staff-lee', at: NOW, decision: 'APPROVE', reason: 'Matches the hash list' }] });
    expect(after.ordersIssuedAt).toBeUndefined();
  });

  it('issues the orders with the approval that completes the count, and completes the APPROVAL wait', () => {
    // Given a case with one approval of the two needed
    const record = aCase({ approvals: approvedBy('staff-lee') });
    // When another staff member approves
    const { event, followUps, after } = decided(caseDecider, approve(PARK), record, ctx(NOW));
    // Then the case is ORDERS_ISSUED from now, and the approval wait gets APPROVED
    expect(event.action).toBe('APPROVAL_GIVEN');
    expect(event.actor).toBe('staff-park');
    expect(event.details).toEqual({ decision: 'APPROVE', approvalsSoFar: 2, status: 'ORDERS_ISSUED', ordersIssuedAt: NOW });
    expect(followUps).toEqual([{ type: 'COMPLETE_WAIT', caseId: CASE_ID, purpose: 'APPROVAL', output: { decision: 'APPROVED' } }]);
    expect(after.status).toBe('ORDERS_ISSUED');
    expect(after.ordersIssuedAt).toBe(NOW);
    expect(after.approvals.map((a) => a.by)).toEqual(['staff-lee', 'staff-park']);
  });

  it.each([
    [1, [], 'ORDERS_ISSUED'],
    [2, [], 'PENDING_APPROVAL'],
    [3, ['staff-lee'], 'PENDING_APPROVAL'],
    [3, ['staff-lee', 'staff-choi'], 'ORDERS_ISSUED'],
  ] as const)('under a policy needing %d approval(s), with %j before, one more leaves the case %s', (needed, before, status) => {
    // Given a policy with its own count and the approvals so far
    const policy = resolvePolicy({ urgentApprovals: needed });
    const record = aCase({ approvals: approvedBy(...before) });
    // When staff-park approves
    const { after, followUps } = decided(caseDecider, approve(PARK), record, ctx(NOW, policy));
    // Then the case reaches the status the count says, with the wait completed only when issued
    expect(after.status).toBe(status);
    expect(after.ordersIssuedAt !== undefined).toBe(status === 'ORDERS_ISSUED');
    expect(followUps).toHaveLength(status === 'ORDERS_ISSUED' ? 1 : 0);
  });

  it('rejects the case with one refusal and completes the APPROVAL wait with REJECTED', () => {
    // Given a case with one approval
    const record = aCase({ approvals: approvedBy('staff-lee') });
    // When another staff member refuses it with a reason
    const { event, followUps, after } = decided(caseDecider, reject(PARK, 'Victim withdrew consent'), record, ctx(NOW));
    // Then APPROVAL_REFUSED, status REJECTED, no ordersIssuedAt, the reason only in data
    expect(event).toEqual({
      action: 'APPROVAL_REFUSED',
      at: NOW,
      actor: 'staff-park',
      details: { decision: 'REJECT', approvalsSoFar: 2, status: 'REJECTED' },
      data: { by: 'staff-park', at: NOW, decision: 'REJECT', reason: 'Victim withdrew consent' },
    });
    expect(followUps).toEqual([{ type: 'COMPLETE_WAIT', caseId: CASE_ID, purpose: 'APPROVAL', output: { decision: 'REJECTED' } }]);
    expect(after.status).toBe('REJECTED');
    expect(after.ordersIssuedAt).toBeUndefined();
  });

  it.each<[string, Partial<CaseRecord>, Identity, new (...args: never[]) => DomainError]>([
    ['the filer approving their own report', {}, KIM, ForbiddenError],
    ['a committee member approving', {}, { userId: 'member-1', roles: ['committee'] }, ForbiddenError],
    ['an operator approving', {}, { userId: 'op-user', roles: ['operator'], operatorId: 'op-webhard' }, ForbiddenError],
    ['the same staff member approving twice', { approvals: approvedBy('staff-lee') }, LEE, ConflictError],
    [
      'a staff member who rejected approving',
      { status: 'REJECTED', approvals: [{ by: 'staff-lee', at: NOW, decision: 'REJECT' }] },
      LEE,
      ConflictError,
    ],
    [
      'approving a case whose orders were issued',
      { status: 'ORDERS_ISSUED', approvals: approvedBy('staff-lee', 'staff-choi'), ordersIssuedAt: NOW },
      PARK,
      ConflictError,
    ],
    ['approving a rejected case', { status: 'REJECTED' }, PARK, ConflictError],
    [
      'approving a vote-first case (the committee decides it)',
      { status: 'UNDER_PRIOR_REVIEW', procedure: 'vote-first' },
      PARK,
      ConflictError,
    ],
    ['approving a closed case', { status: 'CLOSED', closedAt: NOW }, PARK, ConflictError],
    ['the filer approving a decided case (already decided wins)', { status: 'ORDERS_ISSUED' }, KIM, ConflictError],
  ])('refuses %s', (_label, overrides, identity, ErrorClass) => {
    // Given the case / When the identity approves / Then the refusal has its class
    expect(() => caseDecider.decide(approve(identity), aCase(overrides), ctx(NOW))).toThrow(ErrorClass);
  });

  it('answers CONFLICT when the completing approval is repeated (the case was already decided)', () => {
    // Given the approval that completed the count
    const { after } = decided(caseDecider, approve(PARK), aCase({ approvals: approvedBy('staff-lee') }), ctx(NOW));
    // When it is sent again / Then it is refused as already decided
    expect(() => caseDecider.decide(approve(PARK), after, ctx(LATER))).toThrow(ConflictError);
  });
});

describe('caseDecider: workflow milestones', () => {
  it('records that the workflow started, once', () => {
    // Given a fresh case with an approval deadline
    const record = aCase();
    // When the workflow starts
    const { event, followUps, after } = decided(caseDecider, { type: 'START_WORKFLOW' }, record, ctx(NOW));
    // Then WORKFLOW_STARTED names the procedure and the deadline; a repeat answers null
    expect(event).toEqual({
      action: 'WORKFLOW_STARTED',
      at: NOW,
      actor: SYSTEM_ACTOR,
      details: { procedure: 'interim-then-review', approvalDeadlineAt: '2026-03-02T02:00:00.000Z' },
    });
    expect(followUps).toBeUndefined();
    expect(after).toEqual({ ...record, workflowStartedAt: NOW });
    expect(caseDecider.decide({ type: 'START_WORKFLOW' }, after, ctx(LATER))).toBeNull();
  });

  it('leaves the approval deadline out of WORKFLOW_STARTED when the case has none', () => {
    const { approvalDeadlineAt: _none, ...record } = aCase({ procedure: 'vote-first', status: 'UNDER_PRIOR_REVIEW' });
    const { event } = decided(caseDecider, { type: 'START_WORKFLOW' }, record, ctx(NOW));
    expect(event.details).toEqual({ procedure: 'vote-first' });
  });

  it('tells staff once when the approval SLA passed while the case still waits', () => {
    // Given a pending case with one approval
    const record = aCase({ approvals: approvedBy('staff-lee') });
    // When the SLA passes
    const { event, followUps, after } = decided(caseDecider, { type: 'MISS_APPROVAL_SLA' }, record, ctx('2026-03-02T02:00:00.000Z'));
    // Then APPROVAL_SLA_MISSED says 1 of 2, and staff are alerted under the key approval-sla
    expect(event).toEqual({
      action: 'APPROVAL_SLA_MISSED',
      at: '2026-03-02T02:00:00.000Z',
      actor: SYSTEM_ACTOR,
      details: { approvalDeadlineAt: '2026-03-02T02:00:00.000Z', approvals: 1, needed: 2 },
    });
    expect(followUps).toEqual([
      expect.objectContaining({
        type: 'NOTIFY_STAFF',
        caseId: CASE_ID,
        eventKey: 'approval-sla',
        alert: expect.objectContaining({ subject: expect.stringContaining(CASE_ID) }),
      }),
    ]);
    expectNoVictimData(event, secretsOf(record));
    expect(JSON.stringify(followUps)).not.toContain(record.summary);
    expect(after.approvalSlaMissedAt).toBe('2026-03-02T02:00:00.000Z');
    // And a repeat answers null
    expect(caseDecider.decide({ type: 'MISS_APPROVAL_SLA' }, after, ctx(LATER))).toBeNull();
  });

  it.each<CaseStatus>(['ORDERS_ISSUED', 'REJECTED', 'UNDER_PRIOR_REVIEW', 'CLOSED'])(
    'answers null to a missed SLA once the case is %s',
    (status) => {
      expect(caseDecider.decide({ type: 'MISS_APPROVAL_SLA' }, aCase({ status }), ctx(NOW))).toBeNull();
    },
  );

  it.each([
    [0, 0, false],
    [2, 1, false],
    [3, 0, true],
    [1, 2, true],
  ])(
    'records the URL match (%d matched, %d unassigned, blocking orders issued: %s) once, syncing the block list and alerting staff only when needed',
    (matched, unassigned, blockingOrdersIssued) => {
      // Given a case whose orders are being issued
      const record = aCase({ status: 'ORDERS_ISSUED' });
      const command: CaseCommand = { type: 'RECORD_URL_MATCH', matched, unassigned, blockingOrdersIssued };
      // When the URLs are matched after the last order
      const { event, followUps, after } = decided(caseDecider, command, record, ctx(NOW));
      // Then URLS_MATCHED with the counts; one block list sync for all the ISPs' orders; a staff alert only when some stay unassigned
      expect(event).toEqual({ action: 'URLS_MATCHED', at: NOW, actor: SYSTEM_ACTOR, details: { matched, unassigned } });
      expect(followUps).toEqual([
        ...(blockingOrdersIssued ? [{ type: 'SYNC_BLOCKLIST', caseId: record.caseId }] : []),
        ...(unassigned === 0 ? [] : [expect.objectContaining({ type: 'NOTIFY_STAFF', eventKey: 'unassigned-urls' })]),
      ]);
      expect(after).toEqual({ ...record, urlsMatchedAt: NOW, unassignedUrls: unassigned });
      // And a repeated match (the task retried) decides nothing, so the sync is not queued twice
      expect(caseDecider.decide(command, after, ctx(LATER))).toBeNull();
    },
  );

  it('records a staff alert once per event key, at the time it was sent', () => {
    const record = aCase();
    const command: CaseCommand = {
      type: 'RECORD_STAFF_ALERT',
      eventKey: 'approval-sla',
      messageId: 'm-1',
      sentAt: '2026-03-02T02:00:01.000Z',
    };
    const { event, after } = decided(caseDecider, command, record, ctx(LATER));
    expect(event).toEqual({
      action: 'STAFF_ALERTED',
      at: '2026-03-02T02:00:01.000Z',
      actor: SYSTEM_ACTOR,
      details: { eventKey: 'approval-sla', messageId: 'm-1' },
    });
    expect(after.staffAlerts).toEqual([{ eventKey: 'approval-sla', messageId: 'm-1', sentAt: '2026-03-02T02:00:01.000Z' }]);
    expect(caseDecider.decide({ ...command, messageId: 'm-2' }, after, ctx(LATER))).toBeNull();
    // Another key is another alert
    const other = decided(caseDecider, { ...command, eventKey: 'workflow-failed' }, after, ctx(LATER)).after;
    expect(other.staffAlerts?.map((a) => a.eventKey)).toEqual(['approval-sla', 'workflow-failed']);
  });
});

describe('caseDecider: status moves', () => {
  type Move = [string, CaseStatus, CaseCommand, CaseEvent['action'], CaseStatus, Record<string, unknown>];
  const moves: Move[] = [
    [
      'START_POST_REVIEW',
      'ORDERS_ISSUED',
      { type: 'START_POST_REVIEW', reviewId: POST_REVIEW_ID },
      'POST_REVIEW_STARTED',
      'UNDER_POST_REVIEW',
      { reviewId: POST_REVIEW_ID },
    ],
    [
      'APPLY_PRIOR_REVIEW CONFIRMED',
      'UNDER_PRIOR_REVIEW',
      { type: 'APPLY_PRIOR_REVIEW', reviewId: 'R-PRIOR', outcome: 'CONFIRMED', decidedAt: '2026-03-02T00:20:00.000Z' },
      'ORDERS_APPROVED_BY_COMMITTEE',
      'ORDERS_ISSUED',
      { reviewId: 'R-PRIOR', ordersIssuedAt: '2026-03-02T00:20:00.000Z' },
    ],
    [
      'APPLY_PRIOR_REVIEW REVOKED',
      'UNDER_PRIOR_REVIEW',
      { type: 'APPLY_PRIOR_REVIEW', reviewId: 'R-PRIOR', outcome: 'REVOKED', decidedAt: '2026-03-02T00:20:00.000Z' },
      'REJECTED_BY_COMMITTEE',
      'REJECTED',
      { reviewId: 'R-PRIOR' },
    ],
    [
      'APPLY_POST_REVIEW CONFIRMED',
      'UNDER_POST_REVIEW',
      { type: 'APPLY_POST_REVIEW', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' },
      'CASE_CONFIRMED',
      'CONFIRMED',
      { reviewId: POST_REVIEW_ID },
    ],
    [
      'APPLY_POST_REVIEW REVOKED',
      'UNDER_POST_REVIEW',
      { type: 'APPLY_POST_REVIEW', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' },
      'CASE_REVOKED',
      'REVOKED',
      { reviewId: POST_REVIEW_ID },
    ],
    [
      'OPEN_APPEAL_WINDOW after confirmation',
      'CONFIRMED',
      { type: 'OPEN_APPEAL_WINDOW', closesAt: '2026-03-24T00:00:00.000Z' },
      'APPEAL_WINDOW_OPENED',
      'APPEAL_WINDOW',
      { closesAt: '2026-03-24T00:00:00.000Z' },
    ],
    [
      'OPEN_APPEAL_WINDOW at issuance (vote-first)',
      'ORDERS_ISSUED',
      { type: 'OPEN_APPEAL_WINDOW', closesAt: '2026-03-24T00:00:00.000Z' },
      'APPEAL_WINDOW_OPENED',
      'APPEAL_WINDOW',
      { closesAt: '2026-03-24T00:00:00.000Z' },
    ],
    [
      'START_APPEAL_REVIEWS',
      'APPEAL_WINDOW',
      { type: 'START_APPEAL_REVIEWS', appealIds: ['A1', 'A2'] },
      'APPEALS_UNDER_REVIEW',
      'UNDER_APPEAL',
      { appealIds: ['A1', 'A2'] },
    ],
  ];

  it.each(moves)('%s moves a case from %s', (_label, from, command, action, to, details) => {
    // Given a case in the status the move starts from
    const record = aCase({ status: from, approvals: approvedBy('staff-lee', 'staff-park') });
    // When the command is decided
    const { event, followUps, after } = decided(caseDecider, command, record, ctx(NOW));
    // Then the system records the move with the new status in its details
    expect(event).toEqual({ action, at: NOW, actor: SYSTEM_ACTOR, details: { ...details, status: to } });
    expect(followUps).toBeUndefined();
    expectNoVictimData(event, secretsOf(record));
    expect(after.status).toBe(to);
    if ('ordersIssuedAt' in details) expect(after.ordersIssuedAt).toBe(details.ordersIssuedAt);
    // And the same command again answers null
    expect(caseDecider.decide(command, after, ctx(LATER))).toBeNull();
  });

  it.each(moves.map(([label, from, command]) => [label, from, command] as const))(
    '%s is refused with CONFLICT from any status but %s and its target',
    (_label, from, command) => {
      // Given a case in each other status that is not the move's target
      const target = decided(caseDecider, command, aCase({ status: from }), ctx(NOW)).after.status;
      const others = (
        [
          'PENDING_APPROVAL',
          'UNDER_PRIOR_REVIEW',
          'ORDERS_ISSUED',
          'UNDER_POST_REVIEW',
          'CONFIRMED',
          'REVOKED',
          'REJECTED',
          'APPEAL_WINDOW',
          'UNDER_APPEAL',
          'CLOSED',
          'FAILED',
        ] as const
      ).filter(
        (status) =>
          status !== target && !(command.type === 'OPEN_APPEAL_WINDOW' ? ['CONFIRMED', 'ORDERS_ISSUED'] : [from]).includes(status),
      );
      // When the move is decided / Then it is refused with CONFLICT
      for (const status of others) {
        expect(() => caseDecider.decide(command, aCase({ status }), ctx(NOW)), status).toThrow(ConflictError);
      }
    },
  );

  it('answers null to a move the case already made (even when it reached that status another way)', () => {
    // A case issued by approvals receiving a (stray) prior-review confirmation is already ORDERS_ISSUED
    expect(
      caseDecider.decide(
        { type: 'APPLY_PRIOR_REVIEW', reviewId: 'R', outcome: 'CONFIRMED', decidedAt: NOW },
        aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: LATER }),
        ctx(NOW),
      ),
    ).toBeNull();
  });
});

describe('caseDecider: CLOSE and FAIL', () => {
  it.each<[CaseStatus, CaseStatus]>([
    ['ORDERS_ISSUED', 'CLOSED'],
    ['APPEAL_WINDOW', 'CLOSED'],
    ['UNDER_APPEAL', 'CLOSED'],
    ['CONFIRMED', 'CLOSED'],
    ['REVOKED', 'REVOKED'],
    ['REJECTED', 'REJECTED'],
  ])('closes a %s case as %s with its closing time, once', (from, to) => {
    // Given a case at the end of its workflow
    const record = aCase({ status: from });
    // When it is closed
    const { event, after } = decided(caseDecider, { type: 'CLOSE' }, record, ctx(NOW));
    // Then CASE_CLOSED keeps REVOKED / REJECTED, and a repeat answers null
    expect(event).toEqual({ action: 'CASE_CLOSED', at: NOW, actor: SYSTEM_ACTOR, details: { status: to, closedAt: NOW } });
    expect(after).toEqual({ ...record, status: to, closedAt: NOW });
    expect(caseDecider.decide({ type: 'CLOSE' }, after, ctx(LATER))).toBeNull();
  });

  it('answers null to closing a FAILED case', () => {
    expect(caseDecider.decide({ type: 'CLOSE' }, aCase({ status: 'FAILED' }), ctx(NOW))).toBeNull();
  });

  it.each<CaseStatus>(['PENDING_APPROVAL', 'UNDER_PRIOR_REVIEW', 'UNDER_POST_REVIEW'])(
    'refuses with CONFLICT to close a case still %s (undecided)',
    (status) => {
      // Given a case still awaiting a decision
      const record = aCase({ status });
      // When the workflow asks to close it / Then it is refused, and nothing is recorded
      const result = step(caseDecider, { type: 'CLOSE' }, record, ctx(NOW));
      expect(result.kind).toBe('refused');
      expect(result.kind === 'refused' && result.error).toBeInstanceOf(ConflictError);
      expect(result.kind === 'refused' && result.error.message).toMatch(status);
    },
  );

  it('records a failure with where it failed from, and alerts staff', () => {
    // Given a case under post-review
    const record = aCase({ status: 'UNDER_POST_REVIEW' });
    // When the workflow fails
    const { event, followUps, after } = decided(
      caseDecider,
      { type: 'FAIL', error: 'States.Timeout', cause: 'Task timed out' },
      record,
      ctx(NOW),
    );
    // Then WORKFLOW_FAILED, status FAILED, staff told under workflow-failed
    expect(event).toEqual({
      action: 'WORKFLOW_FAILED',
      at: NOW,
      actor: SYSTEM_ACTOR,
      details: { status: 'FAILED', error: 'States.Timeout', cause: 'Task timed out', failedFrom: 'UNDER_POST_REVIEW' },
    });
    expect(followUps).toEqual([expect.objectContaining({ type: 'NOTIFY_STAFF', caseId: CASE_ID, eventKey: 'workflow-failed' })]);
    expect(after).toEqual({ ...record, status: 'FAILED', failure: { at: NOW, error: 'States.Timeout', cause: 'Task timed out' } });
    // And a repeat answers null, as does failing a closed case
    expect(caseDecider.decide({ type: 'FAIL', error: 'x', cause: 'y' }, after, ctx(LATER))).toBeNull();
    expect(caseDecider.decide({ type: 'FAIL', error: 'x', cause: 'y' }, aCase({ status: 'CLOSED', closedAt: NOW }), ctx(LATER))).toBeNull();
  });

  it.each<[CaseStatus, boolean]>([
    ['REJECTED', false],
    ['REJECTED', true],
    ['REVOKED', false],
    ['REVOKED', true],
    ['CLOSED', true],
    ['FAILED', false],
  ])('answers null to failing a %s case (final status; closed: %s)', (status, closed) => {
    // Given a case decided for good, closed or not yet
    const record = aCase({ status, ...(closed ? { closedAt: NOW } : {}) });
    // When its workflow fails afterwards / Then nothing is recorded: the case keeps its final status
    expect(caseDecider.decide({ type: 'FAIL', error: 'States.TaskFailed', cause: 'late error' }, record, ctx(LATER))).toBeNull();
  });

  it.each<CaseStatus>(['PENDING_APPROVAL', 'UNDER_PRIOR_REVIEW', 'ORDERS_ISSUED', 'CONFIRMED', 'APPEAL_WINDOW', 'UNDER_APPEAL'])(
    'records the failure of a case still %s (not final)',
    (status) => {
      const { event, after } = decided(caseDecider, { type: 'FAIL', error: 'x', cause: 'y' }, aCase({ status }), ctx(NOW));
      expect(event.details).toEqual({ status: 'FAILED', error: 'x', cause: 'y', failedFrom: status });
      expect(after.status).toBe('FAILED');
    },
  );
});

// ---------------------------------------------------------------- property

const STAFF = ['staff-kim', 'staff-lee', 'staff-park', 'staff-choi', 'staff-jung'];
const FINAL: ReadonlySet<CaseStatus> = new Set(['REJECTED', 'CLOSED', 'FAILED', 'REVOKED']);
/** A case awaiting a decision: CLOSE is refused. */
const UNDECIDED: ReadonlySet<CaseStatus> = new Set(['PENDING_APPROVAL', 'UNDER_PRIOR_REVIEW', 'UNDER_POST_REVIEW']);
/** Every status move a case may make (CLOSE and FAIL aside). */
const MOVES: Record<CaseStatus, readonly CaseStatus[]> = {
  PENDING_APPROVAL: ['ORDERS_ISSUED', 'REJECTED'],
  UNDER_PRIOR_REVIEW: ['ORDERS_ISSUED', 'REJECTED'],
  ORDERS_ISSUED: ['UNDER_POST_REVIEW', 'APPEAL_WINDOW'],
  UNDER_POST_REVIEW: ['CONFIRMED', 'REVOKED'],
  CONFIRMED: ['APPEAL_WINDOW'],
  APPEAL_WINDOW: ['UNDER_APPEAL'],
  UNDER_APPEAL: [],
  REJECTED: [],
  REVOKED: [],
  CLOSED: [],
  FAILED: [],
};

const identityArb: fc.Arbitrary<Identity> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STAFF).map(staff) },
  { weight: 1, arbitrary: fc.constant<Identity>({ userId: 'member-1', roles: ['committee'] }) },
);

const commandArb: fc.Arbitrary<CaseCommand> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        identity: identityArb,
        decision: fc.oneof(
          { weight: 7, arbitrary: fc.constant('APPROVE' as const) },
          { weight: 1, arbitrary: fc.constant('REJECT' as const) },
        ),
        reason: fc.option(fc.constant('on the hash list'), { nil: undefined }),
      })
      .map(({ identity, decision, reason }) => (decision === 'APPROVE' ? approve(identity, reason) : reject(identity, reason))),
  },
  { weight: 1, arbitrary: fc.constant<CaseCommand>({ type: 'START_WORKFLOW' }) },
  { weight: 1, arbitrary: fc.constant<CaseCommand>({ type: 'MISS_APPROVAL_SLA' }) },
  { weight: 4, arbitrary: fc.constant<CaseCommand>({ type: 'START_POST_REVIEW', reviewId: POST_REVIEW_ID }) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom<'CONFIRMED' | 'REVOKED'>('CONFIRMED', 'REVOKED')
      .map((outcome): CaseCommand => ({ type: 'APPLY_PRIOR_REVIEW', reviewId: 'R-PRIOR', outcome, decidedAt: '' })),
  },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom<'CONFIRMED' | 'REVOKED'>('CONFIRMED', 'REVOKED')
      .map((outcome): CaseCommand => ({ type: 'APPLY_POST_REVIEW', reviewId: POST_REVIEW_ID, outcome })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ matched: fc.nat(5), unassigned: fc.nat(3), blockingOrdersIssued: fc.boolean() })
      .map((m): CaseCommand => ({ type: 'RECORD_URL_MATCH', ...m })),
  },
  { weight: 4, arbitrary: fc.constant<CaseCommand>({ type: 'OPEN_APPEAL_WINDOW', closesAt: '' }) },
  { weight: 3, arbitrary: fc.constant<CaseCommand>({ type: 'START_APPEAL_REVIEWS', appealIds: ['A-1'] }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('approval-sla', 'workflow-failed')
      .map((eventKey): CaseCommand => ({ type: 'RECORD_STAFF_ALERT', eventKey, messageId: 'm', sentAt: '' })),
  },
  { weight: 1, arbitrary: fc.constant<CaseCommand>({ type: 'CLOSE' }) },
  { weight: 1, arbitrary: fc.constant<CaseCommand>({ type: 'FAIL', error: 'States.TaskFailed', cause: 'Error: boom' }) },
);

/** Fills in the times a command carries from the moment it is decided. */
function timed(command: CaseCommand, now: string): CaseCommand {
  switch (command.type) {
    case 'APPLY_PRIOR_REVIEW':
      return { ...command, decidedAt: now };
    case 'OPEN_APPEAL_WINDOW':
      return { ...command, closesAt: plus(now, 15 * 24 * HOUR) };
    case 'RECORD_STAFF_ALERT':
      return { ...command, sentAt: now };
    default:
      return command;
  }
}

const fileArb = fc
  .record({
    procedure: fc.constantFrom<CaseRecord['procedure']>('interim-then-review', 'interim-then-review', 'vote-first'),
    createdBy: fc.constantFrom('staff-kim', 'reporter-7'),
    summary: fc.string({ minLength: 6, maxLength: 12 }).map((s) => `SUMMARY:${s}`),
    reference: fc.string({ minLength: 6, maxLength: 12 }).map((s) => `REF:${s}`),
  })
  .map(({ procedure, createdBy, summary, reference }) =>
    aCase({
      procedure,
      status: procedure === 'vote-first' ? 'UNDER_PRIOR_REVIEW' : 'PENDING_APPROVAL',
      createdBy,
      summary,
      reporter: { kind: 'VICTIM', reference },
    }),
  );

/** Every command the property may pick as "useful" (CLOSE and FAIL only come at random: they end the case). */
const CANDIDATES: readonly CaseCommand[] = [
  ...STAFF.flatMap((who) => [approve(staff(who)), reject(staff(who))]),
  { type: 'START_WORKFLOW' },
  { type: 'MISS_APPROVAL_SLA' },
  { type: 'START_POST_REVIEW', reviewId: POST_REVIEW_ID },
  ...(['CONFIRMED', 'REVOKED'] as const).flatMap((outcome): CaseCommand[] => [
    { type: 'APPLY_PRIOR_REVIEW', reviewId: 'R-PRIOR', outcome, decidedAt: '' },
    { type: 'APPLY_POST_REVIEW', reviewId: POST_REVIEW_ID, outcome },
  ]),
  { type: 'RECORD_URL_MATCH', matched: 2, unassigned: 1, blockingOrdersIssued: true },
  { type: 'OPEN_APPEAL_WINDOW', closesAt: '' },
  { type: 'START_APPEAL_REVIEWS', appealIds: ['A-1'] },
];

type Script = [When, Choice<CaseCommand>][];

/**
 * What CLOSE and FAIL must answer in any state: CLOSE answers null once closed or FAILED, is refused
 * while the case is undecided, and otherwise closes it (REVOKED and REJECTED keep their status);
 * FAIL answers null in a final status and otherwise fails the case from where it is.
 */
function expectCloseAndFailRules(state: CaseRecord, now: string, policy: Policy): void {
  const close = step(caseDecider, { type: 'CLOSE' }, state, ctx(now, policy));
  if (state.closedAt !== undefined || state.status === 'FAILED') {
    expect(close.kind, `CLOSE of a closed ${state.status} case`).toBe('null');
  } else if (UNDECIDED.has(state.status)) {
    expect(close.kind === 'refused' && close.error, `CLOSE of an undecided ${state.status} case`).toBeInstanceOf(ConflictError);
  } else {
    expect(close.kind, `CLOSE of a ${state.status} case`).toBe('event');
    if (close.kind === 'event') {
      expect(close.after.status).toBe(state.status === 'REVOKED' || state.status === 'REJECTED' ? state.status : 'CLOSED');
      expect(close.after.closedAt).toBe(now);
    }
  }
  const fail = step(caseDecider, { type: 'FAIL', error: 'States.TaskFailed', cause: 'probe' }, state, ctx(now, policy));
  if (FINAL.has(state.status)) {
    expect(fail.kind, `FAIL of a ${state.status} case`).toBe('null');
  } else {
    expect(fail.kind === 'event' && fail.after.status, `FAIL of a ${state.status} case`).toBe('FAILED');
  }
}

function runCaseProperty(runs: fc.Parameters<[CaseRecord, Policy, Script]> = RUNS): void {
  fc.assert(
    fc.property(
      fileArb,
      anyPolicy,
      fc.array(fc.tuple(whenArb(['approvalDeadlineAt']), choiceArb(commandArb)), { maxLength: 30, size: 'max' }),
      (filed, policy, script) => {
        let now = filed.createdAt;
        let state = decided(caseDecider, { type: 'FILE', record: filed }, undefined, ctx(now, policy)).after;
        const accepted: CaseCommand[] = [];
        for (const [when, choice] of script) {
          now = resolveWhen(when, now, { approvalDeadlineAt: state.approvalDeadlineAt });
          const raw = resolveChoice(choice, caseDecider, state, ctx(now, policy), () => CANDIDATES.map((c) => timed(c, now)));
          if (raw === undefined) continue;
          const command = timed(raw, now);
          const before = state;
          const result = step(caseDecider, command, before, ctx(now, policy));
          // A command that already happened never records anything again.
          for (const earlier of accepted)
            expect(step(caseDecider, timed(earlier, now), before, ctx(now, policy)).kind, earlier.type).not.toBe('event');
          expect(caseDecider.decide({ type: 'FILE', record: filed }, before, ctx(now, policy))).toBeNull();
          // CLOSE and FAIL, asked in this state, answer what their rules say (whatever command comes now).
          expectCloseAndFailRules(before, now, policy);
          if (result.kind !== 'event') continue;
          const { decision, after } = result;
          accepted.push(command);
          state = after;

          // The event: the actor is the deciding person or the system; no victim data in its details.
          expect(decision.event.actor).toBe(command.type === 'DECIDE_APPROVAL' ? command.identity.userId : SYSTEM_ACTOR);
          expectNoVictimData(decision.event, secretsOf(filed));

          // Approvers (APPROVE decisions) are distinct staff and never the filer.
          const approvers = after.approvals.filter((a) => a.decision === 'APPROVE').map((a) => a.by);
          expect(new Set(approvers).size).toBe(approvers.length);
          expect(approvers).not.toContain(filed.createdBy);
          expect(new Set(after.approvals.map((a) => a.by)).size).toBe(after.approvals.length);

          // Status: moves only along the workflow's edges, CLOSE (once decided) and FAIL aside; never
          // leaves a final status (REVOKED and REJECTED only get their closing time).
          if (FINAL.has(before.status)) expect(after.status, `${before.status} left by ${command.type}`).toBe(before.status);
          if (before.status !== after.status) {
            const allowed = FINAL.has(before.status)
              ? []
              : [
                  ...MOVES[before.status],
                  ...(command.type === 'CLOSE' && !UNDECIDED.has(before.status) ? ['CLOSED'] : []),
                  ...(command.type === 'FAIL' ? ['FAILED'] : []),
                ];
            expect(allowed, `${before.status} -> ${after.status} by ${command.type}`).toContain(after.status);
          }
          if (command.type === 'CLOSE') expect(UNDECIDED.has(before.status), `closed while ${before.status}`).toBe(false);
          if (before.closedAt !== undefined) expect(after.closedAt).toBe(before.closedAt);

          // ordersIssuedAt: set once and never changed; under interim-then-review exactly when the count was reached.
          if (before.ordersIssuedAt !== undefined) expect(after.ordersIssuedAt).toBe(before.ordersIssuedAt);
          if (filed.procedure === 'interim-then-review') {
            const reached = approvers.length >= policy.urgentApprovals;
            expect(after.ordersIssuedAt !== undefined, `ordersIssuedAt with ${approvers.length} approvals`).toBe(reached);
            if (reached) expect(after.ordersIssuedAt).toBe(after.approvals[policy.urgentApprovals - 1]?.at);
            expect(after.approvals.length).toBeLessThanOrEqual(policy.urgentApprovals);
          } else {
            expect(after.approvals).toEqual([]);
          }

          // An approval completes the APPROVAL wait exactly when it decides the case.
          if (command.type === 'DECIDE_APPROVAL') {
            const waits = (decision.followUps ?? []).filter((f) => f.type === 'COMPLETE_WAIT');
            expect(waits).toEqual(
              after.status === 'PENDING_APPROVAL'
                ? []
                : [
                    {
                      type: 'COMPLETE_WAIT',
                      caseId: filed.caseId,
                      purpose: 'APPROVAL',
                      output: { decision: after.status === 'REJECTED' ? 'REJECTED' : 'APPROVED' },
                    },
                  ],
            );
          }

          // The same command right away answers null (an approval: CONFLICT, the person already decided).
          const again = step(caseDecider, command, after, ctx(now, policy));
          if (command.type === 'DECIDE_APPROVAL') {
            expect(again.kind === 'refused' && again.error).toBeInstanceOf(ConflictError);
          } else {
            expect(again.kind, `${command.type} repeated`).toBe('null');
          }
        }
      },
    ),
    runs,
  );
}

describe('caseDecider: property over random command sequences', () => {
  it('keeps approvals, final statuses, ordersIssuedAt, CLOSE (refused while undecided), FAIL and repeats right', () => {
    runCaseProperty();
  });
});

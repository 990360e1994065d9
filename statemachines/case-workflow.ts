/**
 * The case workflow: one execution per case (name = caseId), from approval or prior review to
 * closing. This file is the source; `npm run asl` renders statemachines/case-workflow.asl.json,
 * which the CDK stack and the local runtime read. State carries ids only; see
 * docs/architecture.md "The workflow" for what each task answers.
 */
import { type BatchKind, INLINE_MAP_CONCURRENCY } from '../shared/domain/batches';
import { tokenPurpose } from '../shared/domain/waits';
import {
  booleanEquals,
  branch,
  childExecution,
  choice,
  choiceOn,
  ERROR_PATH,
  fail,
  formatted,
  inlineMap,
  type MapState,
  lambdaTask,
  parallel,
  pass,
  stateMachine,
  succeed,
  waitForPerson,
  waitFor,
  waitUntil,
  when,
  type AslDefinition,
  type Path,
  type States,
  type Template,
  type Then,
} from './builder';

const theCase = { 'caseId.$': '$.caseId' } as const;
const theOrder = { 'orderId.$': '$.orderId' } as const;
const theReview = { 'reviewId.$': '$.review.reviewId' } as const;

/** What the task-token keeper is told a wait is for: the same strings the API's acts look up (shared/store/keys.ts). */
const waitingFor = {
  approval: tokenPurpose.approval(),
  compliance: formatted(tokenPurpose.compliance('{}'), '$.orderId'),
  review: formatted(tokenPurpose.review('{}'), '$.review.reviewId'),
  delivery: formatted(tokenPurpose.delivery('{}'), '$.orderId'),
};

/** A Choice default: a task answered something the workflow has no branch for. */
const UNEXPECTED = { error: 'UnexpectedResult', cause: 'A task answered a value that the workflow does not know.' } as const;
const unexpected = () => fail(UNEXPECTED.error, UNEXPECTED.cause);

interface ReviewStateNames {
  readonly open: string;
  readonly await: string;
  readonly deadlinePassed: string;
  readonly decided: string;
  readonly apply: string;
}

/**
 * A committee review: open it, wait for its votes until it closes; when the time is up, the
 * deadline rule decides, extends (wait again) or escalates; then apply the outcome. An escalated
 * review is waited for until staff decide it (their decision completes the wait) for as long as
 * an execution may last, not in a recheck loop whose history would grow every day; the sweeper
 * completes a wait whose completion was lost.
 */
function committeeReview(names: ReviewStateNames, openPayload: Template, outcome: { readonly resultPath: Path } & Then): States {
  const { resultPath, ...then } = outcome;
  return {
    [names.open]: lambdaTask('OpenReview', openPayload, {
      select: ['reviewId', 'secondsToClose'],
      resultPath: '$.review',
      next: names.await,
    }),
    [names.await]: waitForPerson(waitingFor.review, {
      timeoutSecondsPath: '$.review.secondsToClose',
      onTimeout: names.deadlinePassed,
      resultPath: null,
      next: names.apply,
    }),
    [names.deadlinePassed]: lambdaTask('ReviewDeadlinePassed', theReview, {
      select: ['reviewId', 'decided', 'secondsToClose'],
      resultPath: '$.review',
      next: names.decided,
    }),
    [names.decided]: choice([when(booleanEquals('$.review.decided', true), names.apply)], names.await),
    [names.apply]: lambdaTask('ApplyReviewOutcome', theReview, { select: ['outcome'], resultPath, ...then }),
  };
}

/**
 * The compliance window of one order: its notice (retried while SES will not take it, then, if it
 * cannot reach the operator, a wait for staff to resend it), the wait until the deadline,
 * enforcement, the grace period. An error on the notice stays with this order: the order is
 * UNDELIVERED and every other order, the review and the case go on.
 */
function orderCompliance(): States {
  const complianceAnswer = { select: ['outcome'], resultPath: '$.compliance', next: 'ComplianceOutcome' } as const;
  return {
    SendOrderNotice: lambdaTask('SendOrderNotice', theOrder, {
      select: ['state', 'secondsToDeadline', 'deadlineAt', 'secondsToWait'],
      resultPath: '$.notice',
      next: 'NoticeOutcome',
      onError: 'MarkUndelivered',
    }),
    MarkUndelivered: lambdaTask(
      'MarkUndelivered',
      { ...theOrder, 'error.$': ERROR_PATH },
      { select: ['state', 'secondsToDeadline', 'deadlineAt', 'secondsToWait'], resultPath: '$.notice', next: 'NoticeOutcome' },
    ),
    NoticeOutcome: choiceOn(
      '$.notice.state',
      {
        DELIVERED: 'AwaitCompliance',
        RETRY: 'WaitToSendAgain',
        UNDELIVERED: 'AwaitDelivery',
        GIVEN_UP: 'ComplianceSettled',
        SETTLED: 'ComplianceSettled',
        PAUSED: 'AwaitDeadlineResumed',
      },
      'UnexpectedComplianceOutcome',
    ),
    WaitToSendAgain: waitFor('$.notice.secondsToWait', { next: 'SendOrderNotice' }),
    // Staff fix the contact and resend (its acceptance ends this wait); it also ends now and then
    // to look again, and when the resend window is over SendOrderNotice answers GIVEN_UP.
    AwaitDelivery: waitForPerson(waitingFor.delivery, {
      resultPath: null,
      timeoutSecondsPath: '$.notice.secondsToWait',
      onTimeout: 'SendOrderNotice',
      next: 'SendOrderNotice',
    }),
    AwaitCompliance: waitForPerson(waitingFor.compliance, {
      ...complianceAnswer,
      timeoutSecondsPath: '$.notice.secondsToDeadline',
      onTimeout: 'WaitForDeadlineInstant',
    }),
    WaitForDeadlineInstant: waitUntil(
      '$.notice.deadlineAt',
      { next: 'EnforceDeadline' },
      "The compliance wait ends at the deadline's last whole second at the latest; this waits for the deadline itself, so enforcement is neither early nor late.",
    ),
    EnforceDeadline: lambdaTask(
      'EnforceDeadline',
      { ...theOrder, 'deadlineAt.$': '$.notice.deadlineAt' },
      {
        select: ['outcome', 'secondsToGraceEnd'],
        resultPath: '$.enforcement',
        next: 'StillOverdue',
      },
    ),
    StillOverdue: choiceOn(
      '$.enforcement.outcome',
      {
        OVERDUE: 'AwaitLateCompliance',
        COMPLIED: 'ComplianceSettled',
        COMPLIED_LATE: 'ComplianceSettled',
        REVOKED: 'ComplianceSettled',
        UNDELIVERED: 'SendOrderNotice',
        DEADLINE_CHANGED: 'SendOrderNotice',
      },
      'UnexpectedComplianceOutcome',
    ),
    AwaitLateCompliance: waitForPerson(waitingFor.compliance, {
      ...complianceAnswer,
      timeoutSecondsPath: '$.enforcement.secondsToGraceEnd',
      onTimeout: 'GraceExpired',
    }),
    // A notice found undelivered while its compliance was awaited: the order waits for a resend.
    // A deadline staff moved, paused or resumed: SendOrderNotice reads the stored one and the order waits for it.
    ComplianceOutcome: choiceOn(
      '$.compliance.outcome',
      { UNDELIVERED: 'SendOrderNotice', DEADLINE_CHANGED: 'SendOrderNotice' },
      'ComplianceSettled',
    ),
    // The deadline is paused: compliance still ends the wait, and so does the resumption (DEADLINE_CHANGED).
    AwaitDeadlineResumed: waitForPerson(waitingFor.compliance, {
      ...complianceAnswer,
      timeoutSecondsPath: '$.notice.secondsToWait',
      onTimeout: 'SendOrderNotice',
    }),
    GraceExpired: lambdaTask('GraceExpired', theOrder, { select: ['outcome'], resultPath: '$.compliance', end: true }),
    ComplianceSettled: succeed(),
    UnexpectedComplianceOutcome: unexpected(),
  };
}

/** The state machine that runs one batch of a case's orders or appeals (caseBatch), as the parent names it. */
export const CASE_BATCH_MACHINE = 'CaseBatch';

/**
 * Runs every order or appeal of the case at once: AWS runs at most 40 iterations of an inline Map
 * at once, so this Map runs over the batches of 40 (their numbers, all the state carries), and
 * each batch is a child execution of caseBatch, which reads its ids and runs them as a Map of its
 * own (shared/domain/batches.ts). A child's events are in its own history, bounded by its 40
 * items; the case's history grows by a few events per batch whatever each item goes through.
 */
function everyBatchAtOnce(kind: BatchKind, runBatch: string, batchesPath: Path): MapState {
  return inlineMap({
    comment: `Every ${kind === 'ORDERS' ? 'order' : 'appeal'} at once: batches of ${INLINE_MAP_CONCURRENCY}, the most AWS runs at once in an inline Map, each a child execution.`,
    itemsPath: batchesPath,
    maxConcurrency: INLINE_MAP_CONCURRENCY,
    itemSelector: { ...theCase, 'batch.$': '$$.Map.Item.Value' },
    iteration: branch(runBatch, {
      [runBatch]: childExecution({
        stateMachine: CASE_BATCH_MACHINE,
        name: `States.Format('{}-${kind}-{}-{}', $.caseId, $.batch, $$.State.RetryCount)`,
        input: { ...theCase, kind, 'batch.$': '$.batch' },
        resultPath: null,
        end: true,
      }),
    }),
    resultPath: null,
    end: true,
  });
}

/** One batch's items as an inline Map, after the task that reads the batch's ids; each iteration's input is the case id and the item's id at `idField`. */
function batchItems(
  kind: BatchKind,
  names: { readonly list: string; readonly each: string },
  idField: 'orderId' | 'appealId',
  iteration: { readonly startAt: string; readonly states: States },
): States {
  return {
    [names.list]: lambdaTask(
      'ListBatch',
      { ...theCase, kind, 'batch.$': '$.batch' },
      { select: ['ids'], resultPath: '$.batch', next: names.each },
    ),
    [names.each]: inlineMap({
      itemsPath: '$.batch.ids',
      maxConcurrency: INLINE_MAP_CONCURRENCY,
      itemSelector: { ...theCase, [`${idField}.$`]: '$$.Map.Item.Value' },
      iteration: branch(iteration.startAt, iteration.states),
      resultPath: null,
      end: true,
    }),
  };
}

const complianceTrack = branch('PerOrderBatch', {
  PerOrderBatch: everyBatchAtOnce('ORDERS', 'RunOrderBatch', '$.orders.orderBatches'),
});

/** Post-review (skipped under vote-first, whose prior review already decided), then the appeal window and its appeals. */
const decisionTrack = branch('DecisionProcedure', {
  DecisionProcedure: choiceOn('$.open.procedure', { 'vote-first': 'OpenAppealWindow' }, 'OpenPostReview'),
  ...committeeReview(
    {
      open: 'OpenPostReview',
      await: 'AwaitPostReview',
      deadlinePassed: 'PostReviewDeadlinePassed',
      decided: 'PostReviewDecided',
      apply: 'ApplyPostReviewOutcome',
    },
    { ...theCase, kind: 'POST_REVIEW' },
    { resultPath: '$.postOutcome', next: 'PostReviewOutcome' },
  ),
  PostReviewOutcome: choiceOn(
    '$.postOutcome.outcome',
    { CONFIRMED: 'OpenAppealWindow', REVOKED: 'DecisionRevoked' },
    'UnexpectedDecisionOutcome',
  ),
  DecisionRevoked: succeed(),
  UnexpectedDecisionOutcome: unexpected(),
  OpenAppealWindow: lambdaTask('OpenAppealWindow', theCase, {
    select: ['closesAt', 'waitUntil'],
    resultPath: '$.appealWindow',
    next: 'AwaitAppealWindow',
  }),
  AwaitAppealWindow: waitUntil('$.appealWindow.waitUntil', { next: 'CollectAppeals' }),
  CollectAppeals: lambdaTask('CollectAppeals', theCase, { select: ['appealBatches'], resultPath: '$.appeals', next: 'AppealReviews' }),
  // Each appeal's review opens when its iteration starts: all of them at once, none waiting for an earlier one to end.
  AppealReviews: everyBatchAtOnce('APPEALS', 'RunAppealBatch', '$.appeals.appealBatches'),
});

const awaitApprovals = { select: ['decision'], resultPath: '$.approval', next: 'ApprovalDecision' } as const;

export function caseWorkflow(): AslDefinition {
  return stateMachine({
    comment:
      'One execution per case (name = caseId): approval or prior review, orders, the compliance window per order, post-review, the appeal window, appeals, fines, closing. State carries ids only; see docs/architecture.md "The workflow".',
    startAt: 'OpenCase',
    onError: 'RecordFailure',
    states: {
      OpenCase: lambdaTask('OpenCase', theCase, {
        select: ['procedure', 'secondsToApprovalSla'],
        resultPath: '$.open',
        next: 'ChooseProcedure',
      }),
      ChooseProcedure: choiceOn('$.open.procedure', { 'vote-first': 'OpenPriorReview' }, 'AwaitApprovals'),
      AwaitApprovals: waitForPerson(waitingFor.approval, {
        ...awaitApprovals,
        timeoutSecondsPath: '$.open.secondsToApprovalSla',
        onTimeout: 'EscalateApprovalSla',
      }),
      EscalateApprovalSla: lambdaTask('EscalateApprovalSla', theCase, {
        select: ['alerted', 'secondsToWait'],
        resultPath: '$.escalation',
        next: 'AwaitApprovalsAfterEscalation',
      }),
      // The staff decision completes this wait; it lasts as long as the execution may run, so it
      // never ends by itself and the history does not grow while the case stays undecided (a
      // recheck loop added events every SLA's length). The sweeper completes a lost completion.
      AwaitApprovalsAfterEscalation: waitForPerson(waitingFor.approval, {
        ...awaitApprovals,
        timeoutSecondsPath: '$.escalation.secondsToWait',
        onTimeout: 'EscalateApprovalSla',
      }),
      ApprovalDecision: choiceOn('$.approval.decision', { APPROVED: 'IssueOrders', REJECTED: 'CaseRejected' }, 'UnexpectedResult'),
      ...committeeReview(
        {
          open: 'OpenPriorReview',
          await: 'AwaitPriorReview',
          deadlinePassed: 'PriorReviewDeadlinePassed',
          decided: 'PriorReviewDecided',
          apply: 'ApplyPriorReviewOutcome',
        },
        { ...theCase, kind: 'PRIOR_REVIEW' },
        { resultPath: '$.priorOutcome', next: 'PriorReviewOutcome' },
      ),
      PriorReviewOutcome: choiceOn('$.priorOutcome.outcome', { CONFIRMED: 'IssueOrders', REVOKED: 'CaseRejected' }, 'UnexpectedResult'),
      CaseRejected: pass({ next: 'CloseCase' }),
      IssueOrders: lambdaTask('IssueOrders', theCase, {
        select: ['orderBatches'],
        resultPath: '$.orders',
        next: 'Tracks',
      }),
      Tracks: parallel([complianceTrack, decisionTrack], { resultPath: null, next: 'AssessFines' }),
      AssessFines: lambdaTask('AssessFines', theCase, { select: ['fined'], resultPath: '$.fines', next: 'CloseCase' }),
      CloseCase: lambdaTask('CloseCase', theCase, { select: ['status'], resultPath: '$.closed', next: 'Closed' }),
      Closed: succeed(),
      // A Choice cannot catch: its unknown answer is made an error here, for RecordFailure to record.
      UnexpectedResult: pass(
        { next: 'RecordFailure' },
        { value: { Error: UNEXPECTED.error, Cause: UNEXPECTED.cause }, resultPath: ERROR_PATH },
      ),
      // The whole error: a caught error may have no Cause, and a path to it would itself fail the state.
      RecordFailure: lambdaTask(
        'RecordFailure',
        { ...theCase, 'error.$': ERROR_PATH },
        { select: ['status'], resultPath: '$.failure', next: 'Failed' },
      ),
      Failed: fail('CaseFailed', 'The case workflow stopped on an error; the case is FAILED and staff were told.'),
    },
  });
}

/**
 * One batch of a case's orders or appeals ({caseId, kind, batch}), started by the case workflow
 * (everyBatchAtOnce) with the name caseId-kind-batch-retry. It catches nothing: an error ends it,
 * and the case workflow's state that started it fails and is caught there.
 */
export function caseBatch(): AslDefinition {
  return stateMachine({
    comment:
      'One batch of up to 40 orders or appeals of a case, a child execution of the case workflow (name = caseId-kind-batch-retry); see docs/architecture.md "The workflow".',
    startAt: 'BatchKind',
    states: {
      BatchKind: choiceOn('$.kind', { ORDERS: 'ListOrderBatch', APPEALS: 'ListAppealBatch' }, 'UnexpectedBatchKind'),
      ...batchItems('ORDERS', { list: 'ListOrderBatch', each: 'PerOrder' }, 'orderId', {
        startAt: 'SendOrderNotice',
        states: orderCompliance(),
      }),
      ...batchItems('APPEALS', { list: 'ListAppealBatch', each: 'PerAppeal' }, 'appealId', {
        startAt: 'OpenAppealReview',
        states: committeeReview(
          {
            open: 'OpenAppealReview',
            await: 'AwaitAppealReview',
            deadlinePassed: 'AppealDeadlinePassed',
            decided: 'AppealReviewDecided',
            apply: 'ApplyAppealOutcome',
          },
          { ...theCase, kind: 'APPEAL', 'appealId.$': '$.appealId' },
          { resultPath: '$.appealOutcome', end: true },
        ),
      }),
      UnexpectedBatchKind: unexpected(),
    },
  });
}

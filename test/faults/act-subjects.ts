/**
 * Every act of a person under every fault (test/support/faults.ts), run in shares by acts-1.test.ts,
 * acts-2.test.ts... so that two forks share the work: the act lands whole (state,
 * audit event, follow-ups) or not at all; a retry never does it twice; the sweeper finishes what a
 * crash left; the answer is success only when the act took effect, and a refusal on the retry
 * says that the first attempt's act stands.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../shared/domain/authz';
import { ConflictError, type DomainError, NotFoundError } from '../../shared/domain/errors';
import { appealIdFor } from '../../shared/domain/ids';
import { normalizeObjectionCode, objectionCodeHash } from '../../shared/domain/objections';
import type { VoteRecord } from '../../shared/domain/model';
import { facets, planSearch } from '../../shared/domain/search';
import { config, resetConfigForTests } from '../../shared/runtime/config';
import { tokenPurpose } from '../../shared/domain/waits';
import { orderDecider } from '../../shared/domain/deciders/order';
import { act, notifyOperator } from '../../shared/services/acts';
import { decideApproval } from '../../shared/services/approvals';
import { recordDeliveryEvent } from '../../shared/services/delivery';
import {
  acknowledgeOrder,
  bulkOrders,
  fileAppeal,
  recordCompliance,
  reportReinstatement,
  reportUrlCompliance,
  submitFineOpinion,
} from '../../shared/services/operator-orders';
import { checkDueUrls } from '../../shared/services/post-monitoring';
import { filePosterObjection } from '../../shared/services/public-objections';
import { putObjectionCode } from '../../shared/store/objections';
import { createOperator, updateOperator } from '../../shared/services/operators';
import { createPartner, updatePartner } from '../../shared/services/partners';
import { fileFollowUp } from '../../shared/services/follow-ups';
import { findDuplicates } from '../../shared/services/duplicates';
import { exportHashes, matchHashes } from '../../shared/services/hash-list';
import { fileReport } from '../../shared/services/reports';
import { castVote, decideEscalatedReview, recuse } from '../../shared/services/reviews';
import { changeDeadline, decideFine, resendOrderNotice, resolveNonCompliance } from '../../shared/services/staff-orders';
import { searchCases } from '../../shared/store/search';
import { WEBHOOK_QUEUE_LEASE_MS, webhookIdOf } from '../../shared/domain/webhooks';
import {
  attemptWebhookDelivery,
  queueWebhookEvents,
  registerWebhook,
  removeWebhook,
  sendDueWebhooks,
  sendQueuedWebhooks,
  webhookDeliveries,
  type WebhookPost,
} from '../../shared/services/webhooks';
import { getWebhookDelivery, getWebhookEndpoint } from '../../shared/store/webhooks';
import { documentClient } from '../../shared/store/client';
import { casePartition, refs, SEARCH_ENTRY_PREFIX, searchPartition } from '../../shared/store/keys';
import { GSI1 } from '../../shared/store/table';
import { type FineLedger, fineLedgerDecider } from '../../shared/domain/deciders/fine-ledger';
import { readRecord } from '../../shared/store/journal';
import {
  getAppeal,
  getCase,
  getIdempotencyRecord,
  getOperator,
  getOrder,
  forgetRememberedItems,
  getCaseUrls,
  getPartner,
  getReview,
  storeTaskToken,
  writeUrls,
} from '../../shared/store/repository';
import {
  expectMailedOnce,
  expectShareFiles,
  finalAnswer,
  shareOf,
  underEveryFault,
  type ActUnderFaults,
  type Outcome,
} from '../support/faults';
import { actionsOf, expectConsistentStream, plant, storedEvents } from '../support/given';
import {
  aCase,
  anOperator,
  anOrder,
  aPartner,
  aProposedFine,
  aReview,
  CASE_ID,
  CASE_URLS,
  POST_REVIEW_ID,
  WEBHARD_ORDER_ID,
} from '../support/records';
import { useWorld, type World } from '../support/world';
import { asTheTablesOnlyWriter } from '../support/single-writer';

const NOW = '2026-03-03T00:00:00.000Z';
const SWEEP_AT = '2026-03-03T00:10:00.000Z';
const CLOCK = { now: NOW, sweepAt: SWEEP_AT };

const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });
const member = (userId: string): Identity => ({ userId, roles: ['committee'] });
const webhard: Identity = { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' };
const ballot = (decision: VoteRecord['decision']): VoteRecord => ({ decision, at: '2026-03-02T12:00:00.000Z' });
const POSTER_CODE = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01';
const POSTER_GROUNDS = 'I posted this clip myself; everyone in it agreed to its publication.';

/**
 * The world of the file running a share, set by that file (see below): a worker that runs several
 * files imports this module once, and must not keep the first file's world, closed after it.
 */
let world: World;

/** A wait of the workflow that holds a live token. */
async function givenWait(purpose: string, token: string): Promise<void> {
  await storeTaskToken(CASE_ID, purpose, token, NOW);
  world.liveToken(token);
}

const count = (items: readonly string[], wanted: string) => items.filter((item) => item === wanted).length;

/** Success, or (after a lost answer) a refusal telling that the first attempt's act stands. */
function expectDoneOnce<T>(outcome: Outcome<T>, refusal: new (...args: never[]) => DomainError = ConflictError): void {
  const answer = finalAnswer(outcome);
  if (answer.ok) return;
  expect(outcome.first.ok, 'a refusal only after a first attempt that failed').toBe(false);
  expect(answer.error).toBeInstanceOf(refusal);
}

const caseStream = () => [refs.case(CASE_ID).root];

async function givenPendingCase(approvals: string[] = []): Promise<void> {
  await plant.case(aCase({ approvals: approvals.map((by) => ({ by, at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' as const })) }));
  await givenWait(tokenPurpose.approval(), 'live-approval');
}

async function givenOpenOrder(overrides: Parameters<typeof anOrder>[0] = {}): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await plant.order(anOrder(overrides));
}

/** The order as issued, before SES accepted its notice: no clock. */
async function givenIssuedOrder(overrides: Parameters<typeof anOrder>[0] = {}): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await writeUrls(CASE_ID, CASE_URLS);
  const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = anOrder(overrides);
  await plant.order(issued);
}

const NON_COMPLIANT_CLOCK = { deadlineAt: '2026-02-20T00:00:00.000Z', graceEndsAt: '2026-02-27T00:00:00.000Z' };
/** An order whose grace period ended without compliance, before NOW. */
const NON_COMPLIANT = {
  status: 'OVERDUE',
  complianceStatus: 'OVERDUE',
  ...NON_COMPLIANT_CLOCK,
  overdueAt: NON_COMPLIANT_CLOCK.deadlineAt,
  nonComplianceRecordedAt: NON_COMPLIANT_CLOCK.graceEndsAt,
} as const;

/** An issued order whose grace period ended without compliance, before NOW (its clock kept). */
async function givenNonCompliantOrder(): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-02-19T00:00:00.000Z' }));
  await writeUrls(CASE_ID, CASE_URLS);
  await plant.order(anOrder({ issuedAt: '2026-02-19T00:00:00.000Z', ...NON_COMPLIANT }));
}

/** The sort keys of a case's search entries, as stored in its partition. */
async function searchEntriesOf(caseId: string): Promise<string[]> {
  const answer = await documentClient.send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': casePartition(caseId), ':prefix': SEARCH_ENTRY_PREFIX },
    }),
  );
  return (answer.Items ?? []).map((item) => String(item.sk)).sort();
}

/** How many entries a search of one facet finds (GSI1), whoever's case they are. */
async function entriesUnder(facet: string): Promise<number> {
  const answer = await documentClient.send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': searchPartition(facet) },
    }),
  );
  return answer.Items?.length ?? 0;
}

const REPORTER_CONTACT = { email: 'survivor@example.org', language: 'ko' } as const;

/** An issued order whose case's reporter asked for outcome e-mails; the workflow waits for compliance. */
async function givenWatchedOrder(): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z', reporterContact: REPORTER_CONTACT }));
  await writeUrls(CASE_ID, CASE_URLS);
  await plant.order(anOrder({ reporterUpdates: true }));
  await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
}

const DAY_MS = 86_400_000;
/** A point of P-256 (a registered partner's key is checked only when it is registered or changed). */
const PARTNER_COORDINATES = {
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};
const UNDELIVERED_ALERT = new RegExp(`Order ${WEBHARD_ORDER_ID} could not be delivered`);
const ORDER_NOTICE = new RegExp(`^\\[긴급 .*${WEBHARD_ORDER_ID}`);

const subjects: [string, ActUnderFaults<unknown>][] = [
  [
    'a report filed with an Idempotency-Key: one case, filed once, its workflow started once',
    {
      given: async () => undefined,
      act: () =>
        fileReport(
          { userId: 'support-center', roles: ['reporter'] },
          { urls: ['https://webhard.example/v/1'], category: 'ILLEGAL_FILMING', reporter: { kind: 'SUPPORT_CENTER' }, victimConsent: true },
          'report-1',
          NOW,
        ),
      streams: () => [],
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const reserved = await getIdempotencyRecord('support-center', 'report-1');
        expect(reserved).toBeDefined();
        const caseId = reserved?.caseId ?? '';
        expect((await getCase(caseId))?.status).toBe('PENDING_APPROVAL');
        expect(count(await actionsOf(caseId), 'REPORT_FILED')).toBe(1);
        expect([...world.executions]).toEqual([caseId]);
        // Its URLs as the process answers them (it knew the new case's from the filing) are the table's
        const answeredUrls = await getCaseUrls(caseId);
        forgetRememberedItems();
        expect(answeredUrls).toEqual(await getCaseUrls(caseId));
        expect(answeredUrls.map((url) => url.url)).toEqual(['https://webhard.example/v/1']);
        await expectConsistentStream(refs.case(caseId).root);
        // A later report of the same URL is warned of it
        expect((await findDuplicates(null, ['https://webhard.example/v/1'], NOW)).map((found) => found.caseId)).toEqual([caseId]);
        // One set of search entries: one per facet of the case, each listed once in the search index
        const filed = [facets.category('ILLEGAL_FILMING'), facets.url('https://webhard.example/v/1'), facets.host('webhard.example')];
        expect(await searchEntriesOf(caseId)).toEqual(filed.map(searchPartition).sort());
        for (const facet of filed) expect(await entriesUnder(facet), facet).toBe(1);
      },
    },
  ],
  [
    'a first approval: counted once, the case still pending, no wait completed',
    {
      given: () => givenPendingCase(),
      act: () => decideApproval(staff('staff-lee'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const record = await getCase(CASE_ID);
        expect(record?.approvals.map((approval) => approval.by)).toEqual(['staff-lee']);
        expect(record?.status).toBe('PENDING_APPROVAL');
        expect(count(await actionsOf(CASE_ID), 'APPROVAL_GIVEN')).toBe(1);
        expect(world.completedWaits).toEqual([]);
      },
    },
  ],
  [
    'the approval that completes the count: the clock starts once, the workflow hears it once',
    {
      given: () => givenPendingCase(['staff-lee']),
      act: () => decideApproval(staff('staff-park'), CASE_ID, { decision: 'APPROVE', reason: 'footage checked' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(await getCase(CASE_ID)).toMatchObject({ status: 'ORDERS_ISSUED', ordersIssuedAt: NOW });
        expect((await getCase(CASE_ID))?.approvals.map((approval) => approval.by)).toEqual(['staff-lee', 'staff-park']);
        expect(count(await actionsOf(CASE_ID), 'APPROVAL_GIVEN')).toBe(1);
        expect(world.completedWaits).toEqual([{ token: 'live-approval', output: { decision: 'APPROVED' } }]);
      },
    },
  ],
  [
    'a rejection: the urgent track ends once, the workflow hears it once',
    {
      given: () => givenPendingCase(),
      act: () => decideApproval(staff('staff-lee'), CASE_ID, { decision: 'REJECT', reason: 'lawful content' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect((await getCase(CASE_ID))?.status).toBe('REJECTED');
        expect(count(await actionsOf(CASE_ID), 'APPROVAL_REFUSED')).toBe(1);
        expect(world.completedWaits).toEqual([{ token: 'live-approval', output: { decision: 'REJECTED' } }]);
      },
    },
  ],
  [
    'an acknowledgement: recorded once, and repeating it is harmless',
    {
      given: () => givenOpenOrder(),
      act: () => acknowledgeOrder(webhard, WEBHARD_ORDER_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedAt: NOW });
        expect(count(await actionsOf(CASE_ID), 'ORDER_ACKNOWLEDGED')).toBe(1);
      },
    },
  ],
  [
    'an answer to a reinstatement instruction: recorded once, and repeating it is harmless',
    {
      given: () =>
        givenOpenOrder({
          status: 'REVOKED',
          decisionStatus: 'REVOKED',
          complianceStatus: 'COMPLIED',
          reinstatement: { instruction: 'REINSTATE', status: 'PENDING', instructedAt: '2026-03-02T20:00:00.000Z' },
        }),
      act: () => reportReinstatement(webhard, WEBHARD_ORDER_ID, { action: 'RESTORED', note: 'back online' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect((await getOrder(WEBHARD_ORDER_ID))?.reinstatement).toMatchObject({ status: 'DONE', action: 'RESTORED', doneAt: NOW });
        expect(count(await actionsOf(CASE_ID), 'REINSTATEMENT_REPORTED')).toBe(1);
      },
    },
  ],
  [
    'a compliance report: recorded once, the deadline wait completed once',
    {
      given: async () => {
        await givenOpenOrder();
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () => recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'COMPLIED', compliedAt: NOW, complianceAction: 'DELETED' });
        expect(count(await actionsOf(CASE_ID), 'ORDER_COMPLIED')).toBe(1);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'COMPLIED' } }]);
      },
    },
  ],
  [
    'a per-URL report that accounts for the last URL: each outcome kept once, the order complied once, the wait completed once',
    {
      given: async () => {
        await givenOpenOrder();
        await writeUrls(CASE_ID, CASE_URLS);
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () =>
        reportUrlCompliance(
          webhard,
          WEBHARD_ORDER_ID,
          {
            urls: CASE_URLS.filter((url) => url.operatorId === 'op-webhard').map((url) => ({ url: url.url, outcome: 'DELETED' as const })),
          },
          NOW,
        ),
      streams: caseStream,
      expectAfter: async (outcome) => {
        // A repeat of the same report is harmless: the retry answers the complied order
        expect(finalAnswer(outcome).ok).toBe(true);
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({
          status: 'COMPLIED',
          compliedAt: NOW,
          urlCompliance: { outcomes: { 0: 'DELETED', 1: 'DELETED' } },
        });
        expect(count(await actionsOf(CASE_ID), 'ORDER_COMPLIED')).toBe(1);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'COMPLIED' } }]);
      },
    },
  ],
  [
    'a per-URL report of a URL the operator cannot comply with: accounted once, the order open, staff alerted once',
    {
      given: async () => {
        await givenOpenOrder();
        await writeUrls(CASE_ID, CASE_URLS);
      },
      act: () =>
        reportUrlCompliance(
          webhard,
          WEBHARD_ORDER_ID,
          { urls: [{ url: CASE_URLS[0]?.url as string, outcome: 'CANNOT_COMPLY', reason: 'held under a court preservation order' }] },
          NOW,
        ),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({
          complianceStatus: 'ISSUED',
          urlCompliance: { outcomes: { 0: 'CANNOT_COMPLY' } },
        });
        expect(count(await actionsOf(CASE_ID), 'URLS_ACCOUNTED')).toBe(1);
        expectMailedOnce(world, new RegExp(`Order ${WEBHARD_ORDER_ID}: the operator cannot comply for 1 URL`));
      },
    },
  ],
  [
    'a bulk call: each order acted on once, and the retried call answers every order as done',
    {
      given: async () => {
        await givenOpenOrder();
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () =>
        bulkOrders(webhard, { acknowledge: [WEBHARD_ORDER_ID], compliance: [{ orderId: WEBHARD_ORDER_ID, action: 'DELETED' }] }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        const answer = finalAnswer(outcome);
        const results = answer.ok ? (answer.value as Awaited<ReturnType<typeof bulkOrders>>).results : [];
        // A retry's acknowledgement answers the order as it now stands: complied
        expect(results.map((result) => [result.act, result.error])).toEqual([
          ['ACKNOWLEDGE', undefined],
          ['COMPLIANCE', undefined],
        ]);
        expect(results[1]?.status).toBe('COMPLIED');
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'COMPLIED', acknowledgedAt: NOW, complianceAction: 'DELETED' });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_ACKNOWLEDGED'), count(actions, 'ORDER_COMPLIED')]).toEqual([1, 1]);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'COMPLIED' } }]);
      },
    },
  ],
  [
    'an appeal: the order appealed once within its window, its appeal recorded once with the grounds',
    {
      given: () =>
        givenOpenOrder({
          status: 'CONFIRMED',
          decisionStatus: 'CONFIRMED',
          complianceStatus: 'COMPLIED',
          appealDeadline: '2026-03-20T00:00:00.000Z',
        }),
      act: () => fileAppeal(webhard, WEBHARD_ORDER_ID, { grounds: 'The video is a licensed film.' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const appealId = appealIdFor(CASE_ID, 'op-webhard');
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'APPEALED', appealId });
        expect(await getAppeal(appealId)).toMatchObject({ status: 'FILED', grounds: 'The video is a licensed film.', filedAt: NOW });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_APPEALED'), count(actions, 'APPEAL_FILED')]).toEqual([1, 1]);
      },
    },
  ],
  [
    "a poster's objection: recorded once on the order and once on its appeal, however often it is sent",
    {
      given: async () => {
        await givenOpenOrder({ noticeAcceptedAt: '2026-03-02T01:00:05.000Z' });
        await putObjectionCode(objectionCodeHash(normalizeObjectionCode(POSTER_CODE) ?? ''), { orderId: WEBHARD_ORDER_ID, createdAt: NOW });
      },
      act: () => filePosterObjection({ code: POSTER_CODE, grounds: POSTER_GROUNDS, contact: 'poster@mail.example' }, '203.0.113.9', NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const answer = finalAnswer(outcome);
        const appealId = appealIdFor(CASE_ID, 'op-webhard');
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order).toMatchObject({ decisionStatus: 'PENDING', appealId });
        expect(order?.posterObjectionIds).toHaveLength(1);
        if (answer.ok) expect(order?.posterObjectionIds).toEqual([(answer.value as { reference: string }).reference]);
        const appeal = await getAppeal(appealId);
        expect(appeal).toMatchObject({ status: 'FILED', filedBy: 'POSTER' });
        expect(appeal?.objections?.map((objection) => objection.grounds)).toEqual([POSTER_GROUNDS]);
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_OBJECTED_BY_POSTER'), count(actions, 'APPEAL_FILED')]).toEqual([1, 1]);
      },
    },
  ],
  [
    'a deciding vote: counted once, closes the review once, completes the wait once',
    {
      given: async () => {
        await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
        await plant.review(aReview({ votes: { 'member-2': ballot('CONFIRM'), 'member-3': ballot('CONFIRM') } }));
        await givenWait(tokenPurpose.review(POST_REVIEW_ID), 'live-review');
      },
      act: () => castVote(member('member-1'), POST_REVIEW_ID, { decision: 'CONFIRM' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const review = await getReview(POST_REVIEW_ID);
        expect(review?.votes['member-1']?.decision).toBe('CONFIRM');
        expect(review).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED' });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'VOTE_CAST'), count(actions, 'REVIEW_CLOSED')]).toEqual([1, 1]);
        expect(world.completedWaits).toEqual([{ token: 'live-review', output: { decided: true, outcome: 'CONFIRMED' } }]);
      },
    },
  ],
  [
    'a recusal that makes the outcome certain: recorded once, the review closed once',
    {
      given: async () => {
        await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
        await plant.review(
          aReview({
            eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4'],
            votes: { 'member-1': ballot('CONFIRM'), 'member-2': ballot('CONFIRM'), 'member-3': ballot('REVOKE') },
          }),
        );
        await givenWait(tokenPurpose.review(POST_REVIEW_ID), 'live-review');
      },
      act: () => recuse(member('member-4'), POST_REVIEW_ID, { reason: 'I advised the operator.' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const review = await getReview(POST_REVIEW_ID);
        expect(Object.keys(review?.recusals ?? {})).toEqual(['member-4']);
        expect(review).toMatchObject({ status: 'CLOSED', outcome: 'CONFIRMED' });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'MEMBER_RECUSED'), count(actions, 'REVIEW_CLOSED')]).toEqual([1, 1]);
        expect(world.completedWaits).toEqual([{ token: 'live-review', output: { decided: true, outcome: 'CONFIRMED' } }]);
      },
    },
  ],
  [
    'a recusal that leaves fewer members than the quorum: recorded once, escalated once, staff told',
    {
      given: async () => {
        await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
        await plant.review(aReview({ eligibleMembers: ['member-1', 'member-2', 'member-3'], votes: { 'member-1': ballot('CONFIRM') } }));
        await givenWait(tokenPurpose.review(POST_REVIEW_ID), 'live-review');
      },
      act: () => recuse(member('member-3'), POST_REVIEW_ID, { reason: 'I advised the operator.' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'ESCALATED', recusals: { 'member-3': expect.anything() } });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'MEMBER_RECUSED'), count(actions, 'REVIEW_ESCALATED')]).toEqual([1, 1]);
        // At least once: a fault between SES's acceptance and its record makes the retry send it again.
        expect(world.mails.some((mail) => mail.subject.includes(`Review ${POST_REVIEW_ID} needs a staff decision`))).toBe(true);
        // The review is not decided: the workflow keeps waiting, for the staff decision.
        expect(world.completedWaits).toEqual([]);
      },
    },
  ],
  [
    'a staff decision on an escalated review: decided once, as stored, the wait completed once',
    {
      given: async () => {
        const approvals = ['staff-lee', 'staff-park'].map((by) => ({ by, at: '2026-03-02T00:10:00.000Z', decision: 'APPROVE' as const }));
        await plant.case(
          aCase({ createdBy: 'support-center', approvals, status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }),
        );
        await plant.review(aReview({ status: 'ESCALATED', extended: true }));
        await givenWait(tokenPurpose.review(POST_REVIEW_ID), 'live-review');
      },
      act: () =>
        decideEscalatedReview(staff('staff-kim'), POST_REVIEW_ID, { decision: 'REVOKE', reason: 'The committee could not meet.' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'CLOSED', outcome: 'REVOKED', outcomeReason: 'STAFF_DECISION' });
        const closings = (await storedEvents(refs.case(CASE_ID).root.pk)).filter((event) => event.action === 'REVIEW_CLOSED');
        expect(closings.map((event) => [event.actor, event.details.outcome])).toEqual([['staff-kim', 'REVOKED']]);
        expect(world.completedWaits).toEqual([{ token: 'live-review', output: { decided: true, outcome: 'REVOKED' } }]);
      },
    },
  ],
  [
    'an operator registered: once, with its domains claimed, audited on its own chain',
    {
      given: async () => undefined,
      act: () =>
        createOperator(
          {
            operatorId: 'op-new',
            name: 'New Host',
            domains: ['new.example'],
            contactEmails: ['abuse@new.example'],
            jurisdiction: 'DOMESTIC',
            annualRevenue: 5_000_000_000,
            currency: 'KRW',
          },
          NOW,
          'staff-kim',
        ),
      streams: () => [refs.operator('op-new').root],
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(await getOperator('op-new')).toMatchObject({ domains: ['new.example'], contactEmails: ['abuse@new.example'] });
        const actions = (await storedEvents(refs.operator('op-new').root.pk)).map((event) => event.action);
        expect(actions).toEqual(['OPERATOR_REGISTERED']);
      },
    },
  ],
  [
    'a partner registered: once, audited on its own chain',
    {
      given: async () => undefined,
      act: () =>
        createPartner(
          { partnerId: 'partner-tw', name: 'NCC', countries: ['TW'], contact: 'referrals@ncc.example', language: 'zh-TW' },
          NOW,
          'staff-kim',
        ),
      streams: () => [refs.partner('partner-tw').root],
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(await getPartner('partner-tw')).toMatchObject({ countries: ['TW'], contact: 'referrals@ncc.example' });
        expect((await storedEvents(refs.partner('partner-tw').root.pk)).map((event) => event.action)).toEqual(['PARTNER_REGISTERED']);
      },
    },
  ],
  [
    "a partner's change: recorded once, with who changed it",
    {
      given: () => plant.partner(aPartner(PARTNER_COORDINATES)).then(() => undefined),
      act: () => updatePartner('partner-fr', { contact: 'signalements@pointdecontact.example' }, NOW, 'staff-lee'),
      streams: () => [refs.partner('partner-fr').root],
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect((await getPartner('partner-fr'))?.contact).toBe('signalements@pointdecontact.example');
        const updates = (await storedEvents(refs.partner('partner-fr').root.pk)).filter((event) => event.action === 'PARTNER_UPDATED');
        expect(updates.map((event) => event.actor)).toEqual(['staff-lee']);
      },
    },
  ],
  [
    'a registry change: the new contact recorded once, with who changed it',
    {
      given: () => plant.operator(anOperator()).then(() => undefined),
      act: () => updateOperator('op-webhard', { contactEmails: ['legal@webhard.example'] }, NOW, 'staff-lee'),
      streams: () => [refs.operator('op-webhard').root],
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect((await getOperator('op-webhard'))?.contactEmails).toEqual(['legal@webhard.example']);
        const updates = (await storedEvents(refs.operator('op-webhard').root.pk)).filter((event) => event.action === 'OPERATOR_UPDATED');
        expect(updates.map((event) => [event.actor, event.details.changes])).toEqual([
          ['staff-lee', { contactEmails: { from: ['notices@webhard.example'], to: ['legal@webhard.example'] } }],
        ]);
        // And the old and the new contacts were told, in one e-mail, once
        expectMailedOnce(world, /^\[연락처 변경\]/);
        const told = world.mails.find((mail) => mail.subject.startsWith('[연락처 변경]'));
        expect([...(told?.to ?? [])].sort()).toEqual(['legal@webhard.example', 'notices@webhard.example']);
      },
    },
  ],
  [
    "SES's permanent bounce of an ORDER notice: the order UNDELIVERED once, staff told once, the compliance wait completed once",
    {
      given: async () => {
        // The order's notice went out (message-1) and its clock runs; the workflow waits for compliance
        await givenIssuedOrder();
        await notifyOperator(WEBHARD_ORDER_ID, { kind: 'ORDER' }, `order:${WEBHARD_ORDER_ID}`);
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () =>
        recordDeliveryEvent({
          messageId: 'message-1',
          type: 'BOUNCE',
          permanent: true,
          at: NOW,
          reason: 'Permanent/General: smtp; 550 5.1.1 user unknown',
        }),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order).toMatchObject({ status: 'UNDELIVERED', undeliveredAt: NOW });
        expect(order?.deadlineAt).toBeUndefined();
        expect(order?.notices).toMatchObject([{ eventKey: `order:${WEBHARD_ORDER_ID}`, status: 'BOUNCED' }]);
        expect(count(await actionsOf(CASE_ID), 'ORDER_UNDELIVERED')).toBe(1);
        expectMailedOnce(world, UNDELIVERED_ALERT);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'UNDELIVERED' } }]);
      },
    },
  ],
  [
    'an escalation of non-compliance: recorded once with its reason, staff alerted once',
    {
      given: givenNonCompliantOrder,
      act: () => resolveNonCompliance(staff('staff-lee'), WEBHARD_ORDER_ID, { action: 'ESCALATE', reason: 'still online' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'NON_COMPLIANCE_ESCALATED')).toBe(1);
        expectMailedOnce(world, /referred for a formal order or penalty procedure/);
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ nonComplianceResolution: { action: 'ESCALATE', reason: 'still online' } });
      },
    },
  ],
  [
    'a verified removal after non-compliance: recorded once with its reason, nothing sent',
    {
      given: givenNonCompliantOrder,
      act: () => resolveNonCompliance(staff('staff-lee'), WEBHARD_ORDER_ID, { action: 'VERIFIED_REMOVAL', reason: 'checked: gone' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const actions = await actionsOf(CASE_ID);
        expect(count(actions, 'REMOVAL_VERIFIED')).toBe(1);
        expect(count(actions, 'NON_COMPLIANCE_ESCALATED')).toBe(0);
        // It shares the escalation's path but tells nobody: no staff alert, no notice to the operator
        expect(world.mails).toEqual([]);
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({
          nonComplianceResolution: { action: 'VERIFIED_REMOVAL', by: 'staff-lee', reason: 'checked: gone' },
        });
      },
    },
  ],
  [
    'a compliance report whose reporter asked for e-mails: the reporter told once, in its language, the e-mail recorded once',
    {
      given: givenWatchedOrder,
      act: () => recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_COMPLIED'), count(actions, 'REPORTER_NOTIFIED')]).toEqual([1, 1]);
        expectMailedOnce(world, /^\[신고 처리 결과\] 신고하신 주소 2개의 처리 결과: 삭제됨$/);
        expect((await getCase(CASE_ID))?.reporterUpdates?.map((update) => update.eventKey)).toEqual([
          `reporter:${WEBHARD_ORDER_ID}:0:IN_PROGRESS>REMOVED`,
        ]);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'COMPLIED' } }]);
      },
    },
  ],
  [
    'a re-issue after non-compliance: re-issued once, the new ORDER notice sent once, its clock started once',
    {
      given: givenNonCompliantOrder,
      act: () => resolveNonCompliance(staff('staff-lee'), WEBHARD_ORDER_ID, { action: 'REISSUE', reason: 'new contact' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'ORDER_REISSUED')).toBe(1);
        expectMailedOnce(world, ORDER_NOTICE);
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order).toMatchObject({ complianceStatus: 'ISSUED', resends: 1, missedClock: NON_COMPLIANT_CLOCK });
        expect(order?.notices.map((notice) => notice.eventKey)).toEqual([`order:${WEBHARD_ORDER_ID}:resend-1`]);
        expect(Date.parse(order?.deadlineAt ?? '')).toBeGreaterThanOrEqual(Date.parse(order?.noticeAcceptedAt ?? '') + DAY_MS);
      },
    },
  ],
  [
    'a follow-up for URLs left unassigned at issuance: one follow-up case, filed once, its search entries and workflow once',
    {
      given: async () => {
        await plant.operator(anOperator());
        // Registered after the case's orders were issued: unknown.example's URL stayed UNASSIGNED.
        await plant.operator(anOperator({ operatorId: 'op-unknown', name: 'Unknown Host', domains: ['unknown.example'] }));
        await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
        await writeUrls(CASE_ID, CASE_URLS);
      },
      act: () => fileFollowUp(staff('staff-lee'), CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        const followUps = (await getCase(CASE_ID))?.followUps ?? [];
        expect(followUps).toHaveLength(1);
        const followUpId = followUps[0] ?? '';
        expect(count(await actionsOf(CASE_ID), 'FOLLOW_UP_FILED')).toBe(1);
        expect(count(await actionsOf(followUpId), 'REPORT_FILED')).toBe(1);
        expect(await getCase(followUpId)).toMatchObject({ followUpOf: CASE_ID, status: 'PENDING_APPROVAL', createdBy: 'staff-lee' });
        expect(await getCaseUrls(followUpId)).toEqual([
          { url: 'https://unknown.example/x', host: 'unknown.example', operatorId: 'op-unknown' },
        ]);
        expect(await getCaseUrls(CASE_ID, null)).toEqual([{ ...CASE_URLS[3], referredTo: followUpId }]);
        expect((await searchCases(planSearch({ operatorId: 'op-unknown' }), 10)).cases.map((c) => c.caseId)).toEqual([followUpId]);
        expect([...world.executions]).toContain(followUpId);
        await expectConsistentStream(refs.case(followUpId).root);
      },
    },
  ],
  [
    'an opinion on a proposed fine: recorded once, staff alerted once',
    {
      given: () => givenFinedOrder('2026-03-13T00:00:00.000Z'),
      act: () => submitFineOpinion(webhard, WEBHARD_ORDER_ID, { opinion: 'We removed it the hour we read the notice.' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'FINE_OPINION_SUBMITTED')).toBe(1);
        expectMailedOnce(world, /stated its opinion on the fine/);
        expect((await getOrder(WEBHARD_ORDER_ID))?.fine?.opinion).toMatchObject({
          at: NOW,
          text: 'We removed it the hour we read the notice.',
        });
      },
    },
  ],
  [
    'a deadline extended: extended once, the operator told once, the compliance wait woken once',
    {
      given: async () => {
        await givenOpenOrder();
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () => changeDeadline(staff('staff-lee'), WEBHARD_ORDER_ID, { extendBy: 'PT12H', reason: 'clarification requested' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'DEADLINE_EXTENDED')).toBe(1);
        const order = await getOrder(WEBHARD_ORDER_ID);
        // The grace period counted by the Civil Act from the new deadline: to 24:00 in Seoul on its 7th day
        expect(order).toMatchObject({ deadlineAt: '2026-03-03T13:00:00.000Z', graceEndsAt: '2026-03-10T15:00:00.000Z' });
        expect(order?.deadlineChanges).toHaveLength(1);
        expectMailedOnce(world, /^\[기한 연장\]/);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'DEADLINE_CHANGED' } }]);
      },
    },
  ],
  [
    'a deadline paused: paused once, the operator told once, the compliance wait woken once',
    {
      given: async () => {
        await givenOpenOrder();
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () => changeDeadline(staff('staff-lee'), WEBHARD_ORDER_ID, { pause: true, reason: 'force majeure' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'DEADLINE_PAUSED')).toBe(1);
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order).toMatchObject({ deadlinePausedAt: NOW, pausedClock: { deadlineAt: '2026-03-03T01:00:00.000Z' } });
        expect(order?.deadlineAt).toBeUndefined();
        expectMailedOnce(world, /^\[기한 정지\]/);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'DEADLINE_CHANGED' } }]);
      },
    },
  ],
  [
    'a paused deadline resumed: moved later once by the time it was paused, the operator told once, the compliance wait woken once',
    {
      given: async () => {
        // Paused twelve hours before NOW, its running clock kept aside
        await plant.operator(anOperator());
        await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
        const { deadlineAt, graceEndsAt, ...running } = anOrder();
        await plant.order({
          ...running,
          deadlinePausedAt: '2026-03-02T12:00:00.000Z',
          pausedClock: { deadlineAt: deadlineAt ?? '', graceEndsAt: graceEndsAt ?? '' },
        });
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-compliance');
      },
      act: () => changeDeadline(staff('staff-lee'), WEBHARD_ORDER_ID, { resume: true, reason: 'the outage is over' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'DEADLINE_RESUMED')).toBe(1);
        const order = await getOrder(WEBHARD_ORDER_ID);
        // Twelve hours later than the paused deadline (not 24: moved once), the grace period counted by the Civil Act from it
        expect(order).toMatchObject({ deadlineAt: '2026-03-03T13:00:00.000Z', graceEndsAt: '2026-03-10T15:00:00.000Z' });
        expect(order?.deadlinePausedAt).toBeUndefined();
        expect(order?.pausedClock).toBeUndefined();
        expect(order?.deadlineChanges).toMatchObject([{ change: 'RESUMED', previousDeadlineAt: '2026-03-03T01:00:00.000Z' }]);
        expectMailedOnce(world, /^\[기한 재개\]/);
        expect(world.completedWaits).toEqual([{ token: 'live-compliance', output: { outcome: 'DEADLINE_CHANGED' } }]);
      },
    },
  ],
  [
    'the sweeper reminds of an unanswered reinstatement: recorded once, the operator reminded once',
    {
      given: async () => {
        // The committee revoked the complied order four days ago (the policy's reminder comes after P3D)
        await plant.operator(anOperator());
        await plant.case(aCase({ status: 'CLOSED', ordersIssuedAt: '2026-02-19T00:00:00.000Z', closedAt: '2026-02-27T00:00:00.000Z' }));
        await writeUrls(CASE_ID, CASE_URLS);
        await plant.order(
          anOrder({
            complianceStatus: 'COMPLIED',
            compliedAt: '2026-02-19T03:00:00.000Z',
            decisionStatus: 'REVOKED',
            status: 'REVOKED',
            reinstatement: { instruction: 'REINSTATE', status: 'PENDING', instructedAt: '2026-02-27T00:00:00.000Z' },
          }),
        );
      },
      act: () => act(orderDecider, refs.order(WEBHARD_ORDER_ID), { type: 'REMIND_REINSTATEMENT' }, NOW),
      streams: caseStream,
      expectAfter: async () => {
        expect(count(await actionsOf(CASE_ID), 'REINSTATEMENT_REMINDED')).toBe(1);
        expectMailedOnce(world, new RegExp(`^\\[다시 알림: 게시물 복원 요청\\] ${WEBHARD_ORDER_ID}`));
        expect((await getOrder(WEBHARD_ORDER_ID))?.reinstatement).toMatchObject({ status: 'PENDING', remindedAt: NOW });
      },
    },
  ],
  [
    'the sweeper reminds staff of a fine due for decision: recorded once, staff alerted once',
    {
      given: () => givenFinedOrder('2026-03-02T12:00:00.000Z'),
      act: () => act(orderDecider, refs.order(WEBHARD_ORDER_ID), { type: 'REMIND_FINE_DECISION' }, NOW),
      streams: caseStream,
      expectAfter: async () => {
        expect(count(await actionsOf(CASE_ID), 'FINE_DECISION_DUE')).toBe(1);
        expectMailedOnce(world, new RegExp(`order ${WEBHARD_ORDER_ID} awaits your decision`));
        expect((await getOrder(WEBHARD_ORDER_ID))?.fine).toMatchObject({ status: 'PROPOSED', decisionReminderAt: NOW });
      },
    },
  ],
  [
    'a reduced fine: decided once, the decision sent once, its room given back to the period once',
    {
      given: () => givenFinedOrder('2026-03-02T12:00:00.000Z'),
      act: () =>
        decideFine(
          staff('staff-lee'),
          WEBHARD_ORDER_ID,
          { decision: 'REDUCE', amount: 1_000_000, reason: 'removed promptly once told' },
          NOW,
        ),
      streams: () => [...caseStream(), refs.operator('op-webhard').root],
      expectAfter: async (outcome) => {
        expectDoneOnce(outcome);
        expect(count(await actionsOf(CASE_ID), 'FINE_DECIDED')).toBe(1);
        expectMailedOnce(world, new RegExp(`^\\[과징금 처분\\] ${WEBHARD_ORDER_ID}`));
        expect((await getOrder(WEBHARD_ORDER_ID))?.fine).toMatchObject({ status: 'REDUCED', amount: 1_000_000 });
        const ledger = await readRecord<FineLedger>(refs.fineLedger('op-webhard', '2026'));
        expect(ledger).toMatchObject({ total: 1_000_000, fines: { [WEBHARD_ORDER_ID]: { amount: 1_000_000 } } });
      },
    },
  ],
];

/** An overdue order whose fine is proposed (its room taken in the operator's 2026 ledger), open to opinions until `opinionDueAt`. */
async function givenFinedOrder(opinionDueAt: string): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'CLOSED', ordersIssuedAt: '2026-02-19T00:00:00.000Z' }));
  await writeUrls(CASE_ID, CASE_URLS);
  const fine = aProposedFine({ opinionDueAt, proposedAt: '2026-03-02T00:00:00.000Z' });
  await plant.order(anOrder({ ...NON_COMPLIANT, status: 'CONFIRMED', decisionStatus: 'CONFIRMED', fine }));
  await act(
    fineLedgerDecider,
    refs.fineLedger('op-webhard', '2026'),
    {
      type: 'RESERVE',
      operatorId: 'op-webhard',
      period: '2026',
      currency: 'KRW',
      orderId: WEBHARD_ORDER_ID,
      requested: fine.amount,
      cap: 300_000_000,
    },
    '2026-03-02T00:00:00.000Z',
  );
}

/**
 * Staff resend an UNDELIVERED order's notice: the resend recorded once, the ORDER notice sent once
 * (to the contact fixed since), its acceptance starting the clock once, the delivery wait completed once.
 */
const resendSubject: ActUnderFaults<unknown> = {
  given: async () => {
    await givenIssuedOrder({
      complianceStatus: 'UNDELIVERED',
      status: 'UNDELIVERED',
      undeliveredAt: '2026-03-02T23:00:00.000Z',
      undeliveredReason: 'Permanent/General',
    });
    await givenWait(tokenPurpose.delivery(WEBHARD_ORDER_ID), 'live-delivery');
  },
  act: () => resendOrderNotice(staff('staff-lee'), WEBHARD_ORDER_ID, NOW),
  streams: caseStream,
  expectAfter: async (outcome) => {
    expectDoneOnce(outcome);
    expect(count(await actionsOf(CASE_ID), 'ORDER_NOTICE_RESENT')).toBe(1);
    expectMailedOnce(world, ORDER_NOTICE);
    const order = await getOrder(WEBHARD_ORDER_ID);
    expect(order).toMatchObject({ status: 'ISSUED', resends: 1 });
    expect(order?.notices.map((notice) => notice.eventKey)).toEqual([`order:${WEBHARD_ORDER_ID}:resend-1`]);
    const accepted = Date.parse(order?.noticeAcceptedAt ?? '');
    expect(Date.parse(order?.deadlineAt ?? '')).toBeGreaterThanOrEqual(accepted + DAY_MS);
    expect(world.completedWaits).toEqual([{ token: 'live-delivery', output: { deliverable: true } }]);
  },
};

/**
 * The post-monitoring checker records a round that found a URL of a complied order still up: the
 * round recorded once, the order reopened once, the operator and staff told once, whatever call
 * fails; a failed run fails (so its alarm counts it) and the next run is the retry.
 */
const stillUpSubject: ActUnderFaults<unknown> = {
  given: async () => {
    await plant.operator(anOperator());
    await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.order(
      anOrder({
        status: 'COMPLIED',
        complianceStatus: 'COMPLIED',
        compliedAt: '2026-03-02T12:00:00.000Z',
        complianceAction: 'DELETED',
        monitoring: { since: '2026-03-02T12:00:00.000Z', nextCheckAt: '2026-03-02T13:00:00.000Z', rounds: 0, urls: [] },
      }),
    );
  },
  act: () =>
    checkDueUrls(
      () => new Date().toISOString(),
      async (url) =>
        url === CASE_URLS[0]?.url
          ? { result: 'STILL_UP', httpStatus: 200, bytesRead: 0 }
          : { result: 'GONE', httpStatus: 404, bytesRead: 0 },
    ),
  streams: caseStream,
  expectAfter: async (outcome) => {
    expectDoneOnce(outcome);
    const actions = await actionsOf(CASE_ID);
    expect(count(actions, 'URLS_CHECKED')).toBe(1);
    expect(count(actions, 'NON_COMPLIANCE_RECORDED')).toBe(1);
    const order = await getOrder(WEBHARD_ORDER_ID);
    expect(order).toMatchObject({ complianceStatus: 'COMPLIED', nonComplianceCause: 'POST_MONITORING', monitoring: { rounds: 1 } });
    expect(order?.monitoring?.urls.map((url) => url.checks.length)).toEqual([1, 1]);
    expectMailedOnce(world, new RegExp(`^\\[재게시 확인\\] ${WEBHARD_ORDER_ID}`));
    expectMailedOnce(world, new RegExp(`Order ${WEBHARD_ORDER_ID}: content reported removed is online again`));
  },
};

// ------------------------------------------------------------------------------------ the hash list

const LISTED_PDQ = 'ab'.repeat(32);

/** The post-review confirms an order of a case reported with a hash: the hash is listed once, under one entry id. */
const hashListingSubject: ActUnderFaults<unknown> = {
  given: async () => {
    await plant.operator(anOperator());
    await plant.case(
      aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z', hashes: [{ algorithm: 'PDQ', value: LISTED_PDQ }] }),
    );
    await plant.order(anOrder());
  },
  act: () => act(orderDecider, refs.order(WEBHARD_ORDER_ID), { type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' }, NOW),
  streams: caseStream,
  expectAfter: async () => {
    expect(count(await actionsOf(CASE_ID), 'ORDER_CONFIRMED')).toBe(1);
    const { entries, removed } = await exportHashes(undefined);
    expect(removed).toEqual([]);
    expect(entries.map(({ algorithm, value }) => ({ algorithm, value }))).toEqual([{ algorithm: 'PDQ', value: LISTED_PDQ }]);
    const { matches } = await matchHashes({ hashes: [{ algorithm: 'PDQ', value: LISTED_PDQ }] });
    expect(matches.map((found) => found.entryId)).toEqual([entries[0]?.entryId]);
  },
};

function describeWebhooksUnderEveryFault(): void {
  describe('webhooks under every fault', () => {
    const ORDER_KEY = `order:${WEBHARD_ORDER_ID}`;
    const ISSUED_ID = webhookIdOf(WEBHARD_ORDER_ID, ORDER_KEY, 'order.issued');
    const posted: string[] = [];
    const answering200: WebhookPost = async (_url, headers) => {
      posted.push(headers['webhook-id'] as string);
      return { statusCode: 200 };
    };
    const givenEndpoint = async (): Promise<void> => {
      await givenIssuedOrder();
      await registerWebhook(webhard, 'https://hooks.webhard.example/ud');
    };

    it('an ORDER notice with a webhook: e-mailed once, its order.issued queued once under one webhook-id', async () => {
      const runs = await underEveryFault(
        world,
        {
          given: givenEndpoint,
          act: () => notifyOperator(WEBHARD_ORDER_ID, { kind: 'ORDER' }, ORDER_KEY),
          streams: caseStream,
          expectAfter: async (outcome) => {
            // A notice still claimed by the faulted attempt fails the retry too; the workflow retries it later
            const { deliveries } = await webhookDeliveries(webhard);
            const queued = deliveries.map((delivery) => [delivery.webhookId, delivery.type, delivery.status]);
            if (finalAnswer(outcome).ok) expect(queued).toEqual([[ISSUED_ID, 'order.issued', 'PENDING']]);
            else expect(queued.length).toBeLessThanOrEqual(1);
          },
        },
        CLOCK,
      );
      expect(runs).toBeGreaterThan(3);
    }, 600_000);

    it('a delivery attempt: recorded once, every post under the same webhook-id, none lost', async () => {
      const runs = await underEveryFault(
        world,
        {
          given: async () => {
            await givenEndpoint();
            await notifyOperator(WEBHARD_ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
            posted.length = 0;
          },
          act: () => attemptWebhookDelivery('op-webhard', ISSUED_ID, new Date().toISOString(), answering200),
          streams: caseStream,
          expectAfter: async (outcome) => {
            expect(finalAnswer(outcome).ok).toBe(true);
            const delivery = await getWebhookDelivery('op-webhard', ISSUED_ID);
            expect(delivery?.status).toBe('DELIVERED');
            expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([200]);
            // A post whose record was lost is posted again (the receiver drops it by its id), never under another id
            expect(new Set(posted)).toEqual(new Set([ISSUED_ID]));
            expect(posted.length).toBeLessThanOrEqual(2);
            posted.length = 0;
          },
        },
        CLOCK,
      );
      expect(runs).toBeGreaterThan(3);
    }, 600_000);

    const operatorStream = () => [refs.operator('op-webhard').root];
    const webhookChanges = async () =>
      (await storedEvents(refs.operator('op-webhard').root.pk)).filter((event) => JSON.stringify(event.details).includes('webhookActive'));

    // A retry after a lost answer registers again with a new secret: the secret of the answer the
    // caller got is the one that signs; one whose answer was lost signs nothing (docs/webhooks.md).
    it('PUT /operator/webhook: one endpoint, signed with the secret of the answer the caller got, its flag raised once', async () => {
      const runs = await underEveryFault(
        world,
        {
          given: givenIssuedOrder,
          act: () => registerWebhook(webhard, 'https://hooks.webhard.example/ud'),
          streams: operatorStream,
          expectAfter: async (outcome) => {
            const answer = finalAnswer(outcome);
            expect(answer.ok).toBe(true);
            const endpoint = await getWebhookEndpoint('op-webhard');
            expect(endpoint).toMatchObject({ url: 'https://hooks.webhard.example/ud', status: 'ACTIVE' });
            expect(answer.ok && endpoint?.secret).toBe(answer.ok && answer.value.secret);
            expect((await getOperator('op-webhard'))?.webhookActive).toBe(true);
            expect(await webhookChanges()).toHaveLength(1);
          },
        },
        CLOCK,
      );
      expect(runs).toBeGreaterThan(3);
    }, 600_000);

    it('DELETE /operator/webhook: the endpoint gone and its flag lowered, whatever call fails', async () => {
      const runs = await underEveryFault(
        world,
        {
          given: givenEndpoint,
          act: () => removeWebhook(webhard),
          streams: operatorStream,
          expectAfter: async (outcome) => {
            // A retry after a lost answer finds the removal done: 404, as for any endpoint not there
            expectDoneOnce(outcome, NotFoundError);
            expect(await getWebhookEndpoint('op-webhard')).toBeUndefined();
            expect((await getOperator('op-webhard'))?.webhookActive).toBe(false);
            expect((await webhookChanges()).map((event) => event.details)).toHaveLength(2);
          },
        },
        CLOCK,
      );
      expect(runs).toBeGreaterThan(3);
    }, 600_000);

    describe('in the cloud (WEBHOOK_QUEUE_URL set)', () => {
      beforeAll(() => {
        vi.stubEnv('WEBHOOK_QUEUE_URL', 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/webhook-deliveries');
        resetConfigForTests();
      });
      afterAll(() => {
        vi.unstubAllEnvs();
        resetConfigForTests();
      });

      // The follow-up's webhook step after the ORDER notice went out (the notice itself under every
      // fault is the case above): it reads the operator as the notice did, then queues and enqueues.
      const queueIssued = async (): Promise<void> => {
        const operator = await getOperator('op-webhard');
        if (!operator) throw new Error('op-webhard is not planted');
        await queueWebhookEvents(operator, WEBHARD_ORDER_ID, { kind: 'ORDER' }, ORDER_KEY);
      };

      it('the enqueue of an order.issued: posted once, by the message the act sent or by the sweep after its lease', async () => {
        const runs = await underEveryFault(
          world,
          {
            given: givenEndpoint,
            act: queueIssued,
            streams: caseStream,
            expectAfter: async (outcome) => {
              expect(finalAnswer(outcome).ok).toBe(true);
              // Then the sender takes what the act queued; once the lease of a message that may have
              // been lost has ended, the sweep queues what is still due, and the sender takes that too
              const takeQueue = async (now: string): Promise<number> => {
                const messages = world.queued.splice(0);
                expect((await sendQueuedWebhooks(messages, now, answering200)).failedMessageIds).toEqual([]);
                return messages.length;
              };
              const queuedByTheAct = await takeQueue(SWEEP_AT);
              const leaseEnds = new Date(Date.parse(NOW) + WEBHOOK_QUEUE_LEASE_MS + 60_000).toISOString();
              await sendDueWebhooks(leaseEnds);
              const queuedBySweep = await takeQueue(leaseEnds);
              // Nothing lost, nothing twice: one message in all, one post under the delivery's id
              expect(queuedByTheAct + queuedBySweep).toBe(1);
              const delivery = await getWebhookDelivery('op-webhard', ISSUED_ID);
              expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: [{ statusCode: 200 }] });
              expect(posted).toEqual([ISSUED_ID]);
              posted.length = 0;
            },
          },
          CLOCK,
        );
        expect(runs).toBeGreaterThan(3);
      }, 600_000);
    });
  });
}

/** The acts run by underEveryFault alone, each as its own test. */
const everyAct: [string, ActUnderFaults<unknown>][] = [
  ...subjects,
  [
    'a post-monitoring round that finds a URL still up: recorded once, the order reopened once, operator and staff told once',
    stillUpSubject,
  ],
  // BUG (shared/domain/deciders/order.ts, RESEND): a resend whose answer was lost (a fault after its
  // event was committed, before the follow-up sent the notice) is repeated by the client while the
  // order is still UNDELIVERED, and RESEND decides a second resend: two ORDER_NOTICE_RESENT events,
  // two ORDER notices (resend-1 and resend-2) to the operator. With fault {at: 4, when: 'after'}.
  [
    'a resend of an UNDELIVERED order: resent once, the notice sent once, its clock started once, the delivery wait completed once',
    resendSubject,
  ],
  ['a confirmation lists the case hash once, under one entry id, whatever call fails', hashListingSubject],
];

/** The files that run the acts, one share each (acts-1.test.ts, acts-2.test.ts...). */
export const ACT_FILES = 3;

/**
 * Runs the `part`-th share of the acts (see shareOf): the file acts-`part`.test.ts calls it. The
 * last share, which holds the fewest acts, also runs the webhooks' cases.
 */
export function describeActsUnderEveryFault(part: number): void {
  world = useWorld({ resetEachTest: false });
  // As under `npm start`, whose only writer is its own process: each act starts from the chain head
  // the process committed last (shared/store/journal.ts). The workflow tasks' sweeps run without,
  // as in the cloud, so that each way of reading the head is taken under every fault.
  asTheTablesOnlyWriter('all');
  describe(`a person's act under every fault (share ${part} of ${ACT_FILES})`, () => {
    it.each(shareOf(everyAct, part, ACT_FILES))(
      '%s',
      async (_name, subject) => {
        expect(await underEveryFault(world, subject, CLOCK)).toBeGreaterThan(3);
      },
      600_000,
    );
    if (part === 1) {
      it('every share has its file, and no file runs a share beyond the last', () => {
        expectShareFiles(new URL('./acts-1.test.ts', import.meta.url), ACT_FILES);
      });
    }
  });
  if (part === ACT_FILES) describeWebhooksUnderEveryFault();
}

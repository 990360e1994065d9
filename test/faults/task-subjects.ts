/**
 * Every task of the workflow under every fault (test/support/faults.ts), run in shares by
 * tasks-1.test.ts, tasks-2.test.ts... so that two forks share the work. After a fault the task is
 * run again, as the state machine's Retry does, then the sweeper runs: the task's change lands
 * once, its notices go out once (SES's Send event records a message whose sender died before it could), the waits it
 * completes are completed once, and every chain still verifies.
 */
import { describe, expect, it } from 'vitest';
import { appealIdFor, orderIdFor, reviewIdFor } from '../../shared/domain/ids';
import type { FineLedger } from '../../shared/domain/deciders/fine-ledger';
import { recomputeFine } from '../../shared/domain/fines';
import type { AppealRecord } from '../../shared/domain/model';
import { planOrderSearch } from '../../shared/domain/order-search';
import { tokenPurpose } from '../../shared/domain/waits';
import { handler as executionEnded } from '../../functions/events/execution-ended';
import { closeCase, escalateApprovalSla, openCase, recordFailure } from '../../shared/services/case-workflow';
import { enforceDeadline, graceExpired } from '../../shared/services/deadlines';
import {
  assessFines,
  collectAppeals,
  issueOrders,
  listBatch,
  markUndelivered,
  openAppealWindow,
  sendOrderNotice,
} from '../../shared/services/order-workflow';
import { readBlocklist } from '../../shared/services/blocklist';
import { applyReviewOutcome } from '../../shared/services/review-outcomes';
import { closeReviewAtDeadline, openReview } from '../../shared/services/reviews';
import { sweep } from '../../shared/services/sweeper';
import { storeAndCheckTaskToken } from '../../shared/services/task-tokens';
import { readRecord } from '../../shared/store/journal';
import { refs } from '../../shared/store/keys';
import { searchOrders } from '../../shared/store/search';
import { getAppeal, getCase, getOrder, getReview, storeTaskToken, writeUrls } from '../../shared/store/repository';
import { executionStatusChange } from '../support/execution-events';
import { expectMailedOnce, expectShareFiles, finalAnswer, shareOf, underEveryFault, type ActUnderFaults } from '../support/faults';
import { actionsOf, plant, storedEvents } from '../support/given';
import {
  aCase,
  anAppeal,
  anOperator,
  anOrder,
  aReview,
  CASE_ID,
  CASE_URLS,
  POST_REVIEW_ID,
  SOCIAL_ORDER_ID,
  WEBHARD_ORDER_ID,
} from '../support/records';
import { useWorld, type World } from '../support/world';

/** An hour after the orders' deadline (2026-03-03T01:00Z), well inside their grace period. */
const NOW = '2026-03-03T02:00:00.000Z';
const SWEEP_AT = '2026-03-03T02:10:00.000Z';
const CLOCK = { now: NOW, sweepAt: SWEEP_AT };
const ISSUED_AT = '2026-03-02T01:00:00.000Z';

/**
 * The world of the file running a share, set by that file (see below): a worker that runs several
 * files imports this module once, and must not keep the first file's world, closed after it.
 */
let world: World;

const count = (items: readonly string[], wanted: string) => items.filter((item) => item === wanted).length;
const caseStream = () => [refs.case(CASE_ID).root];

async function givenWait(purpose: string, token: string): Promise<void> {
  await storeTaskToken(CASE_ID, purpose, token, NOW);
  world.liveToken(token);
}

async function givenOperators(): Promise<void> {
  await plant.operator(anOperator());
  await plant.operator(
    anOperator({ operatorId: 'op-social', name: 'Social Co.', domains: ['social.example'], contactEmails: ['legal@social.example'] }),
  );
}

const ISPS = ['isp-kt', 'isp-skb'];
const anIsp = (operatorId: string) =>
  anOperator({ operatorId, name: operatorId, kind: 'ISP', domains: [], contactEmails: [`blocking@${operatorId}.example`] });
/** Without a contact the overseas host is sent no request: the fault run stays to the ISPs' orders, at a quarter of the AWS calls. */
const OVERSEAS_HOST = anOperator({
  operatorId: 'op-overseas',
  name: 'Overseas Host',
  domains: ['overseas.example'],
  contactEmails: [],
  jurisdiction: 'OVERSEAS',
  language: 'en',
});

type OrderOverrides = Parameters<typeof anOrder>[0];

/** Orders as issued: no clock runs until SES accepts the ORDER notice. */
const NO_CLOCK = { deadlineAt: undefined, graceEndsAt: undefined } satisfies OrderOverrides;
/** The addresses the two operators' notices go to. */
const WEBHARD_CONTACT = 'notices@webhard.example';
const DAY_MS = 86_400_000;

/**
 * An approved case (under post-review unless said otherwise) with an order for each of the two
 * operators; `webhard` overrides the first order beyond what both share.
 */
async function givenOrders(
  both: OrderOverrides = {},
  options: { caseStatus?: Parameters<typeof aCase>[0]; webhard?: OrderOverrides } = {},
): Promise<void> {
  await givenOperators();
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: ISSUED_AT, ...options.caseStatus }));
  await writeUrls(CASE_ID, CASE_URLS);
  await plant.order(withoutUndefined(anOrder({ ...both, ...options.webhard })));
  await plant.order(withoutUndefined(anOrder({ operatorId: 'op-social', ...both })));
}

/** An override of `undefined` leaves the field out (an order whose clock has not started has no deadline at all). */
function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

const closedReview = (outcome: 'CONFIRMED' | 'REVOKED') =>
  aReview({ status: 'CLOSED', outcome, outcomeReason: 'MAJORITY', closedAt: '2026-03-02T20:00:00.000Z' });

const subjects: [string, ActUnderFaults<unknown>][] = [
  [
    'OpenCase: the workflow start recorded once',
    {
      given: () => plant.case(aCase()).then(() => undefined),
      act: () => openCase(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect((await getCase(CASE_ID))?.workflowStartedAt).toBe(NOW);
        expect(count(await actionsOf(CASE_ID), 'WORKFLOW_STARTED')).toBe(1);
      },
    },
  ],
  [
    'EscalateApprovalSla: staff alerted once, and the chain says so once',
    {
      given: () => plant.case(aCase()).then(() => undefined),
      act: () => escalateApprovalSla(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'APPROVAL_SLA_MISSED'), count(actions, 'STAFF_ALERTED')]).toEqual([1, 1]);
        expectMailedOnce(world, /still waiting for approval/);
      },
    },
  ],
  [
    'IssueOrders: one order per operator, each issued once; staff told once of the unassigned URL',
    {
      weight: 10,
      given: async () => {
        await givenOperators();
        // Approved late enough that no deadline passes before the sweep
        await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T12:00:00.000Z' }));
        await writeUrls(CASE_ID, CASE_URLS);
      },
      act: () => issueOrders(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        // One batch of the workflow's Map, which holds the two orders
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { orderBatches: [0] } });
        expect(await listBatch(CASE_ID, 'ORDERS', 0)).toEqual({ ids: [SOCIAL_ORDER_ID, WEBHARD_ORDER_ID] });
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ urlCount: 2, issuedAt: '2026-03-02T12:00:00.000Z', status: 'ISSUED' });
        expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ urlCount: 1, status: 'ISSUED' });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_ISSUED'), count(actions, 'URLS_MATCHED')]).toEqual([2, 1]);
        expectMailedOnce(world, /match no registered operator/);
        // Each order is found, once, by its host's search entries
        const byHost = await searchOrders(planOrderSearch({ host: 'webhard.example' }), 10);
        expect(byHost.orders.map((order) => order.orderId)).toEqual([WEBHARD_ORDER_ID]);
      },
    },
  ],
  [
    "IssueOrders with ISPs: every ISP gets one BLOCK_ACCESS order for the overseas and the unclaimed URL (its notice is SendOrderNotice's case)",
    {
      weight: 6,
      given: async () => {
        for (const operator of [...ISPS.map(anIsp), OVERSEAS_HOST]) await plant.operator(operator);
        await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-03-02T12:00:00.000Z' }));
        await writeUrls(CASE_ID, [
          { url: 'https://overseas.example/v/1', host: 'overseas.example', operatorId: OVERSEAS_HOST.operatorId },
          { url: 'https://unknown.example/x', host: 'unknown.example', operatorId: null },
        ]);
      },
      act: () => issueOrders(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        const ispOrderIds = ISPS.map((isp) => orderIdFor(CASE_ID, isp));
        expect(finalAnswer(outcome)).toMatchObject({ ok: true });
        // The overseas and the unclaimed URL are blocked by each ISP (Korean profile); the host is asked
        for (const orderId of ispOrderIds) {
          const order = await getOrder(orderId);
          expect(order).toMatchObject({ action: 'BLOCK_ACCESS', urlCount: 2, urlOwners: [null, 'op-overseas'] });
        }
        expect(await getOrder(orderIdFor(CASE_ID, 'op-overseas'))).toBeUndefined();
        const actions = await actionsOf(CASE_ID);
        expect(count(actions, 'ORDER_ISSUED')).toBe(ISPS.length);
        // Nothing is left for staff to resolve: no unassigned-URL alert
        expect(world.mails.some((mail) => /match no registered operator/.test(mail.subject))).toBe(false);
        // Both URLs joined the block list once, in one version, on the first ISP's order
        const list = await readBlocklist({ userId: 'staff-kim', roles: ['staff'] }, NOW);
        expect(list.version).toBe(1);
        expect(list.entries.map((entry) => [entry.url, entry.orderId])).toEqual([
          ['https://overseas.example/v/1', ispOrderIds[0]],
          ['https://unknown.example/x', ispOrderIds[0]],
        ]);
      },
    },
  ],
  [
    'SendOrderNotice: the order notice sent once and recorded once on the order, its clock started at the acceptance',
    {
      given: () => givenOrders(NO_CLOCK),
      act: () => sendOrderNotice(WEBHARD_ORDER_ID, () => new Date().toISOString()),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { state: 'DELIVERED' } });
        expectMailedOnce(world, new RegExp(`^\\[긴급 .*${WEBHARD_ORDER_ID}`));
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order?.notices.map((notice) => [notice.kind, notice.status])).toEqual([['ORDER', 'SENT']]);
        expect(count(await actionsOf(CASE_ID), 'NOTICE_SENT')).toBe(1);
        // The clock runs from the acceptance recorded (now, or at the retry a minute later), never
        // earlier, and ends complianceDeadline after it, to the second (a retry after a lost record
        // keeps the first acceptance and does not state the deadline anew).
        const acceptedAt = Date.parse(order?.noticeAcceptedAt ?? '');
        expect(acceptedAt).toBeGreaterThanOrEqual(Date.parse(NOW));
        expect(Date.parse(order?.deadlineAt ?? '')).toBeGreaterThanOrEqual(acceptedAt + DAY_MS);
        expect(Date.parse(order?.deadlineAt ?? '')).toBeLessThanOrEqual(acceptedAt + DAY_MS + 1000);
        expect(order?.status).toBe('ISSUED');
      },
    },
  ],
  [
    'SendOrderNotice for an order complied with before its notice: the notice still sent once and recorded once, the order still complied',
    {
      given: () =>
        givenOrders(NO_CLOCK, { webhard: { complianceStatus: 'COMPLIED', status: 'COMPLIED', compliedAt: '2026-03-02T02:00:00.000Z' } }),
      act: () => sendOrderNotice(WEBHARD_ORDER_ID, () => new Date().toISOString()),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { state: 'SETTLED' } });
        expectMailedOnce(world, new RegExp(`^\\[긴급 .*${WEBHARD_ORDER_ID}`));
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order?.notices.map((notice) => [notice.kind, notice.status])).toEqual([['ORDER', 'SENT']]);
        expect(order).toMatchObject({ status: 'COMPLIED', complianceStatus: 'COMPLIED' });
        expect(count(await actionsOf(CASE_ID), 'NOTICE_SENT')).toBe(1);
      },
    },
  ],
  [
    'SendOrderNotice when SES refuses the contact for good: the order UNDELIVERED once, staff told once, the other order untouched',
    {
      weight: 5,
      given: async () => {
        await givenOrders(NO_CLOCK);
        world.rejectAddress(WEBHARD_CONTACT);
      },
      act: () => sendOrderNotice(WEBHARD_ORDER_ID, () => new Date().toISOString()),
      streams: caseStream,
      expectAfter: async (outcome) => {
        // The workflow waits for a resend, looking again within the hour
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { state: 'UNDELIVERED', deadlineAt: null } });
        const answer = finalAnswer(outcome);
        if (answer.ok) expect((answer.value as { secondsToWait: number }).secondsToWait).toBeLessThanOrEqual(3600);
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order).toMatchObject({
          status: 'UNDELIVERED',
          complianceStatus: 'UNDELIVERED',
          undeliveredReason: 'SES refused the message (MessageRejected)',
        });
        expect(order?.deadlineAt).toBeUndefined();
        expect(order?.notices).toEqual([]);
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_UNDELIVERED'), count(actions, 'NOTICE_SENT')]).toEqual([1, 0]);
        expect(world.mails.filter((mail) => mail.to.includes(WEBHARD_CONTACT))).toEqual([]);
        expectMailedOnce(world, new RegExp(`Order ${WEBHARD_ORDER_ID} could not be delivered`));
        expect((await getOrder(SOCIAL_ORDER_ID))?.status).toBe('ISSUED');
      },
    },
  ],
  [
    'MarkUndelivered: a task that failed for good on the notice makes that order UNDELIVERED once, staff told once',
    {
      given: async () => {
        await givenOrders(NO_CLOCK);
        // (were the compliance wait already running, it would hear the order is UNDELIVERED)
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-webhard');
      },
      act: () => markUndelivered(WEBHARD_ORDER_ID, 'Error', 'Operator of https://webhard.example/v/1?victim=jane is gone', NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { state: 'UNDELIVERED' } });
        const order = await getOrder(WEBHARD_ORDER_ID);
        expect(order).toMatchObject({ status: 'UNDELIVERED', undeliveredAt: NOW });
        expect(JSON.stringify(order?.undeliveredReason)).not.toMatch(/jane|webhard\.example/);
        expect(count(await actionsOf(CASE_ID), 'ORDER_UNDELIVERED')).toBe(1);
        expectMailedOnce(world, new RegExp(`Order ${WEBHARD_ORDER_ID} could not be delivered`));
        expect(world.completedWaits).toEqual([{ token: 'live-webhard', output: { outcome: 'UNDELIVERED' } }]);
        expect((await getOrder(SOCIAL_ORDER_ID))?.status).toBe('ISSUED');
      },
    },
  ],
  [
    'EnforceDeadline: overdue once, the operator and staff told once each',
    {
      weight: 6,
      given: () => givenOrders(),
      act: () => enforceDeadline(WEBHARD_ORDER_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { outcome: 'OVERDUE' } });
        expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'OVERDUE', overdueAt: NOW });
        // (the other order's deadline passed too: the sweeper enforces it as a safety net)
        const overdue = (await storedEvents(refs.case(CASE_ID).root.pk)).filter((event) => event.action === 'ORDER_OVERDUE');
        expect(overdue.filter((event) => event.details.orderId === WEBHARD_ORDER_ID)).toHaveLength(1);
        expectMailedOnce(world, new RegExp(`^\\[기한 경과\\] ${WEBHARD_ORDER_ID}`));
        expectMailedOnce(world, new RegExp(`Order ${WEBHARD_ORDER_ID} is overdue`));
      },
    },
  ],
  [
    'GraceExpired: non-compliance recorded once',
    {
      given: () => givenOrders({ status: 'OVERDUE', complianceStatus: 'OVERDUE', graceEndsAt: '2026-03-03T01:30:00.000Z' }),
      act: () => graceExpired(WEBHARD_ORDER_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { outcome: 'OVERDUE' } });
        // (the other order's grace period ended too: the sweeper records it as a safety net)
        const recorded = (await storedEvents(refs.case(CASE_ID).root.pk)).filter((event) => event.action === 'NON_COMPLIANCE_RECORDED');
        expect(recorded.filter((event) => event.details.orderId === WEBHARD_ORDER_ID)).toHaveLength(1);
      },
    },
  ],
  [
    'OpenReview: the post-review opened once, the case under review once',
    {
      weight: 3,
      given: () => givenOrders({}, { caseStatus: { status: 'ORDERS_ISSUED' } }),
      act: () => openReview({ caseId: CASE_ID, kind: 'POST_REVIEW' }, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect(await getReview(POST_REVIEW_ID)).toMatchObject({
          status: 'OPEN',
          openedAt: NOW,
          orderIds: [SOCIAL_ORDER_ID, WEBHARD_ORDER_ID],
        });
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'REVIEW_OPENED'), count(actions, 'POST_REVIEW_STARTED')]).toEqual([1, 1]);
      },
    },
  ],
  [
    'ReviewDeadlinePassed without a quorum: extended once',
    {
      given: async () => {
        await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: ISSUED_AT }));
        await plant.review(aReview({ closesAt: '2026-03-03T01:00:00.000Z' }));
      },
      act: () => closeReviewAtDeadline(POST_REVIEW_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { decided: false } });
        expect(await getReview(POST_REVIEW_ID)).toMatchObject({ status: 'OPEN', extended: true });
        expect(count(await actionsOf(CASE_ID), 'REVIEW_EXTENDED')).toBe(1);
      },
    },
  ],
  [
    'ApplyReviewOutcome (revoked): every order revoked once, each operator told once, each wait completed once',
    {
      weight: 20,
      given: async () => {
        await givenOrders();
        await plant.review(closedReview('REVOKED'));
        await givenWait(tokenPurpose.compliance(WEBHARD_ORDER_ID), 'live-webhard');
        await givenWait(tokenPurpose.compliance(SOCIAL_ORDER_ID), 'live-social');
      },
      act: () => applyReviewOutcome(POST_REVIEW_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { outcome: 'REVOKED' } });
        expect((await getCase(CASE_ID))?.status).toBe('REVOKED');
        for (const orderId of [WEBHARD_ORDER_ID, SOCIAL_ORDER_ID]) {
          expect((await getOrder(orderId))?.status).toBe('REVOKED');
          expectMailedOnce(world, new RegExp(`^\\[요청 철회\\] ${orderId}`));
          // The instruction to restore the content goes out once too, and the order tracks it.
          expectMailedOnce(world, new RegExp(`^\\[(게시물 복원|접속차단 해제) 요청\\] ${orderId}`));
          expect((await getOrder(orderId))?.reinstatement).toMatchObject({ status: 'PENDING' });
        }
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'ORDER_REVOKED'), count(actions, 'CASE_REVOKED')]).toEqual([2, 1]);
        expect(world.completedWaits.map((wait) => wait.token).sort()).toEqual(['live-social', 'live-webhard']);
      },
    },
  ],
  [
    'ApplyReviewOutcome (appeal granted): the order overturned once, its appeal settled once, the operator told once',
    {
      weight: 10,
      given: async () => {
        const appeal: AppealRecord = anAppeal({ status: 'UNDER_REVIEW' });
        await givenOrders(
          { complianceStatus: 'COMPLIED' },
          { webhard: { status: 'APPEALED', decisionStatus: 'APPEALED', appealId: appeal.appealId } },
        );
        await plant.appeal(appeal);
        await plant.review(
          aReview({
            reviewId: reviewIdFor(CASE_ID, 'APPEAL', 'op-webhard'),
            kind: 'APPEAL',
            orderIds: [WEBHARD_ORDER_ID],
            appealId: appeal.appealId,
            status: 'CLOSED',
            outcome: 'REVOKED',
            outcomeReason: 'MAJORITY',
            closedAt: '2026-03-02T20:00:00.000Z',
          }),
        );
      },
      act: () => applyReviewOutcome(reviewIdFor(CASE_ID, 'APPEAL', 'op-webhard'), NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect((await getOrder(WEBHARD_ORDER_ID))?.status).toBe('OVERTURNED');
        expect((await getAppeal(appealIdFor(CASE_ID, 'op-webhard')))?.status).toBe('OVERTURNED');
        const actions = await actionsOf(CASE_ID);
        expect([count(actions, 'APPEAL_GRANTED_ORDER_OVERTURNED'), count(actions, 'APPEAL_SETTLED')]).toEqual([1, 1]);
        expectMailedOnce(world, new RegExp(`^\\[이의신청 결과\\] ${WEBHARD_ORDER_ID}`));
        expectMailedOnce(world, new RegExp(`^\\[게시물 복원 요청\\] ${WEBHARD_ORDER_ID}`));
        expect((await getOrder(WEBHARD_ORDER_ID))?.reinstatement).toMatchObject({ instruction: 'REINSTATE', status: 'PENDING' });
      },
    },
  ],
  [
    'OpenAppealWindow: each confirmed order gets its appeal deadline and notice once',
    {
      weight: 13,
      given: async () => {
        await givenOrders(
          { status: 'CONFIRMED', decisionStatus: 'CONFIRMED', complianceStatus: 'COMPLIED' },
          { caseStatus: { status: 'CONFIRMED' } },
        );
        await plant.review(closedReview('CONFIRMED'));
      },
      act: () => openAppealWindow(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect((await getCase(CASE_ID))?.status).toBe('APPEAL_WINDOW');
        for (const orderId of [WEBHARD_ORDER_ID, SOCIAL_ORDER_ID]) {
          // 15 days by the Civil Act from 05:00 in Seoul on 3 March: the first day left out, ending at 24:00 on 18 March
          expect((await getOrder(orderId))?.appealDeadline).toBe('2026-03-18T15:00:00.000Z');
          expectMailedOnce(world, new RegExp(`^\\[요청 확정\\] ${orderId}`));
        }
        expect(count(await actionsOf(CASE_ID), 'APPEAL_WINDOW_OPENED')).toBe(3);
      },
    },
  ],
  [
    'CollectAppeals: the appealed order goes to the committee, the case under appeal once',
    {
      given: async () => {
        const appeal = anAppeal();
        const closed = { appealDeadline: '2026-03-03T00:00:00.000Z', complianceStatus: 'COMPLIED' as const };
        await givenOrders(
          { status: 'CONFIRMED', decisionStatus: 'CONFIRMED', ...closed },
          {
            caseStatus: { status: 'APPEAL_WINDOW' },
            webhard: { status: 'APPEALED', decisionStatus: 'APPEALED', appealId: appeal.appealId },
          },
        );
        await plant.appeal(appeal);
      },
      act: () => collectAppeals(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { appealBatches: [0] } });
        expect(await listBatch(CASE_ID, 'APPEALS', 0)).toEqual({ ids: [appealIdFor(CASE_ID, 'op-webhard')] });
        expect((await getCase(CASE_ID))?.status).toBe('UNDER_APPEAL');
        expect(count(await actionsOf(CASE_ID), 'APPEALS_UNDER_REVIEW')).toBe(1);
      },
    },
  ],
  [
    'AssessFines: a late order that stands is fined once, and told once',
    {
      weight: 30,
      given: () => givenOrders({ status: 'OVERDUE', complianceStatus: 'OVERDUE', decisionStatus: 'CONFIRMED' }),
      act: () => assessFines(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { fined: 2 } });
        for (const orderId of [WEBHARD_ORDER_ID, SOCIAL_ORDER_ID]) {
          expect((await getOrder(orderId))?.fine?.amount).toBeGreaterThan(0);
          expectMailedOnce(world, new RegExp(`^\\[과징금 사전 통지\\] ${orderId}`));
        }
        expect(count(await actionsOf(CASE_ID), 'FINE_ASSESSED')).toBe(2);
        for (const [operatorId, orderId] of [
          ['op-webhard', WEBHARD_ORDER_ID],
          ['op-social', SOCIAL_ORDER_ID],
        ] as const) {
          // Each fine took its room in its operator's period once, and recomputes from its stored inputs to its amount
          const fine = (await getOrder(orderId))?.fine;
          expect(fine?.status).toBe('PROPOSED');
          expect(fine?.inputs && recomputeFine(fine.inputs).amount).toBe(fine?.amount);
          const ledger = await readRecord<FineLedger>(refs.fineLedger(operatorId, fine?.inputs?.period.id ?? ''));
          expect(ledger?.fines[orderId]?.amount).toBe(fine?.amount);
          expect(
            count(
              (await storedEvents(refs.operator(operatorId).root.pk)).map((event) => event.action),
              'FINE_ROOM_RESERVED',
            ),
          ).toBe(1);
        }
      },
    },
  ],
  [
    'CloseCase: closed once',
    {
      given: () => plant.case(aCase({ status: 'APPEAL_WINDOW', ordersIssuedAt: ISSUED_AT })).then(() => undefined),
      act: () => closeCase(CASE_ID, NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome)).toMatchObject({ ok: true, value: { status: 'CLOSED' } });
        expect(await getCase(CASE_ID)).toMatchObject({ status: 'CLOSED', closedAt: NOW });
        expect(count(await actionsOf(CASE_ID), 'CASE_CLOSED')).toBe(1);
      },
    },
  ],
  [
    'RecordFailure: the case FAILED once, staff told once, without the URL in the error',
    {
      given: () => plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: ISSUED_AT })).then(() => undefined),
      act: () => recordFailure(CASE_ID, 'Error', 'Operator of https://social.example/p/9?victim=jane is gone', NOW),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        const record = await getCase(CASE_ID);
        expect(record?.status).toBe('FAILED');
        expect(JSON.stringify(record?.failure)).not.toMatch(/jane|social\.example/);
        expect(count(await actionsOf(CASE_ID), 'WORKFLOW_FAILED')).toBe(1);
        expectMailedOnce(world, /stopped on an error/);
      },
    },
  ],
  [
    'ExecutionEnded: an execution past its one-year cap (no Catch sees it) leaves the case FAILED once, staff told once',
    {
      given: () => plant.case(aCase({ status: 'UNDER_APPEAL', ordersIssuedAt: ISSUED_AT })).then(() => undefined),
      act: () => executionEnded(executionStatusChange(CASE_ID, 'TIMED_OUT')),
      streams: caseStream,
      expectAfter: async (outcome) => {
        expect(finalAnswer(outcome).ok).toBe(true);
        expect(await getCase(CASE_ID)).toMatchObject({ status: 'FAILED', failure: { error: 'States.Timeout' } });
        expect(count(await actionsOf(CASE_ID), 'WORKFLOW_FAILED')).toBe(1);
        expectMailedOnce(world, /stopped on an error/);
      },
    },
  ],
  [
    'StoreTaskToken after the act: the wait completed at once, and only once',
    {
      given: async () => {
        await plant.case(aCase({ status: 'ORDERS_ISSUED', ordersIssuedAt: ISSUED_AT }));
        world.liveToken('live-approval');
      },
      act: () => storeAndCheckTaskToken(CASE_ID, tokenPurpose.approval(), 'live-approval', NOW),
      streams: caseStream,
      expectAfter: async () => {
        expect(world.completedWaits).toEqual([{ token: 'live-approval', output: { decision: 'APPROVED' } }]);
      },
    },
  ],
  [
    'a reminder due before the deadline: decided once, sent once',
    {
      weight: 6,
      // (the clock runs from the notices' acceptance, at issuance)
      given: () =>
        givenOrders({
          issuedAt: '2026-03-02T03:00:00.000Z',
          noticeAcceptedAt: '2026-03-02T03:00:00.000Z',
          deadlineAt: '2026-03-03T03:00:00.000Z',
        }),
      act: () => sweep(NOW),
      streams: caseStream,
      expectAfter: async () => {
        expect((await getOrder(WEBHARD_ORDER_ID))?.remindersSent).toEqual(['2026-03-02T15:00:00.000Z', '2026-03-03T01:00:00.000Z']);
        expect(count(await actionsOf(CASE_ID), 'REMINDER_DUE')).toBe(2);
        expectMailedOnce(world, new RegExp(`^\\[기한 알림\\] ${WEBHARD_ORDER_ID}`));
        expectMailedOnce(world, new RegExp(`^\\[기한 알림\\] ${orderIdFor(CASE_ID, 'op-social')}`));
      },
    },
  ],
];

/** The state machine's Retry: 2, 4, 8, 16 and 32 s apart. */
const WORKFLOW_RETRY_MS = 62_000;

/**
 * The files that run the tasks, one share each (tasks-1.test.ts, tasks-2.test.ts...). The heavy
 * subjects carry a `weight`, their sweep's time beside a typical subject's (about 10 s on two loaded
 * cores, from a run with `--reporter=json`), so that the shares take alike times.
 */
export const TASK_FILES = 3;

/** Runs the `part`-th share of the tasks (see shareOf): the file tasks-`part`.test.ts calls it. */
export function describeTasksUnderEveryFault(part: number): void {
  world = useWorld({ resetEachTest: false });
  describe(`a workflow task under every fault (share ${part} of ${TASK_FILES})`, () => {
    it.each(shareOf(subjects, part, TASK_FILES, ([, subject]) => subject.weight ?? 1))(
      '%s',
      async (_name, subject) => {
        expect(await underEveryFault(world, { ...subject, retryAfterMs: WORKFLOW_RETRY_MS }, CLOCK)).toBeGreaterThan(3);
      },
      600_000,
    );
    if (part === 1) {
      it('every share has its file, and no file runs a share beyond the last', () => {
        expectShareFiles(new URL('./tasks-1.test.ts', import.meta.url), TASK_FILES);
      });
    }
  });
}

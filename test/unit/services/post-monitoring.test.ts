/**
 * Post-monitoring on the in-process world (shared/services/post-monitoring.ts): a complied DELETE
 * order's URLs are checked at the policy's intervals after compliance (Korea: 1 hour, 1 day, 7
 * days), nothing before, nothing after the last; a URL still up reopens the order as non-compliant
 * once, staff are alerted and the operator is e-mailed; an ERROR waits for the next round. The
 * sites are a stand-in probe here; test/unit/monitoring/probe.test.ts checks the real one.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { MonitoringResult } from '../../../shared/domain/monitoring';
import type { OrderRecord } from '../../../shared/domain/model';
import type { ProbeOutcome } from '../../../shared/monitoring/probe';
import { listOperatorOrders, recordCompliance } from '../../../shared/services/operator-orders';
import { checkDueUrls } from '../../../shared/services/post-monitoring';
import { resolveNonCompliance } from '../../../shared/services/staff-orders';
import { getCaseView, listDeadlineBoard } from '../../../shared/services/views';
import { refs } from '../../../shared/store/keys';
import { getOrder, writeUrls } from '../../../shared/store/repository';
import { actionsOf, expectConsistentStream, plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import { STAFF_EMAILS, useWorld } from '../../support/world';

const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(9)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-webhard');
const OPERATOR: Identity = { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' };
const STAFF: Identity = { userId: 'staff-kim', roles: ['staff'] };
const CONTACT = 'notices@webhard.example';
const URLS = ['https://webhard.example/v/1', 'https://webhard.example/v/2'];
const COMPLIED_AT = '2026-11-24T08:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const world = useWorld();

const sinceCompliance = (ms: number): string => new Date(Date.parse(COMPLIED_AT) + ms).toISOString();
const order = async (): Promise<OrderRecord> => (await getOrder(ORDER_ID)) as OrderRecord;
const boardEntry = async () => (await listDeadlineBoard()).find((entry) => entry.orderId === ORDER_ID);
const stillOnlineMails = () =>
  world.mails.filter(
    (mail) => mail.to.includes(CONTACT) && mail.subject.includes(ORDER_ID) && /Still online|재게시 확인/.test(mail.subject),
  );
const staffMails = () =>
  world.mails.filter((mail) => mail.to.some((to) => STAFF_EMAILS.includes(to)) && mail.subject.includes('online again'));

/** The sites as the checker finds them: each URL's result (GONE unless set), and the URLs asked. */
function sites(results: Record<string, MonitoringResult> = {}) {
  const asked: string[] = [];
  const probe = async (url: string): Promise<ProbeOutcome> => {
    asked.push(url);
    const result = results[url] ?? 'GONE';
    return { result, bytesRead: 0, ...(result === 'ERROR' ? { reason: 'timed out' } : { httpStatus: result === 'GONE' ? 404 : 200 }) };
  };
  return { asked, probe };
}

/** Given an acknowledged order whose clock runs, with two URLs of op-webhard's. */
async function givenOrder(overrides: Partial<OrderRecord> = {}): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(
    aCase({ caseId: CASE_ID, createdAt: '2026-11-24T05:00:00.000Z', status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-11-24T06:00:00.000Z' }),
  );
  await writeUrls(
    CASE_ID,
    URLS.map((url) => ({ url, host: 'webhard.example', operatorId: 'op-webhard' })),
  );
  await plant.order(
    anOrder({
      caseId: CASE_ID,
      urlCount: 2,
      status: 'ACKNOWLEDGED',
      complianceStatus: 'ACKNOWLEDGED',
      issuedAt: '2026-11-24T06:00:00.000Z',
      deadlineAt: '2026-11-25T06:00:00.000Z',
      graceEndsAt: '2026-12-02T06:00:00.000Z',
      acknowledgedAt: '2026-11-24T06:30:00.000Z',
      ...overrides,
    }),
  );
}

const complied = () => recordCompliance(OPERATOR, ORDER_ID, { action: 'NOT_FOUND' }, COMPLIED_AT);

describe('when post-monitoring rounds fall due', () => {
  beforeEach(async () => {
    await givenOrder();
  });

  it('checks nothing before compliance', async () => {
    const { asked, probe } = sites();
    // When
    const run = await checkDueUrls(() => sinceCompliance(30 * DAY), probe);
    // Then
    expect(run.orders).toBe(0);
    expect(asked).toEqual([]);
  });

  it('checks each URL at 1 hour, 1 day and 7 days after compliance, and stops after the last', async () => {
    await complied();
    const { asked, probe } = sites();
    // When: a minute before the first round
    await checkDueUrls(() => sinceCompliance(HOUR - 60_000), probe);
    // Then
    expect(asked).toEqual([]);
    expect((await order()).monitoring?.nextCheckAt).toBe(sinceCompliance(HOUR));
    // When: the rounds come due
    await checkDueUrls(() => sinceCompliance(HOUR), probe);
    await checkDueUrls(() => sinceCompliance(HOUR + 60_000), probe);
    await checkDueUrls(() => sinceCompliance(DAY + 5 * 60_000), probe);
    await checkDueUrls(() => sinceCompliance(7 * DAY), probe);
    await checkDueUrls(() => sinceCompliance(30 * DAY), probe);
    // Then: three rounds of both URLs, each recorded with its time
    expect(asked).toHaveLength(6);
    const monitoring = (await order()).monitoring;
    expect(monitoring?.rounds).toBe(3);
    expect(monitoring?.nextCheckAt).toBeUndefined();
    expect(monitoring?.urls.map((url) => url.url).sort()).toEqual(URLS);
    expect(monitoring?.urls[0]?.checks.map((check) => check.at)).toEqual([
      sinceCompliance(HOUR),
      sinceCompliance(DAY + 5 * 60_000),
      sinceCompliance(7 * DAY),
    ]);
    expect(monitoring?.urls[0]?.checks.every((check) => check.result === 'GONE' && check.httpStatus === 404)).toBe(true);
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'URLS_CHECKED')).toHaveLength(3);
    expect((await order()).complianceStatus).toBe('COMPLIED');
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('covers rounds missed while the checker was down with one check, then keeps to the schedule', async () => {
    await complied();
    const { asked, probe } = sites();
    // When: the first run after compliance comes two days late
    await checkDueUrls(() => sinceCompliance(2 * DAY), probe);
    // Then
    expect(asked).toHaveLength(2);
    expect((await order()).monitoring?.nextCheckAt).toBe(sinceCompliance(7 * DAY));
  });
});

it('does not check an ISP’s BLOCK_ACCESS order: its block cannot be seen from here', async () => {
  await givenOrder({ action: 'BLOCK_ACCESS' });
  await complied();
  const { asked, probe } = sites();
  // When
  await checkDueUrls(() => sinceCompliance(30 * DAY), probe);
  // Then
  expect(asked).toEqual([]);
  expect((await order()).monitoring).toBeUndefined();
});

describe('when a round finds a URL still up', () => {
  beforeEach(async () => {
    await givenOrder();
    await complied();
  });

  it('reopens the order as non-compliant once: the board’s section, staff alerted, the operator e-mailed the URL', async () => {
    const { probe } = sites({ [URLS[1] as string]: 'STILL_UP' });
    // When: the round runs, and a second run at the same time finds nothing due
    const run = await checkDueUrls(() => sinceCompliance(HOUR), probe);
    await checkDueUrls(() => sinceCompliance(HOUR), probe);
    // Then
    expect(run).toMatchObject({ orders: 1, gone: 1, stillUp: 1, reopened: 1 });
    expect(await boardEntry()).toMatchObject({ nonCompliant: true, nonComplianceCause: 'POST_MONITORING', complianceStatus: 'COMPLIED' });
    expect(stillOnlineMails()).toHaveLength(1);
    expect(stillOnlineMails()[0]?.text).toContain(URLS[1]);
    expect(stillOnlineMails()[0]?.text).not.toContain(URLS[0]);
    expect(staffMails()).toHaveLength(1);
    expect(JSON.stringify(staffMails())).not.toContain('webhard.example/v/');
    const actions = await actionsOf(CASE_ID);
    expect(actions.filter((action) => action === 'NON_COMPLIANCE_RECORDED')).toHaveLength(1);
    expect(actions.indexOf('NON_COMPLIANCE_RECORDED')).toBeGreaterThan(actions.indexOf('URLS_CHECKED'));
    // The operator and the case page see each URL's result
    const [view] = await listOperatorOrders(OPERATOR);
    expect(view).toMatchObject({ nonComplianceCause: 'POST_MONITORING' });
    expect(view?.monitoring?.urls.find((url) => url.url === URLS[1])?.checks.at(-1)).toEqual({
      at: sinceCompliance(HOUR),
      result: 'STILL_UP',
      httpStatus: 200,
    });
    const caseView = await getCaseView(CASE_ID);
    expect(caseView.orders[0]?.monitoring?.rounds).toBe(1);
    await expectConsistentStream(refs.case(CASE_ID).root);
  });

  it('waits for staff before checking again; after a verified removal the rounds go on, and a later find reopens it again', async () => {
    const { asked, probe } = sites({ [URLS[0] as string]: 'STILL_UP' });
    await checkDueUrls(() => sinceCompliance(HOUR), probe);
    // When: the next round's time passes while the order waits for staff
    await checkDueUrls(() => sinceCompliance(DAY + 60_000), probe);
    // Then
    expect(asked).toHaveLength(2);
    // When: staff verify the removal; the next run checks, and finds it up again
    await resolveNonCompliance(
      STAFF,
      ORDER_ID,
      { action: 'VERIFIED_REMOVAL', reason: 'checked by hand' },
      sinceCompliance(DAY + 2 * 60_000),
    );
    expect(await boardEntry()).toMatchObject({ nonCompliant: false });
    await checkDueUrls(() => sinceCompliance(DAY + 3 * 60_000), probe);
    // Then
    expect(asked).toHaveLength(4);
    expect(await boardEntry()).toMatchObject({ nonCompliant: true, nonComplianceCause: 'POST_MONITORING' });
    expect(stillOnlineMails()).toHaveLength(2);
  });

  it('an ERROR (no answer) does not reopen the order: the next round checks again', async () => {
    const { probe } = sites({ [URLS[0] as string]: 'ERROR' });
    // When
    const run = await checkDueUrls(() => sinceCompliance(HOUR), probe);
    // Then
    expect(run).toMatchObject({ orders: 1, errors: 1, reopened: 0 });
    expect(await boardEntry()).toMatchObject({ nonCompliant: false });
    expect(stillOnlineMails()).toHaveLength(0);
    expect((await order()).monitoring?.nextCheckAt).toBe(sinceCompliance(DAY));
  });

  it('a re-issue after a reopening gives the operator a new order to comply with and no missed clock to fine', async () => {
    const { probe } = sites({ [URLS[0] as string]: 'STILL_UP' });
    await checkDueUrls(() => sinceCompliance(HOUR), probe);
    // When
    await resolveNonCompliance(STAFF, ORDER_ID, { action: 'REISSUE', reason: 'back online' }, sinceCompliance(2 * HOUR));
    // Then
    const reissued = await order();
    expect(reissued).toMatchObject({ complianceStatus: 'ISSUED' });
    expect(reissued.missedClock).toBeUndefined();
    expect(reissued.nonComplianceCause).toBeUndefined();
  });
});

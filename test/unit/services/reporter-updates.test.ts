/**
 * A reporter that asks for outcome e-mails when it files (POST /reports `notify`): the address is
 * kept on the case and shown to nobody, and a change of its URLs' outcome reaches it once, in its
 * language, about its own URLs only.
 */
import { describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/api/reports';
import type { Identity } from '../../../shared/domain/authz';
import { logger } from '../../../shared/runtime/logger';
import { finishUnsettledOf } from '../../../shared/services/acts';
import { acknowledgeOrder, recordCompliance } from '../../../shared/services/operator-orders';
import { getCaseView } from '../../../shared/services/views';
import { refs } from '../../../shared/store/keys';
import { getCase, listCasesByReporter, writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { actionsOf, plant } from '../../support/given';
import { aCase, anOperator, anOrder, CASE_ID, CASE_URLS, WEBHARD_ORDER_ID } from '../../support/records';
import { useWorld, WEB_BASE_URL } from '../../support/world';

const ADDRESS = 'survivor.updates@example.org';
const report = {
  urls: ['https://webhard.example/v/123'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'VICTIM' },
  victimConsent: true,
};

const post = async (caller: Caller, body: unknown) => answerOf(await handler(apiEvent('POST /reports', { caller, body })));
const get = async (caller: Caller) => answerOf(await handler(apiEvent('GET /reports', { caller, query: { language: 'en' } })));

const world = useWorld();
const webhard: Identity = { userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard' };

describe('POST /reports with notify', () => {
  it('keeps the address on the case and shows the reporter and staff only that e-mail updates are on', async () => {
    // Given the registry knows op-webhard
    await plant.operator(anOperator());
    // When a reporter files with an e-mail for updates in English
    const filed = await post(callers.supportCenter, { ...report, notify: { email: ADDRESS, language: 'en' } });
    // Then the case holds the contact
    expect(filed.statusCode).toBe(201);
    const { caseId } = filed.body;
    expect((await getCase(caseId))?.reporterContact).toEqual({ email: ADDRESS, language: 'en' });
    // And the reporter's list and the staff's case say updates are on, without the address
    const listed = await get(callers.supportCenter);
    expect(listed.body.reports[0]).toMatchObject({ caseId, emailUpdates: true });
    const view = await getCaseView(caseId);
    expect(view.reporterEmailUpdates).toBe(true);
    expect(JSON.stringify([listed.body, view])).not.toContain(ADDRESS);
    // And the chain does not hold it either
    const chain = JSON.stringify(view.timeline);
    expect(chain).not.toContain(ADDRESS);
  });

  it.each([
    ['not an e-mail address', { email: 'survivor at example', language: 'en' }],
    ['a language the notices do not speak', { email: ADDRESS, language: 'fr' }],
    ['an unknown field', { email: ADDRESS, language: 'ko', phone: '010' }],
  ])('answers 400 for %s and files nothing', async (_what, notify) => {
    const answer = await post(callers.supportCenter, { ...report, notify });
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await listCasesByReporter(callers.supportCenter.userId)).toEqual([]);
  });
});

describe('an outcome change e-mails the reporter', () => {
  async function givenWatchedOrder(language: 'ko' | 'en'): Promise<void> {
    await plant.operator(anOperator());
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(
      aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z', reporterContact: { email: ADDRESS, language } }),
    );
    await plant.order(anOrder({ reporterUpdates: true }));
  }

  it('the operator removes its URLs: one e-mail to the reporter, its URLs only, no operator, recorded on the case', async () => {
    // Given a case whose reporter asked for English updates, and op-webhard's order
    await givenWatchedOrder('en');
    const info = vi.spyOn(logger, 'info');
    const warn = vi.spyOn(logger, 'warn');
    // When op-webhard reports its content deleted
    await recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'DELETED', note: 'removed, ticket 42' }, '2026-03-02T06:00:00.000Z');
    // Then the reporter got one e-mail in English
    const toReporter = world.mails.filter((mail) => mail.to.includes(ADDRESS));
    expect(toReporter).toHaveLength(1);
    const [mail] = toReporter;
    expect(mail?.to).toEqual([ADDRESS]);
    expect(mail?.subject).toBe('[Report update] 2 addresses you reported: Removed');
    // About op-webhard's two URLs, not op-social's nor the unassigned one
    expect(mail?.text).toContain('- https://webhard.example/v/123: Removed');
    expect(mail?.text).toContain('- https://cdn.webhard.example/v/124: Removed');
    expect(mail?.text).not.toMatch(/social\.example|unknown\.example/);
    // Without the operator's name, id or note, with the link to My reports
    expect(mail?.text).not.toMatch(/Webhard Co|op-webhard|ticket 42/);
    expect(mail?.text).toContain(`${WEB_BASE_URL}/#/reporter/reports`);
    // And the case records it once; the address reached no log line
    expect((await actionsOf(CASE_ID)).filter((action) => action === 'REPORTER_NOTIFIED')).toHaveLength(1);
    expect(JSON.stringify([...info.mock.calls, ...warn.mock.calls])).not.toContain(ADDRESS);
    // And finishing the events again sends nothing more
    await finishUnsettledOf(refs.case(CASE_ID).root.pk);
    expect(world.mails.filter((mail) => mail.to.includes(ADDRESS))).toHaveLength(1);
  });

  it('in Korean when the reporter chose Korean', async () => {
    await givenWatchedOrder('ko');
    await recordCompliance(webhard, WEBHARD_ORDER_ID, { action: 'BLOCKED' }, '2026-03-02T06:00:00.000Z');
    const [mail] = world.mails.filter((sent) => sent.to.includes(ADDRESS));
    expect(mail?.subject).toBe('[신고 처리 결과] 신고하신 주소 2개의 처리 결과: 접속 차단됨');
    expect(mail?.text).toContain('현재: 접속 차단됨');
  });

  it('an acknowledgement changes nothing the reporter sees: no e-mail', async () => {
    await givenWatchedOrder('en');
    await acknowledgeOrder(webhard, WEBHARD_ORDER_ID, '2026-03-02T06:00:00.000Z');
    expect(world.mails.filter((mail) => mail.to.includes(ADDRESS))).toEqual([]);
  });
});

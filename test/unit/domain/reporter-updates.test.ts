/**
 * The reporter's outcome e-mails (issue 10, item 9): which events change what a reporter is told
 * (and so e-mail it, once per change), which do not, and what the e-mail says in each language.
 */
import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../../../shared/domain/decider';
import { type CaseCommand, caseDecider } from '../../../shared/domain/deciders/case';
import { orderDecider, type OrderCommand } from '../../../shared/domain/deciders/order';
import type { OrderRecord } from '../../../shared/domain/model';
import { policyById } from '../../../shared/domain/policy';
import { renderReporterUpdate } from '../../../shared/notices/templates';
import { aCase, anOrder, CASE_ID, POST_REVIEW_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { ctx, decided } from './deciders/support';

const NOW = '2026-03-02T12:00:00.000Z';
const AFTER_GRACE = '2026-03-11T00:00:00.000Z';
const CONTACT = { email: 'victim@example.org', language: 'en' } as const;

const reporterFollowUps = (followUps: readonly FollowUp[] | undefined) =>
  (followUps ?? []).filter((followUp) => followUp.type === 'NOTIFY_REPORTER');

/** The reporter e-mails one command on the order causes. */
function reporterMailsOf(command: OrderCommand, order: OrderRecord, now = NOW) {
  return reporterFollowUps(decided(orderDecider, command, order, ctx(now)).followUps);
}

const watched = (overrides: Partial<OrderRecord> = {}) => anOrder({ reporterUpdates: true, ...overrides });
const OVERDUE = { status: 'OVERDUE', complianceStatus: 'OVERDUE', overdueAt: '2026-03-03T01:00:00.000Z' } as const;

describe('which order events e-mail the reporter', () => {
  it('an operator that removes the content: one e-mail, "removed", keyed by the order and the change', () => {
    // Given an issued order whose reporter asked for updates
    // When the operator reports the content deleted
    const mails = reporterMailsOf({ type: 'COMPLY', by: 'op-webhard', action: 'DELETED' }, watched());
    // Then the reporter is told the order's URLs went from "still being handled" to "removed"
    expect(mails).toEqual([
      {
        type: 'NOTIFY_REPORTER',
        caseId: CASE_ID,
        operatorId: 'op-webhard',
        previous: 'IN_PROGRESS',
        outcome: 'REMOVED',
        eventKey: `reporter:${WEBHARD_ORDER_ID}:0:IN_PROGRESS>REMOVED`,
      },
    ]);
  });

  it('a report filed without the option: no e-mail for the same change', () => {
    expect(reporterMailsOf({ type: 'COMPLY', by: 'op-webhard', action: 'DELETED' }, anOrder())).toEqual([]);
  });

  it('events that change nothing the reporter sees: an acknowledgement, a confirmation of a pending order', () => {
    expect(reporterMailsOf({ type: 'ACKNOWLEDGE', by: 'op-webhard' }, watched())).toEqual([]);
    expect(reporterMailsOf({ type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'CONFIRMED' }, watched())).toEqual([]);
  });

  it('a missed deadline, then the order lifted by the committee: "not removed", then "lifted"', () => {
    // When the deadline passes without compliance
    const overdue = reporterMailsOf({ type: 'ENFORCE_DEADLINE' }, watched(), '2026-03-03T01:00:01.000Z');
    expect(overdue.map((mail) => [mail.previous, mail.outcome])).toEqual([['IN_PROGRESS', 'NOT_REMOVED']]);
    // And the committee then revokes the overdue order
    const lifted = reporterMailsOf({ type: 'DECIDE', reviewId: POST_REVIEW_ID, outcome: 'REVOKED' }, watched(OVERDUE));
    expect(lifted.map((mail) => [mail.previous, mail.outcome])).toEqual([['NOT_REMOVED', 'ORDER_LIFTED']]);
  });

  it('a re-issue after non-compliance: "handled again", under a key of its own so the next miss is told again', () => {
    const nonCompliant = watched({ ...OVERDUE, nonComplianceRecordedAt: '2026-03-10T01:00:00.000Z' });
    const reissued = reporterMailsOf(
      { type: 'RESOLVE_NON_COMPLIANCE', by: 'staff-lee', action: 'REISSUE', reason: 'new contact' },
      nonCompliant,
      AFTER_GRACE,
    );
    expect(reissued.map((mail) => mail.eventKey)).toEqual([`reporter:${WEBHARD_ORDER_ID}:1:NOT_REMOVED>IN_PROGRESS`]);
    // And a verified removal tells nothing new: the content was "not removed" by the operator
    const verified = reporterMailsOf(
      { type: 'RESOLVE_NON_COMPLIANCE', by: 'staff-lee', action: 'VERIFIED_REMOVAL', reason: 'checked: gone' },
      nonCompliant,
      AFTER_GRACE,
    );
    expect(verified).toEqual([]);
  });
});

describe('a rejected report e-mails its reporter once', () => {
  const pending = (overrides = {}) => aCase({ createdBy: 'support-center', ...overrides });
  const reject: CaseCommand = {
    type: 'DECIDE_APPROVAL',
    identity: { userId: 'staff-lee', roles: ['staff'] },
    decision: 'REJECT',
    reason: 'lawful',
  };

  it('with the option: every URL "not ordered"', () => {
    const { followUps } = decided(caseDecider, reject, pending({ reporterContact: CONTACT }), ctx(NOW));
    expect(reporterFollowUps(followUps)).toEqual([
      { type: 'NOTIFY_REPORTER', caseId: CASE_ID, previous: 'AWAITING_APPROVAL', outcome: 'NOT_ORDERED', eventKey: 'reporter:rejected' },
    ]);
  });

  it('without it: no e-mail', () => {
    expect(reporterFollowUps(decided(caseDecider, reject, pending(), ctx(NOW)).followUps)).toEqual([]);
  });

  it('an e-mail recorded on the case once: the same record again does nothing', () => {
    const record: CaseCommand = { type: 'RECORD_REPORTER_UPDATE', eventKey: 'reporter:rejected', messageId: 'm-1', sentAt: NOW };
    const { event, after } = decided(caseDecider, record, pending({ reporterContact: CONTACT }), ctx(NOW));
    // The chain holds the key and the message id, never the address
    expect(event).toMatchObject({ action: 'REPORTER_NOTIFIED', details: { eventKey: 'reporter:rejected', messageId: 'm-1' } });
    expect(JSON.stringify(event.details)).not.toContain(CONTACT.email);
    expect(caseDecider.decide(record, after, ctx(NOW))).toBeNull();
  });
});

describe('renderReporterUpdate', () => {
  const policy = policyById('kr-kcsc');
  const urls = ['https://webhard.example/v/123', 'https://cdn.webhard.example/v/124'];
  const links = { web: 'https://ud.example.org' };

  it.each([
    ['en', 'Still being handled', 'Removed', '2 addresses you reported', 'Every address of your reports is in My reports'],
    ['ko', '처리 중', '삭제됨', '신고하신 주소 2개', '내 신고에서 모든 주소의 처리 결과를 볼 수 있습니다'],
  ] as const)('in %s: before and now, per URL, and a link to My reports', (language, before, now, counted, linkLabel) => {
    // When a reporter's two URLs were removed
    const mail = renderReporterUpdate({ caseId: CASE_ID, language, urls, previous: 'IN_PROGRESS', outcome: 'REMOVED', links, policy });
    // Then the subject counts the addresses and says what became of them
    expect(mail.subject).toContain(counted);
    expect(mail.subject).toContain(now);
    // And the text gives the report, before and now, each URL with its outcome, and the absolute link
    expect(mail.text).toContain(CASE_ID);
    expect(mail.text).toContain(before);
    for (const url of urls) expect(mail.text).toContain(`- ${url}: ${now}`);
    expect(mail.text).toContain(`${linkLabel}:\nhttps://ud.example.org/#/reporter/reports`);
    expect(mail.html).toContain('<a href="https://ud.example.org/#/reporter/reports">');
    expect(mail.text).toContain(policy.authority.replyTo);
  });

  it('in Korean every line is Korean, apart from the URLs, the report id and the reply address', () => {
    const mail = renderReporterUpdate({
      caseId: CASE_ID,
      language: 'ko',
      urls,
      previous: 'IN_PROGRESS',
      outcome: 'NOT_REMOVED',
      links,
      policy,
    });
    const prose = mail.text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('- https://') && !line.startsWith('https://'));
    for (const line of prose) expect(line, line).toMatch(/[\uac00-\ud7a3]/);
    expect(mail.text).not.toMatch(/\b(the|and|of|your)\b/i);
  });

  it('a rejection gives its reason; never an operator', () => {
    const mail = renderReporterUpdate({
      caseId: CASE_ID,
      language: 'en',
      urls,
      previous: 'AWAITING_APPROVAL',
      outcome: 'NOT_ORDERED',
      rejectionReason: 'The images are\nnot sexual.',
      links,
      policy,
    });
    expect(mail.text).toContain('Reason: The images are not sexual.');
    expect(mail.text).toContain('No removal ordered: the report was not approved');
    expect(mail.text).not.toMatch(/operator|op-webhard/i);
  });
});

describe('the reporter of URLs blocked through ISPs', () => {
  // Given the three ISPs' orders of one case, each listing the same overseas and unclaimed URLs
  const ispOrder = (operatorId: string) =>
    watched({ orderId: `${CASE_ID}#${operatorId}`, operatorId, action: 'BLOCK_ACCESS', urlOwners: [null, 'op-overseas'] });

  it('is e-mailed once for the blocking, in plain words, whichever ISP reports first: every ISP’s e-mail has the same key', () => {
    // When each ISP reports the URLs blocked
    const mails = ['isp-kt', 'isp-skb', 'isp-lgu'].flatMap((isp) =>
      reporterMailsOf({ type: 'COMPLY', by: isp, action: 'BLOCKED' }, ispOrder(isp)),
    );
    // Then every update names the blocked URLs' owners and the same change, so the case sends one e-mail
    expect(mails.map((mail) => mail.outcome)).toEqual([
      'ACCESS_BLOCKED_BY_PROVIDERS',
      'ACCESS_BLOCKED_BY_PROVIDERS',
      'ACCESS_BLOCKED_BY_PROVIDERS',
    ]);
    expect(mails.map((mail) => mail.urlOwners)).toEqual([
      [null, 'op-overseas'],
      [null, 'op-overseas'],
      [null, 'op-overseas'],
    ]);
    expect(new Set(mails.map((mail) => mail.eventKey)).size).toBe(1);
  });

  it('reads "access blocked through internet providers" in the e-mail, in Korean and English', () => {
    const mail = (language: 'ko' | 'en') =>
      renderReporterUpdate({
        caseId: CASE_ID,
        language,
        urls: ['https://overseas.example/v/1', 'https://unknown.example/x'],
        previous: 'IN_PROGRESS',
        outcome: 'ACCESS_BLOCKED_BY_PROVIDERS',
        links: { web: 'https://deliberation.example' },
        policy: policyById('kr-kcsc'),
      });
    expect(mail('en').subject).toContain('Access blocked through internet providers');
    expect(mail('ko').subject).toContain('인터넷 서비스 제공자를 통해 접속 차단됨');
  });
});

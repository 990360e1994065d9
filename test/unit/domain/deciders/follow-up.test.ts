import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../../shared/domain/authz';
import { caseDecider, type CaseCommand } from '../../../../shared/domain/deciders/case';
import { ConflictError } from '../../../../shared/domain/errors';
import { aCase, CASE_ID, OTHER_CASE_ID } from '../../../support/records';
import { ctx, decided, expectNoVictimData } from './support';

const NOW = '2026-03-03T00:00:00.000Z';
const LEE: Identity = { userId: 'staff-lee', roles: ['staff'] };
const issued = aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z', unassignedUrls: 2 });
const fileFollowUp = (unassigned: { host: string; operatorId: string | null }[], followUpCaseId = OTHER_CASE_ID): CaseCommand => ({
  type: 'FILE_FOLLOW_UP',
  identity: LEE,
  followUpCaseId,
  unassigned,
});
const matched = [
  { host: 'unknown.example', operatorId: 'op-unknown' },
  { host: 'cdn.unknown.example', operatorId: 'op-unknown' },
];

describe('caseDecider: FILE_FOLLOW_UP', () => {
  it('files a follow-up for the unassigned URLs of a case whose orders were issued, once', () => {
    // Given a case under post-review whose two unassigned URLs' hosts now match an operator
    // When staff file the follow-up
    const { event, followUps, after } = decided(caseDecider, fileFollowUp(matched), issued, ctx(NOW));
    // Then FOLLOW_UP_FILED names the follow-up case with counts only, and its filing follows
    expect(event).toEqual({
      action: 'FOLLOW_UP_FILED',
      at: NOW,
      actor: 'staff-lee',
      details: { followUpCaseId: OTHER_CASE_ID, urlCount: 2, operatorCount: 1 },
    });
    expectNoVictimData(event, [issued.summary, issued.reporter.reference, 'unknown.example']);
    expect(followUps).toEqual([{ type: 'FILE_FOLLOW_UP', caseId: CASE_ID, followUpCaseId: OTHER_CASE_ID, filedBy: 'staff-lee' }]);
    expect(after).toMatchObject({ followUps: [OTHER_CASE_ID], unassignedUrls: 0, status: 'UNDER_POST_REVIEW' });
    // And asking again (a retry, a double click with a fresh id) does nothing
    expect(caseDecider.decide(fileFollowUp(matched, 'C-another'), after, ctx(NOW))).toBeNull();
  });

  it('refuses while the case awaits approval: its URLs are matched again when it is approved', () => {
    // Given a case pending approval / When a follow-up is asked / Then 409 says to approve it instead
    const pending = aCase();
    expect(() => caseDecider.decide(fileFollowUp(matched), pending, ctx(NOW))).toThrow(ConflictError);
    expect(() => caseDecider.decide(fileFollowUp(matched), pending, ctx(NOW))).toThrow(/matched again when it is approved/);
  });

  it('refuses with the hosts that still match no operator, each named once', () => {
    // Given unassigned URLs of which two on one host match no operator
    const unmatched = [...matched, { host: 'nobody.example', operatorId: null }, { host: 'nobody.example', operatorId: null }];
    // When a follow-up is asked / Then 409 names the host once
    expect(() => caseDecider.decide(fileFollowUp(unmatched), issued, ctx(NOW))).toThrow(
      /^No registered operator claims nobody\.example; add the host/,
    );
  });

  it('refuses a case with no unassigned URLs, and a revoked case', () => {
    // Given a case with nothing unassigned, and a revoked case / When a follow-up is asked / Then 409
    expect(() => caseDecider.decide(fileFollowUp([]), issued, ctx(NOW))).toThrow(/no unassigned URLs/);
    expect(() => caseDecider.decide(fileFollowUp(matched), { ...issued, status: 'REVOKED' }, ctx(NOW))).toThrow(/revoked/);
  });
});

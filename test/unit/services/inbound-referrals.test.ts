/**
 * Referrals from partner regulators (shared/services/inbound-referrals.ts, docs/referrals.md): a
 * partner's signed referral files a report of reporter kind PARTNER that takes the normal path to
 * its orders; a repeat files nothing again, and a message no registered key verifies files nothing.
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { UnauthenticatedError, ValidationError } from '../../../shared/domain/errors';
import { tokenPurpose } from '../../../shared/domain/waits';
import { decideApproval } from '../../../shared/services/approvals';
import { fileInboundReferral, partnerFiler } from '../../../shared/services/inbound-referrals';
import { getCaseView } from '../../../shared/services/views';
import { getCase, getCaseUrls, listCasesByReporter } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import { anOperator, aPartner } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase, givenLiveWait } from './world-steps';

const NOW = '2026-11-24T05:00:00.000Z';
const REFERRAL_ID = 'XFR-2026-0042';
const URL = 'https://webhard.example/v/referred';

const world = useWorld();
const partnerKey = await generateKeyPair('ES256', { extractable: true });
const strangerKey = await generateKeyPair('ES256', { extractable: true });
const { x = '', y = '' } = await exportJWK(partnerKey.publicKey);
const PARTNER_KID = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });

// Reached by e-mail: the status updates back go to its contact (test/unit/services/partner-updates.test.ts posts them).
const PARTNER_FR = aPartner({ x, y });

const referral = (overrides: Record<string, unknown> = {}) => ({
  type: 'referral',
  referralId: REFERRAL_ID,
  reference: 'PDC-CASE-7',
  category: 'ILLEGAL_FILMING',
  urls: [URL],
  hashes: [{ algorithm: 'SHA256', value: 'a'.repeat(64) }],
  legalBasis: 'Article 6-1 of the LCEN',
  sentAt: NOW,
  ...overrides,
});

async function signed(payload: unknown, key: CryptoKey = partnerKey.privateKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', kid: PARTNER_KID })
    .sign(key);
}

async function givenPartnerAndHost(): Promise<void> {
  await plant.partner(PARTNER_FR);
  await plant.operator(anOperator());
}

const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });

describe('a referral from a partner', () => {
  it('files a report of reporter kind PARTNER that takes the normal path to its orders', async () => {
    await givenPartnerAndHost();

    const filed = await fileInboundReferral(await signed(referral()), NOW);

    expect(filed).toMatchObject({ created: true, reference: REFERRAL_ID });
    const record = await getCase(filed.caseId);
    expect(record).toMatchObject({
      status: 'PENDING_APPROVAL',
      category: 'ILLEGAL_FILMING',
      createdBy: partnerFiler('partner-fr'),
      reporter: { kind: 'PARTNER', reference: REFERRAL_ID, partnerId: 'partner-fr' },
      hashes: [{ algorithm: 'SHA256', value: 'a'.repeat(64) }],
    });
    expect(record?.summary).toContain('Article 6-1 of the LCEN');
    expect(await getCaseUrls(filed.caseId)).toMatchObject([{ url: URL, operatorId: 'op-webhard' }]);
    // Staff read who referred it on the case page
    expect((await getCaseView(filed.caseId)).reporter).toEqual({
      kind: 'PARTNER',
      reference: REFERRAL_ID,
      partnerId: 'partner-fr',
      partnerName: 'Point de Contact',
    });

    // Two staff approvals issue its orders, as for any report
    await givenLiveWait(world, filed.caseId, tokenPurpose.approval(), 'token-approval', NOW);
    await decideApproval(staff('staff-lee'), filed.caseId, { decision: 'APPROVE', reason: 'footage checked' }, NOW);
    const answer = await decideApproval(staff('staff-park'), filed.caseId, { decision: 'APPROVE', reason: 'clear case' }, NOW);
    expect(answer.status).toBe('ORDERS_ISSUED');
    expect((await chainOfCase(filed.caseId)).map((event) => event.action)).toEqual([
      'REPORT_FILED',
      'PARTNER_UPDATE_QUEUED',
      'PARTNER_UPDATE_SENT',
      'APPROVAL_GIVEN',
      'APPROVAL_GIVEN',
    ]);
  });

  it('answers a repeated message with the case filed the first time, and files nothing twice', async () => {
    await givenPartnerAndHost();
    const first = await fileInboundReferral(await signed(referral()), NOW);

    // The partner retries later: the same referral, sent again
    const again = await fileInboundReferral(await signed(referral({ sentAt: '2026-11-24T05:05:00.000Z' })), '2026-11-24T05:05:00.000Z');

    expect(again).toEqual({ created: false, caseId: first.caseId, reference: REFERRAL_ID });
    expect((await listCasesByReporter(partnerFiler('partner-fr'))).map((record) => record.caseId)).toEqual([first.caseId]);
  });

  it('refuses with 401 a message no registered key verifies, and files nothing', async () => {
    await givenPartnerAndHost();

    await expect(fileInboundReferral(await signed(referral(), strangerKey.privateKey), NOW)).rejects.toThrow(UnauthenticatedError);
    await expect(fileInboundReferral('not.a.jws', NOW)).rejects.toThrow(UnauthenticatedError);

    expect(await listCasesByReporter(partnerFiler('partner-fr'))).toEqual([]);
  });

  it('refuses with 400 a referral of a URL that hides its target, naming it', async () => {
    await givenPartnerAndHost();

    const refused = fileInboundReferral(await signed(referral({ urls: ['https://user:secret@webhard.example/v/1'] })), NOW);

    await expect(refused).rejects.toThrow(ValidationError);
    expect(await listCasesByReporter(partnerFiler('partner-fr'))).toEqual([]);
  });
});

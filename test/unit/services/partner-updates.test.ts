/**
 * Status updates back to a partner that referred a case to us (shared/services/partner-updates.ts,
 * docs/referrals.md): acknowledged when filed, the order issued, its URLs removed, or declined by
 * staff with their reason, each signed with the system's key and POSTed to the partner's status
 * route for its own referral id; a failing delivery is kept on the case and tried again when due.
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../../shared/domain/authz';
import { orderDecider } from '../../../shared/domain/deciders/order';
import { orderIdFor } from '../../../shared/domain/ids';
import { tokenPurpose } from '../../../shared/domain/waits';
import { act } from '../../../shared/services/acts';
import { decideApproval } from '../../../shared/services/approvals';
import { fileInboundReferral } from '../../../shared/services/inbound-referrals';
import { sendDuePartnerMessages } from '../../../shared/services/partner-sender';
import { getCaseView } from '../../../shared/services/views';
import { refs } from '../../../shared/store/keys';
import { plant } from '../../support/given';
import { type PartnerEndpoint, startPartnerEndpoint } from '../../support/partner-endpoint';
import { anOperator, anOrder, aPartner } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase, givenLiveWait, plus } from './world-steps';

const NOW = '2026-11-24T05:00:00.000Z';
const REFERRAL_ID = 'XFR-2026-0042';
const URL = 'https://webhard.example/v/referred';
const STATUS_PATH = `/partners/referrals/${REFERRAL_ID}/status`;

const world = useWorld();
const partnerKey = await generateKeyPair('ES256', { extractable: true });
const { x = '', y = '' } = await exportJWK(partnerKey.publicKey);
const PARTNER_KID = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });

let partner: PartnerEndpoint;
beforeAll(async () => {
  partner = await startPartnerEndpoint();
});
afterAll(() => partner.close());
afterEach(() => {
  vi.useRealTimers();
  partner.received.length = 0;
  partner.answer([200]);
});

/** partner-fr, reached at its endpoint, refers one URL on op-webhard's host to us. */
async function givenReferralFiled(): Promise<string> {
  await plant.partner(aPartner({ x, y }, { endpoint: partner.url }));
  await plant.operator(anOperator());
  const jws = await new CompactSign(
    new TextEncoder().encode(
      JSON.stringify({
        type: 'referral',
        referralId: REFERRAL_ID,
        reference: 'PDC-CASE-7',
        category: 'ILLEGAL_FILMING',
        urls: [URL],
        legalBasis: 'Article 6-1 of the LCEN',
        sentAt: NOW,
      }),
    ),
  )
    .setProtectedHeader({ alg: 'ES256', kid: PARTNER_KID })
    .sign(partnerKey.privateKey);
  return (await fileInboundReferral(jws, NOW)).caseId;
}

const staff = (userId: string): Identity => ({ userId, roles: ['staff'] });

describe('status updates back to the referring partner', () => {
  it('tells it, signed, that its referral was filed, that the host was ordered, and which URLs were removed', async () => {
    const caseId = await givenReferralFiled();

    expect(partner.received.map((request) => request.path)).toEqual([STATUS_PATH]);
    expect(await partner.message(0)).toEqual({ type: 'referral.status', status: 'ACKNOWLEDGED', at: NOW });

    // The order to the host carries the partner's referral, as the workflow issues it
    const orderId = orderIdFor(caseId, 'op-webhard');
    const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = anOrder({ caseId, urlCount: 1, issuedAt: plus(NOW, 3600) });
    await plant.order({ ...issued, partnerReferral: { partnerId: 'partner-fr', reference: REFERRAL_ID } });
    await act(orderDecider, refs.order(orderId), { type: 'COMPLY', by: 'op-webhard-user', action: 'DELETED' }, plus(NOW, 7200));

    expect(partner.received.map((request) => request.path)).toEqual([STATUS_PATH, STATUS_PATH, STATUS_PATH]);
    expect(await partner.message(1)).toEqual({ type: 'referral.status', status: 'ORDER_ISSUED', at: plus(NOW, 3600) });
    expect(await partner.message(2)).toEqual({ type: 'referral.status', status: 'REMOVED', urls: [URL], at: plus(NOW, 7200) });
    expect(partner.received.map((request) => request.body).join()).not.toMatch(/LCEN|PDC-CASE-7/);
    expect((await getCaseView(caseId)).partnerUpdates?.map((update) => [update.status, update.delivery])).toEqual([
      ['ACKNOWLEDGED', 'DELIVERED'],
      ['ORDER_ISSUED', 'DELIVERED'],
      ['REMOVED', 'DELIVERED'],
    ]);
  });

  it('tells it that staff declined the report, with their reason', async () => {
    const caseId = await givenReferralFiled();
    await givenLiveWait(world, caseId, tokenPurpose.approval(), 'token-approval', NOW);

    await decideApproval(staff('staff-lee'), caseId, { decision: 'REJECT', reason: 'The footage is not of a person.' }, plus(NOW, 60));

    expect(await partner.message(1)).toEqual({
      type: 'referral.status',
      status: 'DECLINED',
      reason: 'The footage is not of a person.',
      at: plus(NOW, 60),
    });
  });

  it('keeps a failed delivery on the case, visible, and delivers it when due once the partner answers again', async () => {
    partner.answer([503, 200]);
    // The first attempt is made now: its retry is scheduled from this clock
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(NOW));

    const caseId = await givenReferralFiled();

    const [pending] = (await getCaseView(caseId)).partnerUpdates ?? [];
    expect(pending).toMatchObject({ status: 'ACKNOWLEDGED', delivery: 'PENDING', attempts: [{ statusCode: 503 }] });
    expect(pending?.nextAttemptAt).toBeDefined();
    expect((await chainOfCase(caseId)).map((event) => event.action)).toContain('PARTNER_UPDATE_ATTEMPT_FAILED');

    expect(await sendDuePartnerMessages(plus(NOW, 3600))).toEqual({ attempted: 1 });

    expect((await getCaseView(caseId)).partnerUpdates).toMatchObject([
      { delivery: 'DELIVERED', attempts: [{ statusCode: 503 }, { statusCode: 200 }] },
    ]);
    expect(partner.received).toHaveLength(2);
  });
});

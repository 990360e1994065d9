/**
 * Referrals under every fault (test/support/faults.ts; docs/referrals.md): an overseas host's
 * request issued is referred once and its message sent once (an e-mail whose acceptance was lost
 * may go twice, as every notice); a partner's signed status is recorded once, whatever call fails.
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../shared/domain/deciders/order';
import { ConflictError } from '../../shared/domain/errors';
import { referralDecider } from '../../shared/domain/deciders/referral';
import { orderIdFor } from '../../shared/domain/ids';
import { referralIdOf, type ReferralRecord } from '../../shared/domain/referrals';
import { act } from '../../shared/services/acts';
import { fileInboundReferral, partnerFiler } from '../../shared/services/inbound-referrals';
import { sendDuePartnerMessages } from '../../shared/services/partner-sender';
import { recordPartnerStatus } from '../../shared/services/referrals';
import { refs } from '../../shared/store/keys';
import { getReferral, listCasesByReporter, listPartnerUpdatesOfCase, writeUrls } from '../../shared/store/repository';
import { expectMailedOnce, finalAnswer, underEveryFault } from '../support/faults';
import { actionsOf, plant } from '../support/given';
import { aCase, anOperator, anOrder, anOverseasHost, aPartner, CASE_ID } from '../support/records';
import { useWorld } from '../support/world';

const NOW = '2026-03-03T00:00:00.000Z';
const SWEEP_AT = '2026-03-03T00:10:00.000Z';
const CLOCK = { now: NOW, sweepAt: SWEEP_AT };
const ORDER_ID = orderIdFor(CASE_ID, 'op-overseas');
const REFERRAL_ID = referralIdOf(ORDER_ID);
const URL = 'https://overseas.example/v/1';
const caseStream = () => [refs.case(CASE_ID).root];

const world = useWorld();
const partnerKey = await generateKeyPair('ES256', { extractable: true });
const { x = '', y = '' } = await exportJWK(partnerKey.publicKey);

const PARTNER = aPartner({ x, y });

async function signedByPartner(payload: unknown): Promise<string> {
  const kid = await calculateJwkThumbprint(PARTNER.publicKey ?? { kty: 'EC' });
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', kid })
    .sign(partnerKey.privateKey);
}

async function givenOverseasHostInFrance(): Promise<void> {
  await plant.partner(PARTNER);
  await plant.operator(anOverseasHost({ country: 'FR' }));
  await plant.case(aCase({ status: 'UNDER_POST_REVIEW', ordersIssuedAt: '2026-03-02T01:00:00.000Z' }));
  await writeUrls(CASE_ID, [{ url: URL, host: 'overseas.example', operatorId: 'op-overseas' }]);
}

const issuedRequest = () => {
  const {
    deadlineAt: _deadline,
    graceEndsAt: _grace,
    ...issued
  } = anOrder({ operatorId: 'op-overseas', action: 'DELETE_REQUEST', urlCount: 1 });
  return issued;
};

describe('referrals under every fault', () => {
  it('a request issued for a host in France: referred once, e-mailed to the partner once', async () => {
    const runs = await underEveryFault(
      world,
      {
        given: givenOverseasHostInFrance,
        act: () => act(orderDecider, refs.order(ORDER_ID), { type: 'ISSUE', order: issuedRequest() }, NOW),
        streams: caseStream,
        expectAfter: async (outcome) => {
          expect(finalAnswer(outcome).ok).toBe(true);
          // An attempt a fault failed is tried again when due, never lost
          await sendDuePartnerMessages('2026-03-04T00:00:00.000Z');
          expect(await getReferral(REFERRAL_ID)).toMatchObject({ status: 'SENT', channel: 'EMAIL' });
          expectMailedOnce(world, new RegExp(`\\[Referral ${REFERRAL_ID}\\]`));
        },
      },
      CLOCK,
    );
    expect(runs).toBeGreaterThan(3);
  }, 600_000);

  it("a partner's signed report of removal: recorded once, whatever call fails", async () => {
    const jws = await signedByPartner({ type: 'referral.status', status: 'REMOVED', at: NOW });
    const referral: ReferralRecord = {
      referralId: REFERRAL_ID,
      caseId: CASE_ID,
      orderId: ORDER_ID,
      operatorId: 'op-overseas',
      partnerId: 'partner-fr',
      country: 'FR',
      channel: 'EMAIL',
      status: 'PENDING',
      createdAt: '2026-03-02T01:00:00.000Z',
      category: 'ILLEGAL_FILMING',
      urls: [{ url: URL }],
      legalBasis: 'the legal basis at home',
      attempts: [],
    };
    const runs = await underEveryFault(
      world,
      {
        given: async () => {
          await givenOverseasHostInFrance();
          await act(referralDecider, refs.referral(REFERRAL_ID), { type: 'OPEN', referral }, '2026-03-02T01:00:00.000Z');
        },
        act: () => recordPartnerStatus(REFERRAL_ID, jws, NOW),
        streams: caseStream,
        expectAfter: async (outcome) => {
          const answer = finalAnswer(outcome);
          expect(answer.ok).toBe(true);
          if (answer.ok) expect(answer.value).toEqual({ status: 'REMOVED' });
          expect(await getReferral(REFERRAL_ID)).toMatchObject({ status: 'REMOVED', urls: [{ url: URL, removedAt: NOW }] });
        },
      },
      CLOCK,
    );
    expect(runs).toBeGreaterThan(3);
  }, 600_000);
  it("a partner's referral to us: one case, filed once, its workflow started once, whatever call fails", async () => {
    const jws = await signedByPartner({
      type: 'referral',
      referralId: 'XFR-2026-0042',
      reference: 'PDC-CASE-7',
      category: 'ILLEGAL_FILMING',
      urls: ['https://webhard.example/v/referred'],
      legalBasis: 'Article 6-1 of the LCEN',
      sentAt: NOW,
    });
    let filedCaseId = '';
    const runs = await underEveryFault(
      world,
      {
        given: async () => {
          await plant.partner(PARTNER);
          await plant.operator(anOperator());
        },
        act: () => fileInboundReferral(jws, NOW),
        streams: () => [refs.case(filedCaseId).root],
        expectAfter: async (outcome) => {
          const answer = finalAnswer(outcome);
          expect(answer.ok).toBe(true);
          const filed = await listCasesByReporter(partnerFiler('partner-fr'));
          expect(filed).toHaveLength(1);
          filedCaseId = filed[0]?.caseId ?? '';
          if (answer.ok) expect(answer.value).toMatchObject({ caseId: filedCaseId, reference: 'XFR-2026-0042' });
          expect(filed[0]).toMatchObject({ status: 'PENDING_APPROVAL', reporter: { kind: 'PARTNER', reference: 'XFR-2026-0042' } });
          expect((await actionsOf(filedCaseId)).filter((action) => action === 'REPORT_FILED')).toHaveLength(1);
          expect([...world.executions]).toEqual([filedCaseId]);
          // The partner is told once that its referral was filed
          expect((await actionsOf(filedCaseId)).filter((action) => action === 'PARTNER_UPDATE_QUEUED')).toHaveLength(1);
          await sendDuePartnerMessages('2026-03-04T00:00:00.000Z');
          expect(await listPartnerUpdatesOfCase(filedCaseId)).toMatchObject([{ status: 'ACKNOWLEDGED', delivery: 'DELIVERED' }]);
          expectMailedOnce(world, /\[Referral XFR-2026-0042\] acknowledged/);
        },
      },
      CLOCK,
    );
    expect(runs).toBeGreaterThan(3);
  }, 600_000);

  it("an order of a partner's case complied with: the partner told of the removal once, whatever call fails", async () => {
    const webhardOrder = orderIdFor(CASE_ID, 'op-webhard');
    const runs = await underEveryFault(
      world,
      {
        given: async () => {
          await plant.partner(PARTNER);
          await plant.operator(anOperator());
          await plant.case(
            aCase({ status: 'UNDER_POST_REVIEW', reporter: { kind: 'PARTNER', reference: 'XFR-2026-0042', partnerId: 'partner-fr' } }),
          );
          await writeUrls(CASE_ID, [{ url: 'https://webhard.example/v/referred', host: 'webhard.example', operatorId: 'op-webhard' }]);
          await plant.order(anOrder({ urlCount: 1, partnerReferral: { partnerId: 'partner-fr', reference: 'XFR-2026-0042' } }));
        },
        act: () => act(orderDecider, refs.order(webhardOrder), { type: 'COMPLY', by: 'op-webhard-user', action: 'DELETED' }, NOW),
        streams: caseStream,
        expectAfter: async (outcome) => {
          // A retry after a committed first attempt is refused: the order is complied with already
          const answer = finalAnswer(outcome);
          if (!answer.ok) expect(answer.error).toBeInstanceOf(ConflictError);
          await sendDuePartnerMessages('2026-03-04T00:00:00.000Z');
          const removed = (await listPartnerUpdatesOfCase(CASE_ID)).filter((update) => update.status === 'REMOVED');
          expect(removed).toMatchObject([{ delivery: 'DELIVERED', urls: ['https://webhard.example/v/referred'] }]);
          expectMailedOnce(world, /\[Referral XFR-2026-0042\] removed/);
        },
      },
      CLOCK,
    );
    expect(runs).toBeGreaterThan(3);
  }, 600_000);
});

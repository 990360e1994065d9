/**
 * Referrals to partner regulators (shared/services/referrals.ts, docs/referrals.md): an overseas
 * host's request, once issued, is referred to the partner covering the host's country, signed and
 * POSTed to its endpoint (a server on loopback here) or e-mailed; a failed delivery is kept and
 * tried again with backoff, then given up with staff told; the partner's signed word is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, calculateJwkThumbprint, compactVerify, exportJWK, generateKeyPair, importJWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseIdFrom, orderIdFor, ulidFrom } from '../../../shared/domain/ids';
import type { Partner } from '../../../shared/domain/partners';
import { referralIdOf } from '../../../shared/domain/referrals';
import { publicSigningKey } from '../../../shared/services/blocklist';
import { sendDuePartnerMessages } from '../../../shared/services/partner-sender';
import { recordPartnerStatus, sendReferral } from '../../../shared/services/referrals';
import { getReferral, writeUrls } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import { aCase, anOrder, anOverseasHost } from '../../support/records';
import { useWorld } from '../../support/world';
import { chainOfCase } from './world-steps';

const ISSUED_AT = '2026-11-24T06:00:00.000Z';
const CASE_ID = caseIdFrom(ulidFrom(Date.parse('2026-11-24T05:00:00.000Z'), new Uint8Array(10).fill(7)));
const ORDER_ID = orderIdFor(CASE_ID, 'op-overseas');
const REFERRAL_ID = referralIdOf(ORDER_ID);
const URLS = ['https://overseas.example/v/1', 'https://cdn.overseas.example/v/2'];
const SUMMARY = 'SENTINEL-SUMMARY of the victim';
const REFERENCE = 'SENTINEL-REFERENCE';

const world = useWorld();

/** The partner's endpoint: answers the next status given (the last from then on), and keeps what it got. */
let server: Server;
let endpoint: string;
let statuses: number[] = [];
const received: { path: string; body: string }[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', body });
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/partners`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  vi.useRealTimers();
  received.length = 0;
});

const partnerKey = await generateKeyPair('ES256', { extractable: true });
const { x = '', y = '' } = await exportJWK(partnerKey.publicKey);
const PARTNER_KID = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });

function partnerFr(overrides: Partial<Partner> = {}): Partner {
  return {
    partnerId: 'partner-fr',
    name: 'Point de Contact',
    countries: ['FR'],
    endpoint,
    publicKey: { kty: 'EC', crv: 'P-256', x, y },
    language: 'fr',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A case of URLs on op-overseas (in `country`), whose request is issued now: the referral follows it. */
async function givenIssuedRequest(
  partner: Partner | null,
  { country = 'FR', answer = [200] }: { country?: string; answer?: number[] } = {},
) {
  statuses = answer;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse(ISSUED_AT));
  if (partner) await plant.partner(partner);
  await plant.operator(anOverseasHost({ language: 'en', country }));
  await plant.case(
    aCase({
      caseId: CASE_ID,
      createdAt: '2026-11-24T05:00:00.000Z',
      status: 'ORDERS_ISSUED',
      ordersIssuedAt: ISSUED_AT,
      summary: SUMMARY,
      reporter: { kind: 'VICTIM', reference: REFERENCE },
      hashes: [{ algorithm: 'SHA256', value: 'ab'.repeat(32) }],
      urlCount: URLS.length,
    }),
  );
  await writeUrls(
    CASE_ID,
    URLS.map((url) => ({ url, host: new URL(url).host, operatorId: 'op-overseas' })),
  );
  const {
    deadlineAt: _deadline,
    graceEndsAt: _grace,
    ...issued
  } = anOrder({
    caseId: CASE_ID,
    operatorId: 'op-overseas',
    action: 'DELETE_REQUEST',
    urlCount: URLS.length,
    issuedAt: ISSUED_AT,
  });
  await plant.order(issued);
}

async function partnerSays(message: object, key = partnerKey.privateKey, kid = PARTNER_KID): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(message))).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
}

const at = (minutes: number) => new Date(Date.parse(ISSUED_AT) + minutes * 60_000).toISOString();

describe('sending a referral', () => {
  it("POSTs the partner a message signed with the system's key: URLs, category, hashes, legal basis, our reference; nothing of the victim", async () => {
    await givenIssuedRequest(partnerFr());

    expect(received.map((request) => request.path)).toEqual(['/partners/referrals']);
    const { jws } = JSON.parse(received[0]?.body ?? '{}') as { jws: string };
    const { payload } = await compactVerify(jws, await importJWK(await publicSigningKey(), 'ES256'));
    const message = JSON.parse(new TextDecoder().decode(payload));
    expect(message).toEqual({
      type: 'referral',
      referralId: REFERRAL_ID,
      reference: CASE_ID,
      category: 'ILLEGAL_FILMING',
      urls: URLS,
      hashes: [{ algorithm: 'SHA256', value: 'ab'.repeat(32) }],
      legalBasis: expect.stringContaining('Article 44-7'),
      sentAt: ISSUED_AT,
    });
    expect(received[0]?.body).not.toMatch(/SENTINEL|VICTIM/);
    expect(await getReferral(REFERRAL_ID)).toMatchObject({
      status: 'SENT',
      channel: 'ENDPOINT',
      partnerId: 'partner-fr',
      sentAt: ISSUED_AT,
    });
    const actions = (await chainOfCase(CASE_ID)).filter((event) => event.action.startsWith('REFERRAL_'));
    expect(actions.map((event) => event.action)).toEqual(['REFERRAL_OPENED', 'REFERRAL_SENT']);
    expect(JSON.stringify(actions)).not.toContain('overseas.example/v');
  });

  it('keeps a failed attempt visible and tries again when it is due, under the same referral id', async () => {
    await givenIssuedRequest(partnerFr(), { answer: [503, 200] });
    const failing = await getReferral(REFERRAL_ID);
    expect(failing).toMatchObject({ status: 'PENDING', attempts: [{ at: ISSUED_AT, statusCode: 503 }], nextAttemptAt: expect.any(String) });

    // Not yet due: nothing sent
    expect(await sendDuePartnerMessages(ISSUED_AT)).toEqual({ attempted: 0 });
    expect(received).toHaveLength(1);

    // Due: sent again, delivered
    vi.setSystemTime(Date.parse(at(60)));
    expect(await sendDuePartnerMessages(at(60))).toEqual({ attempted: 1 });
    expect(received).toHaveLength(2);
    const referralIds = received.map(
      (request) => JSON.parse(atob((JSON.parse(request.body).jws as string).split('.')[1] ?? '')).referralId,
    );
    expect(referralIds).toEqual([REFERRAL_ID, REFERRAL_ID]);
    const sent = await getReferral(REFERRAL_ID);
    expect(sent).toMatchObject({ status: 'SENT', attempts: [{ statusCode: 503 }, { at: at(60), statusCode: 200 }] });
    expect(sent).not.toHaveProperty('nextAttemptAt');
  });

  it('gives up after the retry window, and tells staff', async () => {
    await givenIssuedRequest(partnerFr(), { answer: [500] });
    vi.setSystemTime(Date.parse(at(25 * 60)));
    await sendDuePartnerMessages(at(25 * 60));
    expect(await getReferral(REFERRAL_ID)).toMatchObject({ status: 'FAILED', failedAt: at(25 * 60) });
    expect(world.mails.map((mail) => mail.subject)).toEqual([
      expect.stringContaining(`Referral ${REFERRAL_ID} to partner-fr could not be delivered`),
    ]);
  });

  it('e-mails a partner without an endpoint, once however often it is sent', async () => {
    await givenIssuedRequest(partnerFr({ endpoint: undefined, publicKey: undefined, contact: 'referrals@pointdecontact.example' }));
    expect(received).toEqual([]);
    expect(world.mails).toHaveLength(1);
    expect(world.mails[0]).toMatchObject({ to: ['referrals@pointdecontact.example'], subject: expect.stringContaining(REFERRAL_ID) });
    expect(world.mails[0]?.text).toContain(URLS[1]);
    expect(world.mails[0]?.text).not.toMatch(/SENTINEL/);
    expect(await getReferral(REFERRAL_ID)).toMatchObject({ status: 'SENT', channel: 'EMAIL' });
    await sendReferral(REFERRAL_ID, at(5));
    expect(world.mails).toHaveLength(1);
  });

  it.each([
    ['no partner covers the host country', partnerFr({ countries: ['TW'] }), 'FR'],
    ['no partner is registered', null, 'FR'],
  ])('refers nothing when %s', async (_, partner, country) => {
    await givenIssuedRequest(partner, { country });
    expect(await getReferral(REFERRAL_ID)).toBeUndefined();
    expect(received).toEqual([]);
  });
});

describe("the partner's word on a referral", () => {
  it('records it acknowledged, then each URL removed, until the referral is REMOVED', async () => {
    await givenIssuedRequest(partnerFr());
    vi.setSystemTime(Date.parse(at(10)));
    expect(
      await recordPartnerStatus(REFERRAL_ID, await partnerSays({ type: 'referral.status', status: 'ACKNOWLEDGED', at: at(9) }), at(10)),
    ).toEqual({
      status: 'ACKNOWLEDGED',
    });
    const removeFirst = await partnerSays({ type: 'referral.status', status: 'REMOVED', urls: [URLS[0]], at: at(20) });
    expect(await recordPartnerStatus(REFERRAL_ID, removeFirst, at(21))).toEqual({ status: 'ACKNOWLEDGED' });
    // The same message again changes nothing
    expect(await recordPartnerStatus(REFERRAL_ID, removeFirst, at(22))).toEqual({ status: 'ACKNOWLEDGED' });
    expect(
      await recordPartnerStatus(REFERRAL_ID, await partnerSays({ type: 'referral.status', status: 'REMOVED', at: at(30) }), at(31)),
    ).toEqual({
      status: 'REMOVED',
    });
    expect(await getReferral(REFERRAL_ID)).toMatchObject({
      status: 'REMOVED',
      acknowledgedAt: at(10),
      removedAt: at(31),
      urls: [
        { url: URLS[0], removedAt: at(21) },
        { url: URLS[1], removedAt: at(31) },
      ],
    });
    const actions = (await chainOfCase(CASE_ID)).map((event) => event.action).filter((action) => action.startsWith('REFERRAL_'));
    expect(actions).toEqual([
      'REFERRAL_OPENED',
      'REFERRAL_SENT',
      'REFERRAL_ACKNOWLEDGED',
      'REFERRAL_URLS_REMOVED',
      'REFERRAL_URLS_REMOVED',
    ]);
  });

  it('records a decline with its reason, and tells staff the reason', async () => {
    await givenIssuedRequest(partnerFr());
    const declined = await partnerSays({ type: 'referral.status', status: 'DECLINED', reason: 'The host is not in France.', at: at(5) });
    expect(await recordPartnerStatus(REFERRAL_ID, declined, at(6))).toEqual({ status: 'DECLINED' });
    expect(await getReferral(REFERRAL_ID)).toMatchObject({
      status: 'DECLINED',
      declined: { reason: 'The host is not in France.', at: at(6) },
    });
    expect(world.mails.find((mail) => mail.subject.includes('declined'))?.text).toContain('The host is not in France.');
  });

  it('refuses with 401 a message no registered key verifies, and records nothing', async () => {
    await givenIssuedRequest(partnerFr());
    const stranger = await generateKeyPair('ES256');
    const forged = await partnerSays({ type: 'referral.status', status: 'REMOVED', at: at(5) }, stranger.privateKey);
    await expect(recordPartnerStatus(REFERRAL_ID, forged, at(6))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(recordPartnerStatus(REFERRAL_ID, 'not.a.jws', at(6))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await getReferral(REFERRAL_ID)).toMatchObject({ status: 'SENT' });
  });

  it("answers 404 for a referral that is not the partner's, and 400 naming a URL it was not sent", async () => {
    await givenIssuedRequest(partnerFr());
    const removed = await partnerSays({ type: 'referral.status', status: 'REMOVED', at: at(5) });
    await expect(recordPartnerStatus(`X${ORDER_ID.slice(1, 27)}-op-other`, removed, at(6))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(recordPartnerStatus('bogus', removed, at(6))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const unknownUrl = await partnerSays({ type: 'referral.status', status: 'REMOVED', urls: ['https://elsewhere.example/x'], at: at(5) });
    await expect(recordPartnerStatus(REFERRAL_ID, unknownUrl, at(6))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await getReferral(REFERRAL_ID)).toMatchObject({ status: 'SENT' });
  });
});

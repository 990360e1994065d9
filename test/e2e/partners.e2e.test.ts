/**
 * Issue 16, item 4: two local stacks on one machine, the Korean and the EU profile, registered as
 * each other's partners through the partners registry API. A Korean case with a URL on a host the
 * registry places in France is referred to the French instance, which files it, orders the host
 * (established in France, so domestic there), records its compliance and reports back until the
 * Korean case shows the referral REMOVED. A delivery to the stopped French instance is kept,
 * visible, and succeeds once it is back; a message with a bad signature is refused with 401 and
 * files nothing; a referral declined by French staff shows their reason to Korean staff.
 */
import { CompactSign, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { Api, approveCase, E2E_DURATIONS, eventually, fileReport, LONG, orderIdFor, uniqueUrl } from './support';

/** Messages between the instances go over plain http on loopback, retried within seconds. */
const PARTNER_ENV = {
  WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
  WEBHOOK_RETRY_FIRST_SECONDS: '1',
  WEBHOOK_RETRY_MAX_SECONDS: '2',
};

let korea: LocalStack;
let france: LocalStack;
let kr: Api;
let fr: Api;
/** The `kid` the Korean instance signs with, which France registered. */
let koreanKid: string;

beforeAll(async () => {
  [korea, france] = await Promise.all([
    startLocalStack({ policy: { id: 'kr-e2e-partners', ...E2E_DURATIONS }, env: PARTNER_ENV }),
    startLocalStack({ policy: { base: 'eu-dsa-9', id: 'eu-e2e-partners', ...E2E_DURATIONS }, env: PARTNER_ENV }),
  ]);
  kr = new Api(korea);
  fr = new Api(france);
  // Each instance registers the other with its endpoint and the public key it publishes
  const [krKey, frKey] = await Promise.all([kr.get('staff-kim', '/isp/blocklist/key'), fr.get('staff-kim', '/isp/blocklist/key')]);
  koreanKid = krKey.body.kid;
  const patched = await kr.patch('staff-kim', '/partners/partner-fr', { endpoint: `${france.baseUrl}/partners`, publicKey: frKey.body });
  expect(patched.status).toBe(200);
  const registered = await fr.post('staff-kim', '/partners', {
    partnerId: 'partner-kr',
    name: 'Korea Communications Standards Commission',
    countries: ['KR'],
    endpoint: `${korea.baseUrl}/partners`,
    publicKey: krKey.body,
    language: 'ko',
  });
  expect(registered.status).toBe(201);
  // In France the host is established at home: the French instance orders it
  expect((await fr.patch('staff-kim', '/operators/op-overseas', { jurisdiction: 'DOMESTIC' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all([korea?.stop(), france?.stop()]);
});

/** The Korean case's one referral, once `ready` holds of it. */
async function referralOf(caseId: string, ready: (referral: any) => boolean): Promise<any> {
  return eventually(async () => {
    const { body } = await kr.get('staff-kim', `/cases/${caseId}`);
    const referral = body.referrals?.[0];
    if (referral === undefined || !ready(referral)) throw new Error(`referral of ${caseId}: ${JSON.stringify(referral)}`);
    return referral;
  }, LONG);
}

/** The French case filed for the referral, by the partner's reference. */
async function frenchCaseOf(referralId: string): Promise<any> {
  return eventually(async () => {
    const { body } = await fr.get('staff-kim', `/cases?reference=${encodeURIComponent(referralId)}`);
    const found = body.cases?.[0];
    if (found === undefined) throw new Error(`no French case for ${referralId} yet`);
    return (await fr.get('staff-kim', `/cases/${found.caseId}`)).body;
  }, LONG);
}

/** Files and approves a Korean case of one URL on the host in France, and answers its case id. */
async function koreanCaseOnFrenchHost(): Promise<{ caseId: string; url: string }> {
  const url = uniqueUrl('op-overseas');
  const caseId = await fileReport(kr, [url]);
  await approveCase(kr, caseId);
  return { caseId, url };
}

describe('two instances, each the other partner', () => {
  it('refers a case to France, which orders the host and reports back until the Korean case shows it REMOVED', async () => {
    const { caseId, url } = await koreanCaseOnFrenchHost();
    const referral = await referralOf(caseId, (candidate) => candidate.status !== 'PENDING');
    expect(referral).toMatchObject({ partnerId: 'partner-fr', channel: 'ENDPOINT', urls: [{ url }] });

    // France filed it, told Korea, and its staff approve it: the host is ordered
    const filed = await frenchCaseOf(referral.referralId);
    expect(filed.reporter).toMatchObject({ kind: 'PARTNER', partnerId: 'partner-kr', reference: referral.referralId });
    await approveCase(fr, filed.caseId);
    const frenchOrder = orderIdFor(filed.caseId, 'op-overseas');
    await referralOf(caseId, (candidate) => candidate.orderIssuedAt !== undefined);

    // The host complies in France
    const complied = await eventually(async () => {
      const answer = await fr.post('op-overseas', `/operator/orders/${frenchOrder}/compliance`, { action: 'DELETED' });
      if (answer.status !== 200) throw new Error(`compliance answered ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer;
    }, LONG);
    expect(complied.status).toBe(200);

    // Korea sees every URL removed abroad
    const removed = await referralOf(caseId, (candidate) => candidate.status === 'REMOVED');
    expect(removed.urls).toEqual([{ url, removedAt: expect.any(String) }]);
    // France records each update delivered once Korea's answer reaches it
    await eventually(async () => {
      const { body: french } = await fr.get('staff-kim', `/cases/${filed.caseId}`);
      expect(french.partnerUpdates.map((update: any) => [update.status, update.delivery])).toEqual(
        expect.arrayContaining([
          ['ACKNOWLEDGED', 'DELIVERED'],
          ['ORDER_ISSUED', 'DELIVERED'],
          ['REMOVED', 'DELIVERED'],
        ]),
      );
    }, LONG);
  }, 180_000);

  it('keeps a delivery to the stopped French instance visible and retried, and delivers it when France is back; French staff decline it with a reason Korea sees', async () => {
    await france.stop();
    const { caseId } = await koreanCaseOnFrenchHost();

    // Not silent: the failed attempts are on the case, the next one scheduled
    const pending = await referralOf(caseId, (candidate) => candidate.attempts.length > 0);
    expect(pending).toMatchObject({ status: 'PENDING', attempts: [{ error: expect.any(String) }] });
    expect(pending.nextAttemptAt).toBeDefined();

    await france.restart();
    const sent = await referralOf(caseId, (candidate) => candidate.status !== 'PENDING');
    expect(['SENT', 'ACKNOWLEDGED']).toContain(sent.status);

    const filed = await frenchCaseOf(sent.referralId);
    const rejected = await fr.post('staff-lee', `/cases/${filed.caseId}/approvals`, {
      decision: 'REJECT',
      reason: 'The host removed it before our order.',
    });
    expect(rejected.status).toBe(200);
    const declined = await referralOf(caseId, (candidate) => candidate.status === 'DECLINED');
    expect(declined.declined).toMatchObject({ reason: 'The host removed it before our order.' });
  }, 180_000);

  it("refuses with 401 a referral that names Korea's key but is signed with another, and files nothing", async () => {
    const stranger = await generateKeyPair('ES256');
    const referralId = `XFORGED-${Date.now().toString(36)}`;
    const jws = await new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({
          type: 'referral',
          referralId,
          reference: 'forged',
          category: 'ILLEGAL_FILMING',
          urls: [uniqueUrl('op-overseas')],
          legalBasis: 'none',
          sentAt: new Date().toISOString(),
        }),
      ),
    )
      .setProtectedHeader({ alg: 'ES256', kid: koreanKid })
      .sign(stranger.privateKey);

    const answer = await fr.post(null, '/partners/referrals', { jws });

    expect(answer.status).toBe(401);
    expect((await fr.get('staff-kim', `/cases?reference=${referralId}`)).body.cases).toEqual([]);
  });
});

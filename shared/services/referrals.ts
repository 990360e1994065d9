/**
 * Referrals to partner regulators abroad (docs/referrals.md). When an overseas host's request is
 * issued, the partner covering the host's country gets a referral of its URLs (`referAbroad`, a
 * follow-up of the ORDER_ISSUED event). Its message is signed (compact JWS, ES256, with the key
 * that signs the block list) and POSTed to `{endpoint}/referrals`, or e-mailed to the partner's
 * contact; a failed attempt is kept on the referral and tried again with the webhooks' backoff
 * for their failure window, after which staff are told. Delivery is at least once: a partner
 * recognises a repeated message by its `referralId`.
 */
import { referralDecider } from '../domain/deciders/referral';
import { NotFoundError } from '../domain/errors';
import { caseIdOf } from '../domain/ids';
import { partnerCovering, type Partner } from '../domain/partners';
import {
  awaitsDelivery,
  referralIdOf,
  referralMessage,
  referralStatusMessageSchema,
  type ReferralRecord,
  type ReferralStatus,
} from '../domain/referrals';
import { nextAttemptAt, type WebhookAttempt } from '../domain/webhooks';
import { deliverOnce } from '../notices/index';
import { renderReferralEmail } from '../notices/templates';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { casePartition, refs } from '../store/keys';
import { getCase, getOperator, getOrder, getOrderUrls, getPartner, getReferral, listDueReferrals, listPartners } from '../store/repository';
import { act } from './acts';
import { signCompact } from './blocklist';
import { verifiedPartnerMessage } from './partner-messages';
import { policyOfCase } from './policies';
import { delivered, postOverHttp, type WebhookPost } from './webhooks';

/** `REFER_ABROAD`: opens the referral of an overseas host's request, when a partner covers the host's country. */
export async function referAbroad(orderId: string, at: string): Promise<void> {
  const order = await getOrder(orderId);
  if (order === undefined || order.action !== 'DELETE_REQUEST') return;
  const operator = await getOperator(order.operatorId);
  if (operator?.country === undefined) return;
  const partner = partnerCovering(operator.country, await listPartners());
  if (partner === undefined) return;
  const [record, urls, policy] = await Promise.all([getCase(order.caseId), getOrderUrls(order), policyOfCase(order.caseId)]);
  if (record === undefined || urls.length === 0) return;
  const referral: ReferralRecord = {
    referralId: referralIdOf(orderId),
    caseId: order.caseId,
    orderId,
    operatorId: order.operatorId,
    partnerId: partner.partnerId,
    country: operator.country,
    channel: partner.endpoint === undefined ? 'EMAIL' : 'ENDPOINT',
    status: 'PENDING',
    createdAt: at,
    category: record.category,
    urls: urls.map((url) => ({ url: url.url })),
    ...(record.hashes === undefined ? {} : { hashes: record.hashes }),
    legalBasis: policy.legalBasis.en,
    attempts: [],
  };
  await act(referralDecider, refs.referral(referral.referralId), { type: 'OPEN', referral }, at);
}

/** Where a partner's endpoint takes referrals: `{endpoint}/referrals`. */
export function partnerUrl(endpoint: string, path: string): string {
  return new URL(path, endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

/** One attempt over the partner's channel; what happened, as a webhook attempt is recorded. */
async function attempt(
  referral: ReferralRecord,
  partner: Partner | undefined,
  now: string,
  post: WebhookPost,
): Promise<{ attempt: WebhookAttempt; ok: boolean }> {
  if (partner === undefined) return { attempt: { at: now, error: 'the partner is no longer registered' }, ok: false };
  if (partner.endpoint !== undefined) {
    const jws = await signCompact(JSON.stringify(referralMessage(referral, now)));
    const outcome = await post(partnerUrl(partner.endpoint, 'referrals'), {}, JSON.stringify({ jws }));
    return { attempt: { at: now, ...outcome }, ok: delivered(outcome) };
  }
  if (partner.contact === undefined) return { attempt: { at: now, error: 'the partner has neither endpoint nor contact' }, ok: false };
  const { policy } = config();
  const contact = partner.contact;
  try {
    await deliverOnce(casePartition(referral.caseId), `referral:${referral.referralId}`, [contact], () =>
      renderReferralEmail({ referral, partner, policy }),
    );
    return { attempt: { at: now }, ok: true };
  } catch (error) {
    return { attempt: { at: now, error: error instanceof Error ? error.name : 'sending failed' }, ok: false };
  }
}

/**
 * Sends the referral's message if it still waits for delivery and is due, and records the attempt:
 * SENT, or failed with its next attempt, or, once the retry window is over, FAILED (staff told).
 */
export async function sendReferral(referralId: string, now: string, post: WebhookPost = postOverHttp): Promise<void> {
  const referral = await getReferral(referralId);
  if (referral === undefined || !awaitsDelivery(referral)) return;
  if (referral.nextAttemptAt !== undefined && referral.nextAttemptAt > now) return;
  const partner = await getPartner(referral.partnerId);
  const { attempt: tried, ok } = await attempt(referral, partner, now, post);
  const firstAttemptAt = referral.attempts[0]?.at ?? now;
  const next = ok
    ? undefined
    : nextAttemptAt({ firstAttemptAt, failedAttempts: referral.attempts.length + 1, now }, config().webhooks.retry, Math.random());
  await act(
    referralDecider,
    refs.referral(referralId),
    { type: 'RECORD_ATTEMPT', attempt: tried, delivered: ok, ...(next === undefined ? {} : { nextAttemptAt: next }) },
    now,
  );
  if (!ok)
    logger.warn('referral not delivered', { referralId, partnerId: referral.partnerId, statusCode: tried.statusCode, error: tried.error });
}

/** The referral sender's run: every referral whose next attempt is due. */
export async function sendDueReferrals(now: string, post: WebhookPost = postOverHttp): Promise<{ attempted: number }> {
  const due = await listDueReferrals(now);
  for (const referral of due) await sendReferral(referral.referralId, now, post);
  return { attempted: due.length };
}

/**
 * `POST /partners/referrals/{referralId}/status`: what the partner we referred a case to says of
 * it (acknowledged, URLs removed, declined with its reason), signed with its key. 404 for a
 * referral that is not one we sent to that partner: another partner's referrals do not exist for it.
 */
export async function recordPartnerStatus(referralId: string, jws: string, now: string): Promise<{ status: ReferralStatus }> {
  const { partner, message } = await verifiedPartnerMessage(jws, referralStatusMessageSchema);
  const referral = caseIdOf(referralId) === null || !referralId.startsWith('X') ? undefined : await getReferral(referralId);
  if (referral === undefined || referral.partnerId !== partner.partnerId) throw new NotFoundError(`Referral ${referralId}`);
  const { state } = await act(
    referralDecider,
    refs.referral(referralId),
    { type: 'RECORD_PARTNER_STATUS', partnerId: partner.partnerId, message },
    now,
  );
  logger.info('partner reported on a referral', { referralId, partnerId: partner.partnerId, status: message.status });
  return { status: (state ?? referral).status };
}

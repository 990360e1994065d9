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
import { partnerCovering } from '../domain/partners';
import {
  awaitsDelivery,
  referralIdOf,
  referralMessage,
  referralStatusMessageSchema,
  type ReferralRecord,
  type ReferralStatus,
} from '../domain/referrals';
import { renderReferralEmail } from '../notices/templates';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { getCase, getOperator, getOrder, getOrderUrls, getReferral, listPartners } from '../store/repository';
import { act } from './acts';
import { sendWhenDue } from './partner-delivery';
import { verifiedPartnerMessage } from './partner-messages';
import { policyOfCase } from './policies';
import { postOverHttp, type WebhookPost } from './webhooks';

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

/**
 * Sends the referral's message if it still waits for delivery and is due, and records the attempt:
 * SENT, or failed with its next attempt, or, once the retry window is over, FAILED (staff told).
 */
export async function sendReferral(referralId: string, now: string, post: WebhookPost = postOverHttp): Promise<void> {
  const referral = await getReferral(referralId);
  if (referral === undefined || !awaitsDelivery(referral)) return;
  const { policy } = config();
  await sendWhenDue(
    { id: referralId, ...referral },
    {
      caseId: referral.caseId,
      path: 'referrals',
      payload: (sentAt) => referralMessage(referral, sentAt),
      emailKey: `referral:${referral.referralId}`,
      email: (to) => renderReferralEmail({ referral, partner: to, policy }),
    },
    (attempt) => act(referralDecider, refs.referral(referralId), { type: 'RECORD_ATTEMPT', ...attempt }, now),
    now,
    post,
  );
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

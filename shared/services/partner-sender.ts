/**
 * The one sender of messages to partner regulators (docs/referrals.md): every referral and every
 * status update back whose next attempt is due, tried again with the same backoff.
 */
import { listDuePartnerUpdates, listDueReferrals } from '../store/repository';
import { sendPartnerUpdate } from './partner-updates';
import { sendReferral } from './referrals';
import { postOverHttp, type WebhookPost } from './webhooks';

/** The partner sender's run: what is due of both kinds. */
export async function sendDuePartnerMessages(now: string, post: WebhookPost = postOverHttp): Promise<{ attempted: number }> {
  const [referrals, updates] = await Promise.all([listDueReferrals(now), listDuePartnerUpdates(now)]);
  for (const referral of referrals) await sendReferral(referral.referralId, now, post);
  for (const update of updates) await sendPartnerUpdate(update.updateId, now, post);
  return { attempted: referrals.length + updates.length };
}

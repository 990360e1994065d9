/**
 * Status updates back to a partner that referred a case to us (docs/referrals.md, "Inbound:
 * status updates back"). A change of the case or of one of its orders brings a TELL_PARTNER
 * follow-up in the same write; it stores the update under an id that change fixes (so a retry or
 * the sweeper lands on it), whose own follow-up sends it: signed and POSTed to the partner's
 * `{endpoint}/referrals/{its referralId}/status`, the route this system takes such messages on,
 * or e-mailed to its contact. A failed attempt is kept on the update, shown on the case, and tried
 * again with backoff by the partner sender; staff are told when the retry window is over.
 */
import type { ReferralStatusMessage } from '../domain/referrals';
import { partnerUpdateDecider } from '../domain/deciders/partner-update';
import { partnerUpdateIdFor } from '../domain/ids';
import { type PartnerUpdateRecord, type TellPartner, updateAwaitsDelivery } from '../domain/partner-updates';
import { renderPartnerUpdateEmail } from '../notices/templates';
import { config } from '../runtime/config';
import { refs } from '../store/keys';
import { getOrder, getOrderUrls, getPartnerUpdate } from '../store/repository';
import { act } from './acts';
import { sendWhenDue } from './partner-delivery';
import { postOverHttp, type WebhookPost } from './webhooks';

/** `TELL_PARTNER`: stores the update once (a REMOVED one with the order's URLs), which then sends itself. */
export async function tellPartner(followUp: TellPartner, at: string): Promise<void> {
  const { caseId, partnerId, reference, status, orderId, reason } = followUp;
  const order = status === 'REMOVED' && orderId !== undefined ? await getOrder(orderId) : undefined;
  const urls = order === undefined ? [] : [...new Set((await getOrderUrls(order)).map((url) => url.url))];
  const update: PartnerUpdateRecord = {
    updateId: partnerUpdateIdFor(caseId, followUp.key),
    caseId,
    partnerId,
    reference,
    status,
    ...(orderId === undefined ? {} : { orderId }),
    ...(urls.length === 0 ? {} : { urls }),
    ...(reason === undefined ? {} : { reason }),
    createdAt: at,
    delivery: 'PENDING',
    attempts: [],
  };
  await act(partnerUpdateDecider, refs.partnerUpdate(update.updateId), { type: 'QUEUE', update }, at);
}

/** What the update says, as the partner's status route takes it (the schema this system's own route parses). */
export function partnerUpdateMessage(update: PartnerUpdateRecord): ReferralStatusMessage {
  const at = update.createdAt;
  switch (update.status) {
    case 'REMOVED':
      return { type: 'referral.status', status: 'REMOVED', ...(update.urls === undefined ? {} : { urls: update.urls }), at };
    case 'DECLINED':
      return { type: 'referral.status', status: 'DECLINED', reason: update.reason ?? 'Declined by staff.', at };
    default:
      return { type: 'referral.status', status: update.status, at };
  }
}

/** Sends the update if it still waits for delivery and is due, and records the attempt (DELIVERED, retried, or FAILED). */
export async function sendPartnerUpdate(updateId: string, now: string, post: WebhookPost = postOverHttp): Promise<void> {
  const update = await getPartnerUpdate(updateId);
  if (update === undefined || !updateAwaitsDelivery(update)) return;
  const { policy } = config();
  await sendWhenDue(
    { id: updateId, ...update },
    {
      caseId: update.caseId,
      path: `referrals/${encodeURIComponent(update.reference)}/status`,
      payload: () => partnerUpdateMessage(update),
      emailKey: `partner-update:${update.updateId}`,
      email: (to) => renderPartnerUpdateEmail({ update, message: partnerUpdateMessage(update), partner: to, policy }),
    },
    (attempt) => act(partnerUpdateDecider, refs.partnerUpdate(updateId), { type: 'RECORD_ATTEMPT', ...attempt }, now),
    now,
    post,
  );
}

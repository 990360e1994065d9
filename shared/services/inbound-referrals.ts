/**
 * Referrals from partner regulators abroad (docs/referrals.md, "Inbound"): a partner's signed
 * referral files a report of reporter kind PARTNER through the same path as `POST /reports`, so
 * it enters the normal flow (duplicates, approvals, orders). The partner's id of the referral
 * is the idempotency key: a repeated message answers the case filed the first time.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../domain/errors';
import { reportRequestSchema } from '../domain/model';
import { type ReferralMessage, referralMessageSchema } from '../domain/referrals';
import { logger } from '../runtime/logger';
import { verifiedPartnerMessage } from './partner-messages';
import { fileReportBy, type ReportFiling } from './reports';

export interface InboundReferral {
  readonly created: boolean;
  readonly caseId: string;
  /** The partner's id of the referral, which its status updates name. */
  readonly reference: string;
}

/** The filer a partner's cases are recorded under (`createdBy`), apart from every user id. */
export const partnerFiler = (partnerId: string): string => `partner:${partnerId}`;

/** The report a partner's referral files: its URLs checked like any reporter's, never a victim's identity (a referral holds none). */
function reportOfReferral(partnerId: string, message: ReferralMessage): ReportFiling {
  const urls = reportRequestSchema.shape.urls.safeParse(message.urls);
  if (!urls.success) {
    throw new ValidationError(
      'The referral holds a URL this system cannot order (docs/referrals.md).',
      urls.error.issues.map((issue) => ({ field: `urls.${issue.path.join('.')}`, message: issue.message })),
    );
  }
  return {
    urls: urls.data,
    category: message.category,
    reporter: { kind: 'PARTNER', reference: message.referralId, partnerId },
    // The partner, not a victim, asks: consent is the partner's to have checked under its law.
    victimConsent: false,
    summary: `Referred by ${partnerId} under its law: ${message.legalBasis}`,
    ...(message.hashes === undefined ? {} : { hashes: message.hashes }),
  };
}

/** `POST /partners/referrals`: files the referral a partner signed, once per (partner, referralId). */
export async function fileInboundReferral(jws: string, now: string): Promise<InboundReferral> {
  const { partner, message } = await verifiedPartnerMessage(jws, referralMessageSchema);
  // Hashed: the partner's id may hold characters an idempotency key does not; the hash fixes the case id.
  const key = createHash('sha256').update(message.referralId, 'utf8').digest('hex');
  const filed = await fileReportBy(partnerFiler(partner.partnerId), reportOfReferral(partner.partnerId, message), key, now);
  logger.info('referral received', { partnerId: partner.partnerId, caseId: filed.caseId, created: filed.created });
  return { created: filed.created, caseId: filed.caseId, reference: message.referralId };
}

/**
 * A poster's objection through the public page (docs/objections.md): no account, no token; the
 * objection code from the order notice names the order, a reference names the objection after.
 * Rate-limited per client address and per code. A wrong code costs the same reads as a right one
 * and gets the same answer whatever made it wrong, so neither time nor words tell codes apart.
 * Nothing about the poster (words, contact, address) reaches a log line.
 */
import { orderDecider } from '../domain/deciders/order';
import { DomainError, RateLimitedError } from '../domain/errors';
import { appealIdFor } from '../domain/ids';
import type { AppealRecord, PublicObjectionRequest } from '../domain/model';
import {
  clientAddressHash,
  isObjectionReference,
  normalizeObjectionCode,
  objectionCodeHash,
  objectionReferenceOf,
  rateVerdict,
  rateWindow,
  type RateLimit,
} from '../domain/objections';
import { config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { refs } from '../store/keys';
import { countRequest, getObjectionCode, getObjectionReference, putObjectionReference } from '../store/objections';
import { getAppeal, getOrder } from '../store/repository';
import { act } from './acts';

/** Read in place of the order a wrong code does not name: the same read, never a hit. */
const NO_SUCH_ORDER = 'O00000000000000000000000000-none';

const UNKNOWN_CODE = 'No order matches this objection code. Check the code in the notice (24 letters and digits) and try again.';
const UNKNOWN_REFERENCE = 'No objection has this reference. Check the reference you were given when you objected.';

async function limit(scope: string, keyHash: string, rule: RateLimit, now: string, what: string): Promise<void> {
  const count = await countRequest(scope, keyHash, rateWindow(rule, now).startsAt);
  const verdict = rateVerdict(rule, count, now);
  if (!verdict.allowed) {
    logger.warn('public objection route rate-limited', { scope });
    throw new RateLimitedError(`Too many ${what}; try again in ${verdict.retryAfterSeconds} seconds.`, verdict.retryAfterSeconds);
  }
}

export interface PosterObjectionStatus {
  reference: string;
  filedAt: string;
  /** RECEIVED: waiting for the committee (after its post-review, if that is still going on); DECIDED: see `outcome`. */
  status: 'RECEIVED' | 'UNDER_REVIEW' | 'DECIDED';
  outcome?: 'ORDER_STANDS' | 'ORDER_LIFTED';
}

function statusOf(appeal: AppealRecord, reference: string, filedAt: string): PosterObjectionStatus {
  switch (appeal.status) {
    case 'FILED':
      return { reference, filedAt, status: 'RECEIVED' };
    case 'UNDER_REVIEW':
      return { reference, filedAt, status: 'UNDER_REVIEW' };
    case 'UPHELD':
      return { reference, filedAt, status: 'DECIDED', outcome: 'ORDER_STANDS' };
    case 'OVERTURNED':
      return { reference, filedAt, status: 'DECIDED', outcome: 'ORDER_LIFTED' };
  }
}

/** Files the poster's objection on the order its code names; answers the reference to keep. */
export async function filePosterObjection(body: PublicObjectionRequest, sourceIp: string, now: string): Promise<PosterObjectionStatus> {
  // The policy new cases follow: the limit is the deployment's, counted before any case is known.
  const limits = config().policy.publicObjectionLimits;
  await limit('objection-filing-address', clientAddressHash(sourceIp), limits.filingsPerAddress, now, 'objections from your address');
  const normalized = normalizeObjectionCode(body.code);
  const codeHash = objectionCodeHash(normalized ?? body.code);
  await limit('objection-filing-code', codeHash, limits.filingsPerCode, now, 'objections with this code');
  const target = await getObjectionCode(codeHash);
  const order = await getOrder(target?.orderId ?? NO_SUCH_ORDER);
  if (normalized === null || target === undefined || order === undefined) throw new DomainError('NOT_FOUND', UNKNOWN_CODE);
  const reference = objectionReferenceOf(codeHash, body.grounds, body.contact);
  const appealId = order.appealId ?? appealIdFor(order.caseId, order.operatorId);
  // The reference's lookup goes first: an objection the order refuses leaves one that finds nothing.
  await putObjectionReference(reference, { appealId, orderId: order.orderId });
  await act(
    orderDecider,
    refs.order(order.orderId),
    {
      type: 'OBJECT_AS_POSTER',
      objectionId: reference,
      appealId,
      grounds: body.grounds,
      ...(body.contact === undefined ? {} : { contact: body.contact }),
    },
    now,
  );
  logger.info('poster objection filed', { orderId: order.orderId, appealId });
  return { reference, filedAt: now, status: 'RECEIVED' };
}

/** Where the objection stands, by its reference only: no case, order, URL or reporter. */
export async function posterObjectionStatus(reference: string, sourceIp: string, now: string): Promise<PosterObjectionStatus> {
  // A reference's form is public: one that cannot be a reference is refused before it is counted.
  if (!isObjectionReference(reference)) throw new DomainError('NOT_FOUND', UNKNOWN_REFERENCE);
  await limit(
    'objection-lookup-address',
    clientAddressHash(sourceIp),
    config().policy.publicObjectionLimits.lookupsPerAddress,
    now,
    'look-ups from your address',
  );
  const target = await getObjectionReference(reference);
  const appeal = target === undefined ? undefined : await getAppeal(target.appealId);
  const objection = appeal?.objections?.find((one) => one.objectionId === reference);
  if (appeal === undefined || objection === undefined) throw new DomainError('NOT_FOUND', UNKNOWN_REFERENCE);
  return statusOf(appeal, reference, objection.filedAt);
}

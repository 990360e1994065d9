/**
 * Typed reads of the one table, and the writes that are not changes of a record: URL chunks,
 * task tokens, notice claims, domain claims and idempotency keys. Records (cases, orders, reviews,
 * appeals, operators) change only through shared/store/journal.ts; they are stored as
 * `{record, version}` items with index attributes derived from the record.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AppealRecord, CaseRecord, CaseUrl, Operator, OrderRecord, ReviewRecord } from '../domain/model';
import type { PartnerUpdateRecord } from '../domain/partner-updates';
import type { Partner } from '../domain/partners';
import type { ReferralRecord } from '../domain/referrals';
import { awaitsFineDecisionReminder, chunk } from '../domain/orders';
import type { Policy } from '../domain/policy';
import { config, heldForTable } from '../runtime/config';
import { remember } from '../runtime/recent';
import { forgetAppliedBlocklistVersion } from './blocklist';
import { documentClient } from './client';
import {
  ACTIVE_CASES,
  FINES_PROPOSED,
  MONITORING_DUE,
  NON_COMPLIANT_ORDERS,
  OPEN_ORDERS,
  OPEN_REVIEWS,
  OVERDUE_ORDERS,
  REINSTATEMENTS_PENDING,
  PARTNER_UPDATES_DUE,
  REFERRALS_DUE,
  UNDELIVERED_ORDERS,
} from './indexes';
import { expectNewStream, forgetKnownStreams, projectionsOf, readRecord, recordsOfWholeStream } from './journal';
import { casePartition, keys, PARTNER_UPDATE_PREFIX, REFERRAL_PREFIX, refs, TOKEN_PREFIX, type ItemKey } from './keys';
import { GSI1, GSI2, GSI3, type IndexDefinition } from './table';

const URLS_PER_CHUNK = 100;

const tableName = (): string => config().tableName;

type Item = Record<string, unknown>;

async function getItem<T>(key: ItemKey): Promise<T | undefined> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return result.Item as T | undefined;
}

/** Puts an item that must not exist yet; answers false (and writes nothing) when it does. */
async function putIfAbsent(item: Item & ItemKey): Promise<boolean> {
  try {
    await documentClient.send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

async function putItem(item: Item & ItemKey): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: item }));
}

/** A conditional update; false (nothing written) when the condition does not hold. */
async function updateIf(key: ItemKey, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>): Promise<boolean> {
  try {
    await documentClient.send(new UpdateCommand({ TableName: tableName(), Key: key, ...input }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Reads every page of a query. */
async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({ TableName: tableName(), ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && (limit === undefined || items.length < limit));
  return limit === undefined ? items : items.slice(0, limit);
}

async function queryCasePartition(caseId: string, skPrefix: string): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': casePartition(caseId), ':prefix': skPrefix },
    ConsistentRead: true,
  });
}

async function queryIndex(
  index: IndexDefinition,
  partition: string,
  options: { before?: string; newestFirst?: boolean; limit?: number } = {},
): Promise<Item[]> {
  return queryAll(
    {
      IndexName: index.indexName,
      KeyConditionExpression: options.before ? `${index.partitionKey} = :p AND ${index.sortKey} < :before` : `${index.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': partition, ...(options.before ? { ':before': options.before } : {}) },
      ScanIndexForward: !options.newestFirst,
    },
    options.limit,
  );
}

const recordsOf = <T>(items: readonly Item[]): T[] => items.map((item) => item.record as T);

// ------------------------------------------------------------------------------------------ cases

export const getCase = (caseId: string) => readRecord<CaseRecord>(refs.case(caseId));

/**
 * The URL chunks of a case, grouped by operator. Written before the case's first event, so a case
 * that exists has all its URLs; a retried filing writes the same chunks again.
 */
export async function writeUrls(caseId: string, urls: readonly CaseUrl[]): Promise<void> {
  const byOperator = new Map<string | null, CaseUrl[]>();
  for (const url of urls) byOperator.set(url.operatorId, [...(byOperator.get(url.operatorId) ?? []), url]);
  const chunks: UrlChunk[] = [];
  for (const [operatorId, group] of byOperator) {
    chunk(group, URLS_PER_CHUNK).forEach((part, index) => {
      chunks.push({ ...keys.urlChunk(caseId, operatorId, index), urls: part });
    });
  }
  await putUrlChunks(caseId, chunks);
}

/** The case's URLs; with an operator id, only that operator's (`null`: the unassigned ones). */
export async function getCaseUrls(caseId: string, operatorId?: string | null): Promise<CaseUrl[]> {
  const prefix = keys.urlChunkPrefix(operatorId);
  const known = knownUrlChunks(caseId);
  const items = known
    ? [...known.values()].filter((item) => item.sk.startsWith(prefix)).sort((a, b) => (a.sk < b.sk ? -1 : 1))
    : await queryUrlChunks(caseId, prefix);
  return items.flatMap((item) => item.urls.map((url) => ({ ...url })));
}

/** The URLs an order lists: its operator's, or, for an ISP's order, those of every owner it blocks. */
export async function getOrderUrls(order: Pick<OrderRecord, 'caseId' | 'operatorId' | 'urlOwners'>): Promise<CaseUrl[]> {
  const owners = order.urlOwners ?? [order.operatorId];
  return (await Promise.all(owners.map((owner) => getCaseUrls(order.caseId, owner)))).flat();
}

export async function getUrlChunk(caseId: string, operatorId: string | null, index: number): Promise<CaseUrl[] | undefined> {
  const key = keys.urlChunk(caseId, operatorId, index);
  const known = knownUrlChunks(caseId);
  const urls = known ? known.get(key.sk)?.urls : (await getItem<UrlChunk>(key))?.urls;
  return urls?.map((url) => ({ ...url }));
}

export async function putUrlChunk(caseId: string, operatorId: string | null, index: number, urls: readonly CaseUrl[]): Promise<void> {
  await putUrlChunks(caseId, [{ ...keys.urlChunk(caseId, operatorId, index), urls: [...urls] }]);
}

interface UrlChunk extends ItemKey {
  readonly urls: readonly CaseUrl[];
}

/**
 * Each case's URL chunks as this process last read them whole or wrote them, where it is the
 * table's only writer (`npm start`): a case's issuance, its notices, its referral and its block-list
 * syncs read them again and again, and they change only through `putUrlChunks`. A write forgets
 * them until it lands, then puts back what was known with what it wrote; a failed write, or one
 * beside another, leaves them unknown; a listing read while a write began or ended is not kept.
 * The recent cases, and those of at most a chunk's worth of URLs, only.
 */
interface CaseUrlMemory {
  /** The case's chunks by sort key, all of them; absent while unknown. */
  chunks?: ReadonlyMap<string, UrlChunk>;
  /** Moved when a write of the case's chunks begins and when it ends. */
  changes: number;
}

const URL_CASES_REMEMBERED = 1000;
const caseUrlMemoriesByTable = new Map<string, Map<string, CaseUrlMemory>>();

function caseUrlMemory(caseId: string): CaseUrlMemory | undefined {
  if (!config().singleWriterProcess) return undefined;
  const memories = heldForTable(caseUrlMemoriesByTable, () => new Map<string, CaseUrlMemory>());
  const memory = memories.get(caseId) ?? { changes: 0 };
  remember(memories, caseId, memory, URL_CASES_REMEMBERED);
  return memory;
}

const knownUrlChunks = (caseId: string) => caseUrlMemory(caseId)?.chunks;

/**
 * Declares a case id made for the request at hand, for the process that is the table's only
 * writer: the case has no event, no record and no URL chunk yet, so its first act reads none
 * (`expectNewStream`), and the chunks this process writes for it are all it has.
 */
export function expectNewCase(caseId: string): void {
  expectNewStream(refs.case(caseId).root);
  const memory = caseUrlMemory(caseId);
  if (memory !== undefined) memory.chunks = new Map();
}

function keptChunks(chunks: Iterable<UrlChunk>): ReadonlyMap<string, UrlChunk> | undefined {
  const kept = new Map([...chunks].map((item) => [item.sk, { pk: item.pk, sk: item.sk, urls: item.urls.map((url) => ({ ...url })) }]));
  const urlCount = [...kept.values()].reduce((sum, item) => sum + item.urls.length, 0);
  return urlCount <= URLS_PER_CHUNK ? kept : undefined;
}

async function queryUrlChunks(caseId: string, prefix: string): Promise<UrlChunk[]> {
  const memory = caseUrlMemory(caseId);
  const changes = memory?.changes;
  const items = (await queryCasePartition(caseId, prefix)) as unknown as UrlChunk[];
  // Only a listing of every chunk is the case's whole; one that a write began or ended beside may miss it.
  if (memory !== undefined && prefix === keys.urlChunkPrefix() && memory.changes === changes) memory.chunks = keptChunks(items);
  return items;
}

async function putUrlChunks(caseId: string, chunks: readonly UrlChunk[]): Promise<void> {
  const memory = caseUrlMemory(caseId);
  const before = memory?.chunks;
  const changes = memory === undefined ? 0 : ++memory.changes;
  if (memory !== undefined) memory.chunks = undefined;
  let landed = false;
  try {
    await Promise.all(chunks.map((item) => putItem({ ...item, urls: [...item.urls] })));
    landed = true;
  } finally {
    if (memory !== undefined) {
      const alone = landed && memory.changes === changes && before !== undefined;
      memory.chunks = alone ? keptChunks([...before.values(), ...chunks]) : undefined;
      memory.changes += 1;
    }
  }
}

export async function listCasesByReporter(userId: string): Promise<CaseRecord[]> {
  return recordsOf<CaseRecord>(await queryIndex(GSI2, `REPORTER#${userId}`, { newestFirst: true }));
}

/**
 * Cases still going on whose last event is older than `before`, oldest first, after the position
 * `after` (a position answered by an earlier call), at most `limit`.
 */
export async function listQuietActiveCases(before: string, limit: number, after?: string): Promise<{ caseId: string; position: string }[]> {
  const items = await queryAll(
    {
      IndexName: GSI3.indexName,
      KeyConditionExpression:
        after === undefined ? 'gsi3pk = :p AND gsi3sk < :before' : 'gsi3pk = :p AND gsi3sk BETWEEN :after AND :before',
      // The smallest string above `after`: positions are unique, so none is skipped.
      ExpressionAttributeValues: { ':p': ACTIVE_CASES, ':before': before, ...(after === undefined ? {} : { ':after': `${after}\u0000` }) },
      Limit: limit,
    },
    limit,
  );
  return items.map((item) => ({ caseId: (item.record as CaseRecord).caseId, position: item.gsi3sk as string }));
}

const SWEEP_CURSOR: ItemKey = { pk: 'SWEEP', sk: 'RECONCILE' };

/** Where the sweeper's look at quiet cases goes on next time (none: from the start). */
export async function readSweepCursor(): Promise<string | undefined> {
  return (await getItem<{ position?: string }>(SWEEP_CURSOR))?.position;
}

export async function writeSweepCursor(position: string | undefined): Promise<void> {
  await putItem({ ...SWEEP_CURSOR, ...(position === undefined ? {} : { position }) });
}

// ----------------------------------------------------------------------------------------- orders

export const getOrder = (orderId: string) => readRecord<OrderRecord>(refs.order(orderId));

export async function listOrdersOfCase(caseId: string): Promise<OrderRecord[]> {
  const prefix = keys.order(caseId, '').sk;
  return (
    recordsOfWholeStream<OrderRecord>(refs.case(caseId).root, prefix) ?? recordsOf<OrderRecord>(await queryCasePartition(caseId, prefix))
  );
}

/** An operator's orders, newest first; `limit`: only that many. */
export async function listOrdersOfOperator(operatorId: string, limit?: number): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(
    await queryIndex(GSI1, `OPERATOR#${operatorId}`, { newestFirst: true, ...(limit === undefined ? {} : { limit }) }),
  );
}

/** Orders whose compliance is still open, by deadline; `dueBefore` limits to deadlines before it. */
export async function listOpenOrders(dueBefore?: string): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(await queryIndex(GSI2, OPEN_ORDERS, dueBefore ? { before: dueBefore } : {}));
}

/** Orders whose notice did not reach their operator, the longest waiting first. */
export async function listUndeliveredOrders(): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(await queryIndex(GSI2, UNDELIVERED_ORDERS));
}

/** Overdue orders still in their grace period, by its end; `endedBefore` limits to grace periods over by then. */
export async function listOverdueOrders(endedBefore?: string): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(await queryIndex(GSI2, OVERDUE_ORDERS, endedBefore ? { before: endedBefore } : {}));
}

/** Orders whose grace period ended without compliance and that wait for staff, the longest waiting first. */
export async function listNonCompliantOrders(): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(await queryIndex(GSI2, NON_COMPLIANT_ORDERS));
}

/** Lifted orders whose reinstatement instruction is unanswered and whose operator was not yet reminded, oldest first. */
export async function listPendingReinstatements(): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(await queryIndex(GSI2, REINSTATEMENTS_PENDING));
}

/**
 * Orders whose fine is still PROPOSED after the opinion period ended before `endedBefore`, whose
 * staff were not yet reminded: the sweeper's list, and those of the non-compliant and the
 * monitored orders (an order listed there is not listed under FINES_PROPOSED).
 */
export async function listFinesDueForDecision(endedBefore: string): Promise<OrderRecord[]> {
  const proposed = recordsOf<OrderRecord>(await queryIndex(GSI2, FINES_PROPOSED, { before: endedBefore }));
  const listedElsewhere = [...(await listNonCompliantOrders()), ...recordsOf<OrderRecord>(await queryIndex(GSI2, MONITORING_DUE))].filter(
    (order) => awaitsFineDecisionReminder(order) && (order.fine?.opinionDueAt ?? endedBefore) < endedBefore,
  );
  return [...proposed, ...listedElsewhere];
}

/** Orders whose post-monitoring round is due by `now`, the longest due first, at most `limit`. */
export async function listMonitoringDue(now: string, limit: number): Promise<OrderRecord[]> {
  // '~' sorts after '#': a round due exactly now is included.
  return recordsOf<OrderRecord>(await queryIndex(GSI2, MONITORING_DUE, { before: `${now}~`, limit }));
}

// ---------------------------------------------------------------------------------------- reviews

export const getReview = (reviewId: string) => readRecord<ReviewRecord>(refs.review(reviewId));

export async function listReviews(): Promise<ReviewRecord[]> {
  return recordsOf<ReviewRecord>(await queryIndex(GSI1, 'REVIEWS', { newestFirst: true }));
}

export async function listReviewsOfCase(caseId: string): Promise<ReviewRecord[]> {
  return recordsOf<ReviewRecord>(await queryCasePartition(caseId, 'REVIEW#'));
}

/** Reviews still open; `dueBefore` limits to those that close before it. */
export async function listOpenReviews(dueBefore?: string): Promise<ReviewRecord[]> {
  return recordsOf<ReviewRecord>(await queryIndex(GSI2, OPEN_REVIEWS, dueBefore ? { before: dueBefore } : {}));
}

// ---------------------------------------------------------------------------------------- appeals

export const getAppeal = (appealId: string) => readRecord<AppealRecord>(refs.appeal(appealId));

export async function listAppealsOfCase(caseId: string): Promise<AppealRecord[]> {
  return recordsOf<AppealRecord>(await queryCasePartition(caseId, 'APPEAL#'));
}

// -------------------------------------------------------------------------------------- operators

export const getOperator = (operatorId: string) => readRecord<Operator>(refs.operator(operatorId));

/**
 * The records of one kind (operators, partners) as last listed from their index by this process,
 * where it is the table's only writer: a listing kept with the count of that kind's projections
 * taken before it was read stays the table's until a record of the kind is projected again
 * (`projectionsOf`). Every report filed and every issuance lists the operators; every referral
 * abroad, the partners.
 */
const keptListings = new Map<string, { readonly projections: number; readonly records: readonly unknown[] }>();

async function listedUntilProjected<T>(kind: 'operator' | 'partner', partition: string): Promise<T[]> {
  const read = async () => recordsOf<T>(await queryIndex(GSI1, partition));
  if (!config().singleWriterProcess) return read();
  const projections = projectionsOf(kind);
  const key = `${tableName()}#${kind}`;
  const kept = keptListings.get(key);
  if (kept?.projections === projections) return structuredClone([...kept.records]) as T[];
  const records = await read();
  keptListings.set(key, { projections, records: structuredClone(records) });
  return records;
}

export const listOperators = (): Promise<Operator[]> => listedUntilProjected<Operator>('operator', 'OPERATORS');

// --------------------------------------------------------------------------------------- partners and referrals

export const getPartner = (partnerId: string) => readRecord<Partner>(refs.partner(partnerId));

/** Every registered partner, by id. */
export const listPartners = (): Promise<Partner[]> => listedUntilProjected<Partner>('partner', 'PARTNERS');

export const getReferral = (referralId: string) => readRecord<ReferralRecord>(refs.referral(referralId));

export async function listReferralsOfCase(caseId: string): Promise<ReferralRecord[]> {
  return recordsOf<ReferralRecord>(await queryCasePartition(caseId, REFERRAL_PREFIX));
}

/** Referrals whose next delivery attempt is due by `now`, the longest waiting first. */
export async function listDueReferrals(now: string): Promise<ReferralRecord[]> {
  return recordsOf<ReferralRecord>(await queryIndex(GSI2, REFERRALS_DUE, { before: now }));
}

export const getPartnerUpdate = (updateId: string) => readRecord<PartnerUpdateRecord>(refs.partnerUpdate(updateId));

/** The status updates sent back to the partner that referred the case, in id order. */
export async function listPartnerUpdatesOfCase(caseId: string): Promise<PartnerUpdateRecord[]> {
  return recordsOf<PartnerUpdateRecord>(await queryCasePartition(caseId, PARTNER_UPDATE_PREFIX));
}

/** Status updates whose next delivery attempt is due by `now`, the longest waiting first. */
export async function listDuePartnerUpdates(now: string): Promise<PartnerUpdateRecord[]> {
  return recordsOf<PartnerUpdateRecord>(await queryIndex(GSI2, PARTNER_UPDATES_DUE, { before: now }));
}

/** Every referral, oldest first (the transparency statistics). */
export async function listReferrals(): Promise<ReferralRecord[]> {
  return recordsOf<ReferralRecord>(await queryIndex(GSI1, 'REFERRALS'));
}

/**
 * A domain belongs to one operator: the claim item makes that a single conditional put. A claim
 * held by an operator whose record does not list the domain is left over from a registration
 * that failed half-way, and is taken over.
 */
export async function claimDomain(domain: string, operatorId: string): Promise<{ claimed: true } | { claimed: false; owner: string }> {
  if (await putIfAbsent({ ...keys.domain(domain), operatorId })) return { claimed: true };
  const owner = (await getItem<{ operatorId: string }>(keys.domain(domain)))?.operatorId;
  if (owner === undefined || owner === operatorId) return owner === operatorId ? { claimed: true } : claimDomain(domain, operatorId);
  const ownerRecord = await getOperator(owner);
  if (ownerRecord?.domains.includes(domain)) return { claimed: false, owner };
  const taken = await updateIf(keys.domain(domain), {
    UpdateExpression: 'SET operatorId = :me',
    ConditionExpression: 'operatorId = :stale',
    ExpressionAttributeValues: { ':me': operatorId, ':stale': owner },
  });
  return taken ? { claimed: true } : claimDomain(domain, operatorId);
}

export async function releaseDomain(domain: string, operatorId: string): Promise<void> {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.domain(domain),
        ConditionExpression: 'operatorId = :operatorId',
        ExpressionAttributeValues: { ':operatorId': operatorId },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

// ------------------------------------------------------------------------------------ task tokens

/** Task tokens never leave the table except towards Step Functions. */
export async function storeTaskToken(caseId: string, purpose: string, token: string, at: string): Promise<void> {
  await putItem({ ...keys.taskToken(caseId, purpose), token, storedAt: at });
}

export async function getTaskToken(caseId: string, purpose: string): Promise<string | undefined> {
  return (await getItem<{ token: string }>(keys.taskToken(caseId, purpose)))?.token;
}

/** Drops a token its wait no longer takes; a newer token stored for the same purpose stays. */
export async function forgetTaskToken(caseId: string, purpose: string, token: string): Promise<void> {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.taskToken(caseId, purpose),
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Every wait of the case that holds a token, by purpose. */
export async function listTaskTokens(caseId: string): Promise<{ purpose: string; token: string }[]> {
  const items = await queryCasePartition(caseId, TOKEN_PREFIX);
  return items.map((item) => ({ purpose: (item.sk as string).slice(TOKEN_PREFIX.length), token: item.token as string }));
}

// -------------------------------------------------------------------------------------- notices

export type NoticeClaim =
  | { readonly state: 'CLAIMED' }
  | { readonly state: 'SENT'; readonly messageId: string; readonly sentAt: string }
  | { readonly state: 'IN_FLIGHT' };

/**
 * How long a claim without a message id blocks a resend: a crash must not lose a legal notice.
 * Shorter than the workflow's retries last (2+4+8+16+32 s), so a task that died after claiming is
 * sent by its own retry rather than failing the case.
 */
const NOTICE_CLAIM_TTL_MS = 30 * 1000;
/** A claimedAt older than any claim's lifetime: the next claimNotice takes the claim over at once. */
const RELEASED_AT = '1970-01-01T00:00:00.000Z';

/**
 * Claims the right to send the notice for one event of a stream (a case's or an operator's). SENT: it went out already. IN_FLIGHT: another
 * sender claimed it moments ago. CLAIMED: send it now, then call `recordNoticeSent`.
 */
export async function claimNotice(
  stream: string,
  eventKey: string,
  at: string,
  about: { readonly orderId?: string } = {},
): Promise<NoticeClaim> {
  const key = keys.notice(stream, eventKey);
  // The order is on the claim from the start: SES's Send event may record the message before the sender does.
  if (await putIfAbsent({ ...key, claimedAt: at, ...about })) return { state: 'CLAIMED' };
  const existing = await getItem<{ claimedAt: string; messageId?: string; sentAt?: string }>(key);
  if (existing?.messageId && existing.sentAt) return { state: 'SENT', messageId: existing.messageId, sentAt: existing.sentAt };
  const claimedAt = existing ? Date.parse(existing.claimedAt) : 0;
  if (Date.parse(at) - claimedAt < NOTICE_CLAIM_TTL_MS) return { state: 'IN_FLIGHT' };
  const taken = await updateIf(key, {
    UpdateExpression: 'SET claimedAt = :at',
    ConditionExpression: 'claimedAt = :previous AND attribute_not_exists(messageId)',
    ExpressionAttributeValues: { ':at': at, ':previous': existing?.claimedAt },
  });
  return taken ? { state: 'CLAIMED' } : { state: 'IN_FLIGHT' };
}

/**
 * Gives a claim back after SES refused the message, so the retry sends it at once instead of
 * waiting out the claim's lifetime. Only our own claim, and only while nothing was recorded sent.
 */
export async function releaseNoticeClaim(stream: string, eventKey: string, claimedAt: string): Promise<void> {
  await updateIf(keys.notice(stream, eventKey), {
    UpdateExpression: 'SET claimedAt = :released',
    ConditionExpression: 'claimedAt = :mine AND attribute_not_exists(messageId)',
    ExpressionAttributeValues: { ':released': RELEASED_AT, ':mine': claimedAt },
  });
}

/** GSI3 partition of a sent notice's claim, by SES's message id: where SES's events find their notice. */
export const messagePartition = (messageId: string): string => `MESSAGE#${messageId}`;

/** The notice SES's message id belongs to: its stream, event key and order (none for an alert to staff or a contact). */
export interface SentNotice {
  readonly stream: string;
  readonly eventKey: string;
  readonly orderId?: string;
}

/**
 * Notices this process recorded sent, by SES's message id, where it is the table's only writer
 * (`npm start`): a claim's message id never changes once recorded, and SES's events about the
 * message come to this same process moments later, so they find their notice without a query, and
 * the Send event finds it recorded already. The recent ones only.
 */
const SENT_NOTICES_REMEMBERED = 1000;
const sentNoticesByTable = new Map<string, Map<string, SentNotice>>();
const sentNotices = () => heldForTable(sentNoticesByTable, () => new Map<string, SentNotice>());

/**
 * Forgets all this process remembers of the table (the streams' heads and records, the notices
 * remembered sent, the operators' and partners' listings, the cases' URLs, the block list's applied
 * version), for a table put back to an earlier state behind the process's back (a test's restore).
 */
export function forgetRememberedItems(): void {
  forgetKnownStreams();
  sentNoticesByTable.clear();
  keptListings.clear();
  caseUrlMemoriesByTable.clear();
  forgetAppliedBlocklistVersion();
}

const rememberedSent = (messageId: string): SentNotice | undefined =>
  config().singleWriterProcess ? sentNotices().get(messageId) : undefined;

/** What a sent notice's claim holds: SES's message id, indexed (GSI3) for SES's later events. */
function noticeSentUpdate(eventKey: string, sent: { readonly messageId: string; readonly sentAt: string; readonly orderId?: string }) {
  return {
    UpdateExpression: `SET messageId = :messageId, sentAt = :sentAt, eventKey = :eventKey, gsi3pk = :message, gsi3sk = :sentAt${sent.orderId === undefined ? '' : ', orderId = :orderId'}`,
    ExpressionAttributeValues: {
      ':messageId': sent.messageId,
      ':sentAt': sent.sentAt,
      ':eventKey': eventKey,
      ':message': messagePartition(sent.messageId),
      ...(sent.orderId === undefined ? {} : { ':orderId': sent.orderId }),
    },
  };
}

export async function recordNoticeSent(
  stream: string,
  eventKey: string,
  sent: { readonly messageId: string; readonly sentAt: string; readonly orderId?: string },
): Promise<void> {
  await documentClient.send(
    new UpdateCommand({ TableName: tableName(), Key: keys.notice(stream, eventKey), ...noticeSentUpdate(eventKey, sent) }),
  );
  if (config().singleWriterProcess) {
    const notice = { stream, eventKey, ...(sent.orderId === undefined ? {} : { orderId: sent.orderId }) };
    remember(sentNotices(), sent.messageId, notice, SENT_NOTICES_REMEMBERED);
  }
}

/**
 * Records on a claim the message SES says it accepted (its Send event names the notice), unless
 * the sender recorded one already. A sender that died between SES's answer and its own record
 * leaves the claim without a message id; with it recorded here, its retry finds the notice SENT
 * instead of sending it again. False when nothing was written (recorded already, or no claim).
 */
export async function recordNoticeAccepted(
  stream: string,
  eventKey: string,
  accepted: { readonly messageId: string; readonly sentAt: string },
): Promise<boolean> {
  const recorded = rememberedSent(accepted.messageId);
  if (recorded?.stream === stream && recorded.eventKey === eventKey) return false;
  const update = noticeSentUpdate(eventKey, accepted);
  return updateIf(keys.notice(stream, eventKey), {
    ...update,
    ConditionExpression: 'attribute_exists(claimedAt) AND attribute_not_exists(messageId)',
  });
}

/** The notice SES's message id belongs to, or undefined when no claim records the message. */
export async function findNoticeByMessageId(messageId: string): Promise<SentNotice | undefined> {
  const recorded = rememberedSent(messageId);
  if (recorded) return { ...recorded };
  const [item] = await queryIndex(GSI3, messagePartition(messageId), { limit: 1 });
  if (item === undefined) return undefined;
  return {
    stream: String(item.pk),
    eventKey: item.eventKey as string,
    ...(typeof item.orderId === 'string' ? { orderId: item.orderId } : {}),
  };
}

// ---------------------------------------------------------------------------------- idempotency

export interface IdempotencyRecord {
  readonly bodyHash: string;
  readonly caseId: string;
  readonly createdAt: string;
}

export const getIdempotencyRecord = (userId: string, key: string) => getItem<IdempotencyRecord>(keys.idempotency(userId, key));

export const putIdempotencyRecord = (userId: string, key: string, record: IdempotencyRecord) =>
  putIfAbsent({ ...keys.idempotency(userId, key), ...record });

// ------------------------------------------------------------------------------------- statistics

/** Cases filed from `from` to `to` (ISO instants, both included), on the CASES index: a query, no scan. */
export async function listCasesFiledBetween(from: string, to: string): Promise<CaseRecord[]> {
  return recordsOf<CaseRecord>(
    await queryAll({
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'gsi1pk = :p AND gsi1sk BETWEEN :from AND :to',
      // A sort key is `{createdAt}#{caseId}`: the highest character keeps the last instant's cases in.
      ExpressionAttributeValues: { ':p': 'CASES', ':from': from, ':to': `${to}\uffff` },
    }),
  );
}

/** An operator's orders issued at or after `from`, on its OPERATOR index partition. */
export async function listOrdersOfOperatorIssuedSince(operatorId: string, from: string): Promise<OrderRecord[]> {
  return recordsOf<OrderRecord>(
    await queryAll({
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :from',
      ExpressionAttributeValues: { ':p': `OPERATOR#${operatorId}`, ':from': from },
    }),
  );
}

/** Stores a policy document under its version; a version already stored is left as it is (same content). */
export async function putPolicyVersion(version: string, policy: Policy, at: string): Promise<void> {
  await putIfAbsent({ ...keys.policyVersion(version), version, policy, storedAt: at });
}

export async function getPolicyVersion(version: string): Promise<unknown> {
  const item = await getItem<{ policy: unknown }>(keys.policyVersion(version));
  return item?.policy;
}

/** Key builders for the single table (docs/architecture.md, "Table"). */
import type { RecordKind } from '../domain/decider';
import { caseIdOf } from '../domain/ids';

export interface ItemKey {
  pk: string;
  sk: string;
}

const UNASSIGNED = '~UNASSIGNED';

export const casePartition = (caseId: string): string => `CASE#${caseId}`;
export const operatorPartition = (operatorId: string): string => `OPERATOR#${operatorId}`;
export const partnerPartition = (partnerId: string): string => `PARTNER#${partnerId}`;

export const keys = {
  case: (caseId: string): ItemKey => ({ pk: casePartition(caseId), sk: 'CASE' }),
  urlChunkPrefix: (operatorId?: string | null) => (operatorId === undefined ? 'URLS#' : `URLS#${operatorId ?? UNASSIGNED}#`),
  urlChunk: (caseId: string, operatorId: string | null, index: number): ItemKey => ({
    pk: casePartition(caseId),
    sk: `URLS#${operatorId ?? UNASSIGNED}#${String(index).padStart(4, '0')}`,
  }),
  order: (caseId: string, orderId: string): ItemKey => ({ pk: casePartition(caseId), sk: `ORDER#${orderId}` }),
  review: (caseId: string, reviewId: string): ItemKey => ({ pk: casePartition(caseId), sk: `REVIEW#${reviewId}` }),
  appeal: (caseId: string, appealId: string): ItemKey => ({ pk: casePartition(caseId), sk: `APPEAL#${appealId}` }),
  referral: (caseId: string, referralId: string): ItemKey => ({ pk: casePartition(caseId), sk: `${REFERRAL_PREFIX}${referralId}` }),
  partnerUpdate: (caseId: string, updateId: string): ItemKey => ({ pk: casePartition(caseId), sk: `${PARTNER_UPDATE_PREFIX}${updateId}` }),
  /** An event of a stream's audit chain (a case's, or an operator's). */
  audit: (stream: string, seq: number): ItemKey => ({ pk: stream, sk: `${AUDIT_PREFIX}${String(seq).padStart(8, '0')}` }),
  taskToken: (caseId: string, purpose: string): ItemKey => ({ pk: casePartition(caseId), sk: `TOKEN#${purpose}` }),
  /** A notice's claim, in the stream (a case's or an operator's partition) it is about. */
  notice: (stream: string, eventKey: string): ItemKey => ({ pk: stream, sk: `NOTICE#${eventKey}` }),
  operator: (operatorId: string): ItemKey => ({ pk: operatorPartition(operatorId), sk: 'OPERATOR' }),
  fineLedger: (operatorId: string, period: string): ItemKey => ({ pk: operatorPartition(operatorId), sk: `FINES#${period}` }),
  partner: (partnerId: string): ItemKey => ({ pk: partnerPartition(partnerId), sk: 'PARTNER' }),
  domain: (domain: string): ItemKey => ({ pk: `DOMAIN#${domain}`, sk: 'DOMAIN' }),
  idempotency: (userId: string, key: string): ItemKey => ({ pk: `IDEMPOTENCY#${userId}#${key}`, sk: 'IDEMPOTENCY' }),
  /** A policy document under its version (its content hash): written once, never changed. */
  policyVersion: (version: string): ItemKey => ({ pk: `POLICY#${version}`, sk: 'POLICY' }),
  /** Where an objection code (by its hash) leads: the order whose notice carried it. */
  objectionCode: (codeHash: string): ItemKey => ({ pk: `OBJECTION_CODE#${codeHash}`, sk: 'OBJECTION_CODE' }),
  /** Where a poster's objection reference leads: the appeal that holds the objection. */
  objectionReference: (reference: string): ItemKey => ({ pk: `OBJECTION#${reference}`, sk: 'OBJECTION' }),
  /** A rate limit's counter: its scope, the hashed key it counts (an address, a code) and its window. */
  rateCounter: (scope: string, keyHash: string, windowStart: string): ItemKey => ({ pk: `RATE#${scope}#${keyHash}`, sk: windowStart }),
} as const;

export const AUDIT_PREFIX = 'AUDIT#';
export const REFERRAL_PREFIX = 'REFERRAL#';
export const TOKEN_PREFIX = 'TOKEN#';
export const PARTNER_UPDATE_PREFIX = 'PARTNER_UPDATE#';

/**
 * A record the write model changes: its item, the stream (partition) whose audit chain records
 * its changes, and the stream's root item, which holds the chain's head. A case's orders, reviews
 * and appeals share the case's stream; an operator has a stream of its own.
 */
export interface RecordRef {
  readonly kind: RecordKind;
  readonly id: string;
  readonly key: ItemKey;
  readonly root: ItemKey;
}

function caseOf(kind: RecordKind, id: string): string {
  const caseId = caseIdOf(id);
  if (caseId === null) throw new Error(`${id} is not a ${kind} id (docs/architecture.md, "Ids").`);
  return caseId;
}

function inCase(kind: RecordKind, id: string, key: (caseId: string, id: string) => ItemKey): RecordRef {
  const caseId = caseOf(kind, id);
  return { kind, id, key: key(caseId, id), root: keys.case(caseId) };
}

export const refs = {
  case: (caseId: string): RecordRef => ({ kind: 'case', id: caseId, key: keys.case(caseId), root: keys.case(caseId) }),
  order: (orderId: string): RecordRef => inCase('order', orderId, keys.order),
  review: (reviewId: string): RecordRef => inCase('review', reviewId, keys.review),
  appeal: (appealId: string): RecordRef => inCase('appeal', appealId, keys.appeal),
  /** A referral to a partner abroad (`X<ulid>-<operator>`): in its case's stream. */
  referral: (referralId: string): RecordRef => inCase('referral', referralId, keys.referral),
  /** A status update back to the partner that referred the case (`U<ulid>-<key>`): in its case's stream. */
  partnerUpdate: (updateId: string): RecordRef => inCase('partnerUpdate', updateId, keys.partnerUpdate),
  operator: (operatorId: string): RecordRef => ({
    kind: 'operator',
    id: operatorId,
    key: keys.operator(operatorId),
    root: keys.operator(operatorId),
  }),
  /** An operator's fines of one cap period: in the operator's stream, so its chain records every change. */
  fineLedger: (operatorId: string, period: string): RecordRef => ({
    kind: 'fineLedger',
    id: `${operatorId}/${period}`,
    key: keys.fineLedger(operatorId, period),
    root: keys.operator(operatorId),
  }),
  /** A partner regulator: a stream of its own, like an operator's. */
  partner: (partnerId: string): RecordRef => ({
    kind: 'partner',
    id: partnerId,
    key: keys.partner(partnerId),
    root: keys.partner(partnerId),
  }),
} as const;

export const KEY_FIELDS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'] as const;
export const INDEX_FIELDS = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'] as const;
export type IndexField = (typeof INDEX_FIELDS)[number];

export const SEARCH_ENTRY_PREFIX = 'FIND#';
/** GSI1 partition of the cases one search facet (`URL#…`, `HOST#…`, …) finds, newest first. */
export const searchPartition = (facet: string): string => `${SEARCH_ENTRY_PREFIX}${facet}`;
/** A case's entry under one search facet: an item of the case's partition, listed in GSI1. */
export const searchEntryKey = (caseId: string, facet: string): ItemKey => ({ pk: casePartition(caseId), sk: searchPartition(facet) });
/** An order's entry under one search facet (`ORDER#URL#…`, `ORDER#HOST#…`): an item of its case's partition, listed in GSI1. */
export const orderSearchEntryKey = (caseId: string, orderId: string, facet: string): ItemKey => ({
  pk: casePartition(caseId),
  sk: `${searchPartition(facet)}#${orderId}`,
});
/** Every case that holds one URL (its facet `URL#…`), in one item: read by exact key, 100 URLs a BatchGetItem. */
export const urlCasesKey = (urlFacet: string): ItemKey => ({ pk: `CASES_OF#${urlFacet}`, sk: 'CASES' });

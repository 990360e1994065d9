/**
 * The hash list (re-upload detection; docs/hashes.md): what a report may carry, when a case's
 * hashes are listed, and what an operator may ask and is answered. Pure.
 */
import { z } from 'zod';
import type { FollowUp } from './decider';
import type { Category, ContentHash, OrderRecord } from './model';

export const HASH_ALGORITHMS = ['SHA256', 'MD5', 'PDQ'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Hex characters of each algorithm's value (PDQ: 256 bits). */
export const HASH_HEX_LENGTH: Record<HashAlgorithm, number> = { SHA256: 64, MD5: 32, PDQ: 64 };

export const MAX_REPORT_HASHES = 100;
export const MAX_MATCH_HASHES = 1000;

/** One hash, its value lower-cased on the way in so that equal hashes compare equal. */
export const contentHashSchema = z
  .strictObject({
    algorithm: z.enum(HASH_ALGORITHMS),
    value: z.string().regex(/^[0-9a-fA-F]+$/, 'must be hexadecimal characters'),
  })
  .superRefine((hash, context) => {
    const length = HASH_HEX_LENGTH[hash.algorithm];
    if (hash.value.length !== length) {
      context.addIssue({ code: 'custom', path: ['value'], message: `a ${hash.algorithm} hash is ${length} hexadecimal characters` });
    }
  })
  .transform((hash) => ({ algorithm: hash.algorithm, value: hash.value.toLowerCase() }));

export const reportHashesSchema = z.array(contentHashSchema).max(MAX_REPORT_HASHES, `at most ${MAX_REPORT_HASHES} hashes per report`);

export const hashMatchRequestSchema = z.strictObject({
  hashes: z.array(contentHashSchema).min(1, 'give at least one hash').max(MAX_MATCH_HASHES, `at most ${MAX_MATCH_HASHES} hashes per call`),
});
export type HashMatchRequest = z.infer<typeof hashMatchRequestSchema>;

/** `since` is the cursor a previous page answered (absent: from the start of the list). */
export const hashExportQuerySchema = z.strictObject({
  since: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'a cursor as a previous page answered it')
    .optional(),
});

/** A case's hashes: those it was reported with, its `contentSha256` among them, each once. */
export function hashesOfCase(record: { hashes?: readonly ContentHash[]; contentSha256?: string }): ContentHash[] {
  const all: ContentHash[] = [...(record.hashes ?? [])];
  if (record.contentSha256 !== undefined) all.push({ algorithm: 'SHA256', value: record.contentSha256.toLowerCase() });
  const seen = new Set<string>();
  return all.filter((hash) => {
    const key = `${hash.algorithm}:${hash.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * An order whose post-review confirmed it and that no appeal overturned (an appeal pending keeps
 * it standing). A case's hashes are listed while one of its orders stands confirmed.
 */
export function standsConfirmed(order: Pick<OrderRecord, 'decisionStatus'>): boolean {
  return order.decisionStatus === 'CONFIRMED' || order.decisionStatus === 'APPEALED' || order.decisionStatus === 'UPHELD';
}

/**
 * The follow-up an order's event requires when it confirms the order or lifts a confirmed one:
 * the case's listing is brought in line with its orders (shared/services/hash-list.ts).
 */
export function hashListingFollowUp(
  before: Pick<OrderRecord, 'decisionStatus' | 'caseId'>,
  after: Pick<OrderRecord, 'decisionStatus'>,
): FollowUp[] {
  return standsConfirmed(before) === standsConfirmed(after) ? [] : [{ type: 'SYNC_HASH_LISTING', caseId: before.caseId }];
}

/** A listed hash as operators see it: nothing that leads to the case, its URLs or its reporter. */
export interface HashListEntry {
  readonly entryId: string;
  readonly algorithm: HashAlgorithm;
  readonly value: string;
  readonly category: Category;
  readonly listedAt: string;
}

export interface HashMatch {
  readonly algorithm: HashAlgorithm;
  /** The value asked about. */
  readonly value: string;
  readonly entryId: string;
  readonly category: Category;
  /** Bits that differ (0 for SHA256 and MD5, which match exactly). */
  readonly distance: number;
}

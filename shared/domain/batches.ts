/**
 * How the workflow runs a case's orders and appeals side by side. AWS runs at most 40 iterations
 * of an inline Map at once, and an order's or an appeal's iteration lasts for days: the workflow
 * maps over batches of 40 ids, each batch an inner Map, so that every one starts at once. The
 * state carries only the batch numbers; the task inside the Map reads its batch's ids (a case of
 * 1,000 orders would otherwise carry some 100 KB of ids in every state). Pure.
 */
import { chunk } from './orders';

/** AWS runs at most this many iterations of an inline Map at once, whatever its MaxConcurrency says. */
export const INLINE_MAP_CONCURRENCY = 40;

/** What a batch holds: the case's orders, or the appeals the committee reviews. */
export const BATCH_KINDS = ['ORDERS', 'APPEALS'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/** The numbers of the batches that `count` ids fill: what the workflow's outer Map runs over. */
export function batchNumbers(count: number): number[] {
  return Array.from({ length: Math.ceil(count / INLINE_MAP_CONCURRENCY) }, (_, batch) => batch);
}

/**
 * The ids of batch `batch`: the ids in sorted order, cut into runs of INLINE_MAP_CONCURRENCY, so
 * that every reader of the same ids finds the same batches. Past the last batch: none.
 */
export function batchOf(ids: readonly string[], batch: number): string[] {
  return chunk([...ids].sort(), INLINE_MAP_CONCURRENCY)[batch] ?? [];
}

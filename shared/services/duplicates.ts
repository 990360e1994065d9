/**
 * The duplicate-URL warning: other cases holding a URL of this report, so that staff see the same
 * content reported twice before they act on it twice.
 */
import type { CaseRecord } from '../domain/model';
import { facets, isWarnableDuplicate } from '../domain/search';
import { caseIdsUnder, forEachLimited, getCases } from '../store/search';

export interface DuplicateView {
  caseId: string;
  status: CaseRecord['status'];
  category: CaseRecord['category'];
  createdAt: string;
  /** The URLs this case shares with it. */
  urls: string[];
}

/** Cases looked at per URL, newest first: enough to warn, bounded however often a URL was reported. */
const CASES_PER_URL = 20;
const QUERY_CONCURRENCY = 16;

/** Other cases going on, or filed within the policy's window, that hold one of `urls` (normalized), newest first. */
export async function findDuplicates(caseId: string, urls: readonly string[], now: string): Promise<DuplicateView[]> {
  const sharedUrls = new Map<string, string[]>();
  await forEachLimited([...new Set(urls)], QUERY_CONCURRENCY, async (url) => {
    for (const other of await caseIdsUnder(facets.url(url), CASES_PER_URL)) {
      if (other !== caseId) sharedUrls.set(other, [...(sharedUrls.get(other) ?? []), url]);
    }
  });
  const records = await getCases([...sharedUrls.keys()]);
  return [...records.values()]
    .filter((record) => isWarnableDuplicate(record, now))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((record) => ({
      caseId: record.caseId,
      status: record.status,
      category: record.category,
      createdAt: record.createdAt,
      urls: sharedUrls.get(record.caseId) ?? [],
    }));
}

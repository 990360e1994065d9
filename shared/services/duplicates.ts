/**
 * The duplicate-URL warning: other cases holding a URL of this report, so that staff see the same
 * content reported twice before they act on it twice, and a reporter sees, before filing, that a
 * URL is already being handled.
 */
import type { CaseRecord } from '../domain/model';
import { facets, isWarnableDuplicate } from '../domain/search';
import { caseIdsOfUrls, getCases } from '../store/search';

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

/**
 * Other cases going on, or filed within the window, that hold one of `urls` (normalized), newest
 * first; `caseId`: the case asking, left out (null before filing). Two reads of items by key,
 * each 100 a call, whatever the number of URLs.
 */
export async function findDuplicates(caseId: string | null, urls: readonly string[], now: string): Promise<DuplicateView[]> {
  const distinct = [...new Set(urls)];
  const held = await caseIdsOfUrls(distinct.map(facets.url), CASES_PER_URL);
  const sharedUrls = new Map<string, string[]>();
  for (const url of distinct) {
    for (const other of held.get(facets.url(url)) ?? []) {
      if (other !== caseId) sharedUrls.set(other, [...(sharedUrls.get(other) ?? []), url]);
    }
  }
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

/** The URLs among `urls` that some duplicate holds, in the order given: all a reporter is told. */
export function urlsAlreadyHandled(urls: readonly string[], duplicates: readonly DuplicateView[]): string[] {
  const handled = new Set(duplicates.flatMap((duplicate) => duplicate.urls));
  return [...new Set(urls)].filter((url) => handled.has(url));
}

/**
 * Finding cases among thousands (the staff's search, and the duplicate-URL warning): which search
 * facets a case is listed under, the opaque paging cursor, and when an earlier case counts as a
 * duplicate. Pure.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from './errors';
import type { CaseRecord, CaseStatus, CaseUrl } from './model';
import { caseStatusSchema, categorySchema } from './model';
import { normalizeHost } from './orders';
import { checkReportedUrl } from './urls';

/**
 * URLs and reporter references are hashed into their facet: a key may be 2,048 characters long at
 * most, and a reporter's reference (a victim's case number) has no business in an index key.
 */
const digest = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

export const facets = {
  url: (normalizedUrl: string): string => `URL#${digest(normalizedUrl)}`,
  host: (host: string): string => `HOST#${normalizeHost(host)}`,
  operator: (operatorId: string): string => `OPERATOR#${operatorId}`,
  reference: (reference: string): string => `REFERENCE#${digest(reference.trim())}`,
  category: (category: CaseRecord['category']): string => `CATEGORY#${category}`,
} as const;

/** Every facet a case is found under: its URLs, their hosts and operators, its reporter's reference, its category. */
export function caseFacets(record: Pick<CaseRecord, 'category' | 'reporter'>, urls: readonly CaseUrl[]): string[] {
  const found = new Set<string>([facets.category(record.category)]);
  if (record.reporter.reference !== undefined && record.reporter.reference.trim() !== '') {
    found.add(facets.reference(record.reporter.reference));
  }
  for (const url of urls) {
    found.add(facets.url(url.url));
    found.add(facets.host(url.host));
    if (url.operatorId !== null) found.add(facets.operator(url.operatorId));
  }
  return [...found];
}

export const MAX_PAGE_SIZE = 200;
/** A client of the contract that asks for no `limit` gets the largest page: it may not know of `nextCursor`. */
export const DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE;

/** An ISO 8601 instant with any offset, answered in UTC. */
export const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/** `GET /cases`'s query: the contract's `status`, and the search's optional filters and paging. */
export const caseSearchSchema = z.object({
  status: caseStatusSchema.optional(),
  url: z.string().min(1).max(2048).optional(),
  host: z.string().min(1).max(253).optional(),
  operatorId: z.string().min(1).max(64).optional(),
  reference: z.string().min(1).max(200).optional(),
  category: categorySchema.optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().min(1).max(1000).optional(),
});
export type CaseSearchQuery = z.infer<typeof caseSearchSchema>;

/** Where a search reads (a GSI1 partition, by its facet; none: every case) and what it checks on each case it finds. */
export interface SearchPlan {
  readonly facet: string | null;
  readonly from: string;
  readonly to: string;
  readonly status?: CaseStatus;
  readonly category?: CaseRecord['category'];
}

/** The lowest and highest `{createdAt}#{caseId}` sort keys: every creation time sorts between them. */
const EARLIEST = '0';
const LATEST = '9';

export function planSearch(query: CaseSearchQuery): SearchPlan {
  const keyed: [string, string | undefined][] = [
    ['url', query.url],
    ['reference', query.reference],
    ['host', query.host],
    ['operatorId', query.operatorId],
  ];
  const given = keyed.filter(([, value]) => value !== undefined);
  if (given.length > 1) {
    throw new ValidationError(
      'Search by one of url, host, operatorId or reference at a time; combine it with status, category, from and to.',
      [{ field: given.map(([name]) => name).join(','), message: 'only one of these at a time' }],
    );
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw new ValidationError('`from` must not be after `to`.', [{ field: 'from', message: 'after `to`' }]);
  }
  let facet: string | null = null;
  if (query.url !== undefined) {
    const checked = checkReportedUrl(query.url);
    if (!checked.ok) throw new ValidationError(`The url ${checked.refusal}.`, [{ field: 'url', message: checked.refusal }]);
    facet = facets.url(checked.href);
  } else if (query.reference !== undefined) facet = facets.reference(query.reference);
  else if (query.host !== undefined) facet = facets.host(query.host);
  else if (query.operatorId !== undefined) facet = facets.operator(query.operatorId);
  else if (query.category !== undefined) facet = facets.category(query.category);
  return {
    facet,
    from: query.from ?? EARLIEST,
    // Every sort key at `to` (`{to}#{caseId}`) sorts before `{to}#~`.
    to: query.to === undefined ? LATEST : `${query.to}#~`,
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.category === undefined || facet === facets.category(query.category) ? {} : { category: query.category }),
  };
}

export function matchesPlan(plan: SearchPlan, record: Pick<CaseRecord, 'status' | 'category'>): boolean {
  return (plan.status === undefined || record.status === plan.status) && (plan.category === undefined || record.category === plan.category);
}

// ------------------------------------------------------------------------------------- cursor

/** A position in a search: the sort key of the last case answered, bound to the partition it was read from. */
const POSITION_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#C[0-9A-HJKMNP-TV-Z]{26}$/;

export function encodeCursor(partition: string, position: string): string {
  return Buffer.from(JSON.stringify({ p: digest(partition), s: position }), 'utf8').toString('base64url');
}

/** The position a cursor holds; 400 when it is not one this search answered (`position`: the form of its sort keys). */
export function decodeCursor(partition: string, cursor: string, position: RegExp = POSITION_RE): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = z.strictObject({ p: z.string(), s: z.string().regex(position) }).safeParse(parsed);
  if (!result.success || result.data.p !== digest(partition)) {
    throw new ValidationError('The cursor is not one this search answered; start again without it.', [
      { field: 'cursor', message: 'not a cursor of this search' },
    ]);
  }
  return result.data.s;
}

// --------------------------------------------------------------------------------- duplicates

/** How long a closed or finished case still counts as a duplicate of a new report of the same URL. */
export const DUPLICATE_WINDOW_DAYS = 90;

/** An earlier case holding the same URL is worth a warning while it is going on, or was filed recently. */
export function isWarnableDuplicate(record: Pick<CaseRecord, 'createdAt' | 'closedAt' | 'status'>, now: string): boolean {
  const going = record.closedAt === undefined && record.status !== 'REJECTED' && record.status !== 'FAILED';
  return going || Date.parse(now) - Date.parse(record.createdAt) <= DUPLICATE_WINDOW_DAYS * 24 * 3600 * 1000;
}

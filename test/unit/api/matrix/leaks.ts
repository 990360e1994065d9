/**
 * What no answer may hold: for an operator, the reporter, the summary, or another operator's
 * URLs (CONTRACT.md section 5); for anyone, a ballot of a review that has not closed (section 6).
 * Pure: the ballot check lists the evidence, and the test decides it against the stored reviews.
 */
import { CASE_REPORTER_KINDS } from '../../../../shared/domain/model';
import { ALL_CASES, OPERATOR_ID, SENTINEL } from './world-plan';

/**
 * What an answer to an operator (`own`: its operator id; undefined for an operator account without
 * one) shows that it must not; empty when nothing. `strict` for a success: it names no other
 * operator at all (an error message may repeat the id the caller itself sent).
 */
export function operatorLeaks(body: unknown, own: string | undefined, options: { strict: boolean }): string[] {
  const text = JSON.stringify(body ?? null);
  const others = (['A', 'B'] as const).filter((side) => OPERATOR_ID[side] !== own);
  const forbidden: (readonly [string, string])[] = [
    [SENTINEL.reference, "the reporter's reference"],
    [SENTINEL.summary, 'the case summary'],
    [SENTINEL.unassigned, 'URLs no operator claims'],
    ['"reporter"', 'a reporter field'],
    ...CASE_REPORTER_KINDS.map((kind) => [`"${kind}"`, `the reporter kind ${kind}`] as const),
    ...others.map((side) => [SENTINEL.url(side), `operator ${side}'s URLs`] as const),
    ...(options.strict ? others.map((side) => [OPERATOR_ID[side], `operator ${side}'s id or domain`] as const) : []),
  ];
  return forbidden.filter(([needle]) => text.includes(needle)).map(([needle, what]) => `${what} (${needle})`);
}

/**
 * What an answer to a reporter shows that it must not (section 4: its own reports, "nothing about
 * operators' replies"): an operator's compliance note, or the reference or summary of a case it
 * did not file.
 */
export function reporterLeaks(body: unknown, userId: string): string[] {
  const text = JSON.stringify(body ?? null);
  const forbidden: (readonly [string, string])[] = [
    [SENTINEL.note, "an operator's reply"],
    ...ALL_CASES.filter((planned) => planned.filedBy !== userId).flatMap(
      (planned) =>
        [
          [`"${SENTINEL.reference}-${planned.n}"`, `the reference of case ${planned.n}, filed by ${planned.filedBy}`],
          [`${SENTINEL.summary}-${planned.n}:`, `the summary of case ${planned.n}, filed by ${planned.filedBy}`],
        ] as const,
    ),
  ];
  return forbidden.filter(([needle]) => text.includes(needle)).map(([needle, what]) => `${what} (${needle})`);
}

/** A place in an answer that shows how a member voted in the review `reviewId`. */
export interface BallotEvidence {
  readonly reviewId: string;
  readonly path: string;
  /** Set for `myVote`: the caller's own ballot, which the caller may see (section 6). */
  readonly ownVote?: unknown;
}

const COUNT_KEYS = ['votes', 'confirm', 'revoke', 'abstain'] as const;
const BALLOT_SENTINEL = new RegExp(`${SENTINEL.ballot}-(R[0-9A-Z]{26}-[A-Z0-9-]+)`, 'g');

/** Every ballot an answer shows: vote maps and counts by decision on a review, a VOTE_CAST's decision, a ballot's reason. */
export function ballotEvidence(body: unknown): BallotEvidence[] {
  const found: BallotEvidence[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${path}[${index}]`);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.reviewId === 'string' && record.action === undefined) {
      for (const key of COUNT_KEYS) if (key in record) found.push({ reviewId: record.reviewId, path: `${path}.${key}` });
      if ('myVote' in record) found.push({ reviewId: record.reviewId, path: `${path}.myVote`, ownVote: record.myVote });
    }
    if (typeof record.action === 'string' && record.details !== null && typeof record.details === 'object') {
      const details = record.details as Record<string, unknown>;
      const reviewId = String(details.reviewId ?? '?');
      if (record.action === 'VOTE_CAST' && 'decision' in details) found.push({ reviewId, path: `${path}.details.decision` });
      // Only a closing may say how the members voted; an extension or escalation says who took part.
      if (record.action !== 'REVIEW_CLOSED' && ('tally' in details || COUNT_KEYS.some((key) => key in details))) {
        found.push({ reviewId, path: `${path}.details` });
      }
    }
    for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`);
  };
  walk(body, '$');
  for (const match of JSON.stringify(body ?? null).matchAll(BALLOT_SENTINEL)) {
    found.push({ reviewId: match[1] as string, path: `a ballot's reason (${match[0]})` });
  }
  return found;
}

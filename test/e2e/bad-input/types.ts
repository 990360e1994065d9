/**
 * One request of the bad-input corpus (test/e2e/bad-input.e2e.test.ts): who sends what to which
 * route, and the error the contract (CONTRACT.md section 3) says it must get.
 */
import type { ZodType } from 'zod';

/**
 * Placeholders a path may hold, filled in once the planted resources exist:
 * `{{pendingCase}}` a filed case awaiting approval; `{{approvedCase}}` an approved case with orders;
 * `{{ownOrder}}` op-webhard's order of it; `{{otherOrder}}` op-social's order of it;
 * `{{openReview}}` its open POST_REVIEW; `{{priorReview}}` / `{{appealReview}}` review ids of that
 * case that do not exist; `{{approvedCaseAsOrder}}` the case's ULID dressed as an order of an
 * operator that got none.
 */
export type Placeholder =
  | 'pendingCase'
  | 'approvedCase'
  | 'ownOrder'
  | 'otherOrder'
  | 'openReview'
  | 'priorReview'
  | 'appealReview'
  | 'approvedCaseAsOrder';

export type World = Readonly<Record<Placeholder, string>>;

/** What kind of bad input a case is: the report counts the corpus by it. */
export type BadKind =
  | 'missing field'
  | 'wrong type'
  | 'unknown field'
  | 'not an object'
  | 'invalid enum'
  | 'too long'
  | 'too short'
  | 'forbidden character'
  | 'bad number'
  | 'bad format'
  | 'list size'
  | 'hostile URL'
  | 'bad e-mail'
  | 'bad domain'
  | 'public-suffix domain'
  | 'malformed JSON'
  | 'bad Idempotency-Key'
  | 'bad path id'
  | 'bad query'
  | 'conflict'
  | 'too large';

export type ExpectedCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'CONFLICT' | 'PAYLOAD_TOO_LARGE';

export interface Expected {
  readonly status: 400 | 404 | 409 | 413;
  readonly code: ExpectedCode;
  /**
   * A validation error must name this field in `details` (an entry equal to it or under it;
   * `domains[0]` and `domains.0` are the same field). Absent: no field is at fault (malformed JSON).
   */
  readonly field?: string;
  /** Text the named field's detail must contain (a hostile URL: the URL itself, JSON-escaped). */
  readonly detailIncludes?: string;
}

export interface BadRequest {
  /** Unique, stable across runs: the test's name. */
  readonly name: string;
  /** The route key of infra/functions.ts (or the local sign-in) the request is for. */
  readonly route: string;
  readonly kind: BadKind;
  readonly origin: 'generated' | 'hand-picked';
  /** A seeded user allowed to use the route, so the answer is about the input. */
  readonly user: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Path and query, already percent-encoded, with `{{placeholder}}`s. */
  readonly path: string;
  readonly body?: unknown;
  /** Sent as is, instead of `body`. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly expected: Expected;
  /**
   * The request schema the body is checked against before it is sent: a body case must be
   * refused by it (so no valid request slips into the corpus and changes the table), or, where
   * the refusal comes from a rule beyond the schema (a public suffix, a taken id, a bad header,
   * a path id), accepted by it, so the answer is about that rule alone.
   */
  readonly schemaCheck?: { readonly schema: ZodType; readonly valid: boolean };
}

export function fillPath(path: string, world: World): string {
  return path.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = (world as Record<string, string>)[name];
    if (value === undefined) throw new Error(`unknown placeholder {{${name}}} in ${path}`);
    return encodeURIComponent(value);
  });
}

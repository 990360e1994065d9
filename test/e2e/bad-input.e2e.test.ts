/**
 * Issue 9, item 7: a bad-input corpus over HTTP against one local stack. Requests generated with
 * fast-check (one thing broken in a valid request: a field of every body schema, the
 * Idempotency-Key header, a path id, a query parameter; fixed seeds, so the corpus is the same on
 * every run) and hand-picked (the hostile cases: URLs that forge a notice line or hide their host,
 * direction overrides, zero-width characters, NUL, other schemes; public suffixes as operator
 * domains; forged fields; malformed JSON; bad headers and ids). Each is sent by a seeded user
 * allowed on the route, next to real resources (a filed case, an approved case with orders, an
 * open review), and must get the 4xx and error body of CONTRACT.md section 3, never a 5xx; a
 * validation error names the field, a hostile URL's names the URL and its index.
 *
 * Expected answers: 400 VALIDATION_FAILED for a body, header or query parameter that breaks a rule
 * (`details` naming the field; malformed JSON names none); 404 NOT_FOUND for a path id that names
 * nothing, or names another operator's order; 409 CONFLICT for a well-formed operator whose id or
 * domain is taken; 413 PAYLOAD_TOO_LARGE for a body over 6 MB. Cases are built in
 * test/e2e/bad-input/ (generated.ts: the fast-check half; hand-picked.ts: the hostile half).
 *
 * "A request that fails changes nothing": the whole DynamoDB table is scanned before and after
 * the corpus and must be identical, and the SES store must hold no new e-mail. So that nothing
 * else changes the table meanwhile, the policy's durations are hours and days (no workflow timer
 * fires during the test), the sweeper runs once a day (it writes a cursor item on each run), and
 * the first scan waits until the planted cases are settled: orders issued, their notices'
 * delivery events recorded, the review open, and the table unchanged for a few seconds.
 */
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../shared/domain/errors';
import { generatedCorpus } from './bad-input/generated';
import { handPickedCorpus } from './bad-input/hand-picked';
import { BODY_ROUTES, ID_ROUTES, QUERY_ROUTES } from './bad-input/routes';
import { differences, documentClient, itemCount, scanEverything, type TableSnapshot } from './bad-input/table';
import { fillPath, type BadRequest, type Expected, type World } from './bad-input/types';
import {
  approveCase,
  emails,
  eventually,
  fileReport,
  findReview,
  orderIdFor,
  sleep,
  uniqueUrl,
  type Answer,
  useLocalStack,
} from './support';

/** Hours and days: no timer of the planted cases fires while the corpus runs. */
const POLICY = {
  id: 'kr-bad-input',
  approvalSla: 'PT6H',
  complianceDeadline: 'P2D',
  reminders: ['PT12H'],
  lateComplianceGrace: 'P7D',
  postReviewWindow: 'P7D',
  appealWindow: 'P15D',
  appealReviewWindow: 'P15D',
};

/** The table must stay unchanged this long before the first scan counts. */
const QUIET_MS = 3_000;

const CORPUS: readonly BadRequest[] = [...handPickedCorpus(), ...generatedCorpus()];

/**
 * Product bugs the corpus found, by case name: each is run with `it.fails` (it must still fail;
 * when the product is fixed, move it out of this list). The last test checks the list is exact.
 */
const KNOWN_BUGS: Readonly<Record<string, string>> = {};

/** CONTRACT.md section 3's codes. */
const CONTRACT_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'WINDOW_CLOSED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
] as const;

const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '86400' } });
let world: World;
let before: TableSnapshot;
let emailsBefore: number;
let corpusStartedAt = 0;
/** The cases that ran (all of them, unless vitest was told to pick some), and those that failed. */
const ranNames = new Set<string>();
const failedNames = new Set<string>();

function countBy(key: (request: BadRequest) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of CORPUS) counts[key(request)] = (counts[key(request)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

const sameField = (field: string): string => field.replace(/\[(\d+)\]/g, '.$1');

function describeAnswer(request: BadRequest, answer: Answer): string {
  const body = JSON.stringify(answer.body) ?? String(answer.body);
  return `${request.method} ${request.path.slice(0, 200)} as ${request.user} → ${answer.status} ${body.slice(0, 600)}`;
}

function expectContractError(request: BadRequest, answer: Answer, expected: Expected): void {
  const where = describeAnswer(request, answer);
  expect(answer.status, `never a 5xx: ${where}`).toBeLessThan(500);
  expect(answer.status, where).toBe(expected.status);
  expect(answer.body, where).toEqual({ error: expect.any(Object) });
  const error = answer.body.error as Record<string, unknown>;
  expect(
    Object.keys(error).filter((key) => !['code', 'message', 'details'].includes(key)),
    where,
  ).toEqual([]);
  expect(CONTRACT_CODES, where).toContain(error.code);
  expect(ERROR_STATUS[error.code as keyof typeof ERROR_STATUS], where).toBe(answer.status);
  expect(error.code, where).toBe(expected.code);
  expect(error.message, where).toEqual(expect.stringMatching(/\S/));
  if (error.details !== undefined) {
    expect(Array.isArray(error.details), where).toBe(true);
    for (const detail of error.details as unknown[]) {
      expect(detail, where).toEqual({
        message: expect.stringMatching(/\S/),
        ...((detail as { field?: unknown }).field === undefined ? {} : { field: expect.any(String) }),
      });
    }
  }
  if (expected.field !== undefined) {
    const field = sameField(expected.field);
    const details = (error.details ?? []) as { field?: string; message: string }[];
    const naming = details.filter((detail) => {
      const named = sameField(detail.field ?? '');
      return named === field || named.startsWith(`${field}.`);
    });
    expect(naming.length, `details must name ${expected.field}: ${where}`).toBeGreaterThan(0);
    if (expected.detailIncludes !== undefined) {
      expect(
        naming.some((detail) => detail.message.includes(expected.detailIncludes as string)),
        `the detail of ${expected.field} must quote ${expected.detailIncludes.slice(0, 80)}: ${where}`,
      ).toBe(true);
    }
  }
}

async function send(request: BadRequest): Promise<Answer> {
  return api.call(request.user, request.method, fillPath(request.path, world), {
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.rawBody === undefined ? {} : { rawBody: request.rawBody }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
  });
}

/** Scans until the table has not changed for QUIET_MS, and returns that snapshot. */
async function settledSnapshot(timeoutMs: number): Promise<TableSnapshot> {
  const client = documentClient(stack.dynamoDbUrl);
  const deadline = Date.now() + timeoutMs;
  let last = await scanEverything(client);
  let since = Date.now();
  for (;;) {
    await sleep(500);
    const next = await scanEverything(client);
    if (!isDeepStrictEqual(next, last)) {
      last = next;
      since = Date.now();
    } else if (Date.now() - since >= QUIET_MS) {
      return next;
    }
    if (Date.now() > deadline) throw new Error(`the table did not settle within ${timeoutMs} ms`);
  }
}

beforeAll(async () => {
  // Every user's token first: the corpus then measures only its own requests.
  const users = [...new Set(CORPUS.map((request) => request.user))];
  await Promise.all([...users, 'staff-park'].map((user) => api.token(user)));

  // Given a filed case, and an approved case with orders on two operators and an open review
  const pendingCase = await fileReport(api, [uniqueUrl('op-webhard')], 'staff-kim');
  const approvedCase = await fileReport(api, [uniqueUrl('op-webhard'), uniqueUrl('op-social')], 'support-center');
  await approveCase(api, approvedCase);
  const review = await findReview(api, approvedCase, 'POST_REVIEW');
  const ulid = approvedCase.slice(1);
  world = {
    pendingCase,
    approvedCase,
    ownOrder: orderIdFor(approvedCase, 'op-webhard'),
    otherOrder: orderIdFor(approvedCase, 'op-social'),
    openReview: review.reviewId as string,
    priorReview: `R${ulid}-PRIOR`,
    appealReview: `R${ulid}-APPEAL-op-webhard`,
    approvedCaseAsOrder: orderIdFor(approvedCase, 'op-overseas'),
  };
  await eventually(async () => {
    const read = await api.get('staff-kim', `/cases/${approvedCase}`);
    expect(read.body.status).toBe('UNDER_POST_REVIEW');
    expect((read.body.orders as any[]).map((order) => order.orderId).sort()).toEqual([world.ownOrder, world.otherOrder].sort());
    for (const order of read.body.orders as any[]) {
      expect(order.notices.length).toBeGreaterThan(0);
      // SES's delivery events have reached the order.
      expect((order.notices as any[]).every((notice) => notice.status !== 'SENT')).toBe(true);
    }
    expect(read.body.reviews).toEqual([expect.objectContaining({ reviewId: world.openReview, status: 'OPEN' })]);
  }, 30_000);

  // And the whole table as it is once nothing moves any more
  before = await settledSnapshot(30_000);
  emailsBefore = (await emails(stack)).length;
  corpusStartedAt = Date.now();
});

describe('the bad-input corpus', () => {
  it('has at least 200 requests with unique names, over every body schema, path id and GET query', () => {
    const names = CORPUS.map((request) => request.name);
    expect(new Set(names).size).toBe(names.length);
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    const routes = new Set(CORPUS.map((request) => request.route));
    for (const route of [...BODY_ROUTES.map((r) => r.route), ...ID_ROUTES.map((r) => r.route), ...QUERY_ROUTES.map((r) => r.route)]) {
      expect(routes, route).toContain(route);
    }
    for (const route of BODY_ROUTES) {
      expect(
        CORPUS.some((request) => request.route === route.route && request.origin === 'generated' && request.kind !== 'bad path id'),
        route.route,
      ).toBe(true);
    }
    for (const name of Object.keys(KNOWN_BUGS)) expect(names, 'a known bug names a case of the corpus').toContain(name);
  });

  it('holds only bodies its case says: refused by the schema, or accepted where a rule beyond it refuses them', () => {
    for (const request of CORPUS) {
      if (request.schemaCheck) {
        expect(request.schemaCheck.schema.safeParse(request.body).success, request.name).toBe(request.schemaCheck.valid);
      }
      // A raw body that parses must still be refused by its route's schema.
      const route = BODY_ROUTES.find((candidate) => candidate.route === request.route);
      if (request.rawBody !== undefined && route !== undefined && request.kind !== 'bad path id') {
        let parsed: unknown;
        try {
          parsed = request.rawBody === '' ? {} : JSON.parse(request.rawBody);
        } catch {
          continue;
        }
        expect(route.schema.safeParse(parsed).success, request.name).toBe(false);
      }
    }
  });

  for (const request of CORPUS) {
    const known = KNOWN_BUGS[request.name];
    const test = known === undefined ? it : it.fails;
    test(`${request.origin === 'generated' ? '' : '[hand-picked] '}${request.name} → ${request.expected.status} ${request.expected.code}`, async () => {
      ranNames.add(request.name);
      const answer = await send(request);
      try {
        expectContractError(request, answer, request.expected);
      } catch (error) {
        failedNames.add(request.name);
        throw error;
      }
    });
  }

  it('changed nothing: the whole table is identical, no e-mail was sent, and only the known bugs failed', async () => {
    const elapsed = Date.now() - corpusStartedAt;
    const after = await scanEverything(documentClient(stack.dynamoDbUrl));
    expect(differences(before, after)).toEqual([]);
    expect(after).toEqual(before);
    expect(itemCount(after)).toBeGreaterThan(0);
    expect((await emails(stack)).length).toBe(emailsBefore);
    expect([...failedNames].sort()).toEqual(
      Object.keys(KNOWN_BUGS)
        .filter((name) => ranNames.has(name))
        .sort(),
    );
    console.info(
      [
        `bad-input corpus: ${CORPUS.length} requests in ${(elapsed / 1000).toFixed(1)} s; ${itemCount(after)} items unchanged`,
        `by origin: ${JSON.stringify(countBy((request) => request.origin))}`,
        `by route: ${JSON.stringify(
          countBy((request) => request.route),
          null,
          1,
        )}`,
        `by kind: ${JSON.stringify(
          countBy((request) => request.kind),
          null,
          1,
        )}`,
        `by expected answer: ${JSON.stringify(countBy((request) => `${request.expected.status} ${request.expected.code}`))}`,
      ].join('\n'),
    );
  });
});

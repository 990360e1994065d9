/**
 * A stand-in for the HTTP API inside the browser (playwright's `page.route`), with fixed data
 * around a given "now": for looking at every screen without the local stack, and for screenshots
 * that do not depend on timing. Not a model of the rules: answers are canned.
 */
import type { Page, Route } from 'playwright-core';
import type { BuiltSite } from './browser';
import type { CaseStatus } from '../../../shared/domain/model';
import { type ReporterUrlOutcome, reporterCaseText } from '../../../shared/domain/reporter';

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned token with the claims of a seeded user; the browser never verifies it. */
export function fakeToken(user: string): string {
  const role = user.startsWith('staff')
    ? 'staff'
    : user.startsWith('member')
      ? 'committee'
      : user.startsWith('op-')
        ? 'operator'
        : user === 'auditor-1'
          ? 'auditor'
          : 'reporter';
  const claims: Record<string, unknown> = { 'cognito:username': user, 'cognito:groups': [role], exp: 4_102_444_800 };
  if (role === 'operator') claims['custom:operatorId'] = user;
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.sig`;
}

function userOf(route: Route): string {
  const auth = route.request().headers().authorization ?? '';
  const payload = auth.replace(/^Bearer /, '').split('.')[1] ?? '';
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { 'cognito:username': string })['cognito:username'];
  } catch {
    return '';
  }
}

export function fixtures(now: number) {
  const at = (offsetSeconds: number): string => new Date(now + offsetSeconds * 1000).toISOString();
  const caseA = 'C01JD3Q5Z8K2M4N6P8R0T2V4X6';
  const caseB = 'C01JD3Q9A1B2C3D4E5F6G7H8J9';
  const caseC = 'C01JD3QF0K1M2N3P4Q5R6S7T8V';
  // The action the issuer gives each kind of operator (issue 12): an ISP blocks, an overseas host is
  // asked (not bound) to delete, a domestic host is ordered to.
  const actionFor = (operatorId: string) =>
    operatorId.startsWith('isp-') ? 'BLOCK_ACCESS' : operatorId === 'op-overseas' ? 'DELETE_REQUEST' : 'DELETE';
  const order = (caseId: string, operatorId: string, extra: object) => ({
    orderId: `O${caseId.slice(1)}-${operatorId}`,
    caseId,
    operatorId,
    action: actionFor(operatorId),
    category: 'ILLEGAL_FILMING',
    urlCount: 2,
    issuedAt: at(-3600),
    deadlineAt: at(20 * 3600),
    graceEndsAt: at(27 * 3600),
    remindersSent: [],
    notices: [{ kind: 'ORDER', to: [`notices@${operatorId}.example`], sentAt: at(-3590), messageId: 'ses-0001' }],
    decisionStatus: 'PENDING',
    ...extra,
  });
  const ordersA = [
    order(caseA, 'op-webhard', { status: 'ACKNOWLEDGED', complianceStatus: 'ACKNOWLEDGED', acknowledgedAt: at(-1800) }),
    order(caseA, 'op-social', { status: 'OVERDUE', complianceStatus: 'OVERDUE', deadlineAt: at(-1260), overdueAt: at(-1250) }),
  ];
  const ordersC = [
    order(caseC, 'op-webhard', {
      status: 'CONFIRMED',
      complianceStatus: 'COMPLIED_LATE',
      decisionStatus: 'CONFIRMED',
      issuedAt: at(-5 * 86400),
      deadlineAt: at(-4 * 86400),
      compliedAt: at(-3.5 * 86400),
      complianceAction: 'DELETED',
      appealDeadline: at(10 * 86400),
      fine: {
        amount: 4_500_000,
        currency: 'KRW',
        policyId: 'kr-kcsc',
        breakdown: [
          { item: 'base (tier 1)', amount: 3_000_000 },
          { item: 'lateness surcharge (12 h)', amount: 1_500_000 },
        ],
      },
    }),
  ];
  const review = (reviewId: string, caseId: string, kind: string, extra: object) => ({
    reviewId,
    kind,
    caseId,
    orderIds: [],
    status: 'OPEN',
    openedAt: at(-3600),
    closesAt: at(6 * 86400),
    eligibleMembers: ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'],
    votesCast: 1,
    ...extra,
  });
  const reviews = [
    review('R01JD3Q5Z8K2M4N6P8R0T2V4X6-POST', caseA, 'POST_REVIEW', { orderIds: ordersA.map((o) => o.orderId), votesCast: 2 }),
    review('R01JD3Q9A1B2C3D4E5F6G7H8J9-POST', caseB, 'POST_REVIEW', { votesCast: 0 }),
    review('R01JD3QF0K1M2N3P4Q5R6S7T8V-POST', caseC, 'POST_REVIEW', { votesCast: 1, closesAt: at(5400) }),
    review('R01JD3QF0K1M2N3P4Q5R6S7T8V-APPEAL-op-webhard', caseC, 'APPEAL', { orderIds: [ordersC[0]!.orderId] }),
  ];
  const caseSummary = (caseId: string, status: string, createdBy: string, offset: number) => ({
    caseId,
    status,
    category: 'ILLEGAL_FILMING',
    createdAt: at(offset),
    createdBy,
  });
  const cases = [
    caseSummary(caseA, 'UNDER_POST_REVIEW', 'staff-park', -7200),
    caseSummary(caseB, 'PENDING_APPROVAL', 'staff-kim', -900),
    { ...caseSummary(caseC, 'UNDER_APPEAL', 'support-center', -6 * 86400), category: 'SYNTHETIC_SEXUAL_IMAGERY' },
    caseSummary('C01JD3QZZZZZZZZZZZZZZZZZZZ', 'PENDING_APPROVAL', 'staff-lee', -300),
  ];
  const detail = (summary: (typeof cases)[number], orders: object[], caseReviews: object[]) => ({
    ...summary,
    policyId: 'kr-kcsc',
    procedure: 'interim-then-review',
    reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2291' },
    victimConsent: true,
    summary: 'Hidden-camera clip reposted on two services; victim identified by the support centre.',
    urlCount: 3,
    urls: [
      { url: 'https://webhard.example/v/123', host: 'webhard.example', operatorId: 'op-webhard' },
      { url: 'https://cdn.webhard.example/f/9a8b', host: 'cdn.webhard.example', operatorId: 'op-webhard' },
      { url: 'https://social.example/p/9', host: 'social.example', operatorId: 'op-social' },
    ],
    approvals:
      summary.status === 'PENDING_APPROVAL'
        ? summary.caseId === caseB
          ? [{ by: 'staff-lee', at: at(-600), decision: 'APPROVE', reason: 'URLs verified' }]
          : []
        : [
            { by: 'staff-kim', at: at(-7000), decision: 'APPROVE', reason: 'matches hash list' },
            { by: 'staff-lee', at: at(-6900), decision: 'APPROVE' },
          ],
    approvalDeadlineAt: summary.status === 'PENDING_APPROVAL' ? at(3600) : undefined,
    orders,
    reviews: caseReviews,
    appeals:
      summary.caseId === caseC
        ? [
            {
              appealId: 'A01JD3QF0K1M2N3P4Q5R6S7T8V-op-webhard',
              caseId: caseC,
              orderId: ordersC[0]!.orderId,
              operatorId: 'op-webhard',
              grounds: 'The file at this URL is a licensed film, not the reported clip.',
              filedAt: at(-86400),
              status: 'UNDER_REVIEW',
              reviewId: 'R01JD3QF0K1M2N3P4Q5R6S7T8V-APPEAL-op-webhard',
            },
          ]
        : [],
    timeline: [
      { at: at(-7200), actor: 'staff-park', action: 'REPORT_FILED' },
      { at: at(-7000), actor: 'staff-kim', action: 'APPROVED' },
      { at: at(-6900), actor: 'staff-lee', action: 'APPROVED' },
      { at: at(-3600), actor: 'system', action: 'ORDERS_ISSUED' },
    ],
  });
  const details = new Map<string, object>([
    [
      caseA,
      detail(cases[0]!, ordersA, [
        {
          ...reviews[0]!,
          votes: {
            'member-2': { decision: 'CONFIRM', at: at(-600) },
            'member-4': { decision: 'CONFIRM', reason: 'clear case', at: at(-300) },
          },
          recusals: {},
        },
      ]),
    ],
    [caseB, detail(cases[1]!, [], [])],
    [caseC, detail(cases[2]!, ordersC, [])],
    [cases[3]!.caseId, detail(cases[3]!, [], [])],
  ]);
  const audit = {
    verified: true,
    events: [0, 1, 2, 3].map((seq) => ({
      seq,
      at: at(-7200 + seq * 100),
      actor: 'staff-kim',
      action: ['REPORT_FILED', 'APPROVED', 'APPROVED', 'ORDERS_ISSUED'][seq],
      details: {},
      prevHash: seq === 0 ? '0'.repeat(64) : `${seq - 1}`.repeat(64),
      hash: `${seq}`.repeat(64),
    })),
  };
  // An order whose notice bounced: no deadline runs; staff fix the contact and resend.
  const undelivered = order(caseB, 'op-overseas', {
    status: 'UNDELIVERED',
    complianceStatus: 'UNDELIVERED',
    deadlineAt: undefined,
    graceEndsAt: undefined,
    undeliveredAt: at(-900),
    undeliveredReason: 'Permanent/General: smtp; 550 5.1.1 user unknown',
    open: true,
  });
  const board = [undelivered, ...ordersA, ...ordersC].map((o) => ({ ...o, urls: undefined }));
  const operatorView = (o: (typeof ordersA)[number] | (typeof ordersC)[number]) => ({
    ...o,
    urls:
      o.operatorId === 'op-social'
        ? ['https://social.example/p/9']
        : ['https://webhard.example/v/123', 'https://cdn.webhard.example/f/9a8b'],
  });
  // A reporter's four reports, one per way a report can end up; `status` in the policy's (Korean)
  // words, as the server sends it, which an English screen must not show.
  const report = (
    caseId: string,
    caseStatus: CaseStatus,
    offset: number,
    outcomes: [string, ReporterUrlOutcome][],
    extra: object = {},
  ) => ({
    caseId,
    createdAt: at(offset),
    status: reporterCaseText(
      caseStatus,
      outcomes.map(([, outcome]) => outcome),
      'ko',
    ),
    caseStatus,
    category: 'ILLEGAL_FILMING',
    urls: outcomes.map(([url]) => url),
    outcomes: outcomes.map(([url, outcome]) => ({ url, outcome })),
    ...extra,
  });
  const reports = [
    report(caseC, 'UNDER_APPEAL', -6 * 86400, [
      ['https://webhard.example/v/123', 'REMOVED'],
      ['https://overseas.example/v/77', 'ACCESS_DISABLED'],
      ['https://social.example/p/9', 'IN_PROGRESS'],
    ]),
    report('C01JD3QCLSD0000000000000000', 'CLOSED', -20 * 86400, [
      ['https://webhard.example/v/55', 'REMOVED'],
      ['https://social.example/p/12', 'NOT_REMOVED'],
      ['https://unknown-host.example/x', 'NOT_ASSIGNED'],
    ]),
    report('C01JD3QRJCT0000000000000000', 'REJECTED', -2 * 86400, [['https://social.example/p/31', 'NOT_ORDERED']], {
      rejectionReason: 'The images are not sexual content; the support centre was told to contact the police.',
    }),
    report('C01JD3QPND00000000000000000', 'PENDING_APPROVAL', -600, [['https://webhard.example/v/88', 'AWAITING_APPROVAL']]),
  ];
  return {
    cases,
    details,
    reviews,
    audit,
    board,
    operatorOrders: [...ordersA, ...ordersC].map(operatorView),
    reports,
    caseA,
    caseB,
    caseC,
  };
}

export async function mockApi(page: Page, now: number): Promise<ReturnType<typeof fixtures>> {
  const data = fixtures(now);
  const json = (route: Route, status: number, body: unknown) =>
    route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  await page.route(/\/(config\.json|auth|cases|orders|operator|committee|reports)(\/|\?|$)/, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const p = url.pathname;
    const method = request.method();
    const user = userOf(route);
    if (p === '/config.json')
      return json(route, 200, {
        apiUrl: '',
        local: true,
        policy: { id: 'kr-kcsc', timeZone: 'Asia/Seoul', language: 'ko', urgentApprovals: 2 },
      });
    if (p === '/auth/local-token') return json(route, 200, { token: fakeToken((request.postDataJSON() as { user: string }).user) });
    if (method === 'GET' && p === '/cases') {
      const status = url.searchParams.get('status');
      return json(route, 200, { cases: data.cases.filter((c) => !status || c.status === status) });
    }
    let m = /^\/cases\/([^/]+)(\/audit)?$/.exec(p);
    if (method === 'GET' && m) {
      const found = data.details.get(m[1]!);
      if (!found) return json(route, 404, { error: { code: 'NOT_FOUND', message: 'Case was not found.' } });
      return json(route, 200, m[2] ? data.audit : found);
    }
    if (method === 'GET' && p === '/orders') return json(route, 200, { orders: data.board });
    if (method === 'GET' && p === '/operator/orders')
      return json(route, 200, { orders: data.operatorOrders.filter((o) => o.operatorId === user) });
    if (method === 'GET' && p === '/committee/reviews') {
      return json(route, 200, {
        reviews: data.reviews.map((r) => (user === 'member-2' && r.caseId === data.caseA ? { ...r, myVote: 'CONFIRM' } : r)),
      });
    }
    if (method === 'GET' && p === '/reports') return json(route, 200, { reports: data.reports });
    if (method === 'POST' && p === '/reports')
      return json(route, 201, { caseId: 'C01JD3QNEWNEWNEWNEWNEWNEWN', status: 'PENDING_APPROVAL' });
    m = /^\/committee\/reviews\/([^/]+)\/votes$/.exec(p);
    if (method === 'POST' && m) return json(route, 201, { reviewId: m[1] });
    return json(route, 200, {});
  });
  return data;
}

/** Signs `user` in on the built web UI by its stored token (no sign-in page), in `lang`, on `route`. */
export async function openSignedIn(page: Page, baseUrl: string, user: string, lang: 'en' | 'ko', route: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(
    ([token, language]) => {
      sessionStorage.setItem('ud.token', token as string);
      localStorage.setItem('ud.lang', language as string);
    },
    [fakeToken(user), lang],
  );
  await page.goto(`${baseUrl}/#${route}`);
  await page.reload();
}

/**
 * A tab of the built web UI signed in as `user` by its stored token, in `lang` at `width`, its clock
 * fixed at `now`: `answer` sets up the stand-in API before the first request. Opens `route` and
 * waits until the page asked all it asks.
 */
export async function openMockedTab(
  site: BuiltSite,
  tab: { user: string; lang: 'en' | 'ko'; width: number; now: number; route: string; answer: (page: Page) => Promise<unknown> },
): Promise<Page> {
  const context = await site.browser.newContext({
    viewport: { width: tab.width, height: 900 },
    locale: tab.lang === 'ko' ? 'ko-KR' : 'en-GB',
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(new Date(tab.now));
  await tab.answer(page);
  await page.addInitScript(
    ([token, language]) => {
      sessionStorage.setItem('ud.token', token as string);
      localStorage.setItem('ud.lang', language as string);
    },
    [fakeToken(tab.user), tab.lang],
  );
  await page.goto(`${site.url}/#${tab.route}`);
  await page.waitForLoadState('networkidle');
  return page;
}

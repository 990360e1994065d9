/**
 * The web UI's pure parts: reading /config.json, reading roles from a token the way API Gateway
 * may deliver them, countdown and time formatting, and where the workflow drawing marks a case.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, BUSY_RESEND_WITHIN_MS, busyWaitMs, normalizeReview } from '../../../web/src/api';
import { decodeJwtPayload, groupsOf, parseConfig, sessionFromToken } from '../../../web/src/auth';
import { currentStates } from '../../../web/src/components/StateDiagram';
import { formatCompact, formatDuration, formatUtc } from '../../../web/src/format';
import { translator } from '../../../web/src/i18n';

function token(claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.x`;
}

describe('config.json', () => {
  it('reads the local answer and defaults the policy to Korea', () => {
    // Prepare / Act
    const config = parseConfig({ apiUrl: '', local: true });
    // Assess
    expect(config).toEqual({ apiUrl: '', local: true, policy: { timeZone: 'Asia/Seoul', language: 'ko', urgentApprovals: 2 } });
  });

  it('reads the cloud answer and trims the API URL', () => {
    const config = parseConfig({
      apiUrl: 'https://api.example/',
      userPoolId: 'pool',
      clientId: 'client',
      cognitoDomain: 'login',
      region: 'ap-northeast-2',
      policy: { id: 'au-esafety', timeZone: 'Australia/Sydney', language: 'en', urgentApprovals: 1 },
    });
    expect(config).toMatchObject({
      apiUrl: 'https://api.example',
      local: false,
      clientId: 'client',
      policy: { id: 'au-esafety', timeZone: 'Australia/Sydney', language: 'en', urgentApprovals: 1 },
    });
  });
});

describe('roles from the token', () => {
  it.each([
    [
      ['staff', 'committee'],
      ['staff', 'committee'],
    ],
    ['["operator"]', ['operator']],
    ['[staff auditor]', ['staff', 'auditor']],
    [['admin', 'reporter'], ['reporter']],
    [undefined, []],
  ])('groups %j give roles %j', (claim, roles) => {
    expect(groupsOf(claim)).toEqual(roles);
  });

  it('reads the user, the operator and the expiry, including non-ASCII claims', () => {
    const session = sessionFromToken(
      token({
        'cognito:username': 'op-webhard',
        'cognito:groups': ['operator'],
        'custom:operatorId': 'op-webhard',
        exp: 10,
        name: '웹하드',
      }),
    );
    expect(session).toMatchObject({ userId: 'op-webhard', roles: ['operator'], operatorId: 'op-webhard', expiresAt: 10 });
    expect(decodeJwtPayload(session.token).name).toBe('웹하드');
  });

  it('refuses a token that names no user', () => {
    expect(() => sessionFromToken(token({ 'cognito:groups': ['staff'] }))).toThrow(/names no user/);
  });
});

describe('times', () => {
  it.each([
    [5_000, 'en', '0m 05s'],
    [3_725_000, 'en', '1h 02m 05s'],
    [-90_000, 'en', '1m 30s'],
    [90_061_000, 'ko', '1일 01시간 01분'],
  ] as const)('%i ms reads %s in %s', (ms, lang, text) => {
    expect(formatDuration(ms, lang)).toBe(text);
  });

  it('writes a moment in the policy time zone and in UTC', () => {
    expect(formatCompact('2026-03-01T15:30:05.000Z', 'Asia/Seoul')).toBe('2026-03-02 00:30:05 GMT+9');
    expect(formatUtc('2026-03-01T15:30:05.000Z')).toBe('2026-03-01 15:30:05 UTC');
  });
});

describe('the workflow drawing', () => {
  it.each([
    ['PENDING_APPROVAL', 'AwaitApprovals', null],
    ['UNDER_POST_REVIEW', 'Tracks', 'AwaitPostReview'],
    ['APPEAL_WINDOW', 'Tracks', 'AwaitAppealWindow'],
    ['CLOSED', 'Closed', null],
  ] as const)('marks a %s case at %s / %s', (status, top, decision) => {
    const marks = currentStates({ status, procedure: 'interim-then-review', orders: [] });
    expect([marks.top, marks.decision]).toEqual([top, decision]);
  });

  it('marks each open order where its compliance stands', () => {
    const order = (operatorId: string, complianceStatus: 'ACKNOWLEDGED' | 'OVERDUE' | 'COMPLIED') => ({
      orderId: `O1-${operatorId}`,
      caseId: 'C1',
      operatorId,
      status: complianceStatus,
      complianceStatus,
      deadlineAt: '2026-03-01T00:00:00.000Z',
    });
    const marks = currentStates({
      status: 'UNDER_POST_REVIEW',
      orders: [order('op-a', 'ACKNOWLEDGED'), order('op-b', 'OVERDUE'), order('op-c', 'COMPLIED')],
    });
    expect(Object.fromEntries(marks.perOrder)).toEqual({ AwaitCompliance: ['op-a'], AwaitLateCompliance: ['op-b'] });
  });
});

describe('review answers', () => {
  it('keeps an open vote secret and shows the counts once closed', () => {
    const open = normalizeReview({
      reviewId: 'R1-POST',
      status: 'OPEN',
      votesCast: 2,
      eligibleMembers: ['a', 'b', 'c'],
      myVote: 'CONFIRM',
    });
    const closed = normalizeReview({ reviewId: 'R1-POST', status: 'CLOSED', votesCast: 3, confirm: 2, revoke: 1, abstain: 0 });
    expect([open.tally, open.myVote, open.votesCast]).toEqual([undefined, 'CONFIRM', 2]);
    expect(closed.tally).toEqual({ CONFIRM: 2, REVOKE: 1, ABSTAIN: 0 });
  });
});

describe('wording', () => {
  it('fills parameters and labels enum values in both languages', () => {
    expect(translator('en').t('batchDone', { ok: 3, failed: 0 })).toBe('3 recorded, 0 failed.');
    expect(translator('ko').v('OVERDUE')).toBe('기한 초과');
    expect(translator('ko').schema('give at least one URL')).toBe('URL을 하나 이상 넣으세요');
  });
});

describe('a filing the system is too busy to take', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  /** A fetch that answers from the list, one answer per request, and keeps each request's headers. */
  function answering(...answers: Array<[status: number, headers: Record<string, string>]>) {
    const sent: Array<Record<string, string>> = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: { headers: Record<string, string> }) => {
        sent.push(init.headers);
        const [status, headers] = answers.shift() ?? [500, {}];
        const body = status < 300 ? { caseId: 'C1', status: 'AWAITING_APPROVAL' } : { error: { code: 'UNAVAILABLE', message: 'busy' } };
        return new Response(JSON.stringify(body), { status, headers });
      }),
    );
    return sent;
  }
  const client = () => new ApiClient('http://api.test', async () => 'token');
  const report = { urls: ['https://webhard.example/x'], category: 'NCII' } as unknown as Parameters<ApiClient['fileReport']>[0];

  it.each([
    [503, '3', 3_000],
    [429, '0', 0],
    [503, ' 120 ', 60_000],
    [503, null, undefined],
    [503, 'Wed, 21 Oct 2026 07:28:00 GMT', undefined],
    [500, '3', undefined],
    [409, '3', undefined],
  ])('waits, for a %i with Retry-After %j, %j ms', (status, retryAfter, expected) => {
    expect(busyWaitMs(status, retryAfter)).toBe(expected);
  });

  it('is sent again with the same Idempotency-Key after Retry-After, and files once', async () => {
    vi.useFakeTimers();
    const sent = answering([503, { 'retry-after': '2' }], [503, { 'retry-after': '1' }], [201, {}]);
    const filing = client().fileReport(report, 'key-1');
    await vi.advanceTimersByTimeAsync(2_999);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(filing).resolves.toMatchObject({ caseId: 'C1' });
    expect(sent.map((headers) => headers['idempotency-key'])).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('is given up, as the busy error, when the next try would fall after the resend window', async () => {
    vi.useFakeTimers();
    const waits = Array.from(
      { length: BUSY_RESEND_WITHIN_MS / 60_000 + 1 },
      () => [503, { 'retry-after': '60' }] as [number, Record<string, string>],
    );
    const sent = answering(...waits);
    const filing = client().fileReport(report, 'key-2');
    const outcome = filing.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(BUSY_RESEND_WITHIN_MS);
    const error = await outcome;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(sent).toHaveLength(BUSY_RESEND_WITHIN_MS / 60_000 + 1);
  });

  it('is not sent again when the request has no Idempotency-Key to make a copy harmless', async () => {
    const sent = answering([503, { 'retry-after': '1' }], [200, {}]);
    await expect(client().decideApproval('C1', { decision: 'APPROVE', reason: 'clear' } as never)).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(1);
  });

  it("is told in the reader's words, not the API's English message", () => {
    expect(translator('ko').t('busy')).toMatch(/1분 뒤에 다시/);
    expect(translator('en').t('busy')).toMatch(/nothing was done/);
  });
});

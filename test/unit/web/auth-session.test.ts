/**
 * The cloud session of the web UI: the hosted sign-in returns to the registered root whatever page
 * it started on, keeps the refresh token, and renews the one-hour ID token before it runs out.
 * The browser's globals are stubbed: these are the functions' own rules, not a browser's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { completeHostedSignIn, currentToken, keepToken, parseConfig, redirectUri, resumeSession } from '../../../web/src/auth';

const NOW = 1_800_000_000;
const CLOUD = parseConfig({ apiUrl: 'https://api.example', clientId: 'web-client', cognitoDomain: 'login', region: 'ap-northeast-2' });
const LOCAL = parseConfig({ apiUrl: '', local: true });

function token(user: string, exp: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ 'cognito:username': user, 'cognito:groups': ['staff'], exp })}.x`;
}

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/** Cognito's token endpoint: answers each request with the next answer, and records the forms. */
function tokenEndpoint(...answers: { status: number; body: object }[]) {
  const forms: Record<string, string>[] = [];
  const fetchStub = vi.fn(async (url: string, init: { body: URLSearchParams }) => {
    expect(url).toBe('https://login.auth.ap-northeast-2.amazoncognito.com/oauth2/token');
    forms.push(Object.fromEntries(init.body));
    const answer = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  });
  vi.stubGlobal('fetch', fetchStub);
  return { forms, fetchStub };
}

let page: { origin: string; pathname: string; search: string; hash: string };

beforeEach(() => {
  page = { origin: 'https://d1.cloudfront.net', pathname: '/', search: '', hash: '' };
  vi.stubGlobal('sessionStorage', memoryStorage());
  vi.stubGlobal('location', page);
  vi.stubGlobal('history', {
    replaceState: (_state: unknown, _title: string, url: string) => {
      page.pathname = url;
      page.search = '';
    },
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the redirect URI', () => {
  it.each([
    ['/', 'https://d1.cloudfront.net/'],
    ['/index.html', 'https://d1.cloudfront.net/'],
  ])('is the registered root when the page is %s', (pathname, uri) => {
    page.pathname = pathname;
    expect(redirectUri()).toBe(uri);
  });
});

describe('the hosted sign-in', () => {
  it('keeps the ID and refresh tokens and brings the user back to the screen they opened', async () => {
    // Prepare: the page went to Cognito from /index.html#/cases/C-1, and came back to the root.
    sessionStorage.setItem('ud.pkce', JSON.stringify({ verifier: 'v', state: 's', returnTo: '#/cases/C-1' }));
    page.search = '?code=abc&state=s';
    const { forms } = tokenEndpoint({ status: 200, body: { id_token: token('staff-kim', NOW + 3600), refresh_token: 'refresh-1' } });
    // Act
    const session = await completeHostedSignIn(CLOUD);
    // Assess
    expect(session?.userId).toBe('staff-kim');
    expect(forms).toEqual([
      {
        grant_type: 'authorization_code',
        client_id: 'web-client',
        code: 'abc',
        redirect_uri: 'https://d1.cloudfront.net/',
        code_verifier: 'v',
      },
    ]);
    expect(sessionStorage.getItem('ud.refresh')).toBe('refresh-1');
    expect(page.hash).toBe('#/cases/C-1');
    expect(page.search).toBe('');
  });
});

describe('the current token', () => {
  it('is the kept one while it has more than a minute left', async () => {
    const { fetchStub } = tokenEndpoint();
    keepToken(token('staff-kim', NOW + 61), 'refresh-1');
    await expect(currentToken(CLOUD, NOW)).resolves.toBe(token('staff-kim', NOW + 61));
    expect(fetchStub).not.toHaveBeenCalled();
  });

  it('is renewed with the refresh token once, for requests sent together, when it is about to expire', async () => {
    // Prepare
    keepToken(token('staff-kim', NOW + 30), 'refresh-1');
    const renewed = token('staff-kim', NOW + 3600);
    const { forms } = tokenEndpoint({ status: 200, body: { id_token: renewed } });
    // Act
    const answers = await Promise.all([currentToken(CLOUD, NOW), currentToken(CLOUD, NOW)]);
    // Assess
    expect(answers).toEqual([renewed, renewed]);
    expect(forms).toEqual([{ grant_type: 'refresh_token', client_id: 'web-client', refresh_token: 'refresh-1' }]);
    expect(sessionStorage.getItem('ud.token')).toBe(renewed);
    expect(sessionStorage.getItem('ud.refresh')).toBe('refresh-1');
  });

  it('resumes an expired session after a reload by renewing it', async () => {
    keepToken(token('staff-kim', NOW - 600), 'refresh-1');
    tokenEndpoint({ status: 200, body: { id_token: token('staff-kim', NOW + 3600) } });
    await expect(resumeSession(CLOUD, NOW)).resolves.toMatchObject({ userId: 'staff-kim', expiresAt: NOW + 3600 });
  });

  it('ends the session when Cognito refuses the refresh token (expired or revoked)', async () => {
    keepToken(token('staff-kim', NOW - 1), 'refresh-1');
    tokenEndpoint({ status: 400, body: { error: 'invalid_grant' } });
    await expect(currentToken(CLOUD, NOW)).resolves.toBeNull();
    expect(sessionStorage.getItem('ud.token')).toBeNull();
    expect(sessionStorage.getItem('ud.refresh')).toBeNull();
  });

  it('keeps the session when Cognito is unavailable, so that the next request tries again', async () => {
    keepToken(token('staff-kim', NOW + 10), 'refresh-1');
    tokenEndpoint({ status: 503, body: {} });
    await expect(currentToken(CLOUD, NOW)).rejects.toThrow(/did not renew the session \(503\)/);
    expect(sessionStorage.getItem('ud.refresh')).toBe('refresh-1');
  });

  it('serves a local token to its end, since the local sign-in has nothing to renew with', async () => {
    const { fetchStub } = tokenEndpoint();
    sessionStorage.setItem('ud.token', token('staff-kim', NOW + 30));
    await expect(currentToken(LOCAL, NOW)).resolves.toBe(token('staff-kim', NOW + 30));
    await expect(currentToken(LOCAL, NOW + 30)).resolves.toBeNull();
    expect(fetchStub).not.toHaveBeenCalled();
  });
});

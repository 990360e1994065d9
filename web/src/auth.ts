/**
 * Where the page learns how to sign in (`/config.json`), and the session that follows: a JWT kept
 * in sessionStorage so that closing the tab signs the user out, renewed in the cloud with
 * Cognito's refresh token (authorization code flow with PKCE). Roles are read from the token's
 * `cognito:groups` claim without verifying it: the API verifies every request, the browser only
 * needs to know which screens to offer.
 */
import { ROLES, type Role } from '../../shared/domain/model';

export interface PolicyHint {
  id?: string;
  timeZone: string;
  language: 'ko' | 'en';
  urgentApprovals: number;
}

export interface AppConfig {
  /** Base URL of the API; empty means the page's own origin. */
  apiUrl: string;
  local: boolean;
  userPoolId?: string;
  clientId?: string;
  cognitoDomain?: string;
  region?: string;
  policy: PolicyHint;
}

const DEFAULT_POLICY: PolicyHint = { timeZone: 'Asia/Seoul', language: 'ko', urgentApprovals: 2 };

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  const response = await fetchImpl('./config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return parseConfig(await response.json());
}

export function parseConfig(raw: unknown): AppConfig {
  const value = (raw ?? {}) as Record<string, unknown>;
  const policy = (value.policy ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const config: AppConfig = {
    apiUrl: (str(value.apiUrl) ?? '').replace(/\/+$/, ''),
    local: value.local === true,
    policy: {
      timeZone: str(policy.timeZone) ?? DEFAULT_POLICY.timeZone,
      language: policy.language === 'en' ? 'en' : DEFAULT_POLICY.language,
      urgentApprovals:
        typeof policy.urgentApprovals === 'number' && policy.urgentApprovals > 0 ? policy.urgentApprovals : DEFAULT_POLICY.urgentApprovals,
    },
  };
  const policyId = str(policy.id);
  if (policyId) config.policy.id = policyId;
  for (const key of ['userPoolId', 'clientId', 'cognitoDomain', 'region'] as const) {
    const found = str(value[key]);
    if (found) config[key] = found;
  }
  return config;
}

// ---------------------------------------------------------------- the session

export interface Session {
  token: string;
  userId: string;
  roles: Role[];
  operatorId?: string;
  /** Seconds since the epoch, from `exp`. */
  expiresAt?: number;
}

const TOKEN_KEY = 'ud.token';

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof payload !== 'object' || payload === null) throw new Error('JWT payload is not an object');
  return payload as Record<string, unknown>;
}

/** API Gateway may hand groups over as an array, a JSON string or "[a b]"; tokens as an array. */
export function groupsOf(claim: unknown): Role[] {
  let list: unknown[] = [];
  if (Array.isArray(claim)) list = claim;
  else if (typeof claim === 'string') {
    try {
      const parsed: unknown = JSON.parse(claim);
      list = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      list = claim.replace(/^\[|\]$/g, '').split(/[\s,]+/);
    }
  }
  return ROLES.filter((role) => list.includes(role));
}

export function sessionFromToken(token: string): Session {
  const claims = decodeJwtPayload(token);
  const userId = [claims['cognito:username'], claims.username, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0);
  if (!userId) throw new Error('the token names no user');
  const session: Session = { token, userId, roles: groupsOf(claims['cognito:groups']) };
  const operatorId = claims['custom:operatorId'];
  if (typeof operatorId === 'string') session.operatorId = operatorId;
  if (typeof claims.exp === 'number') session.expiresAt = claims.exp;
  return session;
}

/**
 * Cognito's refresh token (12 hours): it renews the one-hour ID token, so that a working day does
 * not ask for the password and the TOTP code every hour. Kept beside the token, and like it gone
 * with the tab.
 */
const REFRESH_KEY = 'ud.refresh';
/** A token this close to its expiry is renewed first, so that it cannot expire on its way to the API. */
const RENEW_BEFORE_SECONDS = 60;

export function keepToken(token: string, refreshToken?: string): Session {
  const session = sessionFromToken(token);
  sessionStorage.setItem(TOKEN_KEY, token);
  if (refreshToken) sessionStorage.setItem(REFRESH_KEY, refreshToken);
  return session;
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
}

/** The renewal under way: requests sent together wait for one answer instead of spending the refresh token each. */
let renewal: Promise<string | null> | null = null;

/**
 * The token for the next request: the kept one while it has time left, else a new one from the
 * refresh token. Null when the session is over (no token, or Cognito refused to renew): sign in again.
 */
export function currentToken(config: AppConfig, nowSeconds: number): Promise<string | null> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  let expiresAt: number | undefined;
  if (token) {
    try {
      expiresAt = sessionFromToken(token).expiresAt;
    } catch {
      forgetToken();
      return Promise.resolve(null);
    }
    if (expiresAt === undefined || expiresAt - RENEW_BEFORE_SECONDS > nowSeconds) return Promise.resolve(token);
  }
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (config.local || !refreshToken) {
    // Nothing to renew with (the local sign-in gives no refresh token): the token serves to its end.
    if (token && expiresAt !== undefined && expiresAt > nowSeconds) return Promise.resolve(token);
    forgetToken();
    return Promise.resolve(null);
  }
  renewal ??= renewToken(config, refreshToken).finally(() => {
    renewal = null;
  });
  return renewal;
}

async function renewToken(config: AppConfig, refreshToken: string): Promise<string | null> {
  const { response, body } = await askForTokens(config, {
    grant_type: 'refresh_token',
    client_id: config.clientId ?? '',
    refresh_token: refreshToken,
  });
  if (response.ok && body.id_token) {
    keepToken(body.id_token);
    return body.id_token;
  }
  // 400 (invalid_grant): the refresh token expired or was revoked. Anything else is Cognito's
  // trouble, not the session's end: the next request tries again.
  if (response.status !== 400) throw new Error(`Cognito did not renew the session (${response.status}); try again`);
  forgetToken();
  return null;
}

/** The session kept in this tab, renewed if its token ran out; null when there is none. */
export async function resumeSession(config: AppConfig, nowSeconds: number): Promise<Session | null> {
  const token = await currentToken(config, nowSeconds);
  return token === null ? null : sessionFromToken(token);
}

export async function localSignIn(config: AppConfig, user: string): Promise<Session> {
  const response = await fetch(`${config.apiUrl}/auth/local-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: unknown; error?: { message?: string } };
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(body.error?.message ?? `sign-in answered ${response.status}`);
  }
  return keepToken(body.token);
}

// ---------------------------------------------------------------- Cognito hosted UI (code + PKCE)

const PKCE_KEY = 'ud.pkce';

function cognitoBase(config: AppConfig): string {
  const domain = config.cognitoDomain ?? '';
  if (/^https?:\/\//.test(domain)) return domain.replace(/\/+$/, '');
  if (domain.includes('.')) return `https://${domain}`;
  return `https://${domain}.auth.${config.region ?? 'ap-northeast-2'}.amazoncognito.com`;
}

interface TokenAnswer {
  id_token?: string;
  refresh_token?: string;
  error?: string;
}

/** Cognito's token endpoint, for a code (sign-in) or a refresh token (renewal). */
async function askForTokens(config: AppConfig, form: Record<string, string>): Promise<{ response: Response; body: TokenAnswer }> {
  const response = await fetch(`${cognitoBase(config)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { response, body: (await response.json().catch(() => ({}))) as TokenAnswer };
}

/**
 * Cognito returns only to the URI registered for the client, the site's root: a page opened as
 * `/index.html` (or any other file of the site) signs in through its folder, and the screen it
 * showed (the hash route) is restored afterwards.
 */
export function redirectUri(): string {
  return `${location.origin}${location.pathname.replace(/[^/]*$/, '')}`;
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function startHostedSignIn(config: AppConfig): Promise<void> {
  if (!config.clientId || !config.cognitoDomain) throw new Error('config.json gives no Cognito client');
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`${cognitoBase(config)}/oauth2/authorize?${query.toString()}`);
}

/**
 * Finishes the hosted sign-in when the page comes back with `?code=`. Keeps the ID token: it is
 * the one that carries `custom:operatorId`, and API Gateway checks its audience (the client id);
 * and the refresh token that renews it.
 */
export async function completeHostedSignIn(config: AppConfig): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code || !config.clientId) return null;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string; returnTo?: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', location.pathname);
  // Through `location.hash`, so that the router hears of it.
  if (saved?.returnTo) location.hash = saved.returnTo;
  if (!saved || saved.state !== params.get('state')) throw new Error('the sign-in answer does not match this tab; sign in again');
  const { response, body } = await askForTokens(config, {
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code,
    redirect_uri: redirectUri(),
    code_verifier: saved.verifier,
  });
  if (!response.ok || !body.id_token) throw new Error(`Cognito refused the sign-in (${body.error ?? response.status})`);
  return keepToken(body.id_token, body.refresh_token);
}

export function hostedSignOutUrl(config: AppConfig): string | null {
  if (config.local || !config.clientId || !config.cognitoDomain) return null;
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() });
  return `${cognitoBase(config)}/logout?${query.toString()}`;
}

/**
 * Where the page learns how to sign in (`/config.json`), and the session that follows: a JWT kept
 * in sessionStorage so that closing the tab signs the user out. Roles are read from the token's
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

export function storedSession(nowSeconds: number): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  try {
    const session = sessionFromToken(token);
    if (session.expiresAt !== undefined && session.expiresAt <= nowSeconds) {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return session;
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }
}

export function keepToken(token: string): Session {
  const session = sessionFromToken(token);
  sessionStorage.setItem(TOKEN_KEY, token);
  return session;
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
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

function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
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
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
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
 * the one that carries `custom:operatorId`, and API Gateway checks its audience (the client id).
 */
export async function completeHostedSignIn(config: AppConfig): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code || !config.clientId) return null;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (!saved || saved.state !== params.get('state')) throw new Error('the sign-in answer does not match this tab; sign in again');
  const response = await fetch(`${cognitoBase(config)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { id_token?: string; error?: string };
  if (!response.ok || !body.id_token) throw new Error(`Cognito refused the sign-in (${body.error ?? response.status})`);
  return keepToken(body.id_token);
}

export function hostedSignOutUrl(config: AppConfig): string | null {
  if (config.local || !config.clientId || !config.cognitoDomain) return null;
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() });
  return `${cognitoBase(config)}/logout?${query.toString()}`;
}

/**
 * The shell: loads /config.json, signs the user in (seeded users locally, Cognito's hosted UI in
 * the cloud), and shows the screens that the token's roles allow. A screen that the roles do not
 * allow is not offered and answers "not found", like the API does.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Role } from '../../shared/domain/model';
import { ApiClient } from './api';
import {
  completeHostedSignIn,
  currentToken,
  forgetToken,
  hostedSignOutUrl,
  loadConfig,
  resumeSession,
  type AppConfig,
  type Session,
} from './auth';
import { AppContext } from './hooks';
import { I18n, initialLang, rememberLang, translator, useT, type Lang, type MessageKey } from './i18n';
import { BlocklistPage } from './pages/blocklist';
import { CasePage, CasesPage } from './pages/cases';
import { ReviewPage, ReviewsPage } from './pages/committee';
import { ApiReferencePage } from './pages/api-reference';
import { ApprovalsPage, DeadlinesPage } from './pages/staff';
import { IntakePage } from './pages/intake';
import { ObjectionPage } from './pages/objection';
import { OperatorOrderPage, OperatorOrdersPage } from './pages/operator';
import { OperatorsPage } from './pages/operators';
import { ReportsPage } from './pages/reporter';
import { SignIn } from './pages/signin';
import { StatisticsPage } from './pages/statistics';
import { href, match, navigate, useRoute } from './router';

interface Screen {
  pattern: string;
  roles: Role[];
  nav?: MessageKey;
  render: (params: Record<string, string>) => ComponentChildren;
}

const SCREENS: Screen[] = [
  { pattern: '/staff/approvals', roles: ['staff'], nav: 'navApprovals', render: () => <ApprovalsPage /> },
  { pattern: '/staff/deadlines', roles: ['staff', 'auditor'], nav: 'navDeadlines', render: () => <DeadlinesPage /> },
  { pattern: '/intake', roles: ['staff', 'reporter'], nav: 'navIntake', render: () => <IntakePage /> },
  { pattern: '/cases', roles: ['staff', 'auditor'], nav: 'navCases', render: () => <CasesPage /> },
  { pattern: '/cases/:caseId', roles: ['staff', 'auditor', 'committee'], render: (p) => <CasePage caseId={p.caseId!} /> },
  { pattern: '/operator/orders', roles: ['operator'], nav: 'navOrders', render: () => <OperatorOrdersPage /> },
  { pattern: '/operator/orders/:orderId', roles: ['operator'], render: (p) => <OperatorOrderPage orderId={p.orderId!} /> },
  { pattern: '/committee/reviews', roles: ['committee'], nav: 'navReviews', render: () => <ReviewsPage /> },
  { pattern: '/committee/reviews/:reviewId', roles: ['committee'], render: (p) => <ReviewPage reviewId={p.reviewId!} /> },
  { pattern: '/reporter/reports', roles: ['reporter'], nav: 'navReports', render: () => <ReportsPage /> },
  { pattern: '/statistics', roles: ['staff', 'auditor'], nav: 'navStatistics', render: () => <StatisticsPage /> },
  { pattern: '/operators', roles: ['staff', 'auditor'], nav: 'navOperators', render: () => <OperatorsPage /> },
  // Operators: the access providers' list; a hosting operator is told it is not for it (the API's 403).
  { pattern: '/blocklist', roles: ['staff', 'auditor', 'operator'], nav: 'navBlocklist', render: () => <BlocklistPage /> },
];

const PUBLIC_OBJECTION_PATH = '/object';
/** The API reference: public like `GET /openapi.json`, which it renders. */
const API_REFERENCE_PATH = '/api';

function allowed(session: Session): Screen[] {
  return SCREENS.filter((screen) => screen.roles.some((role) => session.roles.includes(role)));
}

export function App() {
  const [config, setConfig] = useState<AppConfig | null>(null);
  const [bootError, setBootError] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [lang, setLang] = useState<Lang>('ko');
  const path = useRoute();

  useEffect(() => {
    loadConfig()
      .then(async (loaded) => {
        setLang(initialLang(loaded.policy.language));
        const returning = loaded.local ? null : await completeHostedSignIn(loaded);
        setSession(returning ?? (await resumeSession(loaded, Date.now() / 1000)));
        setConfig(loaded);
      })
      .catch((error: unknown) => setBootError(error instanceof Error ? error.message : String(error)));
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const i18n = useMemo(() => translator(lang), [lang]);
  const switchLang = (): void => {
    const next = lang === 'ko' ? 'en' : 'ko';
    rememberLang(next);
    setLang(next);
  };
  const signOut = useCallback((): void => {
    forgetToken();
    setSession(null);
    const url = config ? hostedSignOutUrl(config) : null;
    if (url) location.assign(url);
    else navigate('/');
  }, [config]);

  let body: ComponentChildren;
  if (bootError)
    body = (
      <p class="error" role="alert">
        {i18n.t('error', { message: bootError })}
      </p>
    );
  else if (!config) body = <p aria-busy="true">{i18n.t('loading')}</p>;
  // The poster's page needs no account: it is open whether anyone is signed in or not.
  else if (path === PUBLIC_OBJECTION_PATH) body = <ObjectionPage apiUrl={config.apiUrl} timeZone={config.policy.timeZone} />;
  else if (path === API_REFERENCE_PATH) body = <ApiReferencePage apiUrl={config.apiUrl} />;
  else if (!session) body = <SignIn config={config} onSignedIn={setSession} />;
  else body = <SignedIn config={config} session={session} onUnauthenticated={signOut} />;

  return (
    <I18n.Provider value={i18n}>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #main; the click only keeps the hash router from reading #main as a route */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {i18n.t('skipToContent')}
      </a>
      <header class="top">
        <span class="brand">{i18n.t('appName')}</span>
        {session && <Nav session={session} />}
        <div class="tools">
          {session && <span class="who">{i18n.t('signedInAs', { user: session.userId })}</span>}
          <button
            type="button"
            class="link"
            onClick={switchLang}
            lang={lang === 'ko' ? 'en' : 'ko'}
            aria-label={`${i18n.t('language')}: ${i18n.t('switchTo')}`}
          >
            {i18n.t('switchTo')}
          </button>
          {session && (
            <button type="button" class="link" onClick={signOut}>
              {i18n.t('signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
    </I18n.Provider>
  );
}

function Nav({ session }: { session: Session }) {
  const { t } = useT();
  const path = useRoute();
  const items = allowed(session).filter((screen) => screen.nav);
  return (
    <nav aria-label={t('nav')}>
      <ul>
        {items.map((screen) => {
          const active = path === screen.pattern || path.startsWith(`${screen.pattern}/`);
          return (
            <li key={screen.pattern}>
              <a href={href(screen.pattern)} aria-current={active ? 'page' : undefined}>
                {t(screen.nav!)}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function SignedIn({ config, session, onUnauthenticated }: { config: AppConfig; session: Session; onUnauthenticated: () => void }) {
  const { t } = useT();
  const path = useRoute();
  // The session's user and roles stay; its token is renewed underneath, so the client is not remade.
  const api = useMemo(
    () => new ApiClient(config.apiUrl, () => currentToken(config, Date.now() / 1000), onUnauthenticated),
    [config, onUnauthenticated],
  );
  const screens = allowed(session);
  const home = screens.find((screen) => screen.nav);

  useEffect(() => {
    if (path === '/' && home) navigate(home.pattern);
  }, [path, home]);

  // A screen reached from another takes the keyboard focus, so the next Tab starts in it; on a
  // fresh load the focus stays at the top, where the skip link is.
  const firstPath = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of path, which it does not read
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (!home)
    return (
      <p class="error" role="alert">
        {t('noRole')}
      </p>
    );
  let content: ComponentChildren = null;
  for (const screen of screens) {
    const params = match(screen.pattern, path);
    if (params) {
      content = screen.render(params);
      break;
    }
  }
  return (
    <AppContext.Provider value={{ config, session, api }}>
      {content ??
        (path === '/' ? null : (
          <p class="error" role="alert">
            {t('notFound')}
          </p>
        ))}
    </AppContext.Provider>
  );
}

import { useState } from 'preact/hooks';
import type { Role } from '../../../shared/domain/model';
import { localSignIn, startHostedSignIn, type AppConfig, type Session } from '../auth';
import { ErrorNote } from '../components/common';
import { useT } from '../i18n';

/** The seeded users of the local run (CONTRACT.md section 2). */
const SEEDED: { role: Role; users: string[] }[] = [
  { role: 'staff', users: ['staff-kim', 'staff-lee', 'staff-park'] },
  { role: 'committee', users: ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'] },
  { role: 'operator', users: ['op-webhard', 'op-social', 'op-overseas'] },
  { role: 'reporter', users: ['support-center'] },
  { role: 'auditor', users: ['auditor-1'] },
];

export function SignIn({ config, onSignedIn }: { config: AppConfig; onSignedIn: (session: Session) => void }) {
  const { t } = useT();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Never rejects (a failure is shown on the page), so a click does not wait for it: `void pick(user)`.
  const pick = async (user: string): Promise<void> => {
    setBusy(user);
    setError(null);
    try {
      onSignedIn(await localSignIn(config, user));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  if (!config.local) {
    return (
      <section class="card narrow">
        <h1>{t('signInTitle')}</h1>
        <p>{t('signInCloud')}</p>
        <button type="button" class="primary" onClick={() => void startHostedSignIn(config).catch(setError)}>
          {t('signInButton')}
        </button>
        <ErrorNote error={error} />
      </section>
    );
  }
  return (
    <section class="card narrow">
      <h1>{t('signInTitle')}</h1>
      <p>{t('signInLocal')}</p>
      <ErrorNote error={error} />
      {SEEDED.map((group) => (
        <fieldset key={group.role} class="user-group">
          <legend>{t(`role_${group.role}`)}</legend>
          <div class="buttons">
            {group.users.map((user) => (
              <button type="button" key={user} data-user={user} disabled={busy !== null} onClick={() => void pick(user)}>
                {busy === user ? t('signingIn') : user}
              </button>
            ))}
          </div>
        </fieldset>
      ))}
    </section>
  );
}

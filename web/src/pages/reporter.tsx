import { CASE_STATUSES, type CaseStatus } from '../../../shared/domain/model';
import { reporterStatusText } from '../../../shared/domain/orders';
import { DateTime, Loaded } from '../components/common';
import { useApp, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

/** The server may send the status code or its plain words (in the policy's language). */
function plainStatus(status: string, lang: 'ko' | 'en'): string {
  return (CASE_STATUSES as readonly string[]).includes(status) ? reporterStatusText(status as CaseStatus, lang) : status;
}

/** A reporter sees where each of its reports stands, in plain words, and nothing of operators' replies. */
export function ReportsPage() {
  const { t, lang } = useT();
  const { api } = useApp();
  const reports = useResource(() => api.myReports(), [api], 30_000);
  return (
    <section>
      <div class="title-row">
        <h1>{t('reportsTitle')}</h1>
        <a href={href('/intake')} class="button">
          {t('navIntake')}
        </a>
      </div>
      <Loaded resource={reports}>
        {(list) =>
          list.length === 0 ? (
            <p class="empty">{t('reportsEmpty')}</p>
          ) : (
            <ul class="cards">
              {list
                .slice()
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                .map((r) => (
                  <li key={r.caseId} class="card" data-case={r.caseId}>
                    <p class="plain-status" data-status={r.status}>
                      <strong>{plainStatus(r.status, lang)}</strong>
                    </p>
                    <p class="meta">
                      <DateTime iso={r.createdAt} /> · <span class="mono">{r.caseId}</span>
                    </p>
                    <details>
                      <summary>{t('urlCount', { count: r.urls.length })}</summary>
                      <ul class="urls">
                        {r.urls.map((u) => (
                          <li key={u} class="mono">
                            {u}
                          </li>
                        ))}
                      </ul>
                    </details>
                  </li>
                ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

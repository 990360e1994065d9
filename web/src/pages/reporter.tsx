import { isLeftOnline, REPORTER_URL_OUTCOMES, reporterCaseText, reporterOutcomeText } from '../../../shared/domain/reporter';
import type { ReporterReport } from '../api';
import { DateTime, Loaded } from '../components/common';
import { useApp, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

/** A reporter sees where each of its reports stands, in plain words, and nothing of operators' replies. */
export function ReportsPage() {
  const { t } = useT();
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
      <p class="hint">{t('emailUpdatesHowTo')}</p>
      <Loaded resource={reports}>
        {(list) =>
          list.length === 0 ? (
            <p class="empty">{t('reportsEmpty')}</p>
          ) : (
            <ul class="cards">
              {list
                .slice()
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                .map((report) => (
                  <ReportCard key={report.caseId} report={report} />
                ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function ReportCard({ report }: { report: ReporterReport }) {
  const { t, lang } = useT();
  const outcomes = report.outcomes.map((entry) => entry.outcome);
  // How many URLs came to each outcome, in the domain's order: the line a reporter reads first.
  const tally = REPORTER_URL_OUTCOMES.map((outcome) => ({ outcome, count: outcomes.filter((o) => o === outcome).length })).filter(
    (entry) => entry.count > 0,
  );
  const headingId = `report-${report.caseId}`;
  return (
    <li class="card" data-case={report.caseId} aria-labelledby={headingId}>
      <p class="plain-status" data-status={report.caseStatus} id={headingId}>
        <strong>{reporterCaseText(report.caseStatus, outcomes, lang)}</strong>
      </p>
      <p class="meta">
        <DateTime iso={report.createdAt} /> · <span class="mono">{report.caseId}</span> · {t('emailUpdates')}:{' '}
        <span data-email-updates={report.emailUpdates === true}>{report.emailUpdates ? t('emailUpdatesOn') : t('emailUpdatesOff')}</span>
      </p>
      {report.rejectionReason && (
        <p class="rejection">
          {t('rejectionReason')}: <q>{report.rejectionReason}</q>
        </p>
      )}
      <details open={report.outcomes.length <= 5}>
        <summary>
          {t('reportOutcomes')}: {tally.map((entry) => `${reporterOutcomeText(entry.outcome, lang)} (${entry.count})`).join(' · ')}
        </summary>
        <ul class="outcomes">
          {report.outcomes.map((entry) => (
            <li key={entry.url} data-outcome={entry.outcome}>
              <span class="mono">{entry.url}</span>
              <span class="outcome" data-left-online={isLeftOnline(entry.outcome)}>
                {reporterOutcomeText(entry.outcome, lang)}
              </span>
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

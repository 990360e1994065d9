/**
 * A complied DELETE order's post-monitoring: each URL's last check (GONE, STILL_UP or ERROR, with
 * its time and HTTP status) and when the next round is due; the case page and the deadline board
 * show it.
 */
import type { OrderMonitoring } from '../../../shared/domain/monitoring';
import { useT } from '../i18n';
import { Badge, DateTime } from './common';

export function MonitoringResults({ monitoring, compact }: { monitoring: OrderMonitoring | undefined; compact?: boolean }) {
  const { t } = useT();
  if (monitoring === undefined) return null;
  const next = monitoring.nextCheckAt;
  return (
    <section class="monitoring" aria-label={t('monitoringTitle')}>
      {!compact && <h4>{t('monitoringTitle')}</h4>}
      {monitoring.urls.length === 0 ? (
        <p class="meta">{t('monitoringNotYet')}</p>
      ) : (
        <ul class="plain">
          {monitoring.urls.map((entry) => {
            const last = entry.checks.at(-1);
            return (
              <li key={entry.url} data-url-result={last?.result}>
                {!compact && <span class="mono url">{entry.url}</span>} {last && <Badge value={last.result} />}{' '}
                {last && (
                  <span class="meta">
                    <DateTime iso={last.at} />
                    {last.httpStatus !== undefined && ` · ${t('monitoringStatus', { status: last.httpStatus })}`}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p class="meta">
        {next ? (
          <>
            {t('monitoringNext')}: <DateTime iso={next} />
          </>
        ) : (
          t('monitoringDone', { count: monitoring.rounds })
        )}
      </p>
    </section>
  );
}

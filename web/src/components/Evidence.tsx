/**
 * The committee's evidence view: what was reported and decided about each URL, never the content.
 * URLs are text, not links, and nothing here fetches or previews what they point to. The staff's
 * approval reasons stand beside it, in the review's details.
 */
import type { CaseDetail, CaseOrder } from '../api';
import { useT } from '../i18n';
import { Badge, DateTime, Section } from './common';

export function EvidenceView({ detail, orders }: { detail: CaseDetail; orders: readonly CaseOrder[] }) {
  const { t, v } = useT();
  const urls = detail.urls.filter((u) => orders.length === 0 || orders.some((o) => o.operatorId === u.operatorId));
  const earlier = detail.earlierDecisions ?? [];
  const operators = [...new Set(urls.flatMap((u) => (u.operatorId ? [u.operatorId] : [])))];
  return (
    <Section title={t('evidence')} id="evidence">
      <p class="note">{t('evidenceNote')}</p>
      <dl class="facts evidence">
        <dt>{t('category')}</dt>
        <dd>{v(detail.category)}</dd>
        <dt>{t('evidenceReporterKind')}</dt>
        <dd>{detail.reporter ? v(detail.reporter.kind) : t('none')}</dd>
        <dt>{t('evidenceHashes')}</dt>
        <dd class="mono hash">{detail.contentSha256 ? `SHA-256 ${detail.contentSha256}` : t('evidenceNoHash')}</dd>
      </dl>
      <h3>{t('urls')}</h3>
      <ul class="plain evidence-urls">
        {urls.map((u) => (
          <li key={u.url} data-host={u.host}>
            <span class="mono">{u.url}</span>
            <br />
            <span class="meta">
              {t('evidenceHost')}: {u.host} · {u.operatorId ?? t('unassigned')}
            </span>
          </li>
        ))}
      </ul>
      <h3>{t('earlierDecisions')}</h3>
      {operators.map((operatorId) => {
        const theirs = earlier.filter((order) => order.operatorId === operatorId);
        return (
          <div key={operatorId} data-earlier={operatorId}>
            <h4>{operatorId}</h4>
            {theirs.length === 0 ? (
              <p class="empty">{t('earlierNone')}</p>
            ) : (
              <ul class="plain">
                {theirs.map((order) => (
                  <li key={order.orderId}>
                    <span class="mono">{order.orderId}</span> · {t('earlierDecision')} <Badge value={order.decisionStatus} /> ·{' '}
                    {t('earlierCompliance')} <Badge value={order.complianceStatus} /> · {v(order.category)} · {t('issued')}{' '}
                    <DateTime iso={order.issuedAt} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </Section>
  );
}

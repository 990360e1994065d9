/**
 * The ISPs' block list (docs/blocklist.md): its entries and its recent changes, for staff, auditors
 * and access providers; and, on a case's page, which of the case's URLs are on it.
 */
import type { BlocklistEntry } from '../../../shared/domain/blocklist';
import { caseIdOf } from '../../../shared/domain/ids';
import { ApiError } from '../api';
import { DateTime, ErrorNote, Loaded, Section } from '../components/common';
import { shortId } from '../format';
import { useApp, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

/** How many versions back the page shows what changed. */
const RECENT_VERSIONS = 20;

/** Staff and auditors read every entry's case; an access provider reads the list only. */
const readsBlocklist = (roles: readonly string[]): boolean => roles.includes('staff') || roles.includes('auditor');

function OrderRef({ orderId }: { orderId: string }) {
  const { session } = useApp();
  const caseId = caseIdOf(orderId);
  // Staff open the case; an access provider sees the order's id (its own orders are under Orders).
  if (readsBlocklist(session.roles) && caseId !== null) {
    return (
      <a href={href(`/cases/${caseId}`)} class="mono" title={orderId}>
        {shortId(orderId)}
      </a>
    );
  }
  return (
    <span class="mono" title={orderId}>
      {shortId(orderId)}
    </span>
  );
}

function Entries({ entries, label }: { entries: readonly BlocklistEntry[]; label: string }) {
  const { t } = useT();
  if (entries.length === 0) return <p class="muted">{t('blocklistEmpty')}</p>;
  return (
    <ul class="blocklist" aria-label={label}>
      {entries.map((entry) => (
        <li key={entry.url} data-url={entry.url}>
          <span class="mono blocklist-url">{entry.url}</span>
          <span>
            {t('blocklistHost')}: {entry.host}
          </span>
          <span>
            {t('blocklistOrder')}: <OrderRef orderId={entry.orderId} />
          </span>
          <span>
            {t('blocklistSince')}: <DateTime iso={entry.since} />
          </span>
        </li>
      ))}
    </ul>
  );
}

function RecentChanges({ version }: { version: number }) {
  const { t } = useT();
  const { api } = useApp();
  const since = Math.max(0, version - RECENT_VERSIONS);
  const changes = useResource(() => api.blocklistChanges(since), [api, since]);
  return (
    <Section title={t('blocklistRecent', { since })} id="blocklist-changes">
      <Loaded resource={changes}>
        {(c) =>
          c.added.length === 0 && c.removed.length === 0 ? (
            <p class="muted">{t('blocklistNoChanges')}</p>
          ) : (
            <>
              <h3>{t('blocklistAdded')}</h3>
              <Entries entries={c.added} label={t('blocklistAdded')} />
              <h3>{t('blocklistRemoved')}</h3>
              <Entries entries={c.removed} label={t('blocklistRemoved')} />
            </>
          )
        }
      </Loaded>
    </Section>
  );
}

export function BlocklistPage() {
  const { t } = useT();
  const { api } = useApp();
  const list = useResource(() => api.blocklist(), [api]);
  if (list.error instanceof ApiError && list.error.code === 'FORBIDDEN') {
    return (
      <div>
        <h1>{t('blocklistTitle')}</h1>
        <p class="error" role="alert">
          {t('blocklistForIsps')}
        </p>
      </div>
    );
  }
  return (
    <div>
      <h1>{t('blocklistTitle')}</h1>
      <p>{t('blocklistIntro')}</p>
      <Loaded resource={list}>
        {(l) => (
          <>
            <Section title={t('blocklistEntries')} id="blocklist-entries">
              <p data-version={l.version}>
                {t('blocklistVersion', { version: l.version, count: l.entries.length })} · <DateTime iso={l.generatedAt} />
              </p>
              <Entries entries={l.entries} label={t('blocklistEntries')} />
            </Section>
            <RecentChanges version={l.version} />
          </>
        )}
      </Loaded>
    </div>
  );
}

/** On a case's page, for staff and auditors: the case's URLs on the block list (entries whose order is one of the case's). */
export function CaseBlocklist({ caseId }: { caseId: string }) {
  const { session } = useApp();
  return readsBlocklist(session.roles) ? <CaseEntries caseId={caseId} /> : null;
}

function CaseEntries({ caseId }: { caseId: string }) {
  const { t } = useT();
  const { api } = useApp();
  const list = useResource(() => api.blocklist(), [api]);
  return (
    <Section title={t('blocklistOfCase')} id="case-blocklist">
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : (
        <Loaded resource={list}>
          {(l) => {
            const mine = l.entries.filter((entry) => caseIdOf(entry.orderId) === caseId);
            return mine.length === 0 ? (
              <p class="muted">{t('blocklistOfCaseNone')}</p>
            ) : (
              <Entries entries={mine} label={t('blocklistOfCase')} />
            );
          }}
        </Loaded>
      )}
    </Section>
  );
}

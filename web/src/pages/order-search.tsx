/**
 * The deadline board's search: find an order among thousands by operator, case, host or URL,
 * section, status and issue dates, page after page (GET /orders with its search parameters).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { COMPLIANCE_STATUSES, type ComplianceStatus } from '../../../shared/domain/model';
import type { BoardOrder, OrderSearch } from '../api';
import { ErrorNote, Field } from '../components/common';
import {
  DayRangeFields,
  SearchActions,
  SearchTermFields,
  type TermAndDays,
  termAndDaysOf,
  usePagedSearch,
} from '../components/paged-search';
import { useApp } from '../hooks';
import { type Translator, useT } from '../i18n';

type SearchKey = 'host' | 'url' | 'operatorId' | 'caseId';
const SEARCH_KEYS: readonly SearchKey[] = ['host', 'url', 'operatorId', 'caseId'];
const SEARCH_LABELS = { host: 'searchByHost', url: 'searchByUrl', operatorId: 'searchByOperator', caseId: 'searchByCase' } as const;
type Section = NonNullable<OrderSearch['list']>;
const SECTIONS: readonly Section[] = ['OPEN', 'UNDELIVERED', 'OVERDUE', 'NON_COMPLIANT'];

interface SearchForm extends TermAndDays<SearchKey> {
  section: Section | '';
  status: ComplianceStatus | '';
}

const BLANK: SearchForm = { by: 'host', term: '', section: '', status: '', from: '', to: '' };
const PAGE_SIZE = 50;

/** The API's parameters for a filled form (calendar days are whole days in the policy's time zone); null: nothing asked. */
function searchOf(form: SearchForm, timeZone: string): OrderSearch | null {
  const { term, from, to } = termAndDaysOf(form, timeZone);
  const search: OrderSearch = {
    ...term,
    list: form.section || undefined,
    complianceStatus: form.status || undefined,
    issuedFrom: from,
    issuedTo: to,
  };
  return Object.values(search).some((value) => value !== undefined) ? { ...search, limit: PAGE_SIZE } : null;
}

/** Wide enough for the board's table layout (styles.css lays it out as cards at 640 px and below). */
const WIDE_SCREEN = '(min-width: 641px)';

/**
 * The search bar; `onSearch(null)` when cleared, back to the board. On a phone it starts folded
 * and folds again after a search, so the results are in view; the filters in force stay readable
 * on the fold.
 */
export function OrderSearchBar({ onSearch }: { onSearch: (search: OrderSearch | null) => void }) {
  const { t, v } = useT();
  const { config } = useApp();
  const [form, setForm] = useState<SearchForm>(BLANK);
  const [applied, setApplied] = useState<SearchForm | null>(null);
  const [open, setOpen] = useState(() => window.matchMedia(WIDE_SCREEN).matches);
  const change = (patch: Partial<SearchForm>): void => setForm((previous) => ({ ...previous, ...patch }));
  const submit = (event: Event): void => {
    event.preventDefault();
    const search = searchOf(form, config.policy.timeZone);
    setApplied(search === null ? null : form);
    if (!window.matchMedia(WIDE_SCREEN).matches) setOpen(false);
    onSearch(search);
  };
  const clear = (): void => {
    setForm(BLANK);
    setApplied(null);
    onSearch(null);
  };
  const filters = applied === null ? [] : filterWords(applied, t, v);
  return (
    <details class="card search-fold" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        <strong>{t('searchFold')}</strong>
        {filters.length > 0 && (
          <span class="active-filters" data-testid="active-filters">
            {' '}
            · {t('searchActiveFilters', { filters: filters.join(' · ') })}
          </span>
        )}
      </summary>
      <form aria-label={t('searchOrders')} class="search-form" onSubmit={submit}>
        <SearchTermFields idPrefix="order-search" keys={SEARCH_KEYS} labels={SEARCH_LABELS} form={form} onChange={change} />
        <div class="row">
          <Field id="order-section" label={t('orderSection')}>
            <select id="order-section" value={form.section} onChange={(e) => change({ section: e.currentTarget.value as Section | '' })}>
              <option value="">{t('allSections')}</option>
              {SECTIONS.map((section) => (
                <option key={section} value={section}>
                  {t(`section_${section}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="order-status" label={t('filterStatus')}>
            <select
              id="order-status"
              value={form.status}
              onChange={(e) => change({ status: e.currentTarget.value as ComplianceStatus | '' })}
            >
              <option value="">{t('allStatuses')}</option>
              {COMPLIANCE_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {v(status)}
                </option>
              ))}
            </select>
          </Field>
          <DayRangeFields ids={['issued-from', 'issued-to']} labels={['issuedFrom', 'issuedTo']} form={form} onChange={change} />
        </div>
        <SearchActions onClear={clear} />
      </form>
    </details>
  );
}

/** The filters of a search in force, in words, for the folded bar. */
function filterWords(form: SearchForm, t: Translator['t'], v: Translator['v']): string[] {
  const term = form.term.trim();
  return [
    term === '' ? '' : `${t(SEARCH_LABELS[form.by])} ${term}`,
    form.section === '' ? '' : t(`section_${form.section}`),
    form.status === '' ? '' : v(form.status),
    form.from === '' ? '' : `${t('issuedFrom')} ${form.from}`,
    form.to === '' ? '' : `${t('issuedTo')} ${form.to}`,
  ].filter((words) => words !== '');
}

/** The orders a search finds, its first page then more on request; `table` draws them as the board does. */
export function OrderResults({ search, table }: { search: OrderSearch; table: (orders: BoardOrder[]) => ComponentChildren }) {
  const { t } = useT();
  const { api } = useApp();
  const { found, busy, failure, more } = usePagedSearch(search, async (asked: OrderSearch, cursor?: string) => {
    const page = await api.searchOrders({ ...asked, cursor });
    return { items: page.orders, nextCursor: page.nextCursor };
  });
  const orders = found?.items ?? [];
  return (
    <section aria-labelledby="order-results-heading" data-testid="order-results">
      <h2 id="order-results-heading">{t('orderResults')}</h2>
      <ErrorNote error={failure} />
      <p role="status" aria-live="polite" class="muted">
        {found && t(found.nextCursor === undefined ? 'ordersShown' : 'ordersShownMore', { count: orders.length })}
      </p>
      {found && orders.length === 0 ? <p class="empty">{t('orderSearchEmpty')}</p> : orders.length > 0 && table(orders)}
      {found?.nextCursor !== undefined && (
        <button type="button" disabled={busy} onClick={more}>
          {t('moreOrders')}
        </button>
      )}
    </section>
  );
}

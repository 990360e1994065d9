/**
 * What the screens that search at volume share (cases, the deadline board): the "search by" choice
 * with its term, and the pages of a search, the first on each new search and more on request.
 */
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n';
import { dayBoundaryIn } from '../format';
import { Field } from './common';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string | undefined;
}

/** The pages of `search` read so far, appended in order; `more()` reads the next one. */
export function usePagedSearch<T, S>(search: S, fetchPage: (search: S, cursor?: string) => Promise<Page<T>>) {
  const [found, setFound] = useState<Page<T> | undefined>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const load = async (cursor?: string): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      const page = await fetchPage(search, cursor);
      setFound((previous) => ({
        items: [...(cursor === undefined ? [] : (previous?.items ?? [])), ...page.items],
        nextCursor: page.nextCursor,
      }));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts from its first page
  useEffect(() => {
    void load();
  }, [search]);
  return { found, busy, failure, more: (): void => void load(found?.nextCursor) };
}

/** What every search form holds: a term searched by one key, and a range of calendar days. */
export interface TermAndDays<K extends string> {
  by: K;
  term: string;
  from: string;
  to: string;
}

/**
 * The API's parameters for a form's term and days: the term under its key's name, the days as
 * whole days in the policy's time zone; a field left empty asks nothing.
 */
export function termAndDaysOf<K extends string>(
  form: TermAndDays<K>,
  timeZone: string,
): { term: Partial<Record<K, string>>; from: string | undefined; to: string | undefined } {
  const term = form.term.trim();
  return {
    term: term === '' ? {} : ({ [form.by]: term } as Partial<Record<K, string>>),
    from: form.from === '' ? undefined : dayBoundaryIn(form.from, timeZone),
    to: form.to === '' ? undefined : dayBoundaryIn(form.to, timeZone, true),
  };
}

/** "Search by" (which key) and "Search for" (its term). */
export function SearchTermFields<K extends string>({
  idPrefix,
  keys,
  labels,
  form,
  onChange,
}: {
  idPrefix: string;
  keys: readonly K[];
  labels: Record<K, MessageKey>;
  form: Pick<TermAndDays<K>, 'by' | 'term'>;
  onChange: (patch: Partial<TermAndDays<K>>) => void;
}) {
  const { t } = useT();
  return (
    <div class="row">
      <Field id={`${idPrefix}-by`} label={t('searchBy')}>
        <select id={`${idPrefix}-by`} value={form.by} onChange={(e) => onChange({ by: e.currentTarget.value as K })}>
          {keys.map((key) => (
            <option key={key} value={key}>
              {t(labels[key])}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${idPrefix}-term`} label={t('searchTerm')}>
        <input
          id={`${idPrefix}-term`}
          type="search"
          spellcheck={false}
          autocomplete="off"
          value={form.term}
          onInput={(e) => onChange({ term: e.currentTarget.value })}
        />
      </Field>
    </div>
  );
}

/** Two calendar days bounding a search (the page turns them into the policy's whole days). */
export function DayRangeFields({
  ids,
  labels,
  form,
  onChange,
}: {
  ids: readonly [string, string];
  labels: readonly [MessageKey, MessageKey];
  form: Pick<TermAndDays<string>, 'from' | 'to'>;
  onChange: (patch: Partial<Pick<TermAndDays<string>, 'from' | 'to'>>) => void;
}) {
  const { t } = useT();
  return (
    <>
      <Field id={ids[0]} label={t(labels[0])}>
        <input id={ids[0]} type="date" value={form.from} onInput={(e) => onChange({ from: e.currentTarget.value })} />
      </Field>
      <Field id={ids[1]} label={t(labels[1])}>
        <input id={ids[1]} type="date" value={form.to} onInput={(e) => onChange({ to: e.currentTarget.value })} />
      </Field>
    </>
  );
}

/** Search, and Clear back to where the screen started. */
export function SearchActions({ busy = false, onClear }: { busy?: boolean; onClear: () => void }) {
  const { t } = useT();
  return (
    <div class="actions">
      <button type="submit" disabled={busy}>
        {t('searchButton')}
      </button>
      <button type="button" class="secondary" onClick={onClear}>
        {t('clearSearch')}
      </button>
    </div>
  );
}

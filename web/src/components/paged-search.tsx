/**
 * What the screens that search at volume share (cases, the deadline board): the "search by" choice
 * with its term, and the pages of a search, the first on each new search and more on request.
 */
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n';
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

/** "Search by" (which key) and "Search for" (its term). */
export function SearchTermFields<K extends string>({
  idPrefix,
  keys,
  labels,
  by,
  term,
  onBy,
  onTerm,
}: {
  idPrefix: string;
  keys: readonly K[];
  labels: Record<K, MessageKey>;
  by: K;
  term: string;
  onBy: (by: K) => void;
  onTerm: (term: string) => void;
}) {
  const { t } = useT();
  return (
    <div class="row">
      <Field id={`${idPrefix}-by`} label={t('searchBy')}>
        <select id={`${idPrefix}-by`} value={by} onChange={(e) => onBy(e.currentTarget.value as K)}>
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
          value={term}
          onInput={(e) => onTerm(e.currentTarget.value)}
        />
      </Field>
    </div>
  );
}

/** Two calendar days bounding a search (the page turns them into the policy's whole days). */
export function DayRangeFields({
  ids,
  labels,
  from,
  to,
  onFrom,
  onTo,
}: {
  ids: readonly [string, string];
  labels: readonly [MessageKey, MessageKey];
  from: string;
  to: string;
  onFrom: (day: string) => void;
  onTo: (day: string) => void;
}) {
  const { t } = useT();
  return (
    <>
      <Field id={ids[0]} label={t(labels[0])}>
        <input id={ids[0]} type="date" value={from} onInput={(e) => onFrom(e.currentTarget.value)} />
      </Field>
      <Field id={ids[1]} label={t(labels[1])}>
        <input id={ids[1]} type="date" value={to} onInput={(e) => onTo(e.currentTarget.value)} />
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

import { useState } from 'preact/hooks';
import {
  CATEGORIES,
  duplicateCheckRequestSchema,
  LANGUAGES,
  REPORTER_KINDS,
  reportRequestSchema,
  type ReportRequest,
} from '../../../shared/domain/model';
import { ApiError, type DuplicateCase, type DuplicateCheck } from '../api';
import { described, ErrorNote, Field } from '../components/common';
import { ValueOptions } from '../components/ValueOptions';
import { useApp } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';
import { DuplicateCases } from './cases';

type FieldName = 'urls' | 'category' | 'reporterKind' | 'reporterRef' | 'summary' | 'contentSha256' | 'notifyEmail';
type Errors = Partial<Record<FieldName, string>>;

interface Form {
  urls: string;
  category: string;
  reporterKind: string;
  reporterRef: string;
  consent: boolean;
  summary: string;
  contentSha256: string;
  notify: boolean;
  notifyEmail: string;
  notifyLanguage: string;
}

/** Which form field a schema path (`urls.3`, `reporter.kind`) belongs to. */
function fieldOf(path: readonly PropertyKey[]): FieldName | null {
  const [head, next] = path;
  if (head === 'urls') return 'urls';
  if (head === 'category') return 'category';
  if (head === 'reporter') return next === 'reference' ? 'reporterRef' : 'reporterKind';
  if (head === 'summary') return 'summary';
  if (head === 'contentSha256') return 'contentSha256';
  if (head === 'notify') return 'notifyEmail';
  return null;
}

/** Each language by its own name, as language pickers write them. */
const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = { ko: '한국어', en: 'English' };

function pathOf(field: string): (string | number)[] {
  return field
    .split(/[.[\]]+/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export function IntakePage() {
  const { t, schema, lang } = useT();
  const { api, session } = useApp();
  const isStaff = session.roles.includes('staff');
  const blank: Form = {
    urls: '',
    category: '',
    reporterKind: isStaff ? '' : 'SUPPORT_CENTER',
    reporterRef: '',
    consent: false,
    summary: '',
    contentSha256: '',
    notify: false,
    notifyEmail: '',
    notifyLanguage: lang,
  };
  const [form, setForm] = useState<Form>(blank);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<string | null>(null);
  const [duplicates, setDuplicates] = useState<DuplicateCase[] | undefined>();
  // The duplicate check of the URLs as they were last checked (`key`: those URLs, one a line).
  const [check, setCheck] = useState<(DuplicateCheck & { key: string }) | undefined>();
  const [checking, setChecking] = useState(false);
  // One key per filled form: a double click or a retry after a lost answer files one case.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const lines = form.urls
    .split('\n')
    .map((line, index) => ({ url: line.trim(), line: index + 1 }))
    .filter((l) => l.url);
  const set = <K extends keyof Form>(key: K, value: Form[K]): void => setForm((f) => ({ ...f, [key]: value }));

  /**
   * Asks which of these URLs are already being handled. A failed check never stops a report:
   * it answers undefined and filing goes on without the warning.
   */
  const checkDuplicates = async (urls: readonly string[]): Promise<DuplicateCheck | undefined> => {
    const key = urls.join('\n');
    if (check?.key === key) return check;
    setChecking(true);
    try {
      const answer = { ...(await api.checkDuplicates(urls)), key };
      setCheck(answer);
      return answer;
    } catch {
      return undefined;
    } finally {
      setChecking(false);
    }
  };
  const enteredUrls = duplicateCheckRequestSchema.safeParse({ urls: lines.map((l) => l.url) });
  const checkOnLeave = (): void => {
    if (enteredUrls.success) void checkDuplicates(enteredUrls.data.urls);
  };
  // A check of other URLs than those in the form now warns of nothing.
  const current = enteredUrls.success && check?.key === enteredUrls.data.urls.join('\n') ? check : undefined;
  const warned = current !== undefined && current.urls.length > 0;

  const explain = (path: readonly PropertyKey[], message: string): [FieldName, string] | null => {
    const field = fieldOf(path);
    if (!field) return null;
    const index = path[1];
    const text = schema(field === 'category' || field === 'reporterKind' ? 'choose one' : message);
    if (field === 'urls' && typeof index === 'number') {
      return [field, t('urlLineError', { line: lines[index]?.line ?? index + 1, message: schema(message) })];
    }
    return [field, text];
  };

  // Never rejects (a failure is shown in the form), so its callers do not wait for it: `void submit(event)`.
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFailure(null);
    const candidate = {
      urls: lines.map((l) => l.url),
      category: form.category,
      reporter: { kind: form.reporterKind, ...(form.reporterRef.trim() ? { reference: form.reporterRef.trim() } : {}) },
      victimConsent: form.consent,
      ...(form.summary.trim() ? { summary: form.summary.trim() } : {}),
      ...(form.contentSha256.trim() ? { contentSha256: form.contentSha256.trim() } : {}),
      ...(form.notify ? { notify: { email: form.notifyEmail.trim(), language: form.notifyLanguage } } : {}),
    };
    const parsed = reportRequestSchema.safeParse(candidate);
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const pair = explain(issue.path, issue.message);
        if (pair && !found[pair[0]]) found[pair[0]] = pair[1];
      }
      setErrors(found);
      focusFirstError(found);
      return;
    }
    setErrors({});
    setBusy(true);
    // The first submit of URLs already being handled only shows the warning; the next one files.
    const seenBefore = check?.key === parsed.data.urls.join('\n');
    const checked = await checkDuplicates(parsed.data.urls);
    if (!seenBefore && checked !== undefined && checked.urls.length > 0) {
      setBusy(false);
      requestAnimationFrame(() => document.getElementById('already-handled')?.focus());
      return;
    }
    try {
      const answer = await api.fileReport(parsed.data satisfies ReportRequest, idempotencyKey);
      setFiled(answer.caseId);
      setDuplicates(answer.duplicates);
      setForm(blank);
      setCheck(undefined);
      setIdempotencyKey(crypto.randomUUID());
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0) {
        const found: Errors = {};
        for (const detail of error.details) {
          const pair = detail.field ? explain(pathOf(detail.field), detail.message) : null;
          if (pair && !found[pair[0]]) found[pair[0]] = pair[1];
        }
        setErrors(found);
        focusFirstError(found);
      }
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card">
      <h1>{t('intakeTitle')}</h1>
      {filed && (
        <p class="success" role="status">
          {t('filed', { caseId: filed })} {isStaff && <a href={href(`/cases/${filed}`)}>{t('openCase')}</a>}
        </p>
      )}
      {filed && duplicates !== undefined && duplicates.length > 0 && (
        <section class="warning" aria-labelledby="duplicates-h">
          <h2 id="duplicates-h">{t('duplicatesTitle')}</h2>
          <DuplicateCases duplicates={duplicates} />
        </section>
      )}
      {Object.keys(errors).length > 0 && (
        <p class="error" role="alert">
          {t('fixErrors')}
        </p>
      )}
      <ErrorNote error={failure} />
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field id="urls" label={t('fieldUrls')} error={errors.urls} hint={t('fieldUrlsHint')}>
          <textarea
            {...described('urls', errors.urls, true)}
            rows={5}
            spellcheck={false}
            autocomplete="off"
            value={form.urls}
            onInput={(e) => set('urls', e.currentTarget.value)}
            onBlur={checkOnLeave}
          />
        </Field>
        {/* Its line is kept when empty: the check starts when the URLs field loses focus, often on a
            press of "File report", and a line appearing then would move the button from under the pointer. */}
        <p role="status" aria-live="polite" class="muted check-status">
          {checking ? t('checkingDuplicates') : ''}
        </p>
        {warned && (
          <section id="already-handled" class="warning" aria-labelledby="already-handled-h" tabIndex={-1} data-testid="already-handled">
            <h2 id="already-handled-h">{t('alreadyHandledTitle')}</h2>
            <p>{t('alreadyHandledHint')}</p>
            <ul class="duplicates">
              {current.urls.map((url) => (
                <li key={url} class="mono">
                  {url}
                </li>
              ))}
            </ul>
            {current.duplicates !== undefined && <DuplicateCases duplicates={current.duplicates} />}
          </section>
        )}
        <div class="row">
          <Field id="category" label={t('fieldCategory')} error={errors.category}>
            <select
              {...described('category', errors.category)}
              value={form.category}
              onChange={(e) => set('category', e.currentTarget.value)}
            >
              <ValueOptions values={CATEGORIES} empty={t('chooseOne')} />
            </select>
          </Field>
          <Field id="reporterKind" label={t('fieldReporterKind')} error={errors.reporterKind}>
            <select
              {...described('reporterKind', errors.reporterKind)}
              value={form.reporterKind}
              onChange={(e) => set('reporterKind', e.currentTarget.value)}
            >
              <ValueOptions values={REPORTER_KINDS} empty={t('chooseOne')} />
            </select>
          </Field>
        </div>
        <Field id="reporterRef" label={t('fieldReporterRef')} error={errors.reporterRef}>
          <input
            {...described('reporterRef', errors.reporterRef)}
            value={form.reporterRef}
            autocomplete="off"
            onInput={(e) => set('reporterRef', e.currentTarget.value)}
          />
        </Field>
        <div class="field check">
          <input id="consent" type="checkbox" checked={form.consent} onChange={(e) => set('consent', e.currentTarget.checked)} />
          <label for="consent">{t('fieldConsent')}</label>
        </div>
        <Field id="summary" label={t('fieldSummary')} error={errors.summary}>
          <textarea
            {...described('summary', errors.summary)}
            rows={3}
            maxLength={2000}
            value={form.summary}
            onInput={(e) => set('summary', e.currentTarget.value)}
          />
        </Field>
        <Field id="contentSha256" label={t('fieldSha')} error={errors.contentSha256}>
          <input
            {...described('contentSha256', errors.contentSha256)}
            class="mono"
            autocomplete="off"
            spellcheck={false}
            value={form.contentSha256}
            onInput={(e) => set('contentSha256', e.currentTarget.value)}
          />
        </Field>
        <fieldset class="notify">
          <legend>{t('emailUpdates')}</legend>
          <div class="field check">
            <input id="notify" type="checkbox" checked={form.notify} onChange={(e) => set('notify', e.currentTarget.checked)} />
            <label for="notify">{t('fieldNotify')}</label>
          </div>
          {form.notify && (
            <div class="row">
              <Field id="notifyEmail" label={t('fieldNotifyEmail')} error={errors.notifyEmail} hint={t('fieldNotifyEmailHint')}>
                <input
                  {...described('notifyEmail', errors.notifyEmail, true)}
                  type="email"
                  autocomplete="email"
                  spellcheck={false}
                  value={form.notifyEmail}
                  onInput={(e) => set('notifyEmail', e.currentTarget.value)}
                />
              </Field>
              <Field id="notifyLanguage" label={t('fieldNotifyLanguage')}>
                <select id="notifyLanguage" value={form.notifyLanguage} onChange={(e) => set('notifyLanguage', e.currentTarget.value)}>
                  {LANGUAGES.map((language) => (
                    <option key={language} value={language}>
                      {LANGUAGE_NAMES[language]}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
          )}
        </fieldset>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('filing') : warned ? t('fileAnyway') : t('fileReport')}
        </button>
      </form>
    </section>
  );
}

function focusFirstError(errors: Errors): void {
  const order: FieldName[] = ['urls', 'category', 'reporterKind', 'reporterRef', 'summary', 'contentSha256', 'notifyEmail'];
  const first = order.find((name) => errors[name]);
  if (first) requestAnimationFrame(() => document.getElementById(first)?.focus());
}

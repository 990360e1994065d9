/**
 * The operators registry (CONTRACT.md section 4) for staff: the list, registering an operator and
 * editing one, with the API's refusals shown next to the field they are about. Auditors read the
 * list without edit controls. `AssignHost` gives a case's unassigned host to an operator.
 */
import { useState } from 'preact/hooks';
import {
  type CaseUrl,
  JURISDICTIONS,
  LANGUAGES,
  type Operator,
  type OperatorInput,
  operatorInputSchema,
} from '../../../shared/domain/model';
import { operatorForHost } from '../../../shared/domain/orders';
import { ApiError, type CaseDetail } from '../api';
import { described, ErrorNote, Field, Loaded, money, Section } from '../components/common';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useApp, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

export function OperatorsPage() {
  const { t } = useT();
  const { api, session } = useApp();
  const canEdit = session.roles.includes('staff');
  const registry = useResource(() => api.operators(), [api]);
  const [registering, setRegistering] = useState(false);
  const [saved, setSaved] = useState<string>();
  const done = (operator: Operator): void => {
    setRegistering(false);
    setSaved(operator.operatorId);
    registry.reload();
  };
  return (
    <section>
      <div class="title-row">
        <h1>{t('operatorsTitle')}</h1>
        {canEdit && !registering && (
          <button type="button" onClick={() => setRegistering(true)}>
            {t('operatorRegister')}
          </button>
        )}
      </div>
      {saved && (
        <p class="success" role="status">
          {t('operatorSaved', { operatorId: saved })}
        </p>
      )}
      {registering && (
        <div class="card">
          <h2>{t('operatorRegister')}</h2>
          <OperatorForm onSaved={done} onCancel={() => setRegistering(false)} />
        </div>
      )}
      <Loaded resource={registry}>
        {(operators) =>
          operators.length === 0 ? (
            <p class="empty">{t('operatorsEmpty')}</p>
          ) : (
            <ul class="cards operators">
              {operators
                .slice()
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((operator) => (
                  <li key={operator.operatorId}>
                    <OperatorCard operator={operator} canEdit={canEdit} onSaved={done} />
                  </li>
                ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function OperatorCard({ operator, canEdit, onSaved }: { operator: Operator; canEdit: boolean; onSaved: (operator: Operator) => void }) {
  const { t, v, lang } = useT();
  const [editing, setEditing] = useState(false);
  const headingId = `op-${operator.operatorId}`;
  return (
    <article class="card" aria-labelledby={headingId} data-operator={operator.operatorId}>
      <div class="title-row">
        <h2 id={headingId}>
          {operator.name} <span class="mono meta">{operator.operatorId}</span>
        </h2>
        {canEdit && !editing && (
          <button type="button" onClick={() => setEditing(true)} aria-label={t('operatorEditOf', { name: operator.name })}>
            {t('operatorEdit')}
          </button>
        )}
      </div>
      {editing ? (
        <OperatorForm
          existing={operator}
          onSaved={(updated) => {
            setEditing(false);
            onSaved(updated);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <dl class="facts">
          <dt>{t('operatorDomains')}</dt>
          <dd class="mono">{operator.domains.join(', ')}</dd>
          <dt>{t('operatorContacts')}</dt>
          <dd class="mono">{operator.contactEmails.join(', ')}</dd>
          <dt>{t('operatorJurisdiction')}</dt>
          <dd>{v(operator.jurisdiction)}</dd>
          <dt>{t('operatorKind')}</dt>
          <dd>{v(operator.kind ?? 'HOST')}</dd>
          <dt>{t('operatorLanguage')}</dt>
          <dd>{t(operator.language === 'ko' ? 'languageKo' : 'languageEn')}</dd>
          <dt>{t('operatorRevenue')}</dt>
          <dd>{money(operator.annualRevenue, operator.currency, lang)}</dd>
        </dl>
      )}
    </article>
  );
}

type FieldName = 'operatorId' | 'name' | 'domains' | 'contactEmails' | 'jurisdiction' | 'language' | 'annualRevenue' | 'currency';
const FIELDS: readonly FieldName[] = [
  'operatorId',
  'name',
  'domains',
  'contactEmails',
  'jurisdiction',
  'language',
  'annualRevenue',
  'currency',
];
type Errors = Partial<Record<FieldName, string>>;

interface Draft {
  operatorId: string;
  name: string;
  domains: string;
  contactEmails: string;
  jurisdiction: Operator['jurisdiction'];
  language: Operator['language'];
  annualRevenue: string;
  currency: string;
}

const listOf = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');

function draftOf(existing: Operator | undefined, domain: string | undefined): Draft {
  return {
    operatorId: existing?.operatorId ?? '',
    name: existing?.name ?? '',
    domains: existing ? existing.domains.join('\n') : (domain ?? ''),
    contactEmails: existing?.contactEmails.join('\n') ?? '',
    jurisdiction: existing?.jurisdiction ?? 'DOMESTIC',
    language: existing?.language ?? 'ko',
    annualRevenue: existing ? String(existing.annualRevenue) : '',
    currency: existing?.currency ?? 'KRW',
  };
}

/** The field a refusal is about: a zod path or an API detail's `field` ("domains.1" → domains). */
function fieldOf(path: string): FieldName | undefined {
  const head = path.split('.')[0] ?? '';
  return (FIELDS as readonly string[]).includes(head) ? (head as FieldName) : undefined;
}

/** Registers an operator (no `existing`) or edits one; a new one may start with a host to claim. */
export function OperatorForm({
  existing,
  domain,
  onSaved,
  onCancel,
}: {
  existing?: Operator;
  domain?: string;
  onSaved: (operator: Operator) => void;
  onCancel: () => void;
}) {
  const { t, v, schema } = useT();
  const { api } = useApp();
  const [draft, setDraft] = useState<Draft>(() => draftOf(existing, domain));
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const prefix = existing ? `edit-${existing.operatorId}` : 'new-operator';
  const id = (name: FieldName): string => `${prefix}-${name}`;
  const set = <K extends keyof Draft>(name: K, value: Draft[K]): void => setDraft((previous) => ({ ...previous, [name]: value }));

  const showErrors = (found: Errors): void => {
    setErrors(found);
    const first = FIELDS.find((name) => found[name]);
    if (first) document.getElementById(id(first))?.focus();
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFailure(undefined);
    const input = {
      ...(existing || draft.operatorId.trim() === '' ? {} : { operatorId: draft.operatorId.trim() }),
      name: draft.name.trim(),
      domains: listOf(draft.domains.toLowerCase()),
      contactEmails: listOf(draft.contactEmails),
      jurisdiction: draft.jurisdiction,
      language: draft.language,
      annualRevenue: draft.annualRevenue.trim() === '' ? Number.NaN : Number(draft.annualRevenue),
      currency: draft.currency.trim().toUpperCase(),
    };
    const parsed = operatorInputSchema.safeParse(input);
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const name = fieldOf(issue.path.join('.'));
        if (name && !found[name]) found[name] = schema(issue.message);
      }
      showErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const data: OperatorInput = parsed.data;
      const { operatorId: _id, ...patch } = data;
      onSaved(existing ? await api.updateOperator(existing.operatorId, patch) : await api.registerOperator(data));
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0) {
        const found: Errors = {};
        for (const detail of error.details) {
          const name = detail.field ? fieldOf(detail.field) : undefined;
          if (name && !found[name]) found[name] = detail.message;
        }
        showErrors(found);
      } else if (error instanceof ApiError && error.code === 'CONFLICT') {
        // A domain claimed by another operator, or an id already taken: the message names which.
        showErrors(
          /domain/i.test(error.message) ? { domains: t('domainTaken', { message: error.message }) } : { operatorId: error.message },
        );
      } else {
        setFailure(error);
      }
    } finally {
      setBusy(false);
    }
  };

  const text = (name: 'operatorId' | 'name' | 'currency', label: string, extra: Record<string, unknown> = {}) => (
    <Field id={id(name)} label={label} error={errors[name]}>
      <input
        {...described(id(name), errors[name])}
        value={draft[name]}
        onInput={(e) => set(name, e.currentTarget.value)}
        autocomplete="off"
        spellcheck={false}
        {...extra}
      />
    </Field>
  );
  const list = (name: 'domains' | 'contactEmails', label: string) => (
    <Field id={id(name)} label={label} error={errors[name]} hint={t('operatorListHint')}>
      <textarea
        {...described(id(name), errors[name], true)}
        rows={2}
        value={draft[name]}
        onInput={(e) => set(name, e.currentTarget.value)}
        spellcheck={false}
      />
    </Field>
  );

  return (
    <form
      class="operator-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={existing ? t('operatorEdit') : t('operatorRegister')}
    >
      {!existing && text('operatorId', t('operatorIdOptional'))}
      {text('name', t('operatorName'))}
      {list('domains', t('operatorDomains'))}
      {list('contactEmails', t('operatorContacts'))}
      <div class="row">
        <Field id={id('jurisdiction')} label={t('operatorJurisdiction')} error={errors.jurisdiction}>
          <select
            {...described(id('jurisdiction'), errors.jurisdiction)}
            value={draft.jurisdiction}
            onChange={(e) => set('jurisdiction', e.currentTarget.value as Draft['jurisdiction'])}
          >
            {JURISDICTIONS.map((value) => (
              <option key={value} value={value}>
                {v(value)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id('language')} label={t('operatorLanguage')} error={errors.language}>
          <select
            {...described(id('language'), errors.language)}
            value={draft.language}
            onChange={(e) => set('language', e.currentTarget.value as Draft['language'])}
          >
            {LANGUAGES.map((value) => (
              <option key={value} value={value}>
                {t(value === 'ko' ? 'languageKo' : 'languageEn')}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div class="row">
        <Field id={id('annualRevenue')} label={t('operatorRevenue')} error={errors.annualRevenue}>
          <input
            {...described(id('annualRevenue'), errors.annualRevenue)}
            inputMode="numeric"
            value={draft.annualRevenue}
            onInput={(e) => set('annualRevenue', e.currentTarget.value)}
          />
        </Field>
        {text('currency', t('operatorCurrency'), { maxLength: 3 })}
      </div>
      <ErrorNote error={failure} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {existing ? t('save') : t('operatorRegister')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * Gives an unassigned host to an operator: an existing one (the host joins its domains) or a new
 * one registered for it. `onAssigned` runs once the registry holds the host.
 */
export function AssignHost({ host, onAssigned, onCancel }: { host: string; onAssigned: () => void; onCancel: () => void }) {
  const { t } = useT();
  const { api } = useApp();
  const registry = useResource(() => api.operators(), [api]);
  const [mode, setMode] = useState<'existing' | 'new'>('existing');
  const [chosen, setChosen] = useState('');
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const slug = host.replace(/[^a-z0-9]+/g, '-');

  const addTo = async (operators: Operator[]): Promise<void> => {
    const operator = operators.find((candidate) => candidate.operatorId === chosen);
    if (!operator) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await api.updateOperator(operator.operatorId, { domains: [...operator.domains, host] });
      onAssigned();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="assign-host card" data-assign={host}>
      <h3>{t('assignHostTitle', { host })}</h3>
      <fieldset class="choice">
        <legend class="sr-only">{t('assignHostHow')}</legend>
        <label>
          <input type="radio" name={`assign-${slug}`} checked={mode === 'existing'} onChange={() => setMode('existing')} />{' '}
          {t('assignToExisting')}
        </label>
        <label>
          <input type="radio" name={`assign-${slug}`} checked={mode === 'new'} onChange={() => setMode('new')} /> {t('assignToNew')}
        </label>
      </fieldset>
      {mode === 'existing' ? (
        <Loaded resource={registry}>
          {(operators) => (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void addTo(operators);
              }}
            >
              <Field id={`assign-${slug}-operator`} label={t('assignOperator')}>
                <select id={`assign-${slug}-operator`} value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
                  <option value="">{t('assignPick')}</option>
                  {operators.map((operator) => (
                    <option key={operator.operatorId} value={operator.operatorId}>
                      {operator.name} ({operator.operatorId})
                    </option>
                  ))}
                </select>
              </Field>
              <ErrorNote error={failure} />
              <div class="actions">
                <button type="submit" class="primary" disabled={busy || chosen === ''} aria-busy={busy}>
                  {t('assignAdd', { host })}
                </button>
                <button type="button" onClick={onCancel}>
                  {t('cancel')}
                </button>
              </div>
            </form>
          )}
        </Loaded>
      ) : (
        <OperatorForm domain={host} onSaved={onAssigned} onCancel={onCancel} />
      )}
    </div>
  );
}

interface HostGroup {
  host: string;
  urls: number;
  /** The follow-up case that took the host's URLs over. */
  referredTo?: string;
}

function hostGroups(urls: readonly CaseUrl[]): HostGroup[] {
  const groups = new Map<string, HostGroup>();
  for (const url of urls) {
    if (url.operatorId !== null) continue;
    const key = `${url.host}\n${url.referredTo ?? ''}`;
    const group = groups.get(key) ?? { host: url.host, urls: 0, ...(url.referredTo === undefined ? {} : { referredTo: url.referredTo }) };
    group.urls += 1;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * A case's hosts that no operator claimed when its URLs were matched: which operator each matches
 * now, an "assign" action for staff, and (once the case's orders are issued) filing the follow-up
 * case that orders them.
 */
export function UnassignedHosts({ detail, onChange }: { detail: CaseDetail; onChange: () => void }) {
  const { t } = useT();
  const { api, session } = useApp();
  const isStaff = session.roles.includes('staff');
  const groups = hostGroups(detail.urls);
  const registry = useResource<Operator[] | null>(() => (isStaff ? api.operators() : Promise.resolve(null)), [api, isStaff]);
  const [assigning, setAssigning] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [filed, setFiled] = useState<string>();
  if (groups.length === 0) return null;
  const operators = registry.data ?? [];
  const issued = detail.ordersIssuedAt !== undefined;
  const open = groups.filter((group) => group.referredTo === undefined);

  const assigned = (): void => {
    setAssigning(undefined);
    registry.reload();
    onChange();
  };
  const fileFollowUp = async (): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      setFiled((await api.fileFollowUp(detail.caseId)).followUpCaseId);
      onChange();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <Section title={t('unassignedTitle')} id="unassigned">
      <p class="meta">{t('unassignedIntro')}</p>
      <ul class="plain unassigned-hosts">
        {groups.map((group) => {
          const match = operatorForHost(group.host, operators);
          return (
            <li key={`${group.host}-${group.referredTo ?? ''}`} data-host={group.host}>
              <span class="mono">{group.host}</span> · {t('unassignedHostUrls', { count: group.urls })} ·{' '}
              {group.referredTo !== undefined ? (
                <>
                  {t('unassignedReferred')}{' '}
                  <a class="mono" href={href(`/cases/${group.referredTo}`)}>
                    {group.referredTo}
                  </a>
                </>
              ) : match === null ? (
                <span class="warn">{t('unassignedNoMatch')}</span>
              ) : (
                <strong data-matches={match}>
                  {t(issued ? 'unassignedMatchFollowUp' : 'unassignedMatchAtApproval', { operatorId: match })}
                </strong>
              )}
              {isStaff && group.referredTo === undefined && match === null && assigning !== group.host && (
                <>
                  {' '}
                  <button type="button" onClick={() => setAssigning(group.host)} aria-label={t('assignHostOf', { host: group.host })}>
                    {t('assignHost')}
                  </button>
                </>
              )}
              {assigning === group.host && <AssignHost host={group.host} onAssigned={assigned} onCancel={() => setAssigning(undefined)} />}
            </li>
          );
        })}
      </ul>
      {filed && (
        <p class="success" role="status">
          {t('followUpFiled', { caseId: filed })} <a href={href(`/cases/${filed}`)}>{filed}</a>
        </p>
      )}
      {isStaff && issued && open.length > 0 && (
        <>
          <p class="meta">{t('followUpExplain')}</p>
          <ErrorNote error={failure} />
          <button type="button" class="primary" disabled={busy} onClick={() => setConfirming(true)}>
            {t('followUpFile')}
          </button>
          <ConfirmDialog
            open={confirming}
            title={t('followUpConfirmTitle')}
            confirmLabel={t('followUpConfirm')}
            busy={busy}
            onConfirm={() => void fileFollowUp()}
            onCancel={() => setConfirming(false)}
          >
            <p>{t('followUpExplain')}</p>
          </ConfirmDialog>
        </>
      )}
    </Section>
  );
}

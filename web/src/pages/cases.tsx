import { CaseBlocklist } from './blocklist';
import { useState } from 'preact/hooks';
import { CASE_STATUSES, CATEGORIES, type Category, escalationDecisionRequestSchema, type CaseStatus } from '../../../shared/domain/model';
import type { ReferralRecord } from '../../../shared/domain/referrals';
import type { AuditChain, CaseDetail, CaseOrder, CaseSearch, CaseSummary, DuplicateCase, ReviewView } from '../api';
import {
  DayRangeFields,
  SearchActions,
  SearchTermFields,
  type TermAndDays,
  termAndDaysOf,
  usePagedSearch,
} from '../components/paged-search';
import { ApprovalList, Badge, Countdown, DateTime, described, ErrorNote, Field, Loaded, Section } from '../components/common';
import { FineDecisionForm, FineDetails } from '../components/Fines';
import { MonitoringResults } from '../components/Monitoring';
import { ValueOptions } from '../components/ValueOptions';
import { ReviewTally } from '../components/ReviewTally';
import { StateDiagram } from '../components/StateDiagram';
import { useApp, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';
import { timelineWords, type TimelineContext } from '../timeline-words';
import { UnassignedHosts } from './operators';

type SearchKey = 'url' | 'host' | 'operatorId' | 'reference';
const SEARCH_KEYS: readonly SearchKey[] = ['url', 'host', 'operatorId', 'reference'];
const SEARCH_LABELS = { url: 'searchByUrl', host: 'searchByHost', operatorId: 'searchByOperator', reference: 'searchByReference' } as const;

interface SearchForm extends TermAndDays<SearchKey> {
  status: CaseStatus | '';
  category: Category | '';
}

const BLANK_SEARCH: SearchForm = { by: 'url', term: '', status: '', category: '', from: '', to: '' };
const PAGE_SIZE = 50;

/** The API's filters for a filled form: calendar days are whole days in the policy's time zone. */
function searchOf(form: SearchForm, timeZone: string): CaseSearch {
  const { term, from, to } = termAndDaysOf(form, timeZone);
  return { ...term, status: form.status || undefined, category: form.category || undefined, from, to, limit: PAGE_SIZE };
}

export function CasesPage() {
  const { t } = useT();
  const { api, config } = useApp();
  const [form, setForm] = useState<SearchForm>(BLANK_SEARCH);
  const [search, setSearch] = useState<CaseSearch>(() => searchOf(BLANK_SEARCH, config.policy.timeZone));
  const { found, busy, failure, more } = usePagedSearch(search, async (asked: CaseSearch, cursor?: string) => {
    const page = await api.searchCases({ ...asked, cursor });
    return { items: page.cases, nextCursor: page.nextCursor };
  });

  const change = (patch: Partial<SearchForm>): void => setForm((previous) => ({ ...previous, ...patch }));
  const submit = (event: Event): void => {
    event.preventDefault();
    setSearch(searchOf(form, config.policy.timeZone));
  };
  const clear = (): void => {
    setForm(BLANK_SEARCH);
    setSearch(searchOf(BLANK_SEARCH, config.policy.timeZone));
  };
  const list = found?.items ?? [];
  return (
    <section>
      <h1>{t('casesTitle')}</h1>
      <form aria-label={t('searchCases')} class="card search-form" onSubmit={submit}>
        <SearchTermFields idPrefix="search" keys={SEARCH_KEYS} labels={SEARCH_LABELS} form={form} onChange={change} />
        <div class="row">
          <Field id="status-filter" label={t('filterStatus')}>
            <select id="status-filter" value={form.status} onChange={(e) => change({ status: e.currentTarget.value as CaseStatus | '' })}>
              <ValueOptions values={CASE_STATUSES} empty={t('allStatuses')} />
            </select>
          </Field>
          <Field id="category-filter" label={t('category')}>
            <select
              id="category-filter"
              value={form.category}
              onChange={(e) => change({ category: e.currentTarget.value as Category | '' })}
            >
              <ValueOptions values={CATEGORIES} empty={t('allCategories')} />
            </select>
          </Field>
          <DayRangeFields ids={['date-from', 'date-to']} labels={['dateFrom', 'dateTo']} form={form} onChange={change} />
        </div>
        <SearchActions busy={busy} onClear={clear} />
      </form>
      <ErrorNote error={failure} />
      <p role="status" aria-live="polite" class="muted">
        {found && t(found.nextCursor === undefined ? 'casesShown' : 'casesShownMore', { count: list.length })}
      </p>
      {found && list.length === 0 ? <p class="empty">{t('casesEmpty')}</p> : <CaseTable cases={list} />}
      {found?.nextCursor !== undefined && (
        <button type="button" disabled={busy} onClick={more}>
          {t('moreCases')}
        </button>
      )}
    </section>
  );
}

function CaseTable({ cases }: { cases: readonly CaseSummary[] }) {
  const { t, v } = useT();
  if (cases.length === 0) return null;
  return (
    <table class="board">
      <thead>
        <tr>
          <th scope="col">{t('colCase')}</th>
          <th scope="col">{t('category')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('createdAt')}</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <tr key={c.caseId}>
            <td data-label={t('colCase')}>
              <a href={href(`/cases/${c.caseId}`)} class="mono">
                {c.caseId}
              </a>
            </td>
            <td data-label={t('category')}>{v(c.category)}</td>
            <td data-label={t('status')}>
              <Badge value={c.status} />
            </td>
            <td data-label={t('createdAt')}>
              <DateTime iso={c.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Other cases holding some of the same URLs: on the case page, and after filing. */
export function DuplicateCases({ duplicates }: { duplicates: readonly DuplicateCase[] }) {
  const { t, v } = useT();
  if (duplicates.length === 0) return <p class="muted">{t('duplicatesNone')}</p>;
  return (
    <div role="note" aria-label={t('duplicatesTitle')}>
      <p>{t('duplicatesHint')}</p>
      <ul class="duplicates">
        {duplicates.map((other) => (
          <li key={other.caseId}>
            <a href={href(`/cases/${other.caseId}`)} class="mono">
              {other.caseId}
            </a>{' '}
            <Badge value={other.status} /> {v(other.category)} <DateTime iso={other.createdAt} />
            <div class="muted">
              {t('sharedUrls')}:{' '}
              {other.urls.map((url) => (
                <span key={url} class="mono break">
                  {url}{' '}
                </span>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CasePage({ caseId }: { caseId: string }) {
  const i18n = useT();
  const { t } = i18n;
  const { api, session, config } = useApp();
  const seesAudit = session.roles.includes('staff') || session.roles.includes('auditor');
  const detail = useResource(() => api.caseDetail(caseId), [api, caseId], 15_000);
  const audit = useResource<AuditChain | null>(
    () => (seesAudit ? api.audit(caseId) : Promise.resolve(null)),
    [api, caseId, seesAudit],
    15_000,
  );
  return (
    <Loaded resource={detail}>
      {(c) => (
        <div class="case">
          <div class="title-row">
            <h1>
              {t('caseTitle')} <span class="mono">{c.caseId}</span>
            </h1>
            <Badge value={c.status} />
          </div>
          <CaseFacts detail={c} />
          <UnassignedHosts detail={c} onChange={detail.reload} />
          {c.duplicates !== undefined && (
            <Section title={t('duplicatesTitle')} id="duplicates">
              <DuplicateCases duplicates={c.duplicates} />
            </Section>
          )}
          <Section title={t('workflow')} id="workflow">
            <StateDiagram detail={c} />
          </Section>
          <Orders orders={c.orders} onChange={detail.reload} />
          {c.orders.some((order) => order.action === 'BLOCK_ACCESS') && <CaseBlocklist caseId={c.caseId} />}
          <Reviews detail={c} onChange={detail.reload} />
          {c.appeals.length > 0 && (
            <Section title={t('appeals')} id="appeals">
              <ul class="plain">
                {c.appeals.map((a) => (
                  <li key={a.appealId}>
                    <strong>{a.operatorId}</strong> · <Badge value={a.status} /> · <DateTime iso={a.filedAt} />
                    <p class="quote">{a.grounds}</p>
                  </li>
                ))}
              </ul>
            </Section>
          )}
          {c.referrals !== undefined && c.referrals.length > 0 && <Referrals referrals={c.referrals} />}
          <Section title={t('timeline')} id="timeline">
            <ol class="timeline">
              {c.timeline.map((entry, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows at its end, so an index names the same entry in every render
                <li key={`${entry.at}-${i}`} data-action={entry.action}>
                  <DateTime iso={entry.at} /> · {timelineWords(entry, i18n, wordsContext(c, config.policy.timeZone))}
                </li>
              ))}
            </ol>
          </Section>
          {seesAudit && (
            <Section title={t('audit')} id="audit">
              <Loaded resource={audit}>{(chain) => (chain ? <AuditView chain={chain} detail={c} /> : null)}</Loaded>
            </Section>
          )}
        </div>
      )}
    </Loaded>
  );
}

/** Where each referral abroad stands: the partner's word, per URL, and why a delivery fails (docs/referrals.md). */
function Referrals({ referrals }: { referrals: readonly ReferralRecord[] }) {
  const { t } = useT();
  return (
    <Section title={t('referrals')} id="referrals">
      <ul class="plain">
        {referrals.map((referral) => {
          const lastAttempt = referral.attempts.at(-1);
          return (
            <li key={referral.referralId} data-referral={referral.referralId}>
              <strong>{referral.partnerId}</strong> ({referral.country}) · <Badge value={referral.status} /> ·{' '}
              <span class="mono">{referral.referralId}</span> · <DateTime iso={referral.createdAt} />
              {referral.declined && (
                <p class="quote">
                  {t('referralDeclined')}: {referral.declined.reason}
                </p>
              )}
              {referral.status === 'PENDING' && lastAttempt && (
                <p class="muted">
                  {lastAttempt.error ?? `HTTP ${lastAttempt.statusCode ?? ''}`}
                  {referral.nextAttemptAt && (
                    <>
                      {' '}
                      → <DateTime iso={referral.nextAttemptAt} />
                    </>
                  )}
                </p>
              )}
              <ul class="plain mono">
                {referral.urls.map((entry) => (
                  <li key={entry.url}>
                    {entry.url}
                    {entry.removedAt && (
                      <>
                        {' '}
                        · {t('referralRemovedAt')} <DateTime iso={entry.removedAt} />
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function CaseFacts({ detail }: { detail: CaseDetail }) {
  const { t, v } = useT();
  const approvals = detail.approvals ?? [];
  return (
    <Section title={t('details')} id="facts">
      <dl class="facts">
        <dt>{t('category')}</dt>
        <dd>{v(detail.category)}</dd>
        <dt>{t('createdAt')}</dt>
        <dd>
          <DateTime iso={detail.createdAt} /> {detail.createdBy && `· ${detail.createdBy}`}
        </dd>
        {detail.reporter && (
          <>
            <dt>{t('reporter')}</dt>
            <dd>
              {v(detail.reporter.kind)}
              {(detail.reporter.partnerName ?? detail.reporter.partnerId) &&
                ` · ${detail.reporter.partnerName ?? detail.reporter.partnerId}`}
              {detail.reporter.reference && ` · ${detail.reporter.reference}`}
            </dd>
          </>
        )}
        {detail.reporter && (
          <>
            <dt>{t('emailUpdates')}</dt>
            <dd data-email-updates={detail.reporterEmailUpdates === true}>
              {detail.reporterEmailUpdates ? t('emailUpdatesOn') : t('emailUpdatesOff')}
            </dd>
          </>
        )}
        {detail.victimConsent !== undefined && (
          <>
            <dt>{t('consent')}</dt>
            <dd>{detail.victimConsent ? t('yes') : t('no')}</dd>
          </>
        )}
        {detail.summary && (
          <>
            <dt>{t('summary')}</dt>
            <dd>{detail.summary}</dd>
          </>
        )}
        <dt>{t('approvals')}</dt>
        <dd>
          <ApprovalList approvals={approvals} />
        </dd>
        <FollowUpLinks detail={detail} />
      </dl>
      <details>
        <summary>
          {t('urls')} ({detail.urls.length || (detail.urlCount ?? 0)})
        </summary>
        <ul class="urls">
          {detail.urls.map((u) => (
            <li key={u.url}>
              <span class="mono">{u.url}</span> <span class="meta">{u.operatorId ?? t('unassigned')}</span>
            </li>
          ))}
        </ul>
      </details>
    </Section>
  );
}

/** The cases linked to this one: the case it follows up, and its follow-ups. */
function FollowUpLinks({ detail }: { detail: Pick<CaseDetail, 'followUpOf' | 'followUps'> }) {
  const { t } = useT();
  const link = (caseId: string) => (
    <a key={caseId} class="mono" href={href(`/cases/${caseId}`)}>
      {caseId}
    </a>
  );
  return (
    <>
      {detail.followUpOf && (
        <>
          <dt>{t('followUpOf')}</dt>
          <dd>{link(detail.followUpOf)}</dd>
        </>
      )}
      {detail.followUps && detail.followUps.length > 0 && (
        <>
          <dt>{t('followUps')}</dt>
          <dd>{detail.followUps.map(link)}</dd>
        </>
      )}
    </>
  );
}

function Orders({ orders, onChange }: { orders: CaseOrder[]; onChange: () => void }) {
  const { t } = useT();
  if (orders.length === 0) return null;
  return (
    <Section title={t('orders')} id="orders">
      <ul class="cards">
        {orders.map((order) => (
          <li key={order.orderId}>
            <OrderCard order={order} onChange={onChange} />
          </li>
        ))}
      </ul>
    </Section>
  );
}

const OPEN_COMPLIANCE = new Set(['ISSUED', 'ACKNOWLEDGED', 'OVERDUE']);

function OrderCard({ order, onChange }: { order: CaseOrder; onChange: () => void }) {
  const { t, v } = useT();
  const { session } = useApp();
  const orderNotice = order.notices?.find((n) => n.kind === 'ORDER');
  // The four steps a legal notice goes through, as far as the system can prove each one.
  const steps: [string, string | undefined][] = [
    [t('noticeSent'), orderNotice?.sentAt],
    [t('noticeDelivered'), orderNotice?.messageId ? orderNotice.sentAt : undefined],
    [t('noticeAcknowledged'), order.acknowledgedAt],
    [t('noticeComplied'), order.compliedAt],
  ];
  const open = OPEN_COMPLIANCE.has(order.complianceStatus ?? order.status);
  const cannotComply = order.urlOutcomes?.filter((entry) => entry.outcome === 'CANNOT_COMPLY').length ?? 0;
  return (
    <article class="card inner" data-order={order.orderId}>
      <h3>
        {order.operatorId} <span class="mono meta">{order.orderId}</span>
      </h3>
      <p class="badges">
        <Badge value={order.status} />
        {order.complianceStatus && order.complianceStatus !== order.status && <Badge value={order.complianceStatus} />}
        {order.decisionStatus && order.decisionStatus !== 'PENDING' && order.decisionStatus !== order.status && (
          <Badge value={order.decisionStatus} />
        )}
        {order.action && <span class="meta">{v(order.action)}</span>}
      </p>
      <dl class="facts">
        <dt>{t('issued')}</dt>
        <dd>
          <DateTime iso={order.issuedAt} />
        </dd>
        <dt>{t('deadline')}</dt>
        <dd>
          <DateTime iso={order.deadlineAt} legal /> {open && <Countdown deadline={order.deadlineAt} />}
        </dd>
        {order.complianceAction && (
          <>
            <dt>{t('complianceAction')}</dt>
            <dd>
              {v(order.complianceAction)}
              {order.complianceNote && ` · ${order.complianceNote}`}
            </dd>
          </>
        )}
        {order.appealDeadline && (
          <>
            <dt>{t('appealUntil')}</dt>
            <dd>
              <DateTime iso={order.appealDeadline} legal />
            </dd>
          </>
        )}
      </dl>
      {order.nonComplianceCause === 'POST_MONITORING' && order.nonComplianceResolution === undefined && (
        <p class="badges">
          <Badge value="STILL_UP" /> {t('monitoringReopened')}
        </p>
      )}
      {cannotComply > 0 && (
        <p class="badges" data-testid="cannot-comply">
          <Badge value="CANNOT_COMPLY" /> {t('cannotComplyFlag', { count: cannotComply })}
        </p>
      )}
      {order.urlOutcomes && (
        // Open when it is short, or when a URL cannot be complied with: staff must read why.
        <details
          open={order.urlOutcomes.length <= 10 || order.urlOutcomes.some((entry) => entry.outcome === 'CANNOT_COMPLY')}
          data-testid="url-outcomes"
        >
          <summary>{t('urlOutcomesTitle')}</summary>
          <ul class="urls">
            {order.urlOutcomes.map((entry) => (
              <li key={entry.url}>
                <span class="mono">{entry.url}</span> {entry.outcome ? <Badge value={entry.outcome} /> : <span class="meta">—</span>}
                {entry.reason && <span class="meta"> {entry.reason}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      <MonitoringResults monitoring={order.monitoring} />
      <ol class="steps" aria-label={t('notices')}>
        {steps.map(([label, at]) => (
          <li key={label} class={at ? 'done' : ''}>
            <span>{label}</span> {at ? <DateTime iso={at} /> : <span class="meta">—</span>}
          </li>
        ))}
      </ol>
      {order.notices && order.notices.length > 0 && (
        <details>
          <summary>
            {t('notices')} ({order.notices.length})
          </summary>
          <ul class="plain">
            {order.notices.map((n) => (
              <li key={n.messageId || `${n.kind}-${n.sentAt}`}>
                {v(n.kind)} · <DateTime iso={n.sentAt} /> · {n.to.join(', ')} · <span class="mono meta">{n.messageId}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {order.fine && (
        <>
          <FineDetails fine={order.fine} />
          {/* Auditors read the fine; deciding it is staff's. */}
          {session.roles.includes('staff') && <FineDecisionForm orderId={order.orderId} fine={order.fine} onChange={onChange} />}
        </>
      )}
    </article>
  );
}

function Reviews({ detail, onChange }: { detail: CaseDetail; onChange: () => void }) {
  const { t } = useT();
  if (detail.reviews.length === 0) return null;
  return (
    <Section title={t('reviews')} id="reviews">
      <ul class="cards">
        {detail.reviews.map((review) => (
          <li key={review.reviewId}>
            <ReviewCard review={review} onChange={onChange} />
          </li>
        ))}
      </ul>
    </Section>
  );
}

function ReviewCard({ review, onChange }: { review: ReviewView; onChange: () => void }) {
  const { t, v } = useT();
  const { session } = useApp();
  return (
    <article class="card inner" data-review={review.reviewId}>
      <h3>
        {v(review.kind)} <span class="mono meta">{review.reviewId}</span>
      </h3>
      <p class="badges">
        <Badge value={review.status} />
        {review.outcome && <Badge value={review.outcome} />}
        {review.outcomeReason && <span class="meta">{v(review.outcomeReason)}</span>}
      </p>
      <p>
        {t('closesAt')}: <DateTime iso={review.closesAt} legal /> {review.status === 'OPEN' && <Countdown deadline={review.closesAt} />}
      </p>
      <ReviewTally review={review} />
      {review.votes && Object.keys(review.votes).length > 0 && (
        <ul class="plain">
          {Object.entries(review.votes).map(([member, vote]) => (
            <li key={member}>
              {member}: {v(vote.decision)} · <DateTime iso={vote.at} />
              {vote.reason && ` · ${vote.reason}`}
            </li>
          ))}
        </ul>
      )}
      {review.status === 'ESCALATED' && session.roles.includes('staff') && <EscalatedDecision review={review} onDone={onChange} />}
    </article>
  );
}

function EscalatedDecision({ review, onDone }: { review: ReviewView; onDone: () => void }) {
  const { t, v, schema } = useT();
  const { api } = useApp();
  const [decision, setDecision] = useState<'CONFIRM' | 'REVOKE'>('CONFIRM');
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `escalate-${review.reviewId}`;
  // Never rejects (a failure is shown in the form), so its callers do not wait for it: `void submit(event)`.
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const parsed = escalationDecisionRequestSchema.safeParse({ decision, reason: reason.trim() });
    if (!parsed.success) {
      setFieldError(schema(parsed.error.issues[0]?.message ?? ''));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    setError(null);
    try {
      await api.decideEscalated(review.reviewId, parsed.data.decision, parsed.data.reason);
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} class="decide" noValidate>
      <p class="note">{t('escalatedDecide')}</p>
      <fieldset class="choices">
        <legend>{t('decide')}</legend>
        {(['CONFIRM', 'REVOKE'] as const).map((d) => (
          <label key={d}>
            <input type="radio" name={id} value={d} checked={decision === d} onChange={() => setDecision(d)} /> {v(d)}
          </label>
        ))}
      </fieldset>
      <Field id={`${id}-reason`} label={t('reason')} error={fieldError}>
        <textarea {...described(`${id}-reason`, fieldError)} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="primary" disabled={busy}>
        {t('decide')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

/** What the timeline's words draw on beyond each event: approval reasons and notices' recipients. */
function wordsContext(detail: CaseDetail, timeZone: string): TimelineContext {
  return { timeZone, approvals: detail.approvals ?? [], orders: detail.orders };
}

function AuditView({ chain, detail }: { chain: AuditChain; detail: CaseDetail }) {
  const i18n = useT();
  const { t } = i18n;
  const { config } = useApp();
  const count = chain.events.length;
  const context = wordsContext(detail, config.policy.timeZone);
  return (
    <>
      <p class={chain.verified ? 'success' : 'error'} data-verified={String(chain.verified)} role="status">
        {chain.verified ? t('auditVerified', { count }) : t('auditBroken', { count })}
        {chain.problem && ` (${chain.problem})`}
      </p>
      <AuditExport caseId={detail.caseId} />
      <details class="audit-events">
        <summary>{t('auditShow')}</summary>
        <ol class="audit-list" aria-label={t('auditEvents')}>
          {chain.events.map((e) => (
            <li key={e.seq} data-seq={e.seq}>
              <details>
                <summary>
                  <span class="mono">#{e.seq}</span> · <DateTime iso={e.at} /> · {timelineWords(e, i18n, context)}
                </summary>
                <dl class="facts audit-event">
                  <dt>{t('auditSeq')}</dt>
                  <dd>{e.seq}</dd>
                  <dt>{t('auditAt')}</dt>
                  <dd class="mono">{e.at}</dd>
                  <dt>{t('auditActor')}</dt>
                  <dd>{e.actor}</dd>
                  <dt>{t('auditAction')}</dt>
                  <dd class="mono">{e.action}</dd>
                  <dt>{t('auditDetails')}</dt>
                  <dd>
                    <pre class="mono">{JSON.stringify(e.details, null, 2)}</pre>
                  </dd>
                  <dt>{t('auditPrevHash')}</dt>
                  <dd class="mono hash">{e.prevHash}</dd>
                  <dt>{t('auditHash')}</dt>
                  <dd class="mono hash">{e.hash}</dd>
                </dl>
              </details>
            </li>
          ))}
        </ol>
      </details>
    </>
  );
}

/** Saves the chain as JSON Lines; the browser writes the file, the page says so. */
function AuditExport({ caseId }: { caseId: string }) {
  const { t } = useT();
  const { api } = useApp();
  const [state, setState] = useState<{ busy: boolean; saved?: string; error?: unknown }>({ busy: false });
  const save = async (): Promise<void> => {
    setState({ busy: true });
    try {
      const file = `${caseId}-audit.jsonl`;
      const url = URL.createObjectURL(await api.auditJsonLines(caseId));
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      link.click();
      URL.revokeObjectURL(url);
      setState({ busy: false, saved: file });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <div class="audit-export">
      {/* save() catches its own failure and shows it: nothing waits for it. */}
      <button type="button" onClick={() => void save()} disabled={state.busy} aria-describedby="audit-export-hint">
        {t('auditExport')}
      </button>
      <small id="audit-export-hint">{t('auditExportHint')}</small>
      <p aria-live="polite">{state.saved && t('auditExported', { file: state.saved })}</p>
      {state.error !== undefined && <ErrorNote error={state.error} />}
    </div>
  );
}

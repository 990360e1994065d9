import { useState } from 'preact/hooks';
import { appealRequestSchema, complianceRequestSchema } from '../../../shared/domain/model';
import { allowedOutcomes, type UrlOutcome, type UrlRemoval, urlComplianceRequestSchema } from '../../../shared/domain/url-compliance';
import { ApiError, type OperatorOrder } from '../api';
import { Badge, Countdown, DateTime, described, ErrorNote, Field, Loaded, money, Section } from '../components/common';
import { FineDetails, FineOpinionForm } from '../components/Fines';
import { ReinstatementPanel, StatementOfReasonsView } from '../components/Reasons';
import { useApp, useNow, useResource } from '../hooks';
import { type MessageKey, useT } from '../i18n';
import { formatCompact } from '../format';
import { href } from '../router';

const OPEN = new Set(['ISSUED', 'ACKNOWLEDGED', 'OVERDUE']);
const complianceOf = (order: OperatorOrder): string => order.complianceStatus ?? order.status;
const LIFTED = new Set(['REVOKED', 'OVERTURNED']);

/**
 * Where the order's compliance track stands for the operator, whatever the committee decided: an
 * order confirmed, appealed or upheld still has its deadline (an appeal does not pause it).
 */
type ComplianceStage = 'TO_ACT' | 'IN_GRACE' | 'NON_COMPLIANT' | 'SETTLED';

function complianceStage(order: OperatorOrder, now: number): ComplianceStage {
  if (LIFTED.has(order.decisionStatus ?? order.status)) return 'SETTLED';
  const compliance = complianceOf(order);
  if (compliance === 'ISSUED' || compliance === 'ACKNOWLEDGED' || compliance === 'UNDELIVERED') return 'TO_ACT';
  if (compliance !== 'OVERDUE') return 'SETTLED';
  const graceOver =
    order.nonComplianceRecordedAt !== undefined || (order.graceEndsAt !== undefined && new Date(order.graceEndsAt).getTime() <= now);
  return graceOver ? 'NON_COMPLIANT' : 'IN_GRACE';
}

export function OperatorOrdersPage() {
  const { t } = useT();
  const { api } = useApp();
  const orders = useResource(() => api.operatorOrders(), [api], 20_000);
  return (
    <section>
      <div class="title-row">
        <h1>{t('ordersTitle')}</h1>
        <button type="button" onClick={orders.reload}>
          {t('refresh')}
        </button>
      </div>
      <Loaded resource={orders}>
        {(list) => {
          if (list.length === 0) return <p class="empty">{t('ordersEmpty')}</p>;
          // Open orders first, the most urgent on top: an operator has 24 hours.
          const sorted = list.slice().sort((a, b) => {
            const open = Number(OPEN.has(complianceOf(b))) - Number(OPEN.has(complianceOf(a)));
            return open !== 0 ? open : (a.deadlineAt ?? '').localeCompare(b.deadlineAt ?? '');
          });
          const fined = list.filter((o) => o.fine);
          return (
            <>
              <ul class="cards">
                {sorted.map((order) => (
                  <li key={order.orderId}>
                    <OperatorOrderCard order={order} onChange={orders.reload} />
                  </li>
                ))}
              </ul>
              {fined.length > 0 && (
                <Section title={t('fines')} id="fines">
                  <FineSummary orders={fined} />
                </Section>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

/** Totals per order; each order's card above shows the breakdown. */
function FineSummary({ orders }: { orders: OperatorOrder[] }) {
  const { lang } = useT();
  return (
    <table class="fine">
      <tbody>
        {orders.map((o) => (
          <tr key={o.orderId}>
            <th scope="row">
              <a href={href(`/operator/orders/${o.orderId}`)} class="mono">
                {o.orderId}
              </a>
            </th>
            <td class="num">{money(o.fine!.amount, o.fine!.currency, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One order by id, looked up among the operator's own: another operator's order is "not found". */
export function OperatorOrderPage({ orderId }: { orderId: string }) {
  const { t } = useT();
  const { api } = useApp();
  const orders = useResource(() => api.operatorOrders(), [api], 20_000);
  return (
    <section>
      <p>
        <a href={href('/operator/orders')}>← {t('ordersTitle')}</a>
      </p>
      <Loaded resource={orders}>
        {(list) => {
          const order = list.find((o) => o.orderId === orderId);
          return order ? (
            <OperatorOrderCard order={order} onChange={orders.reload} heading="h1" />
          ) : (
            <p class="error" role="alert" data-testid="order-not-found">
              {t('orderNotFound')}
            </p>
          );
        }}
      </Loaded>
    </section>
  );
}

/** Why an order the operator must still act on shows no deadline, in words rather than a dash. */
function ClockNotRunning({ order }: { order: OperatorOrder }) {
  const { t } = useT();
  const { config } = useApp();
  const why =
    order.deadlinePausedAt !== undefined
      ? t('clockPaused', { at: formatCompact(order.deadlinePausedAt, config.policy.timeZone) })
      : complianceOf(order) === 'UNDELIVERED'
        ? t('clockUndelivered')
        : t('clockNotStarted');
  return (
    <span class="countdown pending" data-testid="clock-not-running">
      {why}
    </span>
  );
}

function OperatorOrderCard({ order, onChange, heading = 'h2' }: { order: OperatorOrder; onChange: () => void; heading?: 'h1' | 'h2' }) {
  const { t, v } = useT();
  const { api } = useApp();
  const now = useNow();
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const compliance = complianceOf(order);
  const decision = order.decisionStatus ?? order.status;
  const stage = complianceStage(order, now);
  const open = stage === 'TO_ACT' || stage === 'IN_GRACE';
  const appealOpen = order.appealDeadline !== undefined && new Date(order.appealDeadline).getTime() > now && decision === 'CONFIRMED';
  const Heading = heading;

  // Never rejects (a failure is shown on the card), so the buttons and forms do not wait for it: `void act(...)`.
  const act = async (run: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await run());
      onChange();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class={`card${compliance === 'OVERDUE' ? ' overdue' : ''}`} data-order={order.orderId} aria-labelledby={`h-${order.orderId}`}>
      <Heading id={`h-${order.orderId}`} class="order-title">
        {t('orderTitle')}{' '}
        <a href={href(`/operator/orders/${order.orderId}`)} class="mono">
          {order.orderId}
        </a>
      </Heading>
      <p class="badges">
        <Badge value={order.status} />
        {compliance !== order.status && <Badge value={compliance} />}
        <span>{v(order.category)}</span>
      </p>
      <dl class="facts tracks">
        <dt>{t('complianceTrack')}</dt>
        <dd data-testid="compliance-track">{v(compliance)}</dd>
        <dt>{t('decisionTrack')}</dt>
        <dd data-testid="decision-track">{t(DECISION_WORDS[decision] ?? 'decisionPending')}</dd>
      </dl>
      <dl class="facts">
        <dt>{t('action')}</dt>
        <dd>
          <strong>{v(order.action)}</strong>
        </dd>
        <dt>{t('issued')}</dt>
        <dd>
          <DateTime iso={order.issuedAt} />
        </dd>
        <dt>{t('deadline')}</dt>
        <dd>
          {order.deadlineAt === undefined && stage === 'TO_ACT' ? (
            <ClockNotRunning order={order} />
          ) : (
            <>
              <DateTime iso={order.deadlineAt} legal /> {stage === 'TO_ACT' && <Countdown deadline={order.deadlineAt} />}
            </>
          )}
          {stage !== 'TO_ACT' && compliance === 'OVERDUE' && (
            <span class="countdown overdue" data-overdue="true">
              <strong>{t('overdue')}</strong>
            </span>
          )}
        </dd>
        {stage === 'IN_GRACE' && (
          <>
            <dt>{t('graceEnds')}</dt>
            <dd>
              <DateTime iso={order.graceEndsAt} legal /> <Countdown deadline={order.graceEndsAt} />
            </dd>
          </>
        )}
        {order.acknowledgedAt && (
          <>
            <dt>{t('acknowledgedAt')}</dt>
            <dd>
              <DateTime iso={order.acknowledgedAt} />
            </dd>
          </>
        )}
        {order.compliedAt && (
          <>
            <dt>{t('compliedAt')}</dt>
            <dd>
              <DateTime iso={order.compliedAt} />
            </dd>
          </>
        )}
      </dl>
      {order.action === 'BLOCK_ACCESS' && (
        <p class="notice" data-testid="isp-order-note">
          {t('ispOrderNote')}
        </p>
      )}
      <details open={open}>
        <summary>{t('urlCount', { count: order.urls.length })}</summary>
        <ul class="urls">
          {order.urls.map((url) => (
            <li key={url} class="mono">
              {url}
            </li>
          ))}
        </ul>
      </details>
      {order.statementOfReasons && <StatementOfReasonsView reasons={order.statementOfReasons} />}
      <ReinstatementPanel order={order} onChange={onChange} />
      {message && (
        <p class="success" role="status">
          {message}
        </p>
      )}
      <ActError error={error} />
      <NonComplianceNote order={order} stage={stage} />
      {stage === 'IN_GRACE' && (
        <p class="notice warn" data-testid="grace-note">
          {t('graceNote')}
        </p>
      )}
      {compliance === 'ISSUED' && stage === 'TO_ACT' && (
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              await api.acknowledge(order.orderId);
              return t('acknowledged');
            })
          }
        >
          {t('acknowledge')}
        </button>
      )}
      {open && <ComplianceForm order={order} busy={busy} act={act} late={stage === 'IN_GRACE'} />}
      {open && <UrlComplianceForm order={order} busy={busy} act={act} />}
      {order.appealDeadline &&
        (appealOpen ? (
          <AppealForm order={order} busy={busy} act={act} />
        ) : (
          decision === 'CONFIRMED' && <p class="meta">{t('appealClosed')}</p>
        ))}
      {order.fine && (
        <>
          <FineDetails fine={order.fine} />
          <FineOpinionForm orderId={order.orderId} fine={order.fine} onChange={onChange} />
        </>
      )}
    </article>
  );
}

const DECISION_WORDS: Partial<Record<string, MessageKey>> = {
  PENDING: 'decisionPending',
  CONFIRMED: 'decisionConfirmed',
  REVOKED: 'decisionRevoked',
  APPEALED: 'decisionAppealed',
  UPHELD: 'decisionUpheld',
  OVERTURNED: 'decisionOverturned',
};

/** A refusal the operator can act on is said as the server words it, not as "something went wrong". */
function ActError({ error }: { error: unknown }) {
  if (error instanceof ApiError && (error.code === 'CONFLICT' || error.code === 'WINDOW_CLOSED')) {
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  }
  return <ErrorNote error={error} />;
}

/** What became of an order whose grace period ended without compliance, in plain words. */
function NonComplianceNote({ order, stage }: { order: OperatorOrder; stage: ComplianceStage }) {
  const { t } = useT();
  const taken = order.nonComplianceAction;
  const words =
    taken?.action === 'ESCALATE'
      ? t('nonComplianceEscalated')
      : taken?.action === 'VERIFIED_REMOVAL'
        ? t('nonComplianceRemovalVerified')
        : stage === 'NON_COMPLIANT'
          ? t('nonComplianceRecorded')
          : order.reissuedAt !== undefined
            ? t('orderReissued')
            : null;
  if (words === null) return null;
  const at = taken?.at ?? (stage === 'NON_COMPLIANT' ? (order.nonComplianceRecordedAt ?? order.graceEndsAt) : order.reissuedAt);
  return (
    <p class="notice" role="status" data-testid="non-compliance-note">
      {at !== undefined && (
        <>
          <DateTime iso={at} legal />:{' '}
        </>
      )}
      {words}
    </p>
  );
}

interface ActProps {
  order: OperatorOrder;
  busy: boolean;
  act: (run: () => Promise<string>) => Promise<void>;
}

/**
 * The compliance statement cannot be withdrawn: it is confirmed first, with what it will record
 * (the action, the URLs, and whether it counts as on time or late).
 */
function ComplianceForm({ order, busy, act, late }: ActProps & { late: boolean }) {
  const { t, v } = useT();
  const { api } = useApp();
  // An ISP blocks access to other hosts' URLs: it is not offered "Deleted" (shared/domain/url-compliance.ts).
  const actions = removalsOf(order);
  const [action, setAction] = useState<UrlRemoval>(order.action === 'BLOCK_ACCESS' ? 'BLOCKED' : 'DELETED');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const id = `comply-${order.orderId}`;
  const submit = (event: Event): void => {
    event.preventDefault();
    setConfirming(true);
  };
  const send = (): void => {
    const request = complianceRequestSchema.parse({ action, ...(note.trim() ? { note: note.trim() } : {}) });
    setConfirming(false);
    void act(async () => {
      const answer = await api.reportCompliance(order.orderId, request);
      return t('complianceSent', { status: v(answer.status) });
    });
  };
  if (confirming) {
    return (
      <section class="decide confirm" aria-labelledby={`${id}-confirm`} data-testid="compliance-confirm">
        <h3 id={`${id}-confirm`}>{t('complianceConfirmTitle')}</h3>
        <p aria-live="polite">
          {t('complianceConfirmWhat', { action: v(action), count: order.urls.length })}{' '}
          {late ? t('complianceConfirmLate') : t('complianceConfirmOnTime')} {t('complianceConfirmFinal')}
        </p>
        {note.trim() && <p class="meta">{t('complianceConfirmNote', { note: note.trim() })}</p>}
        <div class="buttons">
          {/* biome-ignore lint/a11y/noAutofocus: the confirmation replaces the form the focus was in */}
          <button type="button" class="primary" disabled={busy} onClick={send} autoFocus>
            {t('complianceConfirmSend')}
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            {t('complianceConfirmBack')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <form class="decide" onSubmit={submit}>
      <fieldset class="choices">
        <legend>{t('complianceWhat')}</legend>
        {actions.map((a) => (
          <label key={a}>
            <input type="radio" name={id} value={a} checked={action === a} onChange={() => setAction(a)} /> {v(a)}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for={`${id}-note`}>{t('complianceNote')}</label>
        <input id={`${id}-note`} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {t('reportCompliance')}
      </button>
    </form>
  );
}

/** The whole-order outcomes the order's action allows. */
const removalsOf = (order: OperatorOrder): UrlRemoval[] =>
  allowedOutcomes(order.action).filter((outcome): outcome is UrlRemoval => outcome !== 'CANNOT_COMPLY');

/**
 * One row per URL: an outcome to choose, and the reason when it cannot be complied with. Only the
 * rows changed are sent; a URL already accounted for is shown as reported.
 */
function UrlComplianceForm({ order, busy, act }: ActProps) {
  const { t, v, schema } = useT();
  const { api } = useApp();
  const reported = new Map((order.urlOutcomes ?? []).map((entry) => [entry.url, entry]));
  const [choices, setChoices] = useState<Record<string, { outcome?: UrlOutcome; reason: string }>>({});
  const [fieldError, setFieldError] = useState<string>();
  const id = `urls-${order.orderId}`;
  const outcomes = allowedOutcomes(order.action);
  const choose = (url: string, change: { outcome?: UrlOutcome; reason?: string }): void =>
    setChoices((before) => ({ ...before, [url]: { reason: '', ...before[url], ...change } }));
  const submit = (event: Event): void => {
    event.preventDefault();
    const urls = Object.entries(choices).flatMap(([url, choice]) =>
      choice.outcome === undefined
        ? []
        : [{ url, outcome: choice.outcome, ...(choice.outcome === 'CANNOT_COMPLY' ? { reason: choice.reason.trim() } : {}) }],
    );
    const parsed = urlComplianceRequestSchema.safeParse({ urls });
    if (!parsed.success) {
      setFieldError(schema(parsed.error.issues[0]?.message ?? ''));
      return;
    }
    setFieldError(undefined);
    void act(async () => {
      const answer = await api.reportUrlCompliance(order.orderId, parsed.data);
      setChoices({});
      return t('urlComplianceSent', { accounted: answer.accounted, count: answer.urlCount, status: v(answer.status) });
    });
  };
  return (
    <form class="decide" onSubmit={submit} data-testid="url-compliance">
      <h3>{t('urlComplianceTitle')}</h3>
      <p class="meta">{t('urlComplianceHint')}</p>
      <table class="url-outcomes">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">{t('urlOutcome')}</th>
          </tr>
        </thead>
        <tbody>
          {order.urls.map((url, row) => {
            const done = reported.get(url);
            const choice = choices[url];
            return (
              <tr key={url}>
                <td class="mono">{url}</td>
                <td>
                  <select
                    aria-label={`${t('urlOutcome')} ${row + 1}`}
                    value={choice?.outcome ?? done?.outcome ?? ''}
                    disabled={done !== undefined && done.outcome !== 'CANNOT_COMPLY'}
                    onChange={(e) => choose(url, { outcome: (e.currentTarget.value || undefined) as UrlOutcome | undefined })}
                  >
                    <option value="">{t('urlOutcomeNone')}</option>
                    {outcomes.map((outcome) => (
                      <option key={outcome} value={outcome}>
                        {v(outcome)}
                      </option>
                    ))}
                  </select>
                  {(choice?.outcome ?? done?.outcome) === 'CANNOT_COMPLY' && (
                    <input
                      aria-label={`${t('urlOutcomeReason')} ${row + 1}`}
                      placeholder={t('urlOutcomeReason')}
                      maxLength={500}
                      value={choice?.reason ?? done?.reason ?? ''}
                      onInput={(e) => choose(url, { outcome: 'CANNOT_COMPLY', reason: e.currentTarget.value })}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {fieldError && (
        <p class="error" role="alert" id={`${id}-error`}>
          {fieldError}
        </p>
      )}
      <button type="submit" disabled={busy || Object.keys(choices).length === 0}>
        {t('reportUrlCompliance')}
      </button>
    </form>
  );
}

function AppealForm({ order, busy, act }: ActProps) {
  const { t, schema } = useT();
  const { api } = useApp();
  const [grounds, setGrounds] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const id = `appeal-${order.orderId}`;
  const submit = (event: Event): void => {
    event.preventDefault();
    const parsed = appealRequestSchema.safeParse({ grounds: grounds.trim() });
    if (!parsed.success) {
      setFieldError(schema(parsed.error.issues[0]?.message ?? ''));
      document.getElementById(id)?.focus();
      return;
    }
    setFieldError(undefined);
    void act(async () => {
      const answer = await api.appeal(order.orderId, parsed.data);
      setGrounds('');
      return t('appealSent', { appealId: answer.appealId });
    });
  };
  return (
    <form class="decide" onSubmit={submit} noValidate>
      <h3>{t('appeal')}</h3>
      <p class="meta">
        {t('appealClosesAt')}
        <DateTime iso={order.appealDeadline} legal /> · <Countdown deadline={order.appealDeadline!} />
      </p>
      <Field id={id} label={t('appealGrounds')} error={fieldError}>
        <textarea
          {...described(id, fieldError)}
          rows={3}
          maxLength={5000}
          value={grounds}
          onInput={(e) => setGrounds(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" disabled={busy}>
        {t('appeal')}
      </button>
    </form>
  );
}

import { useState } from 'preact/hooks';
import {
  approvalRequestSchema,
  NON_COMPLIANCE_ACTIONS,
  type NonComplianceAction,
  type NonComplianceRequest,
  nonComplianceRequestSchema,
} from '../../../shared/domain/model';
import type { BoardOrder, CaseDetail, OrderSearch } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FinesAwaitingDecision } from '../components/Fines';
import { Badge, Countdown, DateTime, described, ErrorNote, Field, Loaded, OrderOwnerCells, OrderOwnerHeads } from '../components/common';
import { MonitoringResults } from '../components/Monitoring';
import { useApp, useNow, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';
import { OrderResults, OrderSearchBar } from './order-search';

export function ApprovalsPage() {
  const { t } = useT();
  const { api } = useApp();
  const queue = useResource(
    async () => {
      const pending = await api.cases('PENDING_APPROVAL');
      // The queue shows the URLs and who approved: the list does not carry them, the case does.
      return Promise.all(pending.map((c) => api.caseDetail(c.caseId)));
    },
    [api],
    30_000,
  );
  return (
    <section>
      <div class="title-row">
        <h1>{t('approvalsTitle')}</h1>
        <button type="button" onClick={queue.reload}>
          {t('refresh')}
        </button>
      </div>
      <Loaded resource={queue}>
        {(cases) =>
          cases.length === 0 ? (
            <p class="empty">{t('approvalsEmpty')}</p>
          ) : (
            <ul class="cards">
              {cases
                .slice()
                .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
                .map((c) => (
                  <li key={c.caseId}>
                    <ApprovalCard detail={c} onDone={queue.reload} />
                  </li>
                ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function ApprovalCard({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const { t, v, schema } = useT();
  const { api, session, config } = useApp();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const need = config.policy.urgentApprovals;
  const approvals = (detail.approvals ?? []).filter((a) => a.decision !== 'REJECT');
  const me = session.userId;
  const iFiled = detail.createdBy === me;
  const iApproved = approvals.some((a) => a.by === me);
  const excluded = [...new Set([...(detail.createdBy ? [detail.createdBy] : []), ...approvals.map((a) => a.by)])];
  const reasonId = `reason-${detail.caseId}`;

  const [reasonError, setReasonError] = useState<string>();
  const [confirmingReject, setConfirmingReject] = useState(false);

  // Never rejects (a failure is shown on the card), so a click does not wait for it: `void decide(...)`.
  const decide = async (decision: 'APPROVE' | 'REJECT'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.decideApproval(detail.caseId, { decision, reason: reason.trim() });
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
      setConfirmingReject(false);
    }
  };

  /** Every decision needs its reason; the field shows what is missing. */
  const reasonGiven = (decision: 'APPROVE' | 'REJECT'): boolean => {
    const parsed = approvalRequestSchema.safeParse({ decision, reason: reason.trim() });
    setReasonError(parsed.success ? undefined : schema(parsed.error.issues[0]?.message ?? ''));
    if (!parsed.success) document.getElementById(reasonId)?.focus();
    return parsed.success;
  };

  // A rejection ends the victim's report: after its reason, a second, informed yes.
  const askToReject = (): void => {
    if (reasonGiven('REJECT')) setConfirmingReject(true);
  };

  return (
    <article class="card" aria-labelledby={`h-${detail.caseId}`} data-case={detail.caseId}>
      <h2 id={`h-${detail.caseId}`}>
        <a href={href(`/cases/${detail.caseId}`)} class="mono">
          {detail.caseId}
        </a>
      </h2>
      <p class="meta">
        <Badge value={detail.category} /> · {t('filedBy', { user: detail.createdBy ?? '?' })} · <DateTime iso={detail.createdAt} />
        {detail.approvalDeadlineAt && (
          <>
            {' · '}
            {t('approvalDeadline')}: <Countdown deadline={detail.approvalDeadlineAt} />
          </>
        )}
      </p>
      <details>
        <summary>{t('urlCount', { count: detail.urls.length || (detail.urlCount ?? 0) })}</summary>
        <ul class="urls">
          {detail.urls.map((u) => (
            <li key={u.url}>
              <span class="mono">{u.url}</span> <span class="meta">{u.operatorId ?? t('unassigned')}</span>
            </li>
          ))}
        </ul>
      </details>
      {detail.followUpOf && (
        <p class="note" data-follow-up-of={detail.followUpOf}>
          {t('followUpOfNote')}{' '}
          <a class="mono" href={href(`/cases/${detail.followUpOf}`)}>
            {detail.followUpOf}
          </a>
        </p>
      )}
      {detail.summary && <p class="summary">{detail.summary}</p>}
      <div class="approvals" aria-live="polite">
        <strong>{t('approvalsNeeded', { have: approvals.length, need })}</strong>
        {approvals.length > 0 && (
          <ul class="inline">
            {approvals.map((a) => (
              <li key={a.by}>
                {a.by} (<DateTime iso={a.at} />){a.reason ? `: ${a.reason}` : ''}
              </li>
            ))}
          </ul>
        )}
        {approvals.length < need && <p class="meta">{t('needsDifferent', { count: need - approvals.length, who: excluded.join(', ') })}</p>}
      </div>
      {iFiled && <p class="note">{t('youFiled')}</p>}
      {!iFiled && iApproved && <p class="note">{t('youApproved')}</p>}
      {!iFiled && !iApproved && (
        <div class="decide">
          <Field id={reasonId} label={t('reasonForDecision')} error={reasonError}>
            <input
              {...described(reasonId, reasonError)}
              maxLength={2000}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </Field>
          <div class="buttons">
            <button type="button" class="primary" disabled={busy} onClick={() => reasonGiven('APPROVE') && void decide('APPROVE')}>
              {t('approve')}
            </button>
            <button type="button" class="danger" disabled={busy} onClick={askToReject}>
              {t('reject')}
            </button>
          </div>
          <ConfirmDialog
            open={confirmingReject}
            title={t('rejectConfirmTitle')}
            confirmLabel={t('rejectConfirm')}
            danger
            busy={busy}
            onConfirm={() => void decide('REJECT')}
            onCancel={() => setConfirmingReject(false)}
          >
            <p>{t('rejectConfirmMeans')}</p>
            <p>
              {t('reason')}: <q>{reason.trim()}</q>
            </p>
          </ConfirmDialog>
        </div>
      )}
      <ErrorNote error={error} />
      <span class="sr-only">{v(detail.status)}</span>
    </article>
  );
}

const OPEN = new Set(['ISSUED', 'ACKNOWLEDGED']);
const LIFTED = new Set(['REVOKED', 'OVERTURNED']);

/**
 * On top: orders still awaiting compliance, and orders overdue without compliance (the server
 * no longer counts these as open, but they are what staff must chase) unless lifted.
 */
function needsAttention(order: BoardOrder): boolean {
  if (order.nonCompliant) return false;
  const compliance = order.complianceStatus ?? order.status;
  if (compliance === 'OVERDUE' || compliance === 'UNDELIVERED') return !LIFTED.has(order.decisionStatus ?? '');
  return order.open ?? OPEN.has(compliance);
}

function isOverdue(order: BoardOrder, now: number): boolean {
  if ((order.complianceStatus ?? order.status) === 'OVERDUE') return true;
  return order.deadlineAt !== undefined && new Date(order.deadlineAt).getTime() <= now;
}

export function DeadlinesPage() {
  const { t } = useT();
  const { api } = useApp();
  const board = useResource(() => api.boardOrders(), [api], 15_000);
  const [search, setSearch] = useState<OrderSearch | null>(null);
  return (
    <section>
      <div class="title-row">
        <h1>{t('deadlinesTitle')}</h1>
        <button type="button" onClick={board.reload}>
          {t('refresh')}
        </button>
      </div>
      <OrderSearchBar onSearch={setSearch} />
      {search !== null && <OrderResults search={search} table={(orders) => <BoardTable orders={orders} live={false} />} />}
      {search === null && (
        <Loaded resource={board}>
          {(orders) => {
            // Undelivered orders (no deadline runs) first, then the soonest deadline.
            const sorted = orders.slice().sort((a, b) => (a.deadlineAt ?? '').localeCompare(b.deadlineAt ?? ''));
            const open = sorted.filter(needsAttention);
            // No clock runs for these any more: they wait for staff's decision, not for the operator.
            const nonCompliant = orders.filter((o) => o.nonCompliant);
            const settled = sorted.filter((o) => !needsAttention(o) && !o.nonCompliant).reverse();
            return (
              <>
                <h2>{t('openOrders')}</h2>
                {open.length === 0 ? <p class="empty">{t('deadlinesEmpty')}</p> : <BoardTable orders={open} live />}
                <section aria-labelledby="non-compliant-heading" data-testid="non-compliant">
                  <h2 id="non-compliant-heading">{t('nonCompliantOrders')}</h2>
                  {nonCompliant.length === 0 ? (
                    <p class="empty">{t('nonCompliantEmpty')}</p>
                  ) : (
                    <BoardTable orders={nonCompliant} live={false} onChange={board.reload} />
                  )}
                </section>
                <FinesAwaitingDecision orders={orders} />
                {settled.length > 0 && (
                  <>
                    <h2>{t('recentOrders')}</h2>
                    <BoardTable orders={settled} live={false} />
                  </>
                )}
              </>
            );
          }}
        </Loaded>
      )}
    </section>
  );
}

function BoardTable({ orders, live, onChange }: { orders: BoardOrder[]; live: boolean; onChange?: () => void }) {
  const { t } = useT();
  const { session } = useApp();
  const now = useNow();
  // Auditors read the board (GET /orders is theirs) but act on nothing.
  const mayResend = session.roles.includes('staff');
  return (
    <table class="board">
      <thead>
        <tr>
          <OrderOwnerHeads />
          <th scope="col">{t('colStatus')}</th>
          <th scope="col">{t('colDeadline')}</th>
          <th scope="col">{t('colLeft')}</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => {
          const overdue = live && isOverdue(order, now);
          return (
            <tr key={order.orderId} class={overdue ? 'overdue' : ''} data-order={order.orderId} data-overdue={overdue ? 'true' : undefined}>
              <OrderOwnerCells order={order} />
              <td data-label={t('colStatus')}>
                {/* One child, so that the phone layout's label column does not take the resend block. */}
                <div>
                  <Badge value={order.complianceStatus ?? order.status} />
                  {live && mayResend && (order.complianceStatus ?? order.status) === 'UNDELIVERED' && <Resend order={order} />}
                  {order.nonComplianceCause === 'POST_MONITORING' && order.nonCompliant && <Badge value="POST_MONITORING" />}
                  {order.cannotComplyUrls !== undefined && (
                    <span data-testid="cannot-comply" title={t('cannotComplyFlag', { count: order.cannotComplyUrls })}>
                      <Badge value="CANNOT_COMPLY" /> {t('urlCount', { count: order.cannotComplyUrls })}
                    </span>
                  )}
                  <MonitoringResults monitoring={order.monitoring} compact />
                  {mayResend && order.nonCompliant && onChange && <NonComplianceActions order={order} onChange={onChange} />}
                  {live && mayResend && onChange && deadlineMovable(order) && <DeadlineActions order={order} onChange={onChange} />}
                </div>
              </td>
              <td data-label={t('colDeadline')}>
                <DateTime iso={order.deadlineAt} />
              </td>
              <td data-label={t('colLeft')}>
                <Countdown deadline={order.deadlineAt} done={!live} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** An undelivered order: why, and the staff's way to send its notice again once the contact is fixed. */
function Resend({ order }: { order: BoardOrder }) {
  const { t } = useT();
  const { api } = useApp();
  const [state, setState] = useState<{ busy: boolean; error?: unknown; done?: boolean }>({ busy: false });
  const resend = async (): Promise<void> => {
    if (!window.confirm(t('resendConfirm'))) return;
    setState({ busy: true });
    try {
      await api.resendOrder(order.orderId);
      setState({ busy: false, done: true });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <div class="resend">
      {order.undeliveredReason && <small>{t('undeliveredWhy', { reason: order.undeliveredReason })}</small>}
      {/* resend() catches its own failure and shows it: nothing waits for it. */}
      <button type="button" disabled={state.busy || state.done} onClick={() => void resend()}>
        {t('resendNotice')}
      </button>
      {state.error !== undefined && <ErrorNote error={state.error} />}
    </div>
  );
}

/**
 * An order whose grace period ended without compliance: staff refer it for a penalty procedure,
 * record that they checked the content is gone, or issue it again; each with a reason on record.
 */
function NonComplianceActions({ order, onChange }: { order: BoardOrder; onChange: () => void }) {
  const { t, v, schema } = useT();
  const { api } = useApp();
  // Nothing is pre-selected: each choice is a different legal step, and a default would be chosen by a slip.
  const [action, setAction] = useState<NonComplianceAction>();
  const [reason, setReason] = useState('');
  const [choiceError, setChoiceError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [confirming, setConfirming] = useState<NonComplianceRequest>();
  const [state, setState] = useState<{ busy: boolean; error?: unknown; done?: string }>({ busy: false });
  const id = `nc-${order.orderId}`;
  const submit = (event: Event): void => {
    event.preventDefault();
    if (action === undefined) {
      setChoiceError(t('chooseDecision'));
      document.querySelector<HTMLInputElement>(`input[name="${id}"]`)?.focus();
      return;
    }
    setChoiceError(undefined);
    const parsed = nonComplianceRequestSchema.safeParse({ action, reason });
    if (!parsed.success) {
      setFieldError(schema(parsed.error.issues[0]?.message ?? ''));
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    setFieldError(undefined);
    setConfirming(parsed.data);
  };
  const record = async (request: NonComplianceRequest): Promise<void> => {
    setState({ busy: true });
    try {
      await api.resolveNonCompliance(order.orderId, request);
      setConfirming(undefined);
      setState({ busy: false, done: t('nonCompliantDone', { action: v(request.action) }) });
      onChange();
    } catch (error) {
      setConfirming(undefined);
      setState({ busy: false, error });
    }
  };
  return (
    <details class="non-compliance">
      <summary>{t('nonCompliantAct')}</summary>
      <form class="decide" onSubmit={submit} noValidate>
        <fieldset class="choices" aria-describedby={choiceError ? `${id}-choice-error` : undefined}>
          <legend>{t('nonCompliantWhat')}</legend>
          {choiceError && (
            <p id={`${id}-choice-error`} class="error" role="alert">
              {choiceError}
            </p>
          )}
          {NON_COMPLIANCE_ACTIONS.map((a) => (
            <label key={a}>
              <input type="radio" name={id} value={a} checked={action === a} onChange={() => setAction(a)} /> {v(a)}
            </label>
          ))}
        </fieldset>
        <Field id={`${id}-reason`} label={t('nonCompliantReason')} error={fieldError}>
          <textarea
            {...described(`${id}-reason`, fieldError)}
            rows={2}
            maxLength={2000}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" class="primary" disabled={state.busy || state.done !== undefined}>
          {t('nonCompliantSend')}
        </button>
      </form>
      <div aria-live="polite">{state.done && <p class="success">{state.done}</p>}</div>
      {state.error !== undefined && <ErrorNote error={state.error} />}
      {/* record() catches its own failure and shows it: nothing waits for it. */}
      <ConfirmDialog
        open={confirming !== undefined}
        title={confirming ? v(confirming.action) : ''}
        confirmLabel={t('nonCompliantSend')}
        danger={confirming?.action === 'ESCALATE'}
        busy={state.busy}
        onConfirm={() => confirming && void record(confirming)}
        onCancel={() => setConfirming(undefined)}
      >
        {confirming && (
          <>
            <p>{t('nonCompliantConfirm', { action: v(confirming.action), orderId: order.orderId })}</p>
            <p>
              {t('nonCompliantReason')}: <q>{confirming.reason}</q>
            </p>
          </>
        )}
      </ConfirmDialog>
    </details>
  );
}

/** An order whose deadline runs (or is paused) and that the operator can still act on. */
function deadlineMovable(order: BoardOrder): boolean {
  const status = order.complianceStatus ?? order.status;
  return (status === 'ISSUED' || status === 'ACKNOWLEDGED') && (order.deadlineAt !== undefined || order.deadlinePausedAt !== undefined);
}

type DeadlineMoveChoice = 'EXTEND' | 'PAUSE';

/** Staff extend by whole hours or pause a running deadline, or resume a paused one, always with a reason. */
function DeadlineActions({ order, onChange }: { order: BoardOrder; onChange: () => void }) {
  const { t, schema } = useT();
  const { api } = useApp();
  const paused = order.deadlinePausedAt !== undefined;
  const [move, setMove] = useState<DeadlineMoveChoice>('EXTEND');
  const [hours, setHours] = useState('12');
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error?: unknown; done?: boolean }>({ busy: false });
  const id = `deadline-${order.orderId}`;
  const hoursValue = Number(hours);
  const ask = (event: Event): void => {
    event.preventDefault();
    if (reason.trim() === '') {
      setFieldError(schema('say why: the operator is told the reason, and it goes on the case record'));
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    setFieldError(undefined);
    setConfirming(true);
  };
  const send = async (): Promise<void> => {
    setState({ busy: true });
    try {
      const request = paused
        ? { resume: true as const, reason }
        : move === 'PAUSE'
          ? { pause: true as const, reason }
          : { extendBy: `PT${hoursValue}H`, reason };
      await api.changeDeadline(order.orderId, request);
      setState({ busy: false, done: true });
      setConfirming(false);
      onChange();
    } catch (error) {
      setState({ busy: false, error });
      setConfirming(false);
    }
  };
  const means = paused
    ? t('deadlineConfirmResume')
    : move === 'PAUSE'
      ? t('deadlineConfirmPause')
      : t('deadlineConfirmExtend', { hours: String(hoursValue) });
  return (
    <details class="non-compliance deadline-change">
      <summary>{paused ? t('deadlineResume') : t('deadlineAct')}</summary>
      {paused && order.deadlinePausedAt && (
        <p>
          {t('deadlinePausedSince')}:
          <DateTime iso={order.deadlinePausedAt} />
        </p>
      )}
      <form class="decide" onSubmit={ask} noValidate>
        {!paused && (
          <fieldset class="choices">
            <legend>{t('deadlineWhat')}</legend>
            {(['EXTEND', 'PAUSE'] as const).map((choice) => (
              <label key={choice}>
                <input type="radio" name={id} value={choice} checked={move === choice} onChange={() => setMove(choice)} />{' '}
                {choice === 'EXTEND' ? t('deadlineExtend') : t('deadlinePause')}
              </label>
            ))}
          </fieldset>
        )}
        {!paused && move === 'EXTEND' && (
          <Field id={`${id}-hours`} label={t('deadlineHours')}>
            <input
              {...described(`${id}-hours`)}
              type="number"
              min={1}
              max={8784}
              step={1}
              value={hours}
              onInput={(e) => setHours(e.currentTarget.value)}
            />
          </Field>
        )}
        <Field id={`${id}-reason`} label={t('deadlineReason')} error={fieldError}>
          <textarea
            {...described(`${id}-reason`, fieldError)}
            rows={2}
            maxLength={2000}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </Field>
        <button
          type="submit"
          class="primary"
          disabled={
            state.busy || state.done === true || (!paused && move === 'EXTEND' && !(Number.isInteger(hoursValue) && hoursValue >= 1))
          }
        >
          {paused ? t('deadlineResume') : t('deadlineSend')}
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('deadlineConfirmTitle', { orderId: order.orderId })}
        confirmLabel={paused ? t('deadlineResume') : t('deadlineSend')}
        busy={state.busy}
        onConfirm={() => void send()}
        onCancel={() => setConfirming(false)}
      >
        <p>{means}</p>
      </ConfirmDialog>
      <div aria-live="polite">{state.done && <p class="success">{t('deadlineDone')}</p>}</div>
      {state.error !== undefined && <ErrorNote error={state.error} />}
    </details>
  );
}

/**
 * A fine's procedure on screen (docs/fines.md, "Procedure"): the proposal with what it was
 * computed from, the operator's opinion within its period, staff's decision with its reason, and
 * the decided fine's appeal route. Stating an opinion and deciding happen once and cannot be taken
 * back, so both go through the confirmation dialog.
 */
import { useState } from 'preact/hooks';
import { type Fine, type FineDecision, FINE_DECISIONS, fineDecisionSchema, fineOpinionSchema } from '../../../shared/domain/model';
import { durationToMs, FINE_FACTORS } from '../../../shared/domain/policy';
import type { BoardOrder } from '../api';
import { shortId } from '../format';
import { useApp, useNow } from '../hooks';
import { useT } from '../i18n';
import { ConfirmDialog } from './ConfirmDialog';
import { DateTime, described, ErrorNote, Field, FineView, minorDigitsOf, money, OrderOwnerCells, OrderOwnerHeads } from './common';

const DAY_MS = 86_400_000;

/** Until when the operator may still state its opinion: a proposal without one, before `opinionDueAt`. */
function opinionOpen(fine: Fine, now: number): boolean {
  return (
    fine.status === 'PROPOSED' && fine.opinion === undefined && fine.opinionDueAt !== undefined && Date.parse(fine.opinionDueAt) >= now
  );
}

/** The fine, its procedure so far and, once decided, how to appeal it: the same for the operator and for staff. */
export function FineDetails({ fine }: { fine: Fine }) {
  const { t, v, lang } = useT();
  const decided = fine.status === 'IMPOSED' || fine.status === 'REDUCED';
  const schedule = fine.inputs?.schedule;
  return (
    <section class="fine-procedure" aria-label={t('fine')} data-testid="fine" data-fine-status={fine.status}>
      <FineView fine={fine} />
      <dl class="facts">
        {fine.proposedAt && (
          <>
            <dt>{t('fineProposedAt')}</dt>
            <dd>
              <DateTime iso={fine.proposedAt} />
              {fine.proposedAmount !== undefined && fine.proposedAmount !== fine.amount && (
                <> · {t('fineProposedAmount', { amount: money(fine.proposedAmount, fine.currency, lang) })}</>
              )}
            </dd>
          </>
        )}
        {fine.opinionDueAt && (
          <>
            <dt>{t('fineOpinionDue')}</dt>
            <dd>
              <DateTime iso={fine.opinionDueAt} legal />
            </dd>
          </>
        )}
        {fine.opinion && (
          <>
            <dt>{t('fineOpinion')}</dt>
            <dd data-testid="fine-opinion">
              <DateTime iso={fine.opinion.at} />
              <p class="quote">{fine.opinion.text}</p>
            </dd>
          </>
        )}
        {fine.decision && (
          <>
            <dt>{t('fineDecision')}</dt>
            <dd data-testid="fine-decision">
              <strong>{v(fine.decision.decision)}</strong> · {fine.decision.by} · <DateTime iso={fine.decision.at} />
              <p class="quote">{fine.decision.reason}</p>
            </dd>
          </>
        )}
        {decided && schedule && (
          <>
            <dt>{t('fineAppealRoute')}</dt>
            <dd data-testid="fine-appeal-route">
              <ul class="plain">
                <li>
                  {v('ADMINISTRATIVE_APPEAL')}:{' '}
                  {t('fineWithinDays', { days: Math.floor(durationToMs(schedule.administrativeAppealWindow) / DAY_MS) })}
                </li>
                <li>
                  {v('LITIGATION')}: {t('fineWithinDays', { days: Math.floor(durationToMs(schedule.litigationWindow) / DAY_MS) })}
                </li>
              </ul>
            </dd>
          </>
        )}
      </dl>
      <FineInputsView fine={fine} />
    </section>
  );
}

/** What `recomputeFine` takes: anyone holding these gets the amount again, to the unit. */
function FineInputsView({ fine }: { fine: Fine }) {
  const { t, lang } = useT();
  const inputs = fine.inputs;
  if (inputs === undefined) return null;
  const { revenue } = inputs;
  return (
    <details class="fine-inputs">
      <summary>{t('fineInputs')}</summary>
      <dl class="facts">
        <dt>{t('fineRevenue')}</dt>
        <dd>
          {money(revenue.amount, revenue.currency, lang)} · {t('fineRevenueRegistered')} <DateTime iso={revenue.registeredAt} />
          {revenue.exchangeRate !== undefined && <> · {t('fineExchangeRate', { rate: revenue.exchangeRate, currency: inputs.currency })}</>}
        </dd>
        <dt>{t('fineGrades')}</dt>
        <dd>
          <ul class="plain">
            {FINE_FACTORS.map((factor) => (
              <li key={factor}>
                {t(`fineFactor_${factor}`)}: <strong>{inputs.grades[factor]}</strong>
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('fineLateHours')}</dt>
        <dd>{inputs.lateHours}</dd>
        <dt>{t('finePriorOrders')}</dt>
        <dd>
          {inputs.priorOrderIds.length === 0
            ? t('none')
            : inputs.priorOrderIds.map((orderId) => (
                <span key={orderId} class="mono" title={orderId}>
                  {shortId(orderId)}{' '}
                </span>
              ))}
        </dd>
        <dt>{t('finePeriod')}</dt>
        <dd>
          {inputs.period.id} · {t('fineFinedBefore', { amount: money(inputs.period.finedBefore, inputs.currency, lang) })}
        </dd>
        <dt>{t('finePolicy')}</dt>
        <dd>
          {inputs.policyId}{' '}
          <span class="mono" title={inputs.policyVersion}>
            {inputs.policyVersion.slice(0, 12)}
          </span>
        </dd>
      </dl>
    </details>
  );
}

/** The operator's one opinion on a proposed fine, while its period runs. */
export function FineOpinionForm({ orderId, fine, onChange }: { orderId: string; fine: Fine; onChange: () => void }) {
  const { t, schema } = useT();
  const { api } = useApp();
  const now = useNow();
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error?: unknown; sent?: boolean }>({ busy: false });
  if (state.sent) {
    return (
      <p class="success" role="status">
        {t('fineOpinionSent')}
      </p>
    );
  }
  if (!opinionOpen(fine, now)) return null;
  const id = `fine-opinion-${orderId}`;
  const parsed = fineOpinionSchema.safeParse({ opinion: text });
  const ask = (event: Event): void => {
    event.preventDefault();
    if (!parsed.success) {
      setFieldError(schema(parsed.error.issues[0]?.message ?? ''));
      document.getElementById(id)?.focus();
      return;
    }
    setFieldError(undefined);
    setConfirming(true);
  };
  const send = async (): Promise<void> => {
    if (!parsed.success) return;
    setState({ busy: true });
    try {
      await api.submitFineOpinion(orderId, parsed.data);
      setConfirming(false);
      setState({ busy: false, sent: true });
      onChange();
    } catch (error) {
      setConfirming(false);
      setState({ busy: false, error });
    }
  };
  return (
    <form class="decide" onSubmit={ask} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('fineOpinionTitle')}</h3>
      <p class="meta">
        {t('fineOpinionIntro')} {t('fineOpinionDue')}: <DateTime iso={fine.opinionDueAt} legal />
      </p>
      <Field id={id} label={t('fineOpinionText')} error={fieldError}>
        <textarea {...described(id, fieldError)} rows={4} maxLength={5000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="primary" disabled={state.busy}>
        {t('fineOpinionSend')}
      </button>
      {state.error !== undefined && <ErrorNote error={state.error} />}
      {/* send() catches its own failure and shows it: nothing waits for it. */}
      <ConfirmDialog
        open={confirming}
        title={t('fineOpinionConfirmTitle')}
        confirmLabel={t('fineOpinionSend')}
        busy={state.busy}
        onConfirm={() => void send()}
        onCancel={() => setConfirming(false)}
      >
        <p>{t('fineOpinionConfirm')}</p>
        <p class="quote">{text.trim()}</p>
      </ConfirmDialog>
    </form>
  );
}

/** "1234.5" in the currency's major unit as whole minor units (123450 for USD); undefined when it is not such an amount. */
function minorUnitsOf(text: string, currency: string): number | undefined {
  const digits = minorDigitsOf(currency);
  const match = (digits === 0 ? /^(\d+)$/ : new RegExp(`^(\\d+)(?:\\.(\\d{1,${digits}}))?$`)).exec(text.trim().replaceAll(',', ''));
  if (!match) return undefined;
  const units = Number(`${match[1]}${(match[2] ?? '').padEnd(digits, '0')}`);
  return Number.isSafeInteger(units) ? units : undefined;
}

/** Staff's one decision on a proposed fine: impose, reduce to a lower amount, or waive; always with a reason. */
export function FineDecisionForm({ orderId, fine, onChange }: { orderId: string; fine: Fine; onChange: () => void }) {
  const { t, v, schema, lang } = useT();
  const { api } = useApp();
  const now = useNow();
  // Nothing is pre-selected: each choice is a different legal outcome, and a default would be chosen by a slip.
  const [decision, setDecision] = useState<FineDecision>();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ decision?: string; amount?: string; reason?: string }>({});
  const [confirming, setConfirming] = useState<{ decision: FineDecision; amount?: number; reason: string }>();
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  if (fine.status !== 'PROPOSED') return null;
  const id = `fine-decision-${orderId}`;
  const waiting = opinionOpen(fine, now);
  const ask = (event: Event): void => {
    event.preventDefault();
    const reduced = decision === 'REDUCE' ? minorUnitsOf(amount, fine.currency) : undefined;
    const found: typeof errors = {};
    if (decision === undefined) found.decision = t('chooseDecision');
    if (decision === 'REDUCE' && (reduced === undefined || reduced < 1 || reduced >= fine.amount))
      found.amount = t('fineDecideAmountError', { amount: money(fine.amount, fine.currency, lang) });
    const parsed = fineDecisionSchema.safeParse({ decision, reason, ...(reduced === undefined ? {} : { amount: reduced }) });
    const reasonIssue = parsed.success ? undefined : parsed.error.issues.find((issue) => issue.path[0] === 'reason');
    if (reasonIssue) found.reason = schema(reasonIssue.message);
    setErrors(found);
    if (!parsed.success || Object.keys(found).length > 0) {
      const first = found.decision ? `input[name="${id}"]` : found.amount ? `#${id}-amount` : `#${id}-reason`;
      document.querySelector<HTMLElement>(first)?.focus();
      return;
    }
    setConfirming({ decision: parsed.data.decision, reason: parsed.data.reason, ...(reduced === undefined ? {} : { amount: reduced }) });
  };
  const send = async (request: { decision: FineDecision; amount?: number; reason: string }): Promise<void> => {
    setState({ busy: true });
    try {
      await api.decideFine(orderId, request);
      setConfirming(undefined);
      setState({ busy: false });
      onChange();
    } catch (error) {
      setConfirming(undefined);
      setState({ busy: false, error });
    }
  };
  const decidedAmount = confirming ? (confirming.decision === 'WAIVE' ? 0 : (confirming.amount ?? fine.amount)) : 0;
  return (
    <form class="decide" onSubmit={ask} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('fineDecide')}</h3>
      {waiting && (
        <p class="notice warn" data-testid="fine-decision-waits">
          {t('fineDecideWait')} <DateTime iso={fine.opinionDueAt} legal />
        </p>
      )}
      <fieldset class="choices" aria-describedby={errors.decision ? `${id}-choice-error` : undefined}>
        <legend>{t('fineDecideWhat')}</legend>
        {errors.decision && (
          <p id={`${id}-choice-error`} class="error" role="alert">
            {errors.decision}
          </p>
        )}
        {FINE_DECISIONS.map((d) => (
          <label key={d}>
            <input type="radio" name={id} value={d} checked={decision === d} onChange={() => setDecision(d)} /> {v(d)}
          </label>
        ))}
      </fieldset>
      {decision === 'REDUCE' && (
        <Field id={`${id}-amount`} label={t('fineDecideAmount', { currency: fine.currency })} error={errors.amount}>
          <input
            {...described(`${id}-amount`, errors.amount)}
            inputMode="decimal"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
        </Field>
      )}
      <Field id={`${id}-reason`} label={t('fineDecideReason')} error={errors.reason}>
        <textarea
          {...described(`${id}-reason`, errors.reason)}
          rows={3}
          maxLength={2000}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" class="primary" disabled={state.busy || waiting}>
        {t('fineDecideSend')}
      </button>
      {state.error !== undefined && <ErrorNote error={state.error} />}
      {/* send() catches its own failure and shows it: nothing waits for it. */}
      <ConfirmDialog
        open={confirming !== undefined}
        title={t('fineDecideConfirmTitle')}
        confirmLabel={t('fineDecideSend')}
        danger={confirming?.decision !== 'WAIVE'}
        busy={state.busy}
        onConfirm={() => confirming && void send(confirming)}
        onCancel={() => setConfirming(undefined)}
      >
        {confirming && (
          <>
            <p>
              {t('fineDecideConfirmMeans', {
                orderId,
                decision: v(confirming.decision),
                amount: money(decidedAmount, fine.currency, lang),
              })}
            </p>
            <p>
              {t('fineDecideReason')}: <q>{confirming.reason}</q>
            </p>
          </>
        )}
      </ConfirmDialog>
    </form>
  );
}

/** The deadline board's list of proposed fines, oldest opinion period first: each links to its case, where staff decide. */
export function FinesAwaitingDecision({ orders }: { orders: readonly BoardOrder[] }) {
  const { t, lang } = useT();
  const proposed = orders
    .filter((order) => order.fine?.status === 'PROPOSED')
    .sort((a, b) => (a.fine?.opinionDueAt ?? '').localeCompare(b.fine?.opinionDueAt ?? ''));
  return (
    <section aria-labelledby="fines-awaiting-heading" data-testid="fines-awaiting">
      <h2 id="fines-awaiting-heading">{t('finesAwaiting')}</h2>
      {proposed.length === 0 ? (
        <p class="empty">{t('finesAwaitingEmpty')}</p>
      ) : (
        <table class="board">
          <thead>
            <tr>
              <OrderOwnerHeads />
              <th scope="col">{t('fineProposedAmountColumn')}</th>
              <th scope="col">{t('fineOpinion')}</th>
              <th scope="col">{t('fineOpinionDue')}</th>
            </tr>
          </thead>
          <tbody>
            {proposed.map((order) => {
              const fine = order.fine as Fine;
              return (
                <tr key={order.orderId} data-order={order.orderId}>
                  <OrderOwnerCells order={order} />
                  <td data-label={t('fineProposedAmountColumn')}>{money(fine.amount, fine.currency, lang)}</td>
                  <td data-label={t('fineOpinion')}>{fine.opinion ? t('fineOpinionIn') : t('fineOpinionNotYet')}</td>
                  <td data-label={t('fineOpinionDue')}>
                    <DateTime iso={fine.opinionDueAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

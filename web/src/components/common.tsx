import type { ComponentChildren } from 'preact';
import type { Approval, Fine } from '../../../shared/domain/model';
import { ApiError } from '../api';
import { formatForPeople } from '../../../shared/domain/time-for-people';
import { breakdownLabel } from '../../../shared/domain/fine-words';
import { formatCompact, formatDuration, formatUtc, shortId } from '../format';
import { useApp, useNow, type Resource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

/**
 * A moment in the policy's time zone; the UTC instant on hover and for machines. `legal` writes
 * it as the notices do (deadlines, closing times); otherwise compact, for lists.
 */
export function DateTime({ iso, legal }: { iso: string | undefined; legal?: boolean }) {
  const { lang, t } = useT();
  const { config } = useApp();
  if (!iso) return <span>—</span>;
  const utc = formatUtc(iso);
  return (
    <time dateTime={iso} title={t('utcHint', { utc })}>
      {legal ? safeLocal(iso, lang, config.policy.timeZone) : formatCompact(iso, config.policy.timeZone)}
    </time>
  );
}

function safeLocal(iso: string, lang: 'ko' | 'en', timeZone: string): string {
  try {
    return formatForPeople(iso, timeZone, lang);
  } catch {
    return iso;
  }
}

/** Time left to a deadline, ticking; once past it says so in words, not only in colour. */
export function Countdown({ deadline, done }: { deadline: string | undefined; done?: boolean }) {
  const now = useNow();
  const { t, lang } = useT();
  // No deadline: the order's notice was not delivered, so no clock runs.
  if (done || deadline === undefined) return <span class="countdown done">—</span>;
  const left = new Date(deadline).getTime() - now;
  if (left <= 0) {
    return (
      <span class="countdown overdue" role="timer" data-overdue="true">
        <strong>{t('overdue')}</strong> · {t('overdueBy', { time: formatDuration(left, lang) })}
      </span>
    );
  }
  const urgent = left < 2 * 3600_000;
  return (
    <span class={`countdown${urgent ? ' urgent' : ''}`} role="timer">
      {t('timeLeft', { time: formatDuration(left, lang) })}
    </span>
  );
}

const TONE: Record<string, string> = {
  OVERDUE: 'bad',
  UNDELIVERED: 'bad',
  FAILED: 'bad',
  REJECTED: 'muted',
  REVOKED: 'muted',
  OVERTURNED: 'muted',
  CLOSED: 'muted',
  COMPLIED: 'good',
  COMPLIED_LATE: 'warn',
  CONFIRMED: 'good',
  UPHELD: 'good',
  PENDING_APPROVAL: 'warn',
  ESCALATED: 'warn',
  GONE: 'good',
  STILL_UP: 'bad',
  CANNOT_COMPLY: 'bad',
};

export function Badge({ value }: { value: string }) {
  const { v } = useT();
  return (
    <span class={`badge ${TONE[value] ?? ''}`} data-status={value}>
      {v(value)}
    </span>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useT();
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  let words = t('error', { message });
  if (error instanceof ApiError && error.code === 'NOT_FOUND') words = t('notFound');
  // Behind or throttled: the API took nothing, and its English message is no use to the person.
  else if (error instanceof ApiError && (error.status === 503 || error.status === 429)) words = t('busy');
  return (
    <p class="error" role="alert">
      {words}
    </p>
  );
}

/** Shows a resource's data, its first load, or its error with a retry. */
export function Loaded<T>({ resource, children }: { resource: Resource<T>; children: (data: T) => ComponentChildren }) {
  const { t } = useT();
  if (resource.data !== undefined) return <>{children(resource.data)}</>;
  if (resource.error) {
    return (
      <div>
        <ErrorNote error={resource.error} />
        <button type="button" onClick={resource.reload}>
          {t('retry')}
        </button>
      </div>
    );
  }
  return <p aria-busy="true">{t('loading')}</p>;
}

export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** aria attributes that tie an input to its hint and error. */
export function described(id: string, error?: string, hint?: boolean) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
}

/** Digits of the currency's minor unit: 0 for KRW, 2 for USD. */
export function minorDigitsOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 0;
}

/**
 * An amount in the currency's minor unit (CONTRACT.md section 7) as money: 12345 USD is $123.45,
 * 12345 KRW is ₩12,345. Formatted from its decimal string, so no amount loses a unit on the way.
 */
export function money(amount: number, currency: string, lang: 'ko' | 'en'): string {
  const digits = minorDigitsOf(currency);
  const units = Math.abs(amount)
    .toString()
    .padStart(digits + 1, '0');
  const decimal = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  const format = new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', { style: 'currency', currency });
  return format.format(`${amount < 0 ? '-' : ''}${decimal}` as `${number}`);
}

/** A fine's breakdown, each line in the screen's language (the notices' words), and its total. */
export function FineView({ fine }: { fine: Fine }) {
  const { t, v, lang } = useT();
  return (
    <table class="fine">
      <caption>
        {t('fine')} · {fine.policyId}
        {fine.status && <> · {v(fine.status)}</>}
      </caption>
      <tbody>
        {fine.breakdown.map((line) => (
          <tr key={line.item}>
            <th scope="row">{breakdownLabel(line, fine, lang)}</th>
            <td class="num">{money(line.amount, fine.currency, lang)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('total')}</th>
          <td class="num">
            <strong>{money(fine.amount, fine.currency, lang)}</strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id ? `${id}-h` : undefined}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/** Staff decisions on a case, with their reasons: what a reviewer weighs, and the case page shows. */
export function ApprovalList({ approvals }: { approvals: readonly Approval[] }) {
  const { t, v } = useT();
  if (approvals.length === 0) return <>{t('none')}</>;
  return (
    <>
      {approvals.map((a) => (
        <div key={a.by}>
          {v(a.decision)} · {a.by} · <DateTime iso={a.at} />
          {a.reason ? ` · ${a.reason}` : ''}
        </div>
      ))}
    </>
  );
}

/** The column heads of the cells below: every table of orders on staff's board starts with them. */
export function OrderOwnerHeads() {
  const { t } = useT();
  return (
    <>
      <th scope="col">{t('colOperator')}</th>
      <th scope="col">{t('colCase')}</th>
    </>
  );
}

/** The first cells of a row of the board: the order's operator, and its case as a short link. */
export function OrderOwnerCells({ order }: { order: { operatorId: string; caseId: string } }) {
  const { t } = useT();
  return (
    <>
      <td data-label={t('colOperator')}>{order.operatorId}</td>
      <td data-label={t('colCase')}>
        <a href={href(`/cases/${order.caseId}`)} class="mono" title={order.caseId}>
          {shortId(order.caseId)}
        </a>
      </td>
    </>
  );
}

import { useState } from 'preact/hooks';
import { appealRequestSchema, COMPLIANCE_ACTIONS, complianceRequestSchema } from '../../../shared/domain/model';
import type { OperatorOrder } from '../api';
import { Badge, Countdown, DateTime, described, ErrorNote, Field, FineView, Loaded, money, Section } from '../components/common';
import { useApp, useNow, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

const OPEN = new Set(['ISSUED', 'ACKNOWLEDGED', 'OVERDUE']);
const complianceOf = (order: OperatorOrder): string => order.complianceStatus ?? order.status;

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

function OperatorOrderCard({ order, onChange, heading = 'h2' }: { order: OperatorOrder; onChange: () => void; heading?: 'h1' | 'h2' }) {
  const { t, v } = useT();
  const { api } = useApp();
  const now = useNow();
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const compliance = complianceOf(order);
  const open = OPEN.has(compliance);
  const appealOpen =
    order.appealDeadline !== undefined &&
    new Date(order.appealDeadline).getTime() > now &&
    !['APPEALED', 'UPHELD', 'OVERTURNED', 'REVOKED'].includes(order.status);
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
          <DateTime iso={order.deadlineAt} legal /> {open && <Countdown deadline={order.deadlineAt} />}
        </dd>
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
      {message && (
        <p class="success" role="status">
          {message}
        </p>
      )}
      <ErrorNote error={error} />
      {compliance === 'ISSUED' && (
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
      {open && <ComplianceForm order={order} busy={busy} act={act} />}
      {order.appealDeadline &&
        (appealOpen ? (
          <AppealForm order={order} busy={busy} act={act} />
        ) : (
          !open && order.status === 'CONFIRMED' && <p class="meta">{t('appealClosed')}</p>
        ))}
      {order.fine && <FineView fine={order.fine} />}
    </article>
  );
}

interface ActProps {
  order: OperatorOrder;
  busy: boolean;
  act: (run: () => Promise<string>) => Promise<void>;
}

function ComplianceForm({ order, busy, act }: ActProps) {
  const { t, v } = useT();
  const { api } = useApp();
  const [action, setAction] = useState<(typeof COMPLIANCE_ACTIONS)[number]>(order.action === 'BLOCK_ACCESS' ? 'BLOCKED' : 'DELETED');
  const [note, setNote] = useState('');
  const id = `comply-${order.orderId}`;
  const submit = (event: Event): void => {
    event.preventDefault();
    const request = complianceRequestSchema.parse({ action, ...(note.trim() ? { note: note.trim() } : {}) });
    void act(async () => {
      const answer = await api.reportCompliance(order.orderId, request);
      return t('complianceSent', { status: v(answer.status) });
    });
  };
  return (
    <form class="decide" onSubmit={submit}>
      <fieldset class="choices">
        <legend>{t('complianceWhat')}</legend>
        {COMPLIANCE_ACTIONS.map((a) => (
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

/**
 * An order's statement of reasons (shared/domain/reasons.ts), and a lifted order's instruction to
 * restore the content or lift the block, with the operator's answer: it cannot be taken back, so
 * it goes through the confirmation dialog.
 */
import { useState } from 'preact/hooks';
import type { ReinstatementAction } from '../../../shared/domain/model';
import { durationToMs } from '../../../shared/domain/policy';
import type { Remedy, StatementOfReasons } from '../../../shared/domain/reasons';
import type { OperatorOrder } from '../api';
import { useApp } from '../hooks';
import { useT } from '../i18n';
import { ConfirmDialog } from './ConfirmDialog';
import { DateTime } from './common';

const DAY_MS = 86_400_000;

function windowWords(remedy: Remedy, lang: 'ko' | 'en'): string {
  if (remedy.window === undefined) return lang === 'ko' ? '관할 법에 따름' : 'as the law of that forum allows';
  const ms = durationToMs(remedy.window);
  const span =
    ms >= 2 * DAY_MS
      ? `${Math.floor(ms / DAY_MS)}${lang === 'ko' ? '일' : ' days'}`
      : `${Math.floor(ms / 3_600_000)}${lang === 'ko' ? '시간' : ' hours'}`;
  return span;
}

export function StatementOfReasonsView({ reasons }: { reasons: StatementOfReasons }) {
  const { t, v, lang } = useT();
  const decided =
    reasons.decidedBy.body === 'COMMISSION_STAFF'
      ? t('reasonsDecidedByStaff', { count: reasons.decidedBy.members })
      : t('reasonsDecidedByCommittee');
  return (
    <details class="reasons" data-testid="statement-of-reasons">
      <summary>{t('reasonsTitle')}</summary>
      <dl class="facts">
        <dt>{t('reasonsAuthority')}</dt>
        <dd>
          {reasons.issuingAuthority.name[lang]} <span class="mono">({reasons.issuingAuthority.contact})</span>
        </dd>
        <dt>{t('reasonsDecidedBy')}</dt>
        <dd>{decided}</dd>
        <dt>{t('reasonsLegalBasis')}</dt>
        <dd>{reasons.legalBasis[lang]}</dd>
        <dt>{t('reasonsFacts')}</dt>
        <dd>
          <ul>
            {reasons.facts.grounds.map((ground, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two approvers may give the same words, and the list never changes once issued
              <li key={i}>{ground}</li>
            ))}
            <li>{v(reasons.facts.category)}</li>
          </ul>
        </dd>
        <dt>{t('reasonsRemedies')}</dt>
        <dd>
          <ul>
            {reasons.remedies.map((remedy) => (
              <li key={remedy.kind}>
                <strong>{v(remedy.kind)}</strong>: {remedy.body[lang]} · {windowWords(remedy, lang)}
                {remedy.deadline && (
                  <>
                    {' · '}
                    <DateTime iso={remedy.deadline} legal />
                  </>
                )}
                {remedy.basis && <span class="meta"> ({remedy.basis[lang]})</span>}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </details>
  );
}

export function ReinstatementPanel({ order, onChange }: { order: OperatorOrder; onChange: () => void }) {
  const { t, v } = useT();
  const { api } = useApp();
  const [choice, setChoice] = useState<ReinstatementAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reinstatement = order.reinstatement;
  if (reinstatement === undefined) return null;
  const answer: ReinstatementAction = reinstatement.instruction === 'UNBLOCK' ? 'UNBLOCKED' : 'RESTORED';
  const send = async (action: ReinstatementAction): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.reportReinstatement(order.orderId, { action });
      setChoice(null);
      onChange();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="notice" aria-labelledby={`reinstate-${order.orderId}`} data-testid="reinstatement">
      <h3 id={`reinstate-${order.orderId}`}>{t(reinstatement.instruction === 'UNBLOCK' ? 'unblockTitle' : 'reinstateTitle')}</h3>
      <p>
        <DateTime iso={reinstatement.instructedAt} legal />: {t(reinstatement.instruction === 'UNBLOCK' ? 'unblockAsk' : 'reinstateAsk')}
      </p>
      {reinstatement.status === 'DONE' ? (
        <p role="status" data-testid="reinstatement-done">
          {t('reinstatementDone', { action: v(reinstatement.action ?? answer) })} (<DateTime iso={reinstatement.doneAt} />)
        </p>
      ) : (
        <div class="buttons">
          <button type="button" class="primary" disabled={busy} onClick={() => setChoice(answer)}>
            {v(answer)}
          </button>
          <button type="button" disabled={busy} onClick={() => setChoice('NOT_APPLICABLE')}>
            {v('NOT_APPLICABLE')}
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ConfirmDialog
        open={choice !== null}
        title={t('reinstatementConfirmTitle')}
        confirmLabel={t('reinstatementConfirm')}
        busy={busy}
        onConfirm={() => choice !== null && void send(choice)}
        onCancel={() => setChoice(null)}
      >
        <p>{t('reinstatementConfirmMeans', { action: v(choice ?? answer) })}</p>
      </ConfirmDialog>
    </section>
  );
}

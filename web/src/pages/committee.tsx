import { useMemo, useState } from 'preact/hooks';
import { recusalRequestSchema, VOTE_DECISIONS, voteRequestSchema, type ReviewKind, type VoteDecision } from '../../../shared/domain/model';
import { ApiError, type CaseDetail, type CaseSummary, type ReviewView } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ApprovalList, Badge, Countdown, DateTime, described, ErrorNote, Field, Loaded, Section } from '../components/common';
import { EvidenceView } from '../components/Evidence';
import { ReviewTally } from '../components/ReviewTally';
import { useApp, useResource } from '../hooks';
import { useT } from '../i18n';
import { href } from '../router';

function canVote(review: ReviewView, me: string): boolean {
  if (review.status !== 'OPEN' || review.myVote || review.recused) return false;
  return review.canVote ?? review.eligibleMembers.includes(me);
}

export function ReviewsPage() {
  const { t, v } = useT();
  const { api } = useApp();
  const data = useResource(
    async () => {
      const [reviews, cases] = await Promise.all([api.reviews(), api.cases()]);
      return { reviews, cases: new Map(cases.map((c) => [c.caseId, c])) };
    },
    [api],
    20_000,
  );
  const [showClosed, setShowClosed] = useState(false);
  return (
    <section>
      <div class="title-row">
        <h1>{t('reviewsTitle')}</h1>
        <button type="button" onClick={data.reload}>
          {t('refresh')}
        </button>
      </div>
      <Loaded resource={data}>
        {({ reviews, cases }) => {
          const open = reviews.filter((r) => r.status === 'OPEN').sort((a, b) => a.closesAt.localeCompare(b.closesAt));
          const closed = reviews.filter((r) => r.status !== 'OPEN');
          return (
            <>
              {open.length === 0 ? (
                <p class="empty">{t('reviewsEmpty')}</p>
              ) : (
                <BatchReview reviews={open} cases={cases} onDone={data.reload} />
              )}
              {closed.length > 0 && (
                <div class="closed-reviews">
                  <button type="button" class="link" aria-expanded={showClosed} onClick={() => setShowClosed(!showClosed)}>
                    {t('closedReviews')} ({closed.length})
                  </button>
                  {showClosed && (
                    <ul class="rows">
                      {closed.map((r) => (
                        <li key={r.reviewId}>
                          <a href={href(`/committee/reviews/${r.reviewId}`)} class="mono">
                            {r.reviewId}
                          </a>{' '}
                          · {v(r.kind)} · <Badge value={r.status} /> {r.outcome && <Badge value={r.outcome} />}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

interface BatchResult {
  ok: number;
  failed: { reviewId: string; message: string }[];
}

/**
 * Many reviews of one kind, one decision and one reason, sent as one vote per review: each vote
 * stays a separate, attributable record, and a failure on one item does not stop the others.
 */
function BatchReview({ reviews, cases, onDone }: { reviews: ReviewView[]; cases: Map<string, CaseSummary>; onDone: () => void }) {
  const { t, v } = useT();
  const { api, session } = useApp();
  const kinds = useMemo(() => [...new Set(reviews.map((r) => r.kind))], [reviews]);
  const [kind, setKind] = useState<ReviewKind>(kinds[0] ?? 'POST_REVIEW');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [decision, setDecision] = useState<VoteDecision | ''>('');
  const [choiceError, setChoiceError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BatchResult | null>(null);
  const votable = reviews.filter((r) => r.kind === kind && canVote(r, session.userId));
  const chosen = votable.filter((r) => selected.has(r.reviewId));

  const toggle = (reviewId: string, on: boolean): void => {
    const next = new Set(selected);
    if (on) next.add(reviewId);
    else next.delete(reviewId);
    setSelected(next);
  };

  const request = voteRequestSchema.safeParse({ decision, ...(reason.trim() ? { reason: reason.trim() } : {}) });

  // Nothing is cast before the member has chosen a decision and seen, in one sentence, what it does.
  const askToVote = (event: Event): void => {
    event.preventDefault();
    if (chosen.length === 0) return;
    if (!request.success) {
      setChoiceError(t('chooseDecision'));
      return;
    }
    setChoiceError(undefined);
    setConfirming(true);
  };

  // Never rejects (each vote's failure is listed in the result), so the dialog does not wait for it:
  // `void castVotes()`.
  const castVotes = async (): Promise<void> => {
    if (!request.success) return;
    setBusy(true);
    setResult(null);
    const outcome: BatchResult = { ok: 0, failed: [] };
    for (const review of chosen) {
      try {
        await api.vote(review.reviewId, request.data);
        outcome.ok += 1;
      } catch (error) {
        outcome.failed.push({ reviewId: review.reviewId, message: error instanceof ApiError ? error.message : String(error) });
      }
    }
    setResult(outcome);
    setSelected(new Set());
    setDecision('');
    setBusy(false);
    setConfirming(false);
    onDone();
  };

  return (
    <form class="batch" onSubmit={askToVote} aria-labelledby="batch-h" noValidate>
      <div class="card">
        <h2 id="batch-h">{t('batchTitle')}</h2>
        <p class="meta">{t('batchHint')}</p>
        <div class="row">
          <div class="field">
            <label for="batch-kind">{t('batchKind')}</label>
            <select
              id="batch-kind"
              value={kind}
              onChange={(e) => {
                setKind(e.currentTarget.value as ReviewKind);
                setSelected(new Set());
              }}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {v(k)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <label class="check">
          <input
            type="checkbox"
            id="batch-all"
            checked={votable.length > 0 && chosen.length === votable.length}
            disabled={votable.length === 0}
            onChange={(e) => setSelected(e.currentTarget.checked ? new Set(votable.map((r) => r.reviewId)) : new Set())}
          />{' '}
          {t('batchSelectAll', { count: votable.length })}
        </label>
      </div>
      <ul class="cards review-list">
        {reviews.map((review) => {
          const c = cases.get(review.caseId);
          const selectable = review.kind === kind && canVote(review, session.userId);
          return (
            <li key={review.reviewId} class="card review-row" data-review={review.reviewId}>
              {selectable && (
                <input
                  type="checkbox"
                  class="select"
                  aria-label={t('select', { id: review.reviewId })}
                  checked={selected.has(review.reviewId)}
                  onChange={(e) => toggle(review.reviewId, e.currentTarget.checked)}
                />
              )}
              <div class="grow">
                <a href={href(`/committee/reviews/${review.reviewId}`)}>
                  <strong>{v(review.kind)}</strong> · {v(review.category ?? c?.category)} <span class="mono meta">{review.reviewId}</span>
                </a>
                <p class="meta">
                  {t('closesAt')}: <DateTime iso={review.closesAt} /> · <Countdown deadline={review.closesAt} />
                </p>
                <ReviewTally review={review} />
                <p class="meta">
                  {review.recused ? t('recused') : review.myVote ? t('myVote', { vote: v(review.myVote) }) : t('notVoted')}
                </p>
              </div>
            </li>
          );
        })}
      </ul>
      {chosen.length > 0 && (
        <div class="card batch-choices">
          <fieldset class="choices" aria-describedby={choiceError ? 'batch-decision-error' : undefined}>
            <legend>{t('vote')}</legend>
            {VOTE_DECISIONS.map((d) => (
              <label key={d}>
                <input type="radio" name="batch-decision" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {v(d)}
              </label>
            ))}
            {choiceError && (
              <small id="batch-decision-error" class="field-error" role="alert">
                {choiceError}
              </small>
            )}
          </fieldset>
          <p class="meta">{t(`confirmMeans_${kind}`)}</p>
          <div class="field">
            <label for="batch-reason">{t('reasonOptional')}</label>
            <input id="batch-reason" maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
        </div>
      )}
      {/* One line, so that on a phone it covers little of the list it sticks to. */}
      <div class="batch-bar">
        <p aria-live="polite">
          <strong>{t('batchSelected', { count: chosen.length })}</strong>
        </p>
        <button type="submit" class="primary" disabled={busy || chosen.length === 0}>
          {t('batchVote', { count: chosen.length })}
        </button>
        {result && (
          <div role="status" class={result.failed.length ? 'error' : 'success'}>
            {t('batchDone', { ok: result.ok, failed: result.failed.length })}
            {result.failed.length > 0 && (
              <ul>
                {result.failed.map((f) => (
                  <li key={f.reviewId}>
                    <span class="mono">{f.reviewId}</span>: {f.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('batchConfirmTitle', { count: chosen.length })}
        confirmLabel={t('batchConfirm', { count: chosen.length })}
        busy={busy}
        onConfirm={() => void castVotes()}
        onCancel={() => setConfirming(false)}
      >
        <p>{t('batchConfirmMeans', { count: chosen.length, decision: v(decision) })}</p>
        <ul class="confirm-list">
          {chosen.map((review) => (
            <li key={review.reviewId} class="mono">
              {review.reviewId}
            </li>
          ))}
        </ul>
        <p class="meta">{t(`confirmMeans_${kind}`)}</p>
        {reason.trim() && (
          <p>
            {t('reason')}: <q>{reason.trim()}</q>
          </p>
        )}
      </ConfirmDialog>
    </form>
  );
}

export function ReviewPage({ reviewId }: { reviewId: string }) {
  const { t } = useT();
  const { api } = useApp();
  const data = useResource(
    async () => {
      const review = (await api.reviews()).find((r) => r.reviewId === reviewId);
      if (!review) throw new ApiError(404, 'NOT_FOUND', `review ${reviewId}`);
      return { review, detail: await api.caseDetail(review.caseId) };
    },
    [api, reviewId],
    20_000,
  );
  return (
    <section>
      <p>
        <a href={href('/committee/reviews')}>← {t('reviewsTitle')}</a>
      </p>
      <Loaded resource={data}>{({ review, detail }) => <ReviewDetail review={review} detail={detail} onChange={data.reload} />}</Loaded>
    </section>
  );
}

function ReviewDetail({ review, detail, onChange }: { review: ReviewView; detail: CaseDetail; onChange: () => void }) {
  const { t, v } = useT();
  const { session } = useApp();
  const orders = detail.orders.filter((o) => review.orderIds.length === 0 || review.orderIds.includes(o.orderId));
  const appeals = detail.appeals.filter((a) => a.reviewId === review.reviewId || a.appealId === review.appealId);
  const approvals = detail.approvals ?? [];
  return (
    <>
      <div class="title-row">
        <h1>
          {v(review.kind)} <span class="mono">{review.reviewId}</span>
        </h1>
        <Badge value={review.status} />
      </div>
      <Section title={t('votes')} id="tally">
        <p>
          {t('closesAt')}: <DateTime iso={review.closesAt} legal /> {review.status === 'OPEN' && <Countdown deadline={review.closesAt} />}
        </p>
        <ReviewTally review={review} />
        <p>{review.recused ? t('recused') : review.myVote ? t('myVote', { vote: v(review.myVote) }) : t('notVoted')}</p>
        {review.outcome && (
          <p>
            {t('outcome')}: <Badge value={review.outcome} />
          </p>
        )}
        {canVote(review, session.userId) && (
          <>
            <VoteForm review={review} onDone={onChange} />
            <RecusalForm review={review} onDone={onChange} />
          </>
        )}
      </Section>
      <Section title={t('details')} id="what">
        <dl class="facts">
          <dt>{t('colCase')}</dt>
          <dd>
            <a href={href(`/cases/${detail.caseId}`)} class="mono">
              {detail.caseId}
            </a>{' '}
            · <Badge value={detail.status} />
          </dd>
          <dt>{t('category')}</dt>
          <dd>{v(detail.category)}</dd>
          {detail.summary && (
            <>
              <dt>{t('summary')}</dt>
              <dd>{detail.summary}</dd>
            </>
          )}
          <dt>{t('staffReasons')}</dt>
          <dd>
            <ApprovalList approvals={approvals} />
          </dd>
        </dl>
        <h3>{t('orders')}</h3>
        <ul class="plain">
          {orders.map((o) => (
            <li key={o.orderId}>
              <strong>{o.operatorId}</strong> <Badge value={o.status} /> · {t('deadline')} <DateTime iso={o.deadlineAt} />
              {o.compliedAt && (
                <>
                  {' '}
                  · {t('compliedAt')} <DateTime iso={o.compliedAt} />
                </>
              )}
            </li>
          ))}
        </ul>
        {appeals.map((a) => (
          <div key={a.appealId}>
            <h3>{t('appeal')}</h3>
            <p class="quote">{a.grounds}</p>
          </div>
        ))}
      </Section>
      <EvidenceView detail={detail} orders={orders} />
    </>
  );
}

function VoteForm({ review, onDone }: { review: ReviewView; onDone: () => void }) {
  const { t, v } = useT();
  const { api } = useApp();
  const [decision, setDecision] = useState<VoteDecision | ''>('');
  const [reason, setReason] = useState('');
  const [choiceError, setChoiceError] = useState<string>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Never rejects (a failure is shown in the form), so its callers do not wait for it: `void submit(event)`.
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const parsed = voteRequestSchema.safeParse({ decision, ...(reason.trim() ? { reason: reason.trim() } : {}) });
    if (!parsed.success) {
      setChoiceError(t('chooseOne'));
      return;
    }
    setChoiceError(undefined);
    setBusy(true);
    setError(null);
    try {
      await api.vote(review.reviewId, parsed.data);
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="decide" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset class="choices" aria-describedby={choiceError ? 'vote-error' : undefined}>
        <legend>{t('vote')}</legend>
        {VOTE_DECISIONS.map((d) => (
          <label key={d}>
            <input type="radio" name="vote" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {v(d)}
          </label>
        ))}
        {choiceError && (
          <small id="vote-error" class="field-error" role="alert">
            {choiceError}
          </small>
        )}
      </fieldset>
      <p class="meta">{t(`confirmMeans_${review.kind}`)}</p>
      <div class="field">
        <label for="vote-reason">{t('reason')}</label>
        <textarea id="vote-reason" rows={2} maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {t('voteSubmit')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function RecusalForm({ review, onDone }: { review: ReviewView; onDone: () => void }) {
  const { t, schema } = useT();
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const askToRecuse = (event: Event): void => {
    event.preventDefault();
    const parsed = recusalRequestSchema.safeParse({ reason: reason.trim() });
    if (!parsed.success) {
      setFieldError(schema(parsed.error.issues[0]?.message ?? ''));
      return;
    }
    setFieldError(undefined);
    setConfirming(true);
  };
  // Never rejects (a failure is shown in the form), so the dialog does not wait for it: `void recuse()`.
  const recuse = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.recuse(review.reviewId, reason.trim());
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <details class="recusal">
      <summary>{t('recuse')}</summary>
      <form onSubmit={askToRecuse} noValidate>
        <Field id="recusal-reason" label={t('recusalReason')} error={fieldError}>
          <input
            {...described('recusal-reason', fieldError)}
            maxLength={2000}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {t('recuse')}
        </button>
        <ErrorNote error={error} />
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('recuseConfirmTitle')}
        confirmLabel={t('recuse')}
        danger
        busy={busy}
        onConfirm={() => void recuse()}
        onCancel={() => setConfirming(false)}
      >
        <p>{t('recuseConfirmMeans', { id: review.reviewId })}</p>
        <p>
          {t('reason')}: <q>{reason.trim()}</q>
        </p>
      </ConfirmDialog>
    </details>
  );
}

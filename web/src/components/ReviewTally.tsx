import { tally } from '../../../shared/domain/votes';
import type { ReviewView } from '../api';
import { useT } from '../i18n';

/**
 * Votes cast, quorum and (once the review is closed) counts by decision, as they stand. The
 * quorum is the server's count, else the domain's rule: the same `tally` that closes the review.
 */
export function ReviewTally({ review }: { review: ReviewView }) {
  const { t, v } = useT();
  const rule = tally({ eligibleMembers: review.eligibleMembers, recusals: review.recusals ?? {}, votes: review.votes ?? {} });
  const cast = review.votes ? rule.votesCast : review.votesCast;
  const quorumNeeded = review.quorumNeeded ?? rule.quorumNeeded;
  const met = cast >= quorumNeeded;
  const counts = review.tally;
  return (
    <div class="tally" data-review={review.reviewId}>
      <span>{t('votesCast', { cast, eligible: rule.eligible })}</span>
      <span>
        {t('quorum', { need: quorumNeeded })} · <strong class={met ? 'ok' : 'warn'}>{met ? t('quorumMet') : t('quorumNotMet')}</strong>
      </span>
      {counts && (
        <span class="counts">
          {v('CONFIRM')} {counts.CONFIRM} · {v('REVOKE')} {counts.REVOKE} · {v('ABSTAIN')} {counts.ABSTAIN}
        </span>
      )}
    </div>
  );
}

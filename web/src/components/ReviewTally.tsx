import { eligibleVoters } from '../../../shared/domain/vote-count';
import type { ReviewView } from '../api';
import { useT } from '../i18n';

/**
 * Votes cast, quorum and (once the review is closed) counts by decision, as they stand. Whether
 * the quorum is met is the server's answer under the case's vote rules (abstentions may not count).
 */
export function ReviewTally({ review }: { review: ReviewView }) {
  const { t, v } = useT();
  const eligible = eligibleVoters({ eligibleMembers: review.eligibleMembers, recusals: review.recusals ?? {} });
  const cast = review.votesCast;
  const quorumNeeded = review.quorumNeeded ?? eligible.length;
  const met = review.quorumMet ?? cast >= quorumNeeded;
  const counts = review.tally;
  return (
    <div class="tally" data-review={review.reviewId}>
      <span>{t('votesCast', { cast, eligible: eligible.length })}</span>
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

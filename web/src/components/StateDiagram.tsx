/**
 * The case workflow drawn as boxes, with the case's current state marked. The states come from
 * statemachines/case-workflow.asl.json at build time, so a state renamed or removed there
 * disappears here too; where the case stands is derived from the case's and orders' statuses.
 */
import type { CaseStatus, ComplianceStatus } from '../../../shared/domain/model';
import type { CaseDetail } from '../api';
import { useT } from '../i18n';

type AslStates = Record<
  string,
  { Branches?: { States: AslStates }[]; ItemProcessor?: { States: AslStates }; Iterator?: { States: AslStates } }
>;

// A glob, not an import: the build must not fail while the definition is still being written.
const definitions = import.meta.glob<{ States?: AslStates }>('../../../statemachines/case-workflow.asl.json', {
  eager: true,
  import: 'default',
});
const definition = Object.values(definitions)[0];

function collectNames(states: AslStates | undefined, into: Set<string>): Set<string> {
  for (const [name, state] of Object.entries(states ?? {})) {
    into.add(name);
    for (const branch of state.Branches ?? []) collectNames(branch.States, into);
    collectNames(state.ItemProcessor?.States ?? state.Iterator?.States, into);
  }
  return into;
}

const known = definition ? collectNames(definition.States, new Set()) : null;
const present = (names: string[]): string[] => (known ? names.filter((n) => known.has(n)) : names);

const COMPLIANCE = ['SendOrderNotice', 'AwaitCompliance', 'EnforceDeadline', 'AwaitLateCompliance'];
const DECISION_POST = ['OpenPostReview', 'AwaitPostReview', 'ApplyPostReviewOutcome'];
const DECISION_APPEAL = ['OpenAppealWindow', 'AwaitAppealWindow', 'CollectAppeals', 'AppealReviews'];

const DECISION_AT: Partial<Record<CaseStatus, string>> = {
  ORDERS_ISSUED: 'OpenPostReview',
  UNDER_POST_REVIEW: 'AwaitPostReview',
  REVOKED: 'ApplyPostReviewOutcome',
  CONFIRMED: 'OpenAppealWindow',
  APPEAL_WINDOW: 'AwaitAppealWindow',
  UNDER_APPEAL: 'AppealReviews',
};

const COMPLIANCE_AT: Record<ComplianceStatus, string | null> = {
  ISSUED: 'AwaitCompliance',
  ACKNOWLEDGED: 'AwaitCompliance',
  OVERDUE: 'AwaitLateCompliance',
  COMPLIED: null,
  COMPLIED_LATE: null,
  UNDELIVERED: 'AwaitDelivery',
};

export function currentStates(detail: Pick<CaseDetail, 'status' | 'procedure' | 'orders'>): {
  top: string | null;
  decision: string | null;
  perOrder: Map<string, string[]>;
} {
  // Which branch states a finished case passed through is in the execution's history, not in
  // the case: once past the tracks, only the tracks as a whole are marked done.
  const perOrder = new Map<string, string[]>();
  const status = detail.status;
  const inTracks = status in DECISION_AT;
  if (inTracks) {
    for (const order of detail.orders) {
      const at = order.complianceStatus ? COMPLIANCE_AT[order.complianceStatus] : null;
      if (at) perOrder.set(at, [...(perOrder.get(at) ?? []), order.operatorId ?? order.orderId]);
    }
  }
  const top: Partial<Record<CaseStatus, string>> = {
    PENDING_APPROVAL: 'AwaitApprovals',
    UNDER_PRIOR_REVIEW: 'AwaitPriorReview',
    REJECTED: 'CaseRejected',
    CLOSED: 'Closed',
    FAILED: 'RecordFailure',
  };
  return { top: top[status] ?? (inTracks ? 'Tracks' : null), decision: DECISION_AT[status] ?? null, perOrder };
}

function Node({ name, current, done, note }: { name: string; current: boolean; done: boolean; note?: string[] | undefined }) {
  const { t } = useT();
  return (
    <li class={`sm-node${current ? ' current' : ''}${done ? ' done' : ''}`} aria-current={current ? 'step' : undefined}>
      <span class="sm-name">{name}</span>
      {current && <span class="sm-tag">{t('currentState')}</span>}
      {note && note.length > 0 && <span class="sm-note">{note.join(', ')}</span>}
    </li>
  );
}

function Chain({ names, at, notes }: { names: string[]; at: string | null; notes?: Map<string, string[]> }) {
  const index = at ? names.indexOf(at) : -1;
  return (
    <ol class="sm-chain">
      {names.map((name, i) => (
        <Node
          key={name}
          name={name}
          current={name === at || (notes?.has(name) ?? false)}
          done={index >= 0 && i < index}
          note={notes?.get(name)}
        />
      ))}
    </ol>
  );
}

export function StateDiagram({ detail }: { detail: CaseDetail }) {
  const { t } = useT();
  const { top, decision, perOrder } = currentStates(detail);
  const status = detail.status;
  const voteFirst = detail.procedure === 'vote-first';
  const opening = present(voteFirst ? ['OpenCase', 'OpenPriorReview', 'AwaitPriorReview'] : ['OpenCase', 'AwaitApprovals', 'IssueOrders']);
  if (voteFirst) opening.push(...present(['IssueOrders']));
  const closing = present(['AssessFines', 'CloseCase', 'Closed']);
  const order = [...opening, 'Tracks', ...closing];
  const topIndex = top ? order.indexOf(top) : -1;
  const past = (name: string): boolean => status === 'CLOSED' || (topIndex >= 0 && order.indexOf(name) < topIndex);
  const decisionNames = present(voteFirst ? DECISION_APPEAL : [...DECISION_POST, ...DECISION_APPEAL]);
  return (
    <figure class="sm" aria-label={t('workflow')}>
      <ol class="sm-chain sm-top">
        {opening.map((name) => (
          <Node key={name} name={name} current={name === top} done={past(name)} />
        ))}
        <li
          class={`sm-tracks${top === 'Tracks' ? ' current' : ''}${past('Tracks') ? ' done' : ''}`}
          aria-current={top === 'Tracks' ? 'step' : undefined}
        >
          <span class="sm-name">Tracks</span>
          <div class="sm-branches">
            <div class="sm-branch">
              <span class="sm-branch-title">PerOrder</span>
              <Chain names={present(COMPLIANCE)} at={null} notes={perOrder} />
            </div>
            <div class="sm-branch">
              <span class="sm-branch-title">Decision</span>
              <Chain names={decisionNames} at={decision} />
            </div>
          </div>
        </li>
        {closing.map((name) => (
          <Node key={name} name={name} current={name === top} done={past(name)} />
        ))}
        {(status === 'REJECTED' || status === 'FAILED') && (
          <Node name={status === 'REJECTED' ? 'CaseRejected' : 'RecordFailure'} current done={false} />
        )}
      </ol>
    </figure>
  );
}

/**
 * The case timeline in words: who did what, to whom ("Notice of order O… sent to
 * legal@social.example"), from an audit event's details and what the case page already holds
 * (approval reasons, notices' recipients), which the chain leaves out because they may describe
 * the content or name a person. Pure: the caller passes the translator and the time zone.
 */
import type { AppealEvent } from '../../shared/domain/deciders/appeal';
import type { CaseEvent } from '../../shared/domain/deciders/case';
import type { FineLedgerEvent } from '../../shared/domain/deciders/fine-ledger';
import type { OperatorEvent } from '../../shared/domain/deciders/operator';
import type { OrderEvent } from '../../shared/domain/deciders/order';
import type { PartnerEvent } from '../../shared/domain/deciders/partner';
import type { PartnerUpdateEvent } from '../../shared/domain/deciders/partner-update';
import type { ReferralEvent } from '../../shared/domain/deciders/referral';
import type { ReviewEvent } from '../../shared/domain/deciders/review';
import type { Approval, NoticeRecord, NoticeStatus } from '../../shared/domain/model';
import { formatCompact } from './format';
import type { Lang, Translator } from './i18n';

export type AuditAction = (
  | CaseEvent
  | OrderEvent
  | ReviewEvent
  | AppealEvent
  | OperatorEvent
  | FineLedgerEvent
  | PartnerEvent
  | ReferralEvent
  | PartnerUpdateEvent
)['action'];

export interface WordedEvent {
  at: string;
  actor: string;
  action: string;
  details?: Record<string, unknown>;
}

export interface TimelineContext {
  timeZone: string;
  approvals: readonly Approval[];
  orders: readonly { orderId: string; operatorId?: string; notices?: readonly NoticeRecord[] }[];
}

/** What a sentence may use: the event's details read safely, and the case's context. */
interface Facts {
  actor: string;
  text: (name: string) => string;
  count: (name: string) => number;
  label: (name: string) => string;
  time: (name: string) => string;
  orderId: string;
  operator: string;
  recipients: string;
  reason: string;
  urls: (n: number) => string;
  money: () => string;
}

type Sentences = Record<AuditAction, (f: Facts) => string>;

const reasonEn = (f: Facts): string => (f.reason ? `: reason “${f.reason}”` : '');
const reasonKo = (f: Facts): string => (f.reason ? `: 사유 “${f.reason}”` : '');

const en: Sentences = {
  REPORT_FILED: (f) => `Report filed by ${f.actor}: ${f.urls(f.count('urlCount'))}, ${f.label('category')}`,
  APPROVAL_GIVEN: (f) =>
    `Approved by ${f.actor} (approval ${f.count('approvalsSoFar')})${reasonEn(f)}${f.text('ordersIssuedAt') ? '; orders issued' : ''}`,
  APPROVAL_REFUSED: (f) => `Rejected by ${f.actor}${reasonEn(f)}`,
  WORKFLOW_STARTED: () => 'Workflow started',
  APPROVAL_SLA_MISSED: (f) => `Approval deadline passed with ${f.count('approvals')} of ${f.count('needed')} approvals; staff alerted`,
  POST_REVIEW_STARTED: (f) => `Post-review ${f.text('reviewId')} opened for the committee`,
  ORDERS_APPROVED_BY_COMMITTEE: () => 'The committee approved the orders (prior review)',
  REJECTED_BY_COMMITTEE: () => 'The committee rejected the report (prior review)',
  CASE_CONFIRMED: () => 'The committee confirmed the orders',
  CASE_REVOKED: () => 'The committee revoked the orders',
  URLS_MATCHED: (f) => `URLs matched to operators: ${f.count('matched')} matched, ${f.count('unassigned')} unassigned`,
  APPEAL_WINDOW_OPENED: (f) =>
    f.orderId
      ? `Appeal window of order ${f.orderId} open until ${f.time('appealDeadline')}`
      : `Appeal window open until ${f.time('closesAt')}`,
  APPEALS_UNDER_REVIEW: (f) => `Appeals sent to the committee: ${f.count('appealIds')}`,
  STAFF_ALERTED: () => 'Staff alerted by e-mail',
  REPORTER_NOTIFIED: () => 'Reporter e-mailed that an outcome changed',
  CASE_CLOSED: (f) => `Case closed (${f.label('status')})`,
  WORKFLOW_FAILED: (f) => `The workflow stopped on an error (${f.text('error')}); staff alerted`,
  ORDER_ISSUED: (f) => `Order ${f.orderId} issued to ${f.operator}: ${f.label('action')}, ${f.urls(f.count('urlCount'))}`,
  NOTICE_SENT: (f) =>
    `${f.label('kind')} notice of order ${f.orderId} sent to ${f.recipients}${f.text('deadlineAt') ? `; deadline ${f.time('deadlineAt')}` : ''}`,
  NOTICE_STATUS_RECORDED: (f) => `Notice of order ${f.orderId}: ${f.label('status')}${f.text('reason') ? ` (${f.text('reason')})` : ''}`,
  ORDER_UNDELIVERED: (f) => `The notice of order ${f.orderId} did not reach ${f.operator}: ${f.text('reason')}`,
  ORDER_NOTICE_RESENT: (f) => `${f.actor} sent the notice of order ${f.orderId} again`,
  ORDER_ACKNOWLEDGED: (f) => `${f.actor} acknowledged order ${f.orderId}`,
  ORDER_COMPLIED: (f) => `${f.actor} reported order ${f.orderId} complied: ${f.label('action')}`,
  ORDER_COMPLIED_LATE: (f) => `${f.actor} reported order ${f.orderId} complied late: ${f.label('action')}`,
  ORDER_OVERDUE: (f) => `Order ${f.orderId} overdue: late compliance accepted until ${f.time('graceEndsAt')}`,
  NON_COMPLIANCE_RECORDED: (f) =>
    f.text('cause') === 'POST_MONITORING'
      ? `Order ${f.orderId} reopened: post-monitoring found ${f.urls(f.count('stillUp'))} still online; staff alerted, operator told`
      : `Order ${f.orderId} not complied by the end of its grace period (${f.time('graceEndsAt')})`,
  ORDER_CONFIRMED: (f) => `Order ${f.orderId} confirmed by the committee`,
  NON_COMPLIANCE_ESCALATED: (f) => `${f.actor} referred order ${f.orderId} for a formal order or penalty procedure: ${f.text('reason')}`,
  REMOVAL_VERIFIED: (f) => `${f.actor} verified that the content of order ${f.orderId} is gone: ${f.text('reason')}`,
  ORDER_REISSUED: (f) => `${f.actor} re-issued order ${f.orderId} (missed deadline ${f.time('missedDeadlineAt')}): ${f.text('reason')}`,
  ORDER_REVOKED: (f) => `Order ${f.orderId} revoked by the committee`,
  ORDER_APPEALED: (f) => `${f.actor} appealed order ${f.orderId}`,
  APPEAL_REJECTED_ORDER_UPHELD: (f) => `Appeal against order ${f.orderId} rejected: the order is upheld`,
  APPEAL_GRANTED_ORDER_OVERTURNED: (f) => `Appeal against order ${f.orderId} granted: the order is overturned`,
  FINE_ASSESSED: (f) => `Fine of ${f.money()} proposed on order ${f.orderId}`,
  FINE_ROOM_RESERVED: (f) => `${f.money()} of the operator's yearly fine cap set aside for order ${f.orderId}`,
  FINE_ROOM_RELEASED: (f) => `The operator's yearly fine cap given back room after the fine of order ${f.orderId} was lowered`,
  FINE_OPINION_SUBMITTED: (f) => `${f.actor} stated an opinion on the fine of order ${f.orderId}`,
  FINE_DECIDED: (f) => `${f.actor} decided the fine of order ${f.orderId}: ${f.label('status')}${reasonEn(f)}`,
  REMINDER_DUE: (f) => `Reminder before the deadline of order ${f.orderId}`,
  REVIEW_OPENED: (f) => `${f.label('kind')} ${f.text('reviewId')} opened; closes ${f.time('closesAt')}`,
  VOTE_CAST: (f) => (f.text('decision') ? `${f.actor} voted: ${f.label('decision')}` : `${f.actor} voted (sealed until the review closes)`),
  MEMBER_RECUSED: (f) => `${f.actor} recused from review ${f.text('reviewId')}`,
  REVIEW_CLOSED: (f) =>
    `Review ${f.text('reviewId')} closed: ${f.label('outcome')} (${f.label('outcomeReason')})${f.actor === 'system' ? '' : ` by ${f.actor}`}`,
  REVIEW_EXTENDED: (f) => `Review ${f.text('reviewId')} extended until ${f.time('closesAt')}: no quorum yet`,
  REVIEW_ESCALATED: (f) => `Review ${f.text('reviewId')} escalated to staff: no quorum`,
  APPEAL_FILED: (f) => `${f.actor} filed an appeal against order ${f.orderId}`,
  APPEAL_UNDER_REVIEW: (f) => `Appeal against order ${f.orderId} sent to committee review ${f.text('reviewId')}`,
  APPEAL_SETTLED: (f) => `Appeal against order ${f.orderId} settled: ${f.label('result')}`,
  OPERATOR_REGISTERED: (f) => `${f.actor} registered operator ${f.operator}`,
  OPERATOR_UPDATED: (f) => `${f.actor} changed operator ${f.operator}: ${f.text('changes')}`,
  PARTNER_REGISTERED: (f) => `${f.actor} registered partner ${f.text('partnerId')}`,
  PARTNER_UPDATED: (f) => `${f.actor} changed partner ${f.text('partnerId')}: ${f.text('changes')}`,
  REFERRAL_OPENED: (f) =>
    `${f.urls(f.count('urlCount'))} of order ${f.orderId} referred to partner ${f.text('partnerId')} (host in ${f.text('country')})`,
  REFERRAL_SENT: (f) => `Referral ${f.text('referralId')} delivered to partner ${f.text('partnerId')}`,
  REFERRAL_ATTEMPT_FAILED: (f) =>
    `Referral ${f.text('referralId')} not delivered to partner ${f.text('partnerId')}; tried again at ${f.time('nextAttemptAt')}`,
  REFERRAL_UNDELIVERABLE: (f) => `Referral ${f.text('referralId')} could not be delivered to partner ${f.text('partnerId')}; staff told`,
  REFERRAL_ACKNOWLEDGED: (f) => `Partner ${f.text('partnerId')} acknowledged referral ${f.text('referralId')}`,
  REFERRAL_URLS_REMOVED: (f) =>
    `Partner ${f.text('partnerId')} removed ${f.urls(f.count('removed'))} of referral ${f.text('referralId')} (${f.count('remaining')} remaining)`,
  REFERRAL_DECLINED: (f) => `Partner ${f.text('partnerId')} declined referral ${f.text('referralId')}: ${f.text('reason')}`,
  REFERRAL_ORDER_ISSUED: (f) => `Partner ${f.text('partnerId')} issued its order for referral ${f.text('referralId')}`,
  REFERRAL_REVOKED: (f) => `Partner ${f.text('partnerId')} lifted its order for referral ${f.text('referralId')}`,
  PARTNER_UPDATE_QUEUED: (f) => `Status ${f.text('status')} to be told to partner ${f.text('partnerId')} (update ${f.text('updateId')})`,
  PARTNER_UPDATE_SENT: (f) => `Status ${f.text('status')} delivered to partner ${f.text('partnerId')}`,
  PARTNER_UPDATE_ATTEMPT_FAILED: (f) =>
    `Status ${f.text('status')} not delivered to partner ${f.text('partnerId')}; tried again at ${f.time('nextAttemptAt')}`,
  PARTNER_UPDATE_UNDELIVERABLE: (f) => `Status ${f.text('status')} could not be delivered to partner ${f.text('partnerId')}; staff told`,
  FOLLOW_UP_FILED: (f) => `${f.actor} filed follow-up case ${f.text('followUpCaseId')} for ${f.urls(f.count('urlCount'))} left unassigned`,
  DEADLINE_EXTENDED: (f) =>
    `${f.actor} extended the deadline of order ${f.orderId} by ${f.text('extendBy')}, from ${f.time('previousDeadlineAt')} to ${f.time('deadlineAt')}: ${f.text('reason')}`,
  DEADLINE_PAUSED: (f) =>
    `${f.actor} paused the deadline of order ${f.orderId} (it was ${f.time('previousDeadlineAt')}): ${f.text('reason')}`,
  DEADLINE_RESUMED: (f) => `${f.actor} resumed the deadline of order ${f.orderId}: now ${f.time('deadlineAt')}: ${f.text('reason')}`,
  REINSTATEMENT_REPORTED: (f) => `${f.actor} answered the reinstatement instruction of order ${f.orderId}: ${f.label('action')}`,
  REINSTATEMENT_REMINDED: (f) => `Operator reminded of the unanswered reinstatement instruction of order ${f.orderId}`,
  URLS_CHECKED: (f) =>
    `Post-monitoring of order ${f.orderId}: ${f.count('gone')} gone, ${f.count('stillUp')} still online, ${f.count('errors')} not answered${f.text('nextCheckAt') ? `; next check ${f.time('nextCheckAt')}` : '; last check'}`,
  ORDER_OBJECTED_BY_POSTER: (f) => `The poster of the content objected to order ${f.orderId} (reference ${f.text('objectionId')})`,
  APPEAL_OBJECTION_JOINED: (f) => `An objection (${f.text('objectionId')}) joined the appeal against order ${f.orderId}`,
  FINE_DECISION_DUE: (f) => `The opinion period on the fine of order ${f.orderId} ended without a decision; staff reminded`,
  URLS_ACCOUNTED: (f) =>
    `${f.actor} reported ${f.count('reported')} URLs of order ${f.orderId}: ${f.count('accounted')} of ${f.count('urlCount')} accounted for, ${f.count('cannotComply')} cannot be complied with`,
};

const ko: Sentences = {
  REPORT_FILED: (f) => `신고 접수 (${f.actor}): ${f.urls(f.count('urlCount'))}, ${f.label('category')}`,
  APPROVAL_GIVEN: (f) =>
    `승인 (${f.actor}, ${f.count('approvalsSoFar')}번째)${reasonKo(f)}${f.text('ordersIssuedAt') ? '; 명령 발령' : ''}`,
  APPROVAL_REFUSED: (f) => `반려 (${f.actor})${reasonKo(f)}`,
  WORKFLOW_STARTED: () => '처리 절차 시작',
  APPROVAL_SLA_MISSED: (f) => `승인 기한 경과: 승인 ${f.count('needed')}건 중 ${f.count('approvals')}건; 사무처에 알림`,
  POST_REVIEW_STARTED: (f) => `위원회 사후 심의 ${f.text('reviewId')} 시작`,
  ORDERS_APPROVED_BY_COMMITTEE: () => '위원회가 명령을 의결함 (사전 심의)',
  REJECTED_BY_COMMITTEE: () => '위원회가 신고를 기각함 (사전 심의)',
  CASE_CONFIRMED: () => '위원회가 명령을 확정함',
  CASE_REVOKED: () => '위원회가 명령을 취소함',
  URLS_MATCHED: (f) => `URL과 사업자 연결: 연결 ${f.count('matched')}건, 미배정 ${f.count('unassigned')}건`,
  APPEAL_WINDOW_OPENED: (f) =>
    f.orderId ? `명령 ${f.orderId} 이의신청 기간: ${f.time('appealDeadline')}까지` : `이의신청 기간: ${f.time('closesAt')}까지`,
  APPEALS_UNDER_REVIEW: (f) => `이의신청 ${f.count('appealIds')}건을 위원회 심의에 회부`,
  STAFF_ALERTED: () => '사무처에 이메일 알림',
  REPORTER_NOTIFIED: () => '신고인에게 처리 결과 변경을 이메일로 알림',
  CASE_CLOSED: (f) => `사건 종결 (${f.label('status')})`,
  WORKFLOW_FAILED: (f) => `처리 절차가 오류로 멈춤 (${f.text('error')}); 사무처에 알림`,
  ORDER_ISSUED: (f) => `명령 ${f.orderId} 발령, 대상 ${f.operator}: ${f.label('action')}, ${f.urls(f.count('urlCount'))}`,
  NOTICE_SENT: (f) =>
    `명령 ${f.orderId} ${f.label('kind')} 통지 발송, 수신 ${f.recipients}${f.text('deadlineAt') ? `; 기한 ${f.time('deadlineAt')}` : ''}`,
  NOTICE_STATUS_RECORDED: (f) => `명령 ${f.orderId} 통지: ${f.label('status')}${f.text('reason') ? ` (${f.text('reason')})` : ''}`,
  ORDER_UNDELIVERED: (f) => `명령 ${f.orderId} 통지 미도달, 대상 ${f.operator}: ${f.text('reason')}`,
  ORDER_NOTICE_RESENT: (f) => `명령 ${f.orderId} 통지 재발송 (${f.actor})`,
  ORDER_ACKNOWLEDGED: (f) => `명령 ${f.orderId} 수신 확인 (${f.actor})`,
  ORDER_COMPLIED: (f) => `명령 ${f.orderId} 이행 보고 (${f.actor}): ${f.label('action')}`,
  ORDER_COMPLIED_LATE: (f) => `명령 ${f.orderId} 기한 후 이행 보고 (${f.actor}): ${f.label('action')}`,
  ORDER_OVERDUE: (f) => `명령 ${f.orderId} 기한 경과: ${f.time('graceEndsAt')}까지 늦은 이행 접수`,
  NON_COMPLIANCE_RECORDED: (f) =>
    f.text('cause') === 'POST_MONITORING'
      ? `명령 ${f.orderId} 재개: 사후 확인에서 ${f.urls(f.count('stillUp'))}가 아직 접속됨, 담당자와 사업자에게 알림`
      : `명령 ${f.orderId} 유예 기간(${f.time('graceEndsAt')}) 내 미이행`,
  ORDER_CONFIRMED: (f) => `위원회가 명령 ${f.orderId} 확정`,
  NON_COMPLIANCE_ESCALATED: (f) => `${f.actor}, 명령 ${f.orderId} 정식 명령·과징금 절차 회부: ${f.text('reason')}`,
  REMOVAL_VERIFIED: (f) => `${f.actor}, 명령 ${f.orderId} 콘텐츠 삭제 확인: ${f.text('reason')}`,
  ORDER_REISSUED: (f) => `${f.actor}, 명령 ${f.orderId} 재발령 (놓친 기한 ${f.time('missedDeadlineAt')}): ${f.text('reason')}`,
  ORDER_REVOKED: (f) => `위원회가 명령 ${f.orderId} 취소`,
  ORDER_APPEALED: (f) => `명령 ${f.orderId} 이의신청 (${f.actor})`,
  APPEAL_REJECTED_ORDER_UPHELD: (f) => `명령 ${f.orderId} 이의신청 기각: 명령 유지`,
  APPEAL_GRANTED_ORDER_OVERTURNED: (f) => `명령 ${f.orderId} 이의신청 인용: 명령 취소`,
  FINE_ASSESSED: (f) => `명령 ${f.orderId} 과징금 ${f.money()} 사전 통지`,
  FINE_ROOM_RESERVED: (f) => `명령 ${f.orderId} 과징금으로 사업자의 연간 상한 중 ${f.money()} 확보`,
  FINE_ROOM_RELEASED: (f) => `명령 ${f.orderId} 과징금 감경으로 사업자의 연간 상한 반환`,
  FINE_OPINION_SUBMITTED: (f) => `명령 ${f.orderId} 과징금에 대한 의견 제출 (${f.actor})`,
  FINE_DECIDED: (f) => `명령 ${f.orderId} 과징금 결정 (${f.actor}): ${f.label('status')}${reasonKo(f)}`,
  REMINDER_DUE: (f) => `명령 ${f.orderId} 기한 전 알림`,
  REVIEW_OPENED: (f) => `${f.label('kind')} ${f.text('reviewId')} 시작; ${f.time('closesAt')} 마감`,
  VOTE_CAST: (f) => (f.text('decision') ? `표결 (${f.actor}): ${f.label('decision')}` : `표결 (${f.actor}): 심의 종료까지 비공개`),
  MEMBER_RECUSED: (f) => `심의 ${f.text('reviewId')} 회피 (${f.actor})`,
  REVIEW_CLOSED: (f) =>
    `심의 ${f.text('reviewId')} 종료: ${f.label('outcome')} (${f.label('outcomeReason')})${f.actor === 'system' ? '' : `, ${f.actor}`}`,
  REVIEW_EXTENDED: (f) => `심의 ${f.text('reviewId')} 연장, ${f.time('closesAt')}까지: 정족수 미달`,
  REVIEW_ESCALATED: (f) => `심의 ${f.text('reviewId')} 사무처 결정으로 회부: 정족수 미달`,
  APPEAL_FILED: (f) => `명령 ${f.orderId} 이의신청 접수 (${f.actor})`,
  APPEAL_UNDER_REVIEW: (f) => `명령 ${f.orderId} 이의신청을 위원회 심의 ${f.text('reviewId')}에 회부`,
  APPEAL_SETTLED: (f) => `명령 ${f.orderId} 이의신청 결정: ${f.label('result')}`,
  OPERATOR_REGISTERED: (f) => `사업자 ${f.operator} 등록 (${f.actor})`,
  OPERATOR_UPDATED: (f) => `사업자 ${f.operator} 정보 변경 (${f.actor}): ${f.text('changes')}`,
  PARTNER_REGISTERED: (f) => `협력 기관 ${f.text('partnerId')} 등록 (${f.actor})`,
  PARTNER_UPDATED: (f) => `협력 기관 ${f.text('partnerId')} 정보 변경 (${f.actor}): ${f.text('changes')}`,
  REFERRAL_OPENED: (f) =>
    `명령 ${f.orderId}의 ${f.urls(f.count('urlCount'))}을 협력 기관 ${f.text('partnerId')}에 이송 (호스트 소재지 ${f.text('country')})`,
  REFERRAL_SENT: (f) => `이송 ${f.text('referralId')}을 협력 기관 ${f.text('partnerId')}에 전달`,
  REFERRAL_ATTEMPT_FAILED: (f) =>
    `이송 ${f.text('referralId')} 전달 실패, ${f.time('nextAttemptAt')}에 다시 시도 (협력 기관 ${f.text('partnerId')})`,
  REFERRAL_UNDELIVERABLE: (f) => `이송 ${f.text('referralId')}을 협력 기관 ${f.text('partnerId')}에 전달하지 못함, 사무처에 알림`,
  REFERRAL_ACKNOWLEDGED: (f) => `협력 기관 ${f.text('partnerId')}이 이송 ${f.text('referralId')} 접수 확인`,
  REFERRAL_URLS_REMOVED: (f) =>
    `협력 기관 ${f.text('partnerId')}이 이송 ${f.text('referralId')}의 ${f.urls(f.count('removed'))} 삭제 (남은 URL ${f.count('remaining')}개)`,
  REFERRAL_DECLINED: (f) => `협력 기관 ${f.text('partnerId')}이 이송 ${f.text('referralId')} 거절: ${f.text('reason')}`,
  REFERRAL_ORDER_ISSUED: (f) => `협력 기관 ${f.text('partnerId')}이 이송 ${f.text('referralId')}에 대해 명령 발령`,
  REFERRAL_REVOKED: (f) => `협력 기관 ${f.text('partnerId')}이 이송 ${f.text('referralId')}에 대한 명령 철회`,
  PARTNER_UPDATE_QUEUED: (f) => `협력 기관 ${f.text('partnerId')}에 상태 ${f.text('status')} 통보 예정 (통보 ${f.text('updateId')})`,
  PARTNER_UPDATE_SENT: (f) => `협력 기관 ${f.text('partnerId')}에 상태 ${f.text('status')} 통보 완료`,
  PARTNER_UPDATE_ATTEMPT_FAILED: (f) =>
    `협력 기관 ${f.text('partnerId')}에 상태 ${f.text('status')} 통보 실패, ${f.time('nextAttemptAt')}에 다시 시도`,
  PARTNER_UPDATE_UNDELIVERABLE: (f) => `협력 기관 ${f.text('partnerId')}에 상태 ${f.text('status')}을 통보하지 못함, 사무처에 알림`,
  FOLLOW_UP_FILED: (f) => `미배정 ${f.urls(f.count('urlCount'))}에 대한 후속 사건 ${f.text('followUpCaseId')} 접수 (${f.actor})`,
  DEADLINE_EXTENDED: (f) =>
    `명령 ${f.orderId} 기한 연장 (${f.actor}): ${f.text('extendBy')}, ${f.time('previousDeadlineAt')}에서 ${f.time('deadlineAt')}(으)로: ${f.text('reason')}`,
  DEADLINE_PAUSED: (f) => `명령 ${f.orderId} 기한 정지 (${f.actor}, 정지 전 기한 ${f.time('previousDeadlineAt')}): ${f.text('reason')}`,
  DEADLINE_RESUMED: (f) => `명령 ${f.orderId} 기한 재개 (${f.actor}): 새 기한 ${f.time('deadlineAt')}: ${f.text('reason')}`,
  REINSTATEMENT_REPORTED: (f) => `${f.actor}, 명령 ${f.orderId}의 복원·차단 해제 요청에 답함: ${f.label('action')}`,
  REINSTATEMENT_REMINDED: (f) => `명령 ${f.orderId}의 복원·차단 해제 요청에 답이 없어 사업자에게 다시 알림`,
  URLS_CHECKED: (f) =>
    `명령 ${f.orderId} 사후 확인: 삭제 ${f.count('gone')}건, 접속됨 ${f.count('stillUp')}건, 확인 불가 ${f.count('errors')}건${f.text('nextCheckAt') ? `; 다음 확인 ${f.time('nextCheckAt')}` : '; 마지막 확인'}`,
  ORDER_OBJECTED_BY_POSTER: (f) => `게시자가 명령 ${f.orderId}에 이의신청 (접수 번호 ${f.text('objectionId')})`,
  APPEAL_OBJECTION_JOINED: (f) => `명령 ${f.orderId} 이의신청에 다른 이의신청(${f.text('objectionId')}) 병합`,
  FINE_DECISION_DUE: (f) => `명령 ${f.orderId} 과징금 의견 제출 기간이 끝났으나 처분 결정이 없어 직원에게 알림`,
  URLS_ACCOUNTED: (f) =>
    `${f.actor}, 명령 ${f.orderId}의 URL ${f.count('reported')}건 조치 보고: ${f.count('urlCount')}건 중 ${f.count('accounted')}건 보고됨, 이행 불가 ${f.count('cannotComply')}건`,
};

const SENTENCES: Record<Lang, Sentences> = { en, ko };

/** What SES said of a notice, in words (the enum labels elsewhere do not cover delivery). */
const NOTICE_STATUS_WORDS: Record<Lang, Record<NoticeStatus, string>> = {
  en: {
    SENT: 'accepted for delivery',
    DELIVERED: 'delivered',
    BOUNCED: 'bounced',
    COMPLAINED: 'marked as spam by the recipient',
    REJECTED: 'rejected by the mail service',
    FAILED: 'could not be sent',
  },
  ko: {
    SENT: '발송 접수',
    DELIVERED: '전달됨',
    BOUNCED: '반송됨',
    COMPLAINED: '수신자가 스팸 신고',
    REJECTED: '메일 서비스가 거부',
    FAILED: '발송 실패',
  },
};

const isAction = (action: string): action is AuditAction => Object.hasOwn(en, action);

/** One timeline entry in the translator's language; an action this screen does not know yet shows its code. */
export function timelineWords(event: WordedEvent, t: Translator, context: TimelineContext): string {
  const details = event.details ?? {};
  const raw = (name: string): unknown => details[name];
  const text = (name: string): string => {
    const value = raw(name);
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') return Object.keys(value).join(', ');
    return String(value);
  };
  const orderId = text('orderId');
  const order = context.orders.find((candidate) => candidate.orderId === orderId);
  const facts: Facts = {
    actor: event.actor,
    text,
    count: (name) => {
      const value = raw(name);
      return Array.isArray(value) ? value.length : typeof value === 'number' ? value : 0;
    },
    label: (name) => {
      const value = text(name);
      const statusWords = NOTICE_STATUS_WORDS[t.lang];
      return name === 'status' && Object.hasOwn(statusWords, value) ? statusWords[value as NoticeStatus] : t.v(value);
    },
    time: (name) => (text(name) ? formatCompact(text(name), context.timeZone) : ''),
    orderId,
    operator: text('operatorId') || order?.operatorId || '',
    recipients: order?.notices?.find((notice) => notice.messageId === text('messageId'))?.to.join(', ') || order?.operatorId || orderId,
    // The chain leaves reasons out (they may describe the content); the case's approvals hold them.
    reason: context.approvals.find((approval) => approval.by === event.actor && approval.at === event.at)?.reason ?? '',
    urls: (n) => (t.lang === 'ko' ? `URL ${n}개` : new Intl.PluralRules('en').select(n) === 'one' ? `${n} URL` : `${n} URLs`),
    money: () =>
      new Intl.NumberFormat(t.lang === 'ko' ? 'ko-KR' : 'en', { style: 'currency', currency: text('currency') || 'KRW' }).format(
        facts.count('amount'),
      ),
  };
  if (!isAction(event.action)) return `${event.actor} · ${event.action}`;
  return SENTENCES[t.lang][event.action](facts);
}

/**
 * The one list of the system's functions: which file serves which HTTP route, which file runs
 * which state-machine task, which runs on a schedule, and which handles events from another
 * service. The CDK stack and the local runtime both read it, so a route added here exists in the
 * cloud and on a laptop alike.
 */

export type Role = 'staff' | 'committee' | 'operator' | 'reporter' | 'auditor';

export interface ApiFunction {
  /** Lambda construct id and local name. */
  readonly name: string;
  /** Entry file, relative to the repository root; exports `handler`. */
  readonly entry: string;
  /** API Gateway v2 route keys this function serves. */
  readonly routes: readonly string[];
  /** Routes served without a JWT (API Gateway: no authorizer). */
  readonly publicRoutes?: readonly string[];
  /** It answers from memory: no table and no workflow rights (least privilege). */
  readonly readsNoData?: true;
}

export const apiFunctions: readonly ApiFunction[] = [
  { name: 'Health', entry: 'functions/api/health.ts', routes: ['GET /health'], publicRoutes: ['GET /health'], readsNoData: true },
  { name: 'Reports', entry: 'functions/api/reports.ts', routes: ['POST /reports', 'GET /reports', 'POST /reports/duplicates'] },
  {
    name: 'Cases',
    entry: 'functions/api/cases.ts',
    routes: ['GET /cases', 'GET /cases/{caseId}', 'GET /cases/{caseId}/audit'],
  },
  { name: 'Approvals', entry: 'functions/api/approvals.ts', routes: ['POST /cases/{caseId}/approvals'] },
  {
    name: 'Orders',
    entry: 'functions/api/orders.ts',
    routes: [
      'GET /orders',
      'POST /orders/{orderId}/resend',
      'POST /orders/{orderId}/non-compliance',
      'POST /orders/{orderId}/fine/decision',
      'POST /orders/{orderId}/deadline',
    ],
  },
  {
    name: 'Operators',
    entry: 'functions/api/operators.ts',
    routes: ['GET /operators', 'POST /operators', 'PATCH /operators/{operatorId}', 'GET /operators/{operatorId}/audit'],
  },
  {
    name: 'Partners',
    entry: 'functions/api/partners.ts',
    routes: ['GET /partners', 'POST /partners', 'GET /partners/{partnerId}', 'PATCH /partners/{partnerId}'],
  },
  // Partner regulators' systems sign every message with their registered key: no user token (docs/referrals.md).
  {
    name: 'PartnerReferrals',
    entry: 'functions/api/partner-referrals.ts',
    routes: ['POST /partners/referrals', 'POST /partners/referrals/{referralId}/status'],
    publicRoutes: ['POST /partners/referrals', 'POST /partners/referrals/{referralId}/status'],
  },
  {
    name: 'OperatorOrders',
    entry: 'functions/api/operator-orders.ts',
    routes: [
      'GET /operator/orders',
      'POST /operator/orders/{orderId}/acknowledge',
      'POST /operator/orders/bulk',
      'POST /operator/orders/{orderId}/compliance',
      'POST /operator/orders/{orderId}/compliance/urls',
      'POST /operator/orders/{orderId}/appeal',
      'POST /operator/orders/{orderId}/fine/opinion',
      'POST /operator/orders/{orderId}/reinstatement',
    ],
  },
  // Before the public routes: the matrix's refused acts compare the table with the planted world,
  // which the public objection lookups' rate counters change.
  {
    name: 'OperatorWebhook',
    entry: 'functions/api/operator-webhook.ts',
    routes: ['PUT /operator/webhook', 'GET /operator/webhook', 'DELETE /operator/webhook', 'GET /operator/webhook/deliveries'],
  },
  {
    name: 'Committee',
    entry: 'functions/api/committee.ts',
    routes: [
      'GET /committee/reviews',
      'POST /committee/reviews/{reviewId}/votes',
      'POST /committee/reviews/{reviewId}/recusal',
      'POST /committee/reviews/{reviewId}/decision',
    ],
  },
  { name: 'Statistics', entry: 'functions/api/statistics.ts', routes: ['GET /statistics'] },
  {
    name: 'PublicStatistics',
    entry: 'functions/api/public-statistics.ts',
    routes: ['GET /statistics/public'],
    publicRoutes: ['GET /statistics/public'],
  },
  { name: 'FollowUps', entry: 'functions/api/follow-ups.ts', routes: ['POST /cases/{caseId}/follow-ups'] },
  { name: 'Policies', entry: 'functions/api/policies.ts', routes: ['GET /policies/current', 'GET /policies/{version}'] },
  {
    name: 'PublicObjections',
    entry: 'functions/api/public-objections.ts',
    routes: ['POST /public/objections', 'GET /public/objections/{reference}'],
    publicRoutes: ['POST /public/objections', 'GET /public/objections/{reference}'],
  },
  {
    name: 'OpenApi',
    entry: 'functions/api/openapi.ts',
    routes: ['GET /openapi.json'],
    publicRoutes: ['GET /openapi.json'],
    readsNoData: true,
  },
  {
    name: 'Blocklist',
    entry: 'functions/api/blocklist.ts',
    routes: ['GET /isp/blocklist', 'GET /isp/blocklist/changes', 'GET /isp/blocklist/key'],
  },
  { name: 'Hashes', entry: 'functions/api/hashes.ts', routes: ['POST /hashes/match', 'GET /hashes/export'] },
];

/**
 * State-machine tasks. The key `X` is referenced in the ASL as `${XFunctionArn}`.
 * `StoreTaskToken` serves every `.waitForTaskToken` state.
 */
export const workflowFunctions = {
  OpenCase: 'functions/workflow/open-case.ts',
  StoreTaskToken: 'functions/workflow/store-task-token.ts',
  EscalateApprovalSla: 'functions/workflow/escalate-approval-sla.ts',
  IssueOrders: 'functions/workflow/issue-orders.ts',
  ListBatch: 'functions/workflow/list-batch.ts',
  SendOrderNotice: 'functions/workflow/send-order-notice.ts',
  MarkUndelivered: 'functions/workflow/mark-undelivered.ts',
  EnforceDeadline: 'functions/workflow/enforce-deadline.ts',
  GraceExpired: 'functions/workflow/grace-expired.ts',
  OpenReview: 'functions/workflow/open-review.ts',
  ReviewDeadlinePassed: 'functions/workflow/review-deadline-passed.ts',
  ApplyReviewOutcome: 'functions/workflow/apply-review-outcome.ts',
  OpenAppealWindow: 'functions/workflow/open-appeal-window.ts',
  CollectAppeals: 'functions/workflow/collect-appeals.ts',
  AssessFines: 'functions/workflow/assess-fines.ts',
  CloseCase: 'functions/workflow/close-case.ts',
  RecordFailure: 'functions/workflow/record-failure.ts',
} as const;

export type WorkflowFunctionName = keyof typeof workflowFunctions;

/**
 * The tasks a timer starts when a legal deadline falls due: the approval SLA, the operator's
 * deadline and grace period, the review and appeal-review deadlines, the end of the appeal window.
 */
export const deadlineTasks: ReadonlySet<string> = new Set<WorkflowFunctionName>([
  'EscalateApprovalSla',
  'EnforceDeadline',
  'GraceExpired',
  'ReviewDeadlinePassed',
  'CollectAppeals',
]);

/** The tasks between the last approval and the order's notice: the order is immediate. */
export const noticeTasks: ReadonlySet<string> = new Set<WorkflowFunctionName>(['IssueOrders', 'ListBatch', 'SendOrderNotice']);

/**
 * The one-machine runtime's task lanes, first first (infra/local/lambda, `withConcurrencyLimit`):
 * work whose time is a deadline's, then the order's way to its operator, then the rest (a new case's
 * opening, the waits' tokens, reviews, fines, closing).
 */
export function taskLane(name: string): number {
  if (deadlineTasks.has(name)) return 0;
  return noticeTasks.has(name) ? 1 : 2;
}
export const TASK_LANES = 3;
/**
 * A task that has waited this long goes ahead of later tasks of earlier lanes: the lanes put work
 * with a clock first, and never leave the rest waiting longer than a minute behind newer work.
 */
export const TASK_AGING_MS = 60_000;

export const scheduledFunctions = [
  {
    name: 'Sweeper',
    entry: 'functions/scheduled/sweeper.ts',
    /** EventBridge schedule in the cloud; the local timer uses the same period. */
    everySeconds: 60,
  },
  {
    name: 'PostMonitoring',
    entry: 'functions/scheduled/post-monitoring.ts',
    /** Rounds fall due at the policy's intervals after compliance (an hour and more): five minutes late at most. */
    everySeconds: 300,
  },
  {
    name: 'WebhookSender',
    entry: 'functions/scheduled/webhook-sender.ts',
    /** Retries are minutes to hours apart, and the first attempt waits at most one run. */
    everySeconds: 60,
  },
  {
    name: 'ReferralSender',
    entry: 'functions/scheduled/referral-sender.ts',
    /** A referral's first attempt is made when it is opened; its retries are minutes to hours apart. */
    everySeconds: 60,
  },
] as const;

/** Where an event function's events come from. */
export type EventSource = 'ses-delivery-events' | 'sfn-execution-status';

/**
 * Functions that handle another service's events. `ses-delivery-events`: the SES configuration
 * set's event destination (an SNS topic) in the cloud; the SES stand-in locally.
 * `sfn-execution-status`: an EventBridge rule on Step Functions execution status changes (FAILED,
 * TIMED_OUT, ABORTED) in the cloud; the local engine's same event locally.
 */
export const eventFunctions = [
  {
    name: 'DeliveryEvents',
    entry: 'functions/events/delivery-events.ts',
    source: 'ses-delivery-events' as EventSource,
  },
  { name: 'ExecutionEnded', entry: 'functions/events/execution-ended.ts', source: 'sfn-execution-status' as EventSource },
] as const;

/**
 * The cloud's webhook sender, fed by the delivery queue (infra/constructs/webhook-delivery.ts).
 * Locally there is no queue: the scheduled WebhookSender posts the deliveries itself.
 */
export const webhookQueueFunction = {
  name: 'WebhookDeliveries',
  entry: 'functions/events/webhook-deliveries.ts',
} as const;

export type FunctionKind = 'api' | 'workflow' | 'scheduled' | 'events';

/** Every function of the manifest, whatever starts it: name (unique), entry and kind. */
export function everyFunction(): { name: string; entry: string; kind: FunctionKind }[] {
  return [
    ...apiFunctions.map((fn) => ({ name: fn.name, entry: fn.entry, kind: 'api' as const })),
    ...Object.entries(workflowFunctions).map(([name, entry]) => ({ name, entry, kind: 'workflow' as const })),
    ...scheduledFunctions.map((fn) => ({ name: fn.name, entry: fn.entry, kind: 'scheduled' as const })),
    ...eventFunctions.map((fn) => ({ name: fn.name, entry: fn.entry, kind: 'events' as const })),
    { name: webhookQueueFunction.name, entry: webhookQueueFunction.entry, kind: 'events' },
  ];
}

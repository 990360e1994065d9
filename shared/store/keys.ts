/** Key builders for the single table (docs/architecture.md, "Table"). */
export interface ItemKey {
  pk: string;
  sk: string;
}

const UNASSIGNED = '~UNASSIGNED';

export const keys = {
  case: (caseId: string): ItemKey => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  urlChunkPrefix: (operatorId?: string | null) =>
    operatorId === undefined ? 'URLS#' : `URLS#${operatorId ?? UNASSIGNED}#`,
  urlChunk: (caseId: string, operatorId: string | null, index: number): ItemKey => ({
    pk: `CASE#${caseId}`,
    sk: `URLS#${operatorId ?? UNASSIGNED}#${String(index).padStart(4, '0')}`,
  }),
  order: (caseId: string, orderId: string): ItemKey => ({ pk: `CASE#${caseId}`, sk: `ORDER#${orderId}` }),
  review: (caseId: string, reviewId: string): ItemKey => ({ pk: `CASE#${caseId}`, sk: `REVIEW#${reviewId}` }),
  appeal: (caseId: string, appealId: string): ItemKey => ({ pk: `CASE#${caseId}`, sk: `APPEAL#${appealId}` }),
  audit: (caseId: string, seq: number): ItemKey => ({
    pk: `CASE#${caseId}`,
    sk: `AUDIT#${String(seq).padStart(8, '0')}`,
  }),
  taskToken: (caseId: string, purpose: string): ItemKey => ({ pk: `CASE#${caseId}`, sk: `TOKEN#${purpose}` }),
  notice: (caseId: string, eventKey: string): ItemKey => ({ pk: `CASE#${caseId}`, sk: `NOTICE#${eventKey}` }),
  operator: (operatorId: string): ItemKey => ({ pk: `OPERATOR#${operatorId}`, sk: 'OPERATOR' }),
  domain: (domain: string): ItemKey => ({ pk: `DOMAIN#${domain}`, sk: 'DOMAIN' }),
  idempotency: (userId: string, key: string): ItemKey => ({ pk: `IDEMPOTENCY#${userId}#${key}`, sk: 'IDEMPOTENCY' }),
} as const;

export const casePartition = (caseId: string): string => `CASE#${caseId}`;

/** Task-token purposes: what the workflow is waiting for. */
export const tokenPurpose = {
  approval: () => 'APPROVAL',
  compliance: (orderId: string) => `COMPLIANCE#${orderId}`,
  review: (reviewId: string) => `REVIEW#${reviewId}`,
} as const;

export const KEY_FIELDS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

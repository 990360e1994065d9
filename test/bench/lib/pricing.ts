/**
 * Public us-east-1 list prices, without free tiers, as published on the AWS pricing pages
 * (Step Functions, Lambda, DynamoDB on-demand after its November 2024 price cut, SES, API Gateway
 * HTTP APIs, CloudWatch Logs). Written down 2025-06; the bench cannot reach the network to check
 * them, so update PRICES_AS_OF with them when AWS changes a price.
 */
export const PRICES_AS_OF = '2025-06 (us-east-1 list prices, no free tier)';

export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stateTransition: 0.025 / 1_000,
  /** Lambda: $0.20 per million requests. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on arm64 (the stack's architecture): $0.0000133334 per GB-second. */
  lambdaGbSecondArm: 0.0000133334,
  /** DynamoDB on-demand: $0.625 per million write request units. */
  dynamoDbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: $0.125 per million read request units. */
  dynamoDbReadUnit: 0.125 / 1_000_000,
  /** SES outbound: $0.10 per 1,000 e-mails (each recipient counts). */
  sesMessage: 0.1 / 1_000,
  /** API Gateway HTTP API: $1.00 per million requests (first 300 million a month). */
  httpApiRequest: 1 / 1_000_000,
  /** CloudWatch Logs ingestion (standard class): $0.50 per GB. */
  logIngestionGb: 0.5,
} as const;

/** The memory every function gets in the CDK stack (infra/constructs/house-function.ts). */
export const LAMBDA_MEMORY_GB = 0.5;

export interface CaseUsage {
  stateTransitions: number;
  lambdaInvocations: number;
  /** Billed duration: each invocation rounded up to the next millisecond. */
  lambdaMs: number;
  dynamoDbReadUnits: number;
  dynamoDbWriteUnits: number;
  sesMessages: number;
  apiRequests: number;
  logBytes: number;
}

export type CostLine = { item: keyof CaseUsage; quantity: number; usd: number };

export function priceCase(usage: CaseUsage): { lines: CostLine[]; totalUsd: number; per100kUsd: number } {
  const lines: CostLine[] = [
    { item: 'stateTransitions', quantity: usage.stateTransitions, usd: usage.stateTransitions * PRICES.stateTransition },
    { item: 'lambdaInvocations', quantity: usage.lambdaInvocations, usd: usage.lambdaInvocations * PRICES.lambdaRequest },
    { item: 'lambdaMs', quantity: usage.lambdaMs, usd: (usage.lambdaMs / 1000) * LAMBDA_MEMORY_GB * PRICES.lambdaGbSecondArm },
    { item: 'dynamoDbReadUnits', quantity: usage.dynamoDbReadUnits, usd: usage.dynamoDbReadUnits * PRICES.dynamoDbReadUnit },
    { item: 'dynamoDbWriteUnits', quantity: usage.dynamoDbWriteUnits, usd: usage.dynamoDbWriteUnits * PRICES.dynamoDbWriteUnit },
    { item: 'sesMessages', quantity: usage.sesMessages, usd: usage.sesMessages * PRICES.sesMessage },
    { item: 'apiRequests', quantity: usage.apiRequests, usd: usage.apiRequests * PRICES.httpApiRequest },
    { item: 'logBytes', quantity: usage.logBytes, usd: (usage.logBytes / 1e9) * PRICES.logIngestionGb },
  ];
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { lines, totalUsd, per100kUsd: totalUsd * 100_000 };
}

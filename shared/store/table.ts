/**
 * The single table's keys and indexes: the one definition that both the CDK stack and the local
 * runtime create, so the cloud and a laptop cannot disagree on a key name.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** GSI1: listings (all cases, an operator's orders, all reviews, all operators). */
export const GSI1: IndexDefinition = { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' };
/** GSI2: a reporter's cases, and the sparse lists of open orders and open reviews by due time. */
export const GSI2: IndexDefinition = { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' };

/**
 * GSI3: the write model's work lists, for the sweeper: events whose follow-ups are not yet done
 * (`UNSETTLED`), and cases still going on (`ACTIVE_CASES`), each by time; and every order by its
 * issue time (`ORDERS`), for the deadline board's search.
 */
export const GSI3: IndexDefinition = { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' };

export const GLOBAL_SECONDARY_INDEXES: readonly IndexDefinition[] = [GSI1, GSI2, GSI3];

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: readonly string[] = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  ...GLOBAL_SECONDARY_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
];

/** The table's default name locally; the cloud stack lets CloudFormation name it. */
export const LOCAL_TABLE_NAME = 'urgent-deliberation';

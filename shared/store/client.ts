import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as QueryItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  type BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DeleteCommandOutput,
  type GetCommandOutput,
  type PutCommandOutput,
  type QueryCommandOutput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AWS_CLIENT_OPTIONS } from '../runtime/aws';

/**
 * One DynamoDB client per process. Locally the SDK reads AWS_ENDPOINT_URL_DYNAMODB, so the same
 * code talks to dynalite; nothing here knows where it runs.
 *
 * The client builds each command class's middleware once (`cacheMiddleware`, shared/runtime/aws.ts)
 * instead of at every call: a quarter of the SDK's CPU per request, and the SDK is most of what an
 * act costs (docs/benchmarks.md). lib-dynamodb's DocumentClient cannot use that cache (its commands' handlers
 * are bound to the first command sent), so the store still writes lib-dynamodb's commands, with
 * plain JavaScript values, and `documentClient` converts them to DynamoDB's attribute values here.
 * Middleware added after the first call is not seen while the cache is on: whoever adds some
 * (tests injecting faults) turns `config.cacheMiddleware` off first.
 */
const dynamoDb = new DynamoDBClient(AWS_CLIENT_OPTIONS);

/** As the DocumentClient had them: an absent value leaves its attribute out; a class instance is refused, not stored as a map. */
const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/** An item or key as the store writes it, and as DynamoDB's API carries it. */
type Plain = Record<string, unknown>;
type Attributes = Record<string, AttributeValue>;

const toAttributes = (value: Plain): Attributes => marshall(value, MARSHALL_OPTIONS);
const fromAttributes = (value: Attributes | undefined): Plain | undefined => (value === undefined ? undefined : unmarshall(value));
/** The command's expression values, as attribute values, when it has any. */
const expressionValues = (input: { ExpressionAttributeValues?: Plain }) =>
  input.ExpressionAttributeValues === undefined ? {} : { ExpressionAttributeValues: toAttributes(input.ExpressionAttributeValues) };

function send(command: GetCommand): Promise<GetCommandOutput>;
function send(command: PutCommand): Promise<PutCommandOutput>;
function send(command: UpdateCommand): Promise<UpdateCommandOutput>;
function send(command: DeleteCommand): Promise<DeleteCommandOutput>;
function send(command: QueryCommand): Promise<QueryCommandOutput>;
function send(command: BatchGetCommand): Promise<BatchGetCommandOutput>;
async function send(command: GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | BatchGetCommand): Promise<unknown> {
  if (command instanceof GetCommand) {
    const { Key, ...rest } = command.input;
    const output = await dynamoDb.send(new GetItemCommand({ ...rest, Key: toAttributes(Key ?? {}) }));
    return { ...output, Item: fromAttributes(output.Item) };
  }
  if (command instanceof PutCommand) {
    const { Item: item, ExpressionAttributeValues, ...rest } = command.input;
    const output = await dynamoDb.send(new PutItemCommand({ ...rest, Item: toAttributes(item ?? {}), ...expressionValues(command.input) }));
    return { ...output, Attributes: fromAttributes(output.Attributes) };
  }
  if (command instanceof UpdateCommand) {
    const { Key, ExpressionAttributeValues, ...rest } = command.input;
    const output = await dynamoDb.send(
      new UpdateItemCommand({ ...rest, Key: toAttributes(Key ?? {}), ...expressionValues(command.input) }),
    );
    return { ...output, Attributes: fromAttributes(output.Attributes) };
  }
  if (command instanceof DeleteCommand) {
    const { Key, ExpressionAttributeValues, ...rest } = command.input;
    const output = await dynamoDb.send(
      new DeleteItemCommand({ ...rest, Key: toAttributes(Key ?? {}), ...expressionValues(command.input) }),
    );
    return { ...output, Attributes: fromAttributes(output.Attributes) };
  }
  if (command instanceof QueryCommand) {
    const { ExpressionAttributeValues, ExclusiveStartKey: startKey, ...rest } = command.input;
    const output = await dynamoDb.send(
      new QueryItemsCommand({
        ...rest,
        ...expressionValues(command.input),
        ...(startKey === undefined ? {} : { ExclusiveStartKey: toAttributes(startKey) }),
      }),
    );
    return { ...output, Items: output.Items?.map((item) => unmarshall(item)), LastEvaluatedKey: fromAttributes(output.LastEvaluatedKey) };
  }
  const { RequestItems: requests = {}, ...rest } = command.input;
  const output = await dynamoDb.send(
    new BatchGetItemCommand({
      ...rest,
      RequestItems: Object.fromEntries(
        Object.entries(requests).map(([table, { Keys: keys = [], ...read }]) => [table, { ...read, Keys: keys.map(toAttributes) }]),
      ),
    }),
  );
  return {
    ...output,
    Responses:
      output.Responses &&
      Object.fromEntries(Object.entries(output.Responses).map(([table, items]) => [table, items.map((item) => unmarshall(item))])),
    UnprocessedKeys:
      output.UnprocessedKeys &&
      Object.fromEntries(
        Object.entries(output.UnprocessedKeys).map(([table, { Keys: keys = [], ...read }]) => [
          table,
          { ...read, Keys: keys.map((key) => unmarshall(key)) },
        ]),
      ),
  };
}

export const documentClient = {
  send,
  /** The DynamoDB client's configuration and middleware, for tests that change its transport or inject faults. */
  config: dynamoDb.config,
  middlewareStack: dynamoDb.middlewareStack,
};

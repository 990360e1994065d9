import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as QueryItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
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

/** The fields of a request that hold a key, an item or expression values, and of an answer that hold items. */
const REQUEST_MAPS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const ANSWER_MAPS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

/** A lib-dynamodb command's input as DynamoDB's own command takes it: each plain map as attribute values. */
function asSent<Input>(input: object): Input {
  const sent: Record<string, unknown> = { ...input };
  for (const field of REQUEST_MAPS) if (sent[field] !== undefined) sent[field] = toAttributes(sent[field] as Plain);
  return sent as Input;
}

/** DynamoDB's answer as lib-dynamodb gave it: each item in plain values. */
function asAnswered(output: object & { Items?: Attributes[] }): unknown {
  const answered: Record<string, unknown> = { ...output, ...(output.Items && { Items: output.Items.map((item) => unmarshall(item)) }) };
  for (const field of ANSWER_MAPS) if (answered[field] !== undefined) answered[field] = unmarshall(answered[field] as Attributes);
  return answered;
}

function send(command: GetCommand): Promise<GetCommandOutput>;
function send(command: PutCommand): Promise<PutCommandOutput>;
function send(command: UpdateCommand): Promise<UpdateCommandOutput>;
function send(command: DeleteCommand): Promise<DeleteCommandOutput>;
function send(command: QueryCommand): Promise<QueryCommandOutput>;
function send(command: BatchGetCommand): Promise<BatchGetCommandOutput>;
function send(command: BatchWriteCommand): Promise<BatchWriteCommandOutput>;
async function send(
  command: GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | BatchGetCommand | BatchWriteCommand,
): Promise<unknown> {
  const { input } = command;
  if (command instanceof GetCommand) return asAnswered(await dynamoDb.send(new GetItemCommand(asSent(input))));
  if (command instanceof PutCommand) return asAnswered(await dynamoDb.send(new PutItemCommand(asSent(input))));
  if (command instanceof UpdateCommand) return asAnswered(await dynamoDb.send(new UpdateItemCommand(asSent(input))));
  if (command instanceof DeleteCommand) return asAnswered(await dynamoDb.send(new DeleteItemCommand(asSent(input))));
  if (command instanceof QueryCommand) return asAnswered(await dynamoDb.send(new QueryItemsCommand(asSent(input))));
  if (command instanceof BatchWriteCommand) return sendBatchWrite(command);
  // A batch holds its keys and items per table.
  const { RequestItems: requests = {}, ...rest } = command.input;
  const output = await dynamoDb.send(
    new BatchGetItemCommand({
      ...rest,
      RequestItems: Object.fromEntries(
        Object.entries(requests).map(([table, { Keys: keys = [], ...read }]) => [table, { ...read, Keys: keys.map(toAttributes) }]),
      ),
    }),
  );
  const plainOf = (items: Attributes[]) => items.map((item) => unmarshall(item));
  return {
    ...output,
    Responses: output.Responses && Object.fromEntries(Object.entries(output.Responses).map(([table, items]) => [table, plainOf(items)])),
    UnprocessedKeys:
      output.UnprocessedKeys &&
      Object.fromEntries(
        Object.entries(output.UnprocessedKeys).map(([table, { Keys: keys = [], ...read }]) => [table, { ...read, Keys: plainOf(keys) }]),
      ),
  };
}

/** A put or delete of a batch, in plain values. */
export type PlainWriteRequest = NonNullable<BatchWriteCommand['input']['RequestItems']>[string][number];

const sentWrite = ({ PutRequest: put, DeleteRequest: remove }: PlainWriteRequest): WriteRequest => ({
  ...(put && { PutRequest: { Item: toAttributes(put.Item as Plain) } }),
  ...(remove && { DeleteRequest: { Key: toAttributes(remove.Key as Plain) } }),
});

const answeredWrite = ({ PutRequest: put, DeleteRequest: remove }: WriteRequest): PlainWriteRequest => ({
  ...(put && { PutRequest: { Item: unmarshall(put.Item ?? {}) } }),
  ...(remove && { DeleteRequest: { Key: unmarshall(remove.Key ?? {}) } }),
});

function perTable<From, To>(batches: Record<string, From[]>, convert: (request: From) => To): Record<string, To[]> {
  return Object.fromEntries(Object.entries(batches).map(([table, requests]) => [table, requests.map(convert)]));
}

/** A batch's puts and deletes as DynamoDB takes them; those it left unprocessed come back in plain values. */
async function sendBatchWrite(command: BatchWriteCommand): Promise<BatchWriteCommandOutput> {
  const { RequestItems: requests = {}, ...rest } = command.input;
  const output = await dynamoDb.send(new BatchWriteItemCommand({ ...rest, RequestItems: perTable(requests, sentWrite) }));
  return { ...output, UnprocessedItems: output.UnprocessedItems && perTable(output.UnprocessedItems, answeredWrite) };
}

export const documentClient = {
  send,
  /** The DynamoDB client's configuration and middleware, for tests that change its transport or inject faults. */
  config: dynamoDb.config,
  middlewareStack: dynamoDb.middlewareStack,
};

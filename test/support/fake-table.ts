/**
 * An in-memory stand-in for the single table behind aws-sdk-client-mock: Get, Put, Update, Delete
 * and Query on the DocumentClient, with the condition and update expressions the repository
 * writes evaluated for real, so that a test can state the table before and assess it after,
 * and a conditional write that must fail does fail. Step Functions calls are mocked beside it.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resetConfigForTests } from '../../shared/runtime/config';

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

export const ddbMock = mockClient(DynamoDBDocumentClient);
export const sfnMock = mockClient(SFNClient);

export const TEST_STATE_MACHINE_ARN = 'arn:aws:states:ap-northeast-2:000000000000:stateMachine:case-workflow';

const items = new Map<string, Item>();
/** Items that the next Get of their key answers instead of the table's: another writer's race. */
const staleReads = new Map<string, Item>();
const idOf = (key: { pk?: unknown; sk?: unknown }): string => `${String(key.pk)}\u0000${String(key.sk)}`;
const clone = <T>(value: T): T => structuredClone(value);
/** DynamoDB orders string keys by their bytes, not by locale. */
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ------------------------------------------------------------------------------ expressions

type Token = { kind: 'word' | 'punct'; text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z0-9_.]+)/gy;
  let match: RegExpExecArray | null;
  let last = 0;
  while ((match = re.exec(expression)) !== null) {
    const text = match[1] ?? '';
    tokens.push({ kind: /^[#:A-Za-z0-9_]/.test(text) ? 'word' : 'punct', text });
    last = re.lastIndex;
  }
  if (expression.slice(last).trim() !== '') throw new Error(`fake table: cannot read expression at "${expression.slice(last)}"`);
  return tokens;
}

class Reader {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly names: Names,
    private readonly values: Values,
  ) {}
  peek(): string | undefined {
    return this.tokens[this.index]?.text;
  }
  next(): string {
    const token = this.tokens[this.index++];
    if (!token) throw new Error('fake table: expression ended early');
    return token.text;
  }
  expect(text: string): void {
    const got = this.next();
    if (got.toUpperCase() !== text) throw new Error(`fake table: expected ${text}, got ${got}`);
  }
  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }
  attributeName(word: string): string {
    if (!word.startsWith('#')) return word;
    const name = this.names?.[word];
    if (name === undefined) throw new Error(`fake table: no name for ${word}`);
    return name;
  }
  value(word: string): unknown {
    if (!this.values || !Object.hasOwn(this.values, word)) throw new Error(`fake table: no value for ${word}`);
    return this.values[word];
  }
}

type Operand = { path: string } | { value: unknown };

function readOperand(reader: Reader, item: Item): unknown {
  const word = reader.next();
  if (word.toLowerCase() === 'size') {
    reader.expect('(');
    const path = reader.attributeName(reader.next());
    reader.expect(')');
    const value = item[path];
    if (Array.isArray(value) || typeof value === 'string') return value.length;
    if (value instanceof Set) return value.size;
    if (value && typeof value === 'object') return Object.keys(value).length;
    return undefined;
  }
  const operand: Operand = word.startsWith(':') ? { value: reader.value(word) } : { path: reader.attributeName(word) };
  return 'value' in operand ? operand.value : item[operand.path];
}

function compare(left: unknown, op: string, right: unknown): boolean {
  if (left === undefined || right === undefined) return op === '<>' ? left !== right : false;
  if (op === '=') return JSON.stringify(left) === JSON.stringify(right);
  if (op === '<>') return JSON.stringify(left) !== JSON.stringify(right);
  const [a, b] = [left as string | number, right as string | number];
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  if (op === '>=') return a >= b;
  throw new Error(`fake table: operator ${op}`);
}

function readPrimary(reader: Reader, item: Item): boolean {
  const word = reader.peek();
  if (word === '(') {
    reader.next();
    const result = readOr(reader, item);
    reader.expect(')');
    return result;
  }
  const lower = word?.toLowerCase();
  if (lower === 'attribute_exists' || lower === 'attribute_not_exists') {
    reader.next();
    reader.expect('(');
    const path = reader.attributeName(reader.next());
    reader.expect(')');
    return (item[path] !== undefined) === (lower === 'attribute_exists');
  }
  if (lower === 'contains' || lower === 'begins_with') {
    reader.next();
    reader.expect('(');
    const container = readOperand(reader, item);
    reader.expect(',');
    const part = readOperand(reader, item);
    reader.expect(')');
    if (lower === 'begins_with') return typeof container === 'string' && typeof part === 'string' && container.startsWith(part);
    if (typeof container === 'string') return typeof part === 'string' && container.includes(part);
    if (Array.isArray(container)) return container.some((entry) => JSON.stringify(entry) === JSON.stringify(part));
    if (container instanceof Set) return container.has(part);
    return false;
  }
  const left = readOperand(reader, item);
  const op = reader.next();
  if (op.toUpperCase() === 'IN') {
    reader.expect('(');
    const options = [readOperand(reader, item)];
    while (reader.peek() === ',') {
      reader.next();
      options.push(readOperand(reader, item));
    }
    reader.expect(')');
    return options.some((option) => compare(left, '=', option));
  }
  if (op.toUpperCase() === 'BETWEEN') {
    const low = readOperand(reader, item);
    reader.expect('AND');
    const high = readOperand(reader, item);
    return compare(left, '>=', low) && compare(left, '<=', high);
  }
  return compare(left, op, readOperand(reader, item));
}

function readNot(reader: Reader, item: Item): boolean {
  if (reader.peek()?.toUpperCase() === 'NOT') {
    reader.next();
    return !readNot(reader, item);
  }
  return readPrimary(reader, item);
}

function readAnd(reader: Reader, item: Item): boolean {
  let result = readNot(reader, item);
  while (reader.peek()?.toUpperCase() === 'AND') {
    reader.next();
    result = readNot(reader, item) && result;
  }
  return result;
}

function readOr(reader: Reader, item: Item): boolean {
  let result = readAnd(reader, item);
  while (reader.peek()?.toUpperCase() === 'OR') {
    reader.next();
    result = readAnd(reader, item) || result;
  }
  return result;
}

function holds(expression: string | undefined, item: Item, names: Names, values: Values): boolean {
  if (!expression) return true;
  const reader = new Reader(tokenize(expression), names, values);
  const result = readOr(reader, item);
  if (!reader.atEnd()) throw new Error(`fake table: unread tail in "${expression}"`);
  return result;
}

/** SET a = :v | a = list_append(if_not_exists(a, :e), :v) | a = if_not_exists(a, :v); REMOVE a, b. */
function applyUpdate(item: Item, expression: string, names: Names, values: Values): Item {
  const next = clone(item);
  const reader = new Reader(tokenize(expression), names, values);
  let clause = '';
  const readValue = (): unknown => {
    const word = reader.next();
    const lower = word.toLowerCase();
    if (lower === 'list_append') {
      reader.expect('(');
      const first = readValue();
      reader.expect(',');
      const second = readValue();
      reader.expect(')');
      return [...((first as unknown[] | undefined) ?? []), ...((second as unknown[] | undefined) ?? [])];
    }
    if (lower === 'if_not_exists') {
      reader.expect('(');
      const path = reader.attributeName(reader.next());
      reader.expect(',');
      const fallback = readValue();
      reader.expect(')');
      return next[path] === undefined ? fallback : next[path];
    }
    return word.startsWith(':') ? clone(reader.value(word)) : next[reader.attributeName(word)];
  };
  while (!reader.atEnd()) {
    const word = reader.next();
    if (['SET', 'REMOVE'].includes(word.toUpperCase())) {
      clause = word.toUpperCase();
      continue;
    }
    if (word === ',') continue;
    const path = reader.attributeName(word);
    if (clause === 'REMOVE') delete next[path];
    else if (clause === 'SET') {
      reader.expect('=');
      next[path] = readValue();
    } else throw new Error(`fake table: unsupported update clause near ${word}`);
  }
  return next;
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

// ------------------------------------------------------------------------------ the mock

const INDEX_KEYS: Record<string, { pk: string; sk: string }> = {
  gsi1: { pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { pk: 'gsi2pk', sk: 'gsi2sk' },
};

/** Empties the table, re-arms the mocks, and points config() at a test table and state machine. */
export function resetAws(env: Record<string, string> = {}): void {
  items.clear();
  staleReads.clear();
  ddbMock.reset();
  sfnMock.reset();
  for (const name of ['POLICY_JSON', 'POLICY_PROFILE', 'COMMITTEE_MEMBERS']) delete process.env[name];
  Object.assign(process.env, { TABLE_NAME: 'test-table', STATE_MACHINE_ARN: TEST_STATE_MACHINE_ARN, ...env });
  resetConfigForTests();

  ddbMock.on(GetCommand).callsFake((input: { Key: Item }) => {
    const stale = staleReads.get(idOf(input.Key));
    staleReads.delete(idOf(input.Key));
    const item = stale ?? items.get(idOf(input.Key));
    return item ? { Item: clone(item) } : {};
  });
  ddbMock.on(PutCommand).callsFake((input: { Item: Item; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) => {
    const current = items.get(idOf(input.Item)) ?? {};
    if (!holds(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      throw conditionFailed();
    }
    items.set(idOf(input.Item), clone(input.Item));
    return {};
  });
  ddbMock.on(UpdateCommand).callsFake(
    (input: { Key: Item; UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) => {
      const current = items.get(idOf(input.Key)) ?? {};
      if (!holds(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
        throw conditionFailed();
      }
      const updated = applyUpdate({ ...input.Key, ...current }, input.UpdateExpression, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      items.set(idOf(input.Key), updated);
      return { Attributes: clone(updated) };
    },
  );
  ddbMock.on(DeleteCommand).callsFake((input: { Key: Item; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) => {
    const current = items.get(idOf(input.Key)) ?? {};
    if (!holds(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      throw conditionFailed();
    }
    items.delete(idOf(input.Key));
    return {};
  });
  ddbMock.on(QueryCommand).callsFake(
    (input: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeValues?: Values; ExpressionAttributeNames?: Names; ScanIndexForward?: boolean; Limit?: number }) => {
      const index = input.IndexName ? INDEX_KEYS[input.IndexName] : { pk: 'pk', sk: 'sk' };
      if (!index) throw new Error(`fake table: no index ${input.IndexName}`);
      const found = [...items.values()]
        .filter((item) => item[index.pk] !== undefined && item[index.sk] !== undefined)
        .filter((item) => holds(input.KeyConditionExpression, item, input.ExpressionAttributeNames, input.ExpressionAttributeValues))
        .sort((a, b) => byBytes(String(a[index.sk]), String(b[index.sk])) || byBytes(idOf(a), idOf(b)));
      if (input.ScanIndexForward === false) found.reverse();
      return { Items: clone(input.Limit === undefined ? found : found.slice(0, input.Limit)) };
    },
  );
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${TEST_STATE_MACHINE_ARN}:execution`, startDate: new Date(0) });
  sfnMock.on(SendTaskSuccessCommand).resolves({});
}

/** Puts items as they would be stored (keys included), bypassing every condition. */
export function givenItems(...given: Item[]): void {
  for (const item of given) items.set(idOf(item), clone(item));
}

/** The next read of this item sees `stale`: as if another writer changed it right after that read. */
export function givenStaleReadOnce(stale: Item): void {
  staleReads.set(idOf(stale), clone(stale));
}

export function storedItem(pk: string, sk: string): Item | undefined {
  const item = items.get(idOf({ pk, sk }));
  return item ? clone(item) : undefined;
}

export function storedItems(prefix: { pk: string; skPrefix?: string }): Item[] {
  return [...items.values()]
    .filter((item) => item.pk === prefix.pk && String(item.sk).startsWith(prefix.skPrefix ?? ''))
    .sort((a, b) => byBytes(String(a.sk), String(b.sk)))
    .map(clone);
}

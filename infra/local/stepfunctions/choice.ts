import { runtimeError } from './errors';
import { readPath, type Json } from './paths';

/** A Choice rule as written in the definition (JSONPath query language). */
export type ChoiceRule = { Variable?: string; And?: ChoiceRule[]; Or?: ChoiceRule[]; Not?: ChoiceRule; Next?: string } & Record<
  string,
  unknown
>;

/** RFC 3339 date-time, as AWS accepts in Timestamp comparisons and IsTimestamp. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
export const parseTimestamp = (value: unknown): number | undefined => {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/** Only `*` is a wildcard; `\*` is a literal star and `\\` a literal backslash. */
export function matchesPattern(text: string, pattern: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      regex += `\\${pattern[i + 1]}`;
      i++;
    } else if (c === '*') regex += '[\\s\\S]*';
    else regex += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`).test(text);
}

type Compare = (a: number, b: number) => boolean;
const ORDER: Record<string, Compare> = {
  Equals: (a, b) => a === b,
  LessThan: (a, b) => a < b,
  GreaterThan: (a, b) => a > b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThanEquals: (a, b) => a >= b,
};
const stringOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compare(operator: string, actual: Json, expected: unknown): boolean {
  const match = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)$/.exec(operator);
  if (!match) throw runtimeError(`Unknown Choice operator '${operator}'.`);
  const [, kind, relation] = match as unknown as [string, string, string];
  if (relation === 'Matches') {
    return typeof actual === 'string' && typeof expected === 'string' && matchesPattern(actual, expected);
  }
  const order = ORDER[relation];
  if (!order) return false;
  switch (kind) {
    case 'String':
      return typeof actual === 'string' && typeof expected === 'string' && order(stringOrder(actual, expected), 0);
    case 'Numeric':
      return typeof actual === 'number' && typeof expected === 'number' && order(actual, expected);
    case 'Boolean':
      return typeof actual === 'boolean' && actual === expected;
    default: {
      const a = parseTimestamp(actual);
      const b = parseTimestamp(expected);
      return a !== undefined && b !== undefined && order(a, b);
    }
  }
}

const TYPE_TESTS: Record<string, (value: Json) => boolean> = {
  IsNull: (v) => v === null,
  IsString: (v) => typeof v === 'string',
  IsNumeric: (v) => typeof v === 'number',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => parseTimestamp(v) !== undefined,
};

const STRUCTURAL = new Set(['Variable', 'Next', 'Comment', 'And', 'Or', 'Not']);

export function evaluateRule(rule: ChoiceRule, input: Json, context: Json): boolean {
  if (rule.And) return rule.And.every((r) => evaluateRule(r, input, context));
  if (rule.Or) return rule.Or.some((r) => evaluateRule(r, input, context));
  if (rule.Not) return !evaluateRule(rule.Not, input, context);
  const operator = Object.keys(rule).find((key) => !STRUCTURAL.has(key));
  if (!operator || rule.Variable === undefined)
    throw runtimeError(`A Choice rule needs a Variable and one operator: ${JSON.stringify(rule)}`);
  const operand = rule[operator];
  const variable = readPath(rule.Variable, input, context);
  if (operator === 'IsPresent') return variable.found === operand;
  const typeTest = TYPE_TESTS[operator];
  if (typeTest) return variable.found && typeTest(variable.value) === operand;
  if (!variable.found) {
    throw runtimeError(`Invalid path '${rule.Variable}': The choice state's condition path references an invalid value.`);
  }
  if (operator.endsWith('Path')) {
    const other = readPath(String(operand), input, context);
    if (!other.found)
      throw runtimeError(`Invalid path '${String(operand)}': The choice state's condition path references an invalid value.`);
    return compare(operator.slice(0, -4), variable.value, other.value);
  }
  return compare(operator, variable.value, operand);
}

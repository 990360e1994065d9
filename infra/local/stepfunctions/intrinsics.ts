import { createHash, randomUUID } from 'node:crypto';
import { type StatesError, runtimeError } from './errors';
import { isObject, mustRead, type Json } from './paths';

/**
 * Intrinsic functions of the ASL (JSONPath query language): a small recursive-descent parser for
 * `States.Name(arg, ...)` where an argument is a quoted string, a number, true/false/null, a path
 * (`$.x`, `$$.x`) or another call; then evaluation with AWS's recorded semantics.
 */
type Arg =
  | { kind: 'literal'; value: Json; template?: string }
  | { kind: 'path'; path: string }
  | { kind: 'call'; name: string; args: Arg[] };

/**
 * AWS reports a failed intrinsic as States.Runtime (States.IntrinsicFailure is "reserved for future
 * use"), which States.ALL does not catch: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
const fail = (message: string): StatesError => runtimeError(message);

export const isIntrinsic = (expression: string): boolean => /^States\.[A-Za-z0-9]+\s*\(/.test(expression);

function parse(expression: string): Arg {
  let pos = 0;
  const peek = (): string => expression[pos] ?? '';
  const skipSpace = (): void => {
    while (/\s/.test(peek())) pos++;
  };

  function call(): Arg {
    const match = /^States\.[A-Za-z0-9]+/.exec(expression.slice(pos));
    if (!match) throw fail(`Expected an intrinsic function at position ${pos} of '${expression}'.`);
    pos += match[0].length;
    skipSpace();
    if (peek() !== '(') throw fail(`Expected '(' after ${match[0]} in '${expression}'.`);
    pos++;
    const args: Arg[] = [];
    skipSpace();
    if (peek() === ')') {
      pos++;
      return { kind: 'call', name: match[0], args };
    }
    for (;;) {
      skipSpace();
      args.push(argument());
      skipSpace();
      const c = peek();
      pos++;
      if (c === ')') return { kind: 'call', name: match[0], args };
      if (c !== ',') throw fail(`Expected ',' or ')' at position ${pos - 1} of '${expression}'.`);
    }
  }

  function quoted(): Arg {
    pos++;
    let value = '';
    let template = '';
    for (;;) {
      const c = peek();
      if (c === '') throw fail(`Unterminated string in '${expression}'.`);
      pos++;
      if (c === "'") return { kind: 'literal', value, template };
      if (c === '\\') {
        const next = peek();
        pos++;
        value += next;
        // Format reads `\{`, `\}` and `\\` as literal characters, so it needs to see the escapes.
        template += next === '{' || next === '}' || next === '\\' ? `\\${next}` : next;
      } else {
        value += c;
        template += c;
      }
    }
  }

  function path(): Arg {
    const start = pos;
    let depth = 0;
    let quote = '';
    while (pos < expression.length) {
      const c = peek();
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      pos++;
    }
    return { kind: 'path', path: expression.slice(start, pos).trim() };
  }

  function argument(): Arg {
    const c = peek();
    if (c === "'") return quoted();
    if (c === '$') return path();
    if (expression.startsWith('States.', pos)) return call();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(expression.slice(pos));
    if (!literal) throw fail(`Unexpected '${c}' at position ${pos} of '${expression}'.`);
    pos += literal[0].length;
    return { kind: 'literal', value: JSON.parse(literal[0]) as Json };
  }

  skipSpace();
  const result = call();
  skipSpace();
  if (pos !== expression.length) throw fail(`Unexpected text after position ${pos} of '${expression}'.`);
  return result;
}

/** AWS renders non-string Format arguments the way Java's Map/List toString does. */
function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (isObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(', ')}}`;
  return String(value);
}

function format(template: string, args: Json[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\' && (template[i + 1] === '{' || template[i + 1] === '}' || template[i + 1] === '\\')) {
      out += template[i + 1];
      i++;
    } else if (c === '{' && template[i + 1] === '}') {
      if (next >= args.length) throw fail('States.Format has more placeholders than arguments.');
      out += render(args[next++] ?? null);
      i++;
    } else out += c;
  }
  if (next !== args.length) throw fail('States.Format has more arguments than placeholders.');
  return out;
}

const canonical = (value: Json): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isObject(v as Json) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

function expect<T>(name: string, value: Json, test: (v: Json) => boolean, what: string): T {
  if (!test(value)) throw fail(`${name}: expected ${what}, got ${JSON.stringify(value)}.`);
  return value as T;
}
const isInt = (v: Json): boolean => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: Json): boolean => typeof v === 'number';
const isStr = (v: Json): boolean => typeof v === 'string';

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
/** AWS rounds half away from zero before integer arithmetic (Java's Math.round on positives). */
/**
 * MathAdd rounds a non-integer argument to the nearest integer (intrinsic-functions.html). AWS runs
 * Java, whose Math.round sends a half toward positive infinity (-1.5 → -1), as JavaScript's does.
 */
const roundLikeJava = (n: number): number => Math.round(n);

type Impl = (args: Json[], name: string) => Json;

const FUNCTIONS: Record<string, Impl> = {
  'States.StringToJson': ([s], n) => {
    const text = expect<string>(n, s ?? null, isStr, 'a string');
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as Json;
    } catch {
      throw fail(`${n}: the argument is not valid JSON.`);
    }
  },
  'States.JsonToString': ([v]) => JSON.stringify(v ?? null),
  'States.Array': (args) => args,
  'States.ArrayPartition': ([a, size], n) => {
    const array = expect<Json[]>(n, a ?? null, Array.isArray, 'an array');
    const chunk = expect<number>(n, size ?? null, (v) => isInt(v) && (v as number) > 0, 'a positive integer');
    const out: Json[] = [];
    for (let i = 0; i < array.length; i += chunk) out.push(array.slice(i, i + chunk));
    return out;
  },
  'States.ArrayContains': ([a, v], n) =>
    expect<Json[]>(n, a ?? null, Array.isArray, 'an array').some((item) => canonical(item) === canonical(v ?? null)),
  'States.ArrayRange': ([s, e, st], n) => {
    const start = expect<number>(n, s ?? null, isInt, 'an integer');
    const end = expect<number>(n, e ?? null, isInt, 'an integer');
    const step = expect<number>(n, st ?? null, isInt, 'an integer');
    if (step === 0) throw fail(`${n}: the step must not be 0.`);
    const out: number[] = [];
    for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
      out.push(i);
      if (out.length > 1000) throw fail(`${n}: at most 1000 items.`);
    }
    return out;
  },
  'States.ArrayGetItem': ([a, i], n) => {
    const array = expect<Json[]>(n, a ?? null, Array.isArray, 'an array');
    const index = expect<number>(n, i ?? null, isInt, 'an integer');
    if (index < 0 || index >= array.length) throw fail(`${n}: index ${index} is out of bounds.`);
    return array[index] ?? null;
  },
  'States.ArrayLength': ([a], n) => expect<Json[]>(n, a ?? null, Array.isArray, 'an array').length,
  'States.ArrayUnique': ([a], n) => {
    const seen = new Set<string>();
    return expect<Json[]>(n, a ?? null, Array.isArray, 'an array').filter((item) => {
      const key = canonical(item);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  'States.Base64Encode': ([s], n) => Buffer.from(expect<string>(n, s ?? null, isStr, 'a string'), 'utf8').toString('base64'),
  'States.Base64Decode': ([s], n) => Buffer.from(expect<string>(n, s ?? null, isStr, 'a string'), 'base64').toString('utf8'),
  'States.Hash': ([data, algorithm], n) => {
    const algo = HASHES[expect<string>(n, algorithm ?? null, isStr, 'an algorithm name')];
    if (!algo) throw fail(`${n}: the algorithm must be one of ${Object.keys(HASHES).join(', ')}.`);
    const text = typeof data === 'string' ? data : JSON.stringify(data ?? null);
    return createHash(algo).update(text, 'utf8').digest('hex');
  },
  'States.JsonMerge': ([a, b, deep], n) => {
    const left = expect<Record<string, Json>>(n, a ?? null, isObject, 'an object');
    const right = expect<Record<string, Json>>(n, b ?? null, isObject, 'an object');
    if (deep !== false) throw fail(`${n}: only shallow merge (false) is supported, as on AWS.`);
    return { ...left, ...right };
  },
  'States.MathRandom': ([s, e], n) => {
    const start = expect<number>(n, s ?? null, isInt, 'an integer');
    const end = expect<number>(n, e ?? null, isInt, 'an integer');
    return start + Math.floor(Math.random() * (end - start));
  },
  'States.MathAdd': ([a, b], n) =>
    roundLikeJava(expect<number>(n, a ?? null, isNum, 'a number')) + roundLikeJava(expect<number>(n, b ?? null, isNum, 'a number')),
  'States.StringSplit': ([s, d], n) => {
    const text = expect<string>(n, s ?? null, isStr, 'a string');
    const delimiters = new Set(expect<string>(n, d ?? null, isStr, 'a string'));
    const pieces: string[] = [];
    let current = '';
    for (const c of text) {
      if (delimiters.has(c)) {
        if (current) pieces.push(current);
        current = '';
      } else current += c;
    }
    if (current) pieces.push(current);
    return pieces;
  },
  'States.UUID': () => randomUUID(),
};

function evaluate(arg: Arg, input: Json, context: Json): Json {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return mustRead(arg.path, input, context, 'intrinsic function argument');
  const values = arg.args.map((a) => evaluate(a, input, context));
  if (arg.name === 'States.Format') {
    const first = arg.args[0];
    if (!first) throw fail('States.Format needs a template.');
    const template = first.kind === 'literal' && first.template !== undefined ? first.template : values[0];
    return format(expect<string>(arg.name, template ?? null, isStr, 'a string template'), values.slice(1));
  }
  const impl = FUNCTIONS[arg.name];
  if (!impl) throw fail(`Unknown intrinsic function ${arg.name}.`);
  return impl(values, arg.name);
}

export function evaluateIntrinsic(expression: string, input: Json, context: Json): Json {
  return evaluate(parse(expression), input, context);
}

export const intrinsicNames = (): string[] => ['States.Format', ...Object.keys(FUNCTIONS)];

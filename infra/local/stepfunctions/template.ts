import { runtimeError } from './errors';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics';
import { isObject, readPath, type Json } from './paths';

/**
 * Payload templates (Parameters, ResultSelector, ItemSelector): a key ending in `.$` takes its
 * value from a path or an intrinsic function; every other value is copied as written.
 */
export function evaluateTemplate(template: Json, input: Json, context: Json): Json {
  if (Array.isArray(template)) return template.map((item) => evaluateTemplate(item, input, context));
  if (!isObject(template)) return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      out[key] = evaluateTemplate(value, input, context);
      continue;
    }
    const field = key.slice(0, -2);
    if (typeof value !== 'string') throw runtimeError(`The value of the field '${key}' must be a path or an intrinsic function.`);
    if (isIntrinsic(value)) {
      out[field] = evaluateIntrinsic(value, input, context);
      continue;
    }
    const result = readPath(value, input, context);
    if (!result.found) {
      const source = value.startsWith('$$') ? 'context object' : 'input';
      throw runtimeError(
        `The JSONPath '${value}' specified for the field '${key}' could not be found in the ${source} '${JSON.stringify(
          value.startsWith('$$') ? context : input,
        )}'`,
      );
    }
    out[field] = result.value;
  }
  return out;
}

/** ErrorPath, CausePath and similar fields: a path or an intrinsic function. */
export function evaluateExpression(expression: string, input: Json, context: Json, field: string): Json {
  if (isIntrinsic(expression)) return evaluateIntrinsic(expression, input, context);
  const result = readPath(expression, input, context);
  if (!result.found)
    throw runtimeError(
      `The JSONPath '${expression}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`,
    );
  return result.value;
}

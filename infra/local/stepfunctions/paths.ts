import { JSONPath } from 'jsonpath-plus';
import { StatesError, runtimeError } from './errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A path that can select several nodes (wildcards, filters, slices, unions, descent) yields an array. */
const INDEFINITE = /\*|\.\.|\[\s*\?|\[\s*\(|\[[^\]'"]*[,:][^\]'"]*\]/;

export interface PathResult {
  found: boolean;
  value: Json;
}

/**
 * Reads a JSONPath against the input, or against the context object when it starts with `$$`.
 * A definite path that matches nothing is "not found"; an indefinite one returns every match,
 * an empty array included (AWS returns `[]` for a wildcard over missing data).
 */
export function readPath(path: string, input: Json, context: Json): PathResult {
  const fromContext = path.startsWith('$$');
  const target = fromContext ? context : input;
  const local = fromContext ? path.slice(1) : path;
  if (local === '$') return { found: true, value: target };
  const definite = !INDEFINITE.test(local);
  if (typeof target !== 'object' || target === null) {
    return definite ? { found: false, value: null } : { found: true, value: [] };
  }
  const matches = JSONPath({ path: local, json: target, wrap: true, eval: 'safe' }) as Json[];
  if (!definite) return { found: true, value: matches };
  return matches.length === 0 ? { found: false, value: null } : { found: true, value: matches[0] ?? null };
}

/** Reads a path that must exist (InputPath, OutputPath, ItemsPath, SecondsPath...). */
export function mustRead(path: string, input: Json, context: Json, field: string): Json {
  const result = readPath(path, input, context);
  if (!result.found) {
    throw runtimeError(`Invalid path '${path}' : The ${field} path references an invalid value in the input '${JSON.stringify(input)}'.`);
  }
  return result.value;
}

/** InputPath and OutputPath: absent means `$`, null means `{}`. */
export function filterPath(path: string | null | undefined, input: Json, context: Json, field: string): Json {
  if (path === null) return {};
  if (path === undefined) return input;
  return mustRead(path, input, context, field);
}

/** ResultPath: writes the result into a copy of the state input, creating objects on the way. */
export function applyResultPath(path: string | null | undefined, input: Json, result: Json): Json {
  if (path === null) return input;
  if (path === undefined || path === '$') return result;
  const segments = JSONPath.toPathArray(path).slice(1);
  if (!isObject(input) && !Array.isArray(input)) {
    throw new StatesError(
      'States.ResultPathMatchFailure',
      `Unable to apply ResultPath '${path}' to input '${JSON.stringify(input)}': the input is not an object.`,
    );
  }
  const root = structuredClone(input);
  let node: Json = root;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const container = node as Record<string, Json> | Json[];
    if (!isObject(container) && !Array.isArray(container)) {
      throw new StatesError(
        'States.ResultPathMatchFailure',
        `Unable to apply ResultPath '${path}': '${segment}' is not inside an object in input '${JSON.stringify(input)}'.`,
      );
    }
    const record = container as Record<string, Json>;
    if (last) {
      record[segment] = result;
    } else {
      if (record[segment] === undefined) record[segment] = {};
      node = record[segment] ?? null;
    }
  });
  return root;
}

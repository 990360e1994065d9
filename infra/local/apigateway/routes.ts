/**
 * API Gateway HTTP API route selection: `METHOD /literal/{param}` keys, the most specific match
 * wins (literal segments before parameters, as API Gateway ranks them), `{name+}` is greedy.
 */
import type { ApiFunction } from '../../functions';

export interface RouteTarget {
  readonly routeKey: string;
  readonly functionName: string;
  readonly isPublic: boolean;
}

export interface RouteMatch extends RouteTarget {
  readonly pathParameters: Record<string, string>;
}

interface CompiledRoute extends RouteTarget {
  readonly method: string;
  readonly segments: readonly string[];
}

function segmentsOf(pathname: string): string[] {
  return pathname.split('/').filter((segment) => segment.length > 0);
}

function parameterName(segment: string): string | undefined {
  return /^\{([A-Za-z0-9_]+)\+?\}$/.exec(segment)?.[1];
}

function isGreedy(segment: string): boolean {
  return /^\{[A-Za-z0-9_]+\+\}$/.test(segment);
}

/** Higher is more specific: each literal segment outranks any parameter. */
function specificity(route: CompiledRoute): number[] {
  return route.segments.map((segment) => (parameterName(segment) === undefined ? 2 : isGreedy(segment) ? 0 : 1));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (b[i] ?? -1) - (a[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(functions: readonly ApiFunction[]) {
    this.routes = functions.flatMap((fn) =>
      fn.routes.map((routeKey) => {
        const [method, pattern] = routeKey.split(' ');
        if (method === undefined || pattern === undefined) throw new Error(`Route key "${routeKey}" must be "METHOD /path".`);
        return {
          routeKey,
          functionName: fn.name,
          isPublic: fn.publicRoutes?.includes(routeKey) ?? false,
          method: method.toUpperCase(),
          segments: segmentsOf(pattern),
        };
      }),
    );
    this.routes.sort((a, b) => compare(specificity(a), specificity(b)));
  }

  /** The route for `method` and a decoded-per-segment `pathname`, or undefined. */
  match(method: string, pathname: string): RouteMatch | undefined {
    const segments = segmentsOf(pathname);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() && route.method !== 'ANY') continue;
      const pathParameters = matchSegments(route.segments, segments);
      if (pathParameters) {
        return { routeKey: route.routeKey, functionName: route.functionName, isPublic: route.isPublic, pathParameters };
      }
    }
    return undefined;
  }
}

function matchSegments(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const name = parameterName(expected);
    if (name !== undefined && isGreedy(expected)) {
      if (i >= segments.length) return undefined;
      parameters[name] = segments.slice(i).map(decodeSegment).join('/');
      return parameters;
    }
    const actual = segments[i];
    if (actual === undefined) return undefined;
    if (name === undefined) {
      if (decodeSegment(actual) !== expected) return undefined;
    } else {
      parameters[name] = decodeSegment(actual);
    }
  }
  return pattern.length === segments.length ? parameters : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

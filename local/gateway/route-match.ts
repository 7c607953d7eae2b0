import type { LocalHttpRoute } from '../cfn/types.js';

export interface RouteMatch {
  route: LocalHttpRoute;
  pathParameters: Record<string, string>;
}

// Per segment: a literal beats {param}, which beats {proxy+}; then a named method beats ANY.
const LITERAL = 3;
const PARAM = 2;
const GREEDY = 1;

/**
 * HTTP API route selection: the most specific route wins (API Gateway: full match, then path
 * variables, then greedy variables), a named method beats ANY, and `$default` catches the rest.
 * `rawPath` is the undecoded request path; path parameters are URL-decoded as API Gateway does.
 */
export function matchRoute(routes: LocalHttpRoute[], method: string, rawPath: string): RouteMatch | undefined {
  const segments = rawPath.split('/').slice(1);
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const route of routes) {
    if (route.routeKey === '$default') continue;
    if (route.method !== 'ANY' && route.method !== method.toUpperCase()) continue;
    const matched = matchPath(route.path, segments);
    if (!matched) continue;
    const score = [...matched.score, route.method === 'ANY' ? 0 : 1];
    if (!best || compare(score, best.score) > 0) best = { match: { route, pathParameters: matched.params }, score };
  }
  if (best) return best.match;
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

function matchPath(template: string, segments: string[]): { params: Record<string, string>; score: number[] } | undefined {
  const parts = template.split('/').slice(1);
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined; // a greedy variable needs at least one child segment
      params[greedy[1]!] = decode(rest.join('/'));
      score.push(GREEDY);
      return { params, score };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const variable = /^\{(.+)\}$/.exec(part);
    if (variable) {
      if (segment === '') return undefined;
      params[variable[1]!] = decode(segment);
      score.push(PARAM);
    } else if (part === segment) {
      score.push(LITERAL);
    } else {
      return undefined;
    }
  }
  return parts.length === segments.length ? { params, score } : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

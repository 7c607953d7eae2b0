import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { roleAllows, strongestRole, type Operator, type OperatorRole } from '../domain/operators.js';

type JwtContext = APIGatewayProxyEventV2['requestContext'] & { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };

/**
 * Groups as API Gateway hands them over: an HTTP API's JWT authorizer flattens the `cognito:groups` array into one
 * string, "[agent supervisor]"; a plain array is accepted too.
 */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim === 'string')
    return claim
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

/**
 * The operator behind a request, from the claims the HTTP API's JWT authorizer verified (Cognito: `cognito:groups`
 * are the roles; the name is `username` in an access token, `cognito:username` in an ID token). The route cannot be
 * reached without them: in AWS the authorizer answers 401 first, locally the gateway does the same
 * (local/gateway/jwt-authorizer.ts). Claims without a known role or a name are no operator.
 */
export function operatorFrom(event: APIGatewayProxyEventV2): Operator | undefined {
  const claims = (event.requestContext as JwtContext).authorizer?.jwt?.claims;
  return claims ? operatorFromClaims(claims) : undefined;
}

/** The operator a verified token's claims name (the console verifies its own cookie's token with these rules). */
export function operatorFromClaims(claims: Record<string, unknown>): Operator | undefined {
  const role = strongestRole(groupsOf(claims['cognito:groups']));
  const name = String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? '');
  return role && name ? { name, role } : undefined;
}

const authenticated = new WeakMap<object, Operator>();

/** Remembers who made this request, once the handler has authenticated it, for the routes to read. */
export function bindOperator(event: APIGatewayProxyEventV2, operator: Operator): void {
  authenticated.set(event, operator);
}

/** The operator the handler authenticated for this request. */
export function operatorOf(event: unknown): Operator {
  const operator = authenticated.get(event as object);
  if (!operator) throw new Error('the request was not authenticated');
  return operator;
}

/**
 * The least role each operations route needs (docs/domain.md "Operators and money"), in one table so a reviewer reads the
 * whole access policy at once. The first matching row wins; a route not listed needs a supervisor. Amount limits and
 * four eyes are the decision's own rules (functions/use-cases/decide-case.ts), on top of this.
 */
const ROUTE_ROLES: Array<{ method: string; path: RegExp; role: OperatorRole }> = [
  { method: 'GET', path: /^\/ops\/reports\//, role: 'supervisor' },
  { method: 'GET', path: /^\/ops\/audit$/, role: 'supervisor' },
  // A privacy request's export is everything held about a customer (docs/privacy.md).
  { method: 'GET', path: /^\/ops\/privacy\//, role: 'supervisor' },
  { method: 'GET', path: /^\/ops\//, role: 'viewer' },
  { method: 'POST', path: /^\/ops\/cases\/[^/]+\/(decision|assign|follow-up)$/, role: 'agent' },
  { method: 'POST', path: /^\/ops\/cases\/[^/]+\/(pause|resume)$/, role: 'supervisor' },
];

export function roleNeededFor(method: string, path: string): OperatorRole {
  return ROUTE_ROLES.find((row) => row.method === method.toUpperCase() && row.path.test(path))?.role ?? 'supervisor';
}

/**
 * A path the role table can judge: the router resolves `..` and `%2e%2e` segments and ignores a trailing slash, so
 * `/ops/x/%2e%2e/audit/` would reach the audit route while matching no row as written. Only a path that is already
 * in the router's own form is served; any other is refused before the table is read.
 */
export function isCanonicalOpsPath(rawPath: string): boolean {
  let resolved: string;
  try {
    resolved = new URL(rawPath, 'http://ops.invalid').pathname;
  } catch {
    return false;
  }
  return resolved === rawPath && !rawPath.endsWith('/') && !rawPath.includes('//');
}

/** Whether the operator's role covers the route; the answer to give when it does not is `forbidden` with `needs`. */
export function mayCall(operator: Operator, method: string, path: string): { allowed: true } | { allowed: false; needs: OperatorRole } {
  const needs = roleNeededFor(method, path);
  return roleAllows(operator.role, needs) ? { allowed: true } : { allowed: false, needs };
}

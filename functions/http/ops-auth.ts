import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { roleAllows, strongestRole, type Operator, type OperatorRole } from '../domain/operators.js';

type JwtContext = APIGatewayProxyEventV2['requestContext'] & { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };

/**
 * Groups as API Gateway hands them over: an HTTP API's JWT authorizer flattens the `cognito:groups` array into one
 * string, "[agent supervisor]"; a plain array is accepted too.
 */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim === 'string') return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * The operator behind a request, from the claims the HTTP API's JWT authorizer verified (Cognito: `cognito:groups`
 * are the roles, `username` / `cognito:username` the name). Until the local gateway verifies bearer tokens the
 * way the authorizer does, a bearer token equal to OPS_TOKEN is a supervisor named `ops-token`.
 */
export function operatorFrom(event: APIGatewayProxyEventV2, opsToken?: string): Operator | undefined {
  const claims = (event.requestContext as JwtContext).authorizer?.jwt?.claims;
  if (claims) {
    const role = strongestRole(groupsOf(claims['cognito:groups']));
    const name = String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? '');
    return role && name ? { name, role } : undefined;
  }
  if (!opsToken) return undefined;
  const match = /^Bearer (.+)$/i.exec(event.headers.authorization ?? '');
  if (!match) return undefined;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(opsToken);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { name: 'ops-token', role: 'supervisor' } : undefined;
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
 * The least role each operations route needs (DOMAIN.md "Operators and money"), in one table so a reviewer reads the
 * whole access policy at once. The first matching row wins; a route not listed needs a supervisor. Amount limits and
 * four eyes are the decision's own rules (functions/use-cases/decide-case.ts), on top of this.
 */
const ROUTE_ROLES: Array<{ method: string; path: RegExp; role: OperatorRole }> = [
  { method: 'GET', path: /^\/ops\/reports\//, role: 'supervisor' },
  { method: 'GET', path: /^\/ops\/audit$/, role: 'supervisor' },
  { method: 'GET', path: /^\/ops\//, role: 'viewer' },
  { method: 'POST', path: /^\/ops\/cases\/[^/]+\/(decision|assign|follow-up)$/, role: 'agent' },
  { method: 'POST', path: /^\/ops\/cases\/[^/]+\/(pause|resume)$/, role: 'supervisor' },
];

export function roleNeededFor(method: string, path: string): OperatorRole {
  return ROUTE_ROLES.find((row) => row.method === method.toUpperCase() && row.path.test(path))?.role ?? 'supervisor';
}

/** Whether the operator's role covers the route; the answer to give when it does not is `forbidden` with `needs`. */
export function mayCall(operator: Operator, method: string, path: string): { allowed: true } | { allowed: false; needs: OperatorRole } {
  const needs = roleNeededFor(method, path);
  return roleAllows(operator.role, needs) ? { allowed: true } : { allowed: false, needs };
}

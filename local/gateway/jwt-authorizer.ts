import { createHash, timingSafeEqual } from 'node:crypto';
import type { LocalOperator } from '../operators.js';

/** What API Gateway puts in `requestContext.authorizer` after its JWT authorizer accepted a token (payload 2.0). */
export interface JwtAuthorizerContext {
  jwt: { claims: Record<string, string>; scopes: string[] | null };
}

/** Answers for a JWT route: the verified context, or why the gateway answers 401 without calling the function. */
export type LocalJwtAuthorizer = (authorization: string | undefined) => { context: JwtAuthorizerContext } | { denied: 'missing' | 'invalid' };

const LOCAL_CLIENT_ID = 'local-ops-console';
const TOKEN_LIFETIME_S = 3600;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The HTTP API JWT authorizer, locally: instead of checking a Cognito JWT's signature, issuer and audience, it looks
 * the bearer token up among the local operators, and hands the function the claims a Cognito access token of that
 * user would carry, flattened to strings as API Gateway does (`cognito:groups` = "[agent]"). Tokens are compared as
 * SHA-256 digests, every known token each time, so the time taken says nothing about how close a guess was.
 */
export function localJwtAuthorizer(operators: readonly LocalOperator[]): LocalJwtAuthorizer {
  const known = operators.map((operator) => ({ operator, digest: digest(operator.token) }));
  return (authorization) => {
    // API Gateway takes the identity source as the token itself or prefixed with "Bearer ".
    const token = authorization?.trim().replace(/^Bearer\s+/i, '') ?? '';
    if (token === '') return { denied: 'missing' };
    const presented = digest(token);
    let match: LocalOperator | undefined;
    for (const candidate of known) {
      if (timingSafeEqual(presented, candidate.digest)) match = candidate.operator;
    }
    return match ? { context: { jwt: { claims: claimsOf(match), scopes: null } } } : { denied: 'invalid' };
  };
}

/** A Cognito access token's claims for this operator (the ones the ops handler reads: username, cognito:groups). */
function claimsOf(operator: LocalOperator): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: subjectOf(operator.name),
    'cognito:groups': `[${operator.role}]`,
    iss: 'local-ops-users',
    client_id: LOCAL_CLIENT_ID,
    token_use: 'access',
    scope: 'openid email',
    auth_time: String(now),
    iat: String(now),
    exp: String(now + TOKEN_LIFETIME_S),
    username: operator.name,
  };
}

/** A stable UUID-shaped `sub` per name, as Cognito gives each user one. */
function subjectOf(name: string): string {
  const hex = digest(`local-operator:${name}`).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

import { LocalConfigError } from './config-error.js';
import { isOperatorRole, OPERATOR_ROLES, type OperatorRole } from '../functions/domain/operators.js';

/**
 * A local operator: who the local gateway says is calling when it sees this bearer token, standing in for a Cognito
 * user of that group (docs/operations.md, "Operators, roles and sign-in"). Local only; never deployed.
 */
export interface LocalOperator {
  name: string;
  role: OperatorRole;
  token: string;
}

/** Used when OPS_USERS is unset: one operator of each role, with fixed development tokens. */
export const DEFAULT_OPS_USERS: readonly LocalOperator[] = [
  { name: 'dev-viewer', role: 'viewer', token: 'dev-viewer-token' },
  { name: 'dev-agent', role: 'agent', token: 'dev-agent-token' },
  { name: 'dev-supervisor', role: 'supervisor', token: 'dev-supervisor-token' },
];

/** The operator OPS_TOKEN stands for, so scripts keep one token that may do everything. */
export const OPS_TOKEN_OPERATOR_NAME = 'ops-token';

// Names go on timelines as `operator:<name>`, like a Cognito username; tokens travel in a header.
const NAME = /^[A-Za-z0-9._@+-]{1,64}$/;
const TOKEN = /^[\x21-\x7e]{1,512}$/;

/**
 * Parses OPS_USERS, `name:role:token,…` (the token is everything after the second colon). Unset or empty gives the
 * defaults. Throws on the first entry that is malformed, names an unknown role, or has an empty name or token.
 */
export function parseOpsUsers(raw: string | undefined): LocalOperator[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_OPS_USERS.map((user) => ({ ...user }));
  return raw.split(',').map((entry, index) => {
    const where = `OPS_USERS entry ${index + 1}`;
    const [name = '', role = '', ...rest] = entry.trim().split(':');
    const token = rest.join(':');
    if (rest.length === 0) throw new LocalConfigError(`${where} must be name:role:token`);
    if (name === '') throw new LocalConfigError(`${where} has an empty name`);
    if (!NAME.test(name)) throw new LocalConfigError(`${where}: the name may use only letters, digits and . _ @ + - (at most 64)`);
    if (!isOperatorRole(role)) throw new LocalConfigError(`${where} (${name}): unknown role "${role}"; use ${OPERATOR_ROLES.join(', ')}`);
    if (token === '') throw new LocalConfigError(`${where} (${name}) has an empty token`);
    if (!TOKEN.test(token)) throw new LocalConfigError(`${where} (${name}): the token must be visible ASCII without spaces (at most 512)`);
    return { name, role, token };
  });
}

/**
 * Everyone the local gateway lets in: OPS_USERS (or its defaults) and OPS_TOKEN as the supervisor `ops-token`.
 * Throws when two operators share a token (the gateway could not tell them apart) or a name (the timeline could not).
 */
export function localOperators(opsUsers: readonly LocalOperator[], opsToken: string): LocalOperator[] {
  const all = [...opsUsers, { name: OPS_TOKEN_OPERATOR_NAME, role: 'supervisor' as const, token: opsToken }];
  if (!TOKEN.test(opsToken)) throw new LocalConfigError('OPS_TOKEN must be visible ASCII without spaces (at most 512)');
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const operator of all) {
    if (names.has(operator.name)) throw new LocalConfigError(`Two local operators are named "${operator.name}" (OPS_USERS, or ops-token for OPS_TOKEN)`);
    if (tokens.has(operator.token)) throw new LocalConfigError(`The token of operator "${operator.name}" is already another operator's (OPS_USERS, OPS_TOKEN)`);
    names.add(operator.name);
    tokens.add(operator.token);
  }
  return all;
}

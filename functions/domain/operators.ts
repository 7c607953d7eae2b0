/**
 * Operators and what their role lets them do (docs/domain.md "Operators and money"). Roles are cumulative: an agent can
 * do what a viewer can, a supervisor what an agent can.
 */
export const OPERATOR_ROLES = ['viewer', 'agent', 'supervisor'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Who acts: the name shown on the timeline and in the audit log, and the role that bounds what they may do. */
export interface Operator {
  name: string;
  role: OperatorRole;
}

export function isOperatorRole(value: string): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value);
}

/** True when `role` includes everything `needed` may do. */
export function roleAllows(role: OperatorRole, needed: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(role) >= OPERATOR_ROLES.indexOf(needed);
}

/** The strongest of several roles (a user in more than one group acts with the strongest). */
export function strongestRole(roles: readonly string[]): OperatorRole | undefined {
  const known = roles.filter(isOperatorRole);
  return known.length === 0 ? undefined : known.reduce((a, b) => (roleAllows(a, b) ? a : b));
}

/** The timeline's actor for an operator action. */
export function operatorActor(operator: Operator): string {
  return `operator:${operator.name}`;
}

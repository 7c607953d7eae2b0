import type { CaseRepository } from './ports.js';
import { operatorActor, roleAllows, type Operator } from '../domain/operators.js';

export type AssignResult =
  | { status: 'assigned'; assignee: string; previous?: string }
  | { status: 'unchanged'; assignee: string }
  | { status: 'not_found' }
  | { status: 'case_closed' }
  | { status: 'forbidden'; needs: 'supervisor' }
  | { status: 'already_assigned'; assignee: string };

/**
 * Who holds a case (docs/domain.md "Operators and money"): an agent claims a case for themselves (no assignee named, or
 * their own name) unless another operator holds it; giving it to someone else, or taking it from its holder, is a
 * supervisor's reassignment. A closed case is not assigned. The write is conditional on the holder the operator saw,
 * so of two simultaneous claims one wins and the other is told who holds it. Each change goes on the timeline with
 * the operator's name and role.
 */
export async function assignCase(
  deps: { cases: Pick<CaseRepository, 'get' | 'assign' | 'appendTimeline'> },
  caseId: string,
  requested: string | undefined,
  operator: Operator,
  now: Date,
): Promise<AssignResult> {
  const assignee = requested ?? operator.name;
  const supervisor = roleAllows(operator.role, 'supervisor');
  if (assignee !== operator.name && !supervisor) return { status: 'forbidden', needs: 'supervisor' };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const record = await deps.cases.get(caseId);
    if (!record) return { status: 'not_found' };
    if (record.status === 'closed') return { status: 'case_closed' };
    const previous = record.assignee;
    if (previous === assignee) return { status: 'unchanged', assignee };
    if (previous !== undefined && previous !== operator.name && !supervisor) return { status: 'already_assigned', assignee: previous };
    const at = now.toISOString();
    if (await deps.cases.assign(caseId, assignee, previous, record.createdAt, at)) {
      await deps.cases.appendTimeline(caseId, {
        at,
        actor: operatorActor(operator),
        event: previous === undefined ? 'case_assigned' : 'case_reassigned',
        detail: { assignee, role: operator.role, ...(previous !== undefined ? { previous } : {}) },
      });
      return { status: 'assigned', assignee, ...(previous !== undefined ? { previous } : {}) };
    }
    // The holder or the status changed since the read: decide again on what is there now.
  }
  throw new Error('the case kept changing while it was being assigned');
}

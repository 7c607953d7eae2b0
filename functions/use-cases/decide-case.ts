import type { CaseStore } from '../adapters/case-store.js';
import type { WaitStore } from '../adapters/wait-store.js';
import type { CaseWorkflow } from '../adapters/workflow.js';
import type { Remedy } from '../domain/case.js';
import { operatorActor, type Operator } from '../domain/operators.js';
import { signal } from './apply-intake-event.js';

export interface OperatorDecision {
  decision: 'approve' | 'reject' | 'request_evidence';
  /** Why; recorded on the timeline, and shown to the customer for a rejection. */
  reason: string;
  remedy?: Remedy;
  /** An amount in minor units, for money remedies. */
  amount?: number;
}

export type DecideResult = { status: 'accepted' } | { status: 'not_awaiting_review'; caseStatus: string } | { status: 'not_found' };

/**
 * An operator decides a case in review. The decision, the operator and the reason go on the timeline, and the
 * waiting workflow resumes: approve (with an optional remedy and amount), reject, or ask the customer for evidence
 * (the evidence then comes back to an operator, not to the policy).
 */
export async function decideCase(
  deps: { cases: CaseStore; waits: WaitStore; workflow: CaseWorkflow },
  caseId: string,
  decision: OperatorDecision,
  operator: Operator,
  now: Date,
): Promise<DecideResult> {
  const record = await deps.cases.get(caseId);
  if (!record) return { status: 'not_found' };
  if (record.status !== 'awaiting_review') return { status: 'not_awaiting_review', caseStatus: record.status };
  const at = now.toISOString();
  await deps.cases.update(
    caseId,
    {
      operatorDecision: { ...decision, operator: operator.name, at },
      decision: {
        decision: decision.decision === 'request_evidence' ? 'needs_evidence' : decision.decision,
        rule: 'operator',
        at,
        by: operator.name,
        reason: decision.reason,
        ...(decision.decision === 'reject' ? { reasonCode: 'manual_rejected' } : {}),
      },
      ...(decision.decision === 'approve' ? { outcome: 'approved' as const } : {}),
      ...(decision.decision === 'reject' ? { outcome: 'rejected' as const } : {}),
      ...(decision.decision === 'request_evidence' ? { reviewMode: 'manual' as const } : {}),
    },
    ['awaiting_review'],
  );
  await deps.cases.appendTimeline(caseId, {
    at,
    actor: operatorActor(operator),
    event: `operator_${decision.decision}`,
    detail: { role: operator.role, reason: decision.reason, ...(decision.remedy ? { remedy: decision.remedy } : {}), ...(decision.amount !== undefined ? { amount: decision.amount } : {}) },
  });
  await signal(deps, caseId, 'manual_review', { signal: decision.decision });
  return { status: 'accepted' };
}

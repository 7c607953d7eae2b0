import type { CaseRepository } from './ports.js';
import { operatorActor, type Operator } from '../domain/operators.js';
import type { CloseResult, FollowUpStore } from '../adapters/follow-up-store.js';
import type { FollowUpOutcome } from '../domain/satisfaction.js';

/** An operator records the call-back after a low survey score: the task closes, the record stays on the case. */
export async function recordFollowUp(
  deps: { cases: CaseRepository; followUps: FollowUpStore },
  caseId: string,
  callBack: { outcome: FollowUpOutcome; note: string },
  operator: Operator,
  now: Date,
): Promise<CloseResult> {
  const at = now.toISOString();
  const result = await deps.followUps.close(caseId, { ...callBack, by: operator.name, at });
  if (result.status === 'closed') {
    // The note stays on the case's followUp record; the timeline says who did what, when.
    await deps.cases.appendTimeline(caseId, { at, actor: operatorActor(operator), event: 'follow_up_recorded', detail: { role: operator.role, outcome: callBack.outcome } });
  }
  return result;
}

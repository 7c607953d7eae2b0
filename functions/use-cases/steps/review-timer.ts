import type { AlertPort, CaseRepository } from '../ports.js';

const ESCALATION_PRIORITY_BUMP = 15;

/**
 * An operator review passed an internal target: at the reminder, operators are alerted; at the escalation, the
 * case also moves up the review list and the alert says it is overdue. The review keeps waiting for a decision.
 */
export async function reviewTimer(deps: { cases: CaseRepository; alerts: AlertPort }, caseId: string, stage: 'reminder' | 'escalation', now: Date): Promise<{ stage: string }> {
  const record = await deps.cases.require(caseId);
  const at = now.toISOString();
  if (!record.review || record.status !== 'awaiting_review') return { stage };
  if (stage === 'reminder' && !record.review.remindedAt) {
    await deps.cases.markReview(caseId, record.review.openedAt, 'remindedAt', at);
    await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'review_reminder', detail: { escalateAt: record.review.escalateAt } });
    await deps.alerts.raise({ kind: 'review_reminder', caseId, at, message: `Case ${caseId} is waiting for a review decision (escalates at ${record.review.escalateAt}).` });
  }
  if (stage === 'escalation' && !record.review.escalatedAt) {
    const priority = Math.min(100, (record.priority ?? 0) + ESCALATION_PRIORITY_BUMP);
    const sortKey = `${String(100 - priority).padStart(3, '0')}#${record.review.escalateAt}#${caseId}`;
    await deps.cases.update(caseId, { priority }, undefined, sortKey);
    await deps.cases.markReview(caseId, record.review.openedAt, 'escalatedAt', at);
    await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'review_escalated', detail: { priority } });
    await deps.alerts.raise({ kind: 'review_escalated', caseId, at, message: `Case ${caseId} passed its review target and was escalated.`, detail: { priority } });
  }
  return { stage };
}

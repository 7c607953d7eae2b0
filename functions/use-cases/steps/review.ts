import type { CaseRepository } from '../ports.js';
import type { ReviewDecision } from '../../domain/case.js';
import { CARRIER_TYPES } from '../../domain/policy.js';
import { reviewCase } from '../../domain/review-policy.js';
import type { Markets } from '../../domain/markets.js';

export interface ReviewResult {
  decision: ReviewDecision['decision'];
  rule: string;
  reasonCode?: string;
}

/**
 * Applies the case's market's review policy and records the decision, with the rule, the market and the policy
 * version that produced it. A case an
 * operator already took over (a dispute, or evidence an operator asked for) goes back to an operator.
 */
export async function review(cases: CaseRepository, caseId: string, markets: Markets, now: Date): Promise<ReviewResult> {
  const record = await cases.require(caseId);
  const { code: market, policy, calendar } = markets.of(record);
  const decision: ReviewDecision =
    record.reviewMode === 'manual'
      ? { decision: 'manual', rule: 'manual.operator_review', reasonCode: record.review?.reasonCode ?? 'operator_review' }
      : reviewCase(record, policy, now, calendar.timeZone, calendar);
  const at = now.toISOString();
  const reasonCode = decision.decision === 'reject' || decision.decision === 'manual' ? decision.reasonCode : undefined;
  await cases.update(caseId, {
    status: decision.decision === 'needs_evidence' ? 'awaiting_evidence' : 'in_review',
    waitingFor: '',
    decision: { decision: decision.decision, rule: decision.rule, reasonCode, at, market, policyVersion: policy.version },
    ...(decision.decision === 'approve' && decision.remedy ? { grantedRemedy: decision.remedy } : {}),
    ...(decision.decision === 'reject' ? { outcome: 'rejected' as const } : {}),
    // Lost and delayed claims are decided by the carrier's tracking, not here.
    ...(decision.decision === 'approve' && !CARRIER_TYPES.has(record.type) ? { outcome: 'approved' as const } : {}),
  });
  await cases.appendTimeline(caseId, {
    at,
    actor: 'policy',
    event: `review_${decision.decision}`,
    detail: { rule: decision.rule, market, policyVersion: policy.version, ...(reasonCode ? { reasonCode } : {}) },
  });
  return { decision: decision.decision, rule: decision.rule, ...(reasonCode ? { reasonCode } : {}) };
}

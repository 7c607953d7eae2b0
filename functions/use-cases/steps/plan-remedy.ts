import type { CaseRepository } from '../ports.js';
import type { CaseRecord } from '../../domain/case-record.js';
import type { Remedy, RemedyChoice, TimelineEntry } from '../../domain/case.js';
import { planCompensation, type CompensationPlan } from '../../domain/compensation.js';
import type { Markets } from '../../domain/markets.js';
import type { AftersalesPolicy } from '../../domain/policy.js';

export type RemedyPlanResult =
  | { needsChoice: true; options: RemedyChoice[]; defaultChoice: RemedyChoice }
  | { needsChoice: false; remedy: Remedy; needsReturn: boolean; platformPaysReturnShipping: boolean; advanceExchange: boolean };

/**
 * The compensation an approved case gets, from everything decided so far (shared by plan and compensate). The
 * operator's part is the accepted decision of the review (one per review, functions/use-cases/decide-case.ts);
 * `operator` lets a decision be weighed before it is accepted.
 */
export function compensationFor(
  record: CaseRecord,
  policy: AftersalesPolicy,
  operator = record.operatorDecision?.decision === 'approve' ? { remedy: record.operatorDecision.remedy, amount: record.operatorDecision.amount } : undefined,
): CompensationPlan {
  return planCompensation(record, policy, {
    grantedRemedy: record.grantedRemedy,
    choice: record.choice?.remedy,
    refundTo: record.choice?.refundTo,
    delayWorkingDays: record.carrier?.delayWorkingDays,
    operator,
  });
}

/**
 * Decides the remedy of an approved case: asks the customer first where the policy gives the choice (damaged,
 * lost), and says whether the item must come back before the remedy, or — for customers whose tier gets it — whether
 * an exchange ships ahead of the return. With `applyDefault`, the customer did not answer: the policy's default is
 * recorded as the choice.
 */
export async function planRemedy(deps: { cases: CaseRepository; markets: Markets }, caseId: string, now: Date, applyDefault = false): Promise<RemedyPlanResult> {
  let record = await deps.cases.require(caseId);
  const { code: market, policy } = deps.markets.of(record);
  const choicePolicy = policy.customerChoice[record.type];
  const at = now.toISOString();
  // The default choice and the remedy it leads to are written together (one write of the case item, not two).
  const defaulted = applyDefault && choicePolicy && !record.choice ? { remedy: choicePolicy.default, by: 'default' as const, at } : undefined;
  if (defaulted) record = { ...record, choice: defaulted };
  if (choicePolicy && !record.choice && !record.operatorDecision?.remedy) {
    return { needsChoice: true, options: choicePolicy.options, defaultChoice: choicePolicy.default };
  }
  const plan = compensationFor(record, policy);
  const advanceExchange = plan.remedy === 'exchange' && policy.advanceExchange.tiers.includes(record.tier);
  const replanned = record.remedy !== plan.remedy;
  if (defaulted || replanned) await deps.cases.update(caseId, { ...(defaulted ? { choice: defaulted } : {}), ...(replanned ? { remedy: plan.remedy } : {}) });
  // What was decided goes on the timeline in one write, as it went into the case in one.
  const entries: TimelineEntry[] = [];
  if (defaulted) entries.push({ at, actor: 'policy', event: 'choice_defaulted', detail: { remedy: defaulted.remedy, market, policyVersion: policy.version } });
  if (replanned) {
    entries.push({
      at,
      actor: 'policy',
      event: 'remedy_planned',
      detail: { remedy: plan.remedy, needsReturn: plan.needsReturn, advanceExchange, market, policyVersion: policy.version, ...(plan.rule ? { rule: plan.rule } : {}) },
    });
  }
  if (entries.length > 0) await deps.cases.appendTimeline(caseId, ...entries);
  return { needsChoice: false, remedy: plan.remedy, needsReturn: plan.needsReturn, platformPaysReturnShipping: plan.platformPaysReturnShipping, advanceExchange };
}

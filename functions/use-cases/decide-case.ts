import type { CaseRepository, DecisionPatch, RefundPort, ReviewPort, WaitPort, WorkflowPort } from './ports.js';
import type { CaseRecord, ReviewDecided } from '../domain/case-record.js';
import type { Remedy } from '../domain/case.js';
import { approvalGate, checkApproval, checkerGate, MONEY_REMEDIES, type AmountRefusal } from '../domain/decision-rules.js';
import { concernedLines, valueOf } from '../domain/money.js';
import { operatorActor, type Operator, type OperatorRole } from '../domain/operators.js';
import type { Markets } from '../domain/markets.js';
import type { AftersalesPolicy } from '../domain/policy.js';
import { signal } from './case-signals.js';
import { refundableNow } from './reserve-refund.js';
import { compensationFor } from './steps/plan-remedy.js';

export type OperatorDecision =
  | {
      decision: 'approve' | 'reject' | 'request_evidence';
      /** Why; recorded on the timeline, and shown to the customer for a rejection. */
      reason: string;
      remedy?: Remedy;
      /** An amount in minor units, for money remedies; checked by checkApproval. */
      amount?: unknown;
      /** The amount's currency, if the operator states it: must be the order's. */
      currency?: string;
    }
  | { decision: 'confirm'; reason?: string }
  | { decision: 'reject_proposal'; reason: string };

export type DecideResult =
  | { status: 'accepted'; decision: string; remedy?: Remedy; amount?: number }
  | { status: 'proposed'; amount: number; remedy?: Remedy }
  | { status: 'proposal_rejected' }
  | { status: 'not_found' }
  | { status: 'not_awaiting_review'; caseStatus: string }
  | { status: 'already_decided'; decidedBy: string; decision: string }
  | { status: 'proposal_pending'; proposedBy: string }
  | { status: 'no_proposal' }
  | { status: 'forbidden'; needs: OperatorRole }
  | { status: 'four_eyes' }
  | { status: 'invalid_amount'; reason: AmountRefusal; message: string };

export interface DecideDeps {
  cases: CaseRepository;
  reviews: ReviewPort;
  refunds: RefundPort;
  waits: WaitPort;
  workflow: WorkflowPort;
  /** The case's market: its policy's limits, thresholds and caps weigh the decision, recorded with it. */
  markets: Markets;
}

/**
 * An operator decides a case in review (docs/domain.md "Operators and money"). Exactly one decision per review: it is
 * one conditional write keyed by the review round, and every concurrent or later one is refused with who decided.
 * An approval's money is checked first (checkApproval) and bounded by the operator's role (agent limit); above the
 * four-eyes threshold it is only a proposal, which another supervisor confirms (or rejects). The accepted decision,
 * and only it, resumes the waiting workflow; every action goes on the timeline with the operator's name and role.
 */
export async function decideCase(deps: DecideDeps, caseId: string, input: OperatorDecision, operator: Operator, now: Date): Promise<DecideResult> {
  const record = await deps.cases.get(caseId);
  if (!record) return { status: 'not_found' };
  const refused = refusal(record, input.decision);
  if (refused) return refused;
  const review = record.review!;
  const at = now.toISOString();
  const market = deps.markets.of(record);
  const { policy } = market;
  // Every decision names the rules it was made under.
  const under = { market: market.code, policyVersion: policy.version };

  if (input.decision === 'reject_proposal') {
    const proposal = review.proposal!;
    const checker = checkerGate(operator, proposal.by);
    if (checker.gate !== 'allowed') return checker.gate === 'four_eyes' ? { status: 'four_eyes' } : { status: 'forbidden', needs: checker.needs };
    if (!(await deps.reviews.dropProposal(caseId, review.openedAt, proposal.at, at))) return lostRace(deps, caseId, input.decision);
    await deps.cases.appendTimeline(caseId, {
      at,
      actor: operatorActor(operator),
      event: 'operator_proposal_rejected',
      detail: { role: operator.role, reason: input.reason, proposedBy: proposal.by, amount: proposal.amount, ...(proposal.remedy ? { remedy: proposal.remedy } : {}), ...under },
    });
    return { status: 'proposal_rejected' };
  }

  if (input.decision === 'confirm') {
    const proposal = review.proposal!;
    const checker = checkerGate(operator, proposal.by);
    if (checker.gate !== 'allowed') return checker.gate === 'four_eyes' ? { status: 'four_eyes' } : { status: 'forbidden', needs: checker.needs };
    // What the checker confirms is the proposal's money exactly: a money remedy pays the proposed amount. Money may
    // have moved for the order since the proposal, so the bound is checked again before it becomes the decision.
    const amount =
      proposal.explicitAmount ?? (MONEY_REMEDIES.has(compensationFor(record, policy, { remedy: proposal.remedy, amount: undefined }).remedy) ? proposal.amount : undefined);
    const money = await weigh(deps, record, policy, { remedy: proposal.remedy, amount });
    if (!money.ok) return { status: 'invalid_amount', reason: money.reason, message: money.message };
    const approval = { decision: 'approve' as const, reason: proposal.reason, remedy: proposal.remedy, amount };
    const decided: ReviewDecided = { by: operator.name, role: operator.role, decision: 'approve', at, proposedBy: proposal.by, ...moneyOf(approval) };
    if (!(await deps.reviews.decide(caseId, review.openedAt, decided, patchFor(approval, operator, at, under), proposal.at))) return lostRace(deps, caseId, input.decision);
    await deps.cases.appendTimeline(caseId, {
      at,
      actor: operatorActor(operator),
      event: 'operator_confirmed',
      detail: { role: operator.role, proposedBy: proposal.by, amount: proposal.amount, ...(proposal.remedy ? { remedy: proposal.remedy } : {}), ...under },
    });
    await signal(deps, caseId, 'manual_review', { signal: 'approve' });
    return { status: 'accepted', decision: 'approve', ...moneyOf(approval) };
  }

  if (input.decision === 'approve') {
    const money = await weigh(deps, record, policy, input);
    if (!money.ok) return { status: 'invalid_amount', reason: money.reason, message: money.message };
    const gate = approvalGate(operator, money.atStake, policy);
    if (gate.gate === 'forbidden') return { status: 'forbidden', needs: gate.needs };
    if (gate.gate === 'propose') {
      const amount = input.amount as number | undefined;
      const proposal = {
        by: operator.name,
        role: operator.role,
        reason: input.reason,
        amount: money.atStake,
        at,
        ...(input.remedy ? { remedy: input.remedy } : {}),
        ...(amount !== undefined ? { explicitAmount: amount } : {}),
      };
      if (!(await deps.reviews.propose(caseId, review.openedAt, proposal))) return lostRace(deps, caseId, input.decision);
      await deps.cases.appendTimeline(caseId, {
        at,
        actor: operatorActor(operator),
        event: 'operator_proposed',
        detail: { role: operator.role, reason: input.reason, amount: money.atStake, ...(input.remedy ? { remedy: input.remedy } : {}), ...under },
      });
      return { status: 'proposed', amount: money.atStake, ...(input.remedy ? { remedy: input.remedy } : {}) };
    }
  }

  const decided: ReviewDecided = { by: operator.name, role: operator.role, decision: input.decision, at, ...moneyOf(input) };
  if (!(await deps.reviews.decide(caseId, review.openedAt, decided, patchFor(input, operator, at, under)))) return lostRace(deps, caseId, input.decision);
  await deps.cases.appendTimeline(caseId, {
    at,
    actor: operatorActor(operator),
    event: `operator_${input.decision}`,
    detail: { role: operator.role, reason: input.reason, ...moneyOf(input), ...under },
  });
  await signal(deps, caseId, 'manual_review', { signal: input.decision });
  return { status: 'accepted', decision: input.decision, ...moneyOf(input) };
}

type Decision = OperatorDecision['decision'];

/** Why this decision cannot be taken on the case as it stands, if it cannot. */
function refusal(record: CaseRecord, decision: Decision): DecideResult | undefined {
  const review = record.review;
  if (review?.decided) return { status: 'already_decided', decidedBy: review.decided.by, decision: review.decided.decision };
  if (record.status !== 'awaiting_review' || !review) return { status: 'not_awaiting_review', caseStatus: record.status };
  const proposing = decision === 'confirm' || decision === 'reject_proposal';
  if (proposing && !review.proposal) return { status: 'no_proposal' };
  if (!proposing && review.proposal) return { status: 'proposal_pending', proposedBy: review.proposal.by };
  return undefined;
}

/** Someone else's write came first: read what it was and say so. */
async function lostRace(deps: DecideDeps, caseId: string, decision: Decision): Promise<DecideResult> {
  const record = await deps.cases.require(caseId);
  return refusal(record, decision) ?? { status: 'not_awaiting_review', caseStatus: record.status };
}

/** The approval's money, checked: what it would pay (or ship) against the order's bound and the remedy's rule. */
async function weigh(deps: DecideDeps, record: CaseRecord, policy: AftersalesPolicy, input: { remedy?: Remedy; amount?: unknown; currency?: string }) {
  const amount = typeof input.amount === 'number' && Number.isSafeInteger(input.amount) && input.amount > 0 ? input.amount : undefined;
  const plan = compensationFor(record, policy, { remedy: input.remedy, amount });
  const bound = await refundableNow(deps.refunds, record);
  const goodsValue = valueOf(concernedLines(record.orderItems, record.items));
  return checkApproval({ remedy: plan.remedy, amount: input.amount, currency: input.currency, plannedAmount: plan.amount, goodsValue }, record.currency, policy, bound);
}

function moneyOf(input: { remedy?: Remedy; amount?: unknown }): { remedy?: Remedy; amount?: number } {
  return { ...(input.remedy ? { remedy: input.remedy } : {}), ...(typeof input.amount === 'number' ? { amount: input.amount } : {}) };
}

/** What an accepted decision sets on the case: the operator's decision (what is paid comes from it) and the outcome. */
function patchFor(
  input: { decision: 'approve' | 'reject' | 'request_evidence'; reason: string; remedy?: Remedy; amount?: unknown },
  operator: Operator,
  at: string,
  under: { market: string; policyVersion: string },
): DecisionPatch {
  const { decision, reason } = input;
  return {
    operatorDecision: { decision, reason, ...moneyOf(input), operator: operator.name, at },
    decision: {
      decision: decision === 'request_evidence' ? 'needs_evidence' : decision,
      rule: 'operator',
      at,
      by: operator.name,
      reason,
      ...under,
      ...(decision === 'reject' ? { reasonCode: 'manual_rejected' } : {}),
    },
    ...(decision === 'approve' ? { outcome: 'approved' as const } : {}),
    ...(decision === 'reject' ? { outcome: 'rejected' as const } : {}),
    ...(decision === 'request_evidence' ? { reviewMode: 'manual' as const } : {}),
  };
}

import type { CaseFacts, MinorUnits, Remedy } from './case.js';
import { concernedLines, mergeOrderLines, valueOf } from './money.js';
import type { Operator, OperatorRole } from './operators.js';
import type { AftersalesPolicy } from './policy.js';

/**
 * The money rules of an operator decision (docs/domain.md "Operators and money"), pure: what may still be paid for a
 * case's items, whether an amount is acceptable for a remedy, and who may approve how much.
 */

/** Remedies that pay money; the others ship goods (or repair them) and take no amount. */
export const MONEY_REMEDIES: ReadonlySet<Remedy> = new Set(['refund', 'partial_refund', 'coupon', 'delay_subsidy']);

/** One money instruction already issued for an order (refund, partial refund, coupon, subsidy), by instruction key. */
export interface RefundEntry {
  caseId: string;
  amount: MinorUnits;
  currency: string;
  /** The SKUs the instruction paid for. */
  skus: string[];
  at: string;
}

/**
 * What may still be paid for the case's items: their value, and never more than what the order paid for those SKUs
 * less every money instruction already issued for any of them. An earlier instruction that covered other SKUs too
 * counts up to the value of the overlap (the most of it that can have been for these SKUs), so the bound errs low.
 * `exceptKey`: the instruction being (re)issued itself, so a retried step does not count its own reservation.
 */
export function refundableBound(facts: Pick<CaseFacts, 'orderItems' | 'items'>, entries: Record<string, RefundEntry>, exceptKey?: string): MinorUnits {
  const lines = concernedLines(facts.orderItems, facts.items);
  const skus = new Set(lines.map((line) => line.sku));
  const orderLines = mergeOrderLines(facts.orderItems);
  const paidFor = (within: (sku: string) => boolean) => valueOf(orderLines.filter((line) => within(line.sku)));
  const refunded = Object.entries(entries)
    .filter(([key]) => key !== exceptKey)
    .reduce(
      (sum, [, entry]) =>
        sum +
        Math.min(
          entry.amount,
          paidFor((sku) => skus.has(sku) && entry.skus.includes(sku)),
        ),
      0,
    );
  return Math.max(0, Math.min(valueOf(lines), paidFor((sku) => skus.has(sku)) - refunded));
}

export type AmountRefusal =
  | 'not_positive_integer'
  | 'currency_mismatch'
  | 'not_a_money_remedy'
  | 'amount_required'
  | 'above_subsidy_cap'
  | 'above_refundable'
  | 'nothing_left_to_refund';

export interface ApprovalInput {
  /** The remedy the approval leads to (the operator's, or the one the plan gives). */
  remedy: Remedy;
  /** The operator's amount as sent (checked here), if any. */
  amount?: unknown;
  currency?: string;
  /** What the plan pays without an explicit amount (money remedies). */
  plannedAmount?: MinorUnits;
  /** The value of the case's items: what a reship, exchange or repair puts at stake. */
  goodsValue: MinorUnits;
}

export type ApprovalCheck = { ok: true; atStake: MinorUnits } | { ok: false; reason: AmountRefusal; message: string };

/**
 * Whether an approval's amount is acceptable, before anything moves: a positive integer in the order's currency,
 * only for a money remedy, a delay subsidy within the policy's cap, never above `bound` (refundableBound). Without an
 * explicit amount, what the plan would pay (capped by the bound, as the compensate step caps it) is at stake.
 */
export function checkApproval(input: ApprovalInput, orderCurrency: string, policy: AftersalesPolicy, bound: MinorUnits): ApprovalCheck {
  const refuse = (reason: AmountRefusal, message: string): ApprovalCheck => ({ ok: false, reason, message });
  const { amount, remedy } = input;
  if (amount !== undefined && !(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0)) {
    return refuse('not_positive_integer', 'The amount must be a whole number of minor units (fen, cents) above 0.');
  }
  if (input.currency !== undefined && input.currency !== orderCurrency) {
    return refuse('currency_mismatch', `The order was paid in ${orderCurrency}; amounts are in its currency.`);
  }
  if (!MONEY_REMEDIES.has(remedy)) {
    if (amount !== undefined)
      return refuse('not_a_money_remedy', `The remedy ${remedy} ships goods and takes no amount; name a money remedy (refund, partial_refund, coupon, delay_subsidy) to pay one.`);
    return { ok: true, atStake: input.goodsValue };
  }
  if (amount === undefined && remedy === 'coupon') return refuse('amount_required', 'A coupon needs an amount.');
  const pays = (amount as number | undefined) ?? input.plannedAmount ?? 0;
  if (remedy === 'delay_subsidy' && pays > policy.delaySubsidy.cap) {
    return refuse('above_subsidy_cap', `A delay subsidy is at most ${policy.delaySubsidy.cap} (policy ${policy.version}).`);
  }
  if (bound <= 0) return refuse('nothing_left_to_refund', 'Everything the order paid for these items has already been refunded or compensated.');
  if (amount !== undefined && pays > bound) {
    return refuse('above_refundable', `At most ${bound} can still be paid for the items of this case (what the order paid for them, less what was already refunded).`);
  }
  return { ok: true, atStake: Math.min(pays, bound) };
}

export type ApprovalGate = { gate: 'decide' } | { gate: 'propose' } | { gate: 'forbidden'; needs: OperatorRole };

/**
 * Who may approve how much: an agent up to the policy's agent limit; above the four-eyes threshold an approval is
 * only a proposal, which a second supervisor confirms (the agent limit never exceeds that threshold, parsePolicy).
 */
export function approvalGate(operator: Operator, atStake: MinorUnits, policy: AftersalesPolicy): ApprovalGate {
  const { agentLimit, secondApprovalAbove } = policy.manualReview;
  if (operator.role !== 'supervisor' && atStake > agentLimit) return { gate: 'forbidden', needs: 'supervisor' };
  if (operator.role !== 'supervisor') return operator.role === 'agent' ? { gate: 'decide' } : { gate: 'forbidden', needs: 'agent' };
  return atStake > secondApprovalAbove ? { gate: 'propose' } : { gate: 'decide' };
}

export type CheckerGate = { gate: 'allowed' } | { gate: 'forbidden'; needs: OperatorRole } | { gate: 'four_eyes' };

/** Confirming or rejecting a proposal: a supervisor, and never the one who proposed it. */
export function checkerGate(operator: Operator, proposedBy: string): CheckerGate {
  if (operator.role !== 'supervisor') return { gate: 'forbidden', needs: 'supervisor' };
  return operator.name === proposedBy ? { gate: 'four_eyes' } : { gate: 'allowed' };
}

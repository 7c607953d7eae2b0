import type { CaseFacts, MinorUnits, Remedy, RemedyChoice } from './case.js';
import { concernedLines, valueOf } from './money.js';
import type { AftersalesPolicy } from './policy.js';

/** One instruction to the order platform; `kind` is what its API accepts. */
export interface CompensationPlan {
  remedy: Remedy;
  kind: 'refund' | 'reship' | 'coupon';
  amount?: MinorUnits;
  currency?: string;
  items?: Array<{ sku: string; quantity: number }>;
  refundTo?: 'original_payment' | 'store_balance';
  /** The item comes back to the service center first. */
  needsReturn: boolean;
  /** The platform pays the return shipping (a prepaid label), recorded as a cost. */
  platformPaysReturnShipping: boolean;
  /** What the remedy costs the platform: money paid out, or the value of goods shipped again. */
  cost: MinorUnits;
  /** The policy rule that set `needsReturn`, where a market's law has one (a withdrawal's refund: policy `withdrawal`). */
  rule?: string;
}

export interface RemedyInputs {
  /** What the review rule granted (quality: refund, exchange or repair by window). */
  grantedRemedy?: Remedy;
  /** What the customer chose, where the policy gives the choice. */
  choice?: RemedyChoice;
  refundTo?: 'original_payment' | 'store_balance';
  delayWorkingDays?: number;
  /** An operator's decision overrides the remedy and, for money, the amount. */
  operator?: { remedy?: Remedy; amount?: MinorUnits };
}

/**
 * The remedy of an approved case (docs/domain.md "Compensation"), from its type, the review's grant, the customer's
 * choice and an operator's override. Refunds go to the original payment method unless the customer asked for
 * store balance; replacements and repaired items are reshipped; a delay earns a tiered, capped subsidy.
 */
export function planCompensation(facts: CaseFacts, policy: AftersalesPolicy, inputs: RemedyInputs = {}): CompensationPlan {
  const lines = concernedLines(facts.orderItems, facts.items);
  const items = lines.map(({ sku, quantity }) => ({ sku, quantity }));
  const goodsValue = valueOf(lines);
  const platformPays = policy.returnShipping.platformPays.includes(facts.type);
  // Without the customer's answer the policy's default choice stands, for the remedy and for the return alike.
  const choice = inputs.choice ?? policy.customerChoice[facts.type]?.default;
  const remedy = inputs.operator?.remedy ?? remedyFor(facts, choice, inputs.grantedRemedy);

  const refund = (amount: MinorUnits, needsReturn: boolean): CompensationPlan => ({
    remedy,
    kind: 'refund',
    amount,
    currency: facts.currency,
    refundTo: inputs.refundTo ?? 'original_payment',
    needsReturn,
    platformPaysReturnShipping: needsReturn && platformPays,
    cost: amount,
  });
  const reship = (needsReturn: boolean): CompensationPlan => ({
    remedy,
    kind: 'reship',
    items,
    needsReturn,
    platformPaysReturnShipping: needsReturn && platformPays,
    cost: goodsValue,
  });
  const money = (amount: MinorUnits): CompensationPlan => ({
    remedy,
    kind: 'coupon',
    amount,
    currency: facts.currency,
    needsReturn: false,
    platformPaysReturnShipping: false,
    cost: amount,
  });

  switch (remedy) {
    case 'refund': {
      const amount = inputs.operator?.amount ?? goodsValue;
      // A statutory withdrawal (EU) is refunded when the item is back, or earlier if the market's policy says so.
      if (facts.type === 'return' && policy.withdrawal) {
        const awaits = policy.withdrawal.refundAwaitsReturn;
        return { ...refund(amount, awaits), rule: awaits ? 'withdrawal.refund_awaits_return' : 'withdrawal.refund_before_return' };
      }
      // A damaged item kept by the customer (choice "refund") or a lost parcel is refunded without a return.
      const needsReturn = facts.type === 'damaged' ? choice === 'return' : facts.type !== 'lost';
      return refund(amount, needsReturn);
    }
    case 'partial_refund':
      return refund(inputs.operator?.amount ?? goodsValue, false);
    case 'exchange':
      return reship(true);
    case 'repair':
      return { ...reship(true), cost: 0 };
    case 'reship':
      return reship(false);
    case 'delay_subsidy':
      return money(inputs.operator?.amount ?? delaySubsidy(inputs.delayWorkingDays ?? 0, policy));
    case 'coupon':
      return money(inputs.operator?.amount ?? 0);
  }
}

function remedyFor(facts: CaseFacts, choice: RemedyChoice | undefined, grantedRemedy: Remedy | undefined): Remedy {
  switch (facts.type) {
    case 'damaged':
      return choice === 'exchange' ? 'exchange' : 'refund';
    case 'lost':
      return choice === 'refund' ? 'refund' : 'reship';
    case 'delayed':
      return 'delay_subsidy';
    case 'return':
      return 'refund';
    case 'exchange':
      return 'exchange';
    case 'repair':
      return 'repair';
    case 'quality':
      return grantedRemedy ?? 'refund';
    case 'missing_part':
      return 'reship';
  }
}

/** Sum over each working day late of the tier's daily amount, capped (003 §3.2). */
export function delaySubsidy(workingDaysLate: number, policy: AftersalesPolicy): MinorUnits {
  let total = 0;
  for (let day = 1; day <= workingDaysLate; day += 1) {
    const tier = [...policy.delaySubsidy.tiers].reverse().find((t) => t.fromDay <= day);
    total += tier?.perDay ?? 0;
  }
  return Math.min(total, policy.delaySubsidy.cap);
}

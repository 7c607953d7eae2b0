import type { CaseFacts, MinorUnits, Remedy } from './case.js';
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
  /** Return shipping the platform pays for (damaged/quality), recorded as a cost. */
  platformPaysReturnShipping: boolean;
}

/**
 * The default remedy per case type (DOMAIN.md "Compensation"): refunds to the original payment method,
 * replacements and repaired items reshipped, a delay subsidy as a capped per-working-day coupon.
 */
export function planCompensation(facts: CaseFacts, policy: AftersalesPolicy, delayWorkingDays = 0): CompensationPlan {
  const lines = concernedLines(facts.orderItems, facts.items);
  const items = lines.map(({ sku, quantity }) => ({ sku, quantity }));
  const refund = (remedy: Remedy, platformPaysReturnShipping: boolean): CompensationPlan => ({
    remedy,
    kind: 'refund',
    amount: valueOf(lines),
    currency: facts.currency,
    refundTo: 'original_payment',
    platformPaysReturnShipping,
  });
  switch (facts.type) {
    case 'return':
      return refund('refund', false);
    case 'quality':
      return refund('refund', true);
    case 'damaged':
      return refund('refund', true);
    case 'exchange':
      return { remedy: 'exchange', kind: 'reship', items, platformPaysReturnShipping: false };
    case 'repair':
      return { remedy: 'repair', kind: 'reship', items, platformPaysReturnShipping: false };
    case 'lost':
      return { remedy: 'reship', kind: 'reship', items, platformPaysReturnShipping: false };
    case 'missing_part':
      return { remedy: 'reship', kind: 'reship', items, platformPaysReturnShipping: false };
    case 'delayed': {
      const amount = Math.min(delayWorkingDays * policy.delaySubsidy.perWorkingDay, policy.delaySubsidy.cap);
      return { remedy: 'delay_subsidy', kind: 'coupon', amount, currency: facts.currency, platformPaysReturnShipping: false };
    }
  }
}

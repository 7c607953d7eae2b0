import type { CaseFacts, ReviewDecision } from './case.js';
import type { AftersalesPolicy } from './policy.js';
import { calendarDaysBetween } from './working-days.js';

/**
 * The review decision for a case, from policy alone (000 §4.1, 002 §3, 003 §3). Pure: `now` and the policy are
 * passed in. Every decision names the rule that produced it; the rule id is shown on the timeline and explained
 * in the customer's notice. Windows are counted in calendar days from the local day of delivery
 * ("自签收次日起七日内": the day after delivery is day 1).
 */
export function reviewCase(facts: CaseFacts, policy: AftersalesPolicy, now: Date, timeZone: string): ReviewDecision {
  const w = policy.windows;
  const delivered = facts.shipment.deliveredAt ? new Date(facts.shipment.deliveredAt) : undefined;
  const daysSinceDelivery = delivered ? calendarDaysBetween(delivered, now, timeZone) : undefined;
  const within = (days: number) => daysSinceDelivery !== undefined && daysSinceDelivery <= days;

  switch (facts.type) {
    case 'return': {
      if (daysSinceDelivery === undefined) return reject('return.requires_delivery', 'not_delivered');
      const excluded = facts.orderItems.some(
        (item) => concerns(facts, item.sku) && policy.noReasonExcludedCategories.includes(item.category),
      );
      if (excluded) return reject('return.excluded_category', 'category_excluded');
      if (!within(w.noReasonReturnDays)) return reject('return.no_reason_window', 'window_expired');
      return approve('return.no_reason_window');
    }
    case 'quality':
      if (daysSinceDelivery === undefined) return reject('quality.requires_delivery', 'not_delivered');
      if (!within(w.qualityExchangeDays)) return reject('quality.window', 'window_expired');
      return approve('quality.window');
    case 'exchange':
      if (daysSinceDelivery === undefined) return reject('exchange.requires_delivery', 'not_delivered');
      if (!within(w.exchangeDays)) return reject('exchange.window', 'window_expired');
      return approve('exchange.window');
    case 'repair':
      if (daysSinceDelivery === undefined) return reject('repair.requires_delivery', 'not_delivered');
      if (!within(w.warrantyDays)) return reject('repair.warranty', 'warranty_expired');
      return approve('repair.warranty');
    case 'damaged':
      if (daysSinceDelivery === undefined) return reject('damaged.requires_delivery', 'not_delivered');
      if (!within(w.damagedReportDays)) return reject('damaged.report_window', 'window_expired');
      if (!facts.evidence.some((e) => e.kind === 'photo')) {
        return { decision: 'needs_evidence', rule: 'damaged.photo_required', what: 'photo' };
      }
      return approve('damaged.photo_and_window');
    case 'missing_part':
      if (daysSinceDelivery === undefined) return reject('missing_part.requires_delivery', 'not_delivered');
      if (!within(w.missingPartReportDays)) return reject('missing_part.report_window', 'window_expired');
      return approve('missing_part.report_window');
    case 'lost':
      // Eligible to investigate; the carrier lookup confirms or refutes the loss before anything is paid.
      if (delivered) return reject('lost.marked_delivered', 'carrier_delivered');
      return approve('lost.pending_carrier');
    case 'delayed':
      return approve('delayed.pending_carrier');
  }
}

function concerns(facts: CaseFacts, sku: string): boolean {
  return facts.items.length === 0 || facts.items.some((item) => item.sku === sku);
}

const approve = (rule: string): ReviewDecision => ({ decision: 'approve', rule });
const reject = (rule: string, reasonCode: string): ReviewDecision => ({ decision: 'reject', rule, reasonCode });

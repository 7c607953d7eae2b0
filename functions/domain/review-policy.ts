import type { CaseFacts, Remedy, ReviewDecision } from './case.js';
import { concernedLines, valueOf } from './money.js';
import type { AftersalesPolicy } from './policy.js';
import { addCalendarDays, CalendarDataMissing, calendarDaysBetween, localDateOf, type WorkingDayCalendar } from './working-days.js';

/** Reasons that point to a defect rather than a change of mind: a late "no-reason" return then deserves a person. */
const DEFECT_REASONS = new Set(['defective', 'quality', 'not_as_described', 'damaged', 'broken']);

/**
 * The review decision for a case, from policy alone (000 §4.1, 001 §3.2, 002 §3, 003 §3). Pure: `now` and the
 * policy are passed in. Windows are counted in calendar days from the local day of delivery ("自签收次日起七日内":
 * the day after delivery is day 1). Clear cases are approved or rejected; unclear ones, and any whose payout could
 * exceed the policy's threshold, go to an operator (`manual`). Every decision names the rule that produced it.
 */
export function reviewCase(facts: CaseFacts, policy: AftersalesPolicy, now: Date, timeZone: string, calendar?: WorkingDayCalendar): ReviewDecision {
  const decision = eligibility(facts, policy, now, timeZone, calendar);
  if (decision.decision !== 'approve') return decision;
  if (exposure(facts, policy) > policy.manualReview.approvalThreshold) {
    return { decision: 'manual', rule: 'manual.above_approval_threshold', reasonCode: 'high_value' };
  }
  return decision;
}

function eligibility(facts: CaseFacts, policy: AftersalesPolicy, now: Date, timeZone: string, calendar?: WorkingDayCalendar): ReviewDecision {
  const w = policy.windows;
  const delivered = facts.shipment.deliveredAt ? new Date(facts.shipment.deliveredAt) : undefined;
  const age = delivered ? calendarDaysBetween(delivered, now, timeZone) : undefined;
  const within = (days: number) => age !== undefined && age <= days;
  // Types that concern a delivered item: without a delivery record an operator checks with the carrier.
  const needsDelivery = facts.type !== 'lost' && facts.type !== 'delayed';
  if (needsDelivery && age === undefined) return manual(`${facts.type}.no_delivery_record`, 'no_delivery_record');

  switch (facts.type) {
    case 'return': {
      const excluded = facts.orderItems.some((item) => concerns(facts, item.sku) && policy.noReasonExcludedCategories.includes(item.category));
      // The exclusion covers returns without a reason; a defect in such an item is a quality matter for a person.
      if (excluded && DEFECT_REASONS.has(facts.reason)) return manual('return.excluded_category_with_defect', 'possible_quality_issue');
      if (excluded) return reject('return.excluded_category', 'category_excluded');
      const noReasonDays =
        policy.withdrawal?.periodEndsOnWorkingDay && calendar && delivered ? endingOnWorkingDay(delivered, w.noReasonReturnDays, calendar) : w.noReasonReturnDays;
      if (within(noReasonDays)) return approve('return.no_reason_window', 'refund');
      if (DEFECT_REASONS.has(facts.reason)) return manual('return.late_with_defect_reason', 'possible_quality_issue');
      return reject('return.no_reason_window', 'window_expired');
    }
    case 'quality':
      if (within(w.qualityReturnDays)) return approve('quality.return_window', 'refund');
      if (within(w.qualityExchangeDays)) return approve('quality.exchange_window', 'exchange');
      if (within(w.warrantyDays)) return approve('quality.warranty', 'repair');
      return reject('quality.warranty', 'warranty_expired');
    case 'exchange':
      return within(w.exchangeDays) ? approve('exchange.window', 'exchange') : reject('exchange.window', 'window_expired');
    case 'repair':
      return within(w.warrantyDays) ? approve('repair.warranty', 'repair') : reject('repair.warranty', 'warranty_expired');
    case 'damaged':
      if (!within(w.damagedReportDays)) return reject('damaged.report_window', 'window_expired');
      if (!facts.evidence.some((e) => e.kind === 'photo')) return { decision: 'needs_evidence', rule: 'damaged.photo_required', what: 'photo' };
      return approve('damaged.photo_and_window');
    case 'missing_part':
      return within(w.missingPartReportDays) ? approve('missing_part.report_window', 'reship') : reject('missing_part.report_window', 'window_expired');
    case 'lost':
      // Eligible to investigate; the carrier confirms or refutes the loss before anything is paid (002 §4.1).
      if (delivered) return reject('lost.marked_delivered', 'carrier_delivered');
      return approve('lost.pending_carrier');
    case 'delayed':
      return approve('delayed.pending_carrier', 'delay_subsidy');
  }
}

/**
 * A window of `days` after the local day of delivery, lengthened while its last day is no working day (a weekend or
 * public holiday: policy `withdrawal.periodEndsOnWorkingDay`). A calendar that cannot tell leaves it as it is.
 */
function endingOnWorkingDay(delivered: Date, days: number, calendar: WorkingDayCalendar): number {
  const deliveryDay = localDateOf(delivered, calendar.timeZone);
  let total = days;
  try {
    while (total < days + 14 && !calendar.isWorkingDay(addCalendarDays(deliveryDay, total))) total += 1;
  } catch (error) {
    if (!(error instanceof CalendarDataMissing)) throw error;
    return days;
  }
  return total;
}

/** The most the case could cost: the concerned items' value, or the capped subsidy for a delay. */
export function exposure(facts: CaseFacts, policy: AftersalesPolicy): number {
  if (facts.type === 'delayed') return policy.delaySubsidy.cap;
  return valueOf(concernedLines(facts.orderItems, facts.items));
}

function concerns(facts: CaseFacts, sku: string): boolean {
  return facts.items.length === 0 || facts.items.some((item) => item.sku === sku);
}

const approve = (rule: string, remedy?: Remedy): ReviewDecision => ({ decision: 'approve', rule, ...(remedy ? { remedy } : {}) });
const reject = (rule: string, reasonCode: string): ReviewDecision => ({ decision: 'reject', rule, reasonCode });
const manual = (rule: string, reasonCode: string): ReviewDecision => ({ decision: 'manual', rule, reasonCode });

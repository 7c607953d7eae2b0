import { optional } from './config.js';
import { calendarFor, type MarketCalendar } from './domain/market-calendar.js';
import type { AftersalesPolicy } from './domain/policy.js';
import { loadPolicy } from './policies/index.js';
import { logger } from './wiring/logging.js';

/**
 * The market's policy and working-day calendar, for the functions that use them. The other builders are one module
 * per capability under functions/wiring/ (logging, stores, queues, workflow, alerts, secrets, metrics), so a function
 * bundles only the adapters it builds: importing this module brings the policy and calendar data with it.
 */

/** The market's after-sales policy (POLICY_MARKET, default CN), validated at cold start. */
export function marketPolicy(): AftersalesPolicy {
  return loadPolicy(optional('POLICY_MARKET'));
}

/** How long before the calendar's data ends a cold start warns (the next year must be added to the policy by then). */
const CALENDAR_WARNING_DAYS = 60;

/**
 * The market's working-day calendar (the policy's market, with the years the policy adds). After its published data
 * it predicts by rule (due dates are then provisional) up to a horizon, and fails loudly beyond; so that neither comes
 * as a surprise, a cold start within 60 days of the end of the published data logs a warning.
 */
export function marketCalendar(policy: AftersalesPolicy = marketPolicy(), now = new Date()): MarketCalendar {
  const calendar = calendarFor(policy);
  const endsIn = (Date.parse(`${calendar.covers.to}T00:00:00Z`) - now.getTime()) / 86_400_000;
  if (endsIn < CALENDAR_WARNING_DAYS) {
    logger.warn('working-day calendar data ends soon: due dates after it are provisional; add the next year to the market policy (docs/sla.md)', {
      market: policy.market,
      calendarEndsOn: calendar.covers.to,
      provisionalThrough: calendar.provisionalThrough,
      daysLeft: Math.floor(endsIn),
    });
  }
  return calendar;
}

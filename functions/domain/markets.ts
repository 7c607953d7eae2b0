import { calendarFor, type CalendarFactory, type MarketCalendar } from './market-calendar.js';
import { marketsBuiltBy, type MarketPolicies, type MarketPolicy } from './market-policies.js';
import type { AftersalesPolicy } from './policy.js';

// The markets without calendars (and the intake's catalog) are in market-policies.ts, which imports no calendar: a
// function that needs only policies and zones bundles none.
export { createMarketPolicies, marketCatalog, type MarketCatalog, type MarketPolicies, type MarketPolicy } from './market-policies.js';

/** A market a case can be decided under: its after-sales policy and its working-day calendar. */
export interface Market extends MarketPolicy {
  readonly calendar: MarketCalendar;
}

/** What a deployment ships: a policy per market code, and a calendar factory per market code. */
export interface MarketRegistry {
  readonly policies: Readonly<Record<string, AftersalesPolicy>>;
  readonly calendars: Readonly<Record<string, CalendarFactory>>;
}

/**
 * The markets of one deployment. A case's market is its `market` (order.market), or the deployment's default market
 * for a case without one. Each market's policy is validated and its calendar built once, on first use.
 */
export interface Markets extends MarketPolicies {
  /** The market, `code` absent = the default market; throws for a market the deployment has no policy for. */
  market(code?: string): Market;
  /** The market a case is decided under: its own, or the default market for a case opened before markets existed. */
  of(record: { market?: string }): Market;
}

/**
 * The deployment's markets. The default market is built at once, so a deployment whose default market has no valid
 * policy or calendar fails at cold start; `onBuilt` sees each market once when it is first built (the calendar-end
 * warning). Pure: the registry, the default and the hook are given.
 */
export function createMarkets(registry: MarketRegistry, defaultMarket: string, onBuilt: (market: Market) => void = () => undefined): Markets {
  return marketsBuiltBy(registry.policies, defaultMarket, (code, policy) => {
    const calendar = calendarFor(policy, registry.calendars);
    const entry: Market = { code, policy, timeZone: calendar.timeZone, calendar };
    onBuilt(entry);
    return entry;
  });
}

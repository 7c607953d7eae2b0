import { createMarkets, marketCatalog, type Market, type MarketCatalog, type Markets } from './domain/markets.js';
import { MARKET_REGISTRY, POLICIES } from './policies/index.js';
import { logger } from './wiring/logging.js';

/**
 * The deployment's markets: each one's policy and working-day calendar, for the functions that use them. The other
 * builders are one module per capability under functions/wiring/ (logging, stores, queues, workflow, alerts, secrets,
 * metrics), so a function bundles only the adapters it builds: importing this module brings the policy and calendar
 * data with it.
 */

/** How long before a calendar's data ends a cold start warns (the next year must be added to the policy by then). */
const CALENDAR_WARNING_DAYS = 60;

/**
 * A market's working-day calendar predicts by rule after its published data (due dates are then provisional) up to a
 * horizon, and fails loudly beyond; so that neither comes as a surprise, the first use of a market's calendar in a cold
 * start within 60 days of the end of its published data logs a warning.
 */
export function warnIfCalendarEndsSoon(market: Pick<Market, 'code' | 'calendar'>, now = new Date()): void {
  const { calendar } = market;
  const endsIn = (Date.parse(`${calendar.covers.to}T00:00:00Z`) - now.getTime()) / 86_400_000;
  if (endsIn < CALENDAR_WARNING_DAYS) {
    logger.warn('working-day calendar data ends soon: due dates after it are provisional; add the next year to the market policy (docs/sla.md)', {
      market: market.code,
      calendarEndsOn: calendar.covers.to,
      provisionalThrough: calendar.provisionalThrough,
      daysLeft: Math.floor(endsIn),
    });
  }
}

/** The part of a function's configuration about markets: the market of a case that names none (default CN). */
export interface MarketsConfig {
  readonly POLICY_MARKET: string;
}

/**
 * The deployment's markets and their currencies, nothing built: what the webhook intake checks an order against. From
 * the policies alone (not MARKET_REGISTRY, which names every market's calendar factory), so the intake's bundle has no
 * calendar code or holiday data.
 */
export function knownMarkets(config: MarketsConfig): MarketCatalog {
  return marketCatalog({ policies: POLICIES }, config.POLICY_MARKET);
}

/** Built once per cold start and default market (functions sharing a process locally share the built markets). */
const deploymentMarkets = new Map<string, Markets>();
/**
 * The deployment's markets (docs/operations.md "Markets"): each case is decided under its own market's policy and
 * calendar (`order.market`), a case without one under the default market, POLICY_MARKET (default CN). Built once per
 * cold start; the default market's policy is validated at once, so a wrong one stops the function at start.
 */
export function markets(config: MarketsConfig): Markets {
  let built = deploymentMarkets.get(config.POLICY_MARKET);
  if (!built) {
    built = createMarkets(MARKET_REGISTRY, config.POLICY_MARKET, (market) => warnIfCalendarEndsSoon(market));
    deploymentMarkets.set(config.POLICY_MARKET, built);
  }
  return built;
}

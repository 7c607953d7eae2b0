import { calendarFor, type CalendarFactory, type MarketCalendar } from './market-calendar.js';
import { assertDefaultMarketKnown } from './default-market.js';
import { parsePolicy, type AftersalesPolicy } from './policy.js';

/** A market a case can be decided under: its after-sales policy and its working-day calendar. */
export interface Market {
  readonly code: string;
  readonly policy: AftersalesPolicy;
  readonly calendar: MarketCalendar;
}

/** What a deployment ships: a policy per market code, and a calendar factory per market code. */
export interface MarketRegistry {
  readonly policies: Readonly<Record<string, AftersalesPolicy>>;
  readonly calendars: Readonly<Record<string, CalendarFactory>>;
}

/** What the intake checks an order against: the markets a deployment has a policy for, and their currencies, nothing built. */
export type MarketCatalog = Pick<Markets, 'defaultMarket' | 'codes' | 'knows' | 'currencyOf'>;

export function marketCatalog(registry: Pick<MarketRegistry, 'policies'>, defaultMarket: string): MarketCatalog {
  const knows = (code: string) => Object.hasOwn(registry.policies, code);
  assertDefaultMarketKnown(registry.policies, defaultMarket);
  const currencyOf = (code: string = defaultMarket) => {
    if (!knows(code)) throw new Error(`no after-sales policy for market ${code}`);
    return registry.policies[code]!.currency;
  };
  return { defaultMarket, codes: Object.keys(registry.policies).sort(), knows, currencyOf };
}

/**
 * The markets of one deployment. A case's market is its `market` (order.market), or the deployment's default market
 * for a case without one. Each market's policy is validated and its calendar built once, on first use.
 */
export interface Markets {
  readonly defaultMarket: string;
  /** The market codes this deployment has a policy for, sorted. */
  readonly codes: readonly string[];
  knows(code: string): boolean;
  /** The currency the market's policy counts money in (its thresholds, caps and costs); `code` absent = the default market. */
  currencyOf(code?: string): string;
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
  const built = new Map<string, Market>();
  const { codes, knows } = marketCatalog(registry, defaultMarket);
  const market = (code: string = defaultMarket): Market => {
    const cached = built.get(code);
    if (cached) return cached;
    if (!knows(code)) throw new Error(`no after-sales policy for market ${code}; known: ${codes.join(', ')}`);
    const policy = parsePolicy(registry.policies[code]);
    // A policy filed under another market's code would decide that market's cases by the wrong law.
    if (policy.market !== code) throw new Error(`the policy registered for market ${code} is for market ${policy.market}`);
    const entry: Market = { code, policy, calendar: calendarFor(policy, registry.calendars) };
    built.set(code, entry);
    onBuilt(entry);
    return entry;
  };
  market(defaultMarket);
  return { defaultMarket, codes, knows, currencyOf: (code) => market(code).policy.currency, market, of: (record) => market(record.market ?? defaultMarket) };
}

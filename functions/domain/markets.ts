import { calendarFor, type CalendarFactory, type MarketCalendar } from './market-calendar.js';
import { assertDefaultMarketKnown } from './default-market.js';
import { parsePolicy, type AftersalesPolicy } from './policy.js';

/** A market as a case is shown or counted under it: its after-sales policy and its time zone, no calendar. */
export interface MarketPolicy {
  readonly code: string;
  readonly policy: AftersalesPolicy;
  /** The zone its dates are shown and its days counted in (its calendar's zone). */
  readonly timeZone: string;
}

/** A market a case can be decided under: its after-sales policy and its working-day calendar. */
export interface Market extends MarketPolicy {
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
 * The markets of one deployment, without their calendars: for the functions that show or count by a case's market
 * (its policy, its zone) but never count working days. The default market's policy is validated at once.
 */
export interface MarketPolicies {
  readonly defaultMarket: string;
  /** The market codes this deployment has a policy for, sorted. */
  readonly codes: readonly string[];
  knows(code: string): boolean;
  /** The currency the market's policy counts money in (its thresholds, caps and costs); `code` absent = the default market. */
  currencyOf(code?: string): string;
  /** The market, `code` absent = the default market; throws for a market the deployment has no policy for. */
  market(code?: string): MarketPolicy;
  /** The market a case is shown under: its own, or the default market for a case opened before markets existed. */
  of(record: { market?: string }): MarketPolicy;
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
 * The deployment's markets without calendars: each market's policy (validated once, on first use; the default
 * market's at once) and its zone from `zones`. Pure: the policies, the zones and the default are given.
 */
export function createMarketPolicies(registry: Pick<MarketRegistry, 'policies'> & { readonly zones: Readonly<Record<string, string>> }, defaultMarket: string): MarketPolicies {
  const built = new Map<string, MarketPolicy>();
  const { codes, knows } = marketCatalog(registry, defaultMarket);
  const market = (code: string = defaultMarket): MarketPolicy => {
    const cached = built.get(code);
    if (cached) return cached;
    const policy = validPolicy(registry, code, codes);
    const timeZone = Object.hasOwn(registry.zones, code) ? registry.zones[code] : undefined;
    if (!timeZone) throw new Error(`no time zone for market ${code}; known: ${Object.keys(registry.zones).sort().join(', ')}`);
    const entry: MarketPolicy = { code, policy, timeZone };
    built.set(code, entry);
    return entry;
  };
  market(defaultMarket);
  return { defaultMarket, codes, knows, currencyOf: (code) => market(code).policy.currency, market, of: (record) => market(record.market ?? defaultMarket) };
}

/** The policy registered for `code`, validated; throws for an unknown market or a policy filed under another's code. */
function validPolicy(registry: Pick<MarketRegistry, 'policies'>, code: string, codes: readonly string[]): AftersalesPolicy {
  if (!Object.hasOwn(registry.policies, code)) throw new Error(`no after-sales policy for market ${code}; known: ${codes.join(', ')}`);
  const policy = parsePolicy(registry.policies[code]);
  // A policy filed under another market's code would decide that market's cases by the wrong law.
  if (policy.market !== code) throw new Error(`the policy registered for market ${code} is for market ${policy.market}`);
  return policy;
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
    const policy = validPolicy(registry, code, codes);
    const calendar = calendarFor(policy, registry.calendars);
    const entry: Market = { code, policy, timeZone: calendar.timeZone, calendar };
    built.set(code, entry);
    onBuilt(entry);
    return entry;
  };
  market(defaultMarket);
  return { defaultMarket, codes, knows, currencyOf: (code) => market(code).policy.currency, market, of: (record) => market(record.market ?? defaultMarket) };
}

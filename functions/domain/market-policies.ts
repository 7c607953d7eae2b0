import { assertDefaultMarketKnown } from './default-market.js';
import { parsePolicy, type AftersalesPolicy } from './policy.js';

/*
 * The markets of a deployment by their policies and zones alone: what the intake checks an order against, and what
 * the functions that show or count a case by its market but never count working days read (status page, survey,
 * console pages). No calendar is imported here, so their bundles have no calendar code or holiday data; markets.ts
 * adds the calendars.
 */

/** A market as a case is shown or counted under it: its after-sales policy and its time zone, no calendar. */
export interface MarketPolicy {
  readonly code: string;
  readonly policy: AftersalesPolicy;
  /** The zone its dates are shown and its days counted in (its calendar's zone). */
  readonly timeZone: string;
}

/** What the intake checks an order against: the markets a deployment has a policy for, and their currencies, nothing built. */
export type MarketCatalog = Pick<MarketPolicies, 'defaultMarket' | 'codes' | 'knows' | 'currencyOf'>;

export function marketCatalog(registry: { readonly policies: Readonly<Record<string, AftersalesPolicy>> }, defaultMarket: string): MarketCatalog {
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

/** A market and the zone its cases' times are shown, and an operator's times for them read, in. */
export interface MarketZone {
  market: string;
  timeZone: string;
  /** A market no longer deployed: its cases are shown in UTC, and its working days cannot be counted. */
  undeployed?: true;
}

/** The zone of a case of `market` (absent: the default market, as a case from before markets); UTC for one no longer deployed. */
export function marketZoneOf(markets: Pick<MarketPolicies, 'defaultMarket' | 'knows' | 'market'>, market: string | undefined): MarketZone {
  const code = market ?? markets.defaultMarket;
  return markets.knows(code) ? { market: code, timeZone: markets.market(code).timeZone } : { market: code, timeZone: 'UTC', undeployed: true };
}

/**
 * The deployment's markets without calendars: each market's policy (validated once, on first use; the default
 * market's at once) and its zone from `zones`. Pure: the policies, the zones and the default are given.
 */
export function createMarketPolicies(
  registry: { readonly policies: Readonly<Record<string, AftersalesPolicy>>; readonly zones: Readonly<Record<string, string>> },
  defaultMarket: string,
): MarketPolicies {
  return marketsBuiltBy(registry.policies, defaultMarket, (code, policy) => {
    const timeZone = Object.hasOwn(registry.zones, code) ? registry.zones[code] : undefined;
    if (!timeZone) throw new Error(`no time zone for market ${code}; known: ${Object.keys(registry.zones).sort().join(', ')}`);
    return { code, policy, timeZone };
  });
}

/**
 * What both views of the markets share (this one, and markets.ts with calendars): each market made by `build` from
 * its validated policy once, on first use, the default market's at once.
 */
export function marketsBuiltBy<M extends MarketPolicy>(
  policies: Readonly<Record<string, AftersalesPolicy>>,
  defaultMarket: string,
  build: (code: string, policy: AftersalesPolicy) => M,
): MarketPolicies & { market(code?: string): M; of(record: { market?: string }): M } {
  const built = new Map<string, M>();
  const { codes, knows } = marketCatalog({ policies }, defaultMarket);
  const market = (code: string = defaultMarket): M => {
    const cached = built.get(code);
    if (cached) return cached;
    const entry = build(code, validMarketPolicy(policies, code, codes));
    built.set(code, entry);
    return entry;
  };
  market(defaultMarket);
  return { defaultMarket, codes, knows, currencyOf: (code) => market(code).policy.currency, market, of: (record) => market(record.market ?? defaultMarket) };
}

/** The policy registered for `code`, validated; throws for an unknown market or a policy filed under another's code. */
export function validMarketPolicy(policies: Readonly<Record<string, AftersalesPolicy>>, code: string, codes: readonly string[]): AftersalesPolicy {
  if (!Object.hasOwn(policies, code)) throw new Error(`no after-sales policy for market ${code}; known: ${codes.join(', ')}`);
  const policy = parsePolicy(policies[code]);
  // A policy filed under another market's code would decide that market's cases by the wrong law.
  if (policy.market !== code) throw new Error(`the policy registered for market ${code} is for market ${policy.market}`);
  return policy;
}

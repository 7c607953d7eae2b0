import { MARKET_ZONES } from '../domain/market-zones.js';
import { createMarketPolicies, type MarketPolicies } from '../domain/market-policies.js';
import { SHIPPED_POLICIES } from '../policies/shipped.js';

/** Built once per cold start and default market, as wiring.ts markets() is. */
const deploymentPolicies = new Map<string, MarketPolicies>();

/**
 * The deployment's markets without their calendars: each case's policy and zone, for the functions that show or count
 * by market but never count working days (status page, survey, survey API, the console's pages). The default
 * market's policy is validated at cold start, as markets() does; its calendar is checked by the functions that build
 * it. From the shipped policies and zones, not wiring.ts or policies/index.ts, which reach the calendars and their
 * holiday data (as wiring/default-market.ts does): esbuild splits bundles by module, so the console, which builds
 * its calendars with its first form, would otherwise load them at every cold start.
 */
export function marketPolicies(config: { readonly POLICY_MARKET: string }): MarketPolicies {
  let built = deploymentPolicies.get(config.POLICY_MARKET);
  if (!built) {
    built = createMarketPolicies({ policies: SHIPPED_POLICIES, zones: MARKET_ZONES }, config.POLICY_MARKET);
    deploymentPolicies.set(config.POLICY_MARKET, built);
  }
  return built;
}

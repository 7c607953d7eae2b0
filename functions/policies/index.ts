import { CALENDARS } from '../domain/market-calendar.js';
import type { MarketRegistry } from '../domain/markets.js';
import { parsePolicy, type AftersalesPolicy } from '../domain/policy.js';
import { SHIPPED_POLICIES } from './shipped.js';

/** The policies this deployment knows, by market. Add a market by adding its file to shipped.ts (and its calendar factory). */
export const POLICIES: Readonly<Record<string, AftersalesPolicy>> = SHIPPED_POLICIES;

/** The markets this deployment ships a policy for (each also needs a calendar: functions/domain/market-calendar.ts). */
export const SHIPPED_MARKETS: readonly string[] = Object.keys(POLICIES);

/**
 * Every market the deployment ships: a case's `order.market` must be one of these. Functions resolve a case's policy
 * and calendar from it (wiring.ts `markets()`); tests add a test-only market by mocking this export and `POLICIES`
 * (tests/test-market.ts `withTestMarketPolicies`).
 */
export const MARKET_REGISTRY: MarketRegistry = { policies: POLICIES, calendars: CALENDARS };

/** The market's policy, validated; a function that cannot load a valid policy fails at cold start. */
export function loadPolicy(market = 'CN'): AftersalesPolicy {
  const policy = Object.hasOwn(POLICIES, market) ? POLICIES[market] : undefined;
  if (!policy) throw new Error(`no after-sales policy for market ${market}; known: ${Object.keys(POLICIES).join(', ')}`);
  return parsePolicy(policy);
}
